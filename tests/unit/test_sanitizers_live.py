"""The live view's text line compares on any machine: its CPU counts are sanitized."""

import pytest

from tests.plugin import sanitize

EXAMPLES = [
    ("<live view: 8 tasks on 2 workers, 16 of 16 CPUs usable>",
     "<live view: 8 tasks on 2 workers, <n> of <n> CPUs usable>"),
    ("<live view: 1 task on 1 worker, 1 of 1 CPU usable>",
     "<live view: 1 task on 1 worker, <n> of <n> CPUs usable>"),
    ("<live view: stopped by KeyboardInterrupt, 4 workers, 2 of 8 CPUs usable>",
     "<live view: stopped by KeyboardInterrupt, 4 workers, <n> of <n> CPUs usable>"),
]



@pytest.mark.parametrize(("raw", "sanitized"), EXAMPLES)
def test_live_view_line_is_sanitized(raw: str, sanitized: str) -> None:
    assert sanitize(raw) == sanitized
