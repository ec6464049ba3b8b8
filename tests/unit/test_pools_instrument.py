"""helpers.instruments.pools: the guard for functions sent to children, warm pools, start
cost, and stopping and finding processes, with real processes."""

from __future__ import annotations

import functools
import multiprocessing
import multiprocessing.connection
import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing.pool import ThreadPool

import psutil
import pytest

from helpers import pools as lesson_pools
from helpers import processes
from helpers.instruments import pools
from helpers.instruments.pools import (
    KINDS,
    describe_processes,
    ensure_sendable,
    ensure_sendable_to,
    kill_tree,
    leftover_children,
    measure_start_costs,
    pool_start_method,
    start_cost,
    wait_for_no_leftovers,
    warm_pool,
)
from helpers.instruments.validate import START_METHODS
from tests.plugin import ROOT

pytestmark = pytest.mark.per_start_method

AVAILABLE = [m for m in START_METHODS if m in multiprocessing.get_all_start_methods()]
TIMEOUT = 30


def _notebook_function(x):
    return x


@pytest.fixture
def notebook_function(monkeypatch):
    """``_notebook_function`` as if defined in a notebook cell: it lives in ``__main__``."""
    monkeypatch.setattr(_notebook_function, "__module__", "__main__")
    monkeypatch.setattr(sys.modules["__main__"], "_notebook_function", _notebook_function,
                        raising=False)
    return _notebook_function


def _gone(proc: psutil.Process) -> bool:
    """Ended: no longer running, or a zombie that its new parent has not reaped yet."""
    try:
        return not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


# --- ensure_sendable ---------------------------------------------------------------------


@pytest.mark.parametrize("method", [m for m in ("spawn", "forkserver") if m in AVAILABLE])
def test_a_notebook_function_is_refused_with_the_writefile_hint(notebook_function, method):
    with pytest.raises(TypeError) as info:
        ensure_sendable(notebook_function, "func", method)
    message = str(info.value)
    assert "func ('_notebook_function') is defined in the notebook" in message
    assert f"a child started with {method!r} cannot import it" in message
    assert "%%writefile my_workers.py" in message
    assert "from my_workers import _notebook_function" in message


@pytest.mark.skipif("fork" not in AVAILABLE, reason="no fork here")
def test_a_notebook_function_is_inherited_under_fork(notebook_function):
    assert ensure_sendable(notebook_function, "func", "fork") is notebook_function


def test_the_current_start_method_is_the_default(notebook_function, start_method):
    if start_method == "fork":
        assert ensure_sendable(notebook_function) is notebook_function
    else:
        with pytest.raises(TypeError, match="%%writefile"):
            ensure_sendable(notebook_function)


@pytest.mark.parametrize("method", AVAILABLE)
def test_a_lambda_is_refused_under_every_method(method):
    # Even fork children need it pickled: a pool sends every task's function.
    with pytest.raises(TypeError, match=r"func \('<lambda>'\) cannot be sent to a child "
                                        r"process: it cannot be pickled"):
        ensure_sendable(lambda x: x, "func", method)


@pytest.mark.parametrize("method", AVAILABLE)
def test_a_nested_function_is_refused(method):
    def inner(x):
        return x

    with pytest.raises(TypeError, match="Define it with `def` at the top level of a module"):
        ensure_sendable(inner, "worker", method)


@pytest.mark.parametrize("method", AVAILABLE)
def test_a_partial_of_a_helpers_function_is_accepted(method):
    func = functools.partial(lesson_pools.slow_square, delay=0)
    assert ensure_sendable(func, "func", method) is func
    assert ensure_sendable(lesson_pools.square, "func", method) is lesson_pools.square


@pytest.mark.parametrize("method", [m for m in ("spawn", "forkserver") if m in AVAILABLE])
def test_a_partial_of_a_notebook_function_names_the_function(notebook_function, method):
    with pytest.raises(TypeError, match="from my_workers import _notebook_function"):
        ensure_sendable(functools.partial(functools.partial(notebook_function)), "func", method)


@pytest.mark.parametrize("bad", [3, None, "square"])
def test_ensure_sendable_wants_a_function(bad):
    with pytest.raises(TypeError, match="func must be a function"):
        ensure_sendable(bad)


# --- ensure_sendable_to and pool_start_method ---------------------------------------------


@pytest.mark.parametrize("method", AVAILABLE)
def test_a_process_pool_reports_its_start_method(method):
    with multiprocessing.get_context(method).Pool(1) as pool:
        assert pool_start_method(pool) == method
        assert ensure_sendable_to(pool, lesson_pools.square) is lesson_pools.square
        with pytest.raises(TypeError, match="cannot be pickled"):
            ensure_sendable_to(pool, lambda x: x)


