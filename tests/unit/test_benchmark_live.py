"""python -m benchmarks.live runs and prints every figure (it measures nothing in --quick)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_run_prints_every_figure():
    done = subprocess.run([sys.executable, "-m", "benchmarks.live", "--quick"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for label in ("workload", "wall times", "ratios", "95 % interval", "costs (CPU)",
                  "live view overhead <= 2% : not judged"):
        assert label in done.stdout, done.stdout
