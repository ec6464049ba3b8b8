"""Checks for notebook 01, "How many CPUs can I use?"."""

from __future__ import annotations

from typing import Any

from helpers.checks.core import check_choice, correct, expect, require_attempt
from helpers.cpus import cgroup_cpu_quota, suggest_pool_size, usable_cpus
from helpers.instruments.validate import is_whole_number


def check_pool_size(pool_size: Any) -> None:
    """Exercise 1: the number of worker processes for CPU-bound work on this machine."""
    __tracebackhide__ = True
    require_attempt(pool_size, "set pool_size to a whole number")
    expect(is_whole_number(pool_size),
           f"pool_size should be a whole number (an int), not {type(pool_size).__name__}.")
    expect(pool_size >= 1, "A pool needs at least one worker.")
    # Right: one worker per usable CPU, or, where a container quota allows fewer CPUs'
    # worth of time, that many (suggest_pool_size("cpu")). Without a quota they agree.
    usable, limited = usable_cpus(), suggest_pool_size("cpu")
    expect(pool_size <= max(usable, limited),
           "That is more workers than this process has CPUs to run them on. CPU-bound "
           "workers beyond that only take turns. Which count ignores CPUs you may not use?")
    expect(pool_size >= limited,
           "That leaves CPUs idle. Count the CPUs this process may use, not fewer.")
    expect(pool_size in (usable, limited),
           "That matches neither the CPUs this process may use nor what this machine's "
           "container quota allows. Which count did you use?")
    message = "One worker per usable CPU keeps every CPU busy without taking turns."
    quota = cgroup_cpu_quota()
    if pool_size == usable and limited < usable and quota:
        message += (f" (This machine also has a container CPU quota of {quota:g} CPUs: a "
                    f"pool of {limited} fits inside it. See 'Containers and "
                    "PYTHON_CPU_COUNT' above.)")
    elif pool_size == limited < usable:
        message = ("One worker per whole CPU that this container's quota allows: more "
                   "workers would share the quota by taking turns.")
    correct(message)


def check_scheduler_call(choice: Any) -> None:
    """Exercise 2: which call reports the CPUs a job scheduler gave you ("a", "b" or "c")."""
    __tracebackhide__ = True
    check_choice(choice, "c", {
        "a": "multiprocessing.cpu_count() gives os.cpu_count()'s answer under another "
             "name: it counts the whole machine.",
        "b": "os.cpu_count() counts every CPU in the machine, including the ones the "
             "scheduler did not give you.",
    }, "The affinity mask lists the CPUs this process may run on: exactly what a scheduler "
       "(or taskset) restricts. On Linux with Python 3.13+, os.process_cpu_count() gives the "
       "same number; on macOS and Windows Python cannot see the mask.")
