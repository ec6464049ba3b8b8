"""helpers.speedup: the laws, the fit on synthetic data, real (tiny) measurements,
the CSV round trip, reference loading, load balancing and the plots. No speed is asserted."""

from __future__ import annotations

import csv
import math
import multiprocessing
import random
from dataclasses import replace
from multiprocessing.pool import ThreadPool

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from helpers import speedup as sp  # noqa: E402
from helpers.mandelbrot import mandelbrot_serial, row_costs  # noqa: E402
from helpers.workers import quiet_work_log  # noqa: E402

TINY = {"width": 30, "height": 12, "max_iter": 20}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --- The laws -----------------------------------------------------------------------------


def test_speedup_and_efficiency():
    assert sp.speedup(12.0, 4.0) == 3.0
    assert sp.efficiency(12.0, 4.0, 4) == 0.75


@pytest.mark.parametrize("args", [(0, 1), (1, 0), (-1, 1), ("1", 1), (True, 1)])
def test_speedup_rejects_bad_times(args):
    with pytest.raises(ValueError, match="seconds"):
        sp.speedup(*args)


def test_amdahl_known_values():
    assert sp.amdahl(1, 0.3) == pytest.approx(1.0)
    assert sp.amdahl(8, 0.0) == pytest.approx(8.0)
    assert sp.amdahl(16, 0.05) == pytest.approx(1 / (0.05 + 0.95 / 16))
    assert sp.amdahl(10**9, 0.05) == pytest.approx(20.0, rel=1e-6)
    assert sp.amdahl_limit(0.05) == pytest.approx(20.0)
    assert sp.amdahl_limit(0.0) == math.inf


def test_gustafson_known_values():
    assert sp.gustafson(1, 0.3) == pytest.approx(1.0)
    assert sp.gustafson(16, 0.05) == pytest.approx(0.05 + 0.95 * 16)
    assert sp.gustafson(16, 1.0) == pytest.approx(1.0)


@pytest.mark.parametrize("fraction", [-0.1, 1.5, "0.1", None])
def test_laws_reject_bad_fractions(fraction):
    with pytest.raises(ValueError, match="0.05"):
        sp.amdahl(4, fraction)
    with pytest.raises(ValueError, match="serial_fraction"):
        sp.gustafson(4, fraction)


def test_laws_reject_fewer_than_one_worker():
    with pytest.raises(ValueError, match="at least 1"):
        sp.amdahl(0, 0.1)
    with pytest.raises(ValueError, match="at least 1"):
        sp.gustafson(0.5, 0.1)


@pytest.mark.parametrize("f", [0.0, 0.02, 0.1, 0.5, 1.0])
@pytest.mark.parametrize("n", [2, 4, 16])
def test_karp_flatt_inverts_amdahl(f, n):
    assert sp.karp_flatt(sp.amdahl(n, f), n) == pytest.approx(f, abs=1e-12)


def test_karp_flatt_needs_two_workers():
    with pytest.raises(ValueError, match="at least 2"):
        sp.karp_flatt(1.0, 1)


@pytest.mark.parametrize("f", [0.0, 0.03, 0.2, 0.7])
def test_fit_recovers_a_known_serial_fraction(f):
    workers = list(range(1, 17))
    assert sp.fit_amdahl(workers, [sp.amdahl(n, f) for n in workers]) == pytest.approx(f)


def test_fit_on_noisy_synthetic_data_is_close():
    rng = random.Random(7)
    f = 0.08
    workers = [n for n in range(1, 33) for _ in range(3)]
    speedups = [sp.amdahl(n, f) * (1 + rng.gauss(0, 0.02)) for n in workers]
    assert sp.fit_amdahl(workers, speedups) == pytest.approx(f, abs=0.01)


def test_fit_with_one_point_is_its_karp_flatt_fraction():
    assert sp.fit_amdahl([1, 4], [0.9, 3.2]) == pytest.approx(sp.karp_flatt(3.2, 4))


def test_fit_is_clipped_to_zero_and_one():
    assert sp.fit_amdahl([2, 4], [2.2, 4.5]) == 0.0      # superlinear: no serial part
    assert sp.fit_amdahl([2, 4], [0.5, 0.4]) == 1.0      # slower than serial


def test_fit_rejects_bad_input():
    with pytest.raises(ValueError, match="same length"):
        sp.fit_amdahl([1, 2], [1.0])
    with pytest.raises(ValueError, match="2 or more workers"):
        sp.fit_amdahl([1, 1], [1.0, 0.9])
    with pytest.raises(ValueError, match="speedup"):
        sp.fit_amdahl([2], [0.0])


