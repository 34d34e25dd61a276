"""The catalog reads a Galaxy of many pages, asking for each next page while it indexes
the last one: the whole Galaxy is indexed, and a rebuild stopped half-way leaves no
request behind."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from mxshell.galaxy import GalaxyCatalog
from mxshell.galaxy.catalog import PAGE_SIZE
from mxshell.gateway import GalaxyRepositoryClient
from mxshell.sim import EmbeddedGateway, SimConfig
from tests.conftest import eventually


@pytest.fixture
async def galaxy_client() -> AsyncIterator[tuple[EmbeddedGateway, GalaxyRepositoryClient]]:
    gateway = EmbeddedGateway(SimConfig(generate_attributes=40_000)).start()
    client = await GalaxyRepositoryClient.connect(gateway.endpoint, gateway.api_key, plaintext=True)
    try:
        yield gateway, client
    finally:
        await client.close()
        gateway.stop()


def page_requests() -> list[asyncio.Task[object]]:
    return [
        task
        for task in asyncio.all_tasks()
        if not task.done() and "discover_page" in repr(task.get_coro())
    ]


async def test_a_galaxy_of_many_pages_is_indexed_whole(
    galaxy_client: tuple[EmbeddedGateway, GalaxyRepositoryClient],
) -> None:
    gateway, client = galaxy_client
    objects = gateway.gateway.galaxy.objects
    assert len(objects) > 2 * PAGE_SIZE  # three pages at least
    catalog = GalaxyCatalog()
    catalog.attach(lambda: client)
    index = (await catalog.rebuild()).index
    assert index.object_count == len(objects)
    assert index.attribute_count == gateway.gateway.galaxy.attribute_count
    assert [o.tag_name for o in index.tag_entries] == sorted(
        (o.tag_name for o in objects), key=str.lower
    )
    assert page_requests() == []


async def test_a_rebuild_stopped_half_way_leaves_no_page_request_behind(
    galaxy_client: tuple[EmbeddedGateway, GalaxyRepositoryClient],
) -> None:
    _, client = galaxy_client
    catalog = GalaxyCatalog()
    catalog.attach(lambda: client)
    task = catalog.refresh()
    await eventually(lambda: catalog.loaded_objects > 0, what="the first page indexed")
    assert not task.done()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0)
    assert page_requests() == []
