"""GatewayClient: connecting, sessions, options, and failures of the connection itself."""

from __future__ import annotations

import asyncio
import time

import pytest

from mxshell.gateway import (
    ChannelOptions,
    ClientClosedError,
    GatewayClient,
    Session,
    UnavailableError,
)
from mxshell.sim import EmbeddedGateway

from .conftest import KEYS, MAX_BULK_ENTRIES


async def test_open_session_reports_what_the_gateway_offers(client: GatewayClient) -> None:
    async with await client.open_session("offers") as session:
        assert session.session_id
        assert {"bulk-read-commands", "bulk-write-commands"} <= set(session.capabilities)
        assert session.gateway_version and session.protocol_version
        assert session.max_bulk_entries == MAX_BULK_ENTRIES
        assert session.client is client
        assert session.session_id in repr(session)
    assert session.closed


async def test_open_session_raw_returns_the_reply(client: GatewayClient) -> None:
    reply = await client.open_session_raw("raw")
    assert reply.session_id and reply.capabilities
    await client.close_session(reply.session_id)


async def test_connect_takes_channel_options_either_way(sim: EmbeddedGateway) -> None:
    options = ChannelOptions(sim.endpoint, api_key=KEYS.full, plaintext=True)
    for connecting in (GatewayClient.connect(options), GatewayClient.connect(options=options)):
        async with await connecting as client:
            assert client.options is options and client.endpoint == sim.endpoint
            assert (await client.open_session_raw("options")).session_id


async def test_connect_with_a_timeout_to_nothing_is_unavailable_quickly() -> None:
    started = time.monotonic()
    with pytest.raises(
        UnavailableError, match=r"could not connect to 127\.0\.0\.1:1 within 0\.5 s"
    ):
        await GatewayClient.connect("127.0.0.1:1", plaintext=True, timeout=0.5)
    assert time.monotonic() - started < 5


async def test_a_call_to_a_gateway_that_is_not_there_is_unavailable() -> None:
    async with await GatewayClient.connect("127.0.0.1:1", plaintext=True) as client:
        with pytest.raises(UnavailableError, match="UNAVAILABLE"):
            await client.open_session("nobody")


async def test_close_is_idempotent(sim: EmbeddedGateway) -> None:
    client = await GatewayClient.connect(sim.endpoint, KEYS.full, plaintext=True)
    await client.close()
    await client.close()
    assert client.closed and "closed" in repr(client)


async def test_a_cut_event_stream_raises_unavailable(own_sim: EmbeddedGateway) -> None:
    async with await GatewayClient.connect(own_sim.endpoint, KEYS.full, plaintext=True) as client:
        session: Session = await client.open_session("cut")
        handle = await session.register("cut")
        await session.subscribe_bulk(handle, ["Tank1.Level"])
        events = session.stream_events()
        await asyncio.wait_for(anext(events), 5)
        assert own_sim.run(own_sim.gateway.faults.cut_streams()) >= 1
        with pytest.raises(UnavailableError, match="cut"):
            async with asyncio.timeout(5):
                async for _ in events:
                    pass


async def test_closing_the_client_ends_its_calls_with_client_closed_error(
    own_sim: EmbeddedGateway,
) -> None:
    client = await GatewayClient.connect(own_sim.endpoint, KEYS.full, plaintext=True)
    session = await client.open_session("closing")  # nothing advised: an idle stream
    streaming = asyncio.create_task(anext(session.stream_events()))
    own_sim.gateway.faults.latency_ms = 300
    in_flight = asyncio.create_task(session.register("slow"))
    await asyncio.sleep(0.1)
    assert not streaming.done() and not in_flight.done()
    await client.close()
    # Not asyncio.CancelledError: nobody cancelled these tasks.
    for task in (in_flight, streaming):
        with pytest.raises(ClientClosedError, match="cut short: the client was closed"):
            await task
    with pytest.raises(ClientClosedError, match="is closed"):
        await session.register("after")
