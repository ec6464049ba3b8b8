"""helpers.instruments.widgets: the Amdahl/Gustafson explorer and the run control (a fixed
starting state, whose text form nbval compares; sliders redraw; a click adds a real
measurement), and the progress bar over a real pool (it counts finished tasks, and every
result comes back)."""

from __future__ import annotations

import multiprocessing

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from helpers.instruments import widgets  # noqa: E402
from helpers.instruments.measure import Measurement, sleep_workload  # noqa: E402
from helpers.instruments.widgets import imap_unordered_with_progress, make_bar  # noqa: E402
from helpers.pools import reciprocal, slow_square, square  # noqa: E402

pytestmark = pytest.mark.per_start_method

TIMEOUT = 30  # seconds: a broken pool fails the test instead of hanging it
SHOW_FIGURE_IN = widgets.show_figure_in  # the real one, for the tests of it


@pytest.fixture(autouse=True)
def shown(monkeypatch):
    """The figures the widgets would show, instead of showing them (each is closed)."""
    figures = []
    monkeypatch.setattr(widgets, "show_figure_in",
                        lambda out, fig: (figures.append(fig), plt.close(fig)))
    yield figures
    plt.close("all")


# --- The explorer ----------------------------------------------------------------------------


def test_explain_laws_values():
    text = widgets.explain_laws(0.9, 8)
    assert "speedup 4.71" in text and "at most 10.0" in text and "scaled speedup 7.30" in text
    assert "no limit" in widgets.explain_laws(1.0, 8)


def test_explorer_starts_in_a_fixed_state(shown):
    box = widgets.amdahl_explorer()
    assert repr(box) == repr(widgets.amdahl_explorer())
    assert repr(box).startswith("VBox(children=(HBox(children=(FloatSlider(value=0.9")
    assert "IntSlider(value=8" in repr(box)
    assert len(shown) == 2  # one figure per explorer, drawn at once


def test_show_figure_in_puts_a_png_in_the_image_widget():
    image = widgets.widgets.Image(format="png")
    fig = widgets.plot_laws(0.9, 8)
    SHOW_FIGURE_IN(image, fig)
    assert bytes(image.value).startswith(b"\x89PNG")
    assert not plt.fignum_exists(fig.number)


def test_show_figure_in_refuses_other_things():
    fig = widgets.plot_laws(0.9, 8)
    with pytest.raises(TypeError, match="image must be an ipywidgets.Image"):
        SHOW_FIGURE_IN(None, fig)
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        SHOW_FIGURE_IN(widgets.widgets.Image(format="png"), fig.axes[0].get_title())
    plt.close(fig)


def test_explorer_sliders_update_text_and_plot(shown):
    box = widgets.amdahl_explorer()
    fraction, cores = box.children[0].children
    text = box.children[1]
    cores.value = 16
    assert "16 cores" in text.value
    fraction.value = 0.5
    assert "50% parallel" in text.value and "at most 2.0" in text.value
    assert len(shown) == 3


def test_plot_laws_marks_the_chosen_core_count():
    fig = widgets.plot_laws(0.95, 12, max_cores=32)
    ax_amdahl, ax_gustafson = fig.axes
    assert [line.get_label() for line in ax_amdahl.get_lines()][:3] == [
        "ideal", "95% parallel", "12 cores"]
    assert ax_gustafson.get_title().startswith("Gustafson")
    plt.close(fig)


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"parallel_fraction": 1.5}, "parallel_fraction"), ({"cores": 0}, "cores"),
    ({"cores": 100}, "cores"), ({"max_cores": 1}, "max_cores"),
])
def test_explorer_rejects_bad_settings(kwargs, words):
    with pytest.raises(ValueError, match=words):
        widgets.amdahl_explorer(**kwargs)


def _earlier(workers, speedup, kind="processes"):
    return Measurement("sleep", kind, workers, 1.0 / speedup, 1.0, 3, "demo")


def test_run_control_starts_in_a_fixed_state():
    work = sleep_workload(4, 0.001)
    control = widgets.RunControl(work, [_earlier(1, 1.0), _earlier(2, 1.9)], usable=2)
    text = repr(control)
    assert text == repr(widgets.RunControl(work, [], usable=2))
    assert "IntSlider(value=2, continuous_update=False, description='workers', max=8" in text
    assert "Dropdown(description='kind', options=('processes', 'threads')" in text
    # The first 110 characters (all that a notebook stores) name no machine-dependent number.
    assert text[:110] == repr(widgets.RunControl(work, [], usable=16))[:110]
    assert "Pick a number of workers" in text


