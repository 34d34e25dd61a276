"""The Galaxy Repository client against the simulated gateway: hierarchy, deploys, faults."""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from datetime import UTC, datetime

import pytest

from mxshell.contract import types
from mxshell.gateway import (
    FailedPreconditionError,
    GalaxyRepositoryClient,
    GatewayClient,
    InvalidArgumentError,
)
from mxshell.sim import EmbeddedGateway

from .conftest import KEYS

DEMO_DEPLOY_TIME = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)


async def connect(gateway: EmbeddedGateway) -> GalaxyRepositoryClient:
    return await GalaxyRepositoryClient.connect(gateway.endpoint, KEYS.full, plaintext=True)


async def test_connection_and_last_deploy_time(sim: EmbeddedGateway) -> None:
    async with await connect(sim) as repository:
        assert await repository.test_connection() is True
        assert (await repository.test_connection_raw()).message
        deployed = await repository.get_last_deploy_time()
        assert deployed == DEMO_DEPLOY_TIME and deployed.tzinfo is UTC


async def test_discover_hierarchy_lists_objects_with_their_attributes(sim: EmbeddedGateway) -> None:
    async with await connect(sim) as repository:
        objects = await repository.discover_hierarchy()
    by_tag = {obj.tag_name: obj for obj in objects}
    tank = by_tag["Tank1"]
    level = {a.attribute_name: a for a in tank.attributes}["Level"]
    assert level.full_tag_reference == "Tank1.Level"
    assert level.data_type == types.MX_DATA_TYPE_DOUBLE and level.is_historized
    assert tank.parent_tag_name == "Area_Production"
    seen: set[str] = set()
    for obj in objects:  # parents before children
        assert not obj.parent_tag_name or obj.parent_tag_name in seen, obj.tag_name
        seen.add(obj.tag_name)


async def test_iter_hierarchy_pages_through_the_same_objects(sim: EmbeddedGateway) -> None:
    async with await connect(sim) as repository:
        everything = [obj.tag_name for obj in await repository.discover_hierarchy()]
        paged = [obj.tag_name async for obj in repository.iter_hierarchy(page_size=4)]
        first = await repository.discover_page(page_size=4)
    assert paged == everything and len(everything) > 8
    assert first.total_object_count == len(everything) and first.next_page_token


async def test_a_garbage_page_token_is_invalid_argument(sim: EmbeddedGateway) -> None:
    async with await connect(sim) as repository:
        with pytest.raises(InvalidArgumentError, match="INVALID_ARGUMENT.*page_token"):
            await repository.discover_page(page_size=4, page_token="not-a-token")


async def test_an_unreachable_galaxy_database_is_failed_precondition(
    own_sim: EmbeddedGateway,
) -> None:
    own_sim.gateway.faults.galaxy_unreachable = True
    async with await connect(own_sim) as repository:
        assert await repository.test_connection() is False
        assert "unreachable" in (await repository.test_connection_raw()).message
        with pytest.raises(FailedPreconditionError, match="FAILED_PRECONDITION.*unreachable"):
            await repository.discover_hierarchy()
        with pytest.raises(FailedPreconditionError):
            await repository.get_last_deploy_time()


async def test_watch_deploy_events_sends_the_current_state_then_each_deploy(
    own_sim: EmbeddedGateway,
) -> None:
    async with await GatewayClient.connect(own_sim.endpoint, KEYS.full, plaintext=True) as client:
        repository = client.galaxy()
        async with aclosing(repository.watch_deploy_events()) as watch:
            bootstrap = await asyncio.wait_for(anext(watch), 5)
            assert bootstrap.time_of_last_deploy_present
            assert bootstrap.time_of_last_deploy.ToDatetime(tzinfo=UTC) == DEMO_DEPLOY_TIME
            await asyncio.to_thread(own_sim.deploy, add=2)
            deployed = await asyncio.wait_for(anext(watch), 5)
        assert deployed.sequence == bootstrap.sequence + 1
        assert deployed.object_count == bootstrap.object_count + 2
        assert deployed.attribute_count > bootstrap.attribute_count
        moved = deployed.time_of_last_deploy.ToDatetime(tzinfo=UTC)
        assert moved > DEMO_DEPLOY_TIME
        assert await repository.get_last_deploy_time() == moved


@pytest.mark.parametrize("as_timestamp", [False, True])
async def test_last_seen_deploy_time_suppresses_the_bootstrap_event(
    own_sim: EmbeddedGateway, as_timestamp: bool
) -> None:
    async with await connect(own_sim) as repository:
        if as_timestamp:
            async with aclosing(repository.watch_deploy_events()) as first_watch:
                last_seen: object = (await anext(first_watch)).time_of_last_deploy
        else:
            last_seen = await repository.get_last_deploy_time()
        async with aclosing(repository.watch_deploy_events(last_seen)) as watch:  # type: ignore[arg-type]
            first = asyncio.ensure_future(anext(watch))
            for _ in range(200):  # until the gateway holds the watch open
                if own_sim.gateway.faults.streams:
                    break
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)
            assert not first.done()  # no bootstrap event: the caller is up to date
            await asyncio.to_thread(own_sim.deploy, add=1)
            event = await asyncio.wait_for(first, 5)
    assert event.sequence == 2
    assert event.time_of_last_deploy.ToDatetime(tzinfo=UTC) > DEMO_DEPLOY_TIME
