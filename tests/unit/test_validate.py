"""helpers.instruments.validate: the one validation vocabulary.

Every checker returns the cleaned value; raises TypeError for the wrong kind of value and
ValueError for the right kind with the wrong size; and its message names the parameter,
says what it got, and what to pass instead.
"""

from __future__ import annotations

import math
import multiprocessing
import queue as stdlib_queue
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.cpus import usable_cpus
from helpers.instruments import validate as v

PROPERTY = settings(max_examples=200, deadline=None)


def _message(error_info) -> str:
    return str(error_info.value)


# --- describe and the predicates ------------------------------------------------------------


def test_describe_gives_the_repr_and_the_type():
    assert v.describe("3") == "'3' (a str)"
    assert v.describe(None) == "None (a NoneType)"
    long = v.describe("x" * 100)
    assert long.endswith("... (a str)") and len(long) < 80


@pytest.mark.parametrize(("value", "whole", "num"), [
    (3, True, True), (-3, True, True), (np.int64(3), True, True), (3.0, False, True),
    (np.float64(2.5), False, True), (Fraction(1, 2), False, True), (True, False, False),
    (False, False, False), ("3", False, False), (None, False, False),
    (float("nan"), False, False), (float("inf"), False, False), (1j, False, False),
])
def test_predicates(value, whole, num):
    assert v.is_whole_number(value) is whole
    assert v.is_number(value) is num


# --- numbers -----------------------------------------------------------------------------------


def test_whole_number_accepts_and_cleans():
    assert v.whole_number(3, "n") == 3
    assert type(v.whole_number(np.int64(3), "n")) is int
    assert v.whole_number(0, "n") == 0
    assert v.whole_number(5, "n", least=5, most=5) == 5


@pytest.mark.parametrize(("value", "error", "text"), [
    ("3", TypeError, "n must be a whole number of at least 0, not '3' (a str)."),
    (3.0, TypeError, "n must be a whole number of at least 0, not 3.0 (a float)."),
    (True, TypeError, "n must be a whole number of at least 0, not True (a bool)."),
    (None, TypeError, "n must be a whole number of at least 0, not None (a NoneType)."),
    (-1, ValueError, "n must be a whole number of at least 0, not -1."),
])
def test_whole_number_refuses(value, error, text):
    with pytest.raises(error) as info:
        v.whole_number(value, "n")
    assert _message(info) == text


def test_whole_number_with_both_bounds_says_the_range():
    with pytest.raises(ValueError, match=r"^code must be a whole number from 0 to 255, not 256\.$"):
        v.whole_number(256, "code", most=255)


def test_number_and_real():
    assert v.number(3, "x") == 3.0 and type(v.number(3, "x")) is float
    assert v.number(0.5, "x", least=0, most=1) == 0.5
    assert v.real(3, "x") == 3 and type(v.real(3, "x")) is int  # returned as it is
    with pytest.raises(ValueError, match=r"^x must be a number above 0, not 0\.$"):
        v.number(0, "x", above=0)
    with pytest.raises(ValueError, match=r"^x must be a number of at least 1, not 0\.5\.$"):
        v.number(0.5, "x", least=1)
    with pytest.raises(ValueError, match=r"^x must be a number of at most 1, not 2\.$"):
        v.number(2, "x", most=1)
    with pytest.raises(ValueError, match=r"^x must be a finite number of seconds, not nan\.$"):
        v.number(float("nan"), "x", unit="seconds")
    with pytest.raises(TypeError, match=r"^x must be a number, not '1' \(a str\)\.$"):
        v.real("1", "x")


@pytest.mark.parametrize(("value", "error"), [(0, ValueError), (-1, ValueError),
                                              (float("inf"), ValueError), ("1", TypeError),
                                              (True, TypeError), (None, TypeError)])
def test_positive_number(value, error):
    assert v.positive_number(0.5, "delay") == 0.5
    assert v.positive_number(0, "delay", allow_zero=True) == 0.0
    with pytest.raises(error, match="^delay must be a"):
        v.positive_number(value, "delay")


def test_seconds_has_a_limit_that_can_be_raised(monkeypatch):
    assert v.seconds(0) == 0.0 and v.seconds(600) == 600.0
    with pytest.raises(ValueError, match="seconds must be a number of seconds above 0"):
        v.seconds(0, allow_zero=False)
    with pytest.raises(ValueError) as info:
        v.seconds(601, "pause")
    assert _message(info).startswith("pause=601 seconds is more than 600 s, the most this allows.")
    assert "from helpers.instruments.validate import LIMITS; LIMITS['seconds'] = 601" in (
        _message(info))
    monkeypatch.setitem(v.LIMITS, "seconds", 601)
    assert v.seconds(601, "pause") == 601.0


