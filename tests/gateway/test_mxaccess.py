"""Every MXAccess command through the Session helpers, against the simulated gateway."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from mxshell.contract import mx
from mxshell.gateway import (
    GatewayClient,
    MxAccessError,
    Session,
    SessionNotFoundError,
    from_mx_value,
)
from mxshell.gateway.status import CATEGORY_SECURITY_ERROR, hresult_failed

SETPOINT = "Pump1.Speed.SP"  # Double, Operate
NOTES = "Tank1.Notes"  # String, FreeAccess
SECURED = "Tank1.BatchId"  # String, SecuredWrite
VERIFIED = "Tank1.DrainValve.Open"  # Boolean, VerifiedWrite


async def read_value(session: Session, server_handle: int, tag: str) -> object:
    [result] = await session.read_bulk(server_handle, [tag])
    assert result.was_successful, result.error_message
    return from_mx_value(result.value)


async def test_register_returns_a_server_handle_and_unregister_releases_it(
    session: Session,
) -> None:
    handle = await session.register("first")
    other = await session.register("second")
    assert handle > 0 and other > 0 and other != handle
    await session.unregister(handle)
    with pytest.raises(MxAccessError, match=r"AddItem failed: HRESULT 0x80070006 \(E_HANDLE\)"):
        await session.add_item(handle, SETPOINT)
    assert await session.add_item(other, SETPOINT) > 0


async def test_add_item_returns_an_item_handle_and_remove_item_releases_it(
    session: Session, server_handle: int
) -> None:
    item = await session.add_item(server_handle, SETPOINT)
    assert item > 0
    await session.remove_item(server_handle, item)
    with pytest.raises(MxAccessError, match="Advise failed") as caught:
        await session.advise(server_handle, item)
    assert caught.value.command == "Advise"


async def test_advise_supervisory_and_unadvise(session: Session, server_handle: int) -> None:
    first = await session.add_item(server_handle, "Tank1.Level")
    second = await session.add_item(server_handle, "Tank1.Temperature")
    await session.advise(server_handle, first)
    await session.advise_supervisory(server_handle, second)
    await session.unadvise(server_handle, first)
    await session.unadvise(server_handle, second)
    with pytest.raises(MxAccessError, match="UnAdvise failed"):
        await session.unadvise(server_handle, 987654)


async def test_write_then_read_back(session: Session, server_handle: int) -> None:
    item = await session.add_item(server_handle, SETPOINT)
    await session.write(server_handle, item, 1234.5)
    assert await read_value(session, server_handle, SETPOINT) == 1234.5


async def test_write2_carries_a_timestamp(session: Session, server_handle: int) -> None:
    item = await session.add_item(server_handle, NOTES)
    moment = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)
    await session.write2(server_handle, item, "checked by write2", moment)
    [result] = await session.read_bulk(server_handle, [NOTES])
    assert from_mx_value(result.value) == "checked by write2"
    assert result.timestamp.ToDatetime(tzinfo=UTC) == moment


async def test_unknown_tag_is_an_mxaccess_error_with_a_legible_message(
    session: Session, server_handle: int
) -> None:
    with pytest.raises(MxAccessError) as caught:
        await session.add_item(server_handle, "NoSuchObject.Level")
    error = caught.value
    assert hresult_failed(error.hresult)
    assert error.reply is not None and error.statuses and error.statuses[0].success == 0
    text = str(error)
    assert text.startswith("AddItem failed: HRESULT 0x")
    assert "ConfigurationError, detected by" in text
    assert "NoSuchObject.Level" in text


async def test_bad_item_handle_is_an_mxaccess_error(session: Session, server_handle: int) -> None:
    with pytest.raises(MxAccessError, match=r"Write failed: HRESULT 0x80070006 \(E_HANDLE\)"):
        await session.write(server_handle, 4242, 1.0)


async def test_bad_server_handle_is_an_mxaccess_error(session: Session) -> None:
    with pytest.raises(MxAccessError, match="E_HANDLE.*OperationalError"):
        await session.add_item(31337, SETPOINT)


async def test_wrong_value_type_is_an_mxaccess_error(session: Session, server_handle: int) -> None:
    item = await session.add_item(server_handle, SETPOINT)
    with pytest.raises(MxAccessError) as caught:
        await session.write(server_handle, item, "fast please")
    assert "E_INVALIDARG" in str(caught.value)
    assert "OperationalError" in str(caught.value)


async def test_nan_is_refused_before_the_wire(sim_down_session: Session) -> None:
    # The session's channel leads nowhere: reaching the wire would raise UnavailableError.
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError, match="NaN or infinity"):
            await sim_down_session.write(1, 1, bad)
    with pytest.raises(ValueError, match="NaN or infinity"):
        await sim_down_session.write2(1, 1, [1.0, math.nan], datetime.now(UTC))
    with pytest.raises(ValueError, match="write entry 1: .*NaN or infinity"):
        await sim_down_session.write_bulk(1, [(1, 2.0), (2, math.nan)])


async def test_write_to_a_secured_attribute_without_credentials_is_refused(
    session: Session, server_handle: int
) -> None:
    item = await session.add_item(server_handle, SECURED)
    with pytest.raises(MxAccessError) as caught:
        await session.write(server_handle, item, "B-9999")
    assert any(status.category == CATEGORY_SECURITY_ERROR for status in caught.value.statuses)
    assert "SecurityError" in str(caught.value)


async def test_authenticate_user_then_write_secured(session: Session, server_handle: int) -> None:
    item = await session.add_item(server_handle, SECURED)
    user_id = await session.authenticate_user(server_handle, "operator", "operator1")
    assert user_id > 0
    await session.write_secured(server_handle, item, "B-2001", current_user_id=user_id)
    assert await read_value(session, server_handle, SECURED) == "B-2001"
    moment = datetime(2025, 4, 2, 10, 0, tzinfo=UTC)
    await session.write_secured2(server_handle, item, "B-2002", moment, current_user_id=user_id)
    assert await read_value(session, server_handle, SECURED) == "B-2002"


async def test_verified_write_needs_a_verifier(session: Session, server_handle: int) -> None:
    item = await session.add_item(server_handle, VERIFIED)
    operator = await session.authenticate_user(server_handle, "operator", "operator1")
    supervisor = await session.authenticate_user(server_handle, "supervisor", "supervisor1")
    with pytest.raises(MxAccessError, match="SecurityError"):
        await session.write_secured(server_handle, item, True, current_user_id=operator)
    await session.write_secured(
        server_handle, item, True, current_user_id=operator, verifier_user_id=supervisor
    )
    assert await read_value(session, server_handle, VERIFIED) is True
    await session.write_secured(
        server_handle, item, False, current_user_id=operator, verifier_user_id=supervisor
    )


async def test_a_wrong_password_never_appears_in_the_error(
    session: Session, server_handle: int
) -> None:
    password = "Tr0ub4dor&3-not-the-password"
    with pytest.raises(MxAccessError) as caught:
        await session.authenticate_user(server_handle, "operator", password)
    error = caught.value
    assert "AuthenticateUser failed" in str(error)
    for text in (str(error), repr(error), *map(str, error.args), str(error.reply)):
        assert password not in text


async def test_invoke_raw_leaves_mxaccess_failures_in_the_reply(
    session: Session, server_handle: int
) -> None:
    command = mx.AddItemCommand(server_handle=server_handle, tag_reference="NoSuchObject.Level")
    reply = await session.invoke_raw(command)
    assert reply.protocol_status.code == mx.PROTOCOL_STATUS_CODE_OK
    assert hresult_failed(reply.hresult)
    assert [status.success for status in reply.statuses] == [0]
    client_reply = await session.client.invoke_raw(session.session_id, command)
    assert hresult_failed(client_reply.hresult)
    with pytest.raises(MxAccessError, match="AddItem failed"):
        await session.invoke(command)


async def test_invoke_returns_the_checked_reply(session: Session, server_handle: int) -> None:
    reply = await session.invoke(
        mx.InvokeRequest(
            add_item=mx.AddItemCommand(server_handle=server_handle, tag_reference=NOTES)
        )
    )
    assert reply.WhichOneof("result") == "handle" and reply.handle > 0
    assert reply.correlation_id  # filled in by the client, echoed by the gateway


async def test_a_closed_session_is_session_not_found(client: GatewayClient) -> None:
    session = await client.open_session("short-lived")
    await session.register("short-lived")
    await session.close()
    assert session.closed
    await session.close()  # idempotent
    with pytest.raises(SessionNotFoundError, match="NOT_FOUND"):
        await session.register("again")
    with pytest.raises(SessionNotFoundError):
        await client.close_session(session.session_id)


async def test_closing_a_session_the_gateway_forgot_is_quiet(client: GatewayClient) -> None:
    session = await client.open_session("forgotten")
    await client.close_session(session.session_id)
    await session.close()
    assert session.closed