def _m(workers, seconds, kind="processes", serial=1.0, workload="mandelbrot"):
    return sp.Measurement(workload, kind, workers, seconds, serial, 3, "demo")


def test_measurement_speedup_and_efficiency():
    m = _m(4, 0.25)
    assert (m.speedup, m.efficiency) == (4.0, 1.0)


def test_serial_fraction_uses_2_to_usable_workers_only():
    f = 0.1
    results = [_m(n, 1 / sp.amdahl(min(n, 4), f)) for n in range(1, 9)]
    results += [_m(n, 1.0, "threads") for n in range(1, 9)]
    assert sp.serial_fraction(results, "processes", usable=4) == pytest.approx(f)
    assert sp.serial_fraction(results, "threads", usable=4) == pytest.approx(1.0)
    assert sp.serial_fraction(results, "processes", usable=1) is None


# --- Worker counts and summaries ------------------------------------------------------------


@pytest.mark.parametrize(("usable", "expected"), [(1, [1, 2]), (2, [1, 2, 3, 4]),
                                                  (8, list(range(1, 17)))])
def test_worker_counts_small_machines_get_every_count(usable, expected):
    assert sp.worker_counts(usable) == expected


@pytest.mark.parametrize("usable", [9, 16, 64, 128])
def test_worker_counts_big_machines_get_a_sample(usable):
    counts = sp.worker_counts(usable)
    assert counts == sorted(set(counts))
    assert {1, usable, 2 * usable} <= set(counts)
    assert len(counts) <= 18


def test_worker_counts_default_uses_this_machine():
    assert sp.worker_counts()[-1] == 2 * sp.usable_cpus()


def test_summarize_has_fixed_lines():
    results = [_m(n, 1 / n) for n in (1, 2, 3, 4)] + [_m(n, 1.0, "threads") for n in (1, 2, 3, 4)]
    text = sp.summarize(results, usable=2)
    lines = text.splitlines()
    assert lines[0] == "serial run: 1.00 s (median)"
    assert lines[1].startswith("processes, 1 worker ") and lines[1].endswith(
        "speedup ≈ 1.00, efficiency ≈ 1.00")
    assert "processes, workers = usable CPUs" in lines[2]
    assert "threads, workers = 2 x usable CPUs" in lines[6]
    assert len(lines) == 7


# --- Real measurements, tiny sizes ----------------------------------------------------------


def test_workloads_describe_themselves():
    work = sp.mandelbrot_workload(**TINY)
    assert work.tasks == tuple(range(12)) and "30x12" in work.description
    assert work.run_serial() == mandelbrot_serial(**TINY)
    sleeps = sp.sleep_workload(3, 0.001)
    assert sleeps.run_serial() == [0.001] * 3


@pytest.mark.parametrize("bad", [{"width": 0}, {"chunksize": 0}])
def test_mandelbrot_workload_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match="at least 1"):
        sp.mandelbrot_workload(**{**TINY, **bad})


@pytest.mark.parametrize("kind", sp.KINDS)
def test_warm_pool_has_every_worker_up(kind):
    with sp.warm_pool(kind, 2) as pool:
        assert pool.map(abs, [-1, -2]) == [1, 2]
        assert len({who for who in pool.map(sp._whoami, [0.05] * 2, 1)}) == 2
    assert not multiprocessing.active_children()


def test_warm_pool_rejects_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        with sp.warm_pool("fibers", 2):
            pass


def test_measure_structure_and_medians():
    work = sp.mandelbrot_workload(**TINY)
    results = sp.measure(work, [1, 2], repeats=3)
    assert [(r.kind, r.workers) for r in results] == [
        ("processes", 1), ("processes", 2), ("threads", 1), ("threads", 2)]
    assert all(r.repeats == 3 and r.seconds > 0 and r.workload == "mandelbrot"
               for r in results)
    assert len({r.serial_seconds for r in results}) == 1
    assert not multiprocessing.active_children()


def test_measure_with_an_explicit_start_method(start_method):
    (result,) = sp.measure(sp.sleep_workload(4, 0.001), [2], kinds=("processes",), repeats=1,
                           start_method=start_method)
    assert result.kind == "processes" and result.workers == 2


