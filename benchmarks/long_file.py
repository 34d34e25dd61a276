"""A long command file: peak RSS and commands/s of `mxshell -f` on a file of `echo` lines.

A command file is read and checked whole before anything runs (so a mistake on its last
line runs nothing), which makes what the shell keeps per line the figure that decides
whether a long file fits. Goal: a 1,000,000-line file under 300 MB peak RSS at >= 10,000
commands/s. Each size runs in a fresh process (the console script, on its embedded
simulator, so the file is validated against a Galaxy too, as a normal run does); the peak
RSS is the kernel's figure for the finished child, and commands/s counts the whole
process: start-up, reading, the check, validation and the run. The floor is the same
process running a one-line file: what any run costs before its lines.

    python benchmarks/long_file.py [--lines 1000000] [--smoke]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LAUNCH = "import sys; from mxshell.app.launch import main; sys.exit(main())"  # the console script
# Runs a command with its output thrown away; prints its exit status, its peak RSS in KiB
# (the kernel's figure for the finished child) and its wall time in seconds.
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "started = time.perf_counter()\n"
    "status = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "took = time.perf_counter() - started\n"
    "print(status, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, took)\n"
)
GOAL_MB = 300
GOAL_RATE = 10_000


def write_file(path: Path, lines: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for number in range(1, lines + 1):
            out.write(f"echo line {number} of the long file\n")


def measure(path: Path) -> tuple[float, float]:
    """Peak RSS (MB, as the goal is written) and wall time (s) of `mxshell -f path`."""
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, "-c", LAUNCH, "-f", str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    status, kib, took = run.stdout.split()
    if status != "0":
        raise RuntimeError(f"mxshell -f {path} ended with status {status}: {run.stderr}")
    return int(kib) * 1024 / 1e6, float(took)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--smoke", action="store_true", help="a small file, for the test suite")
    args = parser.parse_args()
    lines = 2_000 if args.smoke else args.lines
    with tempfile.TemporaryDirectory() as folder:
        one, long = Path(folder, "one.mxsh"), Path(folder, "long.mxsh")
        write_file(one, 1)
        started = time.perf_counter()
        write_file(long, lines)
        written = time.perf_counter() - started
        floor_mb, floor_s = measure(one)
        peak_mb, took = measure(long)
    per_line = (peak_mb - floor_mb) * 1e6 / lines
    print(f"(the file of {lines:,} lines written in {written:.1f} s)")
    print(
        f"long file ({lines:,} echo lines): floor (one line) {floor_mb:.1f} MB in "
        f"{floor_s:.2f} s; mxshell {peak_mb:.1f} MB in {took:.1f} s, ratio "
        f"{peak_mb / floor_mb:.2f}; {per_line:,.0f} bytes a line"
    )
    print(
        f"long file: peak RSS {peak_mb:.0f} MB (goal < {GOAL_MB}), {lines / took:,.0f} "
        f"commands/s (goal >= {GOAL_RATE:,})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