def test_fraction():
    assert v.fraction(0, "f") == 0.0 and v.fraction(1, "f") == 1.0 and v.fraction(0.05, "f")
    with pytest.raises(ValueError, match=r"^f must be a number from 0 to 1 \(5 % is 0\.05\), "
                                         r"not 5\.$"):
        v.fraction(5, "f")
    with pytest.raises(TypeError, match=r"^f must be a number, not '0\.1' \(a str\)"):
        v.fraction("0.1", "f")
    with pytest.raises(ValueError, match="^f must be a finite number"):
        v.fraction(float("nan"), "f")


@PROPERTY
@given(st.one_of(st.integers(), st.floats(allow_nan=True), st.text(max_size=3), st.none(),
                 st.booleans()))
def test_number_checkers_return_or_raise_their_own_errors(value):
    for check in (lambda x: v.whole_number(x, "p"), lambda x: v.number(x, "p"),
                  lambda x: v.positive_number(x, "p"), lambda x: v.fraction(x, "p")):
        try:
            result = check(value)
        except (TypeError, ValueError) as error:
            assert str(error).startswith("p ") or str(error).startswith("p=")
        else:
            assert math.isfinite(result)


# --- counts that start processes, and the limits --------------------------------------------


def test_the_limits_and_their_keys():
    assert set(v.LIMITS) == {"processes", "seconds", "bytes", "repeats", "items"}
    assert v.LIMITS["processes"] == 0  # 0: computed from the usable CPUs


def test_process_limit_follows_the_cpus_unless_raised(monkeypatch):
    assert v.process_limit() == max(32, 8 * usable_cpus())
    monkeypatch.setitem(v.LIMITS, "processes", 200)
    assert v.process_limit() == 200


def test_process_count_refuses_far_too_many_and_says_how_to_allow_it(monkeypatch):
    top = v.process_limit()
    assert v.process_count(top, "workers") == top
    with pytest.raises(ValueError) as info:
        v.process_count(top + 1, "workers")
    message = _message(info)
    assert message.startswith(f"workers={top + 1} would start {top + 1} processes")
    assert f"the most allowed is {top}" in message
    assert f"LIMITS['processes'] = {top + 1}" in message
    monkeypatch.setitem(v.LIMITS, "processes", top + 1)  # raised on purpose
    assert v.process_count(top + 1, "workers") == top + 1


@pytest.mark.parametrize(("value", "error"), [(0, ValueError), (-2, ValueError),
                                              (2.0, TypeError), ("2", TypeError),
                                              (True, TypeError)])
def test_process_count_refuses_bad_counts(value, error):
    with pytest.raises(error, match="^n_processes must be a whole number of at least 1"):
        v.process_count(value, "n_processes")
    assert v.process_count(0, "n_workers", least=0) == 0


@pytest.mark.parametrize("limit", ["bytes", "repeats", "items"])
def test_bounded_refuses_more_than_its_limit_and_can_be_raised(limit, monkeypatch):
    top = int(v.LIMITS[limit])
    assert v.bounded(top, "n", limit) == top
    with pytest.raises(ValueError, match=rf"^n={top + 1} is more than {top}, the most this "
                                         rf"allows .*LIMITS\['{limit}'\] = {top + 1}$"):
        v.bounded(top + 1, "n", limit)
    monkeypatch.setitem(v.LIMITS, limit, top + 1)
    assert v.bounded(top + 1, "n", limit) == top + 1
    with pytest.raises(TypeError, match="^n must be a whole number"):
        v.bounded(1.5, "n", limit)
    with pytest.raises(ValueError, match="^n must be a whole number of at least 1"):
        v.bounded(0, "n", limit, least=1)


# --- collections and choices -------------------------------------------------------------------


def test_list_of_accepts_any_iterable_but_a_string_or_a_mapping():
    assert v.list_of([1, 2], "xs") == [1, 2]
    assert v.list_of((1, 2), "xs") == [1, 2]
    assert v.list_of(range(3), "xs") == [0, 1, 2]
    assert v.list_of(iter("ab"), "xs") == ["a", "b"]
    assert v.list_of([], "xs") == []
    for bad in ("red", b"red", {"a": 1}, 5, None):
        with pytest.raises(TypeError) as info:
            v.list_of(bad, "colors", what="colours", example="['red', 'blue']")
        assert _message(info) == (f"colors must be a list of colours, such as ['red', 'blue'], "
                                  f"not {v.describe(bad)}. Put a single one in a list: "
                                  f"[{bad!r}].")
    with pytest.raises(TypeError, match=r"^xs must be a list of values, such as \[1, 2, 3\], "
                                        r"not 5 \(a int\)"):
        v.list_of(5, "xs")
    with pytest.raises(TypeError, match=r"^xs must be a list of names, not 5 \(a int\)"):
        v.list_of(5, "xs", what="names")


