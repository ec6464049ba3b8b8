"""check_pool_size where a container CPU quota is set (Binder, CI runners, Kubernetes).

The shipped solution, usable_cpus(), must stay right there, and so must the quota-limited
size that suggest_pool_size("cpu") gives. The quota is faked, so these run anywhere.
"""

import pytest

from helpers import cpus
from helpers.checks import NotYet
from helpers.checks import cpus as checks


@pytest.fixture
def machine(monkeypatch):
    """Fake a machine: ``machine(usable, quota)``."""
    def fake(usable, quota):
        for module in (cpus, checks):
            monkeypatch.setattr(module, "usable_cpus", lambda: usable)
            monkeypatch.setattr(module, "cgroup_cpu_quota", lambda *args: quota)
    return fake


def test_usable_cpus_is_right_under_a_quota_and_names_it(machine, capsys):
    machine(8, 1.5)
    checks.check_pool_size(8)
    out = capsys.readouterr().out
    assert out.startswith("Correct! One worker per usable CPU")
    assert "container CPU quota of 1.5 CPUs: a pool of 1 fits inside it" in out


def test_the_quota_limited_size_is_right_too(machine, capsys):
    machine(8, 2.5)
    assert cpus.suggest_pool_size("cpu") == 2
    checks.check_pool_size(2)
    assert "quota allows" in capsys.readouterr().out


@pytest.mark.parametrize(("answer", "hint"), [
    (9, "more workers than"), (1, "leaves CPUs idle"), (5, "matches neither"),
])
def test_wrong_sizes_under_a_quota(machine, answer, hint, capsys):
    machine(8, 2.5)
    with pytest.raises(NotYet, match=hint):
        checks.check_pool_size(answer)
    out = capsys.readouterr().out
    assert "8" not in out and "2" not in out, "a hint never gives the number away"


def test_without_a_quota_the_message_is_the_same_on_every_machine(machine, capsys):
    machine(4, None)
    checks.check_pool_size(4)
    assert capsys.readouterr().out == (
        "Correct! One worker per usable CPU keeps every CPU busy without taking turns.\n")


def test_a_quota_above_the_usable_cpus_changes_nothing(machine, capsys):
    machine(2, 6.0)
    checks.check_pool_size(2)
    assert capsys.readouterr().out == (
        "Correct! One worker per usable CPU keeps every CPU busy without taking turns.\n")
    with pytest.raises(NotYet, match="more workers than"):
        checks.check_pool_size(3)


def test_scheduler_call_says_where_python_sees_the_mask(capsys):
    checks.check_scheduler_call("c")
    out = capsys.readouterr().out
    assert "On Linux with Python 3.13+" in out and "macOS and Windows" in out
    assert "every OS" not in out
