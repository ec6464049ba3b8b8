"""Friendly self-checks for the exercises.

Each notebook's exercises have a module here (``helpers.checks.cpus``,
``helpers.checks.process``, ...). A check is called with the learner's answer passed
in explicitly, prints one friendly line, and:

* returns quietly when the answer is right ("Correct: ..."),
* raises :class:`NotAttempted` when the answer is still ``...`` ("Not attempted yet: ..."),
* raises :class:`NotYet` (an ``AssertionError``) when it is wrong, with a hint that
  says what to try next. It never prints the expected answer.

nbgrader grades a check cell by whether it raises, so both failures are
``AssertionError`` subclasses.
"""

from helpers.checks.core import (
    NotAttempted,
    NotYet,
    check_choice,
    correct,
    expect,
    require_attempt,
    run_learner_worker,
)

__all__ = ["NotAttempted", "NotYet", "check_choice", "correct", "expect", "require_attempt",
           "run_learner_worker"]
