"""helpers.instruments.cluster: the bounded waits that notebook 09 relies on a busy machine.

``wait_for_file`` (the marker that ``die_once`` leaves just before it kills a worker) and
``leftover_processes(timeout)`` (processes that are still exiting get a moment to go).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from helpers.instruments import cluster as machinery


def test_wait_for_file_sees_an_existing_file_at_once(tmp_path):
    marker = tmp_path / "died"
    marker.touch()
    start = time.monotonic()
    assert machinery.wait_for_file(marker, timeout=5) is True
    assert machinery.wait_for_file(str(marker), timeout=0) is True
    assert time.monotonic() - start < 2


def test_wait_for_file_waits_for_a_file_made_later(tmp_path):
    marker = tmp_path / "died"
    timer = threading.Timer(0.2, marker.touch)
    timer.start()
    try:
        assert machinery.wait_for_file(marker, timeout=30) is True
    finally:
        timer.join()


def test_wait_for_file_gives_up_after_its_timeout(tmp_path):
    start = time.monotonic()
    assert machinery.wait_for_file(tmp_path / "never", timeout=0.1) is False
    assert 0.1 <= time.monotonic() - start < 5


@pytest.mark.parametrize("kwargs, error, words", [
    ({"file": None}, TypeError, "file must be a path"),
    ({"file": ""}, TypeError, "file must be a path"),
    ({"file": "x", "timeout": -1}, ValueError, "timeout"),
    ({"file": "x", "timeout": float("nan")}, ValueError, "timeout"),
    ({"file": "x", "timeout": "5"}, TypeError, "timeout"),
])
def test_wait_for_file_rejects_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        machinery.wait_for_file(**kwargs)


def _child(seconds: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", f"import time; time.sleep({seconds})"])


def test_leftover_processes_waits_for_a_child_that_is_exiting():
    child = _child(0.3)
    try:
        assert all(p.pid != child.pid for p in machinery.leftover_processes(timeout=60))
    finally:
        child.kill()
        child.wait()


def test_leftover_processes_returns_a_child_that_keeps_running():
    child = _child(60)
    try:
        start = time.monotonic()
        left = machinery.leftover_processes(timeout=0.2)
        assert child.pid in {p.pid for p in left}
        assert time.monotonic() - start < 10
    finally:
        child.kill()
        child.wait()


def test_leftover_processes_rejects_a_bad_timeout():
    with pytest.raises(ValueError, match="timeout"):
        machinery.leftover_processes(timeout=-1)
