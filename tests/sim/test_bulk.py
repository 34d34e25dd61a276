"""The bulk family: per-entry results, the entry limit, and ReadBulk's cache and timeouts."""

from __future__ import annotations

import time

from mxshell.contract import mx, types
from mxshell.sim import codes

TAGS = ["Tank1.Level", "No.Such", "Pump1.Speed.SP"]


def _ok(results) -> list[bool]:
    return [r.was_successful for r in results]


async def _subscribe(client, session, server, tags):
    reply = await client.invoke(
        session, subscribe_bulk=mx.SubscribeBulkCommand(server_handle=server, tag_references=tags)
    )
    return reply.subscribe_results.results


async def test_add_item_bulk_answers_every_entry(client, registered) -> None:
    session, server = registered
    reply = await client.invoke(
        session, add_item_bulk=mx.AddItemBulkCommand(server_handle=server, tag_references=TAGS)
    )
    assert reply.hresult == 0
    results = reply.subscribe_results.results
    assert _ok(results) == [True, False, True]
    assert [r.tag_reference for r in results] == TAGS
    assert results[0].item_handle == 1 and results[2].item_handle == 2
    assert results[1].hresult == codes.E_NOT_FOUND and "No.Such" in results[1].error_message


async def test_advise_unadvise_and_remove_bulk_answer_every_entry(client, registered) -> None:
    session, server = registered
    add = await client.invoke(
        session,
        add_item_bulk=mx.AddItemBulkCommand(
            server_handle=server, tag_references=["Tank1.Level", "Tank2.Level"]
        ),
    )
    handles = [r.item_handle for r in add.subscribe_results.results] + [77]
    for command, body in (
        ("advise_item_bulk", mx.AdviseItemBulkCommand),
        ("un_advise_item_bulk", mx.UnAdviseItemBulkCommand),
        ("remove_item_bulk", mx.RemoveItemBulkCommand),
    ):
        reply = await client.invoke(
            session, **{command: body(server_handle=server, item_handles=handles)}
        )
        results = reply.subscribe_results.results
        assert _ok(results) == [True, True, False], command
        assert results[0].tag_reference == "Tank1.Level"
        assert results[2].hresult == codes.E_HANDLE and results[2].item_handle == 77
    assert client.changes(await client.collect(client.stream(session), lambda ev: len(ev) >= 2))


async def test_subscribe_and_unsubscribe_bulk(client, registered) -> None:
    session, server = registered
    results = await _subscribe(client, session, server, TAGS)
    assert _ok(results) == [True, False, True]
    events = await client.collect(client.stream(session), lambda ev: len(ev) >= 2)
    assert {c.item_handle for c in client.changes(events)} >= {
        results[0].item_handle,
        results[2].item_handle,
    }
    reply = await client.invoke(
        session,
        unsubscribe_bulk=mx.UnsubscribeBulkCommand(
            server_handle=server, item_handles=[results[0].item_handle, 99]
        ),
    )
    assert _ok(reply.subscribe_results.results) == [True, False]
    gone = await client.invoke(
        session, advise=mx.AdviseCommand(server_handle=server, item_handle=results[0].item_handle)
    )
    assert gone.hresult == codes.E_HANDLE


async def test_write_bulk_family_answers_every_entry(client, registered) -> None:
    session, server = registered
    add = await client.invoke(
        session,
        add_item_bulk=mx.AddItemBulkCommand(
            server_handle=server, tag_references=["Pump1.Speed.SP", "Tank1.Level", "Tank1.BatchId"]
        ),
    )
    sp, level, batch = (r.item_handle for r in add.subscribe_results.results)
    entries = [
        mx.WriteBulkEntry(item_handle=sp, value=types.MxValue(double_value=1000)),
        mx.WriteBulkEntry(item_handle=level, value=types.MxValue(double_value=1)),
        mx.WriteBulkEntry(item_handle=55, value=types.MxValue(double_value=1)),
    ]
    for command, body in (
        ("write_bulk", mx.WriteBulkCommand),
        ("write2_bulk", mx.Write2BulkCommand),
    ):
        reply = await client.invoke(
            session, **{command: body(server_handle=server, entries=entries)}
        )
        results = reply.bulk_write_results.results
        assert _ok(results) == [True, False, False], command
        assert results[1].statuses[0].category == codes.Category.SECURITY_ERROR
        assert results[2].hresult == codes.E_HANDLE
    login = await client.invoke(
        session,
        authenticate_user=mx.AuthenticateUserCommand(
            server_handle=server, user_name="engineer", password="engineer1"
        ),
    )
    secured = [
        mx.WriteBulkEntry(item_handle=batch, value=types.MxValue(string_value="B-7")),
        mx.WriteBulkEntry(item_handle=batch, value=types.MxValue(double_value=7)),
    ]
    for command, body in (
        ("write_secured_bulk", mx.WriteSecuredBulkCommand),
        ("write_secured2_bulk", mx.WriteSecured2BulkCommand),
    ):
        reply = await client.invoke(
            session,
            **{command: body(server_handle=server, entries=secured, current_user_id=login.user_id)},
        )
        results = reply.bulk_write_results.results
        assert _ok(results) == [True, False], command
        assert results[1].hresult == codes.E_INVALIDARG
    events = await client.collect(
        client.stream(session), lambda ev: sum(e.HasField("on_write_complete") for e in ev) >= 4
    )
    assert sum(e.HasField("on_write_complete") for e in events) == 4


