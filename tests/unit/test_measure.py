"""helpers.instruments.measure: workloads, real (tiny) measurements, the fit on synthetic
data, and the summaries. No speed is asserted."""

from __future__ import annotations

import math
import multiprocessing
import random

import pytest

from helpers.cpus import usable_cpus
from helpers.instruments import measure as ms
from helpers.instruments.interpreters import interpreters_available
from helpers.instruments.measure import Measurement, Workload
from helpers.instruments.pools import _whoami
from helpers.mandelbrot import mandelbrot_serial
from helpers.speedup import amdahl, karp_flatt

pytestmark = pytest.mark.per_start_method

TINY = {"width": 30, "height": 12, "max_iter": 20}


def _m(workers, seconds, kind="processes", serial=1.0, workload="mandelbrot"):
    return Measurement(workload, kind, workers, seconds, serial, 3, "demo")


# --- Workloads ------------------------------------------------------------------------------


def test_workloads_describe_themselves():
    work = ms.mandelbrot_workload(**TINY)
    assert work.name == "mandelbrot" and work.chunksize == 1
    assert work.tasks == tuple(range(12)) and "30x12" in work.description
    assert work.run_serial() == mandelbrot_serial(**TINY)
    sleeps = ms.sleep_workload(3, 0.001)
    assert sleeps.name == "sleep" and sleeps.description == "3 waits of 1 ms"
    assert sleeps.run_serial() == [0.001] * 3


@pytest.mark.parametrize(("bad", "error"), [({"width": 0}, ValueError),
                                            ({"chunksize": 0}, ValueError),
                                            ({"max_iter": 2.5}, TypeError)])
def test_mandelbrot_workload_rejects_bad_sizes(bad, error):
    with pytest.raises(error, match="must be a whole number"):
        ms.mandelbrot_workload(**{**TINY, **bad})


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"tasks": 0}, ValueError, "tasks must be a whole number of at least 1"),
    ({"wait": 0}, ValueError, "wait must be a number of seconds above 0"),
    ({"wait": "1"}, TypeError, "wait must be a number"),
])
def test_sleep_workload_rejects_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        ms.sleep_workload(**kwargs)


def test_a_workload_runs_in_a_process_pool():
    work = ms.mandelbrot_workload(**TINY)
    with multiprocessing.Pool(2) as pool:
        assert work.run_in(pool) == work.run_serial()


# --- Measurements ------------------------------------------------------------------------------


def test_measurement_speedup_and_efficiency():
    m = _m(4, 0.25)
    assert (m.speedup, m.efficiency) == (4.0, 1.0)
    with pytest.raises(ValueError, match="parallel_seconds must be a number above 0"):
        _m(4, 0.0).speedup  # noqa: B018


def test_measure_structure_and_medians():
    work = ms.mandelbrot_workload(**TINY)
    results = ms.measure(work, [1, 2], repeats=3)
    assert [(r.kind, r.workers) for r in results] == [
        ("processes", 1), ("processes", 2), ("threads", 1), ("threads", 2)]
    assert all(r.repeats == 3 and r.seconds > 0 and r.workload == "mandelbrot"
               for r in results)
    assert len({r.serial_seconds for r in results}) == 1
    assert not multiprocessing.active_children()


def test_measure_with_an_explicit_start_method(start_method):
    (result,) = ms.measure(ms.sleep_workload(4, 0.001), [2], kinds=("processes",), repeats=1,
                           start_method=start_method)
    assert result.kind == "processes" and result.workers == 2
    assert not multiprocessing.active_children()


def test_measure_checks_the_results_against_the_serial_run():
    # _whoami returns the process and thread that ran it: never the same in a thread pool
    # as in the serial run.
    who = Workload("who", _whoami, (0.0, 0.0))
    with pytest.raises(RuntimeError, match="threads with 1 workers computed a different result"):
        ms.measure(who, [1], kinds=("threads",), repeats=1)
    (result,) = ms.measure(who, [1], kinds=("threads",), repeats=1, check=False)
    assert result.workers == 1


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"counts": []}, ValueError, "counts must hold at least 1"),
    ({"counts": [0]}, ValueError, r"counts\[0\] must be a whole number of at least 1"),
    ({"counts": 2}, TypeError, "counts must be a list"),
    ({"counts": [1], "repeats": 0}, ValueError, "repeats"),
    ({"counts": [1], "kinds": ("gpus",)}, ValueError, r"kinds\[0\] must be one of"),
    ({"counts": [1], "kinds": "processes"}, TypeError, "kinds must be a list"),
    ({"counts": [1], "start_method": "thread"}, ValueError, "start_method must be one of"),
])
def test_measure_rejects_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        ms.measure(ms.sleep_workload(2, 0.001), **kwargs)
    assert not multiprocessing.active_children()


