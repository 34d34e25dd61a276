"""Command files run by the one runner against the simulated gateway over a socket."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mxshell.commands import Settings
from mxshell.script.runner import ScriptRun
from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner
from tests.conftest import shell_env


@pytest.fixture
async def shell(gateway: EmbeddedGateway) -> AsyncIterator[ShellRunner]:
    async with ShellRunner.connected(gateway) as runner:
        yield runner


@pytest.fixture
async def json_shell(gateway: EmbeddedGateway) -> AsyncIterator[ShellRunner]:
    async with ShellRunner.connected(gateway, Settings(output="json")) as runner:
        yield runner


async def run_file(
    shell: ShellRunner, tmp_path: Path, text: str, *args: str, name: str = "check.mxsh"
) -> ScriptRun:
    path = tmp_path / name
    path.write_text(text)
    return await shell.runtime.scripts.run_file(path, args)


def printed(shell: ShellRunner) -> list[str]:
    """What the run printed on stdout, line by line."""
    return [line for text in shell.out for line in text.splitlines()]


def json_lines(shell: ShellRunner) -> list[dict]:
    """Every stdout line of a --json run, each parsed with json.loads, but the run's
    closing summary object (checked to be there, and last)."""
    *objects, summary = [json.loads(line) for line in printed(shell)]
    assert set(summary) == {"summary"}, summary
    assert all("summary" not in o for o in objects)
    return objects


LAUNCH = "import sys; from mxshell.app.cli import main; sys.exit(main())"


def launch(
    tmp_path: Path, endpoint: str, key: str, *args: str, key_variable: str = "MX_KEY"
) -> subprocess.Popen[str]:
    """The console script in a process of its own, connected to `endpoint` (plaintext,
    the key through an environment variable), stdin closed: as CI runs it."""
    return subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "--endpoint", endpoint, "--plaintext"]
        + ["--api-key-env", key_variable, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=shell_env(tmp_path, **{key_variable: key}),
    )


def wait_for_line(child: subprocess.Popen[str], wanted: str, timeout: float = 30.0) -> None:
    """Read the child's stdout up to the line `wanted`."""
    assert child.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = child.stdout.readline()
        if line.strip() == wanted:
            return
        assert line or child.poll() is None, "the shell ended before it got there"
    raise AssertionError(f"no {wanted!r} within {timeout:g} s")
