"""Lines and command files of random words, run by a shell with every installed plugin
against a simulated gateway: each command ends ok or with one clear line, never a crash."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mxshell.commands import CANCELLED, FAILED, OK, USAGE
from mxshell.sim import EmbeddedGateway, SimConfig
from mxshell.testing import ShellRunner

from .conftest import fuzz_settings

# Commands that neither wait on a clock, leave the shell, touch files nor reconnect.
COMMANDS = [
    "add-item", "remove-item", "advise", "advise-supervisory", "unadvise", "items", "read",
    "register", "unregister", "write", "write2", "write-secured", "authenticate-user",
    "status", "help", "echo", "set", "show", "alias", "version", "plugins", "nosuch",
]  # fmt: skip
WORDS = [
    "Tank1.Level", "Pump1.Speed.SP", "Tank1.BatchId", "Tank1.Level[]", "Pump1._Attributes",
    "Nope.Nothing", "lvl", "#1", "1", "0", "-1", "--as", "--type", "double", "int32[]",
    "bytes", "string", "[1,2]", "1e400", "nan", "-inf", "true", "--timestamp",
    "2026-01-31T12:00:00Z", "--user", "operator", "--server-handle", "99999999999",
    "--password-env", "NO_SUCH_VAR", "--timeout", "0.2s", "--", "output", "json", "'a b'",
    '"', "'", "\\", "$", "${x}", "${ENV:NOPE}", "é", "\x00", "\u202e",
]  # fmt: skip
SEPARATORS = [" ", " ", " ", ";", "\n", " # ", "\t"]
lines = st.lists(
    st.sampled_from(COMMANDS)
    | st.sampled_from(WORDS)
    | st.sampled_from(SEPARATORS)
    | st.text(max_size=5),
    max_size=14,
).map("".join)
LINE_TIMEOUT_S = 30


@pytest.fixture(scope="module")
def shell() -> Iterator[tuple[asyncio.AbstractEventLoop, ShellRunner]]:
    loop = asyncio.new_event_loop()
    with EmbeddedGateway(SimConfig(update_interval_s=0.1)) as gateway:
        context = ShellRunner.connected(gateway)
        runner = loop.run_until_complete(context.__aenter__())
        runner.context.settings.stop_on_error = False
        try:
            yield loop, runner
        finally:
            loop.run_until_complete(context.__aexit__(None, None, None))
            loop.close()


def run(shell: tuple[asyncio.AbstractEventLoop, ShellRunner], work: Any) -> Any:
    loop, _ = shell
    return loop.run_until_complete(asyncio.wait_for(work, LINE_TIMEOUT_S))


@fuzz_settings(400)
@given(line=lines)
def test_any_line_of_commands_ends_in_clean_outcomes(
    shell: tuple[asyncio.AbstractEventLoop, ShellRunner], line: str
) -> None:
    _, runner = shell
    runner.context.settings.output = "table"
    result = run(shell, runner.run(line))
    for outcome in result.outcomes:
        assert outcome.status in (OK, FAILED, USAGE, CANCELLED)
        if not outcome.ok:
            assert outcome.traceback is None, outcome.traceback  # a crash, not a refusal
            assert outcome.error and "\n" not in outcome.error
    assert runner.session.connected


@fuzz_settings(60)
@given(text=st.lists(lines, max_size=6).map("\n".join) | st.text(max_size=80))
def test_any_command_file_runs_to_a_status_and_names_its_failures(
    shell: tuple[asyncio.AbstractEventLoop, ShellRunner], text: str
) -> None:
    _, runner = shell
    runner.context.settings.output = "table"
    marker = len(runner.err)
    outcome = run(shell, runner.runtime.scripts.run_text(text, "fuzz.mxsh"))
    assert outcome.status in (0, 1, 2)
    for line in runner.err[marker:]:
        assert "Traceback" not in line and "plugin" not in line.split(":")[0], line
    runner.context.exit_requested = False
    assert runner.session.connected