def test_measure_wants_a_workload():
    with pytest.raises(TypeError, match="workload must be a Workload"):
        ms.measure(lambda: None, [1])


def test_measure_refuses_a_lambda_for_processes_before_starting_any():
    work = Workload("lambda", lambda x: x, (1, 2))
    with pytest.raises(TypeError, match="cannot be pickled"):
        ms.measure(work, [1], kinds=("processes",), repeats=1)
    (result,) = ms.measure(work, [1], kinds=("threads",), repeats=1)  # threads can run it
    assert result.kind == "threads"


@pytest.mark.skipif(interpreters_available(), reason="this Python has interpreter pools")
def test_measure_interpreters_needs_python_3_14():
    with pytest.raises(RuntimeError, match="Python 3.14"):
        ms.measure(ms.sleep_workload(2, 0.001), [1], kinds=("interpreters",))


def test_timeline_overhead_is_a_fraction(start_method):
    overhead = ms.timeline_overhead(ms.mandelbrot_workload(**TINY), workers=2, repeats=1,
                                    start_method=start_method)
    assert math.isfinite(overhead) and overhead > -1
    assert not multiprocessing.active_children()


def test_timeline_overhead_rejects_bad_arguments():
    work = ms.mandelbrot_workload(**TINY)
    with pytest.raises(ValueError, match="workers"):
        ms.timeline_overhead(work, workers=0)
    with pytest.raises(ValueError, match="repeats"):
        ms.timeline_overhead(work, repeats=0)
    with pytest.raises(TypeError, match="workload must be a Workload"):
        ms.timeline_overhead(None)


def test_measurements_checks_a_list():
    assert ms.measurements([_m(1, 1.0)]) == [_m(1, 1.0)]
    with pytest.raises(ValueError, match="results is empty"):
        ms.measurements([])
    with pytest.raises(TypeError, match="not a single one"):
        ms.measurements(_m(1, 1.0))
    with pytest.raises(TypeError, match=r"results\[1\] must be a Measurement"):
        ms.measurements([_m(1, 1.0), (1, 1.0)])


# --- Worker counts and summaries ------------------------------------------------------------


@pytest.mark.parametrize(("usable", "expected"), [(1, [1, 2]), (2, [1, 2, 3, 4]),
                                                  (8, list(range(1, 17)))])
def test_worker_counts_small_machines_get_every_count(usable, expected):
    assert ms.worker_counts(usable) == expected


@pytest.mark.parametrize("usable", [9, 16, 64, 128])
def test_worker_counts_big_machines_get_a_sample(usable):
    counts = ms.worker_counts(usable)
    assert counts == sorted(set(counts))
    assert {1, usable, 2 * usable} <= set(counts)
    assert len(counts) <= 18


def test_worker_counts_default_uses_this_machine():
    assert ms.worker_counts()[-1] == 2 * usable_cpus()


def test_worker_counts_rejects_bad_arguments():
    with pytest.raises(ValueError, match="usable"):
        ms.worker_counts(0)
    with pytest.raises(ValueError, match="most"):
        ms.worker_counts(4, most=2)


def test_summarize_has_fixed_lines():
    results = [_m(n, 1 / n) for n in (1, 2, 3, 4)] + [_m(n, 1.0, "threads") for n in (1, 2, 3, 4)]
    text = ms.summarize(results, usable=2)
    lines = text.splitlines()
    assert lines[0] == "serial run: 1.00 s (median)"
    assert lines[1].startswith("processes, 1 worker ") and lines[1].endswith(
        "speedup ≈ 1.00, efficiency ≈ 1.00")
    assert "processes, workers = usable CPUs" in lines[2]
    assert "threads, workers = 2 x usable CPUs" in lines[6]
    assert len(lines) == 7


