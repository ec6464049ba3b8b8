"""The supported Pythons, 3.11 to 3.15, are stated the same way everywhere."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
OLDEST, NEWEST = (3, 11), (3, 15)
SUPPORTED = [f"3.{minor}" for minor in range(OLDEST[1], NEWEST[1] + 1)]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_pyproject_requires_the_oldest_and_lists_each_version():
    project = _pyproject()["project"]
    assert project["requires-python"] == ">=3.11"
    listed = [c.rsplit(" :: ", 1)[1] for c in project["classifiers"]
              if c.startswith("Programming Language :: Python :: 3.")]
    assert listed == SUPPORTED


def test_ruff_targets_the_oldest():
    assert _pyproject()["tool"]["ruff"]["target-version"] == "py311"


def test_conda_and_binder_ask_for_the_oldest():
    for path in (ROOT / "environment.yml", ROOT / "binder" / "environment.yml"):
        deps = yaml.safe_load(path.read_text())["dependencies"]
        assert "python>=3.11" in deps, path


def test_the_ci_tests_every_supported_version():
    from tools import ci

    assert list(ci.SUPPORTED) == SUPPORTED


def test_readme_states_the_range():
    text = (ROOT / "README.md").read_text()
    assert "Python 3.11 to 3.15" in text
    assert not re.search(r"3\.10 to 3\.1\d", text)


def test_course_py_tells_an_old_python_what_to_install(tmp_path):
    """course.py must run far enough on an old Python to say what to install."""
    source = (ROOT / "course.py").read_text()
    assert "MINIMUM = (3, 11)" in source
    fake = tmp_path / "course.py"
    fake.write_text(source.replace("MINIMUM = (3, 11)", "MINIMUM = (99, 0)"))
    done = subprocess.run([sys.executable, str(fake), "lab"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0
    assert "needs Python 3.11 or newer" in done.stderr
    assert "python.org" in done.stderr
