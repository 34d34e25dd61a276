"""API keys: missing, wrong, short of a scope, outside a tag constraint; never shown."""

from __future__ import annotations

import pytest

from mxshell.gateway import (
    ChannelOptions,
    GalaxyRepositoryClient,
    GatewayClient,
    GatewayError,
    PermissionDeniedError,
    UnauthenticatedError,
)
from mxshell.sim import EmbeddedGateway

from .conftest import Keys


async def test_a_missing_key_is_unauthenticated(sim: EmbeddedGateway) -> None:
    async with await GatewayClient.connect(sim.endpoint, plaintext=True) as client:
        with pytest.raises(UnauthenticatedError, match="UNAUTHENTICATED.*missing API key"):
            await client.open_session("no-key")


async def test_a_wrong_key_is_unauthenticated_and_not_echoed(sim: EmbeddedGateway) -> None:
    wrong = "gwtest-wrong-0d1e2f3a4b5c6d7e"
    async with await GatewayClient.connect(sim.endpoint, wrong, plaintext=True) as client:
        with pytest.raises(UnauthenticatedError, match="unknown API key") as caught:
            await client.open_session("wrong-key")
        assert wrong not in str(caught.value) and wrong not in repr(client)


async def test_a_key_without_the_scope_is_permission_denied(
    sim: EmbeddedGateway, keys: Keys
) -> None:
    async with (
        await GatewayClient.connect(sim.endpoint, keys.read_only, plaintext=True) as client,
        await client.open_session("read-only") as session,
    ):
        handle = await session.register("read-only")
        item = await session.add_item(handle, "Pump1.Speed.SP")
        with pytest.raises(PermissionDeniedError, match="PERMISSION_DENIED.*'write' scope"):
            await session.write(handle, item, 1200.0)
        with pytest.raises(PermissionDeniedError, match="write-secured"):
            await session.authenticate_user(handle, "operator", "operator1")


async def test_galaxy_calls_need_metadata_read(sim: EmbeddedGateway, keys: Keys) -> None:
    async with await GalaxyRepositoryClient.connect(
        sim.endpoint, keys.no_metadata, plaintext=True
    ) as repository:
        with pytest.raises(PermissionDeniedError, match="metadata:read"):
            await repository.test_connection()
        with pytest.raises(PermissionDeniedError, match="metadata:read"):
            await repository.discover_hierarchy()


async def test_a_tag_outside_the_key_constraint_is_denied_for_single_commands(
    sim: EmbeddedGateway, keys: Keys
) -> None:
    async with (
        await GatewayClient.connect(sim.endpoint, keys.tank_only, plaintext=True) as client,
        await client.open_session("tank-only") as session,
    ):
        handle = await session.register("tank-only")
        assert await session.add_item(handle, "Tank1.Level") > 0
        with pytest.raises(PermissionDeniedError, match="Pump1.Speed.SP"):
            await session.add_item(handle, "Pump1.Speed.SP")


async def test_a_tag_outside_the_key_constraint_fails_as_a_bulk_entry(
    sim: EmbeddedGateway, keys: Keys
) -> None:
    async with (
        await GatewayClient.connect(sim.endpoint, keys.tank_only, plaintext=True) as client,
        await client.open_session("tank-only") as session,
    ):
        handle = await session.register("tank-only")
        added = await session.add_item_bulk(handle, ["Tank1.Level", "Pump1.Speed.SP"])
        assert [r.was_successful for r in added] == [True, False]
        assert "constraint" in added[1].error_message
        read = await session.read_bulk(handle, ["Pump1.Speed", "Tank1.Description"])
        assert [r.was_successful for r in read] == [False, True]


async def test_no_key_appears_in_any_text_the_client_produces(
    sim: EmbeddedGateway, keys: Keys
) -> None:
    texts: list[str] = []
    for key in keys.all():
        options = ChannelOptions(sim.endpoint, api_key=key, plaintext=True)
        texts += [repr(options), str(options)]
        async with await GatewayClient.connect(options) as client:
            texts += [repr(client), str(client)]
            repository = client.galaxy()
            texts += [repr(repository), str(repository)]
            try:
                async with await client.open_session("texts") as session:
                    texts.append(repr(session))
                    handle = await session.register("texts")
                    for attempt in (
                        session.add_item(handle, "NoSuchObject.Level"),
                        session.add_item(handle, "Pump1.Speed.SP"),
                        session.write(handle, 777, 1.0),
                        session.authenticate_user(handle, "operator", "wrong"),
                        repository.discover_page(page_token="garbage"),
                    ):
                        try:
                            await attempt
                        except GatewayError as error:
                            texts += [str(error), repr(error), *map(str, error.args)]
                            texts.append(str(error.details))
            except GatewayError as error:
                texts += [str(error), repr(error)]
    assert len(texts) > 30
    for key in keys.all():
        assert not [text for text in texts if key in text]
