"""Pytest plugin (loaded by pyproject.toml for every run): start method, nbval kernels,
leftover-process check.

    pytest --start-method spawn              # unit tests, helpers under spawn
    pytest --nbval --start-method spawn      # ... and every notebook, strictly

With ``--nbval`` every notebook runs in a kernel whose default start method is the
chosen one (see harness.install_kernelspecs), compared with tests/sanitize.cfg, and
followed by one more test item that fails if the kernel left a child process behind.
The notebooks themselves contain no test plumbing.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests import harness

try:
    from nbval.plugin import IPyNbFile
except ImportError:  # nbval missing: unit tests still run
    IPyNbFile = None



def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--start-method", default=None, choices=multiprocessing.get_all_start_methods(),
        help="default multiprocessing start method for the tests and the notebook kernels",
    )


def pytest_configure(config: pytest.Config) -> None:
    method = config.getoption("--start-method") or multiprocessing.get_start_method()
    multiprocessing.set_start_method(method, force=True)
    config.start_method = method
    if not getattr(config.option, "nbval", False):
        return
    jupyter_dir = Path(tempfile.mkdtemp(prefix="mp-course-kernels-"))
    harness.install_kernelspecs(jupyter_dir)
    config.kernels_dir = jupyter_dir
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(jupyter_dir), *filter(None, [os.environ.get("JUPYTER_PATH")])])
    config.option.nbval_kernel_name = harness.kernel_name(method)
    if not config.option.nbval_sanitize_with:
        config.option.nbval_sanitize_with = str(harness.SANITIZERS)


def pytest_unconfigure(config: pytest.Config) -> None:
    kernels_dir = getattr(config, "kernels_dir", None)
    if kernels_dir:
        shutil.rmtree(kernels_dir, ignore_errors=True)


def pytest_report_header(config: pytest.Config) -> str:
    return f"multiprocessing start method: {config.start_method}"


@pytest.fixture
def start_method(request: pytest.FixtureRequest) -> str:
    """The start method this test run uses (set with --start-method)."""
    return request.config.start_method


if IPyNbFile is not None:

    class NoLeftoverChildren(pytest.Item):
        """Fails if the notebook's kernel still has child processes after the last cell."""

        def runtest(self) -> None:
            kernel = self.parent.kernel
            assert kernel is not None and kernel.is_alive(), "the kernel is not running"
            left = harness.wait_for_no_leftovers(kernel.km.provisioner.process.pid)
            assert not left, "child processes left behind:\n" + harness.describe(left)

        def reportinfo(self):
            return self.path, 0, f"{self.path.name}: no child process left behind"

    _nbval_setup = IPyNbFile.setup
    _nbval_collect = IPyNbFile.collect

    def _setup(self: IPyNbFile) -> None:
        # ipykernel stops capturing file descriptors 1 and 2 when PYTEST_CURRENT_TEST
        # is set, and then the output of spawned children never reaches the notebook.
        saved = os.environ.pop("PYTEST_CURRENT_TEST", None)
        try:
            _nbval_setup(self)
        finally:
            if saved is not None:
                os.environ["PYTEST_CURRENT_TEST"] = saved

    def _collect(self: IPyNbFile):
        yield from _nbval_collect(self)
        yield NoLeftoverChildren.from_parent(self, name="no child process left behind")

    IPyNbFile.setup = _setup
    IPyNbFile.collect = _collect
