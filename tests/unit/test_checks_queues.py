"""Checks of notebook 03: right, not attempted, each wrong branch, and never a hang."""

import multiprocessing
import threading

import pytest

from helpers.checks import NotAttempted, NotYet
from helpers.checks import queues as checks
from helpers.checks.queues import check_feed, check_safe_loop, check_sentinel_count, run_feed

pytestmark = pytest.mark.per_start_method


@pytest.fixture(autouse=True)
def _no_children_left():
    yield
    assert multiprocessing.active_children() == [], "a check left a child process behind"


@pytest.fixture
def quick(monkeypatch):
    """Short waits for the consumers, for the answers where the check has to wait them out
    whatever the timing (a consumer that never gets its None). feed itself keeps a long
    limit: it returns at once, and a busy machine must not turn that into "did not return"."""
    monkeypatch.setattr(checks, "FEED_TIMEOUT", 30.0)
    monkeypatch.setattr(checks, "IDLE_TIMEOUT", 1.5)
    monkeypatch.setattr(checks, "JOIN_TIMEOUT", 1.0)


@pytest.fixture
def patient(monkeypatch):
    """Long waits, for the answers where every consumer stops by itself: the check then
    returns as soon as they have, and a slow machine (consumers slow to start) cannot
    turn the hint into "still waiting"."""
    monkeypatch.setattr(checks, "FEED_TIMEOUT", 30.0)
    monkeypatch.setattr(checks, "IDLE_TIMEOUT", 30.0)
    monkeypatch.setattr(checks, "JOIN_TIMEOUT", 30.0)


# --- Exercise 1: how many sentinels -------------------------------------------------


def test_sentinel_count_correct(capsys):
    check_sentinel_count(3)
    assert capsys.readouterr().out.startswith("Correct!")


def test_sentinel_count_not_attempted():
    with pytest.raises(NotAttempted):
        check_sentinel_count(...)


@pytest.mark.parametrize(("answer", "hint"), [
    ("3", "whole number"), (3.0, "whole number"), (True, "whole number"),
    (0, "no None at all"), (-1, "no None at all"), (2, "one per producer"),
    (1, "Too few"), (4, "Too many"), (5, "Too many"),
])
def test_sentinel_count_wrong(answer, hint, capsys):
    with pytest.raises(NotYet, match=hint) as info:
        check_sentinel_count(answer)
    assert "3" not in str(info.value).replace(repr(answer), "")
    assert "3" not in capsys.readouterr().out.replace(repr(answer), "")


# --- Exercise 3: a safe consumer loop -----------------------------------------------


def test_safe_loop():
    check_safe_loop(" C ")
    with pytest.raises(NotAttempted):
        check_safe_loop(...)
    for wrong, hint in [("a", "feeder thread"), ("b", "get_nowait"), ("d", "qsize"),
                        ("e", "one of"), (3, "one of")]:
        with pytest.raises(NotYet, match=hint) as info:
            check_safe_loop(wrong)
        assert '"c"' not in str(info.value).split("one of")[-1] or wrong in ("e", 3)


# --- Exercise 2: feed the consumers -------------------------------------------------


def feed_right(tasks, items, n_consumers):
    for item in items:
        tasks.put(item)
    for _ in range(n_consumers):
        tasks.put(None)


def feed_one_sentinel_short(tasks, items, n_consumers):
    feed_right(tasks, items, n_consumers - 1)


def feed_no_sentinel(tasks, items, n_consumers):
    for item in items:
        tasks.put(item)


def feed_sentinels_first(tasks, items, n_consumers):
    for _ in range(n_consumers):
        tasks.put(None)
    for item in items:
        tasks.put(item)


def feed_sentinel_after_each_item(tasks, items, n_consumers):
    for item in items:
        tasks.put(item)
        tasks.put(None)


def feed_one_sentinel_too_many(tasks, items, n_consumers):
    feed_right(tasks, items, n_consumers + 1)