@pytest.mark.parametrize("method", AVAILABLE)
def test_a_process_pool_executor_reports_its_start_method(method):
    # An executor starts its processes at the first submit: none start here.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context(method)) as executor:
        assert pool_start_method(executor) == method


def test_a_default_process_pool_executor_uses_the_default_method(start_method):
    with ProcessPoolExecutor(1) as executor:
        assert pool_start_method(executor) == start_method


@pytest.mark.parametrize("make", [lambda: ThreadPool(1), lambda: ThreadPoolExecutor(1)])
def test_thread_pools_need_no_check(make):
    pool = make()
    try:
        assert pool_start_method(pool) is None
        func = lambda x: x  # noqa: E731 - a thread can run what a process cannot receive
        assert ensure_sendable_to(pool, func) is func
        with pytest.raises(TypeError, match="func must be a function"):
            ensure_sendable_to(pool, 3)
    finally:
        if isinstance(pool, ThreadPool):
            pool.terminate()
            pool.join()
        else:
            pool.shutdown()


@pytest.mark.parametrize("make", [lambda: None, lambda: [1, 2], multiprocessing.get_context])
def test_anything_else_is_not_a_pool(make):
    other = make()
    with pytest.raises(TypeError, match="pool must be a running pool"):
        pool_start_method(other)
    with pytest.raises(TypeError, match="pool must be a running pool"):
        ensure_sendable_to(other, lesson_pools.square)


# --- warm_pool -------------------------------------------------------------------------------


def _pids_of_workers(pool, workers):
    return {pid for pid, _ in pool.map(pools._whoami, [0.05] * workers, 1)}


def _none_left(pids):
    left = {p.pid for p in leftover_children()}
    return not (pids & left)


def test_process_pool_workers_leave_an_interrupt_to_the_parent(start_method):
    # JupyterLab's ■ sends SIGINT to the kernel's whole process group, workers included.
    # In a child Python with a time limit: were it broken, leaving the pool could hang.
    script = textwrap.dedent(f"""
        import multiprocessing, os, signal, time
        from helpers.instruments.pools import warm_pool
        multiprocessing.set_start_method({start_method!r}, force=True)
        with warm_pool("processes", 2) as pool:
            workers = sorted(p.pid for p in pool._pool)
            for pid in workers:
                os.kill(pid, signal.SIGINT)
            time.sleep(0.5)  # a worker that did not ignore it would be dead by now
            alive = sorted(p.pid for p in pool._pool if p.exitcode is None)
            assert alive == workers, f"workers died of the interrupt: {{workers}} -> {{alive}}"
            assert pool.map_async(abs, [-1, -2, -3, -4], 1).get(30) == [1, 2, 3, 4]
            assert sorted(p.pid for p in pool._pool) == workers, "a worker was replaced"
        assert not multiprocessing.active_children()
        print("ok")
        """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and done.stdout == "ok\n", done.stdout + done.stderr[-3000:]


@pytest.mark.parametrize("kind", KINDS)
def test_warm_pool_has_every_worker_up(kind):
    with warm_pool(kind, 2) as pool:
        assert pool.map(abs, [-1, -2]) == [1, 2]
        # Both workers answer. Which one takes which task is the OS's choice: ask until
        # both have (one worker may take both tasks when the other is slow to wake).
        seen, deadline = set(), time.monotonic() + 30
        while len(seen) < 2 and time.monotonic() < deadline:
            seen.update(pool.map(pools._whoami, [0.05] * 2, 1))
        assert len(seen) == 2, seen
    assert not multiprocessing.active_children()


def test_warm_pool_leaves_no_child_after_a_normal_exit(start_method):
    with warm_pool("processes", 2, start_method) as pool:
        pids = _pids_of_workers(pool, 2)
        assert pids <= {p.pid for p in psutil.Process().children(recursive=True)}
    assert _none_left(pids)
    assert not multiprocessing.active_children()


def test_warm_pool_leaves_no_child_after_an_error_inside(start_method):
    with pytest.raises(RuntimeError, match="inside the block"):
        with warm_pool("processes", 2, start_method) as pool:
            pids = _pids_of_workers(pool, 2)
            pool.apply_async(processes.sleep_for, (30,))  # still running when it stops
            raise RuntimeError("inside the block")
    assert _none_left(pids)
    assert not multiprocessing.active_children()


def test_warm_pool_runs_the_initializer_in_each_worker():
    with warm_pool("processes", 2, initializer=functools.partial(time.sleep, 0)) as pool:
        assert pool.map(lesson_pools.square, [3]) == [9]


def test_warm_pool_gives_up_when_the_workers_cannot_start():
    # The initializer keeps every worker busy for 30 s: none can answer within 0.5 s.
    slow = functools.partial(time.sleep, 30)
    with pytest.raises(TimeoutError, match="only 0 of 1 workers started within 0.5 s"):
        with warm_pool("processes", 1, initializer=slow, timeout=0.5):
            pass
    assert not multiprocessing.active_children()


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"kind": "fibers"}, ValueError, "kind must be one of 'processes', 'threads'"),
    ({"kind": 3}, TypeError, "kind must be one of"),
    ({"workers": 0}, ValueError, "workers must be a whole number of at least 1"),
    ({"workers": 2.0}, TypeError, "workers must be a whole number"),
    ({"start_method": "thread"}, ValueError, "start_method must be one of"),
    ({"timeout": 0}, ValueError, "timeout must be a number of seconds above 0"),
])
def test_warm_pool_rejects_bad_arguments(kwargs, error, words):
    args = {"kind": "processes", "workers": 1, **kwargs}
    with pytest.raises(error, match=words):
        with warm_pool(**args):
            pass
    assert not multiprocessing.active_children()


