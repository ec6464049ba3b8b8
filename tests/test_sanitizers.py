"""tests/sanitize.cfg: every pair parses as nbval parses it, and does what it says."""

import re

import pytest
from nbval.plugin import get_sanitize_patterns

from tests.harness import SANITIZERS

TEXT = SANITIZERS.read_text(encoding="utf-8")
PATTERNS = get_sanitize_patterns(TEXT)


def sanitize(text: str) -> str:
    for regex, replace in PATTERNS:
        text = re.sub(regex, replace, text)
    return text


def test_every_regex_line_is_a_parsed_pair():
    # nbval silently ignores a malformed pair; count them so none is lost.
    assert len(PATTERNS) == len(re.findall(r"(?m)^regex: ", TEXT))
    assert len(PATTERNS) == len(re.findall(r"(?m)^replace: ", TEXT))


@pytest.mark.parametrize(("regex", "replace"), PATTERNS)
def test_pattern_compiles(regex, replace):
    re.sub(regex, replace, "")


@pytest.mark.parametrize(("raw", "clean"), [
    ("Task no 3 is done by Process-12", "Task no 3 is done by Process-N"),
    ("done by ForkProcess-3 and SpawnProcess-4", "done by Process-N and Process-N"),
    ("ForkServerPoolWorker-7:2 ran it", "PoolWorker-N ran it"),
    ("<Process name='Process-1' pid=4242 parent=4000 started>",
     "<Process name='Process-N' pid=<pid> parent=<pid> started>"),
    ("start method: forkserver", "start method: <method>"),
    ("'spawn'", "'<method>'"),
    ("<object at 0x7f3a2b>", "<object at 0x<addr>>"),
    ("took 1.25 s, then 12 ms", "took <time>, then <time>"),
    ("Number of cpu :  16", "Number of cpu :  <n>"),
    ("CPUs the pinned child may use: 1", "CPUs the pinned child may use: 1"),
])
def test_examples(raw, clean):
    assert sanitize(raw) == clean
