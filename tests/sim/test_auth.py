"""API keys: authentication, scopes and tag constraints; the secret never leaks."""

from __future__ import annotations

import grpc
import pytest

from mxshell.contract import galaxy, mx
from mxshell.sim import ApiKey, SimConfig, codes
from mxshell.sim.auth import ALL_SCOPES

SECRET = "s3cr3t-key-for-tests"
READER = "reader-key-0123456789"
TANKS = "tanks-only-key-98765"


@pytest.fixture
def keyed_sim(start_sim):
    return start_sim(
        api_keys=[
            ApiKey.all_scopes(SECRET, name="admin"),
            ApiKey(READER, frozenset({"session", "read"}), name="reader"),
            ApiKey(TANKS, frozenset({"session", "read", "write"}), ("tank*.*",), name="tanks"),
        ]
    )


async def _expect(code: grpc.StatusCode, call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call
    assert error.value.code() == code
    for secret in (SECRET, READER, TANKS):
        assert secret not in (error.value.details() or "")
    return error.value


def test_api_key_repr_shows_name_and_scopes_but_never_the_secret() -> None:
    key = ApiKey(SECRET, frozenset({"read"}), ("Tank*",), name="ops")
    assert SECRET not in repr(key) and SECRET not in str(key)
    assert "ops" in repr(key) and "read" in repr(key)
    assert ApiKey.all_scopes("x").scopes == {
        "session",
        "read",
        "write",
        "write-secured",
        "metadata:read",
    }


async def test_missing_key_is_unauthenticated(keyed_sim, connect) -> None:
    client = connect(keyed_sim)
    error = await _expect(
        grpc.StatusCode.UNAUTHENTICATED, client.mx.OpenSession(mx.OpenSessionRequest())
    )
    assert "missing" in error.details()


async def test_unknown_key_is_unauthenticated(keyed_sim, connect) -> None:
    client = connect(keyed_sim, key="not-a-key-we-know")
    error = await _expect(
        grpc.StatusCode.UNAUTHENTICATED,
        client.mx.OpenSession(mx.OpenSessionRequest(), metadata=client.metadata),
    )
    assert "not-a-key-we-know" not in error.details()


async def test_unknown_key_on_galaxy_service_is_unauthenticated(keyed_sim, connect) -> None:
    client = connect(keyed_sim, key="wrong")
    await _expect(
        grpc.StatusCode.UNAUTHENTICATED,
        client.galaxy.TestConnection(galaxy.TestConnectionRequest(), metadata=client.metadata),
    )


async def test_missing_scope_is_permission_denied(keyed_sim, connect) -> None:
    reader = connect(keyed_sim, key=READER)
    session = await reader.open_session()
    server = await reader.register(session)
    item = await reader.add_item(session, server, "Pump1.Speed.SP")
    error = await _expect(
        grpc.StatusCode.PERMISSION_DENIED,
        reader.invoke(session, write=mx.WriteCommand(server_handle=server, item_handle=item)),
    )
    assert "'write'" in error.details()
    await _expect(
        grpc.StatusCode.PERMISSION_DENIED,
        reader.invoke(session, authenticate_user=mx.AuthenticateUserCommand(server_handle=server)),
    )
    await _expect(
        grpc.StatusCode.PERMISSION_DENIED,
        reader.galaxy.GetLastDeployTime(
            galaxy.GetLastDeployTimeRequest(), metadata=reader.metadata
        ),
    )


async def test_tag_outside_constraint_is_permission_denied_for_one_tag(keyed_sim, connect) -> None:
    tanks = connect(keyed_sim, key=TANKS)
    session = await tanks.open_session()
    server = await tanks.register(session)
    assert await tanks.add_item(session, server, "TANK1.Level") >= 1  # globs ignore case
    error = await _expect(
        grpc.StatusCode.PERMISSION_DENIED,
        tanks.invoke(
            session, add_item=mx.AddItemCommand(server_handle=server, tag_reference="Pump1.Speed")
        ),
    )
    assert "Pump1.Speed" in error.details()


async def test_hierarchical_name_cannot_escape_the_constraint(keyed_sim, connect) -> None:
    tanks = connect(keyed_sim, key=TANKS)
    session = await tanks.open_session()
    server = await tanks.register(session)
    # Tank1.Inlet is Valve101: the glob matches the name given but not the real tag.
    await _expect(
        grpc.StatusCode.PERMISSION_DENIED,
        tanks.invoke(
            session,
            add_item=mx.AddItemCommand(server_handle=server, tag_reference="Tank1.Inlet.Position"),
        ),
    )


async def test_item_of_another_key_outside_constraint_is_denied(keyed_sim, connect) -> None:
    admin, tanks = connect(keyed_sim, key=SECRET), connect(keyed_sim, key=TANKS)
    session = await admin.open_session()
    server = await admin.register(session)
    item = await admin.add_item(session, server, "Pump1.Speed.SP")
    await _expect(
        grpc.StatusCode.PERMISSION_DENIED,
        tanks.invoke(session, advise=mx.AdviseCommand(server_handle=server, item_handle=item)),
    )


async def test_tag_outside_constraint_fails_per_entry_in_bulk(keyed_sim, connect) -> None:
    tanks = connect(keyed_sim, key=TANKS)
    session = await tanks.open_session()
    server = await tanks.register(session)
    reply = await tanks.invoke(
        session,
        subscribe_bulk=mx.SubscribeBulkCommand(
            server_handle=server, tag_references=["Tank1.Level", "Pump1.Speed", "Tank2.Level"]
        ),
    )
    assert reply.hresult == 0
    ok, denied, ok2 = reply.subscribe_results.results
    assert ok.was_successful and ok2.was_successful
    assert not denied.was_successful
    assert denied.hresult == codes.E_ACCESSDENIED
    assert denied.statuses[0].category == codes.Category.SECURITY_ERROR
    assert "constraint" in denied.error_message and TANKS not in denied.error_message
    reply = await tanks.invoke(
        session,
        read_bulk=mx.ReadBulkCommand(
            server_handle=server, entries=[mx.ReadBulkEntry(tag_reference="Pump1.Speed")]
        ),
    )
    assert reply.bulk_read_results.results[0].statuses[0].category == codes.Category.SECURITY_ERROR


async def test_health_check_needs_no_key(keyed_sim, connect) -> None:
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    client = connect(keyed_sim)
    stub = health_pb2_grpc.HealthStub(client.channel)
    reply = await stub.Check(health_pb2.HealthCheckRequest(service=""))
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


def test_a_generated_key_never_reads_as_a_command_line_option() -> None:
    # One in 64 random keys started with `-`: `mxshell --api-key -x…` then failed.
    keys = [ApiKey.generated() for _ in range(2000)]
    assert not [k.key for k in keys if k.key.startswith("-")]
    assert len({k.key for k in keys}) == 2000 and keys[0].scopes == ALL_SCOPES
    assert SimConfig().api_keys[0].name == "generated"
