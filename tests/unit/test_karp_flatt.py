"""Notebook 07's Karp-Flatt series: the table, the plot, the reference run's numbers that
the notebook quotes, one-line summaries and the reference machine's description."""

from __future__ import annotations

import math

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from helpers.instruments.measure import (  # noqa: E402
    Measurement,
    karp_flatt_table,
    summarize_kind,
)
from helpers.instruments.plots import plot_karp_flatt, plot_speedup  # noqa: E402
from helpers.instruments.results import (  # noqa: E402
    Machine,
    SavedRun,
    describe_reference,
    load_reference,
    machine_summary,
    reference_karp_flatt,
)
from helpers.speedup import amdahl, karp_flatt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _m(workers: int, speedup: float, kind: str = "processes",
       workload: str = "mandelbrot") -> Measurement:
    return Measurement(workload, kind, workers, 1.0 / speedup, 1.0, 3, "demo")


def _machine(**changes) -> Machine:
    values = {"label": "Test laptop", "cpu_model": "Test CPU 3000", "usable_cpus": 16,
              "logical_cpus": 16, "python": "3.12.1", "start_method": "spawn",
              "platform": "Linux", "date": "2025-01-02T03:04:05Z", "source": "test"}
    return Machine(**{**values, **changes})


# --- the table ---------------------------------------------------------------------------


def test_table_has_a_line_per_kind_and_count_from_two_workers():
    results = [_m(n, amdahl(n, 0.1)) for n in (1, 2, 3, 4)]
    results += [_m(n, 1.0, "threads") for n in (1, 2, 3, 4)]
    lines = karp_flatt_table(results, usable=2).splitlines()
    assert lines == [
        "processes, 2 workers: S ≈ 1.82, e ≈ 0.100",
        "processes, 3 workers (more than the CPUs): S ≈ 2.50, e ≈ 0.100",
        "processes, 4 workers (more than the CPUs): S ≈ 3.08, e ≈ 0.100",
        "threads, 2 workers: S ≈ 1.00, e ≈ 1.000",
        "threads, 3 workers (more than the CPUs): S ≈ 1.00, e ≈ 1.000",
        "threads, 4 workers (more than the CPUs): S ≈ 1.00, e ≈ 1.000",
    ]


def test_table_label_and_no_two_worker_measurement():
    assert karp_flatt_table([_m(2, 1.5)], usable=4, label="reference") == (
        "reference, 2 workers: S ≈ 1.50, e ≈ 0.333")
    assert "needs at least 2" in karp_flatt_table([_m(1, 0.9)], usable=2)


def test_table_refuses_what_is_not_a_list_of_measurements():
    with pytest.raises(TypeError):
        karp_flatt_table(_m(2, 1.5))
    with pytest.raises(ValueError, match="empty"):
        karp_flatt_table([])


def test_summarize_kind_reads_the_same_on_every_machine():
    results = [_m(n, s, "interpreters") for n, s in ((1, 0.95), (2, 1.7), (4, 1.72))]
    assert summarize_kind(results, "interpreters", usable=2) == (
        "interpreters: speedup ≈ 0.95 with 1 worker, ≈ 1.70 with the usable CPUs, "
        "≈ 1.72 with 2 x usable CPUs")
    assert "not measured with 2 x usable CPUs" in summarize_kind(results[:2], "interpreters",
                                                                  usable=2)
    with pytest.raises(ValueError, match="no measurement of threads"):
        summarize_kind(results, "threads", usable=2)
    with pytest.raises(ValueError):
        summarize_kind(results, "fibres", usable=2)


# --- the shipped reference run: the numbers notebook 07 quotes -------------------------


def test_reference_run_makes_the_notebooks_point():
    (run,) = load_reference()
    speedups = {r.workers: r.speedup for r in run.results if r.kind == "processes"}
    e2 = karp_flatt(speedups[2], 2)
    assert round(e2, 2) == 0.23                      # "about 0.23 at 2 workers"
    assert round(1 / e2, 1) == 4.3                   # "a limit of 4.3"
    assert round(speedups[16], 1) == 9.4             # "reached 9.4 with 16 workers"
    for n in (10, 13, 16):                           # "between 0.03 and 0.05 at 10 to 16"
        assert 0.03 <= karp_flatt(speedups[n], n) <= 0.05
    assert karp_flatt(speedups[32], 32) > karp_flatt(speedups[16], 16)  # rises past 16 CPUs
    assert run.machine.usable_cpus == 16


