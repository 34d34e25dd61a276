"""Arrays as MXAccess addresses them (the domain notes, confirmed against a live Galaxy):
`Attr[]` the whole array, `Attr[N]` one element from 1, read, written and advised on its
own; `[0]` or past the end an MXAccess failure; the bare name refused with
CommunicationError detail 1003 (`_Attributes` excepted: runtime clients advise it bare)."""

from __future__ import annotations

from mxshell.contract import mx
from mxshell.gateway import from_mx_value, to_mx_value
from mxshell.sim import codes
from mxshell.sim.codes import Quality

TREND = "Tank1.LevelTrend"  # Double[], [48.5, 51.0, 53.2, 55.9] in the demo plant
NOZZLES = "Filler1.NozzleEnabled"  # Boolean[] (Tune), [true, true, true, false]


async def add(client, session, server, reference) -> mx.InvokeResponse:
    return await client.invoke(
        session, add_item=mx.AddItemCommand(server_handle=server, tag_reference=reference)
    )


async def write(client, session, server, item, value, type_name) -> mx.InvokeResponse:
    return await client.invoke(
        session,
        write=mx.WriteCommand(
            server_handle=server, item_handle=item, value=to_mx_value(value, type_name)
        ),
    )


async def test_the_whole_array_and_each_element_read_as_their_own_items(client, registered) -> None:
    session, server = registered
    whole = await client.advise(session, server, f"{TREND}[]")
    first = await client.advise(session, server, f"{TREND}[1]")
    last = await client.advise(session, server, f"{TREND}[4]")
    events = await client.collect(client.stream(session), lambda ev: len(ev) >= 3)
    values = {c.item_handle: (from_mx_value(c.value), c.quality) for c in client.changes(events)}
    assert values[whole] == ([48.5, 51.0, 53.2, 55.9], Quality.GOOD)
    assert values[first] == (48.5, Quality.GOOD)
    assert values[last] == (55.9, Quality.GOOD)


async def test_the_bare_name_and_indexes_outside_the_array_are_refused(client, registered) -> None:
    session, server = registered
    bare = await add(client, session, server, TREND)
    assert bare.hresult == codes.E_FAIL
    (status,) = bare.statuses
    assert (status.success, status.category, status.detail) == (
        0,
        codes.Category.COMMUNICATION_ERROR,
        1003,
    )
    for index in ("0", "5", "99"):
        refused = await add(client, session, server, f"{TREND}[{index}]")
        assert refused.hresult == codes.E_INVALIDARG, index
        assert refused.statuses[0].detail == codes.Detail.INDEX_OUT_OF_RANGE
        assert "from 1 to 4" in refused.protocol_status.message
    scalar = await add(client, session, server, "Tank1.Level[1]")  # not an array
    assert scalar.statuses[0].detail == codes.Detail.UNKNOWN_TAG
    assert (await add(client, session, server, "Pump1._Attributes")).hresult == 0


async def test_an_element_write_changes_the_array_and_tells_each_adviser(
    client, registered
) -> None:
    session, server = registered
    whole = await client.advise(session, server, f"{NOZZLES}[]")
    second = await client.advise(session, server, f"{NOZZLES}[2]")
    third = await client.advise(session, server, f"{NOZZLES}[3]")
    stream = client.stream(session)
    await client.collect(stream, lambda ev: len(ev) >= 3)  # the first values
    reply = await write(client, session, server, second, False, "bool")
    assert reply.hresult == 0, reply

    def done(events: list[mx.MxEvent]) -> bool:
        completed = any(e.HasField("on_write_complete") for e in events)
        return completed and len(client.changes(events)) >= 2

    events = await client.collect(stream, done)
    changed = {c.item_handle: from_mx_value(c.value) for c in client.changes(events)}
    assert changed == {whole: [True, False, True, False], second: False}  # [3] is as it was
    assert third not in changed


async def test_an_element_past_a_shrunk_array_reads_bad_and_refuses_writes(
    client, registered
) -> None:
    session, server = registered
    whole = await client.add_item(session, server, f"{NOZZLES}[]")
    fourth = await client.advise(session, server, f"{NOZZLES}[4]")
    stream = client.stream(session)
    await client.collect(stream, lambda ev: len(ev) >= 1)
    assert (await write(client, session, server, whole, [True, True], "bool[]")).hresult == 0
    events = await client.collect(stream, lambda ev: len(client.changes(ev, fourth)) >= 1)
    (change,) = client.changes(events, fourth)
    assert change.quality == Quality.BAD_CONFIGURATION_ERROR
    refused = await write(client, session, server, fourth, True, "bool")
    assert refused.statuses[0].detail == codes.Detail.INDEX_OUT_OF_RANGE
    assert "from 1 to 2" in refused.protocol_status.message
