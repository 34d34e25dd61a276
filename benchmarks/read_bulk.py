"""Read-bulk of 10,000 tags through the shell's command path, against the raw stub.

The simulator runs in its own process on a generated Galaxy. The floor is the raw
generated stub making the same ReadBulk calls of the same 10,000 tags. On the shell's
side, two paths run through its Dispatcher and PersistentSession: the `read-bulk`
command (plugins/bulk.py; each whole command line timed, rendering excluded), which is
the goal's figure, and `bench-read-bulk`, which times each ReadBulk at the session layer
every bulk command sits on (the goal's figure when read-bulk is not installed).

`read-bulk` sends a large read as calls of at most READ_CALL_ENTRIES tags with up to
READS_IN_FLIGHT of them out at once (mxshell/session/bulk.py), so its floor makes those
same calls the same way (the stub's futures); bench-read-bulk makes one ReadBulk of all
the tags a call, and its floor does the same. The floors and the command take turns call
by call, so a moment of machine noise hits all alike. Goal: ratio of medians <= 1.15.

The simulator's own work is most of each call's time, so the client process's CPU time
per call is printed too, for each path (every thread of this process, gRPC's included):
the shell's own cost, apart from the gateway's. The goal's floor only counts the answers;
a second floor (informative) also reads each answer's was_successful, as a program using
the generated code must to say whether 10,000 reads went well (the command counts them
from the replies' bytes instead: mxshell/gateway/verdicts.py).

    python benchmarks/read_bulk.py [--tags 10000] [--iterations 20] [--rounds 3] [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from operator import attrgetter
from pathlib import Path
from typing import Any

import grpc

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    SimProcess,
    Timings,
    raw_invoke,
    raw_stub,
    report,
    simulator_process,
    summary,
    tag_references,
)

from mxshell.app import collector  # noqa: E402
from mxshell.app.connection import Target  # noqa: E402
from mxshell.app.runtime import ShellRuntime  # noqa: E402
from mxshell.commands import GALAXY  # noqa: E402
from mxshell.contract import mx  # noqa: E402
from mxshell.output import Outcome, render  # noqa: E402
from mxshell.session.batches import READ_CALL_ENTRIES, READS_IN_FLIGHT  # noqa: E402

# What is measured on the shell's side: the `read-bulk` command when it is installed (the
# goal's figure), and always bench-read-bulk: the session layer every bulk command uses.
# Each has its floor: the raw stub making the same calls.
COMMAND, SESSION = "read-bulk", "bench-read-bulk"
FLOOR, FLOOR_ONE = "floor", "floor, one call"
FLOOR_CHECKED = "floor, each entry checked"  # informative: see Floor.read_checked
FLOOR_OF = {COMMAND: FLOOR, SESSION: FLOOR_ONE}


_SUCCEEDED = attrgetter("was_successful")


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
    its requests from the tag list, as the shell does, the cheapest way the generated code
    allows: the command inside its InvokeRequest, entries added in place (about 1.7 ms for
    10,000 tags; copying entries built once into each new request costs twice that)."""

    def __init__(self, sim: SimProcess, tags: list[str]) -> None:
        self.sim = sim
        self.channel, self.stub = raw_stub(sim)
        opened = self.stub.OpenSession(
            mx.OpenSessionRequest(client_session_name="bench-floor"), metadata=sim.metadata
        )
        self.session = opened.session_id
        self.server = self.invoke(register=mx.RegisterCommand(client_name="bench")).handle
        # The calls read-bulk makes: chunks no larger than its own limit or the gateway's.
        size = min(n for n in (READ_CALL_ENTRIES, opened.max_bulk_entries) if n > 0)
        self.tags = tags
        self.chunks = [tags[start : start + size] for start in range(0, len(tags), size)]

    def invoke(self, **command: object) -> mx.InvokeResponse:
        return raw_invoke(self.stub, self.sim, self.session, **command)

    def request(self, tags: Sequence[str]) -> mx.InvokeRequest:
        request = mx.InvokeRequest(session_id=self.session)
        command = request.read_bulk
        command.server_handle = self.server
        add = command.entries.add
        for tag in tags:
            add().tag_reference = tag
        return request

    def read(self, check: Callable[[int, Any], object] | None = None) -> None:
        """read-bulk's calls: a chunk at a time, up to READS_IN_FLIGHT out at once, as the
        stub's futures (as cheap as a grpc.aio stub's tasks here, measured in turns)."""
        check = check or self.check
        out: deque[tuple[int, Any]] = deque()
        for chunk in self.chunks:
            if len(out) == READS_IN_FLIGHT:
                check(*out.popleft())
            future = self.stub.Invoke.future(self.request(chunk), metadata=self.sim.metadata)
            out.append((len(chunk), future))
        while out:
            check(*out.popleft())

    def read_checked(self) -> None:
        """read(), and each answer's was_successful read to count the failed tags: what
        a program using the generated code must do to know whether its read went well.
        Not the goal's floor (which only counts the answers); printed beside it."""
        self.read(self.count_failed)

    def read_one(self) -> None:
        """bench-read-bulk's call: one ReadBulk of all the tags, the blocking call (a
        future costs the floor about 0.7 ms more CPU)."""
        reply = self.stub.Invoke(self.request(self.tags), metadata=self.sim.metadata)
        self.check(len(self.tags), reply)

    @staticmethod
    def check(count: int, answer: Any) -> Any:
        """The count of results in a reply, or in a future's once it is answered."""
        reply = answer.result() if isinstance(answer, grpc.Future) else answer
        results = reply.bulk_read_results.results
        if len(results) != count:
            raise RuntimeError("the floor's ReadBulk answered the wrong number of tags")
        return results

    @classmethod
    def count_failed(cls, count: int, answer: Any) -> int:
        """check(), then how many tags failed: the cheapest way the generated code allows."""
        results = cls.check(count, answer)
        return len(results) - sum(map(_SUCCEEDED, results))

    def close(self) -> None:
        self.stub.CloseSession(
            mx.CloseSessionRequest(session_id=self.session), metadata=self.sim.metadata
        )
        self.channel.close()


