"""A session belongs to the key that opened it; supervisory writes need write-secured."""

from __future__ import annotations

import asyncio

import pytest

from mxshell.contract import mx
from mxshell.gateway import GatewayClient, PermissionDeniedError, Session
from mxshell.gateway.errors import MxAccessError
from mxshell.sim import EmbeddedGateway

from .conftest import Keys


async def test_another_key_cannot_use_a_session_id_it_learned(
    sim: EmbeddedGateway, keys: Keys
) -> None:
    async with (
        await GatewayClient.connect(sim.endpoint, keys.full, plaintext=True) as owner,
        await owner.open_session("owner") as opened,
        await GatewayClient.connect(sim.endpoint, keys.tank_only, plaintext=True) as other,
    ):
        handle = await opened.register("owner")
        await opened.add_item(handle, "Pump1.Speed")
        stolen = Session(other, mx.OpenSessionResponse(session_id=opened.session_id))
        with pytest.raises(PermissionDeniedError, match="another API key"):
            await stolen.register("thief")
        with pytest.raises(PermissionDeniedError, match="another API key"):
            await stolen.write(handle, 1, 1.0)
        with pytest.raises(PermissionDeniedError, match="another API key"):
            async for _ in stolen.stream_events():
                pytest.fail("another key's stream delivered an event")
        with pytest.raises(PermissionDeniedError, match="another API key"):
            await stolen.close()
        # The owner's session is untouched: still open, still its own.
        assert await opened.register("still-mine") > 0


async def test_the_key_that_opened_a_session_can_attach_from_another_client(
    sim: EmbeddedGateway, keys: Keys
) -> None:
    async with (
        await GatewayClient.connect(sim.endpoint, keys.full, plaintext=True) as first,
        await first.open_session("first") as opened,
        await GatewayClient.connect(sim.endpoint, keys.full, plaintext=True) as second,
    ):
        attached = Session(second, mx.OpenSessionResponse(session_id=opened.session_id))
        assert await attached.register("second-client") > 0


async def test_a_supervisory_write_to_a_secured_attribute_needs_the_write_secured_scope(
    sim: EmbeddedGateway, keys: Keys
) -> None:
    async with (
        await GatewayClient.connect(sim.endpoint, keys.tank_only, plaintext=True) as client,
        await client.open_session("no-write-secured") as session,
    ):
        handle = await session.register("supervisory")
        item = await session.add_item(handle, "Tank1.BatchId")
        await session.advise_supervisory(handle, item)
        with pytest.raises((PermissionDeniedError, MxAccessError), match="write-secured"):
            await session.write(handle, item, "B-STOLEN")
    async with (
        await GatewayClient.connect(sim.endpoint, keys.full, plaintext=True) as client,
        await client.open_session("write-secured") as session,
    ):
        handle = await session.register("supervisory")
        item = await session.add_item(handle, "Tank1.BatchId")
        await session.advise_supervisory(handle, item)
        await asyncio.wait_for(session.write(handle, item, "B-0001"), 10)
        await session.write(handle, item, "B-0000")  # as the other tests expect it


async def test_galaxy_browsing_shows_every_object_to_a_tag_limited_key_with_metadata_read() -> None:
    from mxshell.gateway import GalaxyRepositoryClient
    from mxshell.sim import ApiKey, SimConfig

    limited = ApiKey(
        "gwtest-limited-meta-4f2a", scopes=frozenset({"metadata:read"}), tag_globs=("Tank1.*",)
    )
    with EmbeddedGateway(SimConfig(api_keys=[limited])) as sim:
        async with await GalaxyRepositoryClient.connect(
            sim.endpoint, limited.key, plaintext=True
        ) as repository:
            names = {obj.tag_name for obj in await repository.discover_hierarchy()}
    # Documented in docs/simulator.md: metadata:read is all or nothing.
    assert {"Tank1", "Pump1"} <= names
