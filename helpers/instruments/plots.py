"""The course's charts. Each function draws on a new figure (or the ``ax`` given) and
returns what it drew on; end a notebook cell with ``plt.show()`` to display it.

matplotlib is imported inside each function, so that importing this module is quick.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from helpers.cpus import usable_cpus
from helpers.instruments.measure import Measurement, measurements
from helpers.instruments.results import SavedRun
from helpers.instruments.timing import format_seconds
from helpers.instruments.transfer import fit_transfer, transfer_times
from helpers.instruments.validate import (
    choice,
    describe,
    instance,
    is_number,
    list_of,
    mapping,
    real,
    whole_number,
)
from helpers.mandelbrot import X_RANGE, Y_RANGE
from helpers.speedup import karp_flatt

KIND_STYLES = {"processes": {"color": "tab:blue", "marker": "o"},
               "threads": {"color": "tab:orange", "marker": "s"},
               "interpreters": {"color": "tab:purple", "marker": "D"}}


def _new_axes(ax: Any, figsize: tuple[float, float]) -> Any:
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    elif not callable(getattr(ax, "plot", None)):
        raise TypeError(f"ax must be a matplotlib Axes (fig, ax = plt.subplots()), or None "
                        f"for a new figure, not {describe(ax)}.")
    return ax


def _saved_run(value: Any, name: str) -> SavedRun:
    return instance(value, name, SavedRun, "a SavedRun, as load_runs() returns")


def _times(value: Any, name: str) -> dict[Any, float]:
    """A non-empty mapping of labels to durations in seconds (finite, at least 0)."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a non-empty dict {{label: seconds}}, not "
                        f"{describe(value)}.")
    if not value:
        raise ValueError(f"{name} is empty: give it at least one {{label: seconds}} pair.")
    for key, seconds in value.items():
        if not is_number(seconds) or seconds < 0:
            raise ValueError(f"{name}[{key!r}] must be a number of seconds, not {seconds!r}.")
    return dict(value)


# --- Notebook 07 -------------------------------------------------------------------------------


def plot_image(image: Sequence[Sequence[int]], ax: Any = None) -> Any:
    """Show a Mandelbrot image (iteration counts as colours). Returns the Axes."""
    rows = list_of(image, "image", least=1, what="rows",
                   item=lambda row, name: list_of(row, name, least=1, what="counts", item=real))
    if len({len(row) for row in rows}) > 1:
        raise ValueError(f"image must have rows of one length, not of {len(rows[0])} and "
                         f"{next(len(r) for r in rows if len(r) != len(rows[0]))} counts: "
                         "pass the whole image, as mandelbrot_serial() returns it.")
    ax = _new_axes(ax, (6, 6 * len(rows) / len(rows[0])))
    ax.imshow(rows, cmap="magma", extent=(*X_RANGE, *Y_RANGE))
    ax.set_xlabel("real part")
    ax.set_ylabel("imaginary part")
    return ax


def plot_row_costs(costs: Sequence[float], ax: Any = None) -> Any:
    """A bar per row: how many iterations it needed (a proxy for its time)."""
    costs = list_of(costs, "costs", least=1, what="row costs", item=real)
    ax = _new_axes(ax, (7, 2.5))
    ax.bar(range(len(costs)), costs, width=1.0, color="tab:purple")
    ax.set_xlabel("row")
    ax.set_ylabel("iterations")
    ax.set_title("What each row costs")
    return ax


def reference_label(run: SavedRun) -> str:
    """What a reference curve is called: the machine it was measured on, e.g.
    ``"reference: Intel(R) Xeon(R) Processor, 16 CPUs"``."""
    run = _saved_run(run, "run")
    return f"reference: {run.machine.cpu_model}, {run.machine.usable_cpus} CPUs"


