"""tests/sanitize.cfg: every pair parses as nbval parses it, and does what it says."""

import re

import pytest

from tests.plugin import SANITIZERS, sanitize, sanitize_patterns

TEXT = SANITIZERS.read_text(encoding="utf-8")
PATTERNS = sanitize_patterns()


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
    ("Overwriting my_workers.py", "Writing my_workers.py"),
    ("empty() said True right after put() in 189 of 200 trials",
     "empty() said True right after put() in <n> of <trials> trials"),
    ("expected 200000, got 67174, lost 132826", "expected 200000, got <n>, lost <n>"),
    ("expected 200000, got 200000, lost 0", "expected 200000, got 200000, lost 0"),
    ("get_nowait() raised Empty right after put(): 96 of 100 tries",
     "get_nowait() raised Empty right after put(): <n> of <tries> tries"),
    ("article_main: runs with lost tasks: 6 of 100, tasks lost: 57 of 1000",
     "article_main: runs with lost tasks: <k> of <runs>, tasks lost: <m> of <total>"),
    # The demos go on until the race has shown: a 0 is a difference, not sanitized away.
    ("get_nowait() raised Empty right after put(): 0 of 1000 tries",
     "get_nowait() raised Empty right after put(): 0 of 1000 tries"),
    ("<Figure size 700x160 with 1 Axes>", "<Figure with 1 Axes>"),
    ("workers busy 47%", "workers busy <n>%"),
    ("Client: tcp://127.0.0.1:40123, dashboard http://127.0.0.1:8787/status",
     "Client: tcp://127.0.0.1:<port>, dashboard http://127.0.0.1:<port>/status"),
    ("usable CPUs: 2 - worker counts: [1, 2, 3, 4]",
     "usable CPUs: <n> - worker counts: [<counts>]"),
])
def test_examples(raw, clean):
    assert sanitize(raw) == clean