# --- start cost ---------------------------------------------------------------------------


def test_start_cost_is_a_positive_number_of_seconds(start_method):
    assert 0 < start_cost(start_method, repeats=1) < 60
    assert 0 < start_cost(repeats=1) < 60
    assert not multiprocessing.active_children()


def test_start_cost_refuses_unknown_method_and_bad_repeats():
    with pytest.raises(ValueError, match="method must be one of .* not 'teleport'"):
        start_cost("teleport")
    with pytest.raises(ValueError, match="repeats must be a whole number of at least 1"):
        start_cost(repeats=0)
    with pytest.raises(TypeError, match="repeats"):
        start_cost(repeats=1.5)


def test_measure_start_costs_keeps_the_fixed_order_whatever_the_default(monkeypatch):
    # Python 3.14 lists its default (forkserver) first; the course's order stays put.
    monkeypatch.setattr(multiprocessing, "get_all_start_methods",
                        lambda: list(reversed(AVAILABLE)))
    saved = multiprocessing.get_start_method()
    multiprocessing.set_start_method(AVAILABLE[-1], force=True)
    try:
        costs = measure_start_costs(repeats=1)
    finally:
        multiprocessing.set_start_method(saved, force=True)
    assert list(costs) == AVAILABLE == [m for m in ("fork", "spawn", "forkserver")
                                        if m in AVAILABLE]
    assert all(0 < seconds < 60 for seconds in costs.values())


def test_measure_start_costs_keeps_the_order_given():
    methods = list(reversed(AVAILABLE))[:2]
    costs = measure_start_costs(methods, repeats=1)
    assert list(costs) == methods


def test_measure_start_costs_refuses_bad_methods():
    with pytest.raises(TypeError, match=r"methods must be a list of start methods, not 'spawn' "
                                        r"\(a str\)\. Put a single one in a list: \['spawn'\]"):
        measure_start_costs("spawn")
    with pytest.raises(ValueError, match=r"methods\[1\] must be one of .* not 'thread'"):
        measure_start_costs(["spawn", "thread"])
    with pytest.raises(TypeError, match=r"methods\[0\] must be one of"):
        measure_start_costs([None])
    with pytest.raises(ValueError, match="methods must hold at least 1"):
        measure_start_costs([])


# --- kill_tree -------------------------------------------------------------------------------


def _parent_of_a_sleeper(pids):
    """In a child: start a grandchild that sleeps, send its pid, then sleep too."""
    grandchild = multiprocessing.Process(target=processes.sleep_for, args=(60,))
    grandchild.start()
    pids.put(grandchild.pid)
    processes.sleep_for(60)


def test_kill_tree_kills_the_grandchildren_too(start_method):
    pids = multiprocessing.Queue()
    parent = multiprocessing.Process(target=_parent_of_a_sleeper, args=(pids,))
    parent.start()
    grandchild = psutil.Process(pids.get(timeout=TIMEOUT))
    assert grandchild.pid in {p.pid for p in psutil.Process(parent.pid).children(recursive=True)}
    kill_tree(parent)
    assert parent.exitcode == -signal.SIGKILL
    # Killed, it may stay a zombie a moment, until its new parent (init) reaps it.
    assert _gone(grandchild)


def test_kill_tree_of_a_popen_and_of_a_process_never_started():
    popen = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    kill_tree(popen)
    assert popen.returncode == -signal.SIGKILL
    kill_tree(multiprocessing.Process(target=processes.sleep_for, args=(0,)))  # no pid: no-op