def test_run_control_click_adds_a_point(shown):
    work = sleep_workload(4, 0.002)
    control = widgets.RunControl(work, [_earlier(1, 1.0), _earlier(2, 1.9)], usable=2)
    control.workers.value = 3
    control.button.click()
    control.kind.value = "threads"
    control.button.click()
    assert [(p.kind, p.workers) for p in control.added] == [("processes", 3), ("threads", 3)]
    assert control.status.value.startswith("3 threads:")
    assert not control.button.disabled
    assert len(shown) == 3
    fig = control.plot()
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert "processes, your runs" in labels and "threads, your runs" in labels
    assert "processes, measured before" in labels
    assert not multiprocessing.active_children()


def test_run_control_refuses_bad_arguments():
    work = sleep_workload(2, 0.001)
    with pytest.raises(TypeError, match="workload must be a Workload"):
        widgets.RunControl("sleep")
    with pytest.raises(TypeError, match=r"results\[0\] must be a Measurement"):
        widgets.RunControl(work, [(1, 1.0)])
    with pytest.raises(ValueError, match="usable must be a whole number of at least 1"):
        widgets.RunControl(work, usable=0)
    with pytest.raises(ValueError, match="start_method must be one of"):
        widgets.RunControl(work, start_method="thread")
    control = widgets.RunControl(work, usable=2)
    with pytest.raises(ValueError, match="workers must be a whole number of at least 1"):
        control.run(0)
    with pytest.raises(ValueError, match="kind must be one of"):
        control.run(1, "gpus")
    assert control.added == [] and not control.button.disabled


def test_run_control_shows_a_failure_in_its_status(monkeypatch):
    control = widgets.RunControl(sleep_workload(2, 0.001), usable=2)

    def broken(*args, **kwargs):
        raise RuntimeError("no CPUs today")

    monkeypatch.setattr(widgets, "measure", broken)
    control.button.click()  # a click never raises: the status line says what went wrong
    assert "RuntimeError: no CPUs today" in control.status.value
    assert not control.button.disabled and control.added == []
    with pytest.raises(RuntimeError):
        control.run(2)


# --- The progress bar -------------------------------------------------------------------------


@pytest.fixture
def pool():
    pool = multiprocessing.Pool(2)
    yield pool
    pool.terminate()
    pool.join()


def test_make_bar_starts_at_zero():
    bar = make_bar(7, "tasks")
    assert (bar.value, bar.min, bar.max, bar.description) == (0, 0, 7, "tasks")
    assert repr(bar) == "IntProgress(value=0, description='tasks', max=7)"


@pytest.mark.parametrize(("total", "error"), [(-1, ValueError), (2.5, TypeError),
                                              ("3", TypeError), (True, TypeError)])
def test_make_bar_rejects_bad_totals(total, error):
    with pytest.raises(error, match="total must be a whole number"):
        make_bar(total)
    with pytest.raises(TypeError, match="description must be a string"):
        make_bar(3, 3)


def test_results_all_come_back_and_the_bar_fills(pool):
    bar = make_bar(0)
    results = imap_unordered_with_progress(pool, slow_square, range(10), bar=bar)
    assert sorted(results) == [x * x for x in range(10)]
    assert (bar.value, bar.max, bar.bar_style) == (10, 10, "success")


def test_displays_the_bar_at_zero_once(pool, capsys):
    # Outside a notebook, IPython's display() prints the repr: what a notebook stores.
    results = imap_unordered_with_progress(pool, square, [3, 1, 2], "squares", chunksize=2)
    assert sorted(results) == [1, 4, 9]
    assert capsys.readouterr().out == "IntProgress(value=0, description='squares', max=3)\n"


def test_empty_input(pool):
    bar = make_bar(5)
    assert imap_unordered_with_progress(pool, square, [], bar=bar) == []
    assert (bar.value, bar.max) == (0, 0)


def test_worker_error_is_raised_and_the_bar_turns_red(pool):
    bar = make_bar(0)
    with pytest.raises(ZeroDivisionError):
        imap_unordered_with_progress(pool, reciprocal, [1, 0, 2], bar=bar)
    assert bar.bar_style == "danger"


@pytest.mark.parametrize("kwargs, error, words", [
    ({"pool": [1, 2]}, TypeError, "multiprocessing Pool"),
    ({"func": 3}, TypeError, "must be a function"),
    ({"chunksize": 0}, ValueError, "chunksize"),
    ({"func": lambda x: x}, TypeError, "cannot be pickled"),
    ({"items": 5}, TypeError, "items must be a list"),
    ({"description": 5}, TypeError, "description must be a string"),
    ({"bar": "bar"}, TypeError, "bar must be an ipywidgets IntProgress"),
])
def test_bad_arguments(pool, kwargs, error, words):
    args = {"pool": pool, "func": square, "items": [1], **kwargs}
    with pytest.raises(error, match=words):
        imap_unordered_with_progress(**args)
