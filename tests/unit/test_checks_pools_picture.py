"""helpers.checks.pools.check_chunk_picture (notebook 06, exercise 4): predict the picture
of eight tasks in chunks of 8 on 2 workers. The right letter passes; each wrong one gets a
hint that points to the idea without naming the letter."""

from __future__ import annotations

import pytest

from helpers.checks.core import NotAttempted, NotYet
from helpers.checks.pools import CHUNK_PICTURE, check_chunk_picture


@pytest.mark.parametrize("answer", ["c", " C ", "c\n"])
def test_right(answer, capsys):
    check_chunk_picture(answer)
    out = capsys.readouterr().out
    assert out.startswith("Correct!") and "single chunk" in out


@pytest.mark.parametrize("answer", ["a", "b", "d"])
def test_wrong_letters_get_a_hint_without_the_answer(answer, capsys):
    with pytest.raises(NotYet) as info:
        check_chunk_picture(answer)
    hint = str(info.value)
    assert len(hint) > len("Not yet. ") + 20
    assert '"c"' not in hint and "one row" not in hint


def test_not_attempted():
    with pytest.raises(NotAttempted, match="set choice to"):
        check_chunk_picture(...)


@pytest.mark.parametrize("answer", ["e", 3, None, ["c"]])
def test_not_a_letter(answer):
    with pytest.raises(NotYet, match='"a", "b", "c" or "d"'):
        check_chunk_picture(answer)


def test_the_right_letter_is_what_a_pool_does():
    """One chunk of eight on a pool of two: exactly one worker runs tasks."""
    from multiprocessing.pool import ThreadPool

    with ThreadPool(2) as pool:
        workers = pool.map(_worker_name, range(8), chunksize=8)
    assert len(set(workers)) == 1
    assert CHUNK_PICTURE == "c"


def _worker_name(_: int) -> str:
    import threading

    return threading.current_thread().name
