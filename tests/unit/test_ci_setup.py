"""The test pipeline's own plumbing: set-up that mends a broken venv, and a report whose
last lines say why something failed (a CI page may keep only the end of the output)."""

from __future__ import annotations

import os
import sys
import time
import types
import venv

import pytest

import course
from tools import ci


def test_has_pip_is_false_for_nothing_and_for_a_venv_without_pip(tmp_path):
    assert not course.has_pip(tmp_path / "absent")
    venv.create(tmp_path / "bare", with_pip=False)
    assert course.venv_python(tmp_path / "bare").exists()
    assert not course.has_pip(tmp_path / "bare")


@pytest.fixture
def pip_calls(monkeypatch):
    """pip calls recorded instead of run; each one's exit code comes from ``codes``.
    Making the venv itself (``-m venv``) runs for real."""
    calls: list[tuple[str, ...]] = []
    codes: list[int] = []
    real_run = course.run

    def fake_run(*args, cwd=course.ROOT, log=None):
        if [str(a) for a in args[1:3]] == ["-m", "venv"]:
            return real_run(*args, cwd=cwd, log=log)
        calls.append(tuple(str(a) for a in args))
        return codes.pop(0) if codes else 0

    monkeypatch.setattr(course, "run", fake_run)
    return calls, codes


def test_setup_makes_a_venv_without_pip_again(tmp_path, pip_calls):
    calls, _ = pip_calls
    target = tmp_path / "env"
    venv.create(target, with_pip=False)  # as an interrupted set-up can leave it
    course.setup(target, log=tmp_path / "log")
    assert course.has_pip(target), "setup() should have made the venv again, with pip"
    assert (target / course.STAMP_NAME).exists()
    assert [c[-1] for c in calls] == ["pip", str(course.ROOT / "requirements.txt")]


def test_setup_tries_a_failed_install_once_more_then_stops(tmp_path, pip_calls, capsys):
    calls, codes = pip_calls
    target = tmp_path / "env"
    venv.create(target, with_pip=True)
    codes += [0, 1]  # the requirements fail once, then install
    course.setup(target, log=tmp_path / "log")
    assert "trying once more" in capsys.readouterr().out
    assert len(calls) == 4 and (target / course.STAMP_NAME).exists()

    (target / course.STAMP_NAME).unlink()
    codes += [1, 1]  # upgrading pip fails twice
    with pytest.raises(SystemExit, match="Installing requirements.txt failed"):
        course.setup(target, log=tmp_path / "log")
    assert not (target / course.STAMP_NAME).exists()


def test_setup_with_an_up_to_date_stamp_runs_nothing(tmp_path, pip_calls):
    calls, _ = pip_calls
    target = tmp_path / "env"
    venv.create(target, with_pip=False)
    (target / course.STAMP_NAME).write_text(
        course.requirements_digest(("requirements.txt", "pyproject.toml")))
    course.setup(target)
    assert calls == []


def make_job(tmp_path, monkeypatch, name: str, command: list[str]) -> ci.Job:
    monkeypatch.setattr(ci, "ARTIFACTS", tmp_path)
    monkeypatch.setattr(ci, "ROOT", tmp_path)
    return ci.Job(name, "unit tests", command)


def test_a_job_whose_interpreter_is_missing_fails_and_says_so(tmp_path, monkeypatch):
    job = make_job(tmp_path, monkeypatch, "py3.99 unit", [str(tmp_path / "no-python")])
    job.run()
    assert job.failed
    assert "could not start" in job.log.read_text()


