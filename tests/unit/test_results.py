"""helpers.instruments.results: the machine's description, the CSV round trip, malformed
files explained, and the reference runs shipped as package data."""

from __future__ import annotations

import csv
import multiprocessing
from dataclasses import replace
from importlib import resources
from pathlib import Path

import pytest

from helpers.cpus import usable_cpus
from helpers.instruments import results as rs
from helpers.instruments.measure import Measurement
from helpers.speedup import amdahl


def _m(workers, seconds, kind="processes", serial=1.0, workload="mandelbrot"):
    return Measurement(workload, kind, workers, seconds, serial, 3, "demo")


def _machine(**changes):
    machine = rs.Machine(label="Test laptop", cpu_model="Test CPU 3000", usable_cpus=4,
                         logical_cpus=8, python="3.12.1", start_method="spawn",
                         platform="Linux", date="2025-01-02T03:04:05Z", source="test",
                         gil="on, standard build")
    return replace(machine, **changes)


# --- The machine -------------------------------------------------------------------------


def test_describe_machine_has_every_field():
    machine = rs.describe_machine()
    assert machine.usable_cpus == usable_cpus()
    assert machine.python.count(".") == 2
    assert machine.start_method in multiprocessing.get_all_start_methods()
    assert machine.cpu_model and machine.label and machine.date.endswith("Z")
    assert machine.gil == rs.gil_status()
    assert rs.describe_machine("Ana's laptop").label == "Ana's laptop"
    assert rs.describe_machine(start_method="spawn").start_method == "spawn"


def test_describe_machine_refuses_bad_arguments():
    with pytest.raises(TypeError, match="label must be a string"):
        rs.describe_machine(label=3)
    with pytest.raises(ValueError, match="start_method must be one of"):
        rs.describe_machine(start_method="thread")


def test_machine_summary_says_what_not_where():
    assert rs.machine_summary(_machine()) == (
        "Test CPU 3000, 4 usable CPUs, Python 3.12.1 (GIL on, standard build), "
        "start method spawn")


# --- Save and load --------------------------------------------------------------------------


def test_csv_round_trip(tmp_path):
    results = [_m(n, 1 / n + 0.123456789, k) for k in ("processes", "threads") for n in (1, 2, 3)]
    path = rs.save_results(results, tmp_path / "out", _machine())
    assert path.parent == tmp_path / "out"
    assert path.name == "speedup-test-laptop-spawn.csv"
    run = rs.load_results(path)
    assert run.machine == _machine()
    assert run.results == tuple(results)
    assert run.path == path
    with path.open() as file:
        header = next(csv.reader(file))
    assert {"cpu_model", "usable_cpus", "python", "start_method", "date", "gil", "speedup",
            "efficiency"} <= set(header)


def test_a_name_without_csv_gets_it_and_load_runs_finds_it(tmp_path):
    path = rs.save_results([_m(1, 1.0)], tmp_path, _machine(), name="my-laptop")
    assert path == tmp_path / "my-laptop.csv"
    (run,) = rs.load_runs(str(tmp_path / "*.csv"))
    assert run.path == path
    assert rs.save_results([_m(1, 1.0)], tmp_path, _machine(), "b.csv").name == "b.csv"


@pytest.mark.parametrize("name", ["", "  ", "sub/my.csv", 3])
def test_save_results_refuses_a_name_with_a_folder_or_none(tmp_path, name):
    with pytest.raises(ValueError, match="name must be a file name"):
        rs.save_results([_m(1, 1.0)], tmp_path, _machine(), name)


def test_save_results_refuses_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="empty"):
        rs.save_results([], tmp_path)
    with pytest.raises(TypeError, match="machine must be a Machine"):
        rs.save_results([_m(1, 1.0)], tmp_path, machine={"label": "x"})
    a_file = tmp_path / "a.txt"
    a_file.write_text("")
    with pytest.raises(ValueError, match="folder must be a folder"):
        rs.save_results([_m(1, 1.0)], a_file, _machine())


def test_load_runs_reads_a_pattern_in_order(tmp_path):
    rs.save_results([_m(1, 1.0)], tmp_path, _machine(label="B"))
    rs.save_results([_m(1, 0.5)], tmp_path, _machine(label="A"))
    runs = rs.load_runs(str(tmp_path / "*.csv"))
    assert [run.machine.label for run in runs] == ["A", "B"]
    assert [run.machine.label for run in rs.load_runs(sorted(tmp_path.glob("*.csv")))] == [
        "A", "B"]


def test_load_runs_on_a_pattern_matching_nothing_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="no file matches .*nothing-"):
        rs.load_runs(tmp_path / "nothing-*.csv")


