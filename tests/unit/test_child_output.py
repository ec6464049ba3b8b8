"""helpers.instruments.child_output: children's stderr in a file, traceback summaries, and
what the OS says about a child (zombies), with real child processes."""

import multiprocessing
import os
import sys
import types
from multiprocessing import connection

import psutil
import pytest

from helpers import processes
from helpers.instruments import child_output

pytestmark = pytest.mark.per_start_method

posix_only = pytest.mark.skipif(os.name != "posix", reason="zombies exist on POSIX only")


def _finish(proc, timeout=30):
    """Join ``proc``; terminate it first if it overruns, so no test can hang."""
    proc.join(timeout)
    if proc.is_alive():
        proc.terminate()
        proc.join(5)


def test_call_with_stderr_to_captures_the_childs_traceback(tmp_path):
    path = tmp_path / "err.txt"
    proc = multiprocessing.Process(target=child_output.call_with_stderr_to,
                                   args=(path, processes.raise_error, "boom"))
    proc.start()
    _finish(proc)
    assert proc.exitcode == 1
    assert child_output.traceback_summary(path) == (
        f"Process {proc.name}:\nTraceback (most recent call last):\n  ...\nValueError: boom")


def test_call_with_stderr_to_passes_arguments_and_keywords(tmp_path):
    path = tmp_path / "err.txt"
    proc = multiprocessing.Process(target=child_output.call_with_stderr_to,
                                   args=(path, processes.exit_with), kwargs={"code": 5})
    proc.start()
    _finish(proc)
    assert proc.exitcode == 5
    assert child_output.traceback_summary(path) == "(nothing was written to stderr)"


def _stderr_identity():
    info = os.fstat(2)
    return info.st_dev, info.st_ino, sys.stderr


@pytest.mark.parametrize("method", [m for m in ("fork", "spawn")
                                    if m in multiprocessing.get_all_start_methods()])
def test_child_stderr_to_redirects_children_started_inside(tmp_path, method):
    ctx = multiprocessing.get_context(method)
    proc = ctx.Process(target=processes.raise_error, args=("boom",))
    before = _stderr_identity()
    with child_output.child_stderr_to(tmp_path / "err.txt") as path:
        proc.start()
    assert _stderr_identity() == before, "fd 2 and sys.stderr are restored after the block"
    _finish(proc)
    assert proc.exitcode == 1
    assert child_output.traceback_summary(path).endswith("\nValueError: boom")


def test_child_stderr_to_sees_a_failure_before_the_target_runs(tmp_path, monkeypatch):
    # A function whose module exists only in this process: a spawned child cannot
    # import it, just as it cannot import a function defined in a notebook.
    ghost = types.ModuleType("nb02_ghost_module")
    exec("def f(x):\n    return x\n", ghost.__dict__)
    monkeypatch.setitem(sys.modules, "nb02_ghost_module", ghost)
    proc = multiprocessing.get_context("spawn").Process(target=ghost.f, args=(1,))
    with child_output.child_stderr_to(tmp_path / "err.txt") as path:
        proc.start()
    _finish(proc)
    assert proc.exitcode == 1
    assert child_output.traceback_summary(path).endswith(
        "ModuleNotFoundError: No module named 'nb02_ghost_module'")


@pytest.mark.parametrize(("text", "summary"), [
    ("Process P-1:\nTraceback (most recent call last):\n  File \"/x.py\", line 1\nKeyError: 1\n",
     "Process P-1:\nTraceback (most recent call last):\n  ...\nKeyError: 1"),
    ("Traceback (most recent call last):\n  File \"/x.py\"\n    f()\nOSError: no\n",
     "Traceback (most recent call last):\n  ...\nOSError: no"),
    ("just a warning\n", "just a warning"),
    ("", "(nothing was written to stderr)"),
])
def test_traceback_summary(tmp_path, text, summary):
    path = tmp_path / "err.txt"
    path.write_text(text, encoding="utf-8")
    assert child_output.traceback_summary(path) == summary


def test_os_status_needs_a_process():
    with pytest.raises(TypeError, match="process must be a multiprocessing Process"):
        child_output.os_status(os.getpid())


def test_call_with_stderr_to_refuses_to_run_in_a_main_process(tmp_path):
    # It would leave this process's sys.stderr pointing at the file for good.
    saved = sys.stderr
    with pytest.raises(RuntimeError, match="runs in a child"):
        child_output.call_with_stderr_to(tmp_path / "err.txt", processes.sleep_for, 0)
    assert sys.stderr is saved
    assert not (tmp_path / "err.txt").exists()


def test_child_stderr_to_refuses_a_folder_and_changes_nothing(tmp_path):
    before = _stderr_identity()
    with pytest.raises(ValueError, match="is a folder"):
        with child_output.child_stderr_to(tmp_path):
            pass
    assert _stderr_identity() == before


def test_traceback_summary_of_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no file"):
        child_output.traceback_summary(tmp_path / "absent.txt")


def test_os_status_needs_a_started_process():
    with pytest.raises(ValueError, match="call start"):
        child_output.os_status(multiprocessing.Process(target=processes.sleep_for, args=(0,)))


@posix_only
def test_os_status_shows_a_zombie_until_it_is_reaped():
    proc = multiprocessing.get_context("spawn").Process(target=processes.sleep_for, args=(0.05,))
    proc.start()
    try:
        assert connection.wait([proc.sentinel], timeout=30)
        assert child_output.os_status(proc) == psutil.STATUS_ZOMBIE
        assert child_output.os_status(proc) == psutil.STATUS_ZOMBIE, "looking does not reap"
    finally:
        _finish(proc)
    assert proc.exitcode == 0
    assert child_output.os_status(proc) == "gone"


@posix_only
def test_os_status_of_a_running_child():
    proc = multiprocessing.Process(target=processes.sleep_for, args=(30,))
    proc.start()
    try:
        # Whether or not it has reached its sleep yet, it is alive for 30 s.
        assert child_output.os_status(proc) not in (psutil.STATUS_ZOMBIE, "gone")
    finally:
        proc.terminate()
        _finish(proc)


def test_traceback_summary_is_the_same_on_every_python(tmp_path):
    """3.13 colours tracebacks and spells the __main__ module differently."""
    old = tmp_path / "old.txt"
    old.write_text("Traceback (most recent call last):\n  File x\nAttributeError: Can't get "
                   "attribute 'double' on <module '__main__' (built-in)>\n")
    new = tmp_path / "new.txt"
    new.write_text("Traceback (most recent call last):\n  File x\n\x1b[1;35mAttributeError"
                   "\x1b[0m: \x1b[35mCan't get attribute 'double' on <module '__main__' "
                   "(<class '_frozen_importlib.BuiltinImporter'>)>\x1b[0m\n")
    assert child_output.traceback_summary(old) == child_output.traceback_summary(new) == (
        "Traceback (most recent call last):\n  ...\nAttributeError: Can't get attribute "
        "'double' on <module '__main__'>")
