"""Tests for helpers.checks.pools: right answers pass, wrong ones get a hint, never the answer."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from helpers.checks.core import NotAttempted, NotYet
from helpers.checks.pools import (
    RECIPROCAL_VALUES,
    check_describe_task,
    check_safe_reciprocals,
    check_squares,
)
from helpers.pools import WORK, square

pytestmark = pytest.mark.per_start_method

SQUARES = [n * n for n in range(20)]
RECIPROCALS = sorted(1 / x for x in RECIPROCAL_VALUES if x != 0)
DESCRIPTIONS = [f"{name}: {units} units" for name, units in WORK]


def hint_of(check, answer) -> str:
    with pytest.raises(NotYet) as info:
        check(answer)
    return str(info.value)


# --- Exercise 1: squares --------------------------------------------------------------


def test_squares_correct(capsys):
    check_squares(list(SQUARES))
    assert capsys.readouterr().out.startswith("Correct!")


def test_squares_not_attempted(capsys):
    with pytest.raises(NotAttempted):
        check_squares(...)
    assert "Not attempted" in capsys.readouterr().out


class _Pending:
    """Quacks like the AsyncResult of map_async: ``get`` and ``ready``."""

    def get(self, timeout=None):
        return SQUARES

    def ready(self):
        return True


@pytest.mark.parametrize("answer, words", [
    (_Pending(), ".get()"),
    (iter(SQUARES), "list(...)"),
    (tuple(SQUARES), "list"),
    (SQUARES[:10], "has 10"),
    ([square] * 20, "without calling it"),
    (SQUARES[::-1], "different order"),
    ([n + n for n in range(20)], "not the squares"),
])
def test_squares_wrong(answer, words, capsys):
    message = hint_of(check_squares, answer)
    assert words in message
    assert str(SQUARES) not in message and "361" not in message
    assert capsys.readouterr().out.startswith("Not yet.")


# --- Exercise 2: reciprocals that succeed ---------------------------------------------


def test_reciprocals_correct(capsys):
    check_safe_reciprocals(list(RECIPROCALS))
    assert capsys.readouterr().out.startswith("Correct!")


def test_reciprocals_accept_tuple_and_ints_close_enough():
    check_safe_reciprocals(tuple(RECIPROCALS))
    check_safe_reciprocals([-1, -0.5, 0.25, 0.5, 1])


def test_reciprocals_not_attempted():
    with pytest.raises(NotAttempted):
        check_safe_reciprocals(...)


@pytest.mark.parametrize("answer, words", [
    ({1.0}, "should be a list"),
    ([], "all or nothing"),
    ([0.25, 0.5, 1.0, None, -1.0, -0.5], "leave the failing task out"),
    ([0.25, 0.5, 1.0, ZeroDivisionError(), -1.0, -0.5], "leave the failing task out"),
    ([0.0, 0.25, 0.5, 1.0, -1.0, -0.5], "too many"),
    ([0.25, 0.5, 1.0], "missing"),
    ([0.25, 0.5, 1.0, -1.0, -0.5], "Sort"),
    ([-2, -1, 1, 2, 4], "not the reciprocals"),
])
def test_reciprocals_wrong(answer, words):
    message = hint_of(check_safe_reciprocals, answer)
    assert words in message
    for value in RECIPROCALS:
        assert str(value) not in message


# --- Exercise 3: the learner's own worker, in a real pool -----------------------------


@pytest.fixture
def learner_module(tmp_path, monkeypatch):
    """Write my_workers_test.py in a temporary folder and import it, as %%writefile would."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # rewrites within a second

    def write(body: str):
        name = "my_workers_under_test"
        Path(tmp_path, name + ".py").write_text(textwrap.dedent(body))
        sys.modules.pop(name, None)
        module = __import__(name)
        return module.describe_task

    yield write
    sys.modules.pop("my_workers_under_test", None)


def test_describe_task_correct(learner_module, capsys):
    func = learner_module("""
        def describe_task(work_data):
            name, units = work_data
            return f"{name}: {units} units"
    """)
    check_describe_task(func)
    assert capsys.readouterr().out.startswith("Correct!")


def test_describe_task_not_attempted(learner_module):
    with pytest.raises(NotAttempted):
        check_describe_task(...)
    for body in ("...", "text = ...; return text"):
        stub = learner_module(f"""
            def describe_task(work_data):
                {body}
        """)
        with pytest.raises(NotAttempted, match="returns"):
            check_describe_task(stub)


@pytest.mark.parametrize("body, words", [
    ("return len(work_data)", "of type int"),
    ("return f'{work_data[0]}:{work_data[1]} units'", "character by character"),
    ("raise NotImplementedError()", "raised NotImplementedError"),
])
def test_describe_task_wrong(learner_module, body, words):
    func = learner_module(f"""
        def describe_task(work_data):
            {body}
    """)
    message = hint_of(check_describe_task, func)
    assert words in message
    for text in DESCRIPTIONS:
        assert text not in message


def test_describe_task_not_a_function():
    assert "Pass the function itself" in hint_of(check_describe_task, "describe_task")
