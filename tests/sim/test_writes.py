"""Writes: completion events, fan-out, type checks and security classifications."""

from __future__ import annotations

import math

import pytest

from mxshell.contract import mx, types
from mxshell.sim import codes
from mxshell.sim.codes import Category, Detail


def _double(v: float) -> types.MxValue:
    return types.MxValue(double_value=v)


async def _write(client, session, server, item, value, **extra):
    return await client.invoke(
        session, write=mx.WriteCommand(server_handle=server, item_handle=item, value=value, **extra)
    )


async def test_write_completes_and_every_advising_session_sees_the_value(client) -> None:
    writer, watcher = await client.open_session(), await client.open_session()
    w_server, o_server = await client.register(writer), await client.register(watcher)
    w_item = await client.advise(writer, w_server, "Pump1.Speed.SP")
    o_item = await client.advise(watcher, o_server, "pump1.speed.sp")
    reply = await _write(client, writer, w_server, w_item, _double(1450.5))
    assert reply.hresult == 0 and reply.statuses[0].success == 1
    mine = await client.collect(client.stream(writer), lambda ev: len(ev) >= 3)
    complete = [e.on_write_complete for e in mine if e.HasField("on_write_complete")]
    assert (complete[0].server_handle, complete[0].item_handle) == (w_server, w_item)
    assert complete[0].statuses[0].success == 1
    assert client.changes(mine, w_item)[-1].value.double_value == 1450.5
    theirs = await client.collect(client.stream(watcher), lambda ev: len(ev) >= 2)
    assert [c.value.double_value for c in client.changes(theirs, o_item)] == [1200.0, 1450.5]


async def test_write2_uses_the_given_timestamp(client, registered) -> None:
    session, server = registered
    item = await client.advise(session, server, "Tank1.Notes")
    stamp = types.MxValue(timestamp_value={"seconds": 1_700_000_000}).timestamp_value
    reply = await client.invoke(
        session,
        write2=mx.Write2Command(
            server_handle=server,
            item_handle=item,
            value=types.MxValue(string_value="checked"),
            timestamp=stamp,
        ),
    )
    assert reply.hresult == 0
    events = await client.collect(client.stream(session), lambda ev: len(ev) >= 3)
    last = client.changes(events, item)[-1]
    assert last.value.string_value == "checked"
    assert last.timestamp.seconds == 1_700_000_000


async def test_integer_written_to_a_double_is_coerced(client, registered) -> None:
    session, server = registered
    item = await client.add_item(session, server, "Pump1.Speed.SP")
    reply = await _write(client, session, server, item, types.MxValue(int32_value=900))
    assert reply.hresult == 0


@pytest.mark.parametrize(
    ("tag", "value"),
    [
        ("Tank1.Capacity", types.MxValue(string_value="abc")),  # Integer
        ("Tank1.Mode", types.MxValue(bool_value=True)),  # String: no bool -> string
        ("Pump1.Cmd", types.MxValue(int32_value=1)),  # Boolean takes bool only
        ("Pump1.Speed.SP", types.MxValue(double_array=types.DoubleArray(values=[1.0]))),
        ("Pump1.Speed.SP", types.MxValue()),  # VT_EMPTY
    ],
)
async def test_wrong_value_type_is_refused(client, registered, tag, value) -> None:
    session, server = registered
    item = await client.add_item(session, server, tag)
    reply = await _write(client, session, server, item, value)
    assert reply.hresult == codes.E_INVALIDARG
    assert reply.statuses[0].category == Category.OPERATIONAL_ERROR
    assert reply.statuses[0].detail == Detail.TYPE_MISMATCH


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
async def test_non_finite_numbers_are_refused(client, registered, number) -> None:
    session, server = registered
    item = await client.add_item(session, server, "Pump1.Speed.SP")
    reply = await _write(client, session, server, item, _double(number))
    assert reply.hresult == codes.E_INVALIDARG
    assert reply.statuses[0].detail == Detail.NOT_FINITE


async def test_view_only_attribute_refuses_writes(client, registered) -> None:
    session, server = registered
    item = await client.add_item(session, server, "Tank1.Level")
    reply = await _write(client, session, server, item, _double(50))
    assert reply.hresult == codes.E_ACCESSDENIED
    assert reply.statuses[0].category == Category.SECURITY_ERROR
    assert reply.statuses[0].detail == Detail.VIEW_ONLY


