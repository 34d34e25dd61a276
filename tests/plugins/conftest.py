"""A plugin host with the core plugin, fake shell services, and small plugins that break."""

from __future__ import annotations

from typing import Any

import mxshell_plugins.core as core
import pytest

from mxshell.commands import CommandContext, Dispatcher
from mxshell.plugins import PluginHost


class FakeConnection:
    """A ConnectionControl that records what it was asked."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.state = "disconnected"

    async def connect(self, endpoint: str | None = None, **options: Any) -> None:
        if endpoint == "nonsense":
            raise ValueError("endpoint 'nonsense' is not host:port (for example localhost:5000)")
        self.calls.append(("connect", (endpoint, options)))
        self.state = "connected"

    async def disconnect(self) -> bool:
        self.calls.append(("disconnect", None))
        self.state = "disconnected"
        return True

    async def reconnect(self) -> dict[str, Any]:
        self.calls.append(("reconnect", None))
        return {"state": "connected", "restored_items": 2}

    def status(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "endpoint": "localhost:5000",
            "capabilities": ["bulk-read-commands"],
            "advised_items": 0,
            "events_received": 0,
        }


class FakeHistory:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def entries(self) -> list[str]:
        return list(self.lines)


@pytest.fixture
def notes() -> list[str]:
    return []


@pytest.fixture
def host(notes: list[str]) -> PluginHost:
    host = PluginHost(notes.append)
    host.add_plugin(core, "core", version="0.1.0")
    return host


@pytest.fixture
def connection() -> FakeConnection:
    return FakeConnection()


@pytest.fixture
def context(host: PluginHost, connection: FakeConnection, notes: list[str]) -> CommandContext:
    return host.new_context(
        notify=notes.append,
        services={"connection": connection, "history": FakeHistory(["help", "status"])},
    )


@pytest.fixture
def dispatcher(context: CommandContext) -> Dispatcher:
    return Dispatcher(context)
