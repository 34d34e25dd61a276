"""Sessions, handles and MXAccess-style failures of the single commands."""

from __future__ import annotations

import grpc
import pytest

from mxshell.contract import mx
from mxshell.sim import codes

OK = mx.PROTOCOL_STATUS_CODE_OK


async def test_open_session_reports_capabilities_and_bulk_limit(client, sim) -> None:
    reply = await client.mx.OpenSession(
        mx.OpenSessionRequest(client_session_name="t"), metadata=client.metadata
    )
    assert reply.session_id in sim.gateway.open_session_ids()
    assert {"bulk-read-commands", "bulk-write-commands"} <= set(reply.capabilities)
    assert reply.max_bulk_entries == sim.config.max_bulk_entries
    assert reply.gateway_version.startswith("mxshell-sim")


async def test_handles_are_small_integers_starting_at_one(client) -> None:
    session = await client.open_session()
    assert await client.register(session) == 1
    assert await client.register(session) == 2
    assert await client.add_item(session, 1, "Tank1.Level") == 1
    assert await client.add_item(session, 1, "Tank1.Level.HiHi") == 2
    assert await client.add_item(session, 2, "Pump1.Running") == 1


async def test_successful_reply_has_ok_status_and_echoes_correlation_id(client, registered) -> None:
    session, server = registered
    request = mx.InvokeRequest(
        session_id=session,
        correlation_id="corr-42",
        add_item=mx.AddItemCommand(server_handle=server, tag_reference="Tank1.Level"),
    )
    reply = await client.mx.Invoke(request, metadata=client.metadata)
    assert reply.correlation_id == "corr-42"
    assert reply.protocol_status.code == OK
    assert reply.hresult == 0
    assert [(s.success, s.category) for s in reply.statuses] == [(1, 0)]


async def test_unknown_tag_is_a_configuration_error(client, registered) -> None:
    session, server = registered
    reply = await client.invoke(
        session, add_item=mx.AddItemCommand(server_handle=server, tag_reference="NoSuchTank.Level")
    )
    assert reply.protocol_status.code == OK
    assert reply.hresult == codes.E_NOT_FOUND < 0
    (status,) = reply.statuses
    assert (status.success, status.category, status.detail) == (
        0,
        codes.Category.CONFIGURATION_ERROR,
        codes.Detail.UNKNOWN_TAG,
    )
    assert "NoSuchTank.Level" in reply.protocol_status.message
    assert reply.correlation_id


async def test_unknown_attribute_of_a_known_object_is_an_unknown_tag(client, registered) -> None:
    session, server = registered
    reply = await client.invoke(
        session,
        add_item=mx.AddItemCommand(server_handle=server, tag_reference="Tank1.NoSuchAttribute"),
    )
    assert reply.hresult == codes.E_NOT_FOUND


async def test_bad_server_handle_is_an_operational_error(client) -> None:
    session = await client.open_session()
    reply = await client.invoke(
        session, add_item=mx.AddItemCommand(server_handle=7, tag_reference="Tank1.Level")
    )
    assert reply.hresult == codes.E_HANDLE
    assert reply.statuses[0].category == codes.Category.OPERATIONAL_ERROR
    assert reply.statuses[0].detail == codes.Detail.BAD_SERVER_HANDLE


async def test_bad_item_handle_is_an_operational_error(client, registered) -> None:
    session, server = registered
    for command in (
        {"advise": mx.AdviseCommand(server_handle=server, item_handle=99)},
        {"remove_item": mx.RemoveItemCommand(server_handle=server, item_handle=99)},
        {"write": mx.WriteCommand(server_handle=server, item_handle=99)},
    ):
        reply = await client.invoke(session, **command)
        assert reply.hresult == codes.E_HANDLE, command
        assert reply.statuses[0].detail == codes.Detail.BAD_ITEM_HANDLE


async def test_removed_item_handle_is_no_longer_valid(client, registered) -> None:
    session, server = registered
    item = await client.add_item(session, server, "Tank1.Level")
    reply = await client.invoke(
        session, remove_item=mx.RemoveItemCommand(server_handle=server, item_handle=item)
    )
    assert reply.hresult == 0
    reply = await client.invoke(
        session, advise=mx.AdviseCommand(server_handle=server, item_handle=item)
    )
    assert reply.hresult == codes.E_HANDLE


async def test_unregister_releases_its_items(client, registered) -> None:
    session, server = registered
    item = await client.add_item(session, server, "Tank1.Level")
    reply = await client.invoke(session, unregister=mx.UnregisterCommand(server_handle=server))
    assert reply.hresult == 0
    reply = await client.invoke(
        session, advise=mx.AdviseCommand(server_handle=server, item_handle=item)
    )
    assert reply.hresult == codes.E_HANDLE
    assert reply.statuses[0].detail == codes.Detail.BAD_SERVER_HANDLE


async def test_invoke_without_a_command_is_an_invalid_request(client) -> None:
    session = await client.open_session()
    reply = await client.invoke(session)
    assert reply.protocol_status.code == mx.PROTOCOL_STATUS_CODE_INVALID_REQUEST
    assert reply.correlation_id


@pytest.mark.parametrize("call", ["invoke", "stream", "close"])
async def test_unknown_session_is_not_found(client, call) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        if call == "invoke":
            await client.invoke("no-such-session", register=mx.RegisterCommand())
        elif call == "stream":
            async for _ in client.stream("no-such-session"):
                pass
        else:
            await client.mx.CloseSession(
                mx.CloseSessionRequest(session_id="no-such-session"), metadata=client.metadata
            )
    assert error.value.code() == grpc.StatusCode.NOT_FOUND
    assert error.value.details() == "session not found"


async def test_closed_session_is_gone(client, sim) -> None:
    session = await client.open_session()
    await client.mx.CloseSession(
        mx.CloseSessionRequest(session_id=session), metadata=client.metadata
    )
    assert session not in sim.gateway.open_session_ids()
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await client.register(session)
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


async def test_tag_lookup_ignores_case(client, registered) -> None:
    session, server = registered
    assert await client.add_item(session, server, "tank1.LEVEL.hihi") >= 1


async def test_hierarchical_names_and_whole_array_suffix_resolve(client, registered) -> None:
    session, server = registered
    assert await client.add_item(session, server, "Tank1.Inlet.Position") >= 1  # Valve101
    assert await client.add_item(session, server, "Tank1.LevelTrend[]") >= 1
    reply = await client.invoke(
        session, add_item=mx.AddItemCommand(server_handle=server, tag_reference="Tank1.Level[]")
    )  # not an array
    assert reply.hresult == codes.E_NOT_FOUND
