"""helpers.checks.core: messages, exception types, and the never-hang worker runner."""

import multiprocessing

import pytest

from helpers import workers
from helpers.checks import NotAttempted, NotYet, correct, expect, require_attempt
from helpers.checks.core import run_learner_worker


def test_both_failures_are_assertion_errors():
    assert issubclass(NotYet, AssertionError) and issubclass(NotAttempted, AssertionError)


def test_require_attempt(capsys):
    require_attempt(0, "set x")  # any real value counts as an attempt
    with pytest.raises(NotAttempted, match="Not attempted yet: set x"):
        require_attempt(..., "set x")
    assert "Not attempted yet: set x, then run this check again." in capsys.readouterr().out


def test_expect_and_correct(capsys):
    expect(True, "unused")
    with pytest.raises(NotYet, match="Not yet. Look again."):
        expect(False, "Look again.")
    correct("Well done.")
    out = capsys.readouterr().out.splitlines()
    assert out == ["Not yet. Look again.", "Correct! Well done."]


def test_run_learner_worker_runs_an_importable_function():
    assert run_learner_worker(workers.square, [1, 2, 3]) == [1, 4, 9]


def test_run_learner_worker_reports_the_workers_exception():
    with pytest.raises(NotYet, match="raised ZeroDivisionError"):
        run_learner_worker(workers.reciprocal, [0])


def test_run_learner_worker_times_out_instead_of_hanging():
    with pytest.raises(NotYet, match="did not finish within 0.5 s"):
        run_learner_worker(workers.sleep_for, [30], timeout=0.5)
    assert not multiprocessing.active_children()


def test_run_learner_worker_refuses_a_lambda():
    with pytest.raises(NotYet, match="cannot be pickled"):
        run_learner_worker(lambda x: x, [1])


def test_run_learner_worker_refuses_non_callable():
    with pytest.raises(NotYet, match="Pass the function itself"):
        run_learner_worker(42, [1])


def _main_module_function(x):
    return x


def test_notebook_defined_function_gets_the_fix(start_method):
    _main_module_function.__module__ = "__main__"  # as if defined in a notebook cell
    if start_method == "fork":
        pytest.skip("under fork a __main__ function is inherited and works")
    with pytest.raises(NotYet, match="%%writefile my_workers.py"):
        run_learner_worker(_main_module_function, [1])


def test_check_choice(capsys):
    from helpers.checks import check_choice

    hints = {"a": "Think about A.", "c": "Think about C."}
    check_choice(" B ", "b", hints, "Well chosen.")
    assert capsys.readouterr().out == "Correct! Well chosen.\n"
    with pytest.raises(NotAttempted, match='set choice to "a", "b" or "c"'):
        check_choice(..., "b", hints, "")
    with pytest.raises(NotYet, match="Think about C."):
        check_choice("c", "b", hints, "")
    with pytest.raises(NotYet, match="one of the strings"):
        check_choice(2, "b", hints, "")