def plot_speedup(results: Sequence[Measurement], usable: int | None = None,
                 reference: Sequence[SavedRun] = (), title: str | None = None) -> Any:
    """Speedup and efficiency against worker count, side by side.

    Draws one line per kind of pool, the ideal (speedup = workers, efficiency = 1),
    a dashed line at the usable CPUs, and the same workload's process curve from each
    ``reference`` run, labelled with the machine it was measured on.

    Returns:
        The two matplotlib Axes (speedup, efficiency).
    """
    import matplotlib.pyplot as plt

    results = measurements(results)
    workloads = {r.workload for r in results}
    if len(workloads) != 1:
        raise ValueError(f"results mix workloads {sorted(workloads)}: plot one at a time.")
    usable = usable_cpus() if usable is None else whole_number(usable, "usable", least=1)
    reference = list_of(reference, "reference", what="saved runs", item=_saved_run)
    fig, (ax_s, ax_e) = plt.subplots(1, 2, figsize=(11, 4))
    top = max([r.workers for r in results]
              + [r.workers for run in reference for r in run.results if r.kind == "processes"])
    ax_s.plot([1, top], [1, top], ":", color="grey", label="ideal")
    ax_e.axhline(1.0, ls=":", color="grey", label="ideal")
    for ax in (ax_s, ax_e):
        ax.axvline(usable, ls="--", color="tab:green", lw=1, label=f"usable CPUs ({usable})")
    for kind in dict.fromkeys(r.kind for r in results):
        rows = sorted((r for r in results if r.kind == kind), key=lambda r: r.workers)
        xs = [r.workers for r in rows]
        style = KIND_STYLES.get(kind, {"marker": "^"})
        ax_s.plot(xs, [r.speedup for r in rows], label=kind, **style)
        ax_e.plot(xs, [r.efficiency for r in rows], label=kind, **style)
    for run in reference:
        rows = sorted((r for r in run.results if r.kind == "processes"
                       and r.workload == next(iter(workloads))), key=lambda r: r.workers)
        if rows:
            label = reference_label(run)
            ax_s.plot([r.workers for r in rows], [r.speedup for r in rows], "--", color="grey",
                      marker=".", label=label)
            ax_e.plot([r.workers for r in rows], [r.efficiency for r in rows], "--",
                      color="grey", marker=".", label=label)
    ax_s.set_ylabel("speedup (serial time / parallel time)")
    ax_e.set_ylabel("efficiency (speedup / workers)")
    ax_e.set_ylim(0, 1.15)
    for ax in (ax_s, ax_e):
        ax.set_xlabel("workers")
        ax.legend(fontsize=8)
    fig.suptitle(title or results[0].description or results[0].workload)
    fig.tight_layout()
    return ax_s, ax_e


def plot_karp_flatt(results: Sequence[Measurement], usable: int | None = None,
                    reference: Sequence[SavedRun] = (), ax: Any = None) -> Any:
    """The Karp-Flatt metric e(n) against the worker count, from 2 workers up.

    One line per kind of pool, a dashed line at the usable CPUs, and the process curve
    of each ``reference`` run (grey, dashed, labelled with its machine) with a dotted
    line at that machine's CPUs. e(n) is the serial fraction that would explain each
    measured speedup: flat means a fixed serial part, rising means costs that grow
    with the workers. Returns the Axes.
    """
    results = measurements(results)
    usable = usable_cpus() if usable is None else whole_number(usable, "usable", least=1)
    reference = list_of(reference, "reference", what="saved runs", item=_saved_run)
    workloads = {r.workload for r in results}
    if len(workloads) != 1:
        raise ValueError(f"results mix workloads {sorted(workloads)}: plot one at a time.")
    ax = _new_axes(ax, (7, 4))
    values: list[float] = []

    def draw(rows: Sequence[Measurement], label: str, **style: Any) -> None:
        rows = sorted((r for r in rows if r.workers >= 2), key=lambda r: r.workers)
        if rows:
            es = [karp_flatt(r.speedup, r.workers) for r in rows]
            values.extend(es)
            ax.plot([r.workers for r in rows], es, label=label, **style)

    for kind in dict.fromkeys(r.kind for r in results):
        draw([r for r in results if r.kind == kind], kind,
             **KIND_STYLES.get(kind, {"marker": "^"}))
    ax.axvline(usable, ls="--", color="tab:green", lw=1, label=f"usable CPUs ({usable})")
    for run in reference:
        rows = [r for r in run.results if r.kind == "processes" and r.workload in workloads]
        draw(rows, reference_label(run), ls="--", color="grey", marker=".")
        if rows:
            ax.axvline(run.machine.usable_cpus, ls=":", color="grey", lw=1,
                       label=f"reference's CPUs ({run.machine.usable_cpus})")
    ax.set_xlabel("workers")
    ax.set_ylabel("e(n): serial fraction that explains S(n)")
    low = min(0.0, 1.1 * min(values, default=0.0))  # e < 0 where a speedup beat n
    high = min(1.5, 1.1 * max(values, default=1.0))  # threads on the usual build: e near 1
    ax.set_ylim(low, high if high > low else low + 1.0)
    ax.set_title("Karp–Flatt metric: flat = a serial part, rising = growing costs")
    ax.legend(fontsize=8)
    return ax


