"""helpers.instruments.counting: whole blocks of lines counted, and the shared-counter
designs timed side by side in real processes."""

import multiprocessing

import pytest

from helpers.instruments import counting

pytestmark = pytest.mark.per_start_method


def _block(worker, block, lines=3):
    return [f"worker {worker} block {block} line {n} of {lines}" for n in range(1, lines + 1)]


# --- whole blocks ---------------------------------------------------------------------------


def test_broken_blocks_counts_cut_blocks():
    whole = _block(1, 1) + _block(2, 1)
    assert counting.broken_blocks("\n".join(whole)) == 0
    assert counting.blocks_intact("\n".join(whole))
    cut = _block(1, 1)[:2] + _block(2, 1) + _block(1, 1)[2:]
    assert counting.broken_blocks("\n".join(cut)) == 2
    assert not counting.blocks_intact("\n".join(cut))


def test_broken_blocks_sees_wrong_order_and_short_tail():
    swapped = _block(1, 1)[::-1]
    assert counting.broken_blocks("\n".join(swapped)) == 1
    assert counting.broken_blocks("\n".join(_block(1, 1)[:2])) == 1
    assert counting.broken_blocks("") == 0


def test_broken_blocks_with_other_block_sizes():
    text = "\n".join(_block(3, 1, lines=2) + _block(4, 9, lines=2))
    assert counting.broken_blocks(text, lines=2) == 0
    assert counting.broken_blocks(text, lines=3) == 2


def test_a_file_is_read_from_its_path(tmp_path):
    path = tmp_path / "log.txt"
    path.write_text("\n".join(_block(1, 1) + _block(2, 1)[::-1]) + "\n")
    assert counting.broken_blocks(path) == 1
    assert counting.broken_blocks(str(path)) == 1
    assert counting.block_rows(path) == _block(1, 1) + _block(2, 1)[::-1]
    with pytest.raises(FileNotFoundError, match="there is no file"):
        counting.broken_blocks(tmp_path / "absent.txt")


def test_first_break_shows_the_cut_block_and_the_next():
    rows = _block(1, 1) + _block(1, 2)[:2] + _block(2, 1) + _block(1, 2)[2:]
    assert counting.first_break("\n".join(rows)) == rows[3:9]
    assert counting.first_break("\n".join(_block(1, 1))) == []


@pytest.mark.parametrize(("bad", "error"), [(0, ValueError), (-3, ValueError),
                                            (1.5, TypeError), ("3", TypeError)])
def test_bad_lines_is_refused(bad, error):
    text = "\n".join(_block(1, 1))
    with pytest.raises(error, match="lines must be a whole number"):
        counting.broken_blocks(text, bad)
    with pytest.raises(error, match="lines must be a whole number"):
        counting.first_break(text, bad)


def test_text_that_write_block_did_not_write_is_refused():
    with pytest.raises(ValueError, match="is not what write_block writes: the line 'hello'"):
        counting.broken_blocks("\n".join([*_block(1, 1), "hello"]))
    with pytest.raises(TypeError, match="text must be the file's text"):
        counting.broken_blocks(42)


# --- timing the designs ------------------------------------------------------------------


def test_count_run_properties():
    run = counting.CountRun(design="no lock", expected=10, got=7, seconds=0.5)
    assert run.lost == 3 and not run.exact
    assert counting.CountRun(design="x", expected=4, got=4, seconds=0.1).exact


def test_time_designs_locked_designs_are_exact():
    exact_designs = [d for d in counting.DESIGNS if d != "no lock"]
    runs = counting.time_designs(exact_designs, processes=2, times=2000)
    assert [run.design for run in runs] == exact_designs
    for run in runs:
        assert run.expected == 4000 and run.exact
        assert run.seconds > 0
    assert not multiprocessing.active_children()


def test_compare_designs_runs_every_design_in_order():
    runs = counting.compare_designs(processes=1, times=100, max_runs=1)
    assert [run.design for run in runs] == list(counting.DESIGNS)
    assert all(run.exact for run in runs)  # one process: nobody to race with
    assert not multiprocessing.active_children()


@pytest.mark.parametrize(("designs", "processes", "times", "error", "match"), [
    (["no such design"], 2, 10, ValueError, r"designs\[0\] must be one of 'no lock'"),
    ([], 2, 10, ValueError, "designs must hold at least 1"),
    ("no lock", 2, 10, TypeError, "designs must be a list"),
    (["no lock"], 0, 10, ValueError, "processes must be"),
    (["no lock"], 2, -5, ValueError, "times must be"),
])
def test_time_designs_refuses_bad_arguments(designs, processes, times, error, match):
    with pytest.raises(error, match=match):
        counting.time_designs(designs, processes, times)
    assert not multiprocessing.active_children()


def test_print_comparison(capsys):
    runs = [counting.CountRun("no lock", 100, 60, 0.5),
            counting.CountRun("with lock: (one per +1)", 100, 100, 2.0),
            counting.CountRun("with counter.get_lock():", 100, 100, 1.0),
            counting.CountRun("count locally, add once", 100, 100, 0.1)]
    counting.print_comparison(runs)
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["no", "lock", "WRONG", "0.500", "s"]
    assert out[1].endswith("exact  2.000 s")
    assert out[4] == "fastest exact design: count locally, add once"
    assert out[5] == "counter.get_lock() was faster than a separate lock this time (0.50x its time)"
    assert out[6] == "a lock per +1 takes 20x as long as counting locally"


def test_print_comparison_refuses_other_things():
    with pytest.raises(ValueError, match="runs must hold at least 1"):
        counting.print_comparison([])
    with pytest.raises(TypeError, match=r"runs\[0\] must be a CountRun"):
        counting.print_comparison([("no lock", 1.0)])
