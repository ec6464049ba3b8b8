"""helpers.queues: producer/consumer workers, in this process and in real child processes."""

import multiprocessing
import queue
import re
import threading

import pytest
from nbval.plugin import get_sanitize_patterns

from helpers import queues
from tests.harness import SANITIZERS


def _drain(q, n, timeout=10):
    return [q.get(timeout=timeout) for _ in range(n)]


def test_colors_are_the_articles():
    assert queues.COLORS == ("red", "green", "blue", "black")


def test_shout():
    assert queues.shout("red") == "RED"
    assert queues.shout(3) == "3"


def test_producer_puts_items_then_one_sentinel_per_consumer():
    tasks = queue.Queue()
    queues.producer(tasks, ["a", "b"], 3)
    assert [tasks.get_nowait() for _ in range(5)] == ["a", "b", None, None, None]
    assert tasks.empty()  # a thread queue has no feeder thread: empty() is exact here


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_producer_rejects_bad_consumer_counts(bad):
    with pytest.raises(ValueError, match="n_consumers"):
        queues.producer(queue.Queue(), ["a"], bad)


def test_consumer_stops_at_the_sentinel_and_leaves_the_rest():
    tasks, results = queue.Queue(), queue.Queue()
    for item in ["red", "green", None, "blue"]:
        tasks.put(item)
    assert queues.consumer(tasks, results) is None
    assert [results.get_nowait() for _ in range(2)] == ["RED", "GREEN"]
    assert tasks.get_nowait() == "blue"


def test_producer_and_consumers_in_processes():
    tasks, results = multiprocessing.Queue(), multiprocessing.Queue()
    consumers = [multiprocessing.Process(target=queues.consumer, args=(tasks, results))
                 for _ in range(3)]
    maker = multiprocessing.Process(target=queues.producer,
                                    args=(tasks, queues.COLORS, len(consumers)))
    for p in [maker, *consumers]:
        p.start()
    done = _drain(results, len(queues.COLORS))
    for p in [maker, *consumers]:
        p.join(10)
    assert sorted(done) == ["BLACK", "BLUE", "GREEN", "RED"]
    assert [p.exitcode for p in [maker, *consumers]] == [0, 0, 0, 0]


def test_joinable_consumer_calls_task_done_for_every_get():
    tasks, results = queue.Queue(), queue.Queue()  # a thread queue has task_done/join too
    for item in ["red", "green", None]:
        tasks.put(item)
    queues.joinable_consumer(tasks, results)
    assert tasks.unfinished_tasks == 0
    assert [results.get_nowait() for _ in range(2)] == ["RED", "GREEN"]


def test_joinable_consumer_in_processes_lets_join_return():
    tasks, results = multiprocessing.JoinableQueue(), multiprocessing.Queue()
    workers = [multiprocessing.Process(target=queues.joinable_consumer, args=(tasks, results))
               for _ in range(2)]
    for w in workers:
        w.start()
    for color in queues.COLORS:
        tasks.put(color)
    joiner = threading.Thread(target=tasks.join, daemon=True)  # join() has no timeout
    joiner.start()
    joiner.join(10)
    assert not joiner.is_alive(), "tasks.join() did not return: a task_done() is missing"
    done = _drain(results, len(queues.COLORS))
    for _ in workers:
        tasks.put(None)
    for w in workers:
        w.join(10)
    assert sorted(done) == ["BLACK", "BLUE", "GREEN", "RED"]
    assert [w.exitcode for w in workers] == [0, 0]


def test_pipe_shouter():
    parent_end, child_end = multiprocessing.Pipe()
    p = multiprocessing.Process(target=queues.pipe_shouter, args=(child_end,))
    p.start()
    child_end.close()
    answers = []
    for color in queues.COLORS:
        parent_end.send(color)
        assert parent_end.poll(10), "pipe_shouter did not answer"
        answers.append(parent_end.recv())
    parent_end.send(None)
    p.join(10)
    assert answers == ["RED", "GREEN", "BLUE", "BLACK"]
    assert p.exitcode == 0
    assert parent_end.poll(10)
    with pytest.raises(EOFError):  # the child closed its end
        parent_end.recv()
    parent_end.close()


def test_empty_after_put_gets_every_item_back():
    race = queues.empty_after_put(50)
    assert race.trials == 50
    assert race.got_back == 50
    assert 0 <= race.said_empty <= 50


def test_empty_after_put_shows_the_race():
    # What notebook 03 prints: over 200 trials empty() is wrong at least once (in
    # practice almost always, because the feeder thread has not run yet).
    assert queues.empty_after_put(200).said_empty > 0


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_empty_after_put_rejects_bad_trials(bad):
    with pytest.raises(ValueError, match="trials"):
        queues.empty_after_put(bad)


def _sanitize(text):
    for regex, replace in get_sanitize_patterns(SANITIZERS.read_text(encoding="utf-8")):
        text = re.sub(regex, replace, text)
    return text


@pytest.mark.parametrize(("raw", "clean"), [
    ("empty() said True right after put() in 194 of 200 trials",
     "empty() said True right after put() in <n> of 200 trials"),
    ("empty() said True right after put() in 0 of 200 trials",
     "empty() said True right after put() in <n> of 200 trials"),
    ("get(timeout=5) found the item in 200 of 200 trials",
     "get(timeout=5) found the item in 200 of 200 trials"),
])
def test_notebook_03_sanitizer(raw, clean):
    assert _sanitize(raw) == clean
