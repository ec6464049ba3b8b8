"""The test pipeline behind ``python3 course.py test`` (and ``.ci/run``).

    python3 -m tools.ci                      # everything, every supported Python
    python3 -m tools.ci --pythons 3.11       # one Python (all three start methods)
    python3 -m tools.ci --skip browser grading

Standard library only: it runs with the interpreter that runs course.py, before any
virtual environment exists. In order:

1. **Set-up**, in parallel: ``.venv`` (this Python), ``.venv-instructor`` (nbgrader),
   Chromium (apt, for the browser tests), and a ``.venv-pyX.Y`` for every other
   supported Python, found on PATH or under pyenv, or provisioned (tools/pythons.py).
2. **Tests**, as separate pytest processes, several at once:
   * ruff;
   * per Python: the unit tests once, under its default start method; for the oldest
     and the newest Python, the unit tests that depend on the start method
     (``-m per_start_method``) again under each other method;
   * per Python and start method (all three for the oldest and the newest Python, the
     default one for the others): every notebook under strict nbval. Notebooks that
     measure speed (:data:`TIMING_NOTEBOOKS`) run with the machine to themselves;
   * the browser tests (JupyterLab in headless Chromium) and the grading tests
     (nbgrader, in ``.venv-instructor``).
3. **Report**: one line per Python and start method, then a table of every stage and
   its seconds, then, last, why anything failed (:func:`why_failed`). Each job's full
   output is in ``artifacts/ci/``; a failed job's last lines are printed too. A job that
   runs past :data:`JOB_TIMEOUT_S` is stopped (:func:`wait_or_stop`).

Outside CI a Python that cannot be found or provisioned is reported and skipped; with
``CI`` set in the environment it counts as a failure.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import course
from tools import pythons

ROOT = course.ROOT
ARTIFACTS = ROOT / "artifacts" / "ci"
SUPPORTED = pythons.SUPPORTED
"""Every supported minor version, oldest first."""
START_METHODS = ("fork", "spawn", "forkserver")
TIMING_NOTEBOOKS = ("07_speedup.ipynb", "08_costs.ipynb")
"""Notebooks that measure speed: they run alone, so other tests do not slow them."""
TAIL_LINES = 60
SETUP_TAIL_LINES = 12
JOB_TIMEOUT_S = 1800
"""The longest one job may run (the longest takes about 5 minutes): a job that hangs is
stopped, reported, and does not hold up the whole run."""
STOP_GRACE_S = 60
"""How long a job that ran too long has, after its Ctrl-C, to print where it was."""
STOP_GRACE_ON_CTRL_C_S = 5
"""After a maintainer's Ctrl-C: how long each running job has to end before it is killed."""
SUMMARY_LINES = 15


def in_ci() -> bool:
    """Whether this runs in CI (the CI variable is set to a true value)."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def this_python() -> str:
    """This interpreter's minor version, e.g. ``"3.11"``."""
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


# --- Set-up -------------------------------------------------------------------------------


@dataclass
class Environment:
    """A Python with the course installed: the argv prefix that runs its interpreter."""

    version: str
    prefix: list[str] = field(default_factory=list)
    error: str = ""
    methods: tuple[str, ...] = ()
    default_method: str = ""


def install_requirements(prefix: list[str], venv_dir: Path, log: Path) -> None:
    """pip-install requirements.txt with ``prefix``'s interpreter, unless already done."""
    digest = course.requirements_digest(("requirements.txt", "pyproject.toml"))
    stamp = venv_dir / course.STAMP_NAME
    if stamp.exists() and stamp.read_text() == digest:
        return
    for attempt in (1, 2):  # once more after a failure, as course.setup does
        with log.open("a") as out:
            for args in (["--upgrade", "pip"], ["-r", "requirements.txt"]):
                failed = " ".join(args)
                if subprocess.call([*prefix, "-m", "pip", "install", "-q",
                                    "--disable-pip-version-check", *args],
                                   cwd=ROOT, stdout=out, stderr=subprocess.STDOUT):
                    out.write(f"pip install {failed} failed (attempt {attempt})\n")
                    break
            else:
                stamp.write_text(digest)
                return
    raise RuntimeError(f"pip install {failed} failed twice (see {log})")


