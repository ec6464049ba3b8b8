"""The helpers package as a wheel: it holds the shipped reference data, and
``load_reference()`` finds it there (importlib.resources), not in the repository.

The wheel is built from a copy of the packaging files, so the build leaves nothing in
the working tree, and without build isolation: with the setuptools that requirements.txt
installs, so the test fetches nothing (a fetch that stalls would stall the test).
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from tests.plugin import ROOT

PACKAGING = ("pyproject.toml", "README.md", "setup.cfg", "setup.py", "MANIFEST.in", "helpers")


def _setuptools_version() -> tuple[int, int]:
    try:
        version = importlib.metadata.version("setuptools")
    except importlib.metadata.PackageNotFoundError:
        return (0, 0)
    major, minor = (int(part) for part in version.split(".")[:2])
    return major, minor


@pytest.fixture(scope="module")
def unzipped(tmp_path_factory) -> Path:
    """The wheel of this repository, built and unzipped: its folder."""
    assert _setuptools_version() >= (70, 1), (
        "building the wheel offline needs setuptools 70.1 or newer: "
        "pip install -r requirements.txt")
    source = tmp_path_factory.mktemp("source")
    for name in PACKAGING:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif path.exists():
            shutil.copy2(path, source / name)
    dist = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps",
               "--disable-pip-version-check", "--no-build-isolation", "-w", str(dist)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=source)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = dist.glob("*.whl")
    folder = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(folder)
    return folder


def test_the_wheel_holds_every_package_and_the_reference_data(unzipped):
    for package in ("helpers", "helpers/checks", "helpers/instruments"):
        assert (unzipped / package / "__init__.py").is_file(), f"{package} is not in the wheel"
    shipped = sorted(p.name for p in (ROOT / "helpers/instruments/reference").glob("*.csv"))
    packed = sorted(p.name for p in (unzipped / "helpers/instruments/reference").glob("*.csv"))
    assert shipped, "the repository ships no reference CSV"
    assert packed == shipped, "helpers/instruments/reference/*.csv is missing from the wheel"


SCRIPT = textwrap.dedent("""
    import helpers
    import helpers.instruments.results as r

    runs = r.load_reference()
    print(len(runs))
    print(helpers.__file__)
    print(r.reference_files()[0])
""")


def test_load_reference_finds_the_data_in_the_wheel(unzipped, tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env["PYTHONPATH"] = str(unzipped)
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    count, package, first = done.stdout.split("\n")[:3]
    assert int(count) >= 1
    assert Path(package).is_relative_to(unzipped), f"helpers came from {package}, not the wheel"
    assert Path(first).is_relative_to(unzipped), f"the data came from {first}, not the wheel"
