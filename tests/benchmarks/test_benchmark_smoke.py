"""Each benchmark runs at a tiny size, so the suite notices when one rots."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def run_benchmark(name: str) -> str:
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / name), "--smoke"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def test_event_ingest_benchmark_reports_a_floor_a_figure_and_a_ratio() -> None:
    out = run_benchmark("event_ingest.py")
    assert re.search(r"floor [\d,.]+ events/s, mxshell [\d,.]+ events/s, ratio \d+\.\d\d", out)


def test_startup_benchmark_reports_both_times_and_a_ratio() -> None:
    out = run_benchmark("startup.py")
    assert re.search(r"floor \d+ ms, mxshell \d+ ms, ratio \d+\.\d\d", out)


def test_script_dispatch_benchmark_reports_commands_per_second() -> None:
    out = run_benchmark("script_dispatch.py")
    assert re.search(r"script dispatch: 160 commands in [\d.]+ s, [\d,]+ commands/s", out)
