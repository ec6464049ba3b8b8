"""The live view's text line compares on any machine: its CPU counts are sanitized."""

import pytest
from nbval.plugin import get_sanitize_patterns

from tests.plugin import SANITIZERS

EXAMPLES = [
    ("<live view: 8 tasks on 2 workers, 16 of 16 CPUs usable>",
     "<live view: 8 tasks on 2 workers, <n> of <n> CPUs usable>"),
    ("<live view: 1 task on 1 worker, 1 of 1 CPU usable>",
     "<live view: 1 task on 1 worker, <n> of <n> CPUs usable>"),
    ("<live view: stopped by KeyboardInterrupt, 4 workers, 2 of 8 CPUs usable>",
     "<live view: stopped by KeyboardInterrupt, 4 workers, <n> of <n> CPUs usable>"),
]


def _sanitize(text: str) -> str:
    import re

    for regex, replace in get_sanitize_patterns(SANITIZERS.read_text()):
        text = re.sub(regex, replace, text)
    return text


@pytest.mark.parametrize(("raw", "sanitized"), EXAMPLES)
def test_live_view_line_is_sanitized(raw: str, sanitized: str) -> None:
    assert _sanitize(raw) == sanitized
