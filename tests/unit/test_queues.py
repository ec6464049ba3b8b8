"""helpers.queues: producer/consumer workers, in this process and in real child processes."""

import multiprocessing
import queue
import re
import threading

import pytest
from nbval.plugin import get_sanitize_patterns

from helpers import queues
from tests.plugin import SANITIZERS

pytestmark = pytest.mark.per_start_method


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


@pytest.mark.parametrize(("bad", "error"), [(0, ValueError), (-1, ValueError),
                                            (10**6, ValueError), (1.5, TypeError),
                                            (True, TypeError), ("2", TypeError)])
def test_producer_rejects_bad_consumer_counts(bad, error):
    tasks = queue.Queue()
    with pytest.raises(error, match="n_consumers"):
        queues.producer(tasks, ["a"], bad)
    assert tasks.empty()  # checked before anything was put


def test_producer_refuses_a_none_item_and_a_single_string():
    tasks = queue.Queue()
    with pytest.raises(ValueError, match=r"items\[1\] is None, which the consumers read as "
                                         r"'stop'"):
        queues.producer(tasks, ["a", None], 1)
    with pytest.raises(TypeError, match="items must be a list"):
        queues.producer(tasks, "red", 1)
    assert tasks.empty()


def test_the_workers_want_queues_and_a_pipe():
    with pytest.raises(TypeError, match="tasks must be a queue"):
        queues.producer(["a"], ["a"], 1)
    with pytest.raises(TypeError, match="results must be a queue"):
        queues.consumer(queue.Queue(), [])
    with pytest.raises(TypeError, match="tasks must be a JoinableQueue"):
        queues.joinable_consumer(multiprocessing.Queue(), queue.Queue())
    with pytest.raises(TypeError, match="conn must be one end of a pipe"):
        queues.pipe_shouter(queue.Queue())


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


def _sanitize(text):
    for regex, replace in get_sanitize_patterns(SANITIZERS.read_text(encoding="utf-8")):
        text = re.sub(regex, replace, text)
    return text


@pytest.mark.parametrize(("raw", "clean"), [
    ("empty() said True right after put() in 194 of 200 trials",
     "empty() said True right after put() in <n> of <trials> trials"),
    ("empty() said True right after put() in 3 of 1400 trials",
     "empty() said True right after put() in <n> of <trials> trials"),
    # empty_after_put goes on until the race has shown: a 0 is a difference to report.
    ("empty() said True right after put() in 0 of 2000 trials",
     "empty() said True right after put() in 0 of 2000 trials"),
    ("get(timeout=5) found the item in 200 of 200 trials",
     "get(timeout=5) found the item in 200 of 200 trials"),
])
def test_notebook_03_sanitizer(raw, clean):
    assert _sanitize(raw) == clean