def test_load_results_of_a_missing_file_or_not_a_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="there is no file"):
        rs.load_results(tmp_path / "absent.csv")
    with pytest.raises(TypeError, match="path must be a file path"):
        rs.load_results(3)


# --- Malformed files ---------------------------------------------------------------------------


def _saved(tmp_path, **changes) -> Path:
    return rs.save_results([_m(1, 1.0), _m(2, 0.5)], tmp_path, _machine(**changes), "run.csv")


def test_load_results_explains_bad_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("a,b\n")
    with pytest.raises(ValueError, match="no measurements"):
        rs.load_results(empty)
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not a speedup CSV: it has no column 'label'"):
        rs.load_results(other)
    mixed = rs.save_results([_m(1, 1.0)], tmp_path, _machine(), "one.csv")
    lines = mixed.read_text().splitlines()
    mixed.write_text("\n".join(lines + [lines[1].replace("Test laptop", "Other")]) + "\n")
    with pytest.raises(ValueError, match="several machines"):
        rs.load_results(mixed)


def test_a_truncated_row_is_named_by_its_line(tmp_path):
    path = _saved(tmp_path)
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines[:2], lines[2][: len(lines[2]) // 2]]) + "\n")
    with pytest.raises(ValueError, match=r"run.csv, line 3: the row is cut short"):
        rs.load_results(path)


def test_a_byte_order_mark_from_a_spreadsheet_is_accepted(tmp_path):
    path = _saved(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    run = rs.load_results(path)
    assert run.machine == _machine() and len(run.results) == 2


def test_a_semicolon_separated_file_gets_a_clear_message(tmp_path):
    path = _saved(tmp_path)
    path.write_text(path.read_text().replace(",", ";"))
    with pytest.raises(ValueError, match="looks separated by ';': save it with commas"):
        rs.load_results(path)


def test_a_binary_file_gets_a_clear_value_error(tmp_path):
    path = tmp_path / "picture.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00\x80")
    with pytest.raises(ValueError, match="is not a text CSV file"):
        rs.load_results(path)


def test_a_value_that_is_not_a_number_is_named(tmp_path):
    path = _saved(tmp_path)
    path.write_text(path.read_text().replace(",1.0,", ",fast,", 1))
    with pytest.raises(ValueError, match="has a value that is not a valid number"):
        rs.load_results(path)


def test_an_older_file_without_the_gil_column_still_loads(tmp_path):
    path = _saved(tmp_path)
    rows = list(csv.DictReader(path.read_text().splitlines()))
    with path.open("w", newline="") as file:
        columns = [c for c in rows[0] if c != "gil"]
        writer = csv.DictWriter(file, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    run = rs.load_results(path)
    assert run.machine.gil == "on, standard build"  # Python 3.12: every build had the GIL


# --- Reference runs ------------------------------------------------------------------------------


def test_the_shipped_reference_is_found_as_package_data():
    folder = resources.files("helpers.instruments") / rs.REFERENCE_FOLDER
    assert folder.is_dir()
    files = rs.reference_files()
    assert files and all(p.suffix == ".csv" for p in files)
    runs = rs.load_reference()
    assert len(runs) >= 1
    for run in runs:
        assert run.machine.cpu_model and run.results
        assert run.machine.label == f"{run.machine.cpu_model} ({run.machine.usable_cpus} CPUs)"


def test_reference_loader_with_a_synthetic_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no .csv file"):
        rs.load_reference(tmp_path)
    with pytest.raises(FileNotFoundError, match="there is no folder"):
        rs.load_reference(tmp_path / "absent")
    results = [_m(n, 1 / amdahl(n, 0.02)) for n in range(1, 33)]
    rs.save_results(results, tmp_path, _machine(usable_cpus=16), "ref-16.csv")
    (tmp_path / "README.md").write_text("not data")
    (run,) = rs.load_reference(tmp_path)
    assert run.machine.usable_cpus == 16 and len(run.results) == 32
    assert run.machine.label == "Test CPU 3000 (16 CPUs)"


def test_describe_reference():
    assert rs.describe_reference([]) == "No reference data: the plots show your machine only."
    run = rs.SavedRun(_machine(usable_cpus=16), (_m(1, 1.0),))
    assert rs.describe_reference([run]) == (
        "Test CPU 3000, 16 usable CPUs, Python 3.12.1 (GIL on, standard build), start method "
        "spawn (demo)")
    with pytest.raises(TypeError, match=r"runs\[0\] must be a SavedRun"):
        rs.describe_reference([_machine()])
