"""requirements.txt and environment.yml name the same packages with the same bounds."""

import re

import yaml

from tests.plugin import ROOT


def _requirements() -> set[str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return {re.sub(r"\s+", "", line.split("#")[0]) for line in lines} - {""}


def _environment() -> tuple[set[str], set[str]]:
    """(conda dependencies except python and pip, pip section) of environment.yml."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip = set(), set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip |= {re.sub(r"\s+", "", d) for d in dep["pip"]}
        elif not re.match(r"^(python|pip)\b", dep):
            conda.add(re.sub(r"\s+", "", dep))
    return conda, pip


def test_same_packages():
    conda, pip = _environment()
    assert conda | pip == _requirements()


def test_helpers_installed_in_both():
    conda, pip = _environment()
    assert "-e." in _requirements() and "-e." in pip


def test_the_fixed_packages_are_named():
    names = {re.split(r"[<>=!~]", r)[0].lower() for r in _requirements()}
    assert {"jupyterlab", "nbval", "matplotlib", "ipywidgets"} <= names


def test_binder_environment_is_the_root_one_without_the_editable_install():
    root = yaml.safe_load((ROOT / "environment.yml").read_text())
    binder = yaml.safe_load((ROOT / "binder" / "environment.yml").read_text())
    expected = [d for d in root["dependencies"] if not isinstance(d, dict)]
    assert binder["dependencies"] == expected
    assert binder["channels"] == root["channels"]
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post_build


def test_environment_pip_section_installs():
    """The pip section (`-e .`) resolves: pip can build and install the helpers package.

    With the setuptools that requirements.txt installs, not one fetched for the build.
    """
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps",
                           "--no-build-isolation",
                           "--disable-pip-version-check", "-e", str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "mp-course-helpers" in done.stdout
