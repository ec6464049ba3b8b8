"""Interactive widgets: the Amdahl/Gustafson explorer and the run control (notebook 07),
and a progress bar for pool results that arrive in any order (notebook 06).

    amdahl_explorer()                   # sliders: parallel fraction, cores
    RunControl(workload, results)       # pick N workers, click Run: a new point
    imap_unordered_with_progress(pool, slow_square, range(20), "squares")

The explorer and the run control draw with matplotlib into an ``ipywidgets.Image`` (a
PNG, so no output messages are involved and the plot shows the same in JupyterLab and
in a headless run) and redraw when a control changes. Their starting state is fixed,
so their text form is the same every time. The progress bar is displayed once, at
zero, and then moves forward by one per finished task: the notebook stores only that
first, always identical picture as text.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import ipywidgets as widgets
from ipywidgets import IntProgress

from helpers.cpus import usable_cpus
from helpers.instruments.measure import ALL_KINDS, Measurement, Workload, measure
from helpers.instruments.pools import KINDS, ensure_sendable_to
from helpers.instruments.validate import (
    bounded,
    choice,
    fraction,
    has_methods,
    instance,
    list_of,
    process_count,
    text,
    whole_number,
)
from helpers.instruments.validate import start_method as method_name
from helpers.speedup import amdahl, amdahl_limit, gustafson


def show_figure_in(image: widgets.Image, fig: Any) -> None:
    """Show ``fig`` in ``image`` as a PNG, then close ``fig`` (so it is not shown twice)."""
    import matplotlib.pyplot as plt

    image = instance(image, "image", widgets.Image, "an ipywidgets.Image(format='png')")
    fig = has_methods(fig, "fig", ("savefig",), "a matplotlib Figure (fig = plt.figure())")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80, metadata={"Software": None})
    plt.close(fig)
    image.value = buffer.getvalue()


def explain_laws(parallel_fraction: float, cores: int) -> str:
    """One paragraph (HTML) with what both laws predict for these settings."""
    serial = 1.0 - fraction(parallel_fraction, "parallel_fraction")
    cores = whole_number(cores, "cores", least=1)
    limit = amdahl_limit(serial)
    limit_text = "no limit" if limit == float("inf") else f"at most {limit:.1f}"
    return (f"<b>{parallel_fraction:.0%} parallel, {cores} cores.</b> "
            f"Amdahl (same problem, more cores): speedup {amdahl(cores, serial):.2f}, "
            f"{limit_text} with any number of cores. "
            f"Gustafson (the problem grows with the cores): scaled speedup "
            f"{gustafson(cores, serial):.2f}.")


def plot_laws(parallel_fraction: float, cores: int, max_cores: int = 64) -> Any:
    """Amdahl's and Gustafson's speedups from 1 to ``max_cores`` cores; returns the Figure."""
    import matplotlib.pyplot as plt

    serial = 1.0 - fraction(parallel_fraction, "parallel_fraction")
    max_cores = whole_number(max_cores, "max_cores", least=2, most=4096)
    cores = whole_number(cores, "cores", least=1, most=max_cores)
    ns = list(range(1, max_cores + 1))
    fig, (ax_a, ax_g) = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, law, name, ylabel in (
            (ax_a, amdahl, "Amdahl: fixed problem size", "speedup"),
            (ax_g, gustafson, "Gustafson: problem grows with the cores", "scaled speedup")):
        ax.plot(ns, ns, ":", color="grey", label="ideal")
        ax.plot(ns, [law(n, serial) for n in ns], color="tab:blue",
                label=f"{parallel_fraction:.0%} parallel")
        ax.plot([cores], [law(cores, serial)], "o", color="tab:red", label=f"{cores} cores")
        ax.set_xlabel("cores")
        ax.set_ylabel(ylabel)
        ax.set_title(name)
        ax.set_xlim(1, max_cores)
        ax.set_ylim(0, max_cores)
        ax.legend(fontsize=8, loc="upper left")
    limit = amdahl_limit(serial)
    if limit <= max_cores:
        ax_a.axhline(limit, ls="--", color="tab:red", lw=1)
        ax_a.text(max_cores, limit, f"limit {limit:.1f}", ha="right", va="bottom", fontsize=8)
    fig.tight_layout()
    return fig


def amdahl_explorer(parallel_fraction: float = 0.9, cores: int = 8,
                    max_cores: int = 64) -> widgets.VBox:
    """Sliders for the parallel fraction and the core count, the numbers, and both laws.

    Returns the widget; end a cell with it to show it.
    """
    parallel_fraction = fraction(parallel_fraction, "parallel_fraction")
    max_cores = whole_number(max_cores, "max_cores", least=2, most=4096)
    cores = whole_number(cores, "cores", least=1, most=max_cores)
    fraction_slider = widgets.FloatSlider(value=parallel_fraction, min=0.0, max=1.0, step=0.01,
                                   description="parallel", readout_format=".0%",
                                   continuous_update=False)
    core_slider = widgets.IntSlider(value=cores, min=1, max=max_cores, description="cores",
                                    continuous_update=False)
    text = widgets.HTML(explain_laws(parallel_fraction, cores))
    out = widgets.Image(format="png")

    def update(change: Any = None) -> None:
        text.value = explain_laws(fraction_slider.value, core_slider.value)
        show_figure_in(out, plot_laws(fraction_slider.value, core_slider.value, max_cores))

    fraction_slider.observe(update, names="value")
    core_slider.observe(update, names="value")
    update()
    return widgets.VBox([widgets.HBox([fraction_slider, core_slider]), text, out])


class RunControl(widgets.VBox):
    """Pick a number of workers, click *Run*: the workload runs, and its point is added.

    The plot shows the speedups already measured (``results``, one line per kind) and
    every point added with the button, as stars. Call :meth:`run` to do the same
    from code.
    """

    def __init__(self, workload: Workload, results: Sequence[Measurement] = (),
                 usable: int | None = None, start_method: str | None = None) -> None:
        workload = instance(workload, "workload", Workload,
                            "a Workload, such as mandelbrot_workload()")
        results = list_of(results, "results", what="Measurements", item=lambda r, name: instance(
            r, name, Measurement, "a Measurement, as measure() returns"))
        usable = usable_cpus() if usable is None else whole_number(usable, "usable", least=1)
        start_method = method_name(start_method, "start_method")
        self.workload = workload
        self.results = [r for r in results if r.workload == workload.name]
        self.added: list[Measurement] = []
        self.usable = usable
        self.start_method = start_method
        self.workers = widgets.IntSlider(value=usable, min=1, max=max(4 * usable, 8),
                                         description="workers", continuous_update=False)
        self.kind = widgets.Dropdown(options=KINDS, value=KINDS[0], description="kind")
        self.button = widgets.Button(description="Run", button_style="primary",
                                     icon="play")
        self.status = widgets.HTML("Pick a number of workers and click <b>Run</b>.")
        self.out = widgets.Image(format="png")
        self.button.on_click(self._clicked)
        # The kind comes first: a widget's text form is cut after 110 characters, and the
        # slider's numbers depend on the machine.
        super().__init__([widgets.HBox([self.kind, self.workers, self.button]), self.status,
                          self.out])
        self.redraw()

    def _clicked(self, button: Any) -> None:
        try:
            self.run(self.workers.value, self.kind.value)
        except Exception:  # noqa: S110 - run() has already shown the error in the status line
            pass

    def run(self, workers: int, kind: str = "processes") -> Measurement:
        """Time the workload once with ``workers`` workers (and the serial run once)."""
        workers, kind = process_count(workers, "workers"), choice(kind, "kind", ALL_KINDS)
        self.button.disabled = True
        self.status.value = f"Running with {workers} {kind}..."
        try:
            (point,) = measure(self.workload, [workers], kinds=(kind,), repeats=1,
                               start_method=self.start_method)
        except Exception as error:
            self.status.value = f"That run failed: {type(error).__name__}: {error}"
            raise
        finally:
            self.button.disabled = False
        self.added.append(point)
        self.status.value = (f"{workers} {kind}: {point.seconds:.2f} s against "
                             f"{point.serial_seconds:.2f} s serially, speedup "
                             f"{point.speedup:.2f}, efficiency {point.efficiency:.2f}.")
        self.redraw()
        return point

    def plot(self) -> Any:
        """The figure: measured lines, added points, ideal line, usable CPUs."""
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 3.8))
        top = max([self.workers.max] + [r.workers for r in self.results])
        ax.plot([1, top], [1, top], ":", color="grey", label="ideal")
        ax.axvline(self.usable, ls="--", color="tab:green", lw=1,
                   label=f"usable CPUs ({self.usable})")
        colours = {"processes": "tab:blue", "threads": "tab:orange"}
        for kind in KINDS:
            rows = sorted((r for r in self.results if r.kind == kind), key=lambda r: r.workers)
            if rows:
                ax.plot([r.workers for r in rows], [r.speedup for r in rows], "o-",
                        color=colours[kind], alpha=0.5, label=f"{kind}, measured before")
            mine = [r for r in self.added if r.kind == kind]
            if mine:
                ax.plot([r.workers for r in mine], [r.speedup for r in mine], "*",
                        markersize=14, color=colours[kind], label=f"{kind}, your runs")
        ax.set_xlabel("workers")
        ax.set_ylabel("speedup")
        ax.set_title(self.workload.description or self.workload.name)
        ax.legend(fontsize=8, loc="upper left")
        fig.tight_layout()
        return fig

    def redraw(self) -> None:
        """Draw :meth:`plot` into the widget's output area."""
        show_figure_in(self.out, self.plot())


