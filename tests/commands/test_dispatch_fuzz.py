"""Any text at all, fed to the dispatcher with the core commands loaded, ends in clean
Outcomes: ok or failed, each with a one-line message, never an escaped exception."""

from __future__ import annotations

import asyncio
from typing import Any

import mxshell_plugins.core as core
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mxshell.app.plugin_host import PluginHost
from mxshell.commands import CANCELLED, FAILED, OK, USAGE, Dispatcher, Outcome, Services, Settings


class FakeConnection:
    current = "default"
    names = ["default"]

    async def connect(self, endpoint: str | None = None, **options: Any) -> None:
        if endpoint and ":" not in endpoint:
            raise ValueError(f"endpoint {endpoint!r} is not host:port")

    def session_of(self, name: str) -> None:
        raise ValueError(f"no connection named {name!r}")

    async def use(self, name: str) -> None:
        raise ValueError(f"no connection named {name!r}")

    async def disconnect(self, close: bool = False, name: str | None = None) -> bool:
        return True

    def rows(self) -> list[dict[str, Any]]:
        return []

    def deploy_simulator(self) -> None:
        return None  # not a simulated gateway

    async def reconnect(self) -> None:
        return None

    def status(self, name: str | None = None) -> dict[str, Any]:
        return {"state": "connected", "endpoint": "localhost:5000"}


class FakeHistory:
    def entries(self) -> list[str]:
        return ["help", "status"]


COMMAND_WORDS = [
    "help",
    "exit",
    "quit",
    "echo",
    "sleep",
    "version",
    "plugins",
    "set",
    "show",
    "alias",
    "history",
    "connect",
    "disconnect",
    "use",
    "connections",
    "reconnect",
    "status",
    "nosuch",
]
OTHER_WORDS = [
    "output",
    "json",
    "table",
    "timestamps",
    "utc",
    "debug",
    "on",
    "off",
    "history_size",
    "-1",
    "0",
    "0.001",
    "1e309",
    "nan",
    "--help",
    "-h",
    "--remove",
    "--api-key",
    "k",
    "--plaintext",
    "--tls",
    "localhost:1",
    "bad",
    "Tank1.Level",
    "--",
    "-",
    "''",
    '"a b"',
    "x=y",
    "$var",
    "\\",
    "é",
    "\x00",
]
SEPARATORS = [" ", " ", " ", ";", "; ", " # ", "\n", "'", '"', "\t"]

structured_lines = st.lists(
    st.one_of(
        st.sampled_from(COMMAND_WORDS),
        st.sampled_from(OTHER_WORDS),
        st.sampled_from(SEPARATORS),
        st.text(max_size=6),
    ),
    max_size=12,
).map("".join)

lines = st.one_of(st.text(max_size=60), structured_lines)


def make_dispatcher() -> Dispatcher:
    host = PluginHost()
    host.add_plugin(core, "core")
    context = host.new_context(
        settings=Settings(stop_on_error=False),
        notify=lambda text: None,
        services=Services(connection=FakeConnection(), history=FakeHistory()),
    )
    return Dispatcher(context)


async def run(line: str) -> list[Outcome]:
    return await asyncio.wait_for(make_dispatcher().run_line(line), timeout=5)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=lines)
def test_every_line_ends_in_clean_outcomes(line: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(core, "MAX_SLEEP_S", 0.01)  # keep `sleep N` from sleeping for real
        outcomes = asyncio.run(run(line))
    assert isinstance(outcomes, list)
    for outcome in outcomes:
        assert isinstance(outcome, Outcome)
        assert outcome.status in (OK, FAILED, USAGE, CANCELLED)
        assert outcome.ok == (outcome.status == OK)
        if not outcome.ok:
            assert outcome.error and "\n" not in outcome.error
            assert outcome.traceback is None, outcome.traceback  # core never crashes
