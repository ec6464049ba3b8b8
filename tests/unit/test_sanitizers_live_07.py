"""Worked examples for 07's live-view sanitizer (tests/sanitize.cfg): the oversubscription view
runs the bigger image's 240 rows on 2 x usable CPUs workers, so its worker count depends on the
machine; every other live view keeps its worker count, which the notebook's code fixes."""

from __future__ import annotations

import pytest

from helpers.instruments.live import summary_text
from helpers.instruments.measure import mandelbrot_workload
from helpers.mandelbrot import REFERENCE_IMAGE
from tests.plugin import sanitize


def test_the_pattern_names_the_rows_that_07_runs():
    # The pattern matches "240 tasks": the rows of the image 07 oversubscribes.
    assert len(mandelbrot_workload(**REFERENCE_IMAGE).tasks) == 240


@pytest.mark.parametrize("usable", [1, 2, 3, 16, 64])
def test_oversubscription_reads_the_same_on_any_machine(usable):
    line = summary_text(240, 2 * usable, usable, max(usable, 2))
    assert sanitize(line) == ("<live view: 240 tasks on <2 x usable CPUs> workers, "
                              "<n> of <n> CPUs usable>")


@pytest.mark.parametrize(("raw", "clean"), [
    # 07's load balancing and 08's tiny tasks: two workers, fixed by the code
    ("<live view: 120 tasks on 2 workers, 2 of 2 CPUs usable>",
     "<live view: 120 tasks on 2 workers, <n> of <n> CPUs usable>"),
    ("<live view: 40 tasks on 2 workers, 8 of 16 CPUs usable>",
     "<live view: 40 tasks on 2 workers, <n> of <n> CPUs usable>"),
    # a view stopped by an error has no task count, and keeps its worker count
    ("<live view: stopped by KeyboardInterrupt, 4 workers, 2 of 2 CPUs usable>",
     "<live view: stopped by KeyboardInterrupt, 4 workers, <n> of <n> CPUs usable>"),
])
def test_other_views_keep_their_worker_count(raw, clean):
    assert sanitize(raw) == clean
