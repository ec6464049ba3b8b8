"""The test harness itself: kernel specs, and that the leftover check can fail."""

import json
import multiprocessing
import os
import sys

import pytest

from helpers import workers
from tests import harness


def test_kernelspecs_set_the_start_method(tmp_path):
    names = harness.install_kernelspecs(tmp_path)
    assert names == [harness.kernel_name(m) for m in multiprocessing.get_all_start_methods()]
    for method in multiprocessing.get_all_start_methods():
        spec = json.loads((tmp_path / "kernels" / harness.kernel_name(method) /
                           "kernel.json").read_text())
        assert spec["argv"][0] == sys.executable
        assert f"set_start_method({method!r}, force=True)" in spec["argv"][-1]


def test_leftover_check_sees_an_unjoined_child_and_not_a_joined_one():
    proc = multiprocessing.Process(target=workers.sleep_for, args=(0,))
    proc.start()
    try:
        if multiprocessing.get_start_method() == "forkserver":
            # The forkserver reaps its own children: only a *running* one is left over.
            proc.join()
            proc = multiprocessing.Process(target=workers.sleep_for, args=(30,))
            proc.start()
        left = harness.wait_for_no_leftovers(os.getpid(), timeout=0.5)
        assert proc.pid in {p.pid for p in left}
    finally:
        proc.terminate()
        proc.join()
    assert proc.pid not in {p.pid for p in harness.wait_for_no_leftovers(os.getpid())}


def test_infrastructure_processes_are_not_leftovers():
    if "forkserver" not in multiprocessing.get_all_start_methods():
        pytest.skip("no forkserver here")
    ctx = multiprocessing.get_context("forkserver")
    proc = ctx.Process(target=workers.sleep_for, args=(0,))
    proc.start()
    proc.join()
    # The forkserver and the resource tracker stay alive, and are not counted.
    assert harness.wait_for_no_leftovers(os.getpid()) == []