def start_methods_of(prefix: list[str]) -> tuple[tuple[str, ...], str]:
    """The start methods this interpreter has (in the course's order) and its default."""
    ask = ("import multiprocessing as m; "
           "print(m.get_start_method(), *m.get_all_start_methods())")
    words = subprocess.run([*prefix, "-c", ask], capture_output=True, text=True, cwd=ROOT,
                           timeout=120, check=True).stdout.split()
    return tuple(m for m in START_METHODS if m in words[1:]), words[0]


def set_up_python(version: str) -> Environment:
    """Find or provision ``version`` and make its environment; errors go in ``.error``."""
    env = Environment(version)
    log = ARTIFACTS / f"set-up-python{version}.log"
    try:
        if version == this_python():
            course.setup(log=log)
            env.prefix = [str(course.venv_python())]
        else:
            venv_dir = ROOT / f".venv-py{version}"

            def note(text: str) -> None:
                with log.open("a") as out:
                    out.write(text + "\n")

            env.prefix = pythons.venv_python(version, venv_dir, ROOT, log=note)
            install_requirements(env.prefix, venv_dir, log)
        env.methods, env.default_method = start_methods_of(env.prefix)
    except (pythons.PythonUnavailable, RuntimeError, OSError,
            subprocess.SubprocessError, SystemExit) as error:
        env.error = str(error) or type(error).__name__
    return env


