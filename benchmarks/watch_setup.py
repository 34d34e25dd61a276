"""The watch's set-up and give-back: how long `watch @FILE --once` over N tags the session
holds no item of takes to print its table (add and advise them, wait for each one's first
value, give them back; the table is printed once they are given back).

The simulator runs in its own process with a generated Galaxy; the N tags are
attributes that move at every tick, so each has a first value at once. The shell is the
real runtime (its Galaxy included: the watch asks it which tags are ElapsedTime).

    python benchmarks/watch_setup.py [--tags 1000] [--runs 5] [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import SimProcess, simulator_process  # noqa: E402
from watch_view import moving_tag_references  # noqa: E402

from mxshell.app.connection import Target  # noqa: E402
from mxshell.app.runtime import ShellRuntime  # noqa: E402


async def timed_watches(sim: SimProcess, listed: Path, count: int, runs: int) -> list[float]:
    """Seconds each `watch @listed --once` took, the first (a warm-up) not kept."""
    runtime = ShellRuntime(out=lambda text: None, err=lambda text: None)
    if not await runtime.start(Target(sim.endpoint, plaintext=True, api_key=sim.api_key)):
        raise RuntimeError("the shell could not connect to the simulator")
    took = []
    try:
        for _ in range(runs + 1):
            started = time.perf_counter()
            outcomes = await runtime.run_line(f"watch @{listed} --once")
            took.append(time.perf_counter() - started)
            (outcome,) = outcomes
            rows = outcome.result.records()
            if not outcome.ok or len(rows) != count or any(r["value"] is None for r in rows):
                shown = sum(r["value"] is not None for r in rows)
                raise RuntimeError(f"the watch showed {shown} values of {count}: {outcome.error}")
    finally:
        await runtime.close()
    return took[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="tiny run, for the test suite")
    args = parser.parse_args()
    count, runs = (20, 1) if args.smoke else (args.tags, args.runs)
    with (
        simulator_process(
            "--generate", str(max(count * 10, 2000)), "--update-interval", "0.1"
        ) as sim,
        tempfile.TemporaryDirectory() as folder,
    ):
        listed = Path(folder) / "tags.txt"
        tags = moving_tag_references(sim, count)[:count]
        listed.write_text("\n".join(tags) + "\n", encoding="utf-8")
        took = asyncio.run(timed_watches(sim, listed, count, runs))
    shown = ", ".join(f"{t * 1000:,.0f}" for t in took)
    print(
        f"watch @FILE --once over {count} tags: first table in "
        f"{statistics.median(took) * 1000:,.0f} ms (median of {len(took)}: {shown} ms)"
    )


if __name__ == "__main__":
    main()
