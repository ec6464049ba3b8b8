"""Property-based tests (Hypothesis): anything a learner may type gets a sensible answer.

* A pure function returns a finite, sensible value, or raises ``TypeError`` /
  ``ValueError`` from the course's own code, with a message that names one of its
  parameters.
* A checker only ever prints lines that start with "Correct!", "Not yet" or "Not
  attempted yet"; it only raises its own ``AssertionError`` subclasses (``NotYet``,
  ``NotAttempted``); and when it does not say "Correct!" it never prints the expected
  answer.

Example counts are modest, so the suite stays fast; the checkers that start processes
get fewer.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import math
import re
import traceback
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import helpers
from helpers import checks, cluster, costs, full_example, mandelbrot, speedup
from helpers.checks import NotAttempted, NotYet
from helpers.instruments import cluster as instruments_cluster
from helpers.instruments import measure, races, timeline, timing, transfer, validate, widgets

HELPERS = Path(helpers.__file__).resolve().parent
PURE = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
CHECKS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW_CHECKS = settings(max_examples=6, deadline=None,
                       suppress_health_check=[HealthCheck.too_slow])

# --- What a learner may type ------------------------------------------------------------

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**6, max_value=10**6),
    st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.just(...),
)
anything = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.tuples(inner, inner),
                            st.dictionaries(st.one_of(st.integers(), st.text(max_size=4)),
                                            inner, max_size=4),
                            st.frozensets(st.integers(), max_size=4)),
    max_leaves=8,
)
small_ints = st.integers(min_value=-3, max_value=40)
numbers = st.one_of(small_ints, st.floats(min_value=-5, max_value=100), scalars)
number_lists = st.one_of(st.lists(st.one_of(st.integers(0, 1000), st.floats(0, 1e3)),
                                  max_size=30), anything)


def either(domain: st.SearchStrategy) -> st.SearchStrategy:
    """Mostly values of the right kind (to reach the success path), sometimes anything."""
    return st.one_of(domain, domain, anything)


# --- The contract of a pure function ---------------------------------------------------------


def _raised_by_us(error: BaseException) -> bool:
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and HELPERS in Path(frames[-1].filename).resolve().parents


def _finite(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, (int, float)):
        return math.isfinite(value)
    if isinstance(value, (list, tuple)):
        return all(_finite(v) for v in value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    return True


def call(func: Callable[..., Any], *args: Any, names: tuple[str, ...] = (),
         finite: bool = True, **kwargs: Any) -> Any:
    """``func(*args, **kwargs)``: its result (all numbers in it finite, unless ``finite`` is
    False: for functions that pass values through), or ``None`` after checking that it
    refused the input clearly (TypeError/ValueError, raised by helpers, naming a parameter)."""
    try:
        result = func(*args, **kwargs)
    except (TypeError, ValueError) as error:
        message = str(error)
        assert _raised_by_us(error), f"{type(error).__name__} from outside helpers: {message}"
        wanted = names or tuple(inspect.signature(func).parameters)
        assert any(re.search(rf"(?<![\w]){re.escape(n)}(?![\w])", message) for n in wanted), \
            f"{func.__name__}: the message names none of {wanted}: {message}"
        return None
    assert not finite or _finite(result), f"{func.__name__} returned {result!r}"
    return result


# --- Pure functions ---------------------------------------------------------------------------


@PURE
@given(either(st.floats(0.01, 1e4)), either(st.floats(0.01, 1e4)), either(st.integers(1, 64)))
def test_speedup_and_efficiency(serial, parallel, workers):
    s = call(speedup.speedup, serial, parallel)
    if s is not None:
        assert s > 0
    e = call(speedup.efficiency, serial, parallel, workers)
    if e is not None:
        assert e > 0


@PURE
@given(either(st.floats(1, 1e4)), either(st.floats(0, 1)))
def test_amdahl_and_gustafson(workers, serial_fraction):
    a = call(speedup.amdahl, workers, serial_fraction)
    if a is not None:
        assert 1 - 1e-9 <= a <= workers + 1e-9
    g = call(speedup.gustafson, workers, serial_fraction)
    if g is not None:
        assert 1 - 1e-9 <= g <= workers + 1e-9


@PURE
@given(either(st.floats(0, 1)))
def test_amdahl_limit(serial_fraction):
    try:
        limit = speedup.amdahl_limit(serial_fraction)
    except (TypeError, ValueError) as error:
        assert _raised_by_us(error) and "serial_fraction" in str(error)
        return
    assert limit >= 1  # inf for a serial fraction of 0: no limit


@PURE
@given(either(st.floats(0.1, 100)), either(st.integers(2, 64)))
def test_karp_flatt(measured, workers):
    call(speedup.karp_flatt, measured, workers)


@PURE
@given(number_lists, either(st.integers(1, 8)), either(st.integers(1, 10)))
def test_split_loads(costs_, workers, chunksize):
    loads = call(speedup.split_loads, costs_, workers, chunksize)
    if loads is not None:
        assert len(loads) == workers
        assert math.isclose(sum(loads), sum(costs_), rel_tol=1e-9, abs_tol=1e-9)


@PURE
@given(number_lists)
def test_imbalance_and_describe_loads(loads):
    value = call(speedup.imbalance, loads)
    if value is not None:
        assert value >= 1 - 1e-9
    text = call(speedup.describe_loads, loads)
    if text is not None:
        assert text.startswith("worker 1:") and "nan" not in text


@PURE
@given(either(st.integers(2, 100)), either(st.integers(2, 100)), either(st.integers(2, 500)))
def test_rising_tasks(n, low, high):
    tasks = call(costs.rising_tasks, n, low, high)
    if tasks is not None:
        assert len(tasks) == n and tasks == sorted(tasks) and tasks[0] == low


@PURE
@given(either(st.integers(0, 10**6)), either(st.integers(1, 64)))
def test_default_chunksize(n_tasks, workers):
    chunksize = call(costs.default_chunksize, n_tasks, workers)
    if chunksize is not None:
        assert isinstance(chunksize, int) and chunksize >= 0
        assert chunksize * 4 * workers >= n_tasks


@PURE
@given(either(st.integers(1, 10**5)), either(st.floats(0, 1)), either(st.floats(0, 1)),
       either(st.integers(1, 16)), either(st.floats(0, 1)))
def test_pool_time_model_and_worth_it(items, compute, send, workers, start):
    model = call(costs.pool_time_model, items, compute, send, workers, start)
    if model is not None:
        serial, pooled = model
        assert serial >= 0 and pooled >= 0
    verdict = call(costs.worth_it, items, compute, send, workers, start)
    assert verdict in (None, True, False)


@PURE
@given(either(st.integers(0, 1000)), either(st.integers(1, 20)))
def test_split_range(n, parts):
    pairs = call(costs.split_range, n, parts)
    if pairs is not None:
        assert len(pairs) == parts and pairs[0][0] == 0 and pairs[-1][1] == n


@PURE
@given(either(st.floats(0, 1e5)))
def test_format_seconds(seconds):
    text = call(timing.format_seconds, seconds)
    if text is not None:
        assert re.fullmatch(r"\d+(\.\d)? (s|ms|µs)", text), text


@PURE
@given(either(st.integers(0, 10**13)))
def test_format_bytes(nbytes):
    text = call(transfer.format_bytes, nbytes)
    if text is not None:
        assert re.fullmatch(r"\d+(\.\d)? (B|kB|MB|GB)", text), text


@PURE
@given(st.one_of(st.dictionaries(st.integers(1, 10**8), st.floats(1e-7, 1), min_size=2,
                                 max_size=6), anything))
def test_fit_transfer(times):
    fit = call(transfer.fit_transfer, times)
    if fit is not None:
        assert fit.latency >= 0 and fit.seconds_per_byte >= 0


@PURE
@given(anything, either(st.integers(1, 5)))
def test_chunked(items, size):
    chunks = call(cluster.chunked, items, size, finite=False)
    if chunks is not None:
        assert [x for chunk in chunks for x in chunk] == list(items)


@PURE
@given(anything)
def test_key_label(key):
    assert isinstance(instruments_cluster.key_label(key), str)


@PURE
@given(either(st.lists(st.integers(1, 16), max_size=5)), either(st.lists(st.floats(0.1, 16),
                                                                         max_size=5)))
def test_fit_amdahl(workers, speedups):
    try:
        f = measure.fit_amdahl(workers, speedups)
    except (TypeError, ValueError) as error:
        assert _raised_by_us(error), str(error)
        return
    assert 0 <= f <= 1


@PURE
@given(either(st.integers(1, 64)), either(st.integers(3, 30)))
def test_worker_counts(usable, most):
    counts = call(measure.worker_counts, usable, most)
    if counts is not None:
        assert counts[0] == 1 and counts == sorted(set(counts))


@PURE
@given(either(st.integers(0, 50)))
def test_make_tasks_and_task_of(n_tasks):
    tasks = call(full_example.make_tasks, n_tasks)
    if tasks is not None:
        assert len(tasks) == n_tasks
        assert [full_example.task_of(t + " is done by P-1") for t in tasks] == tasks


@PURE
@given(anything)
def test_task_of(message):
    call(full_example.task_of, message)


@PURE
@given(either(st.lists(st.text(max_size=8), max_size=5)),
       either(st.lists(st.text(max_size=8), max_size=5)))
def test_count_missing(done, tasks):
    counts = call(races.count_missing, done, tasks)
    if counts is not None:
        missing, repeated = counts
        assert 0 <= missing <= len(tasks) and repeated >= 0


@PURE
@given(either(st.lists(st.lists(st.integers(0, 100), min_size=1, max_size=4), max_size=4)))
def test_row_costs(image):
    row_sums = call(mandelbrot.row_costs, image)
    if row_sums is not None:
        assert row_sums == [sum(row) for row in image]


@PURE
@given(either(st.lists(st.integers(0, 3000), max_size=6)))
def test_primes_below(limits):
    counts = call(checks.cluster.primes_below, limits)
    if counts is not None:
        assert counts == [costs.count_primes(n) for n in limits]


record = st.builds(lambda start, length, worker: timeline.TaskRecord(
    "t", f"w{worker}", start, start + length, None),
    st.floats(0, 10), st.floats(0, 5), st.integers(1, 3))


@PURE
@given(either(st.lists(record, min_size=1, max_size=6)), either(st.integers(1, 8)))
def test_makespan_and_busy_fraction(records, workers):
    span = call(timeline.makespan, records)
    if span is not None:
        assert span >= 0
    busy = call(timeline.busy_fraction, records, workers)
    if busy is not None:
        assert busy >= 0


@PURE
@given(either(st.floats(0, 1)), either(st.integers(1, 64)))
def test_explain_laws(parallel_fraction, cores):
    text = call(widgets.explain_laws, parallel_fraction, cores)
    if text is not None:
        assert "nan" not in text and f"{cores} cores" in text


# --- The validation vocabulary ---------------------------------------------------------------

VALIDATORS: list[tuple[Callable[..., Any], dict[str, Any]]] = [
    (validate.whole_number, {}), (validate.whole_number, {"least": 1, "most": 9}),
    (validate.number, {}), (validate.number, {"least": 0, "most": 1}),
    (validate.positive_number, {}), (validate.positive_number, {"allow_zero": True}),
    (validate.seconds, {}), (validate.fraction, {}), (validate.process_count, {}),
    (validate.bounded, {"limit": "items"}), (validate.list_of, {}),
    (validate.list_of, {"item": validate.whole_number, "least": 1}),
    (validate.choice, {"options": ("a", "b")}), (validate.start_method, {}),
    (validate.context, {}), (validate.function, {}), (validate.existing_file, {}),
    (validate.file_path, {}), (validate.real, {}), (validate.path, {}), (validate.text, {}),
    (validate.instance, {"kind": int, "what": "a whole number"}),
    (validate.has_methods, {"methods": ("put",), "what": "a queue"}), (validate.queue, {}),
    (validate.connection, {}), (validate.shared_value, {}), (validate.lock, {}),
    (validate.mapping, {"item": validate.seconds}), (validate.numpy_dtype, {}),
]


@PURE
@pytest.mark.parametrize(("validator", "options"), VALIDATORS,
                         ids=[f"{v.__name__}{'+' if o else ''}" for v, o in VALIDATORS])
@given(value=anything)
def test_validators_return_clean_values_or_name_the_parameter(validator, options, value):
    try:
        cleaned = validator(value, "my_param", **options)
    except (TypeError, ValueError, FileNotFoundError) as error:
        assert _raised_by_us(error)
        assert "my_param" in str(error), str(error)
        return
    if validator in (validate.whole_number, validate.process_count, validate.bounded):
        assert isinstance(cleaned, int) and not isinstance(cleaned, bool)
    if validator in (validate.number, validate.positive_number, validate.seconds,
                     validate.fraction):
        assert isinstance(cleaned, float) and math.isfinite(cleaned)
    if validator is validate.list_of:
        assert isinstance(cleaned, list)


@PURE
@given(anything)
def test_predicates_never_raise(value):
    assert validate.is_whole_number(value) in (True, False)
    assert validate.is_number(value) in (True, False)
    assert isinstance(validate.describe(value), str)


# --- Every checker ------------------------------------------------------------------------------

PREFIXES = ("Correct!", "Not yet", "Not attempted yet")


def _all_checkers() -> list[Callable[..., None]]:
    import importlib
    import pkgutil

    found = []
    for info in pkgutil.iter_modules(checks.__path__):
        module = importlib.import_module(f"helpers.checks.{info.name}")
        for name, obj in sorted(vars(module).items()):
            if name.startswith("check_") and callable(obj) and obj.__module__ == module.__name__:
                found.append(obj)
    return found


CHECKERS = _all_checkers()
STARTS_PROCESSES = {"check_feed", "check_describe_task", "check_shout", "check_corrected_run",
                    "check_joined_process", "check_chunked_counts"}
"""Checkers that may start (or wait for) processes when given a function or a process."""


def _expected_answers() -> dict[str, list[str]]:
    """Texts a checker must never print unless it says Correct!: the answers."""
    from helpers.checks import costs as checks_costs
    from helpers.checks import speedup as checks_speedup

    costs_ = speedup.top_half_costs()
    loads = speedup.split_loads(costs_, 2, -(-len(costs_) // 2))
    best = sum(loads) / max(loads)
    f, n = checks_speedup.SERIAL_FRACTION, checks_speedup.CORES
    return {
        "check_speedup_efficiency": ["0.75", "3.0"],
        "check_amdahl": ["20.0", f"{1 / (f + (1 - f) / n):.2f}"],
        "check_split_speedup": [f"{best:.2f}", f"{best:.3f}"],
        "check_worth_parallelising": [repr(sorted(k for k, s in checks_costs.SCENARIOS.items()
                                                  if costs.worth_it(**s)))],
    }


EXPECTED = _expected_answers()


def _check(checker: Callable[..., None], args: list[Any]) -> None:
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            checker(*args)
    except (NotYet, NotAttempted):
        pass
    except BaseException as error:  # noqa: BLE001 - anything else breaks the contract
        raise AssertionError(f"{checker.__name__}{tuple(args)!r} raised "
                             f"{type(error).__name__}: {error}") from error
    out = printed.getvalue()
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines, f"{checker.__name__} printed nothing"
    odd = [line for line in lines if not line.startswith(PREFIXES)]
    assert not odd, f"{checker.__name__} printed {odd[0]!r}"
    if not lines[-1].startswith("Correct!"):
        for secret in EXPECTED.get(checker.__name__, []):
            assert secret not in out, f"{checker.__name__} gave away {secret!r}: {out}"


FIXED = {"check_choice": {"right": "c", "hints": {"a": "think of a", "b": "think of b"},
                          "success": "well done"}}
"""Arguments that come from a check's own code, not from the learner."""


