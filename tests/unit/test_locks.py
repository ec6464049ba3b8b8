"""helpers.locks: the counter and printing workers, in real child processes, and the timing."""

import multiprocessing

import pytest

from helpers import locks


def _run(target, args_list, timeout=60):
    """Start one process per args tuple, join them (bounded), and check they all succeeded."""
    procs = [multiprocessing.Process(target=target, args=args) for args in args_list]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout)
    for p in procs:
        if p.is_alive():
            p.terminate()
            p.join()
    assert [p.exitcode for p in procs] == [0] * len(procs)


# --- the counter workers -----------------------------------------------------------------


def test_add_one_counts_exactly_in_one_process():
    counter = multiprocessing.Value("i", 0)
    locks.add_one(counter, 1000)
    assert counter.value == 1000


def test_add_one_works_on_a_raw_value():
    raw = multiprocessing.RawValue("i", 5)
    locks.add_one(raw, 10)
    assert raw.value == 15


def test_add_one_loses_updates_when_processes_overlap():
    # The notebook's claim, with the notebook's own numbers.
    counter = multiprocessing.Value("i", 0)
    start = multiprocessing.Barrier(locks.PROCESSES)
    _run(locks.add_one, [(counter, locks.TIMES, start)] * locks.PROCESSES)
    assert 0 < counter.value < locks.PROCESSES * locks.TIMES


def test_add_one_locked_is_exact_across_processes():
    counter = multiprocessing.Value("i", 0)
    lock = multiprocessing.Lock()
    start = multiprocessing.Barrier(3)
    _run(locks.add_one_locked, [(counter, lock, 5000, start)] * 3)
    assert counter.value == 15_000


def test_add_one_locked_is_exact_on_a_raw_value():
    raw = multiprocessing.RawValue("i", 0)
    lock = multiprocessing.Lock()
    _run(locks.add_one_locked, [(raw, lock, 5000)] * 3)
    assert raw.value == 15_000


def test_add_one_own_lock_is_exact_across_processes():
    counter = multiprocessing.Value("i", 0)
    _run(locks.add_one_own_lock, [(counter, 5000)] * 3)
    assert counter.value == 15_000


def test_add_locally_is_exact_across_processes():
    counter = multiprocessing.Value("i", 7)
    _run(locks.add_locally, [(counter, 5000)] * 3)
    assert counter.value == 15_007


@pytest.mark.parametrize("times", [-1, 2.5, "10", True, None])
def test_bad_times_is_refused(times):
    counter = multiprocessing.Value("i", 0)
    for worker in (locks.add_one, locks.add_one_own_lock, locks.add_locally):
        with pytest.raises(ValueError, match="times must be a whole number"):
            worker(counter, times)
    with pytest.raises(ValueError, match="times must be a whole number"):
        locks.add_one_locked(counter, multiprocessing.Lock(), times)
    assert counter.value == 0


def test_add_one_locked_refuses_a_missing_lock():
    counter = multiprocessing.Value("i", 0)
    with pytest.raises(TypeError, match="create one with Lock"):
        locks.add_one_locked(counter, None, 10)


def test_add_one_own_lock_needs_a_synchronized_value():
    with pytest.raises(AttributeError):
        locks.add_one_own_lock(multiprocessing.RawValue("i", 0), 1)


# --- printing blocks ---------------------------------------------------------------------


def _block(worker, block, lines=3):
    return [f"worker {worker} block {block} line {n} of {lines}" for n in range(1, lines + 1)]


def test_broken_blocks_counts_cut_blocks():
    whole = _block(1, 1) + _block(2, 1)
    assert locks.broken_blocks("\n".join(whole)) == 0
    assert locks.blocks_intact("\n".join(whole))
    cut = _block(1, 1)[:2] + _block(2, 1) + _block(1, 1)[2:]
    assert locks.broken_blocks("\n".join(cut)) == 2
    assert not locks.blocks_intact("\n".join(cut))


def test_broken_blocks_sees_wrong_order_and_short_tail():
    swapped = _block(1, 1)[::-1]
    assert locks.broken_blocks("\n".join(swapped)) == 1
    assert locks.broken_blocks("\n".join(_block(1, 1)[:2])) == 1
    assert locks.broken_blocks("") == 0


