"""tests/sanitize.cfg, notebooks 03, 04 and 05: worked examples for their patterns.

Each race demonstration prints a count that changes from run to run; the pattern hides the
count but still demands that the race showed (a count of at least 1), so a run in which the
race did not show fails strict nbval instead of passing silently.
"""


import pytest

from tests.plugin import sanitize

ARTICLE_03 = ("pushing items to queue:\nitem no:  1   red\nitem no:  2   green\n"
              "item no:  3   blue\nitem no:  4   black\n\npopping items from queue:\n")


@pytest.mark.parametrize(("raw", "clean"), [
    # 03: empty_after_put may go on past its first 200 trials.
    ("empty() said True right after put() in 189 of 200 trials",
     "empty() said True right after put() in <n> of <trials> trials"),
    ("empty() said True right after put() in 1 of 400 trials",
     "empty() said True right after put() in <n> of <trials> trials"),
    # 03: the article's loop; every number of colours gives the same text.
    (ARTICLE_03, ARTICLE_03 + "<the colours that came back this run>"),
    (ARTICLE_03 + "item no:  0   red\nitem no:  1   green\n",
     ARTICLE_03 + "<the colours that came back this run>"),
    # 04: lost updates, and the runs count_without_lock needed.
    ("expected 200000, got 67174, lost 132826", "expected 200000, got <n>, lost <n>"),
    ("runs needed: 1", "runs needed: <k>"),
    ("runs needed: 5", "runs needed: <k>"),
    # 04: the unlocked writers.
    ("worker 3 block 1 line 1 of 3\nworker 12 block 140 line 2 of 3",
     "worker <w> block <b> line <l> of 3\nworker <w> block <b> line <l> of 3"),
    ("broken blocks: 3492 of 4000", "broken blocks: <n> of 4000"),
    ("broken blocks: 2 of 4000", "broken blocks: <n> of 4000"),
    # 04: the comparison of the designs.
    ("a lock per +1 takes 17x as long as counting locally",
     "a lock per +1 takes <n>x as long as counting locally"),
    ("counter.get_lock() was slower than a separate lock this time (1.21x its time)",
     "counter.get_lock() was <faster or slower> than a separate lock this time (<r>x its time)"),
    ("counter.get_lock() was faster than a separate lock this time (0.87x its time)",
     "counter.get_lock() was <faster or slower> than a separate lock this time (<r>x its time)"),
    # 05: get_nowait_misses may go on past its first 100 tries.
    ("get_nowait() raised Empty right after put(): 96 of 100 tries",
     "get_nowait() raised Empty right after put(): <n> of <tries> tries"),
    ("get_nowait() raised Empty right after put(): 1 of 300 tries",
     "get_nowait() raised Empty right after put(): <n> of <tries> tries"),
    # 05: the article's program, run until it has lost a task.
    ("article_main: runs with lost tasks: 6 of 100, tasks lost: 57 of 1000",
     "article_main: runs with lost tasks: <k> of <runs>, tasks lost: <m> of <total>"),
    ("article_main: runs with lost tasks: 1 of 300, tasks lost: 4 of 3000",
     "article_main: runs with lost tasks: <k> of <runs>, tasks lost: <m> of <total>"),
    ("tasks lost in each losing run: 10 10 4 5", "tasks lost in each losing run: <n> ..."),
    ("tasks lost in each losing run: 10", "tasks lost in each losing run: <n> ..."),
    ("sentinel_main: runs with lost tasks: 0 of 300, tasks lost: 0 of 3000",
     "sentinel_main: runs with lost tasks: 0 of <runs>, tasks lost: 0 of <total>"),
])
def test_examples(raw, clean):
    assert sanitize(raw) == clean


@pytest.mark.parametrize("raw", [
    # A race that did not show must not compare equal to one that did.
    "empty() said True right after put() in 0 of 2000 trials",
    "expected 200000, got 200000, lost 0",
    "broken blocks: 0 of 4000",
    "get_nowait() raised Empty right after put(): 0 of 1000 tries",
    "article_main: runs with lost tasks: 0 of 1000, tasks lost: 0 of 10000",
    "tasks lost in each losing run:",
    # The fix must lose nothing.
    "sentinel_main: runs with lost tasks: 1 of 100, tasks lost: 3 of 1000",
])
def test_a_race_that_did_not_show_is_not_hidden(raw):
    assert sanitize(raw) == raw
