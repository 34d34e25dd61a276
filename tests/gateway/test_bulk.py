"""Every bulk command through the Session helpers: one result per entry, failures as entries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mxshell.contract import mx, types
from mxshell.gateway import ProtocolError, Session, from_mx_value
from mxshell.gateway.bulk_methods import WriteColumns
from mxshell.gateway.values import ScalarColumn, to_mx_value
from mxshell.gateway.verdicts import CountedReply

from .conftest import MAX_BULK_ENTRIES

TAGS = ["Tank1.Level", "Tank1.Temperature", "Pump1.Speed", "Pump1.Running"]
UNKNOWN = "NoSuchObject.Level"


async def test_add_item_bulk_fails_entry_by_entry(session: Session, server_handle: int) -> None:
    results = await session.add_item_bulk(server_handle, [TAGS[0], UNKNOWN, TAGS[1]])
    assert [r.tag_reference for r in results] == [TAGS[0], UNKNOWN, TAGS[1]]
    assert [r.was_successful for r in results] == [True, False, True]
    assert results[0].item_handle > 0 and results[2].item_handle > 0
    failed = results[1]
    assert failed.hresult < 0 and failed.statuses[0].success == 0
    assert UNKNOWN in failed.error_message


async def test_advise_unadvise_and_remove_item_bulk(session: Session, server_handle: int) -> None:
    added = await session.add_item_bulk(server_handle, TAGS)
    handles = [r.item_handle for r in added]
    advised = await session.advise_item_bulk(server_handle, [*handles, 99999])
    assert [r.was_successful for r in advised] == [True] * len(TAGS) + [False]
    unadvised = await session.unadvise_item_bulk(server_handle, handles)
    assert all(r.was_successful for r in unadvised)
    removed = await session.remove_item_bulk(server_handle, [handles[0], 99999])
    assert [r.was_successful for r in removed] == [True, False]
    assert [r.item_handle for r in removed][0] == handles[0]


async def test_subscribe_and_unsubscribe_bulk(session: Session, server_handle: int) -> None:
    subscribed = await session.subscribe_bulk(server_handle, [*TAGS, UNKNOWN])
    assert [r.was_successful for r in subscribed] == [True] * len(TAGS) + [False]
    handles = [r.item_handle for r in subscribed if r.was_successful]
    read = await session.read_bulk(server_handle, TAGS, timeout_ms=3000)
    assert all(r.was_successful and r.was_cached for r in read)
    unsubscribed = await session.unsubscribe_bulk(server_handle, handles)
    assert all(r.was_successful for r in unsubscribed)


async def test_read_bulk_returns_values_and_per_entry_failures(
    session: Session, server_handle: int
) -> None:
    results = await session.read_bulk(server_handle, ["Tank1.Description", (UNKNOWN, 500)])
    assert [r.tag_reference for r in results] == ["Tank1.Description", UNKNOWN]
    described, unknown = results
    assert described.was_successful and not described.was_cached
    assert from_mx_value(described.value) == "Syrup tank"
    assert described.quality == 192 and described.HasField("timestamp")
    assert not unknown.was_successful and unknown.error_message and unknown.hresult < 0


async def test_read_bulk_sends_each_tags_own_timeout_or_the_calls(
    session: Session, server_handle: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[mx.InvokeRequest] = []
    send = session._client.invoke_counted

    async def recording(session_id: str, request: mx.InvokeRequest) -> CountedReply:
        sent.append(request)
        return await send(session_id, request)

    monkeypatch.setattr(session._client, "invoke_counted", recording)
    await session.read_bulk(
        server_handle, ["Tank1.Level", ("Pump1.Speed", 500), ("Pump2.Speed", 0)], timeout_ms=250
    )
    await session.read_bulk(server_handle, ["Tank1.Level", ("Pump1.Speed", 0)])
    entry = mx.ReadBulkEntry
    # A tag's own 0 is the gateway's default, not the call's timeout: left unset.
    assert [request.read_bulk for request in sent] == [
        mx.ReadBulkCommand(
            server_handle=server_handle,
            entries=[
                entry(tag_reference="Tank1.Level", timeout_ms=250),
                entry(tag_reference="Pump1.Speed", timeout_ms=500),
                entry(tag_reference="Pump2.Speed"),
            ],
        ),
        mx.ReadBulkCommand(
            server_handle=server_handle,
            entries=[entry(tag_reference="Tank1.Level"), entry(tag_reference="Pump1.Speed")],
        ),
    ]
    # Each request carries the session and its own correlation id.
    assert {request.session_id for request in sent} == {session.session_id}
    assert len({request.correlation_id for request in sent}) == 2
    assert all(request.correlation_id for request in sent)


async def test_read_bulk_answers_advised_tags_from_cache(
    session: Session, server_handle: int
) -> None:
    item = await session.add_item(server_handle, "Pump1.Speed.SP")
    await session.advise(server_handle, item)
    [first] = await session.read_bulk(server_handle, [("Pump1.Speed.SP", 3000)])
    assert first.was_successful and first.was_cached


async def test_bulk_writes_of_every_kind(session: Session, server_handle: int) -> None:
    tags = ["Pump1.Speed.SP", "Pump2.Speed.SP", "Tank1.BatchId", "Tank1.DrainValve.Open"]
    sp1, sp2, secured, verified = [
        r.item_handle for r in await session.add_item_bulk(server_handle, tags)
    ]
    moment = datetime(2025, 2, 3, 4, 5, 6, tzinfo=UTC)

    written = await session.write_bulk(server_handle, [(sp1, 1001.0), (sp2, 1002), (4242, 1.0)])
    assert [r.was_successful for r in written] == [True, True, False]
    assert [r.item_handle for r in written] == [sp1, sp2, 4242]
    written2 = await session.write2_bulk(server_handle, [(sp1, 1011.0, moment)])
    assert [r.was_successful for r in written2] == [True]

    operator = await session.authenticate_user(server_handle, "operator", "operator1")
    supervisor = await session.authenticate_user(server_handle, "supervisor", "supervisor1")
    plain = await session.write_bulk(server_handle, [(secured, "B-1")])
    assert not plain[0].was_successful  # a plain write to SecuredWrite fails as an entry
    secured_results = await session.write_secured_bulk(
        server_handle, [(secured, "B-3003")], current_user_id=operator
    )
    assert [r.was_successful for r in secured_results] == [True]
    secured2_results = await session.write_secured2_bulk(
        server_handle,
        [(verified, False, moment)],
        current_user_id=operator,
        verifier_user_id=supervisor,
    )
    assert [r.was_successful for r in secured2_results] == [True]

    values = {
        r.tag_reference: from_mx_value(r.value)
        for r in await session.read_bulk(server_handle, tags)
    }
    assert values == {
        "Pump1.Speed.SP": 1011.0,
        "Pump2.Speed.SP": 1002.0,
        "Tank1.BatchId": "B-3003",
        "Tank1.DrainValve.Open": False,
    }


async def test_write_bulk_accepts_ready_entries_and_an_explicit_type(
    session: Session, server_handle: int
) -> None:
    [item] = [r.item_handle for r in await session.add_item_bulk(server_handle, ["Tank2.Notes"])]
    entry = mx.WriteBulkEntry(item_handle=item, value=types.MxValue(string_value="ready entry"))
    assert (await session.write_bulk(server_handle, [entry]))[0].was_successful
    typed = await session.write_bulk(server_handle, [(item, "typed")], type_name="string")
    assert typed[0].was_successful
    [read] = await session.read_bulk(server_handle, ["Tank2.Notes"])
    assert from_mx_value(read.value) == "typed"


async def test_write_columns_write_what_the_same_entries_write(
    session: Session, server_handle: int
) -> None:
    tags = ["Pump1.Speed.SP", "Pump2.Speed.SP", "Tank2.Notes"]
    sp1, sp2, notes = [r.item_handle for r in await session.add_item_bulk(server_handle, tags)]
    moment = datetime(2025, 2, 3, 4, 5, 6, tzinfo=UTC)
    # A column of doubles (set in place), then MxValues of two types, then a timed write.
    doubles = WriteColumns([sp1, sp2], ScalarColumn("double_value", [1201.5, 1202.5]))
    assert [r.was_successful for r in await session.write_bulk(server_handle, doubles)] == [
        True,
        True,
    ]
    mixed = WriteColumns([sp2, notes], [to_mx_value(1203.0), to_mx_value("columns")])
    assert mixed[1] == (notes, to_mx_value("columns"))  # it reads as its entries
    assert [r.item_handle for r in await session.write_bulk(server_handle, mixed)] == [sp2, notes]
    timed = WriteColumns([sp1], ScalarColumn("double_value", [1204.0]), [moment])
    assert (await session.write2_bulk(server_handle, timed))[0].was_successful
    with pytest.raises(ValueError, match="a timestamp for every entry"):
        await session.write2_bulk(server_handle, doubles)
    with pytest.raises(ValueError, match="a timestamp for every entry"):
        await session.write2_bulk(server_handle, WriteColumns([sp1], doubles.values[:1], [None]))
    with pytest.raises(ValueError, match="takes no timestamps"):
        await session.write_bulk(server_handle, timed)
    read = {r.tag_reference: r for r in await session.read_bulk(server_handle, tags)}
    assert [from_mx_value(read[tag].value) for tag in tags] == [1204.0, 1203.0, "columns"]
    assert read["Pump1.Speed.SP"].timestamp.ToDatetime(UTC) == moment


async def test_bulk_calls_larger_than_the_gateway_takes_are_split(
    session: Session, server_handle: int
) -> None:
    assert session.max_bulk_entries == MAX_BULK_ENTRIES
    tags = [f"Tank{n}.{attr}" for n in (1, 2, 3, 4) for attr in ("Level", "Volume", "Mode")]
    tags.append(UNKNOWN)
    assert len(tags) > MAX_BULK_ENTRIES
    results = await session.add_item_bulk(server_handle, tags)
    assert [r.tag_reference for r in results] == tags
    assert [r.was_successful for r in results] == [True] * (len(tags) - 1) + [False]
    read = await session.read_bulk(server_handle, tags)
    assert len(read) == len(tags) and not read[-1].was_successful


async def test_a_raw_bulk_call_over_the_limit_is_a_protocol_error(
    session: Session, server_handle: int
) -> None:
    command = mx.AddItemBulkCommand(
        server_handle=server_handle, tag_references=["Tank1.Level"] * (MAX_BULK_ENTRIES + 1)
    )
    with pytest.raises(
        ProtocolError, match=r"did not process AddItemBulk \(TOO_MANY_ENTRIES\)"
    ) as caught:
        await session.invoke_raw(command)
    assert caught.value.reply.protocol_status.code == mx.PROTOCOL_STATUS_CODE_TOO_MANY_ENTRIES


async def test_empty_bulk_calls_send_nothing_and_return_nothing(sim_down_session: Session) -> None:
    assert await sim_down_session.add_item_bulk(1, []) == []
    assert await sim_down_session.read_bulk(1, []) == []
