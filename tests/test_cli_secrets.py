"""Keys on the command line: no abbreviated options, no echoed values, a warning."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mxshell.sim import EmbeddedGateway
from tests.conftest import shell_env
from tests.test_cli import run_cli

KEY = "SECRETKEY123"


@pytest.mark.parametrize(
    "argv",
    [
        ["--api-ke", KEY],
        ["--api", KEY],
        ["--api-key-e", KEY],
        [f"--api-kee={KEY}"],
        ["--endpoint", "127.0.0.1:1", "--plaintext", "--api-ke", KEY, "-c", "status"],
    ],
)
def test_an_abbreviated_or_unknown_option_is_refused_without_echoing_its_value(
    tmp_path: Path, argv: list[str]
) -> None:
    run = run_cli(tmp_path, *argv)
    assert run.returncode == 2
    assert run.stderr.startswith("mxshell: unknown option --api"), run.stderr
    assert run.stderr.count("\n") == 1
    assert KEY not in run.stdout + run.stderr


@pytest.mark.parametrize("argv", [["--api-key-e", KEY], ["--api-key", KEY], [f"--keys={KEY}"]])
def test_the_simulator_takes_no_abbreviated_option_and_echoes_no_value(
    tmp_path: Path, argv: list[str]
) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mxshell.sim.cli", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env=shell_env(tmp_path),
    )
    assert run.returncode == 2
    assert "unknown option --" in run.stderr.splitlines()[-1]
    assert KEY not in run.stdout + run.stderr


def test_api_key_on_the_command_line_connects_warns_once_and_is_never_printed(
    tmp_path: Path, fresh_gateway: EmbeddedGateway
) -> None:
    key = fresh_gateway.api_key
    assert key
    run = run_cli(
        tmp_path,
        "--endpoint",
        fresh_gateway.endpoint,
        "--plaintext",
        "--api-key",
        key,
        "-c",
        f"status; echo {key}; read Pump1.Speed.SP",
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("visible to other users") == 1
    assert "--api-key-env" in run.stderr
    assert "Pump1.Speed.SP" in run.stdout
    assert key not in run.stdout + run.stderr


def test_api_key_and_api_key_env_together_are_a_usage_error(tmp_path: Path) -> None:
    run = run_cli(tmp_path, "--api-key", KEY, "--api-key-env", "VAR", "-c", "status")
    assert run.returncode == 2
    assert KEY not in run.stdout + run.stderr


@pytest.mark.parametrize(
    ("ca_file", "says"),
    [
        ("/dev/zero", "larger than 1 MiB"),
        (__file__, "is not PEM"),
        ("/no/such/ca.pem", "cannot read"),
    ],
)
def test_a_ca_file_that_is_not_pem_is_one_line_and_exit_2_before_anything_starts(
    tmp_path: Path, ca_file: str, says: str
) -> None:
    run = run_cli(tmp_path, "--endpoint", "127.0.0.1:1", "--ca-file", ca_file, "-c", "status")
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and says in run.stderr, run.stderr
    assert run.stdout == ""


@pytest.mark.parametrize("option", ["--tls-cert", "--tls-key"])
def test_the_simulator_refuses_a_tls_file_that_is_not_pem_in_one_line(
    tmp_path: Path, option: str
) -> None:
    pem = tmp_path / "other.pem"
    pem.write_text("-----BEGIN X-----\n")
    pem.chmod(0o600)
    files = {"--tls-cert": pem, "--tls-key": pem, option: Path("/dev/zero")}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mxshell.sim.cli",
            "--port",
            "0",
            "--tls-cert",
            str(files["--tls-cert"]),
            "--tls-key",
            str(files["--tls-key"]),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=shell_env(tmp_path),
    )
    assert run.returncode == 2
    assert run.stderr.splitlines()[-1].startswith("mxshell-sim: error: TLS")
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("endpoint", "loopback"),
    [
        ("127.0.0.1:5000", True),
        ("127.8.9.10:1", True),
        ("[::1]:50051", True),
        ("localhost:50051", True),
        ("plant-gw01:5001", False),
        ("10.20.30.40:5001", False),
        ("[fe80::1]:5001", False),
    ],
)
def test_loopback_endpoints_are_told_from_remote_ones(endpoint: str, loopback: bool) -> None:
    from mxshell.gateway.channel import is_loopback

    assert is_loopback(endpoint) is loopback


def test_plaintext_with_a_key_to_a_remote_host_warns_once_and_never_names_the_key() -> None:
    # Only the options are built: nothing is sent anywhere.
    from mxshell.app.connection import ConnectionController, Target

    said: list[str] = []
    controller = ConnectionController(said.append)
    remote = Target("plant-gw01:5001", plaintext=True, api_key=KEY)
    for _ in range(3):
        controller._options_for(remote)
    controller._options_for(Target("127.0.0.1:5001", plaintext=True, api_key=KEY))
    controller._options_for(Target("plant-gw01:5001", tls=True, api_key=KEY))
    assert len(said) == 1 and "plant-gw01:5001" in said[0] and "unencrypted" in said[0]
    assert KEY not in said[0]


@pytest.mark.parametrize("spelling", ["--password", "--api_key", "--api_key=", "--plantApiKey"])
@pytest.mark.parametrize("mode", ["-c", "-f", "stdin", "--json"])
def test_a_mistyped_secret_option_is_never_echoed_by_a_usage_error(
    tmp_path: Path, spelling: str, mode: str
) -> None:
    secret = "HUNTER2-typed"
    word = f"{spelling}{secret}" if spelling.endswith("=") else f"{spelling} {secret}"
    line = f"status {word}"
    if mode == "-f":
        script = tmp_path / "check.mxsh"
        script.write_text(line + "\n")
        run = run_cli(tmp_path, "-f", str(script))
    elif mode == "stdin":
        run = run_cli(tmp_path, stdin=line + "\n")
    else:
        run = run_cli(tmp_path, *(["--json"] if mode == "--json" else []), "-c", line)
    assert run.returncode == 2 if mode in ("-f", "stdin") else run.returncode in (1, 2)
    assert f"unknown option {spelling.rstrip('=')}" in run.stdout + run.stderr
    assert secret not in run.stdout + run.stderr


@pytest.mark.parametrize("reference", ["$1", "${1}"])
def test_a_file_argument_used_as_a_key_is_masked_from_the_first_line_on(
    tmp_path: Path, reference: str
) -> None:
    script = tmp_path / "connect.mxsh"
    script.write_text(
        f"echo the key is {reference}\nconnect 127.0.0.1:1 --plaintext --api-key {reference}\n"
    )
    for extra in ([], ["--json"]):
        run = run_cli(tmp_path, *extra, "-f", str(script), "ARGKEY-777")
        assert run.returncode == 1
        assert "the key is <redacted>" in run.stdout
        assert "ARGKEY-777" not in run.stdout + run.stderr


def test_session_id_on_the_command_line_attaches_and_leaves_the_session_open(
    tmp_path: Path, fresh_gateway: EmbeddedGateway
) -> None:
    import asyncio
    import json

    from mxshell.gateway import GatewayClient

    async def open_one() -> str:
        client = await GatewayClient.connect(
            fresh_gateway.endpoint, fresh_gateway.api_key, plaintext=True
        )
        session = await client.open_session("opened-elsewhere")
        await client.close()  # the gateway session stays open
        return session.session_id

    session_id = asyncio.run(open_one())
    run = run_cli(
        tmp_path,
        "--endpoint",
        fresh_gateway.endpoint,
        "--plaintext",
        "--api-key-env",
        "SIM_KEY",
        "--session-id",
        session_id,
        "--json",
        "-c",
        "status",
        SIM_KEY=fresh_gateway.api_key,
    )
    assert run.returncode == 0, run.stderr
    status = json.loads(run.stdout.splitlines()[-1])["result"]
    assert (status["session_id"], status["attached"]) == (session_id, True)
    assert session_id in fresh_gateway.gateway._mx.sessions  # noqa: SLF001 - left open
