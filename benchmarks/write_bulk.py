"""Write-bulk of 10,000 values through the shell's command path, against the raw stub.

The simulator runs in its own process on a generated Galaxy; the tags are 10,000 of its
writable Double attributes. The floor is the raw generated stub writing the same file's
values to the same tags with WriteBulk, its items added once beforehand (as the
command's are after its first run: it keeps the items it added). Like any raw-stub user
who holds a file of TAG=VALUE lines, it reads the file, splits each line, converts its
value (`float`) and finds its handle (a dict of tag to handle) inside its timed part,
building each request in place as it goes: the cheapest way the generated code allows,
and nothing more (no checks, no messages). On the shell's side, the whole
`write-bulk @FILE --type double` command line through the Dispatcher: the file of
TAG=VALUE lines read, every value checked and converted, the calls made, the failed
entries counted (its table's rows are built when it is first shown, and it is not shown
here: the floor renders nothing). The values alternate between
two sets, so every write changes the value, for both sides alike.

MXAccess says how a write ended with an OnWriteComplete event, on the session's event
stream: the shell's session has its stream open, as a session that shows events does.
So the floor's session has its stream open too, and a thread drains it (counting the
events, nothing more); each side's turn ends when the OnWriteComplete of its 10,000
writes are in, so each pays for receiving its own. (The shell's event backlog works out
which of the 1,000 events it keeps were of its own items only when the item table next
changes or `stream-events` takes them: neither happens in a timed turn.) A bare floor,
without a stream (WriteBulk alone), takes its turn beside them, and the ratio to it is
printed too: it tells what receiving the events costs on top.

Floor and command take turns call by call (who goes first rotates), so a moment of
machine noise falls on both. The figure is the client process's CPU per write (every
thread of this process, gRPC's included): the shell's own cost, apart from the gateway's.
Goal: ratio of means <= 1.5 (against the floor with its stream). The wall-clock times
are printed beside it.

    python benchmarks/write_bulk.py [--tags 10000] [--iterations 20] [--rounds 3] [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import threading
from collections.abc import Awaitable, Callable
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
from mxshell.contract import mx, types  # noqa: E402

FLOOR, BARE, COMMAND = "floor", "bare floor", "write-bulk"
WRITABLE = {types.SECURITY_CLASSIFICATION_OPERATE, types.SECURITY_CLASSIFICATION_TUNE}


def writable_doubles(sim: SimProcess, count: int) -> list[str]:
    """The first `count` writable Double attributes of the simulator's Galaxy (raw stub)."""
    found = tag_references(
        sim,
        count,
        lambda a: (
            a.data_type == types.MX_DATA_TYPE_DOUBLE and a.security_classification in WRITABLE
        ),
    )
    if len(found) < count:
        raise RuntimeError(f"the Galaxy has only {len(found)} writable Double attributes")
    return found


def value_sets(count: int) -> list[list[float]]:
    """Two sets of values, written in turn: each write changes every value."""
    return [
        [float(n % 1000) + 0.25 for n in range(count)],
        [float(n % 1000) + 0.5 for n in range(count)],
    ]


class Floor:
    """The raw stub's side: its own channel, session, registration and items."""

    def __init__(self, sim: SimProcess, tags: list[str], *, events: bool) -> None:
        self.sim = sim
        self.channel, self.stub = raw_stub(sim)
        opened = self.stub.OpenSession(
            mx.OpenSessionRequest(client_session_name="bench-floor"), metadata=sim.metadata
        )
        self.session = opened.session_id
        # The events its writes bring (OnWriteComplete), counted as a thread drains them.
        self.received = self.expected = 0
        self.arrived = threading.Condition()
        self.stream: Any = None
        if events:
            self.stream = self.stub.StreamEvents(
                mx.StreamEventsRequest(session_id=self.session), metadata=sim.metadata
            )
            threading.Thread(target=self.drain, daemon=True).start()
        self.server = self.invoke(register=mx.RegisterCommand(client_name="bench")).handle
        self.size = opened.max_bulk_entries or len(tags)
        handles: list[int] = []
        for start in range(0, len(tags), self.size):
            added = self.invoke(
                add_item_bulk=mx.AddItemBulkCommand(
                    server_handle=self.server, tag_references=tags[start : start + self.size]
                )
            )
            handles += [result.item_handle for result in added.subscribe_results.results]
        self.handle_of = dict(zip(tags, handles, strict=True))

    def invoke(self, **command: object) -> mx.InvokeResponse:
        return raw_invoke(self.stub, self.sim, self.session, **command)

    def write(self, path: Path) -> None:
        """The file's TAG=VALUE lines written with WriteBulk, up to the gateway's limit a
        call: each line split, its value converted and its handle looked up as its entry
        is built in place in the request."""
        lines = path.read_text(encoding="utf-8").splitlines()
        handle_of = self.handle_of
        for start in range(0, len(lines), self.size):
            request = mx.InvokeRequest(session_id=self.session)
            command = request.write_bulk
            command.server_handle = self.server
            add = command.entries.add
            chunk = lines[start : start + self.size]
            for line in chunk:
                tag, _, value = line.partition("=")
                entry = add()
                entry.item_handle = handle_of[tag]
                entry.value.double_value = float(value)
            reply = self.stub.Invoke(request, metadata=self.sim.metadata)
            results = reply.bulk_write_results.results
            if sum(1 for result in results if result.was_successful) != len(chunk):
                raise RuntimeError("the floor's WriteBulk did not write every value")
        if self.stream is not None:  # until the writes' OnWriteComplete are in
            self.expected += len(lines)
            with self.arrived:
                if not self.arrived.wait_for(lambda: self.received >= self.expected, 30):
                    raise RuntimeError("the floor's OnWriteComplete events did not all come")

    def drain(self) -> None:
        try:
            for response in self.stream:
                with self.arrived:
                    self.received += len(response.events)
                    self.arrived.notify()
        except grpc.RpcError:  # cancelled as the floor closes
            pass

    def close(self) -> None:
        if self.stream is not None:
            self.stream.cancel()
        self.stub.CloseSession(
            mx.CloseSessionRequest(session_id=self.session), metadata=self.sim.metadata
        )
        self.channel.close()


