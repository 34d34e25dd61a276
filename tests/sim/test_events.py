"""Advise, OnDataChange and the StreamEvents batches: sequence, buffering, overflow."""

from __future__ import annotations

import asyncio
import time

import grpc
import pytest

from mxshell.contract import mx
from mxshell.sim.codes import Quality


async def test_advise_sends_the_current_value_then_changes(client, registered) -> None:
    session, server = registered
    item = await client.advise(session, server, "Tank1.Level")
    events = await client.collect(
        client.stream(session), lambda ev: len(client.changes(ev, item)) >= 3
    )
    first, *later = client.changes(events, item)
    assert first.server_handle == server
    assert first.quality == Quality.GOOD
    assert first.statuses[0].success == 1
    assert first.value.WhichOneof("kind") == "double_value"
    assert first.timestamp.seconds > 1_600_000_000
    assert later and all(c.value.double_value != first.value.double_value for c in later[:1])


async def test_worker_sequence_starts_at_one_and_is_monotonic(client, registered) -> None:
    session, server = registered
    for tag in ("Tank1.Level", "Tank2.Level", "Pump1.Speed"):
        await client.advise(session, server, tag)
    events = await client.collect(client.stream(session), lambda ev: len(ev) >= 12)
    sequences = [e.worker_sequence for e in events]
    assert sequences[0] == 1
    assert sequences == list(range(1, len(sequences) + 1))


async def test_un_advise_stops_data_changes(client, registered) -> None:
    session, server = registered
    level = await client.advise(session, server, "Tank1.Level")
    stream = client.stream(session)
    await client.collect(stream, lambda ev: len(ev) >= 2)
    reply = await client.invoke(
        session, un_advise=mx.UnAdviseCommand(server_handle=server, item_handle=level)
    )
    assert reply.hresult == 0
    # Events are buffered in order: whatever follows the marker's first value came after
    # the UnAdvise.
    marker = await client.advise(session, server, "Tank2.Level")
    events = await client.collect(stream, lambda ev: len(client.changes(ev, marker)) >= 3)
    first_marker = next(n for n, e in enumerate(events) if e.on_data_change.item_handle == marker)
    assert len(client.changes(events, marker)) >= 3
    assert client.changes(events[first_marker:], level) == []
    stream.cancel()


async def test_advise_supervisory_also_delivers_values(client, registered) -> None:
    session, server = registered
    item = await client.add_item(session, server, "Pump1.Speed.SP")
    reply = await client.invoke(
        session,
        advise_supervisory=mx.AdviseSupervisoryCommand(server_handle=server, item_handle=item),
    )
    assert reply.hresult == 0
    events = await client.collect(client.stream(session), lambda ev: len(ev) >= 1)
    assert client.changes(events, item)[0].value.double_value == 1200.0


async def test_events_are_buffered_while_no_stream_is_open(client, registered) -> None:
    session, server = registered
    item = await client.advise(session, server, "Tank1.Level")
    await asyncio.sleep(0.3)
    events = await client.collect(client.stream(session), lambda ev: len(ev) >= 3)
    assert [e.worker_sequence for e in events[:3]] == [1, 2, 3]
    assert len(client.changes(events, item)) >= 3


async def test_waiting_events_are_packed_into_one_batch(client, registered) -> None:
    session, server = registered
    reply = await client.invoke(
        session,
        subscribe_bulk=mx.SubscribeBulkCommand(
            server_handle=server,
            tag_references=[f"Tank{n}.Level" for n in range(1, 5)]
            + [f"Pump{n}.Speed" for n in range(1, 6)],
        ),
    )
    assert all(r.was_successful for r in reply.subscribe_results.results)
    await asyncio.sleep(0.1)
    stream = client.stream(session, max_batch_size=4)
    batch = await stream.read()
    assert len(batch.events) == 4  # 9 waiting, bound 4
    batch = await stream.read()
    assert len(batch.events) == 4
    stream.cancel()


async def test_idle_stream_sends_an_event_at_once(client, registered) -> None:
    session, server = registered
    stream = client.stream(session)
    await asyncio.sleep(0.1)
    started = time.monotonic()
    await client.advise(session, server, "Tank1.Capacity")  # static: one event only
    batch = await asyncio.wait_for(stream.read(), 2)
    assert len(batch.events) == 1
    assert time.monotonic() - started < 1.0
    stream.cancel()


async def test_overflow_drops_oldest_events_and_leaves_a_sequence_gap(start_sim, connect) -> None:
    sim = start_sim(event_buffer_size=5, update_interval_s=0.01)
    client = connect(sim)
    session = await client.open_session()
    server = await client.register(session)
    for tag in ("Tank1.Level", "Tank2.Level", "Tank3.Level"):
        await client.advise(session, server, tag)
    await asyncio.sleep(0.3)  # far more than 5 events, nobody reading
    stream = client.stream(session)
    batch = await stream.read()
    sequences = [e.worker_sequence for e in batch.events]
    assert len(sequences) <= 5
    assert sequences[0] > 1  # the oldest were dropped: a gap before what we got
    assert sequences == list(range(sequences[0], sequences[0] + len(sequences)))
    stream.cancel()


async def test_second_stream_supersedes_the_first(client, registered) -> None:
    session, server = registered
    first = client.stream(session)
    await asyncio.sleep(0.05)
    second = client.stream(session)
    await client.advise(session, server, "Tank1.Level")
    with pytest.raises(grpc.aio.AioRpcError) as error:
        async for _ in first:
            pass
    assert error.value.code() == grpc.StatusCode.ABORTED
    batch = await asyncio.wait_for(second.read(), 2)
    assert batch.events[0].worker_sequence == 1
    second.cancel()


async def test_closing_the_session_ends_its_stream(client, registered) -> None:
    session, _ = registered
    stream = client.stream(session)
    await asyncio.sleep(0.05)
    await client.mx.CloseSession(
        mx.CloseSessionRequest(session_id=session), metadata=client.metadata
    )
    got = [batch async for batch in stream]
    assert got == []
    assert await stream.code() == grpc.StatusCode.OK


async def test_qualities_other_than_good_are_reported(client, registered) -> None:
    session, server = registered
    bad = await client.advise(session, server, "FlowMeter2.RawSignal")
    offline = await client.advise(session, server, "PLC1.Backup.Status")
    events = await client.collect(client.stream(session), lambda ev: len(ev) >= 2)
    changes = {c.item_handle: c for c in client.changes(events)}
    assert changes[bad].quality == Quality.BAD_COMMUNICATION_FAILURE
    assert changes[bad].statuses[0].success == 0
    assert changes[offline].quality < Quality.UNCERTAIN_LAST_USABLE


async def test_attributes_attribute_lists_the_object_attributes(client, registered) -> None:
    session, server = registered
    item = await client.advise(session, server, "Pump1._Attributes")
    events = await client.collect(client.stream(session), lambda ev: len(ev) >= 1)
    names = client.changes(events, item)[0].value.string_array.values
    assert "Speed.SP" in names and "Running" in names
