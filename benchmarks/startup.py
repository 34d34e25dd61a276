"""Time to first prompt: mxshell on its embedded simulator vs importing grpc and prompt_toolkit.

The floor is `python -c "import grpc, prompt_toolkit"`: what any Python shell on these
libraries pays before doing anything. mxshell's figure is the time until its prompt is
drawn in a pseudo-terminal; since the prompt is drawn before the shell is assembled
(mxshell.app.prompt_first), a second line gives the time until it is ready: plugins
loaded, connected to a freshly started embedded gateway, banner shown. Goal: <= 1.2
(issue 23; the first round's was 1.5).

The package is byte-compiled first, as an installed wheel is: with PYTHONDONTWRITEBYTECODE
set (as in this workplace) every recently edited module would otherwise be compiled again
on each start, and the figure would say more about the last edit than about the shell.

Starts vary by tens of milliseconds on a shared machine, so the medians are of 15 starts
a side by default: with 7, the same code measured 1.40 in one run and 1.56 in the next.

    python benchmarks/startup.py [--runs 15] [--smoke]
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parent.parent
LAUNCH = "import sys; from mxshell.app.launch import main; sys.exit(main())"
READY = "Tab completes"  # the banner's last line: connected, plugins loaded, REPL built


def floor_seconds() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import grpc, prompt_toolkit"], check=True)
    return time.perf_counter() - started


def prompt_seconds(folder: str) -> tuple[float, float]:
    """Until the prompt is drawn, and until the shell is ready (connected, its banner out:
    the prompt is drawn before that, mxshell.app.prompt_first)."""
    env = dict(
        os.environ,
        PROMPT_TOOLKIT_NO_CPR="1",
        MXSHELL_DATA_DIR=folder,
        MXSHELL_CONFIG_DIR=folder,
        # The plugin entry-point cache of this run alone: the user's cache folder is
        # shared with every other checkout and test run on the machine, and keeps only a
        # few installations, so there a start could scan because of someone else's run.
        MXSHELL_CACHE_DIR=folder,
        TERM="xterm",
    )
    started = time.perf_counter()
    child = pexpect.spawn(sys.executable, ["-c", LAUNCH], env=env, encoding="utf-8", timeout=30)
    seen: dict[int, float] = {}
    while len(seen) < 2:
        seen.setdefault(child.expect(["mxshell>", READY]), time.perf_counter() - started)
    child.sendline("exit")
    child.expect(pexpect.EOF)
    return seen[0], seen[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--smoke", action="store_true", help="one run, for the test suite")
    args = parser.parse_args()
    runs = 1 if args.smoke else args.runs
    for package in ("mxshell", "plugins"):
        compileall.compile_dir(ROOT / package, quiet=2)
    with tempfile.TemporaryDirectory() as folder:
        floors, prompts, readies = [], [], []
        for _ in range(runs):  # interleaved, so machine noise hits both alike
            floors.append(floor_seconds())
            prompt, ready = prompt_seconds(folder)
            prompts.append(prompt)
            readies.append(ready)
    floor, measured = statistics.median(floors), statistics.median(prompts)
    ready = statistics.median(readies)
    print(
        f"time to first prompt ({runs} runs, medians): floor {floor * 1000:.0f} ms, "
        f"mxshell {measured * 1000:.0f} ms, ratio {measured / floor:.2f} (goal <= 1.2)"
    )
    print(
        f"time until the shell is ready (connected, banner shown): floor {floor * 1000:.0f} ms, "
        f"mxshell {ready * 1000:.0f} ms, ratio {ready / floor:.2f} (not a goal)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
