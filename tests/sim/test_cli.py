"""The mxshell-sim console script, run as a real subprocess."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from mxshell.contract import mx, mx_grpc
from mxshell.sim.cli import main

_SCRIPT = Path(sys.executable).with_name("mxshell-sim")
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "mxshell.sim.cli"]


class Running:
    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [*COMMAND, "--port", "0", "--update-interval", "0.1", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )
        assert self.process.stdout is not None
        self.banner = self.process.stdout.readline()
        match = re.search(r"listening on (\S+)", self.banner)
        assert match, self.banner + self.process.stderr.read()  # type: ignore[union-attr]
        self.endpoint = match[1]
        self.key_line = (
            self.process.stdout.readline()
            if "--keys-file" not in args and ("--api-key-env" not in args)
            else ""
        )

    def stop(self, signum: int) -> tuple[int, str]:
        self.process.send_signal(signum)
        out, _ = self.process.communicate(timeout=15)
        return self.process.returncode, out


@pytest.fixture
def running() -> Iterator[list[Running]]:
    started: list[Running] = []
    yield started
    for run in started:
        if run.process.poll() is None:
            run.process.kill()
            run.process.communicate()


def _open_session(endpoint: str, key: str) -> str:
    with grpc.insecure_channel(endpoint) as channel:
        return (
            mx_grpc.MxAccessGatewayStub(channel)
            .OpenSession(
                mx.OpenSessionRequest(), metadata=(("authorization", f"Bearer {key}"),), timeout=5
            )
            .session_id
        )


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_cli_serves_until_signalled_and_stops_cleanly(running, signum) -> None:
    run = Running()
    running.append(run)
    key = run.key_line.rsplit(" ", 1)[-1].strip()
    assert "shown once" in run.key_line and len(key) >= 24
    with grpc.insecure_channel(run.endpoint) as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(), timeout=5
        )
    assert reply.status == health_pb2.HealthCheckResponse.SERVING
    assert _open_session(run.endpoint, key)
    code, out = run.stop(signum)
    assert code == 0
    assert "stopped" in out


def test_cli_takes_the_key_from_an_environment_variable(running) -> None:
    run = Running("--api-key-env", "SIM_TEST_KEY", env={"SIM_TEST_KEY": "env-key-123"})
    running.append(run)
    assert _open_session(run.endpoint, "env-key-123")
    assert run.stop(signal.SIGTERM)[0] == 0


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_cli_reads_a_keys_file(running, tmp_path, suffix) -> None:
    path = tmp_path / f"keys{suffix}"
    if suffix == ".json":
        path.write_text(
            json.dumps(
                [{"key": "file-key-1", "scopes": ["session"], "tag_globs": ["*"], "name": "a"}]
            )
        )
    else:
        path.write_text(
            '[[keys]]\nkey = "file-key-1"\nscopes = ["session"]\ntag_globs = ["*"]\nname = "a"\n'
        )
    run = Running("--keys-file", str(path))
    running.append(run)
    assert "file-key-1" not in run.banner
    assert _open_session(run.endpoint, "file-key-1")
    assert run.stop(signal.SIGINT)[0] == 0


def test_cli_reports_bad_input_in_one_line(tmp_path, capsys) -> None:
    assert main(["--api-key-env", "SURELY_NOT_SET_ANYWHERE_42"]) == 2
    assert "SURELY_NOT_SET_ANYWHERE_42" in capsys.readouterr().err
    bad = tmp_path / "keys.json"
    bad.write_text(json.dumps([{"key": "k", "scopes": ["everything"], "tag_globs": ["*"]}]))
    assert main(["--keys-file", str(bad)]) == 2
    assert "unknown scope 'everything'" in capsys.readouterr().err
    assert main(["--model", str(tmp_path / "missing.json"), "--port", "0"]) == 2
    assert "missing.json" in capsys.readouterr().err
