"""Pytest plugin (loaded by pyproject.toml for every run): start method, nbval kernels,
leftover-process check.

    pytest tests/unit --start-method spawn              # unit tests, helpers under spawn
    pytest notebooks --nbval --start-method spawn       # every notebook, strictly

With ``--nbval`` every notebook runs in a kernel whose default start method is the
chosen one (see tools/kernels.py), compared with tests/sanitize.cfg, and followed by
one more test item that fails if the kernel left a child process behind. The
notebooks themselves contain no test plumbing.

This plugin reaches into nbval in two places: it wraps ``IPyNbFile.setup`` (to start
the kernel in the run's own folder, without ``PYTEST_CURRENT_TEST``, and again if it dies
while starting) and ``IPyNbFile.collect`` (to add the leftover check). requirements.txt
pins nbval, and tests/unit/test_plugin.py checks both hooks, and the ``RunningKernel``
call inside ``setup``, against the installed nbval, so an upgrade that changes them fails
loudly.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers.instruments.pools import describe_processes, wait_for_no_leftovers
from tools import kernels

try:
    import nbval.plugin as nbval_plugin
    from nbval.plugin import IPyNbFile
except ImportError:  # nbval missing: unit tests still run
    nbval_plugin = IPyNbFile = None

ROOT = kernels.ROOT
NOTEBOOKS = kernels.NOTEBOOKS
SANITIZERS = Path(__file__).resolve().parent / "sanitize.cfg"


@functools.cache
def sanitize_patterns() -> list[tuple[str, str]]:
    """The (regex, replace) pairs of tests/sanitize.cfg, read as nbval reads them."""
    from nbval.plugin import get_sanitize_patterns

    return get_sanitize_patterns(SANITIZERS.read_text(encoding="utf-8"))


def sanitize(text: str) -> str:
    """``text`` as nbval compares it: every pattern of tests/sanitize.cfg applied, in order."""
    for regex, replace in sanitize_patterns():
        text = re.sub(regex, replace, text)
    return text


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--start-method", default=None, choices=multiprocessing.get_all_start_methods(),
        help="default multiprocessing start method for the tests and the notebook kernels",
    )


def pytest_configure(config: pytest.Config) -> None:
    method = config.getoption("--start-method") or multiprocessing.get_start_method()
    multiprocessing.set_start_method(method, force=True)
    config.start_method = method
    config.addinivalue_line("markers", "per_start_method: depends on the start method, so "
                            "the CI runs it under each one")
    if not getattr(config.option, "nbval", False):
        return
    jupyter_dir = Path(tempfile.mkdtemp(prefix="mp-course-kernels-"))
    kernels.install_kernelspecs(jupyter_dir)
    config.kernels_dir = jupyter_dir
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(jupyter_dir), *filter(None, [os.environ.get("JUPYTER_PATH")])])
    config.option.nbval_kernel_name = kernels.kernel_name(method)
    config.notebook_folder = Path(tempfile.mkdtemp(prefix="mp-course-notebooks-"))
    for notebook in NOTEBOOKS.glob("*.ipynb"):  # 00_start_here counts their exercises
        shutil.copy2(notebook, config.notebook_folder)
    if not config.option.nbval_sanitize_with:
        config.option.nbval_sanitize_with = str(SANITIZERS)


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in (getattr(config, "kernels_dir", None),
                   getattr(config, "notebook_folder", None)):
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


def pytest_report_header(config: pytest.Config) -> str:
    return f"multiprocessing start method: {config.start_method}"


@pytest.fixture
def start_method(request: pytest.FixtureRequest) -> str:
    """The start method this test run uses (set with --start-method)."""
    return request.config.start_method


def without_pytest_current_test(setup: Callable[[Any], None]) -> Callable[[Any], None]:
    """Wrap nbval's ``IPyNbFile.setup`` so the kernel starts without PYTEST_CURRENT_TEST.

    ipykernel stops capturing file descriptors 1 and 2 when that variable is set, and
    then the output of spawned children never reaches the notebook.
    """
    def wrapped(self: Any) -> None:
        saved = os.environ.pop("PYTEST_CURRENT_TEST", None)
        try:
            setup(self)
        finally:
            if saved is not None:
                os.environ["PYTEST_CURRENT_TEST"] = saved

    return wrapped


def in_own_folder(setup: Callable[[Any], None]) -> Callable[[Any], None]:
    """Wrap nbval's ``IPyNbFile.setup`` so the kernel starts in this test run's own
    folder (``config.notebook_folder``), not in ``notebooks/``.

    What a notebook writes (``%%writefile my_workers.py``, ``results/``) then stays in its
    run: two runs at once (``tools/ci.py`` runs several) cannot overwrite or delete each
    other's files, and nothing is left in ``notebooks/``. The folder holds a copy of the
    course's notebooks, the only files of their folder that a notebook reads (00's
    progress table). nbval's setup makes its kernel with ``RunningKernel(..., cwd=...)``;
    for that one call the name points at a function that passes this folder instead.
    """
    def wrapped(self: Any) -> None:
        folder = getattr(self.config, "notebook_folder", None)
        if folder is None:
            setup(self)
            return
        real = nbval_plugin.RunningKernel

        def running_kernel(*args: Any, cwd: str | None = None, **kwargs: Any) -> Any:
            return real(*args, cwd=str(folder), **kwargs)

        nbval_plugin.RunningKernel = running_kernel
        try:
            setup(self)
        finally:
            nbval_plugin.RunningKernel = real

    return wrapped


KERNEL_START_ATTEMPTS = 3
"""How often a notebook's kernel may fail to start before the notebook's tests error."""


def _died_while_starting(error: BaseException) -> bool:
    return isinstance(error, RuntimeError) and "died before replying" in str(error)


def start_kernel(kernel_name: str, cwd: str, timeout: float = 60.0,
                 attempts: int = KERNEL_START_ATTEMPTS) -> tuple[Any, Any]:
    """A started Jupyter kernel and its client, channels open, ready: ``(manager, client)``.

    The unit tests' own kernels (interrupts, the live view) start here. As for nbval's
    kernels (:func:`with_kernel_start_retries`), a kernel that dies before it answers is
    shut down and started again, at most ``attempts`` times in all. The caller stops the
    channels and shuts the kernel down.
    """
    from jupyter_client.manager import KernelManager

    for attempt in range(1, attempts + 1):
        manager = KernelManager(kernel_name=kernel_name)
        manager.start_kernel(cwd=cwd)
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=timeout)
            return manager, client
        except BaseException as error:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
            if not _died_while_starting(error) or attempt == attempts:
                raise
            print(f"\nkernel {kernel_name}: died while starting ({error}); starting another "
                  f"({attempt + 1} of {attempts})", file=sys.stderr)
    raise AssertionError("unreachable")


def with_kernel_start_retries(setup: Callable[[Any], None],
                              attempts: int = KERNEL_START_ATTEMPTS) -> Callable[[Any], None]:
    """Wrap nbval's ``IPyNbFile.setup`` so a kernel that dies while starting is started again.

    Now and then, with several test runs starting kernels at once, a new kernel dies
    before it answers (``Kernel died before replying to kernel_info``): nothing of the
    notebook has run yet. nbval has then shut that kernel down; this starts another, at
    most ``attempts`` times in all, and says so on stderr. Any other error is raised.
    """
    def wrapped(self: Any) -> None:
        for attempt in range(1, attempts + 1):
            try:
                setup(self)
                return
            except RuntimeError as error:
                if not _died_while_starting(error) or attempt == attempts:
                    raise
                print(f"\n{getattr(self, 'name', self)}: the kernel died while starting "
                      f"({error}); starting another ({attempt + 1} of {attempts})",
                      file=sys.stderr)

    return wrapped


def with_leftover_check(collect: Callable[[Any], Iterator[Any]],
                        item_class: type) -> Callable[[Any], Iterator[Any]]:
    """Wrap nbval's ``IPyNbFile.collect`` so an ``item_class`` item follows the cells."""
    def wrapped(self: Any) -> Iterator[Any]:
        yield from collect(self)
        yield item_class.from_parent(self, name="no child process left behind")

    return wrapped


class NoLeftoverChildren(pytest.Item):
    """Fails if the notebook's kernel still has child processes after the last cell."""

    def runtest(self) -> None:
        kernel = self.parent.kernel
        assert kernel is not None and kernel.is_alive(), "the kernel is not running"
        left = wait_for_no_leftovers(kernel.km.provisioner.process.pid)
        assert not left, "child processes left behind:\n" + describe_processes(left)

    def reportinfo(self):
        return self.path, 0, f"{self.path.name}: no child process left behind"


if IPyNbFile is not None:
    IPyNbFile.setup = with_kernel_start_retries(without_pytest_current_test(
        in_own_folder(IPyNbFile.setup)))
    IPyNbFile.collect = with_leftover_check(IPyNbFile.collect, NoLeftoverChildren)