def test_measure_checks_results(monkeypatch):
    class _Pool(ThreadPool):
        """A pool whose results differ from the serial run."""

        def map(self, func, tasks, chunksize=None):
            return [None for _ in tasks]

    monkeypatch.setattr(sp, "ThreadPool", _Pool)
    with pytest.raises(RuntimeError, match="different result"):
        sp.measure(sp.sleep_workload(2, 0.001), [1], kinds=("threads",), repeats=1)


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"counts": []}, "empty"), ({"counts": [0]}, "at least 1"),
    ({"counts": [1], "repeats": 0}, "repeats"), ({"counts": [1], "kinds": ("gpus",)}, "kind"),
])
def test_measure_rejects_bad_arguments(kwargs, words):
    with pytest.raises(ValueError, match=words):
        sp.measure(sp.sleep_workload(2, 0.001), **kwargs)


def test_process_start_cost_and_timeline_overhead_are_numbers(start_method):
    assert 0 < sp.process_start_cost(start_method, repeats=1) < 60
    overhead = sp.timeline_overhead(sp.mandelbrot_workload(**TINY), workers=2, repeats=1)
    assert math.isfinite(overhead) and overhead > -1


def test_stopwatch_and_quiet_work_log():
    with sp.Stopwatch() as clock:
        line = quiet_work_log(("C", 1))
    assert line == " Process C Finished."
    assert clock.seconds >= 0.09 and str(clock).endswith(" s")


# --- Load balancing ---------------------------------------------------------------------------


def test_split_loads_models_pool_chunks():
    costs = [1, 1, 1, 1, 10, 10, 10, 10]
    assert sp.split_loads(costs, 2, 4) == [4.0, 40.0]           # static: one chunk each
    assert sp.split_loads(costs, 2, 1) == [22.0, 22.0]          # dynamic
    assert sp.split_loads(costs, 3, 8) == [44.0, 0.0, 0.0]
    assert sum(sp.split_loads(costs, 3, 3)) == sum(costs)


def test_imbalance_and_describe_loads():
    assert sp.imbalance([1, 1]) == 1.0
    assert sp.imbalance([0, 2]) == 2.0
    assert sp.describe_loads([1, 3]) == "worker 1: 25 %, worker 2: 75 %"
    with pytest.raises(ValueError):
        sp.imbalance([0, 0])


def test_top_half_costs_match_the_image():
    image = mandelbrot_serial(**TINY)
    assert sp.top_half_costs(**TINY) == row_costs(image)[:6]
    costs = sp.top_half_costs()
    assert len(costs) == sp.NOTEBOOK_IMAGE["height"] // 2
    assert costs[-1] > 5 * costs[0]           # dearer towards the middle


# --- CSV round trip and reference data ---------------------------------------------------------


def _machine(**changes):
    machine = sp.Machine(label="Test laptop", cpu_model="Test CPU 3000", usable_cpus=4,
                         logical_cpus=8, python="3.12.1", start_method="spawn",
                         platform="Linux", date="2025-01-02T03:04:05Z", source="test")
    return replace(machine, **changes)


def test_describe_machine_has_every_field():
    machine = sp.describe_machine()
    assert machine.usable_cpus == sp.usable_cpus()
    assert machine.python.count(".") == 2
    assert machine.start_method in multiprocessing.get_all_start_methods()
    assert machine.cpu_model and machine.label and machine.date.endswith("Z")
    assert sp.describe_machine("Ana's laptop").label == "Ana's laptop"


def test_csv_round_trip(tmp_path):
    results = [_m(n, 1 / n + 0.123456789, k) for k in sp.KINDS for n in (1, 2, 3)]
    path = sp.save_results(results, tmp_path / "out", _machine())
    assert path.parent == tmp_path / "out"
    assert path.name == "speedup-test-laptop-spawn.csv"
    run = sp.load_results(path)
    assert run.machine == _machine()
    assert run.results == tuple(results)
    assert run.path == path
    with path.open() as file:
        header = next(csv.reader(file))
    assert {"cpu_model", "usable_cpus", "python", "start_method", "date", "speedup",
            "efficiency"} <= set(header)


def test_save_results_refuses_nothing(tmp_path):
    with pytest.raises(ValueError, match="empty"):
        sp.save_results([], tmp_path)


def test_load_results_explains_bad_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("a,b\n")
    with pytest.raises(ValueError, match="no measurements"):
        sp.load_results(empty)
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not a speedup CSV"):
        sp.load_results(other)
    mixed = sp.save_results([_m(1, 1.0)], tmp_path, _machine(), "one.csv")
    lines = mixed.read_text().splitlines()
    mixed.write_text("\n".join(lines + [lines[1].replace("Test laptop", "Other")]) + "\n")
    with pytest.raises(ValueError, match="several machines"):
        sp.load_results(mixed)


