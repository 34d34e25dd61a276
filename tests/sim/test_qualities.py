"""Qualities beyond Good and Bad that MXAccess sends (the domain notes): 32 (waiting for
initial data) before a slow point's first value, 216 (Good, local override), 8 (not
connected) for an undeployed object's points and 28 (out of service) off scan."""

from __future__ import annotations

from mxshell.contract import mx
from mxshell.gateway import from_mx_value, quality_name
from mxshell.sim.codes import Quality
from mxshell.testing import ShellRunner
from tests.conftest import eventually


async def test_a_slow_point_says_waiting_for_initial_data_then_sends_its_value(
    client, registered
) -> None:
    session, server = registered
    item = await client.advise(session, server, "PLC1.RemoteIO.Value")  # delay_ms 3000
    events = await client.collect(
        client.stream(session), lambda ev: len(client.changes(ev, item)) >= 2, timeout=8
    )
    waiting, first = client.changes(events, item)[:2]
    assert waiting.quality == Quality.BAD_WAITING_FOR_INITIAL_DATA == 32
    assert not waiting.HasField("value") and waiting.statuses[0].success == 1
    assert first.quality == Quality.GOOD and from_mx_value(first.value) is not None
    assert quality_name(32) == "Bad, waiting for initial data"


async def test_an_override_is_good_local_override_until_released(client, registered, sim) -> None:
    session, server = registered
    item = await client.advise(session, server, "Pump3.Speed.Manual")  # overridden in the model
    stream = client.stream(session)
    (first,) = client.changes(await client.collect(stream, lambda ev: len(ev) >= 1), item)
    assert (first.quality, from_mx_value(first.value)) == (Quality.GOOD_LOCAL_OVERRIDE, 850.0)
    tank = await client.advise(session, server, "Tank1.Capacity")
    await client.collect(stream, lambda ev: len(client.changes(ev, tank)) >= 1)
    sim.override("Tank1.Capacity", 20000)
    events = await client.collect(stream, lambda ev: len(client.changes(ev, tank)) >= 1)
    (overridden,) = client.changes(events, tank)
    assert (overridden.quality, overridden.value.int32_value) == (216, 20000)
    sim.override("Tank1.Capacity", None)
    events = await client.collect(stream, lambda ev: len(client.changes(ev, tank)) >= 1)
    (released,) = client.changes(events, tank)
    assert (released.quality, released.value.int32_value) == (Quality.GOOD, 20000)


async def test_an_object_off_scan_is_out_of_service_and_back_on_scan_good(
    client, registered, sim
) -> None:
    session, server = registered
    item = await client.advise(session, server, "Pump2.Speed.SP")
    stream = client.stream(session)
    await client.collect(stream, lambda ev: len(ev) >= 1)
    assert sim.set_scan("Pump2", on_scan=False) >= 1
    events = await client.collect(stream, lambda ev: len(client.changes(ev, item)) >= 1)
    (off,) = client.changes(events, item)
    assert (off.quality, off.value.double_value) == (Quality.BAD_OUT_OF_SERVICE, 1150.0)
    sim.set_scan("Pump2", on_scan=True)
    events = await client.collect(stream, lambda ev: len(client.changes(ev, item)) >= 1)
    assert client.changes(events, item)[0].quality == Quality.GOOD


async def test_the_shell_waits_past_32_and_names_every_quality(sim) -> None:
    async with ShellRunner.connected(sim) as shell:
        slow = await shell.run("read PLC1.RemoteIO.Value --timeout 8")
        assert slow.ok, slow.errors
        assert slow.result.records()[0]["quality"] == "Good (192)"  # not the 32 before it
        manual = await shell.run("read Pump3.Speed.Manual")
        assert manual.result.records()[0]["quality"] == "Good, local override (216)"
        sim.set_scan("Pump1", on_scan=False)
        off = await shell.run("read-bulk Pump1.Speed.SP")
        assert off.result.table.records()[0]["quality"] == "Bad, out of service (28)"
        victim = sim.gateway.galaxy.objects[-1].tag_name  # the newest leaf goes first
        assert (await shell.run(f"add-item {victim}.Running --as gone; advise gone")).ok
        sim.deploy(remove=1)
        item = shell.session.find("gone")
        await eventually(lambda: item.quality == Quality.BAD_NOT_CONNECTED, "quality 8")
        shown = (await shell.run("items")).result.records()
        assert next(r for r in shown if r["alias"] == "gone")["quality"] == "Bad, not connected (8)"


async def test_a_point_changed_while_unwatched_is_advised_again_with_its_latest_value(
    client, registered, sim
) -> None:
    # A point nobody advises encodes its OnDataChange only when an advise asks for it:
    # the advise must send the latest change, not what the point's last adviser heard.
    session, server = registered
    stream = client.stream(session)
    item = await client.advise(session, server, "Tank1.Capacity")
    await client.collect(stream, lambda ev: len(client.changes(ev, item)) >= 1)
    await client.invoke(
        session, un_advise=mx.UnAdviseCommand(server_handle=server, item_handle=item)
    )
    sim.override("Tank1.Capacity", 12345)
    await client.invoke(session, advise=mx.AdviseCommand(server_handle=server, item_handle=item))
    events = await client.collect(stream, lambda ev: len(client.changes(ev, item)) >= 1)
    (again,) = client.changes(events, item)
    assert (again.quality, again.value.int32_value) == (Quality.GOOD_LOCAL_OVERRIDE, 12345)
