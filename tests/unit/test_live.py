"""helpers.instruments.live: records for every pool API and start method, results untouched,
nothing left behind (exceptions, interrupts), bad input, the text form, the drawings.

The workers are built-in functions (abs, pow, time.sleep...): every start method can
import them, and they make no assumption about the helpers' layout. No test asserts a
duration. The real-kernel interrupt tests are marked ``kernel``:

    pytest tests/unit/test_live.py -m kernel        # only those
    pytest tests/unit/test_live.py -m "not kernel"  # all but those
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import math
import multiprocessing
import operator
import os
import signal
import sys
import tempfile
import threading
import time
import types
from collections import namedtuple
from multiprocessing.pool import ThreadPool
from pathlib import Path

import psutil
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.instruments import live
from helpers.instruments.live import (
    CpuSample,
    LiveView,
    cores_svg,
    live_view,
    summary_text,
    tasks_svg,
)
from helpers.instruments.pools import describe_processes, wait_for_no_leftovers
from helpers.instruments.timeline import TaskRecord

METHODS = [m for m in ("fork", "spawn", "forkserver")
           if m in multiprocessing.get_all_start_methods()]
ITEMS = list(range(-6, 6))
PAIRS = [(2, 3), (3, 2), (5, 0), (-2, 3)]
ROOT = Path(__file__).resolve().parents[2]

POOL_CALLS = {
    "map": (lambda p: p.map(abs, ITEMS), ITEMS),
    "map chunksize 4": (lambda p: p.map(abs, ITEMS, 4), ITEMS),
    "map_async": (lambda p: p.map_async(abs, ITEMS).get(), ITEMS),
    "imap": (lambda p: list(p.imap(abs, ITEMS)), ITEMS),
    "imap_unordered": (lambda p: sorted(p.imap_unordered(abs, ITEMS, chunksize=3)), ITEMS),
    "starmap": (lambda p: p.starmap(pow, PAIRS), PAIRS),
    "starmap_async": (lambda p: p.starmap_async(pow, PAIRS).get(), PAIRS),
    "apply_async": (lambda p: [p.apply_async(pow, pair).get() for pair in PAIRS], PAIRS),
    "apply": (lambda p: [p.apply(abs, (x,)) for x in ITEMS], ITEMS),
}
EXECUTOR_CALLS = {
    "submit": (lambda e: [e.submit(pow, *pair).result() for pair in PAIRS], PAIRS),
    "submit one argument": (lambda e: [e.submit(abs, x).result() for x in ITEMS], ITEMS),
    "map": (lambda e: list(e.map(abs, ITEMS)), ITEMS),
    "map chunksize 5": (lambda e: list(e.map(abs, ITEMS, chunksize=5)), ITEMS),
    "map two iterables": (lambda e: list(e.map(pow, *zip(*PAIRS, strict=True))), PAIRS),
}
if sys.version_info >= (3, 14):  # Executor.map submits lazily with a buffer from 3.14
    EXECUTOR_CALLS["map buffersize 2"] = (lambda e: list(e.map(abs, ITEMS, buffersize=2)), ITEMS)


def _plain(call, pool):
    """What the call returns with no view: the reference the view must not change."""
    return call(pool)


def _live_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == live.THREAD_NAME]


def _assert_nothing_left(view: LiveView, pool) -> None:
    assert _live_threads() == []
    assert view._folder and not os.path.exists(view._folder)
    assert not any(name in vars(pool) for name in ("map", "imap", "apply_async", "submit"))


def _warm(executor: cf.Executor, workers: int = 2) -> None:
    """Start every worker now, so none is forked later while the view's thread runs."""
    for future in [executor.submit(time.sleep, 0.05) for _ in range(workers)]:
        future.result()


@pytest.fixture(scope="module", params=METHODS)
def pool(request):
    with multiprocessing.get_context(request.param).Pool(2) as pool:
        pool.map(abs, range(4))
        yield pool


@pytest.fixture(scope="module", params=METHODS)
def executor(request):
    context = multiprocessing.get_context(request.param)
    with cf.ProcessPoolExecutor(2, mp_context=context) as executor:
        _warm(executor)
        yield executor


# --- Records and results, for every API and start method ----------------------------------