async def one_round(
    sim: SimProcess,
    tags: list[str],
    iterations: int,
    sides: dict[str, Timings],
    rendered: list[float],
) -> None:
    """The floors and the command call by call, taking turns (who goes first rotates), so
    a moment of machine noise falls on all alike; then bench-read-bulk's own run of the
    session layer. The first call of each side only warms it and is not kept."""
    floor = Floor(sim, tags)
    runtime = ShellRuntime(out=lambda text: None, err=lambda text: None)
    target = Target(sim.endpoint, plaintext=True, api_key=sim.api_key)
    if not await runtime.start(target):
        raise RuntimeError("the shell could not connect to the simulator")
    # The collector set as mxshell.app.modes.run sets it once the shell is up: the shell
    # measured as it runs. (The floor, in this process too, allocates little.)
    threshold = gc.get_threshold()
    collector.settle()
    try:
        runtime.context.services[GALAXY] = FixedTags(tags)
        # The raw stub's calls block the shell's loop meanwhile, as they would block any
        # program that makes them: nothing of the shell's runs during them.
        turns: list[tuple[str, Callable[[], Awaitable[None]]]] = [
            (FLOOR_ONE, synchronous(floor.read_one))
        ]
        if runtime.context.registry.get(COMMAND) is not None:
            command = (COMMAND, lambda: read_bulk(runtime, shown))
            turns += [(FLOOR, synchronous(floor.read)), command]
            turns += [(FLOOR_CHECKED, synchronous(floor.read_checked))]
        shown: list[Outcome] = []
        for _, turn in turns:
            await turn()
        shown.clear()  # the warm-up's
        for index in range(iterations):
            shift = index % len(turns)
            for name, turn in turns[shift:] + turns[:shift]:
                await sides[name].time_async(turn)
                if shown:  # outside the time measured
                    rendered.append(render_cpu(shown.pop(), runtime))
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


def synchronous(call: Callable[[], None]) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        call()

    return run


async def read_bulk(runtime: ShellRuntime, shown: list[Outcome]) -> None:
    """One whole `read-bulk` command line through the Dispatcher, rendering not included
    (the floor renders nothing); its outcome goes to `shown`, for rendering apart. The tags
    come from a glob, as a user would name 10,000 of them: FixedTags answers it."""
    outcomes = await runtime.dispatcher.run_line("read-bulk 'Bench*'")
    if not outcomes[0].ok:
        raise RuntimeError(f"read-bulk failed: {outcomes[0].error}")
    shown.append(outcomes[0])


def render_cpu(outcome: Outcome, runtime: ShellRuntime) -> float:
    """CPU ms of rendering a result as the shell shows it (a table of text). read-bulk's
    rows are built then, from the gateway's answers, so this is where their cost is seen."""
    cpu = time.process_time()
    render(outcome, runtime.context.settings)
    return (time.process_time() - cpu) * 1000


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
    sides = {name: Timings() for name in (FLOOR, FLOOR_ONE, FLOOR_CHECKED, SESSION, COMMAND)}
    rendered: list[float] = []
    with simulator_process("--generate", str(max(count * 2, 1000))) as sim:
        tags = tag_references(sim, count)
        for _ in range(rounds):
            asyncio.run(one_round(sim, tags, iterations, sides, rendered))
    measured = [name for name in (SESSION, COMMAND) if sides[name].ms]
    for name in measured:
        floor = FLOOR_OF[name]
        print(f"{floor} (raw stub) ms per read: {summary(sides[floor].ms)}")
        print(f"mxshell ({name}) ms per read: {summary(sides[name].ms)}")
    for name in measured:
        # Means, not medians: a collection now and then is part of what a call costs.
        report(
            f"client CPU per read of {len(tags)} tags, {name} (means per read)",
            statistics.fmean(sides[FLOOR_OF[name]].cpu),
            statistics.fmean(sides[name].cpu),
            "ms",
            "<= 1.5" if name == COMMAND else "informative: the session layer",
            higher_is_better=False,
        )
    if sides[FLOOR_CHECKED].cpu:
        checked = statistics.fmean(sides[FLOOR_CHECKED].cpu)
        print(
            f"against the floor that also reads each entry's was_successful (informative): "
            f"floor {checked:,.1f} ms, "
            f"ratio {statistics.fmean(sides[COMMAND].cpu) / checked:.2f}"
        )
    if rendered:
        # Not a goal: the floor shows nothing. What showing the rows costs, their building
        # included (read-bulk converts the gateway's answers when they are first shown).
        report(
            f"client CPU per read of {len(tags)} tags, read-bulk and its table rendered "
            "(means per read)",
            statistics.fmean(sides[FLOOR].cpu),
            statistics.fmean(sides[COMMAND].cpu) + statistics.fmean(rendered),
            "ms",
            "informative: rows shown",
            higher_is_better=False,
        )
    if COMMAND not in measured:
        print(f"(no {COMMAND} command is installed: the figure below is {SESSION}'s)")
    name = COMMAND if COMMAND in measured else SESSION
    report(
        f"read-bulk of {len(tags)} tags through {name} ({rounds} rounds x {iterations} calls, "
        "medians)",
        statistics.median(sides[FLOOR_OF[name]].ms),
        statistics.median(sides[name].ms),
        "ms",
        "<= 1.15",
        higher_is_better=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
