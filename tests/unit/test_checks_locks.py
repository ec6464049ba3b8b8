"""helpers.checks.locks: each exercise check passes, waits, or hints, and never tells."""

import multiprocessing

import pytest

from helpers.checks import NotAttempted, NotYet
from helpers.checks import locks as checks

pytestmark = pytest.mark.per_start_method

EXPECTED = checks.EXERCISE_PROCESSES * checks.EXERCISE_TIMES
SPELLINGS = (str(EXPECTED), f"{EXPECTED:_}", f"{EXPECTED:,}")


def _assert_hint(capsys, error, *words):
    printed = capsys.readouterr().out
    message = str(error.value)
    assert message.startswith("Not yet.") and message in printed
    for word in words:
        assert word in message
    assert not any(spelling in message for spelling in SPELLINGS)


# --- exercise 1 --------------------------------------------------------------------------


@pytest.mark.parametrize("make", [
    lambda: multiprocessing.Value("i", EXPECTED),
    lambda: multiprocessing.RawValue("i", EXPECTED),
    lambda: EXPECTED,
])
def test_locked_count_correct(capsys, make):
    checks.check_locked_count(make())
    assert capsys.readouterr().out.startswith("Correct!")


def test_locked_count_solution_really_passes(capsys):
    from helpers.locks import add_one_locked

    counter, lock = multiprocessing.Value("i", 0), multiprocessing.Lock()
    procs = [multiprocessing.Process(target=add_one_locked,
                                     args=(counter, lock, checks.EXERCISE_TIMES))
             for _ in range(checks.EXERCISE_PROCESSES)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * len(procs)
    checks.check_locked_count(counter)
    assert "Correct!" in capsys.readouterr().out


def test_locked_count_not_attempted(capsys):
    with pytest.raises(NotAttempted, match="Not attempted yet"):
        checks.check_locked_count(...)
    assert "Not attempted yet" in capsys.readouterr().out


@pytest.mark.parametrize(("answer", "words"), [
    ("40000", ("Pass the shared counter", "str")),
    (True, ("Pass the shared counter",)),
    (multiprocessing.Lock, ("Pass the shared counter",)),
    (0, ("still 0", "start()", "join()")),
    (EXPECTED + 1, ("higher", "fresh Value")),
    (2 * EXPECTED, ("higher", "exactly 4 processes")),
    (EXPECTED - 1, ("missing", "same", "join()")),
    (123, ("missing", "add_one_locked")),
])
def test_locked_count_hints(capsys, answer, words):
    with pytest.raises(NotYet) as error:
        checks.check_locked_count(answer)
    _assert_hint(capsys, error, *words)


def test_locked_count_reads_a_value_object(capsys):
    with pytest.raises(NotYet) as error:
        checks.check_locked_count(multiprocessing.Value("i", 0))
    _assert_hint(capsys, error, "still 0")


# --- exercise 2 --------------------------------------------------------------------------


def test_plus_equals_correct(capsys):
    checks.check_plus_equals(False)
    assert capsys.readouterr().out.startswith("Correct!")


def test_plus_equals_not_attempted(capsys):
    with pytest.raises(NotAttempted):
        checks.check_plus_equals(...)
    assert "plus_equals_is_safe" in capsys.readouterr().out


@pytest.mark.parametrize(("answer", "words"), [
    (True, ("read", "write", "in between")),
    ("False", ("True or False",)),
    (0, ("True or False",)),
])
def test_plus_equals_hints(capsys, answer, words):
    with pytest.raises(NotYet) as error:
        checks.check_plus_equals(answer)
    _assert_hint(capsys, error, *words)
    assert "get_lock" not in str(error.value)


# --- exercise 3 --------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["c", "C", " c "])
def test_error_count_design_correct(capsys, answer):
    checks.check_error_count_design(answer)
    assert capsys.readouterr().out.startswith("Correct!")


def test_error_count_design_not_attempted(capsys):
    with pytest.raises(NotAttempted):
        checks.check_error_count_design(...)
    assert "Not attempted yet" in capsys.readouterr().out


@pytest.mark.parametrize(("answer", "words"), [
    ("a", ("loses counts",)),
    ("b", ("once per file",)),
    ("d", ('"a", "b" or "c"',)),
    (3, ('"a", "b" or "c"',)),
])
def test_error_count_design_hints(capsys, answer, words):
    with pytest.raises(NotYet) as error:
        checks.check_error_count_design(answer)
    _assert_hint(capsys, error, *words)
    assert "local variable" not in str(error.value)
