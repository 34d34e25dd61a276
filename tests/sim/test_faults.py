"""Fault injection: latency, cut streams, an unreachable Galaxy, and restarts."""

from __future__ import annotations

import asyncio
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from mxshell.contract import galaxy, mx


async def test_latency_is_added_to_every_call(client, sim) -> None:
    await client.open_session()  # warm the channel
    started = time.monotonic()
    await client.open_session()
    quick = time.monotonic() - started
    sim.gateway.faults.latency_ms = 150
    started = time.monotonic()
    await client.galaxy.TestConnection(galaxy.TestConnectionRequest(), metadata=client.metadata)
    assert time.monotonic() - started >= 0.15 > quick


async def test_latency_is_added_to_invokes_event_streams_and_health_checks(
    client, sim, registered
) -> None:
    session, server = registered
    await client.advise(session, server, "Tank1.Level")
    sim.gateway.faults.latency_ms = 150
    health = health_pb2_grpc.HealthStub(client.channel)
    started = time.monotonic()
    await client.invoke(session, read_bulk=mx.ReadBulkCommand(server_handle=server))
    invoked = time.monotonic()
    await client.stream(session).read()  # the advised item's first value
    streamed = time.monotonic()
    await health.Check(health_pb2.HealthCheckRequest())
    checked = time.monotonic()
    assert min(invoked - started, streamed - invoked, checked - streamed) >= 0.15
    sim.gateway.faults.latency_ms = 0  # and off again at once: nothing kept the delay
    started = time.monotonic()
    await client.invoke(session, read_bulk=mx.ReadBulkCommand(server_handle=server))
    assert time.monotonic() - started < 0.15


async def test_cut_streams_aborts_event_and_deploy_streams_as_unavailable(
    client, sim, registered
) -> None:
    session, server = registered
    await client.advise(session, server, "Tank1.Level")
    events = client.stream(session)
    deploys = client.galaxy.WatchDeployEvents(
        galaxy.WatchDeployEventsRequest(), metadata=client.metadata
    )
    await events.read()
    await deploys.read()
    assert sim.run(sim.gateway.faults.cut_streams()) == 2
    for call in (events, deploys):
        with pytest.raises(grpc.aio.AioRpcError) as error:
            while True:
                await asyncio.wait_for(call.read(), 2)
        assert error.value.code() == grpc.StatusCode.UNAVAILABLE


async def test_session_survives_a_cut_stream_and_keeps_buffering(client, sim, registered) -> None:
    session, server = registered
    item = await client.advise(session, server, "Tank1.Level")
    first = client.stream(session)
    got = await client.collect(first, lambda ev: len(ev) >= 1)
    sim.run(sim.gateway.faults.cut_streams)
    await asyncio.sleep(0.2)
    again = await client.collect(client.stream(session), lambda ev: len(ev) >= 2)
    assert again[0].worker_sequence > got[-1].worker_sequence
    assert client.changes(again, item)


async def test_unreachable_galaxy_fails_repository_calls(client, sim) -> None:
    sim.gateway.faults.galaxy_unreachable = True
    reply = await client.galaxy.TestConnection(
        galaxy.TestConnectionRequest(), metadata=client.metadata
    )
    assert not reply.connected and "unreachable" in reply.message
    for call in (
        client.galaxy.GetLastDeployTime(
            galaxy.GetLastDeployTimeRequest(), metadata=client.metadata
        ),
        client.discover(),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as error:
            await call
        assert error.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert error.value.details() == "Galaxy Repository database unreachable"
    sim.gateway.faults.galaxy_unreachable = False
    assert (await client.discover()).objects


async def test_restart_serves_again_on_the_same_port_and_loses_sessions(client, sim) -> None:
    session = await client.open_session()
    port = sim.port
    sim.restart()
    assert sim.port == port and sim.gateway.open_session_ids() == []
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await client.register(session)
    assert error.value.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.UNAVAILABLE)
    fresh = await client.open_session()  # the same channel reconnects
    assert await client.register(fresh) == 1


async def test_restart_ends_open_streams_and_restarts_deploy_sequence(client, sim) -> None:
    session = await client.open_session()
    server = await client.register(session)
    await client.advise(session, server, "Tank1.Capacity")
    stream = client.stream(session)
    await stream.read()  # the stream is open
    sim.deploy()
    sim.restart()
    with pytest.raises(grpc.aio.AioRpcError) as error:
        while True:
            await asyncio.wait_for(stream.read(), 5)
    assert error.value.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED)
    watch = client.galaxy.WatchDeployEvents(
        galaxy.WatchDeployEventsRequest(), metadata=client.metadata
    )
    assert (await asyncio.wait_for(watch.read(), 5)).event.sequence == 1
    watch.cancel()


async def test_written_values_survive_a_gateway_restart(client, sim) -> None:
    session = await client.open_session()
    server = await client.register(session)
    item = await client.add_item(session, server, "Pump3.Speed.SP")
    await client.invoke(
        session,
        write=mx.WriteCommand(
            server_handle=server, item_handle=item, value={"double_value": 777.0}
        ),
    )
    sim.restart()
    session = await client.open_session()
    server = await client.register(session)
    reply = await client.invoke(
        session,
        read_bulk=mx.ReadBulkCommand(
            server_handle=server, entries=[mx.ReadBulkEntry(tag_reference="Pump3.Speed.SP")]
        ),
    )
    assert reply.bulk_read_results.results[0].value.double_value == 777.0
