"""Checks of notebook 02: right, not attempted, and each wrong branch."""

import importlib
import multiprocessing
import os
import signal
import sys
import time
import uuid
from multiprocessing import connection

import psutil
import pytest

from helpers import processes
from helpers.checks import NotAttempted, NotYet
from helpers.checks.processes import check_exit_codes, check_joined_process, check_shout

pytestmark = pytest.mark.per_start_method


def _finish(proc, timeout=30):
    proc.join(timeout)
    if proc.is_alive():
        proc.terminate()
        proc.join(5)


# --- Exercise 1: start and join ---------------------------------------------------------


def test_joined_process_correct(capsys):
    proc = multiprocessing.Process(target=processes.sleep_for, args=(0.01,))
    proc.start()
    proc.join(30)
    check_joined_process(proc)
    assert capsys.readouterr().out.startswith("Correct!")


def test_joined_process_not_attempted():
    with pytest.raises(NotAttempted):
        check_joined_process(...)


def test_joined_process_needs_the_process_object():
    with pytest.raises(NotYet, match="Process object itself"):
        check_joined_process(processes.sleep_for)


def test_joined_process_never_started():
    with pytest.raises(NotYet, match="never started"):
        check_joined_process(multiprocessing.Process(target=processes.sleep_for, args=(0.01,)))


def test_joined_process_still_running():
    proc = multiprocessing.Process(target=processes.sleep_for, args=(30,))
    proc.start()
    try:
        with pytest.raises(NotYet, match="still running"):
            check_joined_process(proc)
    finally:
        proc.terminate()
        _finish(proc)


@pytest.mark.skipif(os.name != "posix", reason="zombies exist on POSIX only")
def test_joined_process_finished_but_not_joined():
    # The spawn context makes the child a direct child of this process, so it stays a
    # zombie until it is reaped (a forkserver child would be reaped by the server).
    proc = multiprocessing.get_context("spawn").Process(target=processes.sleep_for,
                                                        args=(0.01,))
    proc.start()
    try:
        assert connection.wait([proc.sentinel], timeout=30)
        deadline = time.monotonic() + 5
        while psutil.Process(proc.pid).status() != psutil.STATUS_ZOMBIE:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        with pytest.raises(NotYet, match="nobody waited"):
            check_joined_process(proc)
    finally:
        _finish(proc)


def test_joined_process_bad_exit_code(capsys):
    proc = multiprocessing.Process(target=processes.exit_with, args=(3,))
    proc.start()
    proc.join(30)
    with pytest.raises(NotYet, match="exit code 3"):
        check_joined_process(proc)
    assert "args=(seconds,)" in capsys.readouterr().out


def test_joined_process_closed():
    proc = multiprocessing.Process(target=processes.sleep_for, args=(0.01,))
    proc.start()
    proc.join(30)
    proc.close()
    with pytest.raises(NotYet, match="close"):
        check_joined_process(proc)


# --- Exercise 2: exit codes --------------------------------------------------------------


@pytest.mark.parametrize("codes", [(1, 4, -15), [1, 4, -int(signal.SIGTERM)],
                                   (1, 4, -signal.SIGTERM)])
def test_exit_codes_correct(codes, capsys):
    check_exit_codes(codes)
    assert capsys.readouterr().out.startswith("Correct!")


def test_exit_codes_not_attempted():
    with pytest.raises(NotAttempted):
        check_exit_codes(...)


@pytest.mark.parametrize(("codes", "hint"), [
    (1, "tuple of three"), ((1, 4), "tuple of three"), ("1, 4, -15", "tuple of three"),
    ((1, 4.0, -2), "whole number"), ((True, 4, -2), "whole number"),
    ((0, 4, -2), r"\(a\) An exception"), ((2, 4, -2), r"\(a\) multiprocessing catches"),
    ((1, -4, -2), r"\(b\) A negative"), ((1, 0, -2), r"\(b\) exit_with"),
    ((1, 4, 15), r"\(c\) Right signal, wrong sign"), ((1, 4, -9), r"\(c\) terminate"),
    ((1, 4, 0), r"\(c\) terminate"),
])
def test_exit_codes_wrong(codes, hint, capsys):
    with pytest.raises(NotYet, match=hint):
        check_exit_codes(codes)
    out = capsys.readouterr().out.replace(repr(codes), "")
    assert "-15" not in out and "(1, 4" not in out


# --- Exercise 3: a worker of your own ----------------------------------------------------


@pytest.fixture
def learner_module(tmp_path, monkeypatch):
    """Write a module like the learner's my_workers.py; return a function that imports it."""
    monkeypatch.syspath_prepend(str(tmp_path))
    name = f"nb02_my_workers_{uuid.uuid4().hex}"
    path = tmp_path / f"{name}.py"

    def write(source: str):
        path.write_text(source, encoding="utf-8")
        importlib.invalidate_caches()
        module = sys.modules.get(name) or importlib.import_module(name)
        return module

    yield write
    sys.modules.pop(name, None)


SOLUTION = 'def shout(text):\n    shouted = text.upper() + "!"\n    return shouted\n'
STUB = "def shout(text):\n    shouted = ...\n    return shouted\n"


def test_shout_correct(learner_module, capsys):
    check_shout(learner_module(SOLUTION))
    assert capsys.readouterr().out.startswith("Correct!")


def test_shout_reloads_the_file(learner_module, capsys):
    module = learner_module(STUB)
    learner_module(SOLUTION + "# the learner's second version\n")  # module not reloaded yet
    check_shout(module)
    assert capsys.readouterr().out.startswith("Correct!")


def test_shout_not_attempted(learner_module):
    with pytest.raises(NotAttempted):
        check_shout(...)
    with pytest.raises(NotAttempted, match="shouted = ..."):
        check_shout(learner_module(STUB))


@pytest.mark.parametrize(("source", "hint"), [
    ("def yell(text):\n    return text\n", "no function named shout"),
    ("shout = 3\n", "should be a function"),
    ("def shout(text):\n    return len(text)\n", "should return a string"),
    ("def shout(text):\n    return text.upper()\n", "every letter in capitals"),
    ("def shout(text):\n    return text + '!'\n", "every letter in capitals"),
    ("def shout(text):\n    return text.upper() + '!!'\n", "every letter in capitals"),
    ("def shout(text):\n    raise KeyError(text)\n", "raised KeyError"),
])
def test_shout_wrong(learner_module, source, hint, capsys):
    with pytest.raises(NotYet, match=hint):
        check_shout(learner_module(source))
    assert not {"ASIA!", "EUROPE!", "MULTIPROCESSING!"} & set(capsys.readouterr().out.split())


def test_shout_needs_the_module(learner_module):
    with pytest.raises(NotYet, match="Pass the module"):
        check_shout(learner_module(SOLUTION).shout)
    with pytest.raises(NotYet, match="notebook's own namespace"):
        check_shout(sys.modules["__main__"])


def test_shout_file_deleted_or_broken(learner_module):
    module = learner_module(SOLUTION)
    os.remove(module.__file__)
    with pytest.raises(NotYet, match="could not be loaded again"):
        check_shout(module)
    learner_module("def shout(text)\n    return text\n")
    with pytest.raises(NotYet, match="syntax error on line 1"):
        check_shout(module)
