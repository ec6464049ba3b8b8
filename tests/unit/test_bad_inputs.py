"""Issue 14's cases, one test each: a learner's mistake gets a clear message, at once,
and nothing is left running or changed for good.

``python -m tools.bad_inputs`` tries ~1700 bad inputs against every public callable;
these tests hold the cases the issue lists, and the harness's own classification rules.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
import threading
import time

import matplotlib
import pytest

from helpers.checks import NotAttempted, NotYet
from helpers.instruments.pools import wait_for_no_leftovers

pytestmark = pytest.mark.per_start_method
matplotlib.use("Agg")


def nb_square(x):
    return x * x


@pytest.fixture
def notebook_function(monkeypatch):
    """``nb_square`` as a notebook cell defines it (in ``__main__``)."""
    monkeypatch.setattr(nb_square, "__module__", "__main__")
    monkeypatch.setattr(sys.modules["__main__"], "nb_square", nb_square, raising=False)
    return nb_square


@pytest.fixture
def spawn_default():
    """Make *spawn* the default start method for the test (a notebook on macOS/Windows)."""
    before = multiprocessing.get_start_method()
    multiprocessing.set_start_method("spawn", force=True)
    yield
    multiprocessing.set_start_method(before, force=True)


def at_once(call, error=TypeError, match=None, within=5.0, leftovers=True):
    """``call()`` raises ``error`` (matching ``match``) within ``within`` seconds, and no
    child process is left (``leftovers=False``: the test's own pool is still running)."""
    began = time.monotonic()
    with pytest.raises(error, match=match) as caught:
        call()
    assert time.monotonic() - began < within, "it should refuse before starting anything"
    assert not leftovers or not wait_for_no_leftovers(timeout=5)
    return caught.value


# --- A function a child cannot receive is refused before any pool starts ----------------------


def _workload(func):
    from helpers.instruments.measure import Workload

    return Workload("nb", func, (1, 2, 3))


@pytest.mark.parametrize("helper", [
    "imap_unordered_with_progress", "measure", "RunControl.run", "timeline_overhead",
    "time_here_and_in_a_worker", "time_chunksizes", "timelines_by_chunksize",
    "count_losses_in_fresh_process",
])
@pytest.mark.parametrize("kind", ["notebook", "lambda"])
def test_unsendable_functions_are_refused_with_the_writefile_hint(helper, kind,
                                                                  notebook_function,
                                                                  spawn_default):
    from helpers.instruments import measure, races, transfer, widgets

    func = notebook_function if kind == "notebook" else (lambda x: x)
    calls = {
        "measure": lambda: measure.measure(_workload(func), [1], kinds=("processes",)),
        "timeline_overhead": lambda: measure.timeline_overhead(_workload(func), 1),
        "time_here_and_in_a_worker": lambda: transfer.time_here_and_in_a_worker(func, 3),
        "time_chunksizes": lambda: transfer.time_chunksizes(func, [1, 2], [1]),
        "timelines_by_chunksize": lambda: transfer.timelines_by_chunksize(func, [1, 2], [1]),
        "count_losses_in_fresh_process": lambda: races.count_losses_in_fresh_process(func),
    }
    hint = "%%writefile" if kind == "notebook" else "lambda|cannot be pickled"
    if helper == "imap_unordered_with_progress":
        from ipywidgets import IntProgress

        with multiprocessing.get_context("spawn").Pool(1) as pool:
            at_once(lambda: widgets.imap_unordered_with_progress(pool, func, [1],
                                                                 bar=IntProgress()),
                    match=hint, leftovers=False)
        assert not wait_for_no_leftovers(timeout=5)
        return
    if helper == "RunControl.run":  # drawing its first chart is not part of the refusal
        control = widgets.RunControl(_workload(func), usable=2)
        calls[helper] = lambda: control.run(1)
    at_once(calls[helper], match=hint)


def test_a_notebook_function_is_fine_under_fork(notebook_function):
    from helpers.instruments.transfer import time_chunksizes

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork here")
    before = multiprocessing.get_start_method()
    multiprocessing.set_start_method("fork", force=True)
    try:
        assert set(time_chunksizes(notebook_function, [1, 2, 3], [1], repeats=1)) == {1}
    finally:
        multiprocessing.set_start_method(before, force=True)


# --- Validate everything before starting; stop what was started -------------------------------


def test_count_losses_in_fresh_process_checks_every_argument_first():
    from helpers.full_example import article_main
    from helpers.instruments.races import count_losses_in_fresh_process

    at_once(lambda: count_losses_in_fresh_process(article_main, 1, timeout="5"),
            match="timeout")
    at_once(lambda: count_losses_in_fresh_process(article_main, 1, method="Spawn"),
            ValueError, "method")
    at_once(lambda: count_losses_in_fresh_process(article_main, 1, n_processes=10_000),
            ValueError, "LIMITS")


@pytest.mark.parametrize("call", [
    lambda: __import__("helpers.instruments.pools", fromlist=["x"]).warm_pool(
        "processes", 10_000).__enter__(),
    lambda: __import__("helpers.full_example", fromlist=["x"]).article_main(None, 4, 10_000),
    lambda: __import__("helpers.instruments.races", fromlist=["x"]).count_losses(
        __import__("helpers.full_example", fromlist=["x"]).article_main, 1, None, 4, 10_000),
    lambda: __import__("helpers.instruments.counting", fromlist=["x"]).time_designs(
        ["no lock"], 10_000),
    lambda: __import__("helpers.instruments.transfer", fromlist=["x"]).time_chunksizes(
        __import__("helpers.pools", fromlist=["x"]).square, [1], [1], workers=10_000),
    lambda: __import__("helpers.instruments.cluster", fromlist=["x"]).start_cli_cluster(
        n_workers=10_000),
    lambda: __import__("helpers.full_example", fromlist=["x"]).make_tasks(10**9),
    lambda: __import__("helpers.pools", fromlist=["x"]).work_log(("A", 10**6)),
    lambda: __import__("helpers.instruments.transfer", fromlist=["x"]).measure_transfer(
        "Pipe", [10**13]),
    lambda: __import__("helpers.instruments.races", fromlist=["x"]).empty_after_put(10**9),
], ids=["warm_pool", "article_main", "count_losses", "time_designs", "time_chunksizes",
        "start_cli_cluster", "make_tasks", "work_log", "measure_transfer", "empty_after_put"])
def test_upper_bounds_say_how_to_raise_them(call):
    error = at_once(call, ValueError)
    assert "LIMITS[" in str(error) or "at most" in str(error) or "from 0 to" in str(error)


def test_measure_and_run_control_refuse_too_many_workers():
    from helpers.instruments.measure import measure, sleep_workload
    from helpers.instruments.widgets import RunControl

    at_once(lambda: measure(sleep_workload(2), [10_000]), ValueError, r"counts\[0\]")
    control = RunControl(sleep_workload(2), usable=2)  # draws its first chart: not timed
    at_once(lambda: control.run(10_000), ValueError, "workers=10000")


# --- Nothing changed for good ---------------------------------------------------------------


def test_pinned_counts_refuses_to_pin_the_kernel():
    from helpers.cpus import pinned_counts, usable_cpus

    before = usable_cpus()
    at_once(lambda: pinned_counts(1), RuntimeError, "child")
    assert usable_cpus() == before


def test_call_with_stderr_to_refuses_in_the_parent(tmp_path):
    from helpers.instruments.child_output import call_with_stderr_to

    stderr = sys.stderr
    at_once(lambda: call_with_stderr_to(tmp_path / "err.txt", print), RuntimeError,
            "target")
    assert sys.stderr is stderr
    at_once(lambda: call_with_stderr_to(None, print), TypeError, "path")


def test_child_stderr_to_with_a_bad_path_leaks_nothing(tmp_path):
    from helpers.instruments.child_output import child_stderr_to

    def open_fds() -> int:
        return len(os.listdir(f"/proc/{os.getpid()}/fd")) if os.path.isdir("/proc") else 0

    stderr, before = sys.stderr, open_fds()
    for _ in range(20):
        with pytest.raises(FileNotFoundError, match="there is no folder"):
            with child_stderr_to(tmp_path / "no" / "such" / "err.txt"):
                pass
        with pytest.raises(ValueError, match="folder"):
            with child_stderr_to(tmp_path):
                pass
    assert open_fds() <= before and sys.stderr is stderr


# --- Silently wrong, no more --------------------------------------------------------------------


def test_producer_refuses_a_string_and_a_none_item():
    from helpers.queues import producer

    q = multiprocessing.Queue()
    at_once(lambda: producer(q, "red", 1), TypeError, r"\['red'\]")
    at_once(lambda: producer(q, ["red", None], 1), ValueError, r"items\[1\]")
    at_once(lambda: producer(None, ["red"], 1), TypeError, "tasks")
    q.close()
    q.join_thread()


def test_broken_blocks_reads_a_path_and_names_a_missing_one(tmp_path):
    from helpers.instruments.counting import blocks_intact, broken_blocks
    from helpers.locks import write_block

    path = tmp_path / "blocks.txt"
    write_block(str(path), 1, blocks=3)
    assert broken_blocks(str(path)) == 0 and blocks_intact(str(path)) and blocks_intact(path)
    at_once(lambda: broken_blocks(str(tmp_path / "missing.txt")), FileNotFoundError, "text")
    at_once(lambda: blocks_intact(None), TypeError, "text")


def test_count_missing_refuses_a_string():
    from helpers.instruments.races import count_missing

    at_once(lambda: count_missing("a string", ["Task no 0"]), TypeError, "done")
    at_once(lambda: count_missing(["Task no 0 is done by P-1"], [1, 2]), TypeError,
            r"tasks\[0\]")


def test_article_main_and_count_losses_tell_a_crash_from_a_loss(monkeypatch):
    from helpers import full_example
    from helpers.instruments.races import count_losses

    at_once(lambda: full_example.article_main(pause=-1), ValueError, "pause")
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("the crashing worker is patched in, which needs fork")
    monkeypatch.setattr(full_example, "do_job", _crash)
    with pytest.raises(RuntimeError, match="crashed"):
        count_losses(full_example.article_main, 1, "fork", 4, 2)
    assert not wait_for_no_leftovers(timeout=5)


def _crash(*args):
    os._exit(3)


def test_count_losses_wants_a_program_like_article_main():
    from helpers.instruments.races import count_losses
    from helpers.pools import square

    at_once(lambda: count_losses(square, 1), TypeError, "ctx, n_tasks, n_processes")
    at_once(lambda: count_losses(lambda ctx, n, p: None, 1), TypeError, "list of done")


def test_timelines_by_chunksize_refuses_chunksize_0():
    from helpers.instruments.transfer import timelines_by_chunksize
    from helpers.pools import square

    at_once(lambda: timelines_by_chunksize(square, [1, 2], [0]), ValueError,
            r"chunksizes\[0\]")


def test_result_files(tmp_path):
    from helpers.instruments.measure import Measurement
    from helpers.instruments.plots import plot_saved
    from helpers.instruments.results import load_reference, load_runs, save_results

    at_once(lambda: load_runs(str(tmp_path / "*.csv")), FileNotFoundError, "no file matches")
    at_once(lambda: load_reference(tmp_path / "missing"), FileNotFoundError, "folder")
    at_once(lambda: load_reference(tmp_path), FileNotFoundError, ".csv")
    results = [Measurement("mandelbrot", "processes", n, 1.0 / n, 1.0, 1) for n in (1, 2)]
    path = save_results(results, tmp_path, name="mine")
    assert path.name == "mine.csv"
    (run,) = load_runs(str(tmp_path / "*.csv"))
    at_once(lambda: plot_saved([run], workload="Mandelbrot"), ValueError, "'mandelbrot'")
    at_once(lambda: plot_saved([run], kind="Processes"), ValueError, "'processes'")


@pytest.mark.parametrize("text, words", [
    ("workload,kind\nmandelbrot,processes\n", "no column"),
    ("\ufeff", "holds no measurements"),
])
def test_malformed_csv_files(tmp_path, text, words):
    from helpers.instruments.results import load_results

    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    at_once(lambda: load_results(path), ValueError, words)
    path.write_bytes(bytes(range(256)) * 4)
    at_once(lambda: load_results(path), ValueError, "not UTF-8")


@pytest.mark.parametrize("call, words", [
    (lambda m: m["fit_transfer"]({100: math.nan, 1000: 1e-4}), r"times\[100\]"),
    (lambda m: m["pool_time_model"](100, math.nan, 1e-3), "compute"),
    (lambda m: m["worth_it"](100, 1e-3, -1.0), "send"),
    (lambda m: m["format_seconds"](math.nan), "seconds"),
    (lambda m: m["format_seconds"](-1), "seconds"),
    (lambda m: m["imbalance"]([math.nan, 1]), r"loads\[0\]"),
    (lambda m: m["busy_fraction"](m["records"], -1), "workers"),
    (lambda m: m["default_chunksize"](100.0, 2), "n_tasks"),
    (lambda m: m["work_log"](("A", 2.7)), r"work_data\[1\]"),
])
def test_nan_and_negatives_are_refused(call, words):
    from helpers import costs, pools, speedup
    from helpers.instruments import timeline, timing, transfer

    names = {"fit_transfer": transfer.fit_transfer, "pool_time_model": costs.pool_time_model,
             "worth_it": costs.worth_it, "format_seconds": timing.format_seconds,
             "imbalance": speedup.imbalance, "busy_fraction": timeline.busy_fraction,
             "default_chunksize": costs.default_chunksize, "work_log": pools.work_log,
             "records": [timeline.TaskRecord("a", "w1", 0.0, 1.0, None)]}
    at_once(lambda: call(names), (TypeError, ValueError), words)


def test_busy_fraction_cannot_pass_1():
    from helpers.instruments.timeline import TaskRecord, busy_fraction

    records = [TaskRecord(t, f"w{t}", 0.0, 1.0, None) for t in range(3)]
    assert busy_fraction(records, 3) == 1.0
    at_once(lambda: busy_fraction(records, 2), ValueError, "3 different workers")


# --- The checkers -------------------------------------------------------------------------------


def _processes_that_ran(n):
    from helpers.processes import sleep_for

    procs = [multiprocessing.Process(target=sleep_for, args=(0,)) for _ in range(n)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return procs


def test_check_corrected_run_wants_done_messages(capsys):
    from helpers.checks.full_example import check_corrected_run
    from helpers.full_example import make_tasks

    with pytest.raises(NotYet):
        check_corrected_run(make_tasks(7), _processes_that_ran(3))
    assert "Correct!" not in capsys.readouterr().out


def test_check_break_even_refuses_the_answer_that_leaves_out_latency(capsys):
    from helpers.checks.costs import check_break_even
    from helpers.instruments.transfer import TransferFit

    fit = TransferFit(latency=1e-6, seconds_per_byte=1e-9)  # latency: 0.005 % of 20 ms
    right = (0.020 - fit.latency) / fit.seconds_per_byte
    with pytest.raises(NotYet, match="latency"):
        check_break_even(0.020 / fit.seconds_per_byte, fit)
    check_break_even(right, fit)
    check_break_even(round(right), fit)
    no_latency = TransferFit(latency=0.0, seconds_per_byte=1e-9)
    check_break_even(0.020 / no_latency.seconds_per_byte, no_latency)
    assert capsys.readouterr().out.count("Correct!") == 3


def test_check_break_even_never_states_the_answer(capsys):
    from helpers.checks.costs import check_break_even
    from helpers.instruments.transfer import TransferFit

    fit = TransferFit(latency=0.05, seconds_per_byte=1e-9)  # a message costs more than 20 ms
    with pytest.raises(NotYet):
        check_break_even(1000, fit)
    out = capsys.readouterr().out
    assert "to 0" not in out and " 0." not in out
    with pytest.raises(NotYet, match="pipe_fit"):
        check_break_even(1000, "pipe_fit")


@pytest.mark.parametrize("source, error", [
    ("shout = undefined_name\n", "NameError"),
    ("ratio = 1 / 0\n", "ZeroDivisionError"),
    ("def shout(:\n", "syntax error"),
    ("def shut(text):\n    return text\n", "no function named shout"),  # renamed: no hang
])
def test_check_shout_turns_import_errors_into_not_yet(tmp_path, monkeypatch, capsys, source,
                                                      error):
    import importlib

    from helpers.checks.processes import check_shout

    name = f"learner_{abs(hash(source))}"
    path = tmp_path / f"{name}.py"
    path.write_text("def shout(text):\n    return text.upper() + '!'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    module = importlib.import_module(name)
    path.write_text(source)
    began = time.monotonic()
    with pytest.raises(NotYet, match=error):
        check_shout(module)
    assert time.monotonic() - began < 5
    with pytest.raises(NotAttempted):
        check_shout(...)
    not_attempted = capsys.readouterr().out.splitlines()[-1]
    assert not_attempted.count("then run this check again") == 1


@pytest.mark.parametrize("check, args", [
    ("speedup.check_split_speedup", (1.5, None)),
    ("speedup.check_split_speedup", (1.5, 3)),
    ("costs.check_chunksize", (1, None)),
    ("costs.check_chunksize", (1, {1: "fast"})),
    ("costs.check_break_even", (1000, None)),
    ("costs.check_break_even", (1000, None, "20 ms")),
])
def test_checkers_say_not_yet_instead_of_raising(check, args, capsys):
    import importlib

    module, name = check.split(".")
    checker = getattr(importlib.import_module(f"helpers.checks.{module}"), name)
    with pytest.raises(NotYet):
        checker(*args)
    assert capsys.readouterr().out.startswith("Not yet")


def test_check_feed_stops_a_feed_that_never_returns(monkeypatch, capsys):
    from helpers.checks import queues

    def feed(tasks, items, n_consumers):
        while True:
            pass

    monkeypatch.setattr(queues, "FEED_TIMEOUT", 1.0)
    monkeypatch.setattr(feed, "__module__", "__main__")
    threads = set(threading.enumerate())
    with pytest.raises(NotYet, match="did not return within 1 s"):
        queues.check_feed(feed)
    assert not wait_for_no_leftovers(timeout=5)
    assert set(threading.enumerate()) <= threads


# --- Unclear, as a class ------------------------------------------------------------------------


def test_explain_laws_names_the_right_parameter():
    from helpers.instruments.widgets import explain_laws

    at_once(lambda: explain_laws(90, 8), ValueError, "parallel_fraction")


def test_a_context_where_a_start_method_name_is_expected():
    from helpers.instruments.pools import start_cost, warm_pool

    ctx = multiprocessing.get_context("spawn")
    at_once(lambda: start_cost(ctx), TypeError, r"ctx\.get_start_method\(\)")
    at_once(lambda: warm_pool("processes", 1, ctx).__enter__(), TypeError, "context object")


def test_a_string_where_a_list_is_expected():
    from helpers.instruments.measure import measure, sleep_workload

    at_once(lambda: measure(sleep_workload(2), [1], kinds="processes"), TypeError,
            r"\['processes'\]")


def test_a_single_record_where_a_list_is_expected():
    from helpers.instruments.measure import Measurement
    from helpers.instruments.plots import plot_speedup
    from helpers.instruments.timeline import TaskRecord, plot_timeline

    at_once(lambda: plot_timeline(TaskRecord("a", "w", 0, 1, None)), TypeError,
            "not a single one")
    at_once(lambda: plot_speedup(Measurement("m", "processes", 1, 1.0, 1.0, 1)), TypeError,
            "not a single one")


@pytest.mark.parametrize("call, words", [
    (lambda: __import__("helpers.pools", fromlist=["x"]).square(None), "x must be"),
    (lambda: __import__("helpers.pools", fromlist=["x"]).add("1", 2), "x must be"),
    (lambda: __import__("helpers.queues", fromlist=["x"]).consumer(None, None), "tasks"),
    (lambda: __import__("helpers.locks", fromlist=["x"]).add_one(None, 10), "counter"),
    (lambda: __import__("helpers.costs", fromlist=["x"]).array_sum([1, 2]), "array"),
    (lambda: __import__("helpers.instruments.plots", fromlist=["x"]).plot_row_costs(
        [1, 2], ax="ax"), "ax must be"),
    (lambda: __import__("helpers.instruments.plots", fromlist=["x"]).plot_image(
        [[1, 2], [3]]), "one length"),
    (lambda: __import__("helpers.instruments.cluster", fromlist=["x"]).task_records(
        [{"key": "a"}, 3]), r"task_stream\[1\]"),
    (lambda: __import__("helpers.instruments.pools", fromlist=["x"]).kill_tree(None),
     "process"),
])
def test_small_workers_and_plots_name_the_argument(call, words):
    at_once(call, (TypeError, ValueError), words)


def test_workers_refuse_to_end_the_kernel(tmp_path):
    from helpers.cluster import die_once
    from helpers.pools import die_on

    at_once(lambda: die_on(3), RuntimeError, "pool")
    assert die_on(2) == 2
    at_once(lambda: die_once(3, marker=str(tmp_path / "died")), RuntimeError, "pool")
    assert not (tmp_path / "died").exists()


# --- The live view and the learner's workspace ---------------------------------------------------


def test_live_view_refuses_a_pool_that_no_longer_runs():
    from concurrent.futures import ThreadPoolExecutor
    from multiprocessing.pool import ThreadPool

    from helpers.instruments.live import live_view

    pool = ThreadPool(1)
    pool.close()
    pool.join()
    at_once(lambda: live_view(pool), ValueError, "closed: use live_view")
    executor = ThreadPoolExecutor(1)
    executor.shutdown()
    at_once(lambda: live_view(executor), ValueError, "shut down")


@pytest.mark.parametrize("call, error, words", [
    (lambda lv, pool: lv.live_view(pool, live="no"), TypeError, "live must be True or False"),
    (lambda lv, pool: lv.live_view(pool, title=None), TypeError, "title"),
    (lambda lv, pool: lv.usable_cpu_ids(0), ValueError, "count"),
    (lambda lv, pool: lv.summary_text(8, 2, 3, 2), ValueError, "usable"),
    (lambda lv, pool: lv.cores_svg([1.5], {0}), ValueError, r"busy\[0\]"),
    (lambda lv, pool: lv.cores_svg([0.5], {-1}), ValueError, r"usable must hold CPU numbers"),
    (lambda lv, pool: lv.tasks_svg(None, 1.0), TypeError, "records"),
    (lambda lv, pool: lv.panel_html("t", None, "", ""), TypeError, "cores"),
])
def test_live_view_arguments_are_checked(call, error, words):
    from multiprocessing.pool import ThreadPool

    from helpers.instruments import live

    with ThreadPool(1) as pool:
        at_once(lambda: call(live, pool), error, words, leftovers=False)
    assert live.tasks_svg([], 0.0).startswith("<svg")  # no task yet: waiting, not an error


def test_live_view_refuses_a_notebook_function_before_sending_it(notebook_function):
    from helpers.instruments.live import live_view

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        with pytest.raises(TypeError, match="%%writefile"), live_view(pool) as view:
            pool.map(notebook_function, [1, 2])
        assert view.stopped_by == "TypeError" and not view.records
    assert not wait_for_no_leftovers(timeout=5)


@pytest.fixture
def course_copy(tmp_path):
    """A repository root holding a copy of the course's notebooks (never the real ones)."""
    import shutil
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    shutil.copytree(root / "notebooks", tmp_path / "repo" / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "results"))
    return tmp_path / "repo"


def test_workspace_needs_the_course_folder_and_creates_nothing_elsewhere(tmp_path, capsys):
    from helpers.instruments import workspace as ws

    typo = tmp_path / "typo"
    at_once(lambda: ws.sync(typo), FileNotFoundError, "repo_root: there is no folder")
    at_once(lambda: ws.sync(tmp_path), FileNotFoundError, "has no notebooks/ folder")
    at_once(lambda: ws.sync(3), TypeError, "repo_root must be a path")
    at_once(lambda: ws.reset(str(tmp_path), "05"), FileNotFoundError, "repo_root")
    assert not typo.exists() and not (tmp_path / "workspace").exists()
    assert ws.main(["--root", str(typo), "sync"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("--root: there is no folder") and len(err.splitlines()) == 1
    at_once(lambda: ws.main("sync"), TypeError, r"\['sync'\]")


def test_workspace_names_the_cell_of_a_malformed_notebook(course_copy):
    from helpers.instruments import workspace as ws

    nb = ws.read_notebook(course_copy / "notebooks" / "05_full_example.ipynb")
    index, answer = next((i, c) for i, c in enumerate(nb["cells"]) if ws.is_answer(c))
    answer["source"] = "n = ...\n### BEGIN SOLUTION\nn = 4\n"
    at_once(lambda: ws.student_copy(nb), ValueError,
            rf"nb\['cells'\]\[{index}\]\['source'\] has 'BEGIN SOLUTION' on line 2")
    answer["source"] = None
    at_once(lambda: ws.student_copy(nb), TypeError, rf"nb\['cells'\]\[{index}\]\['source'\]")
    at_once(lambda: ws.student_copy({"cells": [3]}), TypeError, r"nb\['cells'\]\[0\]")
    at_once(lambda: ws.student_copy("05_full_example.ipynb"), TypeError, "read_notebook")
    at_once(lambda: ws.stub_source(None), TypeError, "source must be a string")
    at_once(lambda: ws.solution_cell(nb["cells"][0], nb, set()), ValueError,
            "answer must be an answer cell")


def test_workspace_files_missing_invalid_or_in_the_way(course_copy):
    from helpers.instruments import workspace as ws

    at_once(lambda: ws.read_notebook(None), TypeError, "path must be a path")
    at_once(lambda: ws.read_notebook(course_copy / "nope.ipynb"), FileNotFoundError,
            "path: there is no file")
    broken = course_copy / "broken.ipynb"
    broken.write_text('{"cells": [', encoding="utf-8")
    at_once(lambda: ws.read_notebook(broken), ws.Unreadable, "not valid JSON.*Check that")
    assert ws.notebook_progress(broken).problem.startswith("not valid JSON")
    (course_copy / "workspace").write_text("a file in the way")
    error = at_once(lambda: ws.sync(course_copy), ws.NotWritable, "in the way; move or rename")
    assert f"Make {course_copy} writable" in str(error)


def test_progress_refuses_unknown_names_and_missing_folders(course_copy, tmp_path):
    from helpers.instruments import workspace as ws

    folder = ws.sync(course_copy).folder
    at_once(lambda: ws.progress(folder, ["99_nope.ipynb"]), FileNotFoundError,
            r"names\[0\]: there is no notebook '99_nope.ipynb'.*05_full_example.ipynb")
    at_once(lambda: ws.progress(folder, "05_full_example.ipynb"), TypeError,
            r"Put a single one in a list")
    at_once(lambda: ws.show_progress(tmp_path / "missing"), FileNotFoundError,
            "folder: there is no folder")
    at_once(lambda: ws.format_progress(ws.progress(folder)[0]), TypeError, "not a single one")
    at_once(lambda: ws.reset(course_copy, "99"), ws.UnknownNotebook,
            "name one of 00_start_here.*give just its number")


# --- The harness's own rules ----------------------------------------------------------------------


def test_harness_classifies_as_documented():
    from tools.bad_inputs import Case, classify

    case = Case("helpers.pools:square", "x", (("x", "None"),), "reject")
    clear = {"outcome": "raised", "type": "TypeError", "ours": True,
             "message": "x must be a number, not None (a NoneType).",
             "got": ["None", "NoneType"], "param_name": "x"}
    assert classify(case, clear)[0] == "clear"
    assert classify(case, {**clear, "type": "AttributeError"})[0] == "unclear"
    assert classify(case, {**clear, "ours": False, "where": "numpy/core.py"})[0] == "unclear"
    assert classify(case, {**clear, "message": "bad value None."})[0] == "unclear"
    assert classify(case, {**clear, "message": "must be a number"})[0] == "unclear"
    assert classify(case, {"outcome": "returned", "result": "9"})[0] == "wrong"
    assert classify(case, {"outcome": "hang"})[0] == "hang"
    assert classify(case, {**clear, "left": ["threads: x"]})[0] == "leftover"
    check = Case("helpers.checks.cpus:check_pool_size", "pool_size",
                 (("pool_size", "None"),), "reject")
    assert classify(check, {"outcome": "raised", "type": "NotYet", "ours": True,
                            "printed": "Not yet. Try again.\n"})[0] == "clear"
    assert classify(check, {"outcome": "returned", "printed": "Correct! yes\n"})[0] == "wrong"
    assert classify(check, {"outcome": "raised", "type": "TypeError", "ours": True,
                            "printed": ""})[0] == "unclear"


def test_harness_covers_every_public_callable():
    from tools import bad_inputs

    names, broken = bad_inputs.public_callables()
    covered = {s.target for s in bad_inputs.SPECS}
    covered |= {s.target.rsplit(".", 1)[0] for s in bad_inputs.SPECS
                if "." in s.target.split(":")[1]}
    missing = [n for n in names if n not in covered
               and n.split(":")[1] not in bad_inputs.RECORD_TYPES
               and n.split(":")[1] not in bad_inputs.ANY_VALUE
               and not bad_inputs._no_parameters(n)]
    assert not missing, f"give these a spec in tools/bad_inputs.py: {missing}"
    assert set(broken) <= set(bad_inputs.NOT_TRIED), broken
    assert len(bad_inputs.cases()) > 700
    tried = {s.target.split(":")[0] for s in bad_inputs.SPECS}
    assert {"helpers.instruments.live", "helpers.instruments.workspace"} <= tried
    assert not bad_inputs.NOT_TRIED, "every module of helpers is tried"