@pytest.mark.parametrize("name", POOL_CALLS)
def test_pool_api_records_each_task_and_keeps_results(pool, name):
    call, tasks = POOL_CALLS[name]
    expected = _plain(call, pool)
    with live_view(pool) as view:
        got = call(pool)
    assert got == expected
    assert sorted(r.task for r in view.records) == sorted(tasks)
    assert all("PoolWorker" in r.worker and r.start <= r.end for r in view.records)
    assert all(r.result is None for r in view.records)
    _assert_nothing_left(view, pool)


@pytest.mark.parametrize("name", EXECUTOR_CALLS)
def test_executor_api_records_each_task_and_keeps_results(executor, name):
    call, tasks = EXECUTOR_CALLS[name]
    expected = _plain(call, executor)
    with live_view(executor) as view:
        got = call(executor)
    assert got == expected
    assert sorted(r.task for r in view.records) == sorted(tasks)
    assert all("Process" in r.worker and r.start <= r.end for r in view.records)
    _assert_nothing_left(view, executor)


@pytest.mark.parametrize("make", [lambda: ThreadPool(3), lambda: cf.ThreadPoolExecutor(3)],
                         ids=["ThreadPool", "ThreadPoolExecutor"])
def test_thread_pools_name_their_threads(make):
    with make() as pool, live_view(pool) as view:
        got = list(pool.map(abs, ITEMS))
    assert got == [abs(x) for x in ITEMS]
    assert sorted(r.task for r in view.records) == ITEMS
    workers = {r.worker for r in view.records}
    assert 1 <= len(workers) <= 3 and not workers & {"MainProcess", "MainThread"}
    _assert_nothing_left(view, pool)


@settings(max_examples=20, deadline=None)
@given(items=st.lists(st.integers(-10**6, 10**6) | st.none() | st.text(max_size=5),
                      max_size=30))
def test_results_are_exactly_what_the_function_returns(items):
    with ThreadPool(2) as pool, live_view(pool) as view:
        got = pool.map(repr, items)
    assert got == [repr(x) for x in items]
    assert len(view.records) == len(items)


def test_results_unchanged_in_processes_including_none_and_tuples(pool):
    with live_view(pool) as view:
        nones = pool.map(time.sleep, [0.0] * 5)
        pairs = pool.starmap(divmod, [(7, 2), (9, 4)])
    assert nones == [None] * 5 and pairs == [(3, 1), (2, 1)]
    assert len(view.records) == 7


def test_a_worker_error_reaches_the_learner_unchanged(pool):
    with pytest.raises(ValueError) as plain:
        pool.map(math.sqrt, [1, -1])
    with pytest.raises(ValueError) as viewed, live_view(pool) as view:
        pool.map(math.sqrt, [1, -1])
    assert str(viewed.value) == str(plain.value)
    assert view.stopped_by == "ValueError"
    _assert_nothing_left(view, pool)


# --- Nothing left behind ------------------------------------------------------------------