def test_load_runs_reads_a_pattern_in_order(tmp_path):
    sp.save_results([_m(1, 1.0)], tmp_path, _machine(label="B"))
    sp.save_results([_m(1, 0.5)], tmp_path, _machine(label="A"))
    runs = sp.load_runs(str(tmp_path / "*.csv"))
    assert [run.machine.label for run in runs] == ["A", "B"]
    assert sp.load_runs(tmp_path / "nothing-*.csv") == []


def test_reference_loader_with_a_synthetic_file(tmp_path):
    assert sp.load_reference(tmp_path) == []
    assert sp.describe_reference([]).startswith("No reference data yet")
    results = [_m(n, 1 / sp.amdahl(n, 0.02)) for n in range(1, 33)]
    sp.save_results(results, tmp_path, _machine(usable_cpus=16), "ref-16.csv")
    (tmp_path / "README.md").write_text("not data")
    (run,) = sp.load_reference(tmp_path)
    assert run.machine.usable_cpus == 16 and len(run.results) == 32
    text = sp.describe_reference([run])
    assert text == ("ref-16.csv: Test CPU 3000, 16 usable CPUs, Python 3.12.1, start method "
                    "spawn, recorded 2025-01-02 with test (demo)")


def test_shipped_reference_files_load():
    # Whatever data/reference/ holds (perhaps nothing yet) must load cleanly.
    for run in sp.load_reference():
        assert run.machine.cpu_model and run.results


# --- Plots --------------------------------------------------------------------------------------


def test_plot_speedup_draws_lines_fit_and_reference():
    results = [_m(n, 1 / sp.amdahl(min(n, 2), 0.1), k) for k in sp.KINDS for n in (1, 2, 3, 4)]
    reference = sp.SavedRun(_machine(), tuple(_m(n, 1 / n) for n in (1, 2, 4, 8)))
    ax_s, ax_e = sp.plot_speedup(results, usable=2, fit=True, reference=[reference])
    labels = [line.get_label() for line in ax_s.get_lines()]
    assert "processes" in labels and "threads" in labels and "ideal" in labels
    assert any(label.startswith("Amdahl fit, serial fraction 0.100") for label in labels)
    assert "reference: Test laptop" in labels
    assert "usable CPUs (2)" in labels
    assert ax_e.get_ylabel().startswith("efficiency")


def test_plot_speedup_refuses_mixed_or_empty_results():
    with pytest.raises(ValueError, match="empty"):
        sp.plot_speedup([])
    with pytest.raises(ValueError, match="mix"):
        sp.plot_speedup([_m(1, 1.0), _m(1, 1.0, workload="sleep")])


def test_plot_timelines_row_costs_and_saved_runs():
    from helpers.timeline import TaskRecord

    records = [TaskRecord(i, f"W{i % 2}", i, i + 1, None) for i in range(4)]
    axes = sp.plot_timelines({"static": records, "dynamic": records})
    assert [ax.get_title() for ax in axes] == ["static", "dynamic"]
    assert len(sp.plot_row_costs([1, 2, 3]).patches) == 3
    ax = sp.plot_saved([sp.SavedRun(_machine(), (_m(1, 1.0), _m(2, 0.5)))])
    assert ax.get_lines()[0].get_label().startswith("Test laptop, Python 3.12.1")
    with pytest.raises(ValueError):
        sp.plot_timelines({})


def test_describe_fit_lines():
    results = [_m(n, 1 / sp.amdahl(min(n, 2), 0.05)) for n in (1, 2, 3, 4)]
    results += [_m(n, 1.0, "threads") for n in (1, 2, 3, 4)]
    assert sp.describe_fit(results, usable=2).splitlines() == [
        "processes: serial fraction ≈ 0.050, so Amdahl's limit is ≈ 20.0 times",
        "threads:   serial fraction ≈ 1.000, so Amdahl's limit is ≈ 1.0 times"]
    assert "not measured" in sp.describe_fit(results, usable=1)


def test_makespan():
    from helpers.timeline import TaskRecord

    records = [TaskRecord(0, "A", 1.0, 2.5, None), TaskRecord(1, "B", 1.5, 4.0, None)]
    assert sp.makespan(records) == 3.0
    with pytest.raises(ValueError, match="empty"):
        sp.makespan([])


def test_summarize_on_one_cpu_keeps_every_line():
    results = [_m(n, 1.0) for n in (1, 2)]
    assert len(sp.summarize(results, usable=1).splitlines()) == 4