def test_the_report_ends_with_the_failing_tests_and_the_set_up_errors(tmp_path, monkeypatch):
    ok = make_job(tmp_path, monkeypatch, "py3.12 unit", [sys.executable, "-c", "pass"])
    bad = make_job(tmp_path, monkeypatch, "py3.15 spawn unit", [
        sys.executable, "-c",
        "print('.' * 70); print('FAILED tests/unit/test_x.py::test_y - AssertionError');"
        "print('1 failed, 9 passed in 3.00s'); raise SystemExit(1)"])
    ok.run()
    bad.run()
    (tmp_path / "set-up-python3.11.log").write_text(
        "+ .venv/bin/python -m pip install --upgrade pip\n/x/python: No module named pip\n")
    lines = ci.report([ok, bad], {"set-up: Python 3.11": 0.2}, {"3.11": "no pip"}, 9.0,
                      {"instructor environment": "pip failed"})
    wall = next(i for i, line in enumerate(lines) if line.startswith("  wall time"))
    end = "\n".join(lines[wall:])
    assert "Set-up of 3.11 failed: no pip" in end
    assert "  | /x/python: No module named pip" in end
    assert "Set-up of instructor environment failed: pip failed" in end
    assert "py3.15 spawn unit: FAILED (exit 1)" in end
    assert "  | FAILED tests/unit/test_x.py::test_y - AssertionError" in end
    assert "  | 1 failed, 9 passed in 3.00s" in end
    assert "py3.12 unit:" not in end


@pytest.mark.skipif(os.name != "posix", reason="process groups are POSIX")
@pytest.mark.parametrize("ignores_ctrl_c", [False, True])
def test_a_job_that_runs_too_long_is_stopped_with_everything_it_started(
        tmp_path, monkeypatch, ignores_ctrl_c):
    monkeypatch.setattr(ci, "JOB_TIMEOUT_S", 1)
    monkeypatch.setattr(ci, "STOP_GRACE_S", 1)
    pid_file = tmp_path / "grandchild.pid"
    job = make_job(tmp_path, monkeypatch, "py3.99 unit", [sys.executable, "-c", f"""
import signal, subprocess, sys, time
if {ignores_ctrl_c}:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
open({str(pid_file)!r}, "w").write(str(child.pid))
print("started", flush=True)
time.sleep(300)
"""])
    started = time.monotonic()
    job.run()
    assert time.monotonic() - started < 30
    assert job.result == "FAILED (stopped after 1 s)"
    assert "Timeout: stopped after 1 s" in job.log.read_text()
    grandchild = int(pid_file.read_text())
    assert wait_gone(grandchild), "the job's own child was left running"


def wait_gone(pid: int, timeout: float = 10.0) -> bool:
    import psutil

    try:
        psutil.Process(pid).wait(timeout)
    except psutil.NoSuchProcess:
        return True
    except psutil.TimeoutExpired:
        return False
    return True


@pytest.mark.skipif(os.name != "posix", reason="process groups are POSIX")
def test_ctrl_c_during_the_run_stops_the_running_jobs_and_what_they_started(
        tmp_path, monkeypatch):
    # Each job runs in its own process group, which a maintainer's Ctrl-C does not reach.
    monkeypatch.setattr(ci, "STOP_GRACE_ON_CTRL_C_S", 1)
    pid_file = tmp_path / "grandchild.pid"
    job = make_job(tmp_path, monkeypatch, "py3.99 unit", [sys.executable, "-c", f"""
import signal, subprocess, sys, time
signal.signal(signal.SIGINT, signal.SIG_IGN)  # so that only the group kill can stop it
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
open({str(pid_file)!r}, "w").write(str(child.pid))
time.sleep(300)
"""])

    def sleep(seconds):  # the scheduler's poll: Ctrl-C once the job's child is up
        if pid_file.exists() and pid_file.read_text():
            raise KeyboardInterrupt
        time.sleep(seconds)

    monkeypatch.setattr(ci, "time", types.SimpleNamespace(sleep=sleep,
                                                          monotonic=time.monotonic))
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        ci.run_jobs([job], 2, lambda text: None)
    assert time.monotonic() - started < 60
    assert job.proc is not None and job.proc.poll() is not None, "the job is still running"
    assert wait_gone(int(pid_file.read_text())), "the job's own child was left running"
