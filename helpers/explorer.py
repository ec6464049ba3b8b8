"""Interactive widgets for notebook 07: Amdahl's and Gustafson's laws, and live runs.

    from helpers.explorer import amdahl_explorer, RunControl
    amdahl_explorer()                   # sliders: parallel fraction, cores
    RunControl(workload, results)       # pick N workers, click Run: a new point

Both draw with matplotlib into an ``ipywidgets.Image`` (a PNG, so no output messages
are involved and the plot shows the same in JupyterLab and in a headless run) and redraw
when a control changes. Their starting state is fixed, so their text form is the same
every time.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets

from helpers.cpus import usable_cpus
from helpers.speedup import (
    KINDS,
    Measurement,
    Workload,
    amdahl,
    amdahl_limit,
    gustafson,
    measure,
)


def _show(image: widgets.Image, fig: Any) -> None:
    """Show ``fig`` in ``image`` as a PNG, then close ``fig`` (so it is not shown twice)."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80, metadata={"Software": None})
    plt.close(fig)
    image.value = buffer.getvalue()


def explain_laws(parallel_fraction: float, cores: int) -> str:
    """One paragraph (HTML) with what both laws predict for these settings."""
    serial = 1.0 - parallel_fraction
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

    serial = 1.0 - parallel_fraction
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
    if not 0 <= parallel_fraction <= 1:
        raise ValueError(f"parallel_fraction must be from 0 to 1, not {parallel_fraction!r}.")
    if not isinstance(max_cores, int) or max_cores < 2:
        raise ValueError(f"max_cores must be a whole number of at least 2, not {max_cores!r}.")
    if not isinstance(cores, int) or not 1 <= cores <= max_cores:
        raise ValueError(f"cores must be a whole number from 1 to {max_cores}, not {cores!r}.")
    fraction = widgets.FloatSlider(value=parallel_fraction, min=0.0, max=1.0, step=0.01,
                                   description="parallel", readout_format=".0%",
                                   continuous_update=False)
    core_slider = widgets.IntSlider(value=cores, min=1, max=max_cores, description="cores",
                                    continuous_update=False)
    text = widgets.HTML(explain_laws(parallel_fraction, cores))
    out = widgets.Image(format="png")

    def update(change: Any = None) -> None:
        text.value = explain_laws(fraction.value, core_slider.value)
        _show(out, plot_laws(fraction.value, core_slider.value, max_cores))

    fraction.observe(update, names="value")
    core_slider.observe(update, names="value")
    update()
    return widgets.VBox([widgets.HBox([fraction, core_slider]), text, out])


class RunControl(widgets.VBox):
    """Pick a number of workers, click *Run*: the workload runs, and its point is added.

    The plot shows the speedups already measured (``results``, one line per kind) and
    every point added with the button, as stars. Call :meth:`run` to do the same
    from code.
    """

    def __init__(self, workload: Workload, results: Sequence[Measurement] = (),
                 usable: int | None = None, start_method: str | None = None) -> None:
        usable = usable_cpus() if usable is None else usable
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
        _show(self.out, self.plot())
