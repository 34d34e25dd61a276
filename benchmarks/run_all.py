"""Run the whole performance suite, one benchmark after another, and print every figure.

Each benchmark is its own script (and its own process, so one's imports and threads
do not weigh on the next); this runs them in order and repeats their figure lines at the
end, together. See docs/performance.md for what each measures and its goal.

    python benchmarks/run_all.py [--smoke] [--only NAME ...] [--list]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# In the order; a benchmark whose script is not there yet is reported as missing.
BENCHMARKS = (
    "read_bulk",
    "write_bulk",
    "event_ingest",
    "completion",
    "startup",
    "script_dispatch",
    "discover_rss",
    "expect_lines",
    "long_file",
    "snapshot_save",
    "fleet",
    "watch_view",
    "watch_setup",
)
FIGURE_MARKERS = ("ratio", "commands/s", "growth", "first table")


def run(name: str, smoke: bool) -> tuple[int, list[str]]:
    script = HERE / f"{name}.py"
    command = [sys.executable, str(script), *(["--smoke"] if smoke else [])]
    done = subprocess.run(command, capture_output=True, text=True, cwd=HERE.parent)
    print(done.stdout, end="", flush=True)
    if done.returncode:
        print(done.stderr, end="", file=sys.stderr, flush=True)
    figures = [line for line in done.stdout.splitlines() if any(m in line for m in FIGURE_MARKERS)]
    return done.returncode, figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="every benchmark at a tiny size")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, metavar="NAME")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    args = parser.parse_args()
    names = args.only or BENCHMARKS
    if args.list:
        for name in names:
            state = "" if (HERE / f"{name}.py").exists() else "  (missing)"
            print(f"{name}{state}")
        return 0
    summary: list[str] = []
    failed = 0
    for name in names:
        if not (HERE / f"{name}.py").exists():
            summary.append(f"{name}: missing (benchmarks/{name}.py is not written yet)")
            continue
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        status, figures = run(name, args.smoke)
        took = time.perf_counter() - started
        if status:
            failed += 1
            figures = [f"{name}: FAILED with exit status {status}"]
        print(f"   ({took:.0f} s)\n", flush=True)
        summary += figures
    print("== figures")
    for line in summary:
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