# --- A progress bar ---


def make_bar(total: int, description: str = "") -> IntProgress:
    """A progress bar that counts from 0 to ``total`` finished tasks."""
    total = bounded(total, "total", "items")
    description = text(description, "description", example="'squares'")
    return IntProgress(value=0, min=0, max=total, description=description)


def imap_unordered_with_progress(pool: Any, func: Callable[[Any], Any], items: Iterable[Any],
                                 description: str = "", chunksize: int = 1,
                                 bar: IntProgress | None = None) -> list[Any]:
    """Run ``func`` on every item with ``pool.imap_unordered``, showing a progress bar.

    Args:
        pool: a running ``multiprocessing.Pool``.
        func: the worker, importable by the children (e.g. from ``helpers.pools``).
        items: the inputs; they are read into a list first, to know how many there are.
        description: the text shown left of the bar.
        chunksize: how many items each worker takes at once (as for ``imap_unordered``).
        bar: an existing bar to drive instead of displaying a new one (used by tests).

    Returns:
        The results **in the order the tasks finished**, which varies from run to run:
        sort them before comparing or printing.

    Raises:
        Whatever ``func`` raised in a worker; the bar turns red first.
    """
    if not callable(getattr(pool, "imap_unordered", None)):
        raise TypeError("pool must be a multiprocessing Pool, e.g. `with Pool(2) as pool:`, "
                        f"not {type(pool).__name__}.")
    ensure_sendable_to(pool, func, "func")
    chunksize = whole_number(chunksize, "chunksize", least=1)
    items = list_of(items, "items")
    description = text(description, "description", example="'squares'")
    if bar is not None:
        instance(bar, "bar", IntProgress, "an ipywidgets IntProgress, or None for a new one")
    if bar is None:
        from IPython.display import display

        bar = make_bar(len(items), description)
        display(bar)
    else:
        bar.max, bar.value = len(items), 0
    results = []
    try:
        for result in pool.imap_unordered(func, items, chunksize):
            results.append(result)
            bar.value += 1
    except BaseException:
        bar.bar_style = "danger"
        raise
    bar.bar_style = "success"
    return results