def test_reference_is_described_by_its_machine_never_by_where_it_stood():
    runs = load_reference()
    text = describe_reference(runs)
    assert text.startswith("Intel(R) Xeon(R) Processor, 16 usable CPUs, Python 3.12.3 "
                           "(GIL on, standard build), start method fork")
    for word in ("device", "recorded", "course", ".csv", "benchmarks"):
        assert word not in text
    assert all(run.machine.label == "Intel(R) Xeon(R) Processor (16 CPUs)" for run in runs)
    table = reference_karp_flatt(runs)
    assert table.splitlines()[0] == "reference machine: Intel(R) Xeon(R) Processor, 16 CPUs"
    assert "reference, 2 workers: S ≈ 1.62, e ≈ 0.232" in table
    assert "reference, 20 workers (more than the CPUs)" in table
    assert reference_karp_flatt([]).startswith("No reference data")
    assert describe_reference([]).startswith("No reference data")


def test_machine_summary():
    assert machine_summary(_machine(gil="off, free-threaded build")) == (
        "Test CPU 3000, 16 usable CPUs, Python 3.12.1 (GIL off, free-threaded build), "
        "start method spawn")


# --- the plots ---------------------------------------------------------------------------


def test_plot_karp_flatt_draws_each_kind_the_reference_and_the_cpus():
    results = [_m(n, amdahl(min(n, 2), 0.1)) for n in (1, 2, 3, 4)]
    results += [_m(n, 0.9, "threads") for n in (1, 2, 3, 4)]
    reference = SavedRun(_machine(), tuple(_m(n, amdahl(n, 0.05)) for n in (1, 2, 4, 8, 16)))
    ax = plot_karp_flatt(results, usable=2, reference=[reference])
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines["processes"].get_xdata()) == [2, 3, 4]
    assert lines["processes"].get_ydata()[0] == pytest.approx(0.1)
    assert list(lines["threads"].get_xdata()) == [2, 3, 4]
    assert "usable CPUs (2)" in lines
    ref = lines["reference: Test CPU 3000, 16 CPUs"]
    assert list(ref.get_xdata()) == [2, 4, 8, 16]
    assert all(e == pytest.approx(0.05) for e in ref.get_ydata())
    assert "reference's CPUs (16)" in lines
    low, high = ax.get_ylim()
    assert low == 0 and 1.0 < high <= 1.5
    assert "Karp" in ax.get_title()


def test_plot_karp_flatt_shows_negative_e_and_refuses_bad_input():
    ax = plot_karp_flatt([_m(1, 1.0), _m(2, 2.5)], usable=2)  # superlinear: e < 0
    assert ax.get_ylim()[0] < karp_flatt(2.5, 2) < 0
    with pytest.raises(ValueError, match="mix"):
        plot_karp_flatt([_m(2, 1.5), _m(2, 1.5, workload="sleep")])
    with pytest.raises(ValueError, match="empty"):
        plot_karp_flatt([])


def test_plot_speedup_has_no_fit_and_names_the_reference_machine():
    results = [_m(n, min(n, 2) * 0.9) for n in (1, 2, 3, 4)]
    reference = SavedRun(_machine(), tuple(_m(n, n * 0.8) for n in (1, 2, 4, 8)))
    ax_s, _ = plot_speedup(results, usable=2, reference=[reference])
    labels = [line.get_label() for line in ax_s.get_lines()]
    assert "reference: Test CPU 3000, 16 CPUs" in labels
    assert not any("Amdahl" in label for label in labels)
    ideal = next(line for line in ax_s.get_lines() if line.get_label() == "ideal")
    assert max(ideal.get_xdata()) == 8  # the ideal line reaches the reference's counts
    assert math.isclose(max(ideal.get_ydata()), 8)
