"""Properties of an attribute read as items of their own: `Tag.Attr.Quality`,
`.TimeStamp` and `.SecurityClassification` follow the attribute, read Good, and refuse
writes (ViewOnly); an element's properties too (`Attr[2].Quality`)."""

from __future__ import annotations

from mxshell.contract import mx, types
from mxshell.gateway import from_mx_value, to_mx_value
from mxshell.sim import codes
from mxshell.sim.codes import Quality
from mxshell.testing import ShellRunner


async def test_each_property_reads_what_the_attribute_has(client, registered) -> None:
    session, server = registered
    value = await client.advise(session, server, "FlowMeter2.RawSignal")
    quality = await client.advise(session, server, "FlowMeter2.RawSignal.Quality")
    stamp = await client.advise(session, server, "FlowMeter2.RawSignal.TimeStamp")
    security = await client.advise(session, server, "Tank1.Level.SecurityClassification")
    element = await client.advise(session, server, "Tank1.LevelTrend[2].quality")
    events = await client.collect(client.stream(session), lambda ev: len(ev) >= 5)
    first = {c.item_handle: c for c in client.changes(events)}
    assert from_mx_value(first[quality].value) == Quality.BAD_COMMUNICATION_FAILURE == 24
    assert first[quality].quality == Quality.GOOD and first[quality].statuses[0].success == 1
    assert first[stamp].value.timestamp_value == first[value].timestamp
    assert from_mx_value(first[security].value) == types.SECURITY_CLASSIFICATION_VIEW_ONLY
    assert from_mx_value(first[element].value) == Quality.GOOD


async def test_a_property_follows_its_attribute_and_refuses_writes(client, registered, sim) -> None:
    session, server = registered
    quality = await client.advise(session, server, "Tank1.Capacity.Quality")
    stream = client.stream(session)
    await client.collect(stream, lambda ev: len(ev) >= 1)
    sim.override("Tank1.Capacity", 20000)  # Good, local override: the property hears of it
    events = await client.collect(stream, lambda ev: len(client.changes(ev, quality)) >= 1)
    assert from_mx_value(client.changes(events, quality)[0].value) == Quality.GOOD_LOCAL_OVERRIDE
    refused = await client.invoke(
        session,
        write=mx.WriteCommand(server_handle=server, item_handle=quality, value=to_mx_value(5)),
    )
    assert refused.statuses[0].detail == codes.Detail.VIEW_ONLY
    unknown = await client.invoke(
        session,
        add_item=mx.AddItemCommand(server_handle=server, tag_reference="Tank1.Nope.Quality"),
    )
    assert unknown.statuses[0].detail == codes.Detail.UNKNOWN_TAG


async def test_the_shell_reads_properties_by_name(sim) -> None:
    async with ShellRunner.connected(sim) as shell:
        result = await shell.run("read Tank1.Level.Quality Tank1.LevelTrend[2].Quality")
        assert result.ok, result.errors
        assert [r["value"] for r in result.result.records()] == [192, 192]
