"""How many CPUs can this process use?

``os.cpu_count()`` counts the CPUs in the machine. The number that matters for a pool
is how many this process may *run on*, which affinity masks (``taskset``, job
schedulers; Python reads them on Linux and some BSDs only) and ``PYTHON_CPU_COUNT``
can lower. Container CPU quotas (cgroup
``cpu.max``) lower it again, but no standard-library call sees them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class CpuCounts:
    """The different answers to "how many CPUs?" on this machine, for this process."""

    logical: int | None
    """``os.cpu_count()``: logical CPUs (hardware threads) in the machine."""
    usable: int
    """CPUs this process may run on (affinity mask, or ``PYTHON_CPU_COUNT``)."""
    physical: int | None
    """Physical cores, from ``psutil`` (``None`` where it cannot tell)."""
    quota: float | None
    """CPUs allowed by a Linux cgroup quota (``cpu.max``), or ``None`` if unlimited."""


def usable_cpus() -> int:
    """Return how many CPUs this process may use.

    Uses ``os.process_cpu_count()`` where Python has it (3.13+), otherwise the
    affinity mask (Linux, some BSDs), otherwise ``os.cpu_count()``. Never returns less than 1.
    ``process_cpu_count()`` itself reads the affinity mask only where the OS has one
    (Linux and some BSDs); on macOS and Windows it equals ``os.cpu_count()``.
    """
    if hasattr(os, "process_cpu_count"):
        count = os.process_cpu_count()
    elif hasattr(os, "sched_getaffinity"):
        count = len(os.sched_getaffinity(0))
    else:
        count = os.cpu_count()
    return max(1, count or 1)


def cgroup_cpu_quota(path: str | os.PathLike[str] = "/sys/fs/cgroup/cpu.max") -> float | None:
    """Return the CPUs a cgroup v2 quota allows (for example 1.5), or ``None``.

    ``None`` means there is no quota, or this is not Linux with cgroup v2.
    """
    from helpers.instruments.validate import path as a_path

    try:
        quota, period = a_path(path, "path").read_text().split()[:2]
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError, ZeroDivisionError):  # no such file, or not a cpu.max file
        return None


def cpu_counts() -> CpuCounts:
    """Collect every CPU count in one object (see :class:`CpuCounts`)."""
    import psutil

    return CpuCounts(
        logical=os.cpu_count(),
        usable=usable_cpus(),
        physical=psutil.cpu_count(logical=False),
        quota=cgroup_cpu_quota(),
    )


def suggest_pool_size(kind: str = "cpu") -> int:
    """Suggest a number of worker processes.

    Args:
        kind: ``"cpu"`` for CPU-bound work (one worker per usable CPU, lowered to a
            cgroup quota if there is one: 1.5 CPUs' worth of time gives 1 worker, so
            that no worker waits for the quota), or ``"io"`` for work that mostly waits
            (more workers than CPUs, as ``ThreadPoolExecutor`` does: ``usable + 4``,
            at most 32).
    """
    from helpers.instruments.validate import choice

    usable, kind = usable_cpus(), choice(kind, "kind", ("cpu", "io"))
    if kind == "cpu":
        quota = cgroup_cpu_quota()
        return max(1, min(usable, int(quota))) if quota else usable
    return min(32, usable + 4)


def pinned_counts(cpus: int = 1) -> tuple[int | None, int]:
    """In a child process: pin it to its first ``cpus`` CPUs, then count again.

    Returns ``(os.cpu_count(), usable_cpus())`` as seen after pinning, which is what
    ``taskset -c 0`` or a cluster's job scheduler does to a program. Linux (and some
    BSDs) only: elsewhere it raises ``NotImplementedError``. It refuses to run in a main process
    (such as the notebook's kernel), which it would pin for good: run it in a child,
    for example ``with Pool(1) as pool: pool.apply(pinned_counts, (1,))``.
    """
    import multiprocessing

    from helpers.instruments.validate import whole_number

    cpus = whole_number(cpus, "cpus", least=1)
    if multiprocessing.parent_process() is None:
        raise RuntimeError("pinned_counts pins the process that calls it, and this is a main "
                           "process (your kernel?). Run it in a child instead: "
                           "with Pool(1) as pool: pool.apply(pinned_counts, (1,))")
    if not hasattr(os, "sched_setaffinity"):
        raise NotImplementedError("This Python cannot pin a process to CPUs: "
                                  "os.sched_setaffinity exists on Linux and some BSDs only.")
    allowed = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, allowed[:cpus])
    return os.cpu_count(), usable_cpus()