async def test_secured_write_attribute_refuses_plain_write(client, registered) -> None:
    session, server = registered
    item = await client.add_item(session, server, "Tank1.BatchId")
    reply = await _write(client, session, server, item, types.MxValue(string_value="B-2"))
    assert reply.statuses[0].category == Category.SECURITY_ERROR
    assert reply.statuses[0].detail == Detail.SECURED_WRITE_REQUIRED


async def test_write_secured_without_authenticated_user_is_refused(client, registered) -> None:
    session, server = registered
    item = await client.add_item(session, server, "Tank1.BatchId")
    reply = await client.invoke(
        session,
        write_secured=mx.WriteSecuredCommand(
            server_handle=server,
            item_handle=item,
            value=types.MxValue(string_value="B-2"),
            current_user_id=1,
        ),
    )
    assert reply.statuses[0].detail == Detail.USER_NOT_AUTHENTICATED


async def test_authenticate_user_with_wrong_password_fails(client, registered) -> None:
    session, server = registered
    reply = await client.invoke(
        session,
        authenticate_user=mx.AuthenticateUserCommand(
            server_handle=server, user_name="operator", password="guess"
        ),
    )
    assert reply.hresult == codes.E_LOGON_FAILURE
    assert reply.statuses[0].category == Category.SECURITY_ERROR
    assert "guess" not in reply.protocol_status.message


async def test_write_secured_with_authenticated_user_succeeds(client, registered) -> None:
    session, server = registered
    user = await client.login(session, server, "operator")
    item = await client.advise(session, server, "Tank1.BatchId")
    reply = await client.invoke(
        session,
        write_secured=mx.WriteSecuredCommand(
            server_handle=server,
            item_handle=item,
            value=types.MxValue(string_value="B-2"),
            current_user_id=user,
        ),
    )
    assert reply.hresult == 0
    events = await client.collect(client.stream(session), lambda ev: len(ev) >= 3)
    assert client.changes(events, item)[-1].value.string_value == "B-2"


async def test_verified_write_needs_a_different_authenticated_verifier(client, registered) -> None:
    session, server = registered
    operator = await client.login(session, server, "operator")
    supervisor = await client.login(session, server, "supervisor")
    item = await client.add_item(session, server, "Pump1.Interlock.Bypass")
    bypass = types.MxValue(bool_value=True)

    async def secured(current: int, verifier: int) -> mx.InvokeResponse:
        return await client.invoke(
            session,
            write_secured2=mx.WriteSecured2Command(
                server_handle=server,
                item_handle=item,
                value=bypass,
                current_user_id=current,
                verifier_user_id=verifier,
            ),
        )

    plain = await _write(client, session, server, item, bypass)
    assert plain.statuses[0].detail == Detail.VERIFIED_WRITE_REQUIRED
    without = await secured(operator, 0)
    assert without.statuses[0].detail == Detail.VERIFIED_WRITE_REQUIRED
    same = await secured(operator, operator)
    assert same.statuses[0].detail == Detail.VERIFIED_WRITE_REQUIRED
    assert "different" in same.protocol_status.message
    assert (await secured(operator, supervisor)).hresult == 0


async def test_supervisory_advise_bypasses_secured_write_only(client, registered) -> None:
    session, server = registered
    secured = await client.add_item(session, server, "Tank1.BatchId")
    verified = await client.add_item(session, server, "Tank1.DrainValve.Open")
    for item in (secured, verified):
        await client.invoke(
            session,
            advise_supervisory=mx.AdviseSupervisoryCommand(server_handle=server, item_handle=item),
        )
    ok = await _write(client, session, server, secured, types.MxValue(string_value="B-9"))
    assert ok.hresult == 0
    refused = await _write(client, session, server, verified, types.MxValue(bool_value=True))
    assert refused.statuses[0].detail == Detail.VERIFIED_WRITE_REQUIRED


async def test_written_setpoint_is_held(client, registered) -> None:
    session, server = registered
    item = await client.add_item(session, server, "Valve105.Position.SP")
    assert (await _write(client, session, server, item, _double(33.0))).hresult == 0
    reply = await client.invoke(
        session,
        read_bulk=mx.ReadBulkCommand(
            server_handle=server, entries=[mx.ReadBulkEntry(tag_reference="Valve105.Position.SP")]
        ),
    )
    assert reply.bulk_read_results.results[0].value.double_value == 33.0