def test_broken_blocks_with_other_block_sizes():
    text = "\n".join(_block(3, 1, lines=2) + _block(4, 9, lines=2))
    assert locks.broken_blocks(text, lines=2) == 0
    assert locks.broken_blocks(text, lines=3) == 2


def test_first_break_shows_the_cut_block_and_the_next():
    rows = _block(1, 1) + _block(1, 2)[:2] + _block(2, 1) + _block(1, 2)[2:]
    assert locks.first_break("\n".join(rows)) == rows[3:9]
    assert locks.first_break("\n".join(_block(1, 1))) == []


@pytest.mark.parametrize("bad", [0, -3, 1.5, "3"])
def test_bad_lines_is_refused(bad):
    with pytest.raises(ValueError, match="lines must be a whole number"):
        locks.broken_blocks("x", bad)
    with pytest.raises(ValueError, match="lines must be a whole number"):
        locks.first_break("x", bad)


def test_write_block_in_one_process(tmp_path):
    path = tmp_path / "log.txt"
    locks.write_block(str(path), 5, blocks=2, lines=2)
    assert path.read_text().splitlines() == _block(5, 1, 2) + _block(5, 2, 2)


def test_write_block_with_a_lock_keeps_blocks_whole(tmp_path):
    path = str(tmp_path / "log.txt")
    lock = multiprocessing.Lock()
    start = multiprocessing.Barrier(3)
    _run(locks.write_block, [(path, n, lock, start, 300) for n in (1, 2, 3)])
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert len(text.splitlines()) == 3 * 300 * locks.LINES
    assert locks.blocks_intact(text)
    for n in (1, 2, 3):  # every worker's blocks all arrived, in its own order
        mine = [r for r in text.splitlines() if r.startswith(f"worker {n} ")]
        assert mine == [row for b in range(1, 301) for row in _block(n, b)]


@pytest.mark.parametrize(("blocks", "lines"), [(0, 3), (2, 0), (1.5, 3), (2, "3")])
def test_write_block_refuses_bad_sizes(tmp_path, blocks, lines):
    path = tmp_path / "log.txt"
    with pytest.raises(ValueError, match="must be a whole number"):
        locks.write_block(str(path), 1, blocks=blocks, lines=lines)
    assert not path.exists()


# --- timing the designs ------------------------------------------------------------------


def test_count_run_properties():
    run = locks.CountRun(design="no lock", expected=10, got=7, seconds=0.5)
    assert run.lost == 3 and not run.exact
    assert locks.CountRun(design="x", expected=4, got=4, seconds=0.1).exact


def test_time_designs_locked_designs_are_exact():
    exact_designs = [d for d in locks.DESIGNS if d != "no lock"]
    runs = locks.time_designs(exact_designs, processes=2, times=2000)
    assert [run.design for run in runs] == exact_designs
    for run in runs:
        assert run.expected == 4000 and run.exact
        assert run.seconds > 0


def test_compare_designs_runs_every_design_in_order():
    runs = locks.compare_designs(processes=1, times=100)
    assert [run.design for run in runs] == list(locks.DESIGNS)
    assert all(run.exact for run in runs)  # one process: nobody to race with


@pytest.mark.parametrize(("designs", "processes", "times", "match"), [
    (["no such design"], 2, 10, "designs must be names"),
    ([], 2, 10, "designs must be names"),
    (["no lock"], 0, 10, "processes must be"),
    (["no lock"], 2, -5, "times must be"),
])
def test_time_designs_refuses_bad_arguments(designs, processes, times, match):
    with pytest.raises(ValueError, match=match):
        locks.time_designs(designs, processes, times)


def test_print_comparison(capsys):
    runs = [locks.CountRun("no lock", 100, 60, 0.5),
            locks.CountRun("with lock: (one per +1)", 100, 100, 2.0),
            locks.CountRun("count locally, add once", 100, 100, 0.1)]
    locks.print_comparison(runs)
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["no", "lock", "WRONG", "0.500", "s"]
    assert out[1].endswith("exact  2.000 s")
    assert out[3] == "fastest exact design: count locally, add once"
    assert out[4] == "a lock per +1 takes 20x as long as counting locally"


def test_print_comparison_refuses_other_things():
    with pytest.raises(TypeError, match="compare_designs"):
        locks.print_comparison([])
    with pytest.raises(TypeError, match="compare_designs"):
        locks.print_comparison([("no lock", 1.0)])
