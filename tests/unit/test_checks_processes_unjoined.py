"""check_joined_process notices a missing join() under every start method.

Under forkserver (the default on Linux from Python 3.14) the server reaps the child, and
Windows has no zombies, so the zombie test alone let a child that nobody joined pass.
"""

import multiprocessing
import os
import time

import psutil
import pytest

from helpers import processes
from helpers.checks import NotYet
from helpers.checks.processes import check_joined_process

METHODS = [m for m in ("fork", "spawn", "forkserver")
           if m in multiprocessing.get_all_start_methods()]


def _ended_without_reaping(proc, timeout=30):
    """Wait until ``proc`` has ended, without polling it (that would reap it)."""
    assert multiprocessing.connection.wait([proc.sentinel], timeout=timeout)
    if os.name != "posix":
        return
    deadline = time.monotonic() + 5
    while True:  # the sentinel fires a moment before the exit completes
        try:
            if psutil.Process(proc.pid).status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.NoSuchProcess:
            return  # reaped by its real parent, the forkserver
        assert time.monotonic() < deadline
        time.sleep(0.01)


def _finish(proc):
    proc.join(30)
    if proc.is_alive():
        proc.terminate()
        proc.join(5)


@pytest.mark.parametrize("method", METHODS)
def test_a_child_nobody_joined_is_not_correct(method):
    proc = multiprocessing.get_context(method).Process(target=processes.sleep_for,
                                                       args=(0.01,))
    proc.start()
    try:
        _ended_without_reaping(proc)
        with pytest.raises(NotYet, match="nobody waited for it"):
            check_joined_process(proc)
    finally:
        _finish(proc)


@pytest.mark.parametrize("method", METHODS)
def test_a_joined_child_is_correct(method, capsys):
    proc = multiprocessing.get_context(method).Process(target=processes.sleep_for,
                                                       args=(0.01,))
    proc.start()
    proc.join(30)
    check_joined_process(proc)
    assert capsys.readouterr().out.startswith("Correct!")


@pytest.mark.parametrize("method", METHODS)
def test_a_running_child_is_still_running(method):
    proc = multiprocessing.get_context(method).Process(target=processes.sleep_for,
                                                       args=(30,))
    proc.start()
    try:
        with pytest.raises(NotYet, match="still running"):
            check_joined_process(proc)
    finally:
        proc.terminate()
        _finish(proc)


def test_messages_name_the_answer_variable(capsys):
    with pytest.raises(NotYet):
        check_joined_process(multiprocessing.Process(target=processes.sleep_for, args=(0,)))
    out = capsys.readouterr().out
    assert "sleeper.start()" in out and "proc." not in out
