"""helpers.processes: notebook 02's workers, here and in real child processes."""

import multiprocessing

import pytest

from helpers import processes

pytestmark = pytest.mark.per_start_method


def _finish(proc, timeout=30):
    """Join ``proc``; terminate it first if it overruns, so no test can hang."""
    proc.join(timeout)
    if proc.is_alive():
        proc.terminate()
        proc.join(5)


def test_describe_continent():
    assert processes.describe_continent() == "The name of continent is : Asia"
    assert processes.describe_continent("Europe").endswith("Europe")


def test_print_func_prints(capsys):
    processes.print_func("Africa")
    assert capsys.readouterr().out.split() == ["The", "name", "of", "continent", "is", ":",
                                               "Africa"]


def test_describe_to_queue_sends_the_line_back():
    results = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=processes.describe_to_queue, args=(results, name))
             for name in ("Europe", "Asia")]
    for proc in procs:
        proc.start()
    lines = sorted(results.get(timeout=30) for _ in procs)
    for proc in procs:
        _finish(proc)
    assert lines == ["The name of continent is : Asia", "The name of continent is : Europe"]
    assert [proc.exitcode for proc in procs] == [0, 0]


def test_sleep_for_returns_its_argument():
    assert processes.sleep_for(0) == 0
    assert processes.sleep_for(0.001) == 0.001
    with multiprocessing.Pool(1) as pool:
        assert pool.apply(processes.sleep_for, (0,)) == 0


@pytest.mark.parametrize(("bad", "error"), [(-1, ValueError), (float("nan"), ValueError),
                                            (601, ValueError), ("1", TypeError),
                                            (True, TypeError), (None, TypeError)])
def test_sleep_for_refuses_bad_durations(bad, error):
    with pytest.raises(error, match="seconds"):
        processes.sleep_for(bad)


def test_exit_with_sets_exitcode():
    p = multiprocessing.Process(target=processes.exit_with, args=(3,))
    p.start()
    _finish(p)
    assert p.exitcode == 3


@pytest.mark.parametrize(("bad", "error"), [(-1, ValueError), (256, ValueError),
                                            (1.0, TypeError), ("3", TypeError)])
def test_exit_with_refuses_codes_the_os_cannot_report(bad, error):
    with pytest.raises(error, match="code must be a whole number from 0 to 255"):
        processes.exit_with(bad)


def test_raise_error_gives_exitcode_1(capfd):
    # capfd keeps the child's traceback out of the test log. (Its text is not checked:
    # a forkserver child writes to the server's stderr, not to this test's.)
    p = multiprocessing.Process(target=processes.raise_error)
    p.start()
    _finish(p)
    assert p.exitcode == 1


def test_raise_error_raises_here_too():
    with pytest.raises(ValueError, match="^boom$"):
        processes.raise_error("boom")