def ensure_chromium() -> str:
    """Find Chromium for the browser tests; on Debian/Ubuntu as root, install it.

    Returns an empty string, or why there is none.
    """
    if shutil.which("chromium"):
        return ""
    if sys.platform.startswith("linux") and shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        with (ARTIFACTS / "set-up-chromium.log").open("w") as out:
            for cmd in (["apt-get", "update", "-qq"],
                        ["apt-get", "install", "-y", "-qq", "chromium"]):
                subprocess.call(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    return "" if shutil.which("chromium") else "Chromium not found: install the 'chromium' package"


# --- Jobs ----------------------------------------------------------------------------------


STAGE_WEIGHTS = {"browser tests": 300, "grading tests (nbgrader)": 200, "unit tests": 100,
                 "unit tests (per start method)": 75, "notebooks": 45, "notebooks (alone)": 30,
                 "lint": 1}
"""Roughly how many seconds a job of each stage takes on a 2-core machine: longer jobs
start first, so that no long job is left running alone at the end."""


@dataclass
class Job:
    """One pytest (or ruff) process, its place in the report, and how it went."""

    name: str
    stage: str
    command: list[str]
    exclusive: bool = False
    version: str = ""
    method: str = ""
    seconds: float = 0.0
    result: str = "not run"
    proc: subprocess.Popen | None = None

    @property
    def log(self) -> Path:
        return ARTIFACTS / (re.sub(r"[^\w.-]+", "-", self.name) + ".log")

    def run(self) -> None:
        start = time.monotonic()
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        with self.log.open("w") as out:
            out.write("+ " + " ".join(self.command) + "\n")
            out.flush()
            try:
                # Its own process group, so that stopping it stops all it started.
                self.proc = subprocess.Popen(self.command, cwd=ROOT, stdout=out,
                                             stderr=subprocess.STDOUT, env=env,
                                             start_new_session=os.name == "posix")
            except OSError as error:  # its interpreter is missing: its set-up failed
                out.write(f"could not start: {error}\n")
                code: int | None = -1
            else:
                code = wait_or_stop(self.proc, JOB_TIMEOUT_S)
                if code is None:
                    out.write(f"\nTimeout: stopped after {JOB_TIMEOUT_S} s\n")
        self.seconds = time.monotonic() - start
        # pytest exits 5 when it ran no test: a failure too, like any non-zero code.
        self.result = ("passed" if code == 0 else f"FAILED (exit {code})" if code is not None
                       else f"FAILED (stopped after {JOB_TIMEOUT_S} s)")

    @property
    def failed(self) -> bool:
        return self.result != "passed"


def wait_or_stop(proc: subprocess.Popen, timeout: float) -> int | None:
    """``proc``'s exit code; or, if it runs longer than ``timeout`` seconds, stop it and
    return None. It gets a Ctrl-C first (pytest then prints where it was and its summary),
    then, :data:`STOP_GRACE_S` later, everything in its process group is killed."""
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        stop(proc, STOP_GRACE_S)
        return None


def stop(proc: subprocess.Popen, grace: float) -> None:
    """Give ``proc`` a Ctrl-C, then, ``grace`` seconds later, kill its process group
    (everything it started: kernels, workers, servers)."""
    if os.name != "posix":
        proc.kill()
        proc.wait()
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGINT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(grace)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def pytest_jobs(env: Environment, oldest: str, newest: str) -> list[Job]:
    """The unit-test and notebook jobs of one Python."""
    py = [*env.prefix, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    tag = f"py{env.version}"
    jobs = [Job(f"{tag} unit", "unit tests", [*py, "tests/unit", "-m", "not browser"],
                version=env.version, method=env.default_method)]
    every = env.version in (oldest, newest)
    methods = env.methods if every else (env.default_method,)
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    shared = [f"notebooks/{n}" for n in notebooks if n not in TIMING_NOTEBOOKS]
    timing = [f"notebooks/{n}" for n in notebooks if n in TIMING_NOTEBOOKS]
    for method in methods:
        if method != env.default_method:
            jobs.append(Job(f"{tag} {method} unit", "unit tests (per start method)",
                            [*py, "tests/unit", "-m", "per_start_method",
                             f"--start-method={method}"], version=env.version, method=method))
        jobs.append(Job(f"{tag} {method} notebooks", "notebooks",
                        [*py, *shared, "--nbval", f"--start-method={method}"],
                        version=env.version, method=method))
        jobs.append(Job(f"{tag} {method} timing notebooks", "notebooks (alone)",
                        [*py, *timing, "--nbval", f"--start-method={method}"],
                        exclusive=True, version=env.version, method=method))
    return jobs


def run_jobs(jobs: list[Job], slots: int, say: Callable[[str], None]) -> None:
    """Run ``jobs``, at most ``slots`` at a time; an exclusive job runs alone.

    Shared jobs go first, longest first; the exclusive ones after them, one by one.
    """
    shared = sorted((job for job in jobs if not job.exclusive),
                    key=lambda job: -STAGE_WEIGHTS.get(job.stage, 60))
    queue = shared + [job for job in jobs if job.exclusive]
    running: list[tuple[Job, threading.Thread]] = []
    try:
        while queue or running:
            running = [(job, thread) for job, thread in running if thread.is_alive()]
            can_start = queue and len(running) < slots and not (
                queue[0].exclusive and running)
            if can_start:
                job = queue.pop(0)
                thread = threading.Thread(target=_run_and_say, args=(job, say), daemon=True)
                thread.start()
                running.append((job, thread))
                if job.exclusive:
                    thread.join()
                continue
            time.sleep(0.2)
    except KeyboardInterrupt:  # Ctrl-C reaches only this process group: stop the jobs' own
        for job, _ in running:
            if job.proc is not None and job.proc.poll() is None:
                stop(job.proc, STOP_GRACE_ON_CTRL_C_S)
        raise


def _run_and_say(job: Job, say: Callable[[str], None]) -> None:
    say(f"start  {job.name}")
    job.run()
    say(f"{'ok    ' if not job.failed else 'FAILED'} {job.name} ({job.seconds:.0f} s)")


# --- Report --------------------------------------------------------------------------------


def report(jobs: list[Job], setup_seconds: dict[str, float], missing: dict[str, str],
           total: float, setup_failures: dict[str, str] | None = None) -> list[str]:
    """The closing lines: failures' tails, one line per Python and method, the stage table."""
    lines = []
    for job in jobs:
        if job.failed and job.log.exists():
            tail = job.log.read_text(errors="replace").splitlines()[-TAIL_LINES:]
            lines += ["", f"--- last lines of {job.log.relative_to(ROOT)} ---", *tail]
    lines += ["", "Python and start method:"]
    by_pair: dict[tuple[str, str], list[Job]] = {}
    for job in jobs:
        if job.version and job.method:
            by_pair.setdefault((job.version, job.method), []).append(job)
    for version in SUPPORTED:
        if version in missing:
            lines.append(f"  Python {version:<5}  {'-':<10}  not run: {missing[version]}")
        for method in START_METHODS:
            group = by_pair.get((version, method))
            if group:
                ok = all(not j.failed for j in group)
                lines.append(f"  Python {version:<5}  {method:<10}  "
                             f"{'passed' if ok else 'FAILED'}  "
                             f"{sum(j.seconds for j in group):6.0f} s")
    lines += ["", "Stages (seconds of work; several run at once):"]
    stages: dict[str, float] = dict(setup_seconds)
    for job in jobs:
        stages[job.stage] = stages.get(job.stage, 0.0) + job.seconds
    for stage, seconds in stages.items():
        lines.append(f"  {stage:<34} {seconds:7.0f}")
    lines.append(f"  {'wall time, all together':<34} {total:7.0f}")
    return lines + why_failed(jobs, {**missing, **(setup_failures or {})})


def setup_log(name: str) -> Path:
    """The log file of the set-up step ``name`` (a Python version, or a step's name)."""
    special = {"instructor environment": "set-up-instructor.log",
               "this Python's .venv": "set-up-venv.log"}
    return ARTIFACTS / special.get(name, f"set-up-python{name}.log")


def why_failed(jobs: list[Job], missing: dict[str, str]) -> list[str]:
    """A short account of each failure, for the very end of the output (where a CI page
    that keeps only the last lines still shows it): each set-up error with its log's last
    lines, and each failed job's failing tests as pytest named them."""
    lines: list[str] = []
    for name, error in missing.items():
        lines += ["", f"Set-up of {name} failed: {error}"]
        log = setup_log(name)
        if log.exists():
            tail = log.read_text(errors="replace").splitlines()[-SETUP_TAIL_LINES:]
            lines += [f"  | {line}" for line in tail]
    for job in jobs:
        if not job.failed:
            continue
        text = job.log.read_text(errors="replace") if job.log.exists() else ""
        named = [line for line in text.splitlines()
                 if line.startswith(("FAILED ", "ERROR ", "could not start", "Timeout"))]
        last = text.splitlines()[-3:] if text.strip() else ["(no output)"]
        lines += ["", f"{job.name}: {job.result}, {job.seconds:.0f} s"]
        shown = list(dict.fromkeys([*named[:SUMMARY_LINES], *last]))  # each line once
        lines += [f"  | {line}" for line in shown]
    return lines


# --- Main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python3 course.py test",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--pythons", nargs="+", default=list(SUPPORTED), metavar="X.Y",
                        choices=SUPPORTED, help="which supported Pythons to test (default: all)")
    parser.add_argument("--skip", nargs="+", default=[],
                        choices=("lint", "unit", "notebooks", "browser", "grading"),
                        help="leave these out")
    parser.add_argument("--slots", type=int, default=max(2, os.cpu_count() or 2) + 1,
                        help="tests run at once (default: one more than the CPUs, at least "
                             "3: many tests wait on processes, so a third keeps both CPUs "
                             "busy)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    lock = threading.Lock()

    def say(text: str) -> None:
        with lock:
            print(f"[{time.monotonic() - started:6.0f} s] {text}", flush=True)

    say("set-up: virtual environments, Chromium, Pythons " + ", ".join(args.pythons))
    setup_seconds: dict[str, float] = {}
    setup_failures: dict[str, str] = {}
    envs: dict[str, Environment] = {}
    chromium_error = ""

    def timed_setup(name: str, func: Callable[[], None]) -> threading.Thread:
        def body() -> None:
            start = time.monotonic()
            try:
                func()
            except (SystemExit, Exception) as error:  # the jobs that need it will fail
                setup_failures[name.removeprefix("Python ")] = str(error) or repr(error)
                say(f"set-up FAILED: {name}: {error}")
            setup_seconds[f"set-up: {name}"] = time.monotonic() - start
            say(f"set-up done: {name} ({setup_seconds[f'set-up: {name}']:.0f} s)")
        thread = threading.Thread(target=body, daemon=True)
        thread.start()
        return thread

    def chromium() -> None:
        nonlocal chromium_error
        chromium_error = ensure_chromium()

    threads = [timed_setup(f"Python {v}", lambda v=v: envs.__setitem__(v, set_up_python(v)))
               for v in args.pythons]
    if this_python() not in args.pythons:  # lint and the browser tests use .venv
        threads.append(timed_setup("this Python's .venv", lambda: course.setup(
            log=ARTIFACTS / "set-up-venv.log")))
    if "grading" not in args.skip:
        threads.append(timed_setup("instructor environment", lambda: course.setup(
            course.INSTRUCTOR_VENV, "requirements-instructor.txt",
            log=ARTIFACTS / "set-up-instructor.log")))
    if "browser" not in args.skip:
        threads.append(timed_setup("Chromium", chromium))
    for thread in threads:
        thread.join()

    missing = {v: envs[v].error if v in envs else setup_failures.pop(v, "set-up did not end")
               for v in args.pythons if v not in envs or envs[v].error}
    ready = [envs[v] for v in args.pythons if v not in missing]
    main_python = [str(course.venv_python())]
    jobs: list[Job] = []
    if "lint" not in args.skip:
        jobs.append(Job("ruff", "lint", [*main_python, "-m", "ruff", "check", "."]))
    if ready:
        oldest, newest = ready[0].version, ready[-1].version
        for env in ready:
            jobs += [job for job in pytest_jobs(env, oldest, newest)
                     if not ("unit" in args.skip and job.stage.startswith("unit"))
                     and not ("notebooks" in args.skip and job.stage.startswith("notebooks"))]
    if "browser" not in args.skip:
        if chromium_error:
            missing["browser"] = chromium_error
        else:
            for name, files in (("course notebooks", ["tests/browser/test_jupyterlab.py"]),
                                ("workspace and live view",
                                 ["tests/browser/test_workspace.py",
                                  "tests/browser/test_live_view.py"])):
                jobs.append(Job(f"browser: {name}", "browser tests",
                                [*main_python, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                 *files, "-m", "browser"]))
    if "grading" not in args.skip:
        jobs.append(Job("grading", "grading tests (nbgrader)",
                        [str(course.venv_python(course.INSTRUCTOR_VENV)), "-m", "pytest", "-q",
                         "-p", "no:cacheprovider", "tests/nbgrader"]))
    for version, error in missing.items():
        say(f"NOT RUN: {version}: {error}")
    run_jobs(jobs, args.slots, say)

    for line in report(jobs, setup_seconds, missing, time.monotonic() - started,
                       setup_failures):
        print(line)
    failed = [job.name for job in jobs if job.failed]
    if in_ci():
        failed += [f"{name} (not run)" for name in missing]
    print("\nAll tests passed." if not failed else f"\nFAILED: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
