"""The benchmarks still run and still check their own results (each bench refuses to time a
credential that does not verify). Nothing here is timed: speed is read from `make bench`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

RUNS = {
    "run": ["bench/run.py", "--seconds", "0.05", "--no-js"],
    "selective": ["bench/selective.py", "--seconds", "0.05", "--no-js"],
    "batch_issue": ["bench/batch_issue.py", "--count", "20", "--only", "sqlite"],
    "load": [
        "bench/load.py",
        "--duration", "0.5", "--clients", "3", "--credentials", "5", "--only", "sqlite",
    ],
    "verify_http": [
        "bench/verify_http.py",
        "--clients", "2", "--requests", "20", "--seconds", "10", "--inproc-seconds", "0.05",
    ],
    "writers": ["bench/writers.py", "--rows", "200", "--only", "sqlite"],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(RUNS))
def test_bench_script_runs_and_prints_rates(name: str) -> None:
    done = subprocess.run(
        [sys.executable, *RUNS[name]], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "/s" in done.stdout or "per s" in done.stdout or "ops" in done.stdout, done.stdout
