"""Checks for notebook 07, "Speedup against core count"."""

from __future__ import annotations

import math
from typing import Any

from helpers.checks.core import correct, expect, require_attempt
from helpers.instruments.validate import is_number

SERIAL_SECONDS = 12.0
"""Exercise 1: the serial run takes this long..."""
PARALLEL_SECONDS = 4.0
"""... and the run with :data:`WORKERS` workers this long."""
WORKERS = 4

SERIAL_FRACTION = 0.05
"""Exercise 2: the share of the serial run time that cannot run in parallel."""
CORES = 16
"""Exercise 2: the core count for the second answer."""

SPLIT_WORKERS = 2
"""Exercise 3: workers sharing the top half of the image with a static split."""



def _close(value: float, target: float) -> bool:
    return math.isclose(value, target, rel_tol=0.01)


def check_speedup_efficiency(speedup: Any, efficiency: Any) -> None:
    """Exercise 1: speedup and efficiency of a 4-worker run from the two times."""
    __tracebackhide__ = True
    require_attempt(speedup, "set speedup_4 to a number")
    require_attempt(efficiency, "set efficiency_4 to a number")
    expect(is_number(speedup) and is_number(efficiency),
           "Both answers should be plain numbers, such as 2.5 (not text, a list or a "
           "function).")
    s = SERIAL_SECONDS / PARALLEL_SECONDS
    expect(not _close(speedup, 1 / s),
           "speedup_4 is upside down: it says how many times *faster* the parallel run "
           "is, so here it is above 1.")
    expect(not _close(speedup, SERIAL_SECONDS - PARALLEL_SECONDS),
           "speedup_4 is a ratio of the two times, not their difference.")
    expect(_close(speedup, s), "speedup_4 is not right yet: speedup says how many times "
                               "faster the parallel run is. Which two times does that "
                               "compare?")
    expect(not _close(efficiency, s),
           "efficiency_4 equals the speedup. Efficiency is the speedup *per worker*.")
    expect(not _close(efficiency, WORKERS / s),
           "efficiency_4 is upside down: it says how well each worker was used, so it is "
           "never above 1.")
    expect(not _close(efficiency, 100 * s / WORKERS),
           "Give efficiency_4 as a fraction from 0 to 1, not as a percentage.")
    expect(_close(efficiency, s / WORKERS),
           "efficiency_4 is not right yet: efficiency is the speedup each worker "
           "contributes. Look at its definition above.")
    correct("Each of the 4 workers did three quarters of what a perfectly used worker "
            "would have done.")


def check_amdahl(limit: Any, with_cores: Any) -> None:
    """Exercise 2: Amdahl's limit for a 5 % serial part, and the speedup on 16 cores."""
    __tracebackhide__ = True
    require_attempt(limit, "set limit to a number")
    require_attempt(with_cores, "set with_16 to a number")
    expect(is_number(limit) and is_number(with_cores),
           "Both answers should be plain numbers, such as 2.5.")
    f, n = SERIAL_FRACTION, CORES
    expect(not _close(limit, 1 / (1 - f)),
           "limit used the parallel share. With endless cores the parallel part takes no "
           "time at all: which share is left?")
    expect(not _close(limit, 100 * f) and not _close(limit, f),
           "limit is the speedup with endless cores: how many times shorter the serial "
           "part alone is than the whole run.")
    expect(_close(limit, 1 / f), "limit is not right yet: with endless cores only the "
                                 "serial part remains. How many such parts fit in the "
                                 "whole run?")
    expect(not _close(with_cores, n),
           "with_16 is the ideal speedup. Amdahl's law says the serial part does not get "
           "shorter with more cores.")
    expect(not _close(with_cores, f + (1 - f) * n),
           "with_16 is Gustafson's scaled speedup, where the problem grows with the cores. "
           "Here the problem stays the same size: use Amdahl's law.")
    expect(not _close(with_cores, 1 / ((1 - f) + f / n)),
           "with_16 swapped the two parts: the serial share stays as it is, and only the "
           "parallel share is divided by the number of cores.")
    expect(with_cores < limit, "with_16 is above the limit, which no core count can "
                               "beat. Check how you used Amdahl's formula in the notebook: "
                               "which share gets divided by the cores?")
    expect(_close(with_cores, 1 / (f + (1 - f) / n)),
           "with_16 is not right yet. In Amdahl's formula above, f is the serial share "
           "(here 5 %) and n the number of cores (here 16). Which part shrinks as n grows?")
    correct("Sixteen cores give less than half of the limit: the serial 5 % already "
            "costs almost as much as the other 95 % shared out.")


def check_split_speedup(best_speedup: Any, costs: Any) -> None:
    """Exercise 3: the most speedup a static split of ``costs`` can give 2 workers.

    ``costs`` is the notebook's list of row costs (the top half of the reference image,
    ``helpers.mandelbrot.REFERENCE_IMAGE``); it is only used to tell the learner if it
    was changed.
    """
    __tracebackhide__ = True
    from helpers.mandelbrot import REFERENCE_IMAGE
    from helpers.speedup import split_loads, top_half_costs

    require_attempt(best_speedup, "set best_speedup to a number")
    expected_costs = top_half_costs(**REFERENCE_IMAGE)
    expect(isinstance(costs, (list, tuple)) and list(costs) == expected_costs,
           "The list costs has changed since the notebook computed it. Run the cell "
           "that sets costs again, then your answer, then this check.")
    expect(is_number(best_speedup), "best_speedup should be a plain number, such as 1.5.")
    static = -(-len(expected_costs) // SPLIT_WORKERS)
    loads = split_loads(expected_costs, SPLIT_WORKERS, static)
    total = sum(loads)
    expect(not _close(best_speedup, SPLIT_WORKERS),
           "That is the speedup of a perfect split. With the static split one worker gets "
           "much more work than the other.")
    expect(not _close(best_speedup, total / min(loads)),
           "That divides by the lighter worker's share. The run ends when the *busiest* "
           "worker is done.")
    expect(not _close(best_speedup, max(loads) / total),
           "best_speedup is upside down: a speedup above 1 means the parallel run is "
           "shorter. Which time goes on top?")
    dynamic = split_loads(expected_costs, SPLIT_WORKERS, 1)
    expect(not _close(best_speedup, total / max(dynamic)),
           "That is the dynamic split (chunksize=1). Use the static one: one chunk per "
           "worker.")
    expect(_close(best_speedup, total / max(loads)),
           "best_speedup is not right yet. With one chunk per worker, how long does the "
           "parallel run last, in units of work? And the serial run?")
    correct("Even with no overhead at all, this split cannot reach the speedup that "
            "two workers promise: the busiest worker sets the pace.")