def test_list_of_checks_each_item_by_its_index_and_its_length(monkeypatch):
    assert v.list_of(["1", 2], "xs", item=lambda x, name: str(x)) == ["1", "2"]
    with pytest.raises(TypeError, match=r"^xs\[1\] must be a whole number"):
        v.list_of([1, "2"], "xs", item=v.whole_number)
    with pytest.raises(ValueError, match=r"^xs must hold at least 2 of its values, but it is "
                                         r"empty"):
        v.list_of([], "xs", least=2)
    with pytest.raises(ValueError, match=r"^xs must hold at least 2 of its values, but it holds "
                                         r"1"):
        v.list_of([1], "xs", least=2)
    monkeypatch.setitem(v.LIMITS, "items", 3)
    with pytest.raises(ValueError, match=r"^xs holds 4 values, more than 3, .*LIMITS\['items'\] "
                                         r"= 4$"):
        v.list_of([1, 2, 3, 4], "xs")
    assert v.list_of([1, 2, 3, 4], "xs", most=None) == [1, 2, 3, 4]


def test_choice():
    assert v.choice("b", "letter", ("a", "b")) == "b"
    with pytest.raises(ValueError, match=r"^letter must be one of 'a', 'b', not 'c'\.$"):
        v.choice("c", "letter", ("a", "b"))
    with pytest.raises(TypeError, match=r"^letter must be one of 'a', 'b', not 1 \(a int\)\.$"):
        v.choice(1, "letter", ["a", "b"])


def test_mapping():
    assert v.mapping({1: "2"}, "m", key=v.whole_number, item=lambda x, name: int(x)) == {1: 2}
    with pytest.raises(TypeError, match=r"^m must be a dict such as \{1: 0.5\}, not \[1\]"):
        v.mapping([1], "m")
    with pytest.raises(ValueError, match="^m must hold at least 1 entries, but it is empty"):
        v.mapping({}, "m", least=1)
    with pytest.raises(ValueError, match=r"^a key of m \(-1\) must be a whole number"):
        v.mapping({-1: 0}, "m", key=v.whole_number)
    with pytest.raises(TypeError, match=r"^m\['a'\] must be a number"):
        v.mapping({"a": "x"}, "m", item=v.number)


# --- start methods and contexts -------------------------------------------------------------------


AVAILABLE = [m for m in v.START_METHODS if m in multiprocessing.get_all_start_methods()]


def test_start_methods_have_one_fixed_order():
    assert v.START_METHODS == ("fork", "spawn", "forkserver")


def test_start_method_accepts_a_name_or_none():
    for method in AVAILABLE:
        assert v.start_method(method) == method
    assert v.start_method(None) is None
    with pytest.raises(TypeError, match="^method must be one of"):
        v.start_method(None, "method", allow_none=False)


def test_start_method_lists_the_methods_in_the_course_order(monkeypatch):
    monkeypatch.setattr(multiprocessing, "get_all_start_methods",
                        lambda: list(reversed(AVAILABLE)))
    with pytest.raises(ValueError) as info:
        v.start_method("thread")
    assert _message(info) == (f"start_method must be one of {AVAILABLE} (those this system "
                              "has), not 'thread'.")


def test_start_method_given_a_context_object_says_what_to_pass():
    ctx = multiprocessing.get_context(AVAILABLE[0])
    with pytest.raises(TypeError) as info:
        v.start_method(ctx, "method")
    assert _message(info) == (f"method must be a start method's name such as "
                              f"{AVAILABLE[-1]!r}, not a context object: pass "
                              "ctx.get_start_method() instead.")
    with pytest.raises(TypeError, match=r"^method must be one of .* not 3 \(a int\)"):
        v.start_method(3, "method")


def test_context_accepts_none_a_name_or_a_context():
    assert v.context(None).get_start_method() == multiprocessing.get_start_method()
    for method in AVAILABLE:
        assert v.context(method).get_start_method() == method
        ctx = multiprocessing.get_context(method)
        assert v.context(ctx) is ctx
    with pytest.raises(TypeError, match=r"^ctx must be a multiprocessing context, such as "
                                        r"multiprocessing.get_context\('spawn'\)"):
        v.context(42)
    with pytest.raises(ValueError, match="^ctx must be one of"):
        v.context("thread")


# --- functions, files, text and objects -----------------------------------------------


def test_function():
    assert v.function(len, "func") is len
    with pytest.raises(TypeError) as info:
        v.function(len("abc"), "func")
    assert _message(info) == ("func must be a function, not 3 (a int): pass the function "
                              "itself, without calling it (f, not f()).")


