"""helpers.instruments.interpreters: Python 3.14's interpreter pools, and what notebooks 07
and 08 do with them. On Python 3.13 and older only the "skipped" paths run."""

from __future__ import annotations

import concurrent.futures
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest

from helpers.costs import count_primes
from helpers.instruments.interpreters import (
    executor_start_costs,
    interpreters_available,
    module_of,
    require_interpreters,
    warm_interpreter_pool,
)
from helpers.instruments.measure import ALL_KINDS, mandelbrot_workload, measure
from helpers.mandelbrot import mandelbrot_row

TINY = {"width": 20, "height": 6, "max_iter": 10}
HAS = hasattr(concurrent.futures, "InterpreterPoolExecutor")
needs_interpreters = pytest.mark.skipif(not HAS, reason="InterpreterPoolExecutor: 3.14+")

WORKER_MODULES = ["helpers.mandelbrot", "helpers.processes", "helpers.costs", "helpers.pools",
                  "helpers.instruments.interpreters"]
"""Modules whose workers notebook 07 says interpreters can run: none may import NumPy or
psutil at the top."""


def test_available_matches_the_python():
    assert interpreters_available() is HAS
    assert "interpreters" in ALL_KINDS


def notebook_function(x):
    return x


notebook_function.__module__ = "__main__"


def test_module_of_refuses_notebook_functions_with_the_fix():
    assert module_of(partial(mandelbrot_row, width=10)) == "helpers.mandelbrot"
    assert module_of(count_primes) == "helpers.costs"
    with pytest.raises(TypeError, match="%%writefile my_workers.py"):
        module_of(notebook_function)
    with pytest.raises(TypeError, match="function"):
        module_of(42, "func")


def test_worker_modules_import_neither_numpy_nor_psutil():
    import subprocess

    code = ("import sys\n"
            + "".join(f"import {m}\n" for m in WORKER_MODULES)
            + "print(sorted(m for m in ('numpy', 'psutil', 'matplotlib', 'ipywidgets') "
              "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    assert out.strip() == "[]"


@pytest.mark.skipif(HAS, reason="only where interpreters do not exist")
def test_older_pythons_skip_with_a_clear_message():
    with pytest.raises(RuntimeError, match="needs Python 3.14"):
        require_interpreters()
    with pytest.raises(RuntimeError, match="needs Python 3.14"):
        measure(mandelbrot_workload(**TINY), [1], kinds=["interpreters"], repeats=1)
    costs = executor_start_costs(repeats=1)
    assert list(costs) == ["thread", "interpreter"]
    assert costs["interpreter"] is None and costs["thread"] > 0


def test_workload_runs_in_an_executor_too():
    work = mandelbrot_workload(**TINY)
    with ThreadPoolExecutor(2) as pool:
        assert work.run_in(pool) == work.run_serial()


@needs_interpreters
def test_worker_modules_load_in_an_interpreter():
    from concurrent import interpreters

    interp = interpreters.create()
    try:
        for module in WORKER_MODULES:
            interp.exec(f"import {module}")
    finally:
        interp.close()


@needs_interpreters
def test_warm_pool_and_measure_with_interpreters():
    work = mandelbrot_workload(**TINY)
    with warm_interpreter_pool(2, ["helpers.mandelbrot"]) as pool:
        assert work.run_in(pool) == work.run_serial()
    (result,) = measure(work, [2], kinds=["interpreters"], repeats=1)
    assert result.kind == "interpreters" and result.workers == 2 and result.seconds > 0
    costs = executor_start_costs(repeats=1)
    assert costs["interpreter"] > 0 and costs["thread"] > 0


@needs_interpreters
def test_measure_refuses_notebook_functions_before_starting_anything():
    from helpers.instruments.measure import Workload

    work = Workload("demo", notebook_function, (1, 2))
    with pytest.raises(TypeError, match="%%writefile"):
        measure(work, [1], kinds=["interpreters"], repeats=1)