async def one_round(
    sim: SimProcess,
    tags: list[str],
    files: list[Path],
    iterations: int,
    sides: dict[str, Timings],
) -> None:
    """Floors and command write by write, taking turns (who goes first rotates). The first
    write of each side adds the command's items and warms both; it is not kept."""
    floor, bare = Floor(sim, tags, events=True), Floor(sim, tags, events=False)
    runtime = ShellRuntime(out=lambda text: None, err=lambda text: None)
    target = Target(sim.endpoint, plaintext=True, api_key=sim.api_key)
    if not await runtime.start(target):
        raise RuntimeError("the shell could not connect to the simulator")
    session = runtime.session
    assert session is not None
    threshold = gc.get_threshold()
    collector.settle()  # the collector as the shell sets it once it is up

    async def floor_write(index: int) -> None:
        floor.write(files[index % 2])

    async def bare_write(index: int) -> None:
        bare.write(files[index % 2])

    expected = 0
    completed = asyncio.Event()

    def counted(events: object) -> None:  # a listener, called once a batch of events
        if session.counters.write_completes >= expected:
            completed.set()

    session.add_listener(counted)

    async def command(index: int) -> None:
        nonlocal expected
        expected = session.counters.write_completes + len(tags)
        completed.clear()
        line = f"write-bulk @{files[index % 2]} --type double"
        outcomes = await runtime.dispatcher.run_line(line)
        if not outcomes[0].ok:
            raise RuntimeError(f"write-bulk failed: {outcomes[0].error}")
        try:  # until the writes' OnWriteComplete are in, as the floor waits for them
            await asyncio.wait_for(completed.wait(), 30)
        except TimeoutError:
            raise RuntimeError("the shell's OnWriteComplete events did not all come") from None

    turns: list[tuple[str, Callable[[int], Awaitable[None]]]] = [
        (FLOOR, floor_write),
        (BARE, bare_write),
        (COMMAND, command),
    ]
    try:
        for _, turn in turns:
            await turn(1)
        for index in range(iterations):
            shift = index % len(turns)
            for name, turn in turns[shift:] + turns[:shift]:
                await sides[name].time_async(lambda turn=turn, index=index: turn(index))  # type: ignore[misc]
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
        await runtime.close()
        floor.close()
        bare.close()


def write_files(folder: Path, tags: list[str]) -> list[Path]:
    files = []
    for number, values in enumerate(value_sets(len(tags))):
        path = folder / f"values{number}.txt"
        path.write_text(
            "".join(f"{tag}={value}\n" for tag, value in zip(tags, values, strict=True))
        )
        files.append(path)
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", type=int, default=10_000)
    parser.add_argument("--iterations", type=int, default=20, help="writes per round and side")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny run, for the test suite")
    args = parser.parse_args()
    count, iterations, rounds = (
        (50, 3, 1) if args.smoke else (args.tags, args.iterations, args.rounds)
    )
    sides = {name: Timings() for name in (FLOOR, BARE, COMMAND)}
    # About one attribute in ten is a writable Double.
    with simulator_process("--generate", str(max(count * 12, 2000))) as sim:
        tags = writable_doubles(sim, count)
        with tempfile.TemporaryDirectory() as folder:
            files = write_files(Path(folder), tags)
            for _ in range(rounds):
                asyncio.run(one_round(sim, tags, files, iterations, sides))
    print(f"floor (raw stub) ms per write: {summary(sides[FLOOR].ms)}")
    print(f"bare floor (raw stub, no event stream) ms per write: {summary(sides[BARE].ms)}")
    print(f"mxshell ({COMMAND}) ms per write: {summary(sides[COMMAND].ms)}")
    # Means, not medians: a collection now and then is part of what a write costs.
    shell = statistics.fmean(sides[COMMAND].cpu)
    report(
        f"client CPU per write-bulk of {len(tags)} values and their OnWriteComplete "
        f"({rounds} rounds x {iterations} writes, means)",
        statistics.fmean(sides[FLOOR].cpu),
        shell,
        "ms",
        "<= 1.5",
        higher_is_better=False,
    )
    bare_cpu = statistics.fmean(sides[BARE].cpu)
    print(
        f"against the bare floor (WriteBulk alone, no events): floor {bare_cpu:,.1f} ms, "
        f"ratio {shell / bare_cpu:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