def plot_saved(runs: Sequence[SavedRun], workload: str = "mandelbrot",
               kind: str = "processes", ax: Any = None) -> Any:
    """One speedup curve per saved run (one per machine), with the ideal line."""
    runs = list_of(runs, "runs", least=1, item=_saved_run, what="saved runs")
    choice(workload, "workload", sorted({r.workload for run in runs for r in run.results}))
    choice(kind, "kind", sorted({r.kind for run in runs for r in run.results}))
    ax = _new_axes(ax, (7, 4))
    top = 1
    for run in runs:
        rows = sorted((r for r in run.results if r.workload == workload and r.kind == kind),
                      key=lambda r: r.workers)
        if rows:
            top = max(top, rows[-1].workers)
            label = f"{run.machine.label}, Python {run.machine.python}, {run.machine.date[:10]}"
            ax.plot([r.workers for r in rows], [r.speedup for r in rows], "o-", label=label)
    ax.plot([1, top], [1, top], ":", color="grey", label="ideal")
    ax.set_xlabel("workers")
    ax.set_ylabel("speedup")
    ax.set_title(f"{workload}, {kind}: {len(runs)} saved run(s)")
    ax.legend(fontsize=8)
    return ax


# --- Notebook 08 -------------------------------------------------------------------------------


def plot_start_costs(costs: dict[str, float], ax: Any = None) -> Any:
    """Bar chart of ``measure_start_costs``, in milliseconds. Returns the Axes."""
    costs = _times(costs, "costs")
    ax = _new_axes(ax, (5, 3))
    names = list(costs)
    bars = ax.bar(names, [costs[name] * 1e3 for name in names], color="tab:blue",
                  edgecolor="black")
    ax.bar_label(bars, labels=[format_seconds(costs[name]) for name in names])
    ax.set_ylabel("start + join (ms)")
    ax.set_title("What one Process start costs")
    ax.margins(y=0.15)
    return ax


def plot_transfer(results: dict[str, dict[int, float]], ax: Any = None) -> Any:
    """Log-log plot of round-trip time against payload size, one line per channel.

    ``results`` maps a channel name to ``measure_transfer``'s result; the fitted model
    of each is drawn dashed. Returns the Axes.
    """
    if not isinstance(results, Mapping):
        raise TypeError("results must be a dict {channel: times}, e.g. {'Pipe': pipe_times}, "
                        f"not {describe(results)}.")
    if not results:
        raise ValueError("results is empty: give it at least one {channel: times} pair.")
    ax = _new_axes(ax, (6, 3.5))
    for name, times in results.items():
        times = transfer_times(times, f"results[{name!r}]")
        sizes = sorted(times)
        line, = ax.plot(sizes, [times[s] for s in sizes], "o", label=f"{name} (measured)")
        fit = fit_transfer(times)
        ax.plot(sizes, [fit.predict(s) for s in sizes], "--", color=line.get_color(),
                label=f"{name} (model)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("payload (bytes)")
    ax.set_ylabel("round trip (s)")
    ax.set_title("Sending data to a process and hearing back")
    ax.legend()
    return ax


def plot_chunksizes(times: dict[int, float], serial: float | None = None, ax: Any = None,
                    workers: int = 2) -> Any:
    """Time against chunksize (log scale), with the serial time as a line. Returns the Axes."""
    times = _times(times, "times")
    mapping(times, "times", key=lambda c, name: whole_number(c, name, least=1))
    workers = whole_number(workers, "workers", least=1)
    ax = _new_axes(ax, (6, 3.5))
    sizes = sorted(times)
    ax.plot(sizes, [times[c] for c in sizes], "o-", label=f"Pool({workers}).map")
    if serial is not None:
        ax.axhline(_times({"serial": serial}, "serial")["serial"], color="black",
                   linestyle="--", label="serial, no pool")
    ax.set_xscale("log")
    ax.set_xticks(sizes, [str(c) for c in sizes])
    ax.minorticks_off()
    ax.set_ylim(bottom=0)
    ax.set_xlabel("chunksize (tasks per message)")
    ax.set_ylabel("seconds")
    ax.set_title("The same tasks, handed out in chunks of different sizes")
    ax.legend()
    return ax


# --- Notebook 09 -------------------------------------------------------------------------------


def plot_wall_times(times: Mapping[str, float], title: str = "", ax: Any = None) -> Any:
    """A horizontal bar per run, its wall time written at its end. Returns the Axes."""
    times = _times(times, "times")
    ax = _new_axes(ax, (7, 0.6 + 0.5 * len(times)))
    names = list(times)
    values = [float(times[name]) for name in names]
    ax.barh(names, values, color="tab:blue", alpha=0.8)
    for row, value in enumerate(values):
        ax.text(value, row, f" {value:.2f} s", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("wall time (seconds, shorter is better)")
    ax.set_xlim(0, max(values) * 1.25 or 1)
    if title:
        ax.set_title(title)
    return ax
