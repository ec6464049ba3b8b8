"""tests/plugin.py: the two wrappers it puts around nbval's methods, tested with fakes; and
the installed nbval checked against what they assume, so an nbval upgrade fails here,
loudly, instead of quietly changing how the notebooks are tested."""

from __future__ import annotations

import ast
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbval
import nbval.kernel
import nbval.plugin
import pytest

from tests import plugin
from tests.plugin import (
    ROOT,
    in_own_folder,
    start_kernel,
    with_kernel_start_retries,
    with_leftover_check,
    without_pytest_current_test,
)

# --- without_pytest_current_test --------------------------------------------------------------


def test_setup_runs_without_pytest_current_test_and_it_comes_back(monkeypatch):
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "test_x.py::test_y (call)")
    seen = []

    def setup(self):
        seen.append((self, os.environ.get("PYTEST_CURRENT_TEST")))

    without_pytest_current_test(setup)("the collector")
    assert seen == [("the collector", None)]
    assert os.environ["PYTEST_CURRENT_TEST"] == "test_x.py::test_y (call)"


def test_setup_that_fails_still_restores_the_variable(monkeypatch):
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "kept")

    def setup(self):
        raise RuntimeError("the kernel did not start")

    with pytest.raises(RuntimeError, match="did not start"):
        without_pytest_current_test(setup)(None)
    assert os.environ["PYTEST_CURRENT_TEST"] == "kept"


def test_setup_without_the_variable_does_not_invent_it(monkeypatch):
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    calls = []
    without_pytest_current_test(lambda self: calls.append(self))(1)
    assert calls == [1] and "PYTEST_CURRENT_TEST" not in os.environ


# --- in_own_folder ---------------------------------------------------------------------------


class FakeFile:
    """Stands in for nbval's IPyNbFile: a config with (or without) the run's own folder."""

    def __init__(self, folder=None):
        self.config = type("Config", (), {})()
        if folder is not None:
            self.config.notebook_folder = folder


def _setup_making_a_kernel(made: list, fail: bool = False):
    """A setup that, like nbval's, makes its kernel with RunningKernel(name, cwd=...)."""
    def setup(self):
        made.append(nbval.plugin.RunningKernel("python3", cwd="/the/notebooks",
                                               startup_timeout=5))
        if fail:
            raise RuntimeError("the kernel did not start")

    return setup


@pytest.fixture
def recorded_kernels(monkeypatch):
    """nbval's RunningKernel, recording its arguments instead of starting a kernel."""
    def fake(*args, **kwargs):
        return args, kwargs

    monkeypatch.setattr(nbval.plugin, "RunningKernel", fake)
    return fake


def test_the_kernel_starts_in_the_runs_own_folder(tmp_path, recorded_kernels):
    made = []
    in_own_folder(_setup_making_a_kernel(made))(FakeFile(tmp_path))
    assert made == [(("python3",), {"cwd": str(tmp_path), "startup_timeout": 5})]
    assert nbval.plugin.RunningKernel is recorded_kernels, "the name was not given back"


def test_a_failed_setup_gives_the_name_back(tmp_path, recorded_kernels):
    with pytest.raises(RuntimeError, match="did not start"):
        in_own_folder(_setup_making_a_kernel([], fail=True))(FakeFile(tmp_path))
    assert nbval.plugin.RunningKernel is recorded_kernels


def test_without_a_folder_the_kernel_starts_where_nbval_says(recorded_kernels):
    made = []
    in_own_folder(_setup_making_a_kernel(made))(FakeFile())
    assert made[0][1]["cwd"] == "/the/notebooks"


