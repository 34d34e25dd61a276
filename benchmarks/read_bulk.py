"""Read-bulk of 10,000 tags through the shell's command path, against the raw stub.

The simulator runs in its own process on a generated Galaxy. The floor is the raw
generated stub making ReadBulk calls of the same 10,000 tags. On the shell's side, two
paths run through its Dispatcher and PersistentSession: the `read-bulk` command
(plugins/bulk.py; each whole command line timed, rendering excluded), which is the goal's
figure, and `bench-read-bulk`, which times each ReadBulk at the session layer every bulk
command sits on (the goal's figure when read-bulk is not installed). Floor and command
take turns call by call, so a moment of machine noise hits both alike. Goal: ratio of
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
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

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
COMMAND, SESSION, FLOOR = "read-bulk", "bench-read-bulk", "floor"


class FixedTags:
    """A GalaxyLookup whose every glob is the benchmark's tags, so both sides read the same."""

    def __init__(self, tags: list[str]) -> None:
        self.tags = tags

    async def glob(self, pattern: str) -> list[str]:
        return self.tags

    def resolve(self, reference: str) -> str:
        return reference


class Floor:
    """The raw stub's side: its own channel, session and registration. Each read builds
    its request from the tag list, as the shell does, the cheapest way the generated code
    allows: the command inside its InvokeRequest, entries added in place (about 1.7 ms for
    10,000 tags; copying entries built once into each new request costs twice that)."""

    def __init__(self, sim: SimProcess, tags: list[str]) -> None:
        self.sim, self.count = sim, len(tags)
        self.channel, self.stub = raw_stub(sim)
        self.session = self.stub.OpenSession(
            mx.OpenSessionRequest(client_session_name="bench-floor"), metadata=sim.metadata
        ).session_id
        self.server = self.invoke(register=mx.RegisterCommand(client_name="bench")).handle
        self.tags = tags

    def invoke(self, **command: object) -> mx.InvokeResponse:
        return raw_invoke(self.stub, self.sim, self.session, **command)

    def read(self) -> None:
        request = mx.InvokeRequest(session_id=self.session)
        command = request.read_bulk
        command.server_handle = self.server
        add = command.entries.add
        for tag in self.tags:
            add().tag_reference = tag
        reply = self.stub.Invoke(request, metadata=self.sim.metadata)
        if len(reply.bulk_read_results.results) != self.count:
            raise RuntimeError("the floor's ReadBulk answered the wrong number of tags")

    def close(self) -> None:
        self.stub.CloseSession(
            mx.CloseSessionRequest(session_id=self.session), metadata=self.sim.metadata
        )
        self.channel.close()


class Timings:
    """ms per call and client CPU ms per call, for one side."""

    def __init__(self) -> None:
        self.ms: list[float] = []
        self.cpu: list[float] = []

    def time(self, call: Callable[[], Any]) -> Any:
        cpu, started = time.process_time(), time.perf_counter()
        result = call()
        self.ms.append((time.perf_counter() - started) * 1000)
        self.cpu.append((time.process_time() - cpu) * 1000)
        return result

    async def time_async(self, call: Callable[[], Awaitable[Any]]) -> Any:
        cpu, started = time.process_time(), time.perf_counter()
        result = await call()
        self.ms.append((time.perf_counter() - started) * 1000)
        self.cpu.append((time.process_time() - cpu) * 1000)
        return result


async def one_round(
    sim: SimProcess, tags: list[str], iterations: int, sides: dict[str, Timings]
) -> None:
    """Floor and shell call by call, taking turns (who goes first alternates), so a
    moment of machine noise falls on both alike; then bench-read-bulk's own run of the
    session layer. The first call of each side only warms it and is not kept."""
    floor = Floor(sim, tags)
    runtime = ShellRuntime(out=lambda text: None, err=lambda text: None)
    target = Target(sim.endpoint, plaintext=True, api_key=sim.api_key)
    if not await runtime.start(target):
        raise RuntimeError("the shell could not connect to the simulator")
    # The collector set as mxshell.app.run sets it once the shell is up: the shell
    # measured as it runs. (The floor, in this process too, allocates little.)
    threshold = gc.get_threshold()
    collector.settle()
    try:
        runtime.context.services[GALAXY] = FixedTags(tags)
        if runtime.context.registry.get(COMMAND) is not None:
            floor.read()
            await read_bulk_command(runtime)
            for index in range(iterations):
                if index % 2:
                    await sides[COMMAND].time_async(lambda: read_bulk_command(runtime))
                # The raw stub's call blocks the shell's loop meanwhile, as it would
                # block any program that makes it: nothing of the shell's runs during it.
                sides[FLOOR].time(floor.read)
                if not index % 2:
                    await sides[COMMAND].time_async(lambda: read_bulk_command(runtime))
        else:
            floor.read()
            for _ in range(iterations):
                sides[FLOOR].time(floor.read)
        cpu = time.process_time()
        latencies = await bench_read_bulk(runtime, iterations)
        sides[SESSION].ms += latencies
        sides[SESSION].cpu.append((time.process_time() - cpu) * 1000 / (iterations + 1))
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
        await runtime.close()
        floor.close()


async def bench_read_bulk(runtime: ShellRuntime, iterations: int) -> list[float]:
    """The ReadBulk latencies bench-read-bulk measured through the shell's session."""
    outcomes = await runtime.dispatcher.run_line(
        f"bench-read-bulk --tags 'Bench*' --iterations {iterations} --warmup 1"
    )
    if not outcomes[0].ok:
        raise RuntimeError(f"bench-read-bulk failed: {outcomes[0].error}")
    latencies: list[float] = outcomes[0].result.latencies.ok
    return latencies


async def read_bulk_command(runtime: ShellRuntime) -> None:
    """One whole `read-bulk` command line through the Dispatcher (rendering not
    included). The tags come from a glob, as a user would name 10,000 of them: FixedTags
    answers it."""
    outcomes = await runtime.dispatcher.run_line("read-bulk 'Bench*'")
    if not outcomes[0].ok:
        raise RuntimeError(f"read-bulk failed: {outcomes[0].error}")


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
    sides = {name: Timings() for name in (FLOOR, SESSION, COMMAND)}
    with simulator_process("--generate", str(max(count * 2, 1000))) as sim:
        tags = tag_references(sim, count)
        for _ in range(rounds):
            asyncio.run(one_round(sim, tags, iterations, sides))
    measured = [name for name in (SESSION, COMMAND) if sides[name].ms]
    print(f"floor (raw stub) ms per ReadBulk: {summary(sides[FLOOR].ms)}")
    for name in measured:
        print(f"mxshell ({name}) ms per ReadBulk: {summary(sides[name].ms)}")
    for name in measured:
        # Means, not medians: a collection now and then is part of what a call costs.
        report(
            f"client CPU per ReadBulk of {len(tags)} tags, {name} (means per call)",
            statistics.fmean(sides[FLOOR].cpu),
            statistics.fmean(sides[name].cpu),
            "ms",
            "informative: the shell's own cost",
            higher_is_better=False,
        )
    if COMMAND not in measured:
        print(f"(no {COMMAND} command is installed: the figure below is {SESSION}'s)")
    name = COMMAND if COMMAND in measured else SESSION
    report(
        f"read-bulk of {len(tags)} tags through {name} ({rounds} rounds x {iterations} calls, "
        "medians)",
        statistics.median(sides[FLOOR].ms),
        statistics.median(sides[name].ms),
        "ms",
        "<= 1.15",
        higher_is_better=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
