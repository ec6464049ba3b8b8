"""Saved measurements record whether the GIL was on; older files without that column load."""

from __future__ import annotations

import csv
import sys
import sysconfig

from helpers.instruments.measure import Measurement
from helpers.instruments.results import (
    MACHINE_COLUMNS,
    describe_machine,
    gil_status,
    load_results,
    save_results,
)


def test_gil_status_says_what_this_python_is():
    free_threaded = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    on = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
    assert gil_status() == (f"{'on' if on else 'off'}, "
                            f"{'free-threaded' if free_threaded else 'standard'} build")
    assert describe_machine().gil == gil_status()


def test_gil_column_round_trip(tmp_path):
    machine = describe_machine(label="Test laptop")
    path = save_results([Measurement("sleep", "threads", 2, 0.5, 1.0, 3, "demo")], tmp_path,
                        machine)
    assert "gil" in MACHINE_COLUMNS
    assert load_results(path).machine.gil == gil_status()


def test_a_file_without_the_gil_column_still_loads(tmp_path):
    path = save_results([Measurement("sleep", "threads", 2, 0.5, 1.0, 3, "demo")], tmp_path,
                        describe_machine(label="Old"))
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    for python, expected in (("3.12.3", "on, standard build"), ("3.13.0", "unknown")):
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, [c for c in rows[0] if c != "gil"])
            writer.writeheader()
            for row in rows:
                writer.writerow({**{k: v for k, v in row.items() if k != "gil"},
                                 "python": python})
        assert load_results(path).machine.gil == expected
