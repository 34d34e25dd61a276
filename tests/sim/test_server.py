"""The server around the services: reflection, health, TLS, and the two ways to run it."""

from __future__ import annotations

import datetime
import ipaddress
import time

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from mxshell.contract import GALAXY_SERVICE, MX_SERVICE, mx, mx_grpc
from mxshell.sim import ApiKey, EmbeddedGateway, SimConfig, SimulatedGateway


def _self_signed() -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


async def test_reflection_lists_both_services(client) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(client.channel)
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    async for reply in stub.ServerReflectionInfo(iter([request])):
        names = {s.name for s in reply.list_services_response.service}
        break
    assert {MX_SERVICE, GALAXY_SERVICE, "grpc.reflection.v1alpha.ServerReflection"} <= names


async def test_reflection_describes_a_service_as_grpcurl_asks(client) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(client.channel)
    request = reflection_pb2.ServerReflectionRequest(file_containing_symbol=MX_SERVICE)
    # Read the stream to its end (the server ends it after the one request): leaving it
    # half-read let gRPC's teardown drop a queued write ('Queue.put' never awaited).
    replies = [reply async for reply in stub.ServerReflectionInfo(iter([request]))]
    files = replies[0].file_descriptor_response.file_descriptor_proto
    assert len(replies) == 1 and any(b"MxAccessGateway" in f for f in files)


@pytest.mark.parametrize("service", ["", MX_SERVICE, GALAXY_SERVICE])
async def test_health_check_reports_serving(client, service) -> None:
    stub = health_pb2_grpc.HealthStub(client.channel)
    reply = await stub.Check(health_pb2.HealthCheckRequest(service=service))
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def test_tls_gateway_serves_tls_only(start_sim) -> None:
    cert, key = _self_signed()
    sim = start_sim(tls_cert_chain=cert, tls_private_key=key)
    credentials = grpc.ssl_channel_credentials(root_certificates=cert)
    async with grpc.aio.secure_channel(sim.endpoint, credentials) as channel:
        reply = await mx_grpc.MxAccessGatewayStub(channel).OpenSession(
            mx.OpenSessionRequest(), metadata=(("authorization", f"Bearer {sim.api_key}"),)
        )
        assert reply.session_id
    async with grpc.aio.insecure_channel(sim.endpoint) as plain:
        with pytest.raises(grpc.aio.AioRpcError) as error:
            await mx_grpc.MxAccessGatewayStub(plain).OpenSession(mx.OpenSessionRequest(), timeout=2)
        assert error.value.code() == grpc.StatusCode.UNAVAILABLE


def test_config_defaults_and_generated_key() -> None:
    config = SimConfig()
    (key,) = config.keys
    assert key.scopes == ApiKey.all_scopes("x").scopes and len(key.key) >= 24
    assert key.key != SimConfig().keys[0].key
    assert key.key not in repr(config) and "operator1" not in repr(config)
    assert config.users is None  # the model file's users table, else DEFAULT_USERS
    with pytest.raises(ValueError):
        SimConfig(tls_cert_chain=b"only half")


def test_embedded_gateway_starts_fast_and_runs_work_on_its_loop() -> None:
    started = time.monotonic()
    with EmbeddedGateway() as sim:
        assert time.monotonic() - started < 0.5
        assert sim.endpoint == f"127.0.0.1:{sim.port}" and sim.port > 0
        assert sim.api_key == sim.config.keys[0].key

        async def sessions() -> list[str]:
            return sim.gateway.open_session_ids()

        assert sim.run(sessions) == []
        assert sim.run(sessions()) == []
        assert sim.deploy(add=1).sequence == 2
    with pytest.raises(RuntimeError):
        sim.run(sessions)


async def test_simulated_gateway_runs_on_the_callers_loop() -> None:
    gateway = SimulatedGateway(SimConfig(update_interval_s=0.05))
    await gateway.start()
    try:
        assert gateway.serving and gateway.endpoint.endswith(f":{gateway.port}")
        async with grpc.aio.insecure_channel(gateway.endpoint) as channel:
            reply = await mx_grpc.MxAccessGatewayStub(channel).OpenSession(
                mx.OpenSessionRequest(),
                metadata=(("authorization", f"Bearer {gateway.config.keys[0].key}"),),
            )
        assert gateway.open_session_ids() == [reply.session_id]
        event = await gateway.deploy(add=2, remove=1)
        assert event.sequence == 2 and event.time_of_last_deploy_present
    finally:
        await gateway.stop()
    assert not gateway.serving and gateway.open_session_ids() == []


def test_port_in_use_is_an_error(sim) -> None:
    with pytest.raises(RuntimeError):
        EmbeddedGateway(SimConfig(port=sim.port)).start()
