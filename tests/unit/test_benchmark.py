"""benchmarks.speedup: a smoke test with tiny sizes. It checks what the script prints
and writes, never how fast anything is (the benchmark is not a timed test)."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys

import pytest

from benchmarks.speedup import EFFICIENCY_TARGET, OVERHEAD_TARGET
from helpers.cpus import usable_cpus
from helpers.instruments.results import load_results
from tests.plugin import ROOT

# The benchmark runs under the start method of the test run (--start-method).
pytestmark = pytest.mark.per_start_method


@pytest.fixture(scope="module")
def run(tmp_path_factory, request):
    method = request.config.start_method
    folder = tmp_path_factory.mktemp("bench")
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.speedup", "--quick", "--start-method", method,
         "--csv", str(folder / "ref.csv"), "--json", str(folder / "bench.json"),
         "--label", "smoke test"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    return completed.stdout, folder, method


def test_prints_every_figure(run):
    out, _, method = run
    assert f"usable CPUs  : {usable_cpus()}" in out
    assert f"start method : {method}" in out
    assert "workers     median  speedup  efficiency" in out
    assert "<- usable CPUs" in out or usable_cpus() > 2
    for start_method in multiprocessing.get_all_start_methods():
        assert f"  {start_method:<11} " in out
    assert "timeline recording overhead (timed() around each task" in out
    assert "machine ceiling: " in out and ", chunksize 4; at " in out
    assert f"efficiency at workers = usable CPUs >= {EFFICIENCY_TARGET:.2f}" in out
    assert f"timeline recording overhead <= {OVERHEAD_TARGET:.0%}" in out
    assert "not judged (--quick measures nothing)" in out  # --quick judges no target


def test_table_has_serial_and_each_worker_count(run):
    out, _, _ = run
    lines = out.splitlines()
    top = lines.index(next(line for line in lines if line.lstrip().startswith("workers")))
    assert lines[top + 1].lstrip().startswith("serial")
    assert [line.split()[0] for line in lines[top + 2:top + 4]] == ["1", "2"]


def test_json_has_figures_and_provenance(run):
    _, folder, method = run
    report = json.loads((folder / "bench.json").read_text())
    machine = report["machine"]
    assert machine["usable_cpus"] == usable_cpus() and machine["start_method"] == method
    assert machine["label"] == "smoke test" and machine["source"] == "python -m benchmarks.speedup"
    for key in ("cpu_model", "python", "date"):
        assert machine[key]
    assert [r["workers"] for r in report["results"]] == [1, 2]
    assert {"speedup", "efficiency", "seconds", "serial_seconds"} <= set(report["results"][0])
    assert set(report["start_cost_seconds"]) == set(multiprocessing.get_all_start_methods())
    assert isinstance(report["timeline_overhead"], float)
    assert 0 < report["machine_ceiling"] and report["target_workload"]["chunksize"] == 4
    assert report["targets"]["efficiency_at_usable"] == EFFICIENCY_TARGET
    assert report["targets"]["timeline_overhead"] == OVERHEAD_TARGET
    assert report["targets"]["efficiency_met"] is None  # not judged with --quick


def test_csv_is_a_loadable_reference_file(run):
    _, folder, method = run
    saved = load_results(folder / "ref.csv")
    assert saved.machine.start_method == method
    assert saved.machine.source == "python -m benchmarks.speedup"
    assert [(r.workload, r.kind, r.workers) for r in saved.results] == [
        ("mandelbrot", "processes", 1), ("mandelbrot", "processes", 2)]


def test_bad_arguments_are_refused():
    from benchmarks.speedup import parse_args

    with pytest.raises(SystemExit):
        parse_args(["--size", "400x240"])
    with pytest.raises(SystemExit):
        parse_args(["--repeats", "0"])
    assert parse_args(["--size", "10x8x5"]).size == (10, 8, 5)
