"""Checks of notebook 01: right, not attempted, and each wrong branch."""

import pytest

from helpers.checks import NotAttempted, NotYet
from helpers.checks.cpus import check_pool_size, check_scheduler_call
from helpers.cpus import suggest_pool_size


def test_pool_size_correct(capsys):
    check_pool_size(suggest_pool_size("cpu"))
    assert capsys.readouterr().out.startswith("Correct!")


def test_pool_size_not_attempted():
    with pytest.raises(NotAttempted):
        check_pool_size(...)


@pytest.mark.parametrize(("answer", "hint"), [
    ("4", "whole number"), (2.0, "whole number"), (True, "whole number"), (0, "at least one"),
    (10_000, "more workers than"),
])
def test_pool_size_wrong(answer, hint, capsys):
    with pytest.raises(NotYet, match=hint):
        check_pool_size(answer)
    assert str(suggest_pool_size("cpu")) not in capsys.readouterr().out.replace(str(answer), "")


def test_pool_size_too_small(monkeypatch):
    monkeypatch.setattr("helpers.checks.cpus.suggest_pool_size", lambda kind: 4)
    with pytest.raises(NotYet, match="leaves CPUs idle"):
        check_pool_size(3)


def test_scheduler_call():
    check_scheduler_call(" C ")
    with pytest.raises(NotAttempted):
        check_scheduler_call(...)
    for wrong, hint in [("a", "under another name"), ("b", "every CPU"), ("d", "one of")]:
        with pytest.raises(NotYet, match=hint) as info:
            check_scheduler_call(wrong)
        assert '"c"' not in str(info.value).split("one of")[-1] or wrong == "d"
