"""helpers.explorer: fixed starting state (its text form is compared by nbval), sliders
redraw, and the run control adds a real measurement per click."""

from __future__ import annotations

import multiprocessing

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from helpers import explorer  # noqa: E402
from helpers.speedup import Measurement, sleep_workload  # noqa: E402


@pytest.fixture(autouse=True)
def _no_display(monkeypatch):
    shown = []
    monkeypatch.setattr(explorer, "_show", lambda out, fig: (shown.append(fig), plt.close(fig)))
    yield shown
    plt.close("all")


def test_explain_laws_values():
    text = explorer.explain_laws(0.9, 8)
    assert "speedup 4.71" in text and "at most 10.0" in text and "scaled speedup 7.30" in text
    assert "no limit" in explorer.explain_laws(1.0, 8)


def test_explorer_starts_in_a_fixed_state(_no_display):
    box = explorer.amdahl_explorer()
    assert repr(box) == repr(explorer.amdahl_explorer())
    assert repr(box).startswith("VBox(children=(HBox(children=(FloatSlider(value=0.9")
    assert "IntSlider(value=8" in repr(box)
    assert len(_no_display) == 2  # one figure per explorer, drawn at once


def test_show_puts_a_png_in_the_image_widget(monkeypatch):
    monkeypatch.undo()  # the real _show, not the fixture's stand-in
    image = explorer.widgets.Image(format="png")
    fig = explorer.plot_laws(0.9, 8)
    explorer._show(image, fig)
    assert bytes(image.value).startswith(b"\x89PNG")
    assert not plt.fignum_exists(fig.number)


def test_explorer_sliders_update_text_and_plot(_no_display):
    box = explorer.amdahl_explorer()
    fraction, cores = box.children[0].children
    text = box.children[1]
    cores.value = 16
    assert "16 cores" in text.value
    fraction.value = 0.5
    assert "50% parallel" in text.value and "at most 2.0" in text.value
    assert len(_no_display) == 3


def test_plot_laws_marks_the_chosen_core_count():
    fig = explorer.plot_laws(0.95, 12, max_cores=32)
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
        explorer.amdahl_explorer(**kwargs)


def _earlier(workers, speedup, kind="processes"):
    return Measurement("sleep", kind, workers, 1.0 / speedup, 1.0, 3, "demo")


def test_run_control_starts_in_a_fixed_state():
    work = sleep_workload(4, 0.001)
    control = explorer.RunControl(work, [_earlier(1, 1.0), _earlier(2, 1.9)], usable=2)
    text = repr(control)
    assert text == repr(explorer.RunControl(work, [], usable=2))
    assert "IntSlider(value=2, continuous_update=False, description='workers', max=8" in text
    assert "Dropdown(description='kind', options=('processes', 'threads')" in text
    # The first 110 characters (all that a notebook stores) name no machine-dependent number.
    assert text[:110] == repr(explorer.RunControl(work, [], usable=16))[:110]
    assert "Pick a number of workers" in text


def test_run_control_click_adds_a_point(_no_display):
    work = sleep_workload(4, 0.002)
    control = explorer.RunControl(work, [_earlier(1, 1.0), _earlier(2, 1.9)], usable=2)
    control.workers.value = 3
    control.button.click()
    control.kind.value = "threads"
    control.button.click()
    assert [(p.kind, p.workers) for p in control.added] == [("processes", 3), ("threads", 3)]
    assert control.status.value.startswith("3 threads:")
    assert not control.button.disabled
    assert len(_no_display) == 3
    fig = control.plot()
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert "processes, your runs" in labels and "threads, your runs" in labels
    assert "processes, measured before" in labels
    assert not multiprocessing.active_children()


def test_run_control_shows_a_failure_in_its_status(monkeypatch):
    control = explorer.RunControl(sleep_workload(2, 0.001), usable=2)

    def broken(*args, **kwargs):
        raise RuntimeError("no CPUs today")

    monkeypatch.setattr(explorer, "measure", broken)
    control.button.click()  # a click never raises: the status line says what went wrong
    assert "RuntimeError: no CPUs today" in control.status.value
    assert not control.button.disabled and control.added == []
    with pytest.raises(RuntimeError):
        control.run(2)
