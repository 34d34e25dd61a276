"""Event ingest: events/s the shell receives and records to JSONL, against the raw stub.

The simulator runs in its own process with N advised attributes changing every tick.
The floor iterates StreamEvents with the raw stub, counting events; mxshell receives
them through its PersistentSession (gap checks, item table updates, listeners) and
writes every event to a JSONL recording. Goal: ratio <= 1.3 and >= 50,000 events/s.
A third turn does the same with the live watch view open on 100 of the items (drawn to
a terminal of 40 x 160 that is thrown away): issue 23's goal 5, ingest keeps up with
the raw stub while the view is open.

    python benchmarks/event_ingest.py [--items 10000] [--seconds 5] [--watched 100] [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import grpc

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    SimProcess,
    raw_invoke,
    raw_stub,
    report,
    simulator_process,
    tag_references,
)
from prompt_toolkit.data_structures import Size  # noqa: E402
from prompt_toolkit.input import create_pipe_input  # noqa: E402
from prompt_toolkit.output.vt100 import Vt100_Output  # noqa: E402

from mxshell.contract import mx  # noqa: E402
from mxshell.gateway import ChannelOptions  # noqa: E402
from mxshell.output.recording import EventRecorder  # noqa: E402
from mxshell.output.watch_table import WatchModel  # noqa: E402
from mxshell.session import PersistentSession, TrackedItem  # noqa: E402
from mxshell.shell.watch_view import WatchView  # noqa: E402


def raw_rate(sim: SimProcess, tags: list[str], seconds: float) -> float:
    channel, stub = raw_stub(sim)
    opened = stub.OpenSession(
        mx.OpenSessionRequest(client_session_name="bench"), metadata=sim.metadata
    )
    server = raw_invoke(
        stub, sim, opened.session_id, register=mx.RegisterCommand(client_name="bench")
    ).handle
    raw_invoke(
        stub,
        sim,
        opened.session_id,
        subscribe_bulk=mx.SubscribeBulkCommand(server_handle=server, tag_references=tags),
    )
    stream = stub.StreamEvents(
        mx.StreamEventsRequest(session_id=opened.session_id), metadata=sim.metadata
    )
    count = 0
    timer = threading.Timer(seconds + 30, stream.cancel)  # a stalled stream still ends
    timer.start()
    started = None
    try:
        for response in _until_cancelled(stream):
            if started is None:  # measure from the first batch: advise bursts come first
                started = time.perf_counter()
                continue
            count += len(response.events)
            if time.perf_counter() - started >= seconds:
                break
    finally:
        timer.cancel()
        stream.cancel()
        stub.CloseSession(
            mx.CloseSessionRequest(session_id=opened.session_id), metadata=sim.metadata
        )
        channel.close()
    return count / (time.perf_counter() - (started or time.perf_counter()))


def _until_cancelled(stream: object) -> object:
    try:
        yield from stream  # type: ignore[misc]
    except grpc.RpcError as error:
        if error.code() is not grpc.StatusCode.CANCELLED:  # type: ignore[attr-defined]
            raise


async def shell_rate(sim: SimProcess, tags: list[str], seconds: float, watched: int = 0) -> float:
    """Events/s through the session, recorded; with `watched`, that many of the tags are
    advised as items and shown in the watch view meanwhile."""
    session = PersistentSession(ChannelOptions(sim.endpoint, api_key=sim.api_key, plaintext=True))
    await session.open()
    bulk, own = tags[watched:], tags[:watched]
    with tempfile.TemporaryDirectory() as folder:
        recorder = EventRecorder(Path(folder) / "events.jsonl")
        count = 0

        def record(events: object) -> None:
            nonlocal count
            for event in events:  # type: ignore[attr-defined]
                recorder.write(
                    {"worker_sequence": event.worker_sequence, "event": event.WhichOneof("event")}
                )
            count += len(events)  # type: ignore[arg-type]

        try:
            registration = await session.ensure_registration()
            await session.call(lambda s: s.subscribe_bulk(registration.gateway_handle, bulk))
            items = [await session.add_item(tag) for tag in own]
            for item in items:
                await session.advise(item)
            async with watch_view_open(session, items):
                await asyncio.sleep(0.5)  # let the advise burst pass, as the floor does
                session.add_listener(record)
                started = time.perf_counter()
                await asyncio.sleep(seconds)
                elapsed = time.perf_counter() - started
                session.remove_listener(record)
        finally:
            recorder.close()
            await session.close()
    return count / elapsed


@asynccontextmanager
async def watch_view_open(
    session: PersistentSession, items: list[TrackedItem]
) -> AsyncIterator[None]:
    """The shell's watch view on `items` for the block (nothing when there are none)."""
    if not items:
        yield
        return
    model = WatchModel(session, items)
    with (
        create_pipe_input() as keys,
        open(os.devnull, "w") as screen,  # noqa: ASYNC230 - opening /dev/null does not block
    ):
        output = Vt100_Output(screen, lambda: Size(rows=40, columns=160), term="xterm")
        view = WatchView(input=keys, output=output)
        with model.listening():
            shown = asyncio.create_task(view(model))
            try:
                yield
            finally:
                keys.send_text("q")
                await asyncio.wait_for(shown, 10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--update-interval", default="0.01", help="simulator tick (s)")
    parser.add_argument("--watched", type=int, default=100, help="items in the watch view")
    parser.add_argument("--smoke", action="store_true", help="tiny run, for the test suite")
    args = parser.parse_args()
    items, seconds = (200, 0.5) if args.smoke else (args.items, args.seconds)
    with simulator_process(
        "--generate", str(max(items * 2, 1000)), "--update-interval", args.update_interval
    ) as sim:
        tags = tag_references(sim, items)
        floor = raw_rate(sim, tags, seconds)
        measured = asyncio.run(shell_rate(sim, tags, seconds))
        # Its own floor, measured just before: the machine's load moves between turns.
        watch_floor = raw_rate(sim, tags, seconds)
        watching = asyncio.run(shell_rate(sim, tags, seconds, watched=min(args.watched, items)))
    report(
        f"event ingest ({len(tags)} items, recorded to JSONL)",
        floor,
        measured,
        "events/s",
        "<= 1.3, and >= 50,000 events/s",
        higher_is_better=True,
    )
    report(
        f"event ingest with the watch view open on {min(args.watched, items)} of the items",
        watch_floor,
        watching,
        "events/s",
        "<= 1.0 within noise: the view costs ingest nothing",
        higher_is_better=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
