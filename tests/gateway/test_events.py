"""The event stream: OnDataChange after advise, OnWriteComplete after a write, in order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import aclosing

from mxshell.contract import mx
from mxshell.gateway import Session, format_quality, from_mx_value
from mxshell.gateway.status import status_ok


async def first_event(
    events: AsyncIterator[mx.MxEvent], kind: str, item_handle: int, timeout: float = 5.0
) -> mx.MxEvent:
    async def find() -> mx.MxEvent:
        async for event in events:
            if (
                event.WhichOneof("event") == kind
                and getattr(event, kind).item_handle == item_handle
            ):
                return event
        raise AssertionError(f"the stream ended before a {kind} for item {item_handle}")

    return await asyncio.wait_for(find(), timeout)


async def test_stream_events_delivers_on_data_change_and_on_write_complete(
    session: Session, server_handle: int
) -> None:
    level = await session.add_item(server_handle, "Tank1.Description")
    setpoint = await session.add_item(server_handle, "Pump3.Speed.SP")
    async with aclosing(session.stream_events()) as events:
        await session.advise(server_handle, level)
        change = await first_event(events, "on_data_change", level)
        data = change.on_data_change
        assert data.server_handle == server_handle
        assert from_mx_value(data.value) == "Syrup tank"
        assert format_quality(data.quality) == "Good (192)"
        assert change.worker_sequence >= 1

        await session.write(server_handle, setpoint, 950.0)
        done = await first_event(events, "on_write_complete", setpoint)
        assert done.worker_sequence > change.worker_sequence
        assert done.on_write_complete.statuses and all(
            status_ok(s) for s in done.on_write_complete.statuses
        )


async def test_worker_sequence_rises_by_one_across_batches(
    session: Session, server_handle: int
) -> None:
    results = await session.subscribe_bulk(
        server_handle, ["Tank1.Level", "Tank2.Level", "Pump1.Speed", "Mixer1.Current"]
    )
    assert all(r.was_successful for r in results)
    sequences: list[int] = []
    batches = 0
    async with aclosing(session.stream_event_batches(max_batch_size=3)) as stream:
        async for batch in stream:
            assert 1 <= len(batch) <= 3
            batches += 1
            sequences.extend(event.worker_sequence for event in batch)
            if len(sequences) >= 12:
                break
    assert sequences == list(range(sequences[0], sequences[0] + len(sequences)))
    assert batches >= 4


async def test_a_stream_ends_when_its_session_closes(session: Session, server_handle: int) -> None:
    item = await session.add_item(server_handle, "Tank1.Level")
    await session.advise(server_handle, item)
    received = 0

    async def consume() -> None:
        nonlocal received
        async for _ in session.stream_events():
            received += 1

    task = asyncio.create_task(consume())
    while received == 0:
        await asyncio.sleep(0.02)
    await session.close()
    await asyncio.wait_for(task, 5)  # ends cleanly, without an error
    assert received >= 1