def test_a_notebook_runs_in_its_runs_own_folder_and_leaves_nothing(tmp_path):
    """A real nbval run of a notebook that writes a file where it runs, as 02 and 06 do."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(
        "%%writefile probe_module.py\nVALUE = 1")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                           text="Writing probe_module.py\n")]
    where = nbformat.v4.new_code_cell(
        "import os, probe_module\nprint(os.path.basename(os.getcwd())[:20], probe_module.VALUE)")
    where.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                            text="mp-course-notebooks- 1\n")]
    cell.execution_count, where.execution_count = 1, 2
    notebook.cells = [cell, where]
    path = tmp_path / "probe.ipynb"
    nbformat.write(notebook, path)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c",
         str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT), str(path), "--nbval"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "3 passed" in done.stdout  # two cells and the leftover check
    assert not (tmp_path / "probe_module.py").exists()
    assert not (ROOT / "notebooks" / "probe_module.py").exists()
    assert not (ROOT / "probe_module.py").exists()


# --- with_leftover_check ---------------------------------------------------------------------


class FakeItem:
    """Stands in for NoLeftoverChildren: records how it was made."""

    @classmethod
    def from_parent(cls, parent, name):
        item = cls()
        item.parent, item.name = parent, name
        return item


def test_collect_yields_the_cells_then_one_leftover_item():
    def collect(self):
        yield from (f"{self}: cell 0", f"{self}: cell 1")

    items = list(with_leftover_check(collect, FakeItem)("nb"))
    assert items[:2] == ["nb: cell 0", "nb: cell 1"]
    assert isinstance(items[2], FakeItem) and len(items) == 3
    assert (items[2].parent, items[2].name) == ("nb", "no child process left behind")


def test_collect_of_a_notebook_without_code_still_checks_leftovers():
    items = list(with_leftover_check(lambda self: iter(()), FakeItem)("nb"))
    assert len(items) == 1 and isinstance(items[0], FakeItem)


def _unwrapped_setup():
    """The wrappers around nbval's setup, outermost first, then nbval's own setup."""
    retrying = nbval.plugin.IPyNbFile.setup
    without = inspect.getclosurevars(retrying).nonlocals["setup"]
    own_folder = inspect.getclosurevars(without).nonlocals["setup"]
    return without, own_folder, inspect.getclosurevars(own_folder).nonlocals["setup"]


def test_the_plugin_installed_both_wrappers():
    assert nbval.plugin.IPyNbFile.setup.__qualname__.startswith("with_kernel_start_retries")
    assert _unwrapped_setup()[0].__qualname__.startswith("without_pytest_current_test")
    assert _unwrapped_setup()[1].__qualname__.startswith("in_own_folder")
    assert nbval.plugin.IPyNbFile.collect.__qualname__.startswith("with_leftover_check")
    assert plugin.IPyNbFile is nbval.plugin.IPyNbFile


# --- the installed nbval ------------------------------------------------------------------------


def _pinned_nbval() -> str:
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        match = re.fullmatch(r"\s*nbval\s*==\s*([\w.]+)\s*(#.*)?", line)
        if match:
            return match.group(1)
    raise AssertionError("requirements.txt does not pin nbval with ==")


def test_the_installed_nbval_is_the_pinned_one():
    assert nbval.__version__ == _pinned_nbval() == "0.11.0"


def _methods_of_ipynbfile() -> dict[str, ast.FunctionDef]:
    source = inspect.getsource(nbval.plugin.IPyNbFile)  # the file as installed, unwrapped
    tree = ast.parse(source)
    (cls,) = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    return {node.name: node for node in cls.body if isinstance(node, ast.FunctionDef)}


def test_ipynbfile_still_has_setup_and_collect_taking_only_self():
    methods = _methods_of_ipynbfile()
    for name in ("setup", "collect"):
        assert name in methods, f"nbval's IPyNbFile has no {name}() any more"
        args = methods[name].args
        assert [a.arg for a in args.args] == ["self"], f"IPyNbFile.{name} takes other arguments"
        assert not (args.vararg or args.kwarg or args.kwonlyargs)


def test_the_wrapped_originals_are_nbvals_own():
    originals = {name: inspect.getclosurevars(getattr(nbval.plugin.IPyNbFile, name)).nonlocals
                 for name in ("setup", "collect")}
    setup, collect = _unwrapped_setup()[-1], originals["collect"]["collect"]
    assert setup.__module__ == collect.__module__ == "nbval.plugin"
    assert list(inspect.signature(setup).parameters) == ["self"]
    assert list(inspect.signature(collect).parameters) == ["self"]
    assert inspect.isgeneratorfunction(collect), "collect must yield its items"
    assert originals["collect"]["item_class"] is plugin.NoLeftoverChildren


def test_setup_still_starts_the_kernel_that_the_leftover_check_reads():
    setup = ast.unparse(_methods_of_ipynbfile()["setup"])
    assert "self.kernel = RunningKernel(" in setup, "setup no longer starts self.kernel"
    # in_own_folder replaces the module's name RunningKernel, and the cwd= it is given.
    call = next(node for node in ast.walk(_methods_of_ipynbfile()["setup"])
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "RunningKernel")
    assert "cwd" in [keyword.arg for keyword in call.keywords]
    assert nbval.plugin.RunningKernel is nbval.kernel.RunningKernel
    # NoLeftoverChildren reads parent.kernel.is_alive() and the kernel's process id.
    assert callable(getattr(nbval.kernel.RunningKernel, "is_alive", None))
    kernel_source = inspect.getsource(nbval.kernel.RunningKernel.__init__)
    assert "self.km" in kernel_source and "start_new_kernel" in kernel_source


def test_the_plugin_says_where_these_checks_live():
    text = Path(plugin.__file__).read_text()
    assert "tests/unit/test_plugin.py" in text


# --- with_kernel_start_retries -----------------------------------------------------------------


def _setup_failing(times: int, message: str = "Kernel died before replying to kernel_info"):
    calls = []

    def setup(self):
        calls.append(self)
        if len(calls) <= times:
            raise RuntimeError(message)

    return setup, calls


def test_a_kernel_that_dies_while_starting_is_started_again(capsys):
    setup, calls = _setup_failing(2)
    with_kernel_start_retries(setup, attempts=3)("nb")
    assert calls == ["nb", "nb", "nb"]
    assert capsys.readouterr().err.count("the kernel died while starting") == 2


def test_it_gives_up_after_the_last_attempt():
    setup, calls = _setup_failing(5)
    with pytest.raises(RuntimeError, match="died before replying"):
        with_kernel_start_retries(setup, attempts=3)("nb")
    assert len(calls) == 3


def test_other_errors_are_not_retried():
    setup, calls = _setup_failing(1, "no such kernel")
    with pytest.raises(RuntimeError, match="no such kernel"):
        with_kernel_start_retries(setup, attempts=3)("nb")
    assert len(calls) == 1


class _FakeKernels:
    """Stands in for jupyter_client's KernelManager: the first ``dying`` kernels die
    before replying (``error`` says how), the others are ready."""

    def __init__(self, dying: int, error: str = "Kernel died before replying to kernel_info"):
        self.dying, self.error, self.made, self.shut = dying, error, 0, 0

    def __call__(self, kernel_name: str) -> Any:
        fake, self.made = self, self.made + 1
        dies = self.made <= self.dying

        class Client:
            def start_channels(self) -> None: ...
            def stop_channels(self) -> None: ...

            def wait_for_ready(self, timeout: float) -> None:
                if dies:
                    raise RuntimeError(fake.error)

        class Manager:
            def start_kernel(self, cwd: str) -> None: ...
            def client(self) -> Client:
                return Client()

            def shutdown_kernel(self, now: bool) -> None:
                fake.shut += 1

        return Manager()


def test_start_kernel_starts_a_dead_kernel_again(monkeypatch, capsys):
    import jupyter_client.manager

    kernels = _FakeKernels(dying=2)
    monkeypatch.setattr(jupyter_client.manager, "KernelManager", kernels)
    manager, client = start_kernel("k", "/", attempts=3)
    assert (kernels.made, kernels.shut) == (3, 2)  # the two dead ones were shut down
    assert capsys.readouterr().err.count("died while starting") == 2


@pytest.mark.parametrize("dying, error, made", [
    (5, "Kernel died before replying to kernel_info", 3),  # gives up after the last one
    (1, "no such kernel", 1),                               # other errors: not retried
])
def test_start_kernel_gives_up(monkeypatch, dying, error, made):
    import jupyter_client.manager

    kernels = _FakeKernels(dying, error)
    monkeypatch.setattr(jupyter_client.manager, "KernelManager", kernels)
    with pytest.raises(RuntimeError, match=error):
        start_kernel("k", "/", attempts=3)
    assert (kernels.made, kernels.shut) == (made, made)
