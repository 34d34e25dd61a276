"""GalaxyRepository: the demo plant, hierarchy pages, page tokens, deploys and watchers."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from mxshell.contract import galaxy, mx, types
from mxshell.sim.codes import Quality
from mxshell.sim.model_file import load_model


async def _all_objects(client, page_size=0):
    objects, token, pages = [], "", 0
    while True:
        page = await client.discover(page_size, token)
        objects.extend(page.objects)
        pages += 1
        token = page.next_page_token
        if not token:
            return objects, pages, page.total_object_count


def test_demo_plant_covers_every_type_and_security_classification() -> None:
    demo = load_model()
    attributes = [(o, a) for o in demo.objects for a in o.attributes()]
    assert 300 <= len(attributes) == demo.attribute_count
    assert 25 <= len(demo.objects) <= 80
    common = {
        types.MX_DATA_TYPE_BOOLEAN,
        types.MX_DATA_TYPE_INTEGER,
        types.MX_DATA_TYPE_FLOAT,
        types.MX_DATA_TYPE_DOUBLE,
        types.MX_DATA_TYPE_STRING,
        types.MX_DATA_TYPE_TIME,
        types.MX_DATA_TYPE_ELAPSED_TIME,
    }
    assert common <= {a.data_type for _, a in attributes}
    assert common - {types.MX_DATA_TYPE_ELAPSED_TIME} <= {
        a.data_type for _, a in attributes if a.is_array
    }
    assert set(range(1, 8)) == {a.security for _, a in attributes}
    assert any(a.historized for _, a in attributes) and any(a.alarmed for _, a in attributes)
    for reference in ("Tank1.Level", "Tank1.Level.HiHi", "Pump1.Running", "Pump1.Speed.SP"):
        assert demo.resolve(reference) is not None, reference
    assert demo.resolve("Tank1.Level").attr.generator == "sine"
    assert demo.resolve("Pump1.Running").attr.data_type == types.MX_DATA_TYPE_BOOLEAN
    assert demo.resolve("Pump1.Speed.SP").attr.generator == "setpoint"
    assert {o.template.category for o in demo.objects} >= {1, 2, 3, 4, 5}


async def test_hierarchy_pages_cover_every_object_parents_first(client) -> None:
    objects, pages, total = await _all_objects(client, page_size=7)
    assert len(objects) == total and pages == -(-total // 7)
    seen: set[str] = set()
    for obj in objects:
        assert obj.parent_tag_name == "" or obj.parent_tag_name in seen, obj.tag_name
        seen.add(obj.tag_name)
    tank1 = next(o for o in objects if o.tag_name == "Tank1")
    assert tank1.area_tag_name == "Area_Production" and tank1.template_name == "$Tank"
    assert tank1.category == galaxy.GALAXY_OBJECT_CATEGORY_APPLICATION_OBJECT
    level = next(a for a in tank1.attributes if a.attribute_name == "Level")
    assert level.full_tag_reference == "Tank1.Level" and level.is_historized
    assert level.data_type == types.MX_DATA_TYPE_DOUBLE
    inlet = next(o for o in objects if o.tag_name == "Valve101")
    assert (inlet.contained_name, inlet.hierarchical_name) == ("Inlet", "Tank1.Inlet")


async def test_default_page_size_returns_the_demo_plant_in_one_page(client) -> None:
    page = await client.discover()
    assert len(page.objects) == page.total_object_count and page.next_page_token == ""


@pytest.mark.parametrize(
    "token", ["garbage", "bXhzaW0tcGFnZTp4", "%%%", "bXhzaW0tcGFnZTowOjk5OTk="]
)
async def test_garbage_page_token_is_invalid_argument(client, token) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await client.discover(5, token)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "page_token" in error.value.details()


async def test_page_token_from_before_a_deploy_is_failed_precondition(client, sim) -> None:
    first = await client.discover(5)
    sim.deploy(add=1)
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await client.discover(5, first.next_page_token)
    assert error.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "first page" in error.value.details()


async def test_last_deploy_time_and_test_connection(client, sim) -> None:
    before = await client.galaxy.GetLastDeployTime(
        galaxy.GetLastDeployTimeRequest(), metadata=client.metadata
    )
    assert before.time_of_last_deploy_present
    sim.deploy()
    after = await client.galaxy.GetLastDeployTime(
        galaxy.GetLastDeployTimeRequest(), metadata=client.metadata
    )
    assert after.time_of_last_deploy.ToNanoseconds() > before.time_of_last_deploy.ToNanoseconds()
    reply = await client.galaxy.TestConnection(
        galaxy.TestConnectionRequest(), metadata=client.metadata
    )
    assert reply.connected


async def test_watch_sends_current_state_then_one_event_per_deploy(client, sim) -> None:
    watch = client.galaxy.WatchDeployEvents(
        galaxy.WatchDeployEventsRequest(), metadata=client.metadata
    )
    current = (await asyncio.wait_for(watch.read(), 2)).event
    assert current.time_of_last_deploy_present and current.sequence == 1
    assert current.object_count == len(sim.gateway.galaxy.objects)
    returned = sim.deploy(add=3)
    event = (await asyncio.wait_for(watch.read(), 2)).event
    assert event == returned
    assert event.sequence == 2 and event.object_count == current.object_count + 3
    assert event.attribute_count > current.attribute_count
    watch.cancel()


async def test_watch_skips_current_state_the_caller_already_has(client, sim) -> None:
    state = await client.galaxy.GetLastDeployTime(
        galaxy.GetLastDeployTimeRequest(), metadata=client.metadata
    )
    watch = client.galaxy.WatchDeployEvents(
        galaxy.WatchDeployEventsRequest(last_seen_deploy_time=state.time_of_last_deploy),
        metadata=client.metadata,
    )
    await asyncio.sleep(0.1)
    sim.deploy(remove=1)
    event = (await asyncio.wait_for(watch.read(), 2)).event
    assert event.sequence == 2  # the first thing received is the new deploy
    watch.cancel()


async def test_deployed_objects_appear_in_hierarchy_and_accept_items(client, sim) -> None:
    before, _, _ = await _all_objects(client)
    sim.deploy(add=2)
    after, _, total = await _all_objects(client)
    new = [o for o in after if o.tag_name not in {b.tag_name for b in before}]
    assert len(new) == 2 and total == len(before) + 2
    session = await client.open_session()
    server = await client.register(session)
    assert await client.add_item(session, server, new[0].attributes[0].full_tag_reference) >= 1


async def test_undeployed_object_turns_its_items_bad(client, sim) -> None:
    session = await client.open_session()
    server = await client.register(session)
    victim = sim.gateway.galaxy.objects[-1].tag_name  # the newest leaf goes first
    item = await client.advise(session, server, f"{victim}.Running")
    stream = client.stream(session)
    await client.collect(stream, lambda ev: len(ev) >= 1)
    sim.deploy(remove=1)
    events = await client.collect(
        stream,
        lambda ev: any(c.quality == Quality.BAD_NOT_CONNECTED for c in client.changes(ev, item)),
    )
    bad = client.changes(events, item)[-1]
    assert bad.quality == Quality.BAD_NOT_CONNECTED and bad.statuses[0].success == 0
    reply = await client.invoke(
        session, add_item=mx.AddItemCommand(server_handle=server, tag_reference=f"{victim}.Running")
    )
    assert reply.hresult != 0
    stream.cancel()


async def test_watcher_that_falls_behind_sees_a_sequence_gap(client, sim) -> None:
    watch = client.galaxy.WatchDeployEvents(
        galaxy.WatchDeployEventsRequest(), metadata=client.metadata
    )
    assert (await asyncio.wait_for(watch.read(), 2)).event.sequence == 1

    async def burst() -> None:  # 100 deploys before the watcher's stream can run
        for _ in range(100):
            await sim.gateway.deploy()

    sim.run(burst)
    after = (await asyncio.wait_for(watch.read(), 2)).event
    assert after.sequence > 2  # the oldest queued events were dropped
    watch.cancel()
