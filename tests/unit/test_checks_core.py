"""helpers.checks.core: messages, exception types, and the never-hang worker runner."""

import multiprocessing
import sys

import pytest

from helpers import pools, processes
from helpers.checks import NotAttempted, NotYet, correct, expect, require_attempt
from helpers.checks.core import run_learner_worker

pytestmark = pytest.mark.per_start_method


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
    assert run_learner_worker(pools.square, [1, 2, 3]) == [1, 4, 9]


def test_run_learner_worker_reports_the_workers_exception():
    with pytest.raises(NotYet, match="raised ZeroDivisionError"):
        run_learner_worker(pools.reciprocal, [0])


def test_run_learner_worker_times_out_instead_of_hanging():
    with pytest.raises(NotYet, match="did not finish within 0.5 s"):
        run_learner_worker(processes.sleep_for, [30], timeout=0.5)
    assert not multiprocessing.active_children()


def test_run_learner_worker_refuses_a_lambda():
    with pytest.raises(NotYet, match="cannot be pickled"):
        run_learner_worker(lambda x: x, [1])


def test_run_learner_worker_refuses_non_callable():
    with pytest.raises(NotYet, match="Pass the function itself"):
        run_learner_worker(42, [1])


def _main_module_function(x):
    return x


@pytest.fixture
def notebook_function(monkeypatch):
    """``_main_module_function`` as if defined in a notebook cell: it lives in ``__main__``."""
    monkeypatch.setattr(_main_module_function, "__module__", "__main__")
    monkeypatch.setattr(sys.modules["__main__"], "_main_module_function",
                        _main_module_function, raising=False)
    return _main_module_function


def test_notebook_defined_function_gets_the_fix(start_method, notebook_function):
    if start_method == "fork":
        # A fork child inherits __main__, so a notebook's function reaches it and runs.
        assert run_learner_worker(notebook_function, [1, 2]) == [1, 2]
    else:
        with pytest.raises(NotYet, match="%%writefile my_workers.py"):
            run_learner_worker(notebook_function, [1])


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


def test_a_failed_check_shows_as_one_line_in_a_notebook():
    """IPython shows _render_traceback_'s lines instead of a traceback into helpers/."""
    from helpers.checks.core import NotAttempted, NotYet

    for error, words in ((NotYet("Not yet. x"), "see the hint above"),
                         (NotAttempted("Not attempted yet: x"), "nothing to check yet")):
        lines = error._render_traceback_()
        assert len(lines) == 1 and type(error).__name__ in lines[0] and words in lines[0]
        assert isinstance(error, AssertionError)  # what nbgrader scores