def test_no_thread_no_folder_no_process_after_a_normal_block(pool, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    children = {p.pid for p in psutil.Process().children(recursive=True)}
    with live_view(pool, interval=0.1) as view:
        assert _live_threads() == [live.THREAD_NAME]
        assert Path(view._folder).parent == tmp_path
        pool.map(time.sleep, [0.05] * 8)
    _assert_nothing_left(view, pool)
    assert list(tmp_path.iterdir()) == []
    assert {p.pid for p in psutil.Process().children(recursive=True)} == children


def test_pool_raising_inside_the_block_leaves_nothing(pool, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(ZeroDivisionError), live_view(pool) as view:
        pool.starmap(operator.truediv, [(1, 1), (1, 0)])
    _assert_nothing_left(view, pool)
    assert list(tmp_path.iterdir()) == []
    assert view.summary.startswith("<live view: stopped by ZeroDivisionError, 2 workers, ")


def test_keyboard_interrupt_inside_the_block_leaves_nothing(pool, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(KeyboardInterrupt), live_view(pool) as view:
        pool.map(abs, ITEMS)
        raise KeyboardInterrupt
    _assert_nothing_left(view, pool)
    assert list(tmp_path.iterdir()) == []
    assert len(view.records) == len(ITEMS)
    assert view.stopped_by == "KeyboardInterrupt"


@pytest.mark.skipif(not hasattr(signal, "pthread_kill") or sys.platform == "win32",
                    reason="needs POSIX signals")
def test_a_real_sigint_during_a_long_map_leaves_nothing(start_method, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    # A kernel raises KeyboardInterrupt on SIGINT while a cell runs; so does this test, even
    # when it was started with SIGINT ignored (as a shell starts a background job).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    # To the main thread itself: a signal sent to the process may be taken by another thread,
    # and then the main thread, blocked in map(), would only see it when map() returns.
    main = threading.main_thread().ident
    timer = threading.Timer(0.5, signal.pthread_kill, (main, signal.SIGINT))
    try:
        with multiprocessing.get_context(start_method).Pool(2) as pool:
            pool.map(abs, range(2))
            with pytest.raises(KeyboardInterrupt), live_view(pool) as view:
                timer.start()
                pool.map(time.sleep, [0.25] * 80)  # 10 s: the signal comes long before the end
    finally:
        timer.join()
        signal.signal(signal.SIGINT, previous)
    _assert_nothing_left(view, pool)
    assert list(tmp_path.iterdir()) == []


def test_a_task_finishing_after_the_block_is_harmless(pool):
    with live_view(pool) as view:
        late = pool.apply_async(time.sleep, (2.0,))  # ends long after the block
    assert late.get(timeout=10) is None  # its record found no folder: it still returned
    _assert_nothing_left(view, pool)
    assert view.records == []


@pytest.fixture
def notebook_main(monkeypatch):
    """A ``__main__`` like a notebook's (no module name, no file), and a function in it."""
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    func = types.FunctionType(_double.__code__, {}, "square")
    func.__module__, func.__qualname__ = "__main__", "square"
    return func


def _double(x):
    return 2 * x


@pytest.mark.parametrize("method", [m for m in METHODS if m != "fork"])
def test_a_notebook_function_is_refused_up_front_not_hung(notebook_main, method):
    with multiprocessing.get_context(method).Pool(1) as pool:
        with pytest.raises(TypeError, match="%%writefile my_workers.py"), live_view(pool) as v:
            pool.map(notebook_main, [1, 2])  # without the check: waits forever
    _assert_nothing_left(v, pool)


def test_a_lambda_is_refused_up_front(executor):
    with pytest.raises(TypeError, match="cannot be sent"), live_view(executor) as view:
        executor.submit(lambda x: x, 1)
    _assert_nothing_left(view, executor)


def test_thread_pools_take_any_function(notebook_main):
    with ThreadPool(2) as pool, live_view(pool) as view:
        assert pool.map(notebook_main, [1, 2]) == [2, 4]
        assert pool.apply_async(lambda x: x + 1, (1,)).get() == 2
    assert len(view.records) == 3


# --- Bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [42, "pool", [1, 2], None, multiprocessing])
def test_not_a_pool_is_a_type_error_saying_what_is_accepted(bad):
    with pytest.raises(TypeError) as error:
        live_view(bad)
    message = str(error.value)
    for accepted in ("multiprocessing Pool", "ThreadPool", "ProcessPoolExecutor",
                     "ThreadPoolExecutor"):
        assert accepted in message


@pytest.mark.parametrize("maker", [multiprocessing.Pool, cf.ProcessPoolExecutor])
def test_a_pool_maker_not_called_says_call_it(maker):
    with pytest.raises(TypeError, match=r"call it first"):
        live_view(maker)


@pytest.mark.parametrize("interval", [0.05, 0.0, -1, 11])
def test_interval_out_of_range_names_the_bounds(interval):
    with ThreadPool(1) as pool, pytest.raises(ValueError) as error:
        live_view(pool, interval=interval)
    assert "interval" in str(error.value)
    assert ("at least 0.1" if interval < 1 else "at most 10") in str(error.value)


@pytest.mark.parametrize(("kwargs", "word"), [({"interval": "fast"}, "interval"),
                                              ({"title": 3}, "title"),
                                              ({"label": "x"}, "label")])
def test_wrong_types_are_type_errors(kwargs, word):
    with ThreadPool(1) as pool, pytest.raises(TypeError, match=word):
        live_view(pool, **kwargs)


def test_one_view_per_pool_and_one_block_per_view():
    with ThreadPool(1) as pool:
        view = live_view(pool)
        with view, pytest.raises(RuntimeError, match="already has a live view"):
            with live_view(pool):
                pass
        with pytest.raises(RuntimeError, match="one block only"), view:
            pass
        _assert_nothing_left(view, pool)


# --- Without a frontend: records, samples, the text and the picture -----------------------


def test_without_a_kernel_it_records_and_still_gives_the_picture(pool):
    with live_view(pool, interval=0.1, title="demo") as view:
        assert view.summary == "<live view: running>"
        pool.map(time.sleep, [0.05] * 6)
    assert view._panel is None
    assert view.cpus == psutil.cpu_count() and 1 <= len(view.usable) <= view.cpus
    assert view.cpu_samples and all(isinstance(s, CpuSample) for s in view.cpu_samples)
    assert all(len(s.busy) == view.cpus and all(0 <= b <= 1 for b in s.busy)
               for s in view.cpu_samples)
    assert view.mean_busy == view.cpu_samples[-1].busy
    assert view._repr_png_().startswith(b"\x89PNG")
    fig = view.figure()
    cores, tasks = fig.axes
    assert len(cores.patches) == view.cpus and len(tasks.patches) == 6
    assert [t.get_text() for t in tasks.get_yticklabels()][0] == "worker 1"
    assert fig._suptitle.get_text() == "demo"


def test_text_form_is_counts_only(pool):
    assert repr(live_view(pool)) == "<live view: not started>"
    with live_view(pool) as view:
        pool.map(abs, ITEMS)
    cpus, usable = psutil.cpu_count(), len(live.usable_cpu_ids(psutil.cpu_count()))
    assert repr(view) == f"<live view: 12 tasks on 2 workers, {usable} of {cpus} CPUs usable>"


def test_summary_text_forms():
    assert summary_text(8, 2, 2, 2) == "<live view: 8 tasks on 2 workers, 2 of 2 CPUs usable>"
    assert summary_text(1, 1, 1, 1) == "<live view: 1 task on 1 worker, 1 of 1 CPU usable>"
    assert summary_text(3, None, 4, 8) == "<live view: 3 tasks on a pool, 4 of 8 CPUs usable>"
    assert (summary_text(5, 4, 2, 2, "KeyboardInterrupt")
            == "<live view: stopped by KeyboardInterrupt, 4 workers, 2 of 2 CPUs usable>")


def test_live_false_records_without_panels(pool):
    with live_view(pool, live=False) as view:
        pool.map(abs, ITEMS)
    assert view._panel is None and len(view.records) == len(ITEMS)


# --- The pieces: CPU arithmetic, reading records, drawing ---------------------------------

Times = namedtuple("Times", "user nice system idle iowait guest guest_nice")


def test_busy_shares_follow_psutil_arithmetic():
    before = [Times(10, 0, 0, 90, 0, 0, 0), Times(0, 0, 0, 100, 0, 0, 0)]
    after = [Times(40, 0, 10, 140, 10, 5, 0), Times(0, 0, 0, 100, 0, 0, 0)]
    # CPU 0: total 200 - 100 = 100 (guest is already in user), idle + iowait 60: busy 40 %
    assert live._busy_shares(before, after) == (pytest.approx(0.4), 0.0)


def test_reader_takes_only_complete_lines(tmp_path):
    reader = live._Reader(str(tmp_path))
    log = tmp_path / "1-2.log"
    log.write_bytes(b"0\t1.0\t2.0\tw-1\n1\t2.0")
    assert reader.read_new() == [(0, 1.0, 2.0, "w-1")]
    with log.open("ab") as file:
        file.write(b"\t3.5\tw-2\nbroken line\n")
    assert reader.read_new() == [(1, 2.0, 3.5, "w-2")]
    assert reader.read_new() == []


def test_report_never_raises_when_the_folder_is_gone(tmp_path):
    channel = live._Channel(str(tmp_path / "gone"), -1)
    record = TaskRecord(task=1, worker="w", start=0.0, end=1.0, result=None)
    live._report(channel, 0, record)  # no exception, no file
    assert not (tmp_path / "gone").exists()


def test_cores_svg_has_a_bar_per_cpu_and_marks_usable_ones():
    svg = cores_svg([0.5, 1.0, 0.0, 0.25], frozenset({0, 1}))
    assert svg.count("<title>CPU ") == 4
    assert svg.count(live._USABLE_COLOR) == 2 and svg.count(live._OTHER_COLOR) == 2


def _records(n, workers=2, length=1.0, gap=0.0):
    return [TaskRecord(task=i, worker=f"W{i % workers}", start=(i // workers) * (length + gap),
                       end=(i // workers) * (length + gap) + length, result=None)
            for i in range(n)]


def test_tasks_svg_draws_rows_and_bars():
    svg = tasks_svg(_records(6, gap=0.5), now=5.0)
    assert svg.count(">worker ") == 2 and svg.count("<rect") == 6
    assert "waiting for the first task" in tasks_svg([], now=0.0)


def test_tasks_svg_keeps_back_to_back_tasks_apart():
    assert tasks_svg(_records(6), now=3.0).count("<rect") == 6


def test_tasks_svg_stays_small_for_many_tiny_tasks():
    svg = tasks_svg(_records(20_000, length=1e-5), now=0.2)
    assert svg.count("<rect") <= 2 * 600 and len(svg) < 200_000


# --- A real kernel, interrupted (run alone with -m kernel) --------------------------------

KERNEL_SETUP = """
import multiprocessing, os, threading, time
from helpers.instruments.live import live_view
"""
SHORT_RUN = """
with multiprocessing.get_context({method!r}).Pool(2) as pool, live_view(pool) as view:
    results = pool.map(time.sleep, [0.1] * 6)
"""
LONG_RUN = """
with multiprocessing.get_context({method!r}).Pool(2) as pool, live_view(pool) as view:
    pool.map(time.sleep, [0.01] * 4)
    print("running", flush=True)
    results = pool.map(time.sleep, [0.25] * 200)
"""
AFTERWARDS = """
print(sorted(t.name for t in threading.enumerate() if t.name == 'live-view'),
      os.path.exists(view._folder), 'map' in vars(pool), len(view.records) > 0)
"""


@pytest.fixture
def kernel(tmp_path, monkeypatch):
    """A Jupyter kernel running this interpreter, started in the repository."""
    from tests.plugin import start_kernel

    spec = tmp_path / "kernels" / "live-test"
    spec.mkdir(parents=True)
    spec.joinpath("kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "live view test", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    manager, client = start_kernel("live-test", str(ROOT))
    try:
        yield manager, client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _wait_for_text(client, text, timeout=120):
    """Read the kernel's output messages until one prints ``text`` (no fixed sleep: on a
    busy machine the pool may take long to start)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = client.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if message["msg_type"] == "stream" and text in message["content"]["text"]:
            return
    raise AssertionError(f"the kernel did not print {text!r} within {timeout} s")


def _run(client, code, timeout=60):
    messages = []
    reply = client.execute_interactive(code, output_hook=messages.append, timeout=timeout)
    return reply["content"], messages


@pytest.mark.kernel
@pytest.mark.parametrize("method", METHODS)
def test_in_a_kernel_the_widget_is_replaced_by_the_picture_and_a_count_line(kernel, method):
    _, client = kernel
    assert _run(client, KERNEL_SETUP)[0]["status"] == "ok"
    reply, messages = _run(client, SHORT_RUN.format(method=method))
    assert reply["status"] == "ok"
    shown = [(m["msg_type"], m["content"]["data"]) for m in messages
             if m["msg_type"] in ("display_data", "update_display_data")]
    assert [kind for kind, _ in shown] == ["display_data", "update_display_data",
                                           "display_data"]
    assert list(shown[0][1]) == ["application/vnd.jupyter.widget-view+json"]
    assert list(shown[1][1]) == ["image/png"]
    assert shown[2][1]["text/plain"].startswith("<live view: 6 tasks on 2 workers, ")
    assert not [m for m in messages if m["msg_type"] == "stream"]


@pytest.mark.kernel
@pytest.mark.parametrize("method", METHODS)
def test_interrupting_the_kernel_leaves_no_thread_folder_or_process(kernel, method):
    manager, client = kernel
    assert _run(client, KERNEL_SETUP)[0]["status"] == "ok"
    # stop_on_error=False: the interrupt must not make the kernel abort the next request.
    msg_id = client.execute(LONG_RUN.format(method=method), stop_on_error=False)
    _wait_for_text(client, "running")  # the view is on, and some tasks have finished
    time.sleep(0.5)
    manager.interrupt_kernel()
    reply = client.get_shell_msg(timeout=60)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    content, messages = _run(client, AFTERWARDS)
    assert content["status"] == "ok"
    printed = "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream")
    assert printed.strip() == "[] False False True"
    left = wait_for_no_leftovers(manager.provisioner.process.pid)
    assert not left, describe_processes(left)