async def test_bad_server_handle_fails_the_whole_bulk_command(client, registered) -> None:
    session, _ = registered
    reply = await client.invoke(
        session, subscribe_bulk=mx.SubscribeBulkCommand(server_handle=42, tag_references=TAGS)
    )
    assert reply.hresult == codes.E_HANDLE
    assert not reply.HasField("subscribe_results")


async def test_bulk_above_the_limit_is_too_many_entries(start_sim, connect) -> None:
    sim = start_sim(max_bulk_entries=3)
    client = connect(sim)
    session = await client.open_session()
    server = await client.register(session)
    reply = await client.invoke(
        session,
        add_item_bulk=mx.AddItemBulkCommand(
            server_handle=server, tag_references=["Tank1.Level"] * 4
        ),
    )
    assert reply.protocol_status.code == mx.PROTOCOL_STATUS_CODE_TOO_MANY_ENTRIES
    assert "at most 3" in reply.protocol_status.message
    ok = await client.invoke(
        session,
        add_item_bulk=mx.AddItemBulkCommand(
            server_handle=server, tag_references=["Tank1.Level"] * 3
        ),
    )
    assert _ok(ok.subscribe_results.results) == [True] * 3


async def _read(client, session, server, *entries):
    reply = await client.invoke(
        session,
        read_bulk=mx.ReadBulkCommand(
            server_handle=server,
            entries=[mx.ReadBulkEntry(tag_reference=t, timeout_ms=ms) for t, ms in entries],
        ),
    )
    assert reply.hresult == 0
    return reply.bulk_read_results.results


async def test_read_bulk_of_advised_tag_is_cached_and_keeps_the_subscription(
    client, registered
) -> None:
    session, server = registered
    item = await client.advise(session, server, "Tank1.Level")
    stream = client.stream(session)
    await client.collect(stream, lambda ev: len(ev) >= 1)
    (cached,) = await _read(client, session, server, ("Tank1.Level", 0))
    assert cached.was_successful and cached.was_cached
    assert cached.quality == 192 and cached.value.WhichOneof("kind") == "double_value"
    later = await client.collect(stream, lambda ev: len(ev) >= 2)
    assert len(client.changes(later, item)) >= 2  # the subscription still delivers


async def test_read_bulk_of_unadvised_tags_reads_fresh_values(client, registered) -> None:
    session, server = registered
    fresh, missing = await _read(client, session, server, ("Pump2.Speed.SP", 0), ("X.Y", 0))
    assert fresh.was_successful and not fresh.was_cached
    assert fresh.value.double_value == 1150.0
    assert not missing.was_successful and missing.hresult == codes.E_NOT_FOUND


async def test_read_bulk_timeout_is_a_per_entry_failure(client, registered) -> None:
    session, server = registered
    started = time.monotonic()
    slow, quick = await _read(
        client, session, server, ("PLC1.RemoteIO.Value", 100), ("Tank1.Capacity", 100)
    )
    assert time.monotonic() - started < 2
    assert not slow.was_successful and slow.hresult == codes.E_TIMEOUT
    assert slow.statuses[0].detail == codes.Detail.READ_TIMEOUT
    assert "100 ms" in slow.error_message
    assert quick.was_successful and quick.value.int32_value == 25000


async def test_read_bulk_of_ten_thousand_tags(start_sim, connect) -> None:
    sim = start_sim(generate_attributes=12_000)
    client = connect(sim)
    session = await client.open_session()
    server = await client.register(session)
    references = [
        f"{o.tag_name}.{a.name}{'[]' if a.is_array else ''}"
        for o in sim.gateway.galaxy.objects
        for a in o.attributes()
    ][:10_000]
    results = await _read(client, session, server, *((r, 0) for r in references))
    assert len(results) == 10_000
    assert all(r.was_successful for r in results)
