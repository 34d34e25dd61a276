"""A long command file is read and checked whole before it runs, so what the shell keeps
per line decides whether a million-line file fits: measured here in a real process (the
goal's figures, a million lines, are benchmarks/long_file.py's)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import shell_env
from tests.e2e.conftest import LAUNCH

MIB = 1 << 20

LINES = 100_000
# A million-line file under 300 MB, start-up (about 50 MB) included, leaves some 250
# bytes a line; the shell keeps about 100-160 (it kept about 1,000 before the steps of a
# file were held compactly).
MAX_BYTES_A_LINE = 250


def write_echo_file(path: Path, lines: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for number in range(1, lines + 1):
            out.write(f"echo line {number} of the long file\n")


def run_file(tmp_path: Path, path: Path) -> tuple[int, str, int]:
    """Run `mxshell --json -f path`: exit status, the last stdout line, peak RSS bytes."""
    child = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "--json", "-f", str(path)],
        env=shell_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    last = ""
    for last in child.stdout:  # noqa: B007 - only the last line (the summary) is kept
        pass
    _, status, usage = os.wait4(child.pid, 0)
    return os.waitstatus_to_exitcode(status), last, usage.ru_maxrss * 1024


def test_a_long_file_of_echo_lines_keeps_little_per_line_and_runs_every_line(
    tmp_path: Path,
) -> None:
    one, long = tmp_path / "one.mxsh", tmp_path / "long.mxsh"
    write_echo_file(one, 1)
    write_echo_file(long, LINES)
    status, _, floor = run_file(tmp_path, one)
    assert status == 0
    status, last, peak = run_file(tmp_path, long)
    per_line = (peak - floor) / LINES
    print(f"\n{LINES:,} lines: peak {peak / MIB:.0f} MiB, {per_line:.0f} bytes a line")
    assert status == 0, last
    summary = json.loads(last)["summary"]
    assert (summary["commands_run"], summary["commands_failed"]) == (LINES, 0), summary
    assert per_line < MAX_BYTES_A_LINE, f"{per_line:.0f} bytes a line"
