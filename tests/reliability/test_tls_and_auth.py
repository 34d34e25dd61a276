"""TLS from the command line with a certificate authority made here, and API-key auth
through the shell's commands: each failure one clear line, nothing changed on the gateway."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mxshell.app.connection import Target
from mxshell.sim import ApiKey, EmbeddedGateway, SimConfig
from mxshell.testing import ShellRunner
from tests.conftest import shell_env
from tests.e2e.conftest import LAUNCH

SERVER_NAME = "gateway.test"
KEY = "mxk-tls-3Jd8Qw"


@dataclass
class Authority:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def make_authority(name: str) -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return Authority(key, cert)


def server_certificate(ca: Authority, *, expired: bool = False) -> tuple[bytes, bytes]:
    """(certificate chain, private key) in PEM for SERVER_NAME, signed by ca."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    start, end = (
        (now - dt.timedelta(days=10), now - dt.timedelta(days=1))
        if expired
        else (
            now - dt.timedelta(days=1),
            now + dt.timedelta(days=1),
        )
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SERVER_NAME)]))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(SERVER_NAME)]), critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), private


@pytest.fixture(scope="module")
def authority() -> Authority:
    return make_authority("mxshell reliability test CA")


def tls_gateway(ca: Authority, *, expired: bool = False) -> EmbeddedGateway:
    chain, private = server_certificate(ca, expired=expired)
    config = SimConfig(
        api_keys=[ApiKey.all_scopes(KEY, name="tls")],
        tls_cert_chain=chain,
        tls_private_key=private,
        update_interval_s=0.1,
    )
    return EmbeddedGateway(config)


@pytest.fixture(scope="module")
def good_tls(authority: Authority) -> Iterator[EmbeddedGateway]:
    with tls_gateway(authority) as gateway:
        yield gateway


def run_shell(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", LAUNCH, *args, "--api-key-env", "MX_KEY", "-c", "status"],
        env=shell_env(tmp_path, MX_KEY=KEY),
        capture_output=True,
        text=True,
        timeout=60,
    )


def ca_file(tmp_path: Path, ca: Authority) -> str:
    path = tmp_path / "ca.pem"
    path.write_bytes(ca.pem())
    return str(path)


def assert_one_clear_line(done: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("cannot connect to 127.0.0.1:"), lines[0]
    assert all(word in lines[0] for word in expected), lines[0]
    assert KEY not in done.stderr + done.stdout


def test_tls_with_the_ca_file_and_a_server_name_override_connects(
    tmp_path: Path, authority: Authority, good_tls: EmbeddedGateway
) -> None:
    done = run_shell(
        tmp_path,
        *("--endpoint", good_tls.endpoint, "--ca-file", ca_file(tmp_path, authority)),
        *("--server-name-override", SERVER_NAME),
    )
    assert done.returncode == 0, done.stderr
    assert "connected" in done.stdout


def test_a_server_signed_by_another_ca_is_one_clear_line_and_a_failure(
    tmp_path: Path, good_tls: EmbeddedGateway
) -> None:
    stranger = make_authority("someone else's CA")
    done = run_shell(
        tmp_path,
        *("--endpoint", good_tls.endpoint, "--ca-file", ca_file(tmp_path, stranger)),
        *("--server-name-override", SERVER_NAME),
    )
    assert_one_clear_line(done, "UNAVAILABLE", "certificate")


def test_an_expired_server_certificate_is_one_clear_line_and_a_failure(
    tmp_path: Path, authority: Authority
) -> None:
    with tls_gateway(authority, expired=True) as expired:
        done = run_shell(
            tmp_path,
            *("--endpoint", expired.endpoint, "--ca-file", ca_file(tmp_path, authority)),
            *("--server-name-override", SERVER_NAME),
        )
    assert_one_clear_line(done, "UNAVAILABLE", "certificate")


def test_a_plaintext_client_against_a_tls_gateway_is_one_clear_line_and_a_failure(
    tmp_path: Path, good_tls: EmbeddedGateway
) -> None:
    done = run_shell(tmp_path, "--endpoint", good_tls.endpoint, "--plaintext")
    assert_one_clear_line(done, "UNAVAILABLE")


# auth ----------------------------------------------------------------------------------

FULL, READER, TANKS = "mxk-full-8Hs2", "mxk-reader-4Ka9", "mxk-tanks-6Pq3"


@pytest.fixture
def keyed_gateway() -> Iterator[EmbeddedGateway]:
    keys = [
        ApiKey.all_scopes(FULL, name="full"),
        ApiKey(READER, frozenset({"session", "read"}), name="reader"),
        ApiKey(TANKS, frozenset({"session", "read", "write"}), ("Tank*.*",), name="tanks"),
    ]
    with EmbeddedGateway(SimConfig(api_keys=keys, update_interval_s=0.05)) as gateway:
        yield gateway


def plant_state(gateway: EmbeddedGateway) -> tuple[object, ...]:
    sim = gateway.gateway
    sessions = sim._mx.sessions.values() if sim._mx else []
    points = sim.runtime.points
    return (
        points["pump1.speed.sp"].value if "pump1.speed.sp" in points else None,
        sum(len(s.items()) for s in sessions),
    )


@pytest.mark.parametrize("key", [None, "mxk-nobody-1Zz0"], ids=["missing", "wrong"])
async def test_a_missing_or_wrong_key_cannot_connect_and_opens_nothing(
    keyed_gateway: EmbeddedGateway, key: str | None
) -> None:
    shell = ShellRunner()
    target = Target(keyed_gateway.endpoint, plaintext=True, api_key=key)
    assert await shell.runtime.start(target) is False
    await shell.runtime.close()
    assert shell.errors.count("\n") == 0
    assert "the gateway refused the API key (UNAUTHENTICATED)" in shell.errors
    assert "mxk-nobody-1Zz0" not in shell.errors
    assert keyed_gateway.gateway.open_session_ids() == []


@pytest.mark.parametrize(
    ("key", "line", "refusal"),
    [
        (READER, "write Pump1.Speed.SP 5", "lacks the 'write' scope"),
        (TANKS, "write Pump1.Speed.SP 5", "PERMISSION_DENIED"),
        # read's one ReadBulk: the refusal is the entry's own (detail 1011), not the call's
        (TANKS, "read Pump1.Speed.SP", "outside this API key's tag constraint (SecurityError"),
        (TANKS, "add-item Tank1.Inlet.Position; advise Tank1.Inlet.Position", "PERMISSION_DENIED"),
    ],
    ids=["missing-scope", "write-outside-globs", "read-outside-globs", "hierarchical-escape"],
)
async def test_a_refused_key_gets_the_right_error_and_changes_nothing(
    keyed_gateway: EmbeddedGateway, key: str, line: str, refusal: str
) -> None:
    async with ShellRunner.connected(keyed_gateway, api_key=FULL) as owner:
        assert (await owner.run("write Pump1.Speed.SP 1.5")).ok
    before = plant_state(keyed_gateway)
    async with ShellRunner.connected(keyed_gateway, api_key=key) as shell:
        result = await shell.run(line)
        assert not result.ok
        message = result.outcomes[-1].describe()
        assert refusal in message and "\n" not in message, message
        assert key not in shell.errors
        assert len(shell.session.items) == 0  # what the command added, it took back
        assert shell.session.connected  # a refusal is no reason to reconnect
        assert plant_state(keyed_gateway) == before
