"""`snapshot save` of 100,000 tags, against the raw stub's ReadBulk calls of the same tags.

The simulator runs in its own process on a generated Galaxy. The floor is the raw
generated stub making the ReadBulk calls `snapshot save` makes (calls of at most
READ_CALL_ENTRIES tags, up to READS_IN_FLIGHT out at once: the floor of read_bulk.py).
The shell's side is a whole `snapshot save FILE 'Bench*' --force` command line through
the Dispatcher: the reads, each tag's row, and the file written (JSON lines). They take
turns, the first of each side only warming it. Goal: ratio of medians <= 1.2.

    python benchmarks/snapshot_save.py [--tags 100000] [--iterations 5] [--smoke]
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

from harness import SimProcess, report, simulator_process, summary, tag_references  # noqa: E402
from read_bulk import FixedTags, Floor  # noqa: E402

from mxshell.app import collector  # noqa: E402
from mxshell.app.connection import Target  # noqa: E402
from mxshell.app.runtime import ShellRuntime  # noqa: E402
from mxshell.commands import GALAXY  # noqa: E402


async def measure(sim: SimProcess, tags: list[str], iterations: int, folder: Path) -> tuple:
    floor = Floor(sim, tags)
    runtime = ShellRuntime(out=lambda text: None, err=lambda text: None)
    if not await runtime.start(Target(sim.endpoint, plaintext=True, api_key=sim.api_key)):
        raise RuntimeError("the shell could not connect to the simulator")
    collector.settle()
    runtime.context.services[GALAXY] = FixedTags(tags)
    line = f"snapshot save {folder / 'bench.jsonl'} 'Bench*' --force"
    floors: list[float] = []
    shells: list[float] = []

    async def shell_turn() -> None:
        outcomes = await runtime.dispatcher.run_line(line)
        if not outcomes[0].ok:
            raise RuntimeError(f"snapshot save failed: {outcomes[0].error}")

    try:
        for index in range(iterations + 1):
            turns = [("floor", floor.read), ("shell", None)]
            for name, _ in turns if index % 2 == 0 else reversed(turns):
                started = time.perf_counter()
                if name == "floor":
                    floor.read()
                else:
                    await shell_turn()
                if index:  # the first of each only warms it
                    (floors if name == "floor" else shells).append(
                        (time.perf_counter() - started) * 1000
                    )
        written = (folder / "bench.jsonl").read_text(encoding="utf-8").count("\n")
        if written != len(tags) + 1:
            raise RuntimeError(f"the snapshot has {written} lines, not {len(tags) + 1}")
    finally:
        await runtime.close()
        floor.close()
    return floors, shells


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", type=int, default=100_000)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="tiny run, for the test suite")
    args = parser.parse_args()
    count, iterations = (50, 2) if args.smoke else (args.tags, args.iterations)
    with (
        simulator_process("--generate", str(max(count * 2, 1000))) as sim,
        tempfile.TemporaryDirectory() as folder,
    ):
        tags = tag_references(sim, count)
        floors, shells = asyncio.run(measure(sim, tags, iterations, Path(folder)))
    print(f"floor (raw stub ReadBulk calls) ms per save: {summary(floors)}")
    print(f"mxshell (snapshot save, file written) ms per save: {summary(shells)}")
    report(
        f"snapshot save of {len(tags)} tags ({iterations} saves, medians)",
        statistics.median(floors),
        statistics.median(shells),
        "ms",
        "<= 1.2",
        higher_is_better=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
