"""Read-bulk of 10,000 tags through the shell's command path, against the raw stub.

The simulator runs in its own process on a generated Galaxy. The floor is the raw
generated stub making ReadBulk calls of the same 10,000 tags, one after another. On the
shell's side, two paths run through its Dispatcher and PersistentSession: the `read-bulk`
command (plugins/bulk.py; each whole command line timed, rendering excluded), which is
the goal's figure, and `bench-read-bulk`, which times each ReadBulk at the session layer
every bulk command sits on (the goal's figure when read-bulk is not installed). Floor and
shell take turns, round by round, so machine noise hits both alike. Goal: ratio of
medians <= 1.15.

The simulator's own work is most of each call's time, so the client process's CPU time
per call is printed too, for each path (every thread of this process, gRPC's included):
the shell's own cost, apart from the gateway's.

    python benchmarks/read_bulk.py [--tags 10000] [--iterations 20] [--rounds 3] [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    SimProcess,
    raw_invoke,
    raw_stub,
    report,
    simulator_process,
    summary,
    tag_references,
)

from mxshell import collector  # noqa: E402
from mxshell.commands import GALAXY  # noqa: E402
from mxshell.connection import Target  # noqa: E402
from mxshell.contract import mx  # noqa: E402
from mxshell.runtime import ShellRuntime  # noqa: E402

# What is measured on the shell's side: the `read-bulk` command when it is installed (the
# goal's figure), and always bench-read-bulk: the session layer every bulk command uses.
COMMAND, SESSION = "read-bulk", "bench-read-bulk"


class FixedTags:
    """A GalaxyLookup whose every glob is the benchmark's tags, so both sides read the same."""

    def __init__(self, tags: list[str]) -> None:
        self.tags = tags

    async def glob(self, pattern: str) -> list[str]:
        return self.tags

    def resolve(self, reference: str) -> str:
        return reference


def raw_latencies(sim: SimProcess, tags: list[str], iterations: int) -> tuple[list[float], float]:
    """ms per ReadBulk through the raw stub (after one call to warm the channel), and the
    client's CPU ms per call."""
    cpu = time.process_time()
    channel, stub = raw_stub(sim)
    opened = stub.OpenSession(
        mx.OpenSessionRequest(client_session_name="bench-floor"), metadata=sim.metadata
    )
    try:
        server = raw_invoke(
            stub, sim, opened.session_id, register=mx.RegisterCommand(client_name="bench")
        ).handle
        entries = [mx.ReadBulkEntry(tag_reference=tag) for tag in tags]
        latencies = []
        for index in range(iterations + 1):
            started = time.perf_counter()
            reply = raw_invoke(
                stub,
                sim,
                opened.session_id,
                read_bulk=mx.ReadBulkCommand(server_handle=server, entries=entries),
            )
            if index:
                latencies.append((time.perf_counter() - started) * 1000)
            if len(reply.bulk_read_results.results) != len(tags):
                raise RuntimeError("the floor's ReadBulk answered the wrong number of tags")
        return latencies, (time.process_time() - cpu) * 1000 / (iterations + 1)
    finally:
        stub.CloseSession(
            mx.CloseSessionRequest(session_id=opened.session_id), metadata=sim.metadata
        )
        channel.close()


async def shell_latencies(
    sim: SimProcess, tags: list[str], iterations: int
) -> dict[str, tuple[list[float], float]]:
    """Per path measured: ms per read through the shell's Dispatcher, and CPU ms per call."""
    runtime = ShellRuntime(out=lambda text: None, err=lambda text: None)
    target = Target(sim.endpoint, plaintext=True, api_key=sim.api_key)
    if not await runtime.start(target):
        raise RuntimeError("the shell could not connect to the simulator")
    # The collector set as mxshell.app.run sets it once the shell is up: the shell
    # measured as it runs. (The floor, measured in this process too, allocates little.)
    threshold = gc.get_threshold()
    collector.settle()
    measured: dict[str, tuple[list[float], float]] = {}
    try:
        runtime.context.services[GALAXY] = FixedTags(tags)
        paths = [(SESSION, bench_read_bulk)]
        if runtime.context.registry.get(COMMAND) is not None:
            paths.append((COMMAND, time_read_bulk))
        for name, measure in paths:
            cpu = time.process_time()
            latencies = await measure(runtime, iterations)
            measured[name] = latencies, (time.process_time() - cpu) * 1000 / (iterations + 1)
        return measured
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
        await runtime.close()


async def bench_read_bulk(runtime: ShellRuntime, iterations: int) -> list[float]:
    """The ReadBulk latencies bench-read-bulk measured through the shell's session."""
    outcomes = await runtime.dispatcher.run_line(
        f"bench-read-bulk --tags 'Bench*' --iterations {iterations} --warmup 1"
    )
    if not outcomes[0].ok:
        raise RuntimeError(f"bench-read-bulk failed: {outcomes[0].error}")
    latencies: list[float] = outcomes[0].result.latencies.ok
    return latencies


async def time_read_bulk(runtime: ShellRuntime, iterations: int) -> list[float]:
    """Whole `read-bulk` command lines through the Dispatcher (rendering not included).

    The tags come from a glob, as a user would name 10,000 of them: FixedTags answers it.
    """
    line = "read-bulk 'Bench*'"
    latencies = []
    for index in range(iterations + 1):
        started = time.perf_counter()
        outcomes = await runtime.dispatcher.run_line(line)
        if not outcomes[0].ok:
            raise RuntimeError(f"read-bulk failed: {outcomes[0].error}")
        if index:
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", type=int, default=10_000)
    parser.add_argument("--iterations", type=int, default=20, help="calls per round and side")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny run, for the test suite")
    args = parser.parse_args()
    count, iterations, rounds = (
        (50, 3, 1) if args.smoke else (args.tags, args.iterations, args.rounds)
    )
    floors: list[float] = []
    floor_cpu: list[float] = []
    shell: dict[str, tuple[list[float], list[float]]] = {}
    with simulator_process("--generate", str(max(count * 2, 1000))) as sim:
        tags = tag_references(sim, count)
        for _ in range(rounds):
            latencies, cpu = raw_latencies(sim, tags, iterations)
            floors += latencies
            floor_cpu.append(cpu)
            for name, (latencies, cpu) in asyncio.run(
                shell_latencies(sim, tags, iterations)
            ).items():
                kept = shell.setdefault(name, ([], []))
                kept[0].extend(latencies)
                kept[1].append(cpu)
    print(f"floor (raw stub) ms per ReadBulk: {summary(floors)}")
    for name, (latencies, _) in shell.items():
        print(f"mxshell ({name}) ms per ReadBulk: {summary(latencies)}")
    for name, (_, cpu) in shell.items():
        report(
            f"client CPU per ReadBulk of {len(tags)} tags, {name} (medians of rounds)",
            statistics.median(floor_cpu),
            statistics.median(cpu),
            "ms",
            "informative: the shell's own cost",
            higher_is_better=False,
        )
    if COMMAND not in shell:
        print(f"(no {COMMAND} command is installed: the figure below is {SESSION}'s)")
    name = COMMAND if COMMAND in shell else SESSION
    report(
        f"read-bulk of {len(tags)} tags through {name} ({rounds} rounds x {iterations} calls, "
        "medians)",
        statistics.median(floors),
        statistics.median(shell[name][0]),
        "ms",
        "<= 1.15",
        higher_is_better=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
