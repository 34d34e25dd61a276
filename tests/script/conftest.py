"""Command files run by the one runner against the simulated gateway over a socket."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mxshell.commands import Settings
from mxshell.script.runner import ScriptRun
from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner


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