def feed_items_twice(tasks, items, n_consumers):
    feed_right(tasks, list(items) * 2, n_consumers)


def feed_whole_list(tasks, items, n_consumers):
    tasks.put(list(items))
    for _ in range(n_consumers):
        tasks.put(None)


def feed_some_items(tasks, items, n_consumers):
    feed_right(tasks, items[:-1], n_consumers)


def feed_shouting(tasks, items, n_consumers):
    feed_right(tasks, [item + "!" for item in items], n_consumers)


def feed_raises(tasks, items, n_consumers):
    raise RuntimeError("oops")


def feed_two_arguments(tasks, items):
    feed_right(tasks, items, 1)


def test_feed_correct(capsys, patient):
    check_feed(feed_right)
    assert capsys.readouterr().out.startswith("Correct!")


def test_feed_not_attempted():
    with pytest.raises(NotAttempted):
        check_feed(...)


def test_feed_not_a_function():
    with pytest.raises(NotYet, match="should be a function"):
        check_feed("feed")


@pytest.mark.parametrize(("feed", "hint"), [
    (feed_one_sentinel_short, "still waiting in get()"),
    (feed_no_sentinel, "still waiting in get()"),
    (feed_raises, "RuntimeError: oops"),
    (feed_two_arguments, "TypeError"),
])
def test_feed_wrong_and_waited_out(feed, hint, quick, capsys):
    with pytest.raises(NotYet, match=hint) as info:
        check_feed(feed)
    message = str(info.value) + capsys.readouterr().out
    assert "range(" not in message and "RED" not in message


@pytest.mark.parametrize(("feed", "hint"), [
    (feed_sentinels_first, "after all the items"),
    (feed_sentinel_after_each_item, "after all the items"),
    (feed_one_sentinel_too_many, "left over"),
    (feed_items_twice, "more than once"),
    (feed_whole_list, "never reached a consumer"),
    (feed_some_items, "never reached a consumer"),
    (feed_shouting, "something other than the items"),
])
def test_feed_wrong_with_every_consumer_stopping(feed, hint, patient, capsys):
    with pytest.raises(NotYet, match=hint) as info:
        check_feed(feed)
    message = str(info.value) + capsys.readouterr().out
    assert "range(" not in message and "RED" not in message


def test_feed_that_never_returns_is_reported_not_waited_for(quick, monkeypatch):
    monkeypatch.setattr(checks, "FEED_TIMEOUT", 1.0)  # it never returns: any limit is hit
    release = threading.Event()

    def feed_waits(tasks, items, n_consumers):
        release.wait(30)

    try:
        with pytest.raises(NotYet, match="did not return"):
            check_feed(feed_waits)
    finally:
        release.set()


def test_run_feed_reports_consumers_still_waiting(monkeypatch):
    # No consumer ever stops: both are still waiting however fast the machine is. The
    # results are all collected (a long idle wait ends as soon as they are in), then the
    # check waits a short while for consumers that will never stop.
    monkeypatch.setattr(checks, "IDLE_TIMEOUT", 30.0)
    report = run_feed(feed_no_sentinel, ["red", "blue"], 2, feed_timeout=30.0, join_timeout=0.5)
    assert report.returned and report.error is None
    assert sorted(report.results) == ["BLUE", "RED"]
    assert report.still_waiting == 2
    assert report.leftover == []  # not read while consumers were stopped by force


def test_run_feed_reports_what_was_left_over(patient):
    report = run_feed(feed_one_sentinel_too_many, ["red"], 1)
    assert report.returned and report.error is None
    assert report.still_waiting == 0
    assert report.results == ["RED"]
    assert report.leftover == [None]


def test_run_feed_reports_the_feeds_error(quick):
    report = run_feed(feed_raises, ["red"], 1)
    assert report.returned and not report.still_running
    # feed may run in another process: its error comes back by name and message.
    assert (type(report.error).__name__, str(report.error)) == ("RuntimeError", "oops")
    assert report.results == [] and report.still_waiting == 1
