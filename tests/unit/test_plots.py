"""helpers.instruments.plots: each chart draws what it should from known data, and refuses
bad input before drawing anything."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from helpers.instruments import plots  # noqa: E402
from helpers.instruments.measure import Measurement  # noqa: E402
from helpers.instruments.results import Machine, SavedRun  # noqa: E402
from helpers.mandelbrot import mandelbrot_serial  # noqa: E402
from helpers.speedup import amdahl  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _m(workers, seconds, kind="processes", serial=1.0, workload="mandelbrot"):
    return Measurement(workload, kind, workers, seconds, serial, 3, "demo")


def _machine():
    return Machine(label="Test laptop", cpu_model="Test CPU 3000", usable_cpus=4,
                   logical_cpus=8, python="3.12.1", start_method="spawn", platform="Linux",
                   date="2025-01-02T03:04:05Z", source="test")


# --- Notebook 07 -------------------------------------------------------------------------------


def test_plot_image():
    ax = plots.plot_image(mandelbrot_serial(20, 10, 20))
    assert len(ax.images) == 1
    assert ax.images[0].get_array().shape == (10, 20)


@pytest.mark.parametrize(("image", "error"), [([], ValueError), ([[]], ValueError),
                                              ("image", TypeError), ([[1, 2], [3]], ValueError)])
def test_plot_image_refuses_bad_input(image, error):
    with pytest.raises(error, match="image"):
        plots.plot_image(image)
    assert plt.get_fignums() == []


def test_plot_row_costs():
    ax = plots.plot_row_costs([1, 2, 3])
    assert len(ax.patches) == 3
    with pytest.raises(ValueError, match="costs"):
        plots.plot_row_costs([])


def test_plot_speedup_draws_lines_and_reference():
    results = [_m(n, 1 / amdahl(min(n, 2), 0.1), k) for k in ("processes", "threads")
               for n in (1, 2, 3, 4)]
    reference = SavedRun(_machine(), tuple(_m(n, 1 / n) for n in (1, 2, 4, 8)))
    ax_s, ax_e = plots.plot_speedup(results, usable=2, reference=[reference])
    labels = [line.get_label() for line in ax_s.get_lines()]
    assert "processes" in labels and "threads" in labels and "ideal" in labels
    assert "reference: Test CPU 3000, 4 CPUs" in labels
    assert "usable CPUs (2)" in labels
    assert ax_e.get_ylabel().startswith("efficiency")
    # The ideal line reaches the reference's largest worker count too.
    ideal = next(line for line in ax_s.get_lines() if line.get_label() == "ideal")
    assert list(ideal.get_xdata()) == [1, 8]


def test_plot_speedup_refuses_mixed_or_empty_results():
    with pytest.raises(ValueError, match="empty"):
        plots.plot_speedup([])
    with pytest.raises(ValueError, match="mix"):
        plots.plot_speedup([_m(1, 1.0), _m(1, 1.0, workload="sleep")])
    with pytest.raises(TypeError, match=r"reference\[0\] must be a SavedRun"):
        plots.plot_speedup([_m(1, 1.0)], reference=[_m(1, 1.0)])
    with pytest.raises(TypeError, match="results must be a list of Measurements"):
        plots.plot_speedup(_m(1, 1.0))


def test_plot_saved():
    ax = plots.plot_saved([SavedRun(_machine(), (_m(1, 1.0), _m(2, 0.5)))])
    assert ax.get_lines()[0].get_label().startswith("Test laptop, Python 3.12.1")
    assert ax.get_title() == "mandelbrot, processes: 1 saved run(s)"


def test_plot_saved_refuses_bad_input():
    run = SavedRun(_machine(), (_m(1, 1.0),))
    with pytest.raises(ValueError, match="runs"):
        plots.plot_saved([])
    with pytest.raises(TypeError, match=r"runs\[0\] must be a SavedRun"):
        plots.plot_saved([_m(1, 1.0)])
    with pytest.raises(ValueError, match="workload must be one of 'mandelbrot'"):
        plots.plot_saved([run], workload="sleep")


# --- Notebook 08 -------------------------------------------------------------------------------


def test_plot_start_costs_one_labelled_bar_per_method():
    ax = plots.plot_start_costs({"fork": 0.003, "spawn": 0.08})
    assert len(ax.patches) == 2
    assert [t.get_text() for t in ax.texts] == ["3.0 ms", "80 ms"]


@pytest.mark.parametrize(("costs", "error", "words"), [
    ({}, ValueError, "costs is empty"),
    ([0.1, 0.2], TypeError, "costs must be a non-empty dict"),
    ({"fork": -1}, ValueError, r"costs\['fork'\] must be a number of seconds"),
    ({"fork": "fast"}, ValueError, r"costs\['fork'\] must be a number of seconds"),
])
def test_plot_start_costs_refuses_bad_input(costs, error, words):
    with pytest.raises(error, match=words):
        plots.plot_start_costs(costs)
    assert plt.get_fignums() == []


def test_plot_transfer_draws_points_and_model_per_channel():
    times = {size: 50e-6 + size * 1e-9 for size in (100, 10_000, 1_000_000)}
    ax = plots.plot_transfer({"Pipe": times, "Queue": times})
    assert len(ax.lines) == 4
    assert [line.get_label() for line in ax.lines] == [
        "Pipe (measured)", "Pipe (model)", "Queue (measured)", "Queue (model)"]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"


def test_plot_transfer_refuses_bad_input():
    with pytest.raises(ValueError, match="results is empty"):
        plots.plot_transfer({})
    with pytest.raises(TypeError, match="results must be a dict"):
        plots.plot_transfer([{100: 1e-4}])
    with pytest.raises(ValueError, match=r"results\['Pipe'\]\[100\] must be a time"):
        plots.plot_transfer({"Pipe": {100: 0.0, 200: 1e-4}})


def test_plot_chunksizes_with_serial_line():
    ax = plots.plot_chunksizes({1: 0.4, 10: 0.2, 100: 0.25}, serial=0.3)
    assert len(ax.lines) == 2
    assert [line.get_label() for line in ax.lines] == ["Pool(2).map", "serial, no pool"]
    assert len(plots.plot_chunksizes({1: 0.4}, workers=4).lines) == 1


def test_plot_chunksizes_refuses_bad_input():
    with pytest.raises(ValueError, match="times is empty"):
        plots.plot_chunksizes({})
    with pytest.raises(ValueError, match="must be a whole number of at least 1"):
        plots.plot_chunksizes({0: 0.4})
    with pytest.raises(ValueError, match="serial"):
        plots.plot_chunksizes({1: 0.4}, serial=-1)


# --- Notebook 09 -------------------------------------------------------------------------------


def test_plot_wall_times():
    ax = plots.plot_wall_times({"serial": 1.0, "Pool(2)": 0.6}, title="demo")
    assert len(ax.patches) == 2
    assert [t.get_text() for t in ax.get_yticklabels()] == ["serial", "Pool(2)"]
    assert [t.get_text() for t in ax.texts] == [" 1.00 s", " 0.60 s"]
    assert ax.get_title() == "demo"


def test_plot_wall_times_refuses_bad_input():
    with pytest.raises(ValueError, match="times is empty"):
        plots.plot_wall_times({})
    with pytest.raises(TypeError, match="times must be a non-empty dict"):
        plots.plot_wall_times([1.0, 0.6])
    with pytest.raises(ValueError, match=r"times\['serial'\] must be a number of seconds"):
        plots.plot_wall_times({"serial": float("nan")})


@pytest.mark.parametrize("draw", [
    lambda ax: plots.plot_row_costs([1, 2], ax=ax),
    lambda ax: plots.plot_start_costs({"fork": 0.1}, ax=ax),
    lambda ax: plots.plot_wall_times({"serial": 1.0}, ax=ax),
])
def test_every_chart_draws_on_the_axes_given(draw):
    _, ax = plt.subplots()
    assert draw(ax) is ax
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        draw("ax")
