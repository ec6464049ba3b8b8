"""helpers.cpus: every count is consistent with the OS, and bad input is refused."""

import multiprocessing
import os

import pytest

from helpers import cpus

pytestmark = pytest.mark.per_start_method


def test_usable_cpus_is_within_machine():
    assert 1 <= cpus.usable_cpus() <= (os.cpu_count() or 1)


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="Linux only")
def test_usable_cpus_follows_affinity_mask():
    assert cpus.usable_cpus() == len(os.sched_getaffinity(0))


def test_cpu_counts_fields():
    counts = cpus.cpu_counts()
    assert counts.logical == os.cpu_count()
    assert counts.usable == cpus.usable_cpus()
    assert counts.physical is None or 1 <= counts.physical <= counts.logical


@pytest.mark.parametrize(("text", "expected"), [("max 100000", None), ("150000 100000", 1.5),
                                                ("200000 100000\n", 2.0)])
def test_cgroup_cpu_quota_parses_cpu_max(tmp_path, text, expected):
    path = tmp_path / "cpu.max"
    path.write_text(text)
    assert cpus.cgroup_cpu_quota(path) == expected


def test_cgroup_cpu_quota_missing_file_is_none(tmp_path):
    assert cpus.cgroup_cpu_quota(tmp_path / "absent") is None


@pytest.mark.parametrize("text", ["", "garbage", "100 0", "1.5 x"])
def test_cgroup_cpu_quota_of_something_else_is_none(tmp_path, text):
    path = tmp_path / "cpu.max"
    path.write_text(text)
    assert cpus.cgroup_cpu_quota(path) is None


def test_suggest_pool_size():
    assert 1 <= cpus.suggest_pool_size("cpu") <= cpus.usable_cpus()
    assert cpus.suggest_pool_size("io") == min(32, cpus.usable_cpus() + 4)


def test_suggest_pool_size_rejects_unknown_kind():
    with pytest.raises(ValueError, match="kind must be one of 'cpu', 'io'"):
        cpus.suggest_pool_size("gpu")
    with pytest.raises(TypeError, match="kind must be one of 'cpu', 'io'"):
        cpus.suggest_pool_size(1)


def test_suggest_pool_size_follows_a_quota(monkeypatch):
    monkeypatch.setattr(cpus, "usable_cpus", lambda: 8)
    monkeypatch.setattr(cpus, "cgroup_cpu_quota", lambda: 1.5)
    assert cpus.suggest_pool_size("cpu") == 1  # 1.5 CPUs' worth of time: 1 worker
    monkeypatch.setattr(cpus, "cgroup_cpu_quota", lambda: 0.5)
    assert cpus.suggest_pool_size("cpu") == 1  # never fewer than one
    monkeypatch.setattr(cpus, "cgroup_cpu_quota", lambda: None)
    assert cpus.suggest_pool_size("cpu") == 8
    assert cpus.suggest_pool_size("io") == 12


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="Linux only")
def test_pinned_counts_in_a_child():
    with multiprocessing.Pool(1) as pool:
        machine, usable = pool.apply(cpus.pinned_counts, (1,))
    assert machine == os.cpu_count()
    assert usable == 1


@pytest.mark.parametrize(("bad", "error"), [(0, ValueError), (-1, ValueError),
                                            (1.5, TypeError), ("1", TypeError)])
def test_pinned_counts_rejects_bad_cpus(bad, error):
    with pytest.raises(error, match="cpus must be a whole number of at least 1"):
        cpus.pinned_counts(bad)


def test_pinned_counts_refuses_to_pin_a_main_process():
    before = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    with pytest.raises(RuntimeError, match="this is a main process"):
        cpus.pinned_counts(1)
    if before is not None:
        assert os.sched_getaffinity(0) == before
