"""Script dispatch: commands/s through the command-file runner, for cheap commands.

A command file of N lines (`echo`, `set`/`show` of a setting, comments) runs through
the same runner as `mxshell -f`, with output discarded. Goal: >= 5,000 commands/s.
There is no gRPC floor here: the figure is the shell's own overhead per command.

    python benchmarks/script_dispatch.py [--lines 10000] [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from mxshell.app.runtime import ShellRuntime
from mxshell.script.program import read_script
from mxshell.script.runner import run_script

LINES = (
    "echo tank ${n}",
    "set timestamps utc",
    "# a comment",
    "echo 'quoted; text'",
    "show output",
)


def command_file(count: int) -> str:
    return "\n".join(LINES[i % len(LINES)].replace("${n}", str(i)) for i in range(count))


async def dispatch(count: int) -> tuple[float, int]:
    runtime = ShellRuntime(out=lambda text: None, err=lambda text: None)
    lines = read_script(command_file(count))
    started = time.perf_counter()
    run = await run_script(
        runtime.dispatcher, lines, "bench.mxsh", show=runtime.show, report=runtime.err
    )
    elapsed = time.perf_counter() - started
    if run.failed:
        raise SystemExit(f"{run.failed} commands failed")
    return elapsed, run.ran


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--smoke", action="store_true", help="a small file, for the test suite")
    args = parser.parse_args()
    elapsed, ran = asyncio.run(dispatch(200 if args.smoke else args.lines))
    print(
        f"script dispatch: {ran} commands in {elapsed:.2f} s, {ran / elapsed:,.0f} commands/s "
        "(goal >= 5,000)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
