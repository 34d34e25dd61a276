"""Fixtures for the client library's tests: simulated gateways on loopback, keys, clients."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest

from mxshell.contract import mx
from mxshell.gateway import GatewayClient, Session
from mxshell.sim import ApiKey, EmbeddedGateway, SimConfig

ALL_SCOPES = frozenset({"session", "read", "write", "write-secured", "metadata:read"})
# Bulk commands above this size are split by Session; kept small so the tests exercise it.
MAX_BULK_ENTRIES = 8


@dataclass(frozen=True)
class Keys:
    """The API keys the test gateways accept (secrets: no test text may contain one)."""

    full: str = "gwtest-full-3b6f0c9a1d2e4f58"
    read_only: str = "gwtest-readonly-7c1e9b2a4d6f8e03"
    tank_only: str = "gwtest-tankonly-5a8d2f1c7e9b4a60"
    no_metadata: str = "gwtest-nometa-9e4c1a7b3f5d2c81"

    def all(self) -> tuple[str, ...]:
        return (self.full, self.read_only, self.tank_only, self.no_metadata)


KEYS = Keys()


def sim_config(**overrides: object) -> SimConfig:
    settings: dict[str, object] = {
        "api_keys": [
            ApiKey(KEYS.full, scopes=ALL_SCOPES, name="full"),
            ApiKey(KEYS.read_only, scopes=frozenset({"session", "read"}), name="read-only"),
            ApiKey(
                KEYS.tank_only,
                scopes=frozenset({"session", "read", "write"}),
                tag_globs=("Tank1.*",),
                name="tank-only",
            ),
            ApiKey(KEYS.no_metadata, scopes=ALL_SCOPES - {"metadata:read"}, name="no-metadata"),
        ],
        "update_interval_s": 0.05,
        "max_bulk_entries": MAX_BULK_ENTRIES,
    }
    settings.update(overrides)
    return SimConfig(**settings)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def keys() -> Keys:
    return KEYS


@pytest.fixture(scope="session")
def sim() -> Iterator[EmbeddedGateway]:
    """One simulated gateway per test worker, for tests that leave it as they found it."""
    gateway = EmbeddedGateway(sim_config()).start()
    try:
        yield gateway
    finally:
        gateway.stop()


@pytest.fixture
def own_sim() -> Iterator[EmbeddedGateway]:
    """A gateway of the test's own, for deploys and faults."""
    gateway = EmbeddedGateway(sim_config()).start()
    try:
        yield gateway
    finally:
        gateway.stop()


@pytest.fixture
async def client(sim: EmbeddedGateway) -> AsyncIterator[GatewayClient]:
    async with await GatewayClient.connect(sim.endpoint, KEYS.full, plaintext=True) as opened:
        yield opened


@pytest.fixture
async def session(client: GatewayClient) -> AsyncIterator[Session]:
    async with await client.open_session("gateway-tests") as opened:
        yield opened


@pytest.fixture
async def server_handle(session: Session) -> int:
    return await session.register("gateway-tests")


@pytest.fixture
async def sim_down_session() -> AsyncIterator[Session]:
    """A Session whose channel leads to a closed port: anything reaching the wire fails."""
    async with await GatewayClient.connect("127.0.0.1:1", plaintext=True) as unreachable:
        yield Session(unreachable, mx.OpenSessionResponse(session_id="offline"))


@dataclass(frozen=True)
class TlsMaterial:
    ca_pem: bytes
    cert_chain_pem: bytes
    private_key_pem: bytes
    server_name: str


@pytest.fixture(scope="session")
def tls_material() -> TlsMaterial:
    """A throwaway CA and a server certificate it signed, for the name gateway.test only."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mxshell test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gateway.test")]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("gateway.test")]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    return TlsMaterial(
        ca_pem=ca_cert.public_bytes(pem),
        cert_chain_pem=server_cert.public_bytes(pem),
        private_key_pem=server_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        server_name="gateway.test",
    )