def test_summarize_on_one_cpu_keeps_every_line():
    results = [_m(n, 1.0) for n in (1, 2)]
    assert len(ms.summarize(results, usable=1).splitlines()) == 4


def test_summarize_kind():
    results = [_m(n, 1 / n) for n in (1, 2, 4)]
    assert ms.summarize_kind(results, "processes", usable=2) == (
        "processes: speedup ≈ 1.00 with 1 worker, ≈ 2.00 with the usable CPUs, "
        "≈ 4.00 with 2 x usable CPUs")
    assert "not measured with 2 x usable CPUs" in ms.summarize_kind(results, "processes",
                                                                    usable=4)
    with pytest.raises(ValueError, match="no measurement of threads"):
        ms.summarize_kind(results, "threads")


def test_karp_flatt_table():
    f = 0.1
    results = [_m(n, 1 / amdahl(n, f)) for n in (1, 2, 4)]
    assert ms.karp_flatt_table(results, usable=2).splitlines() == [
        f"processes, 2 workers: S ≈ {amdahl(2, f):.2f}, e ≈ 0.100",
        f"processes, 4 workers (more than the CPUs): S ≈ {amdahl(4, f):.2f}, e ≈ 0.100"]
    assert ms.karp_flatt_table(results[:1]).startswith("No measurement with 2 or more")
    assert ms.karp_flatt_table(results, usable=4, label="reference").startswith("reference, 2")


def test_karp_flatt_series_uses_2_to_usable_workers():
    f = 0.1
    results = [_m(n, 1 / amdahl(n, f)) for n in range(1, 7)]
    series = ms.karp_flatt_series(results, usable=4)
    assert list(series) == [2, 3, 4]
    assert all(e == pytest.approx(f) for e in series.values())


# --- The fit ----------------------------------------------------------------------------------


@pytest.mark.parametrize("f", [0.0, 0.03, 0.2, 0.7])
def test_fit_recovers_a_known_serial_fraction(f):
    workers = list(range(1, 17))
    assert ms.fit_amdahl(workers, [amdahl(n, f) for n in workers]) == pytest.approx(f)


def test_fit_on_noisy_synthetic_data_is_close():
    rng = random.Random(7)
    f = 0.08
    workers = [n for n in range(1, 33) for _ in range(3)]
    speedups = [amdahl(n, f) * (1 + rng.gauss(0, 0.02)) for n in workers]
    assert ms.fit_amdahl(workers, speedups) == pytest.approx(f, abs=0.01)


def test_fit_with_one_point_is_its_karp_flatt_fraction():
    assert ms.fit_amdahl([1, 4], [0.9, 3.2]) == pytest.approx(karp_flatt(3.2, 4))


def test_fit_is_clipped_to_zero_and_one():
    assert ms.fit_amdahl([2, 4], [2.2, 4.5]) == 0.0      # superlinear: no serial part
    assert ms.fit_amdahl([2, 4], [0.5, 0.4]) == 1.0      # slower than serial


def test_fit_rejects_bad_input():
    with pytest.raises(ValueError, match="same length"):
        ms.fit_amdahl([1, 2], [1.0])
    with pytest.raises(ValueError, match="workers must hold a count of 2 or more"):
        ms.fit_amdahl([1, 1], [1.0, 0.9])
    with pytest.raises(ValueError, match=r"speedups\[0\] must be a number above 0"):
        ms.fit_amdahl([2], [0.0])
    with pytest.raises(TypeError, match=r"speedups\[0\] must be a number"):
        ms.fit_amdahl([2], ["1.5"])


def test_serial_fraction_uses_2_to_usable_workers_only():
    f = 0.1
    results = [_m(n, 1 / amdahl(min(n, 4), f)) for n in range(1, 9)]
    results += [_m(n, 1.0, "threads") for n in range(1, 9)]
    assert ms.serial_fraction(results, "processes", usable=4) == pytest.approx(f)
    assert ms.serial_fraction(results, "threads", usable=4) == pytest.approx(1.0)
    assert ms.serial_fraction(results, "processes", usable=1) is None
