"""TLS: a private CA through ca_file, a server name override, and no silent downgrade."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mxshell.gateway import GatewayClient, UnavailableError
from mxshell.sim import EmbeddedGateway

from .conftest import KEYS, TlsMaterial, sim_config


@pytest.fixture(scope="module")
def tls_sim(tls_material: TlsMaterial) -> Iterator[EmbeddedGateway]:
    config = sim_config(
        tls_cert_chain=tls_material.cert_chain_pem, tls_private_key=tls_material.private_key_pem
    )
    gateway = EmbeddedGateway(config).start()
    try:
        yield gateway
    finally:
        gateway.stop()


@pytest.fixture
def ca_file(tmp_path: Path, tls_material: TlsMaterial) -> str:
    path = tmp_path / "ca.pem"
    path.write_bytes(tls_material.ca_pem)
    return str(path)


async def test_tls_with_a_ca_file_and_a_server_name_override(
    tls_sim: EmbeddedGateway, ca_file: str, tls_material: TlsMaterial
) -> None:
    async with await GatewayClient.connect(
        tls_sim.endpoint,
        KEYS.full,
        ca_file=ca_file,
        server_name_override=tls_material.server_name,
        timeout=10,
    ) as client:
        assert client.options.tls
        async with await client.open_session("tls") as session:
            assert await session.register("tls") > 0
        assert await client.galaxy().test_connection()


async def test_the_certificate_name_must_match_without_an_override(
    tls_sim: EmbeddedGateway, ca_file: str
) -> None:
    # The certificate names gateway.test, not 127.0.0.1.
    async with await GatewayClient.connect(tls_sim.endpoint, KEYS.full, ca_file=ca_file) as client:
        with pytest.raises(UnavailableError, match="UNAVAILABLE"):
            await client.open_session("tls")


async def test_a_server_signed_by_an_unknown_ca_is_refused(
    tls_sim: EmbeddedGateway, tls_material: TlsMaterial
) -> None:
    async with await GatewayClient.connect(
        tls_sim.endpoint, KEYS.full, server_name_override=tls_material.server_name
    ) as client:  # system roots only
        with pytest.raises(UnavailableError):
            await client.open_session("tls")


async def test_plaintext_against_a_tls_gateway_fails_rather_than_downgrading(
    tls_sim: EmbeddedGateway,
) -> None:
    async with await GatewayClient.connect(tls_sim.endpoint, KEYS.full, plaintext=True) as client:
        with pytest.raises(UnavailableError):
            await client.open_session("plaintext")


async def test_tls_against_a_plaintext_gateway_fails(sim: EmbeddedGateway) -> None:
    with pytest.raises(UnavailableError, match=r"could not connect to 127\.0\.0\.1:\d+ within"):
        await GatewayClient.connect(sim.endpoint, KEYS.full, timeout=1)


async def test_an_unreadable_ca_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read CA file"):
        await GatewayClient.connect("127.0.0.1:1", ca_file=str(tmp_path / "missing.pem"))