def test_existing_file(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("x")
    assert v.existing_file(str(path), "path") == path
    assert v.existing_file(path, "path") == path
    with pytest.raises(FileNotFoundError, match=r"^path: there is no file '.*absent.csv'"):
        v.existing_file(tmp_path / "absent.csv", "path")
    with pytest.raises(ValueError, match=r"^path must be a file, but '.*' is a folder"):
        v.existing_file(tmp_path, "path")
    with pytest.raises(TypeError, match=r"^path must be a file path \(a str or Path\), not 3"):
        v.existing_file(3, "path")


def test_file_path(tmp_path):
    assert v.file_path(tmp_path / "new.txt", "out") == tmp_path / "new.txt"
    with pytest.raises(ValueError, match="^out must be a file, but .* is a folder"):
        v.file_path(tmp_path, "out")
    with pytest.raises(FileNotFoundError, match="^out: there is no folder"):
        v.file_path(tmp_path / "absent" / "new.txt", "out")
    for bad in ("", 3, None):
        with pytest.raises(TypeError, match=r"^out must be a file path \(a str or Path\)"):
            v.file_path(bad, "out")


def test_path_and_text():
    assert v.path("results", "folder") == Path("results")
    with pytest.raises(TypeError, match=r"^folder must be a path \(a str or Path\), not 3"):
        v.path(3, "folder")
    assert v.text("red", "color") == "red"
    with pytest.raises(TypeError, match=r"^color must be a string such as 'red', not 1 \(a int\)"):
        v.text(1, "color")
    with pytest.raises(TypeError, match="^task must be a string such as 'Task no 3'"):
        v.text(None, "task", example="'Task no 3'")


def test_instance_and_has_methods():
    assert v.instance(3, "n", int, "an int") == 3
    with pytest.raises(TypeError, match=r"^n must be an int, from len\(\), not '3' \(a str\)"):
        v.instance("3", "n", int, "an int, from len()")
    q = stdlib_queue.Queue()
    assert v.has_methods(q, "q", ("put", "get"), "a queue") is q
    with pytest.raises(TypeError) as info:
        v.has_methods([], "q", ("put", "get"), "a queue")
    assert _message(info).startswith("q must be a queue, not [] (a list): it has no put().")


def test_queue_connection_shared_value_and_lock():
    q, jq = multiprocessing.Queue(), multiprocessing.JoinableQueue()
    here, there = multiprocessing.Pipe()
    value, raw, lock = multiprocessing.Value("i", 0), multiprocessing.RawValue("i", 0), \
        multiprocessing.Lock()
    try:
        assert v.queue(q, "tasks") is q and v.queue(jq, "tasks", joinable=True) is jq
        with pytest.raises(TypeError, match="^tasks must be a JoinableQueue.*no task_done()"):
            v.queue(q, "tasks", joinable=True)
        with pytest.raises(TypeError, match=r"^tasks must be a queue, such as "
                                            r"multiprocessing.Queue\(\)"):
            v.queue([], "tasks")
        assert v.connection(here, "conn") is here
        with pytest.raises(TypeError, match="^conn must be one end of a pipe"):
            v.connection(q, "conn")
        assert v.shared_value(raw, "counter") is raw
        assert v.shared_value(value, "counter", own_lock=True) is value
        with pytest.raises(TypeError, match=r"a RawValue has no lock"):
            v.shared_value(raw, "counter", own_lock=True)
        with pytest.raises(TypeError, match=r"^counter must be a shared number .*no \.value"):
            v.shared_value(0, "counter")
        assert v.lock(lock, "lock") is lock and v.lock(None, "lock") is None
        with pytest.raises(TypeError, match="^lock must be a lock such as"):
            v.lock("lock", "lock")
    finally:
        here.close()
        there.close()
        for each in (q, jq):
            each.close()
            each.join_thread()


def test_numpy_dtype():
    assert v.numpy_dtype("int64", "dtype") == np.dtype("int64")
    assert v.numpy_dtype(np.arange(3).dtype.str, "dtype") == np.arange(3).dtype
    with pytest.raises(TypeError, match="^dtype must be a NumPy dtype such as 'int64'"):
        v.numpy_dtype(3.5, "dtype")


def test_every_public_function_is_tested_here():
    source = Path(__file__).read_text()
    public = [name for name, value in vars(v).items()
              if callable(value) and not name.startswith("_")
              and getattr(value, "__module__", None) == v.__name__]
    untested = [name for name in public if not re.search(rf"\bv\.{name}\(", source)]
    assert not untested, f"no test calls {untested}"