def _arity(checker: Callable[..., None]) -> int:
    return sum(1 for p in inspect.signature(checker).parameters.values()
               if p.default is inspect.Parameter.empty)


@pytest.mark.parametrize("checker", [c for c in CHECKERS if c.__name__ not in STARTS_PROCESSES],
                         ids=lambda c: f"{c.__module__.rsplit('.', 1)[1]}.{c.__name__}")
@CHECKS
@given(data=st.data())
def test_checker_contract(checker, data):
    fixed = FIXED.get(checker.__name__, {})
    args = [fixed[name] if name in fixed else data.draw(anything, label=name)
            for name in list(inspect.signature(checker).parameters)[:_arity(checker)]]
    _check(checker, args)


def nb_style_square(x):
    return x * x


@pytest.mark.parametrize("checker", [c for c in CHECKERS if c.__name__ in STARTS_PROCESSES],
                         ids=lambda c: f"{c.__module__.rsplit('.', 1)[1]}.{c.__name__}")
@SLOW_CHECKS
@given(data=st.data())
def test_checker_contract_with_processes(checker, data):
    learner_values = st.one_of(anything, st.sampled_from([
        nb_style_square, len, str.upper, abs, lambda x: x, types.ModuleType("learner_fake")]))
    args = [data.draw(learner_values, label=name) for name in
            list(inspect.signature(checker).parameters)[:_arity(checker)]]
    _check(checker, args)