def test_kill_tree_of_a_finished_process_is_harmless():
    proc = multiprocessing.Process(target=processes.sleep_for, args=(0,))
    proc.start()
    proc.join(TIMEOUT)
    kill_tree(proc)
    assert proc.exitcode == 0


# --- leftover_children -----------------------------------------------------------------------


def test_leftover_check_sees_an_unjoined_child_and_not_a_joined_one():
    proc = multiprocessing.Process(target=processes.sleep_for, args=(0,))
    proc.start()
    try:
        if multiprocessing.get_start_method() == "forkserver":
            # The forkserver reaps its own children: only a *running* one is left over.
            proc.join()
            proc = multiprocessing.Process(target=processes.sleep_for, args=(30,))
            proc.start()
        left = wait_for_no_leftovers(os.getpid(), timeout=0.5)
        assert proc.pid in {p.pid for p in left}
    finally:
        proc.terminate()
        proc.join()
    assert proc.pid not in {p.pid for p in wait_for_no_leftovers(os.getpid())}


@pytest.mark.skipif(os.name != "posix", reason="zombies exist on POSIX only")
def test_a_zombie_is_left_over_unless_zombies_are_excluded():
    proc = multiprocessing.get_context("spawn").Process(target=processes.sleep_for, args=(0,))
    proc.start()
    try:
        multiprocessing.connection.wait([proc.sentinel], timeout=TIMEOUT)
        deadline = time.monotonic() + TIMEOUT
        while psutil.Process(proc.pid).status() != psutil.STATUS_ZOMBIE:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert proc.pid in {p.pid for p in leftover_children()}
        assert proc.pid not in {p.pid for p in leftover_children(zombies=False)}
    finally:
        proc.join()


def test_leftover_children_ignores_the_resource_tracker():
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    tracker = resource_tracker._resource_tracker._pid
    assert tracker in {p.pid for p in psutil.Process().children()}
    assert tracker not in {p.pid for p in leftover_children()}


@pytest.mark.skipif("forkserver" not in AVAILABLE, reason="no forkserver here")
def test_the_forkserver_is_not_a_leftover_but_its_running_children_are():
    ctx = multiprocessing.get_context("forkserver")
    proc = ctx.Process(target=processes.sleep_for, args=(30,))
    proc.start()
    try:
        from multiprocessing import forkserver

        server = forkserver._forkserver._forkserver_pid
        left = {p.pid for p in leftover_children()}
        assert server not in left and proc.pid in left
    finally:
        proc.terminate()
        proc.join()
    assert wait_for_no_leftovers(os.getpid()) == []


FORK_CHILD_OF_A_FORKSERVER_KERNEL = textwrap.dedent("""
    import multiprocessing, sys
    from helpers.instruments.pools import leftover_children
    from helpers.processes import sleep_for

    if __name__ == "__main__":
        child = multiprocessing.get_context("fork").Process(target=sleep_for, args=(30,))
        child.start()
        try:
            print(child.pid in {p.pid for p in leftover_children()})
        finally:
            child.terminate()
            child.join()
""")


@pytest.mark.skipif("fork" not in AVAILABLE, reason="no fork here")
def test_a_process_whose_command_line_says_forkserver_still_has_leftovers(tmp_path):
    # A notebook kernel for forkserver runs with set_start_method('forkserver') in its
    # command line, and so does every child it forks: they are not the forkserver.
    script = tmp_path / "kernel_like.py"
    script.write_text(FORK_CHILD_OF_A_FORKSERVER_KERNEL)
    done = subprocess.run(
        [sys.executable, str(script),
         "--IPKernelApp.exec_lines=__import__('multiprocessing').set_start_method("
         "'forkserver', force=True)"],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_wait_for_no_leftovers_and_describe_processes():
    proc = multiprocessing.Process(target=processes.sleep_for, args=(30,))
    proc.start()
    try:
        (me,) = [p for p in leftover_children() if p.pid == proc.pid]
        text = describe_processes([me])
        assert text.startswith(f"pid {proc.pid} (") and "python" in text.lower()
    finally:
        proc.terminate()
        proc.join()
    assert describe_processes([me]) == f"pid {proc.pid} (zombie or gone)"
    assert describe_processes([]) == ""


class _JustStarted:
    """A process as psutil sees it between fork and exec: no command line yet."""

    pid = 4242

    def status(self) -> str:
        return "running"

    def cmdline(self) -> list[str]:
        return []

    def name(self) -> str:
        return "python3"


def test_describe_processes_names_a_process_without_a_command_line():
    assert describe_processes([_JustStarted()]) == "pid 4242 (running): python3"


def test_leftover_children_of_a_process_that_is_gone():
    popen = subprocess.Popen([sys.executable, "-c", "pass"])
    popen.wait()
    assert leftover_children(popen.pid) == []
