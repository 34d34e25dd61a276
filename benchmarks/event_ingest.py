"""Event ingest: events/s the shell receives and records to JSONL, against the raw stub.

The simulator runs in its own process with N advised attributes changing every tick.
The floor iterates StreamEvents with the raw stub, counting events; mxshell receives
them through its PersistentSession (gap checks, item table updates, listeners) and
writes every event to a JSONL recording. Goal: ratio <= 1.3 and >= 50,000 events/s.

    python benchmarks/event_ingest.py [--items 10000] [--seconds 5] [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
import time
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

from mxshell.contract import mx  # noqa: E402
from mxshell.gateway import ChannelOptions  # noqa: E402
from mxshell.output.recording import EventRecorder  # noqa: E402
from mxshell.session import PersistentSession  # noqa: E402


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


async def shell_rate(sim: SimProcess, tags: list[str], seconds: float) -> float:
    session = PersistentSession(ChannelOptions(sim.endpoint, api_key=sim.api_key, plaintext=True))
    await session.open()
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
            await session.call(lambda s: s.subscribe_bulk(registration.gateway_handle, tags))
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--update-interval", default="0.01", help="simulator tick (s)")
    parser.add_argument("--smoke", action="store_true", help="tiny run, for the test suite")
    args = parser.parse_args()
    items, seconds = (200, 0.5) if args.smoke else (args.items, args.seconds)
    with simulator_process(
        "--generate", str(max(items * 2, 1000)), "--update-interval", args.update_interval
    ) as sim:
        tags = tag_references(sim, items)
        floor = raw_rate(sim, tags, seconds)
        measured = asyncio.run(shell_rate(sim, tags, seconds))
    report(
        f"event ingest ({len(tags)} items, recorded to JSONL)",
        floor,
        measured,
        "events/s",
        "<= 1.3, and >= 50,000 events/s",
        higher_is_better=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
