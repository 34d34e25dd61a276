"""Fixtures for plugin tests: a plugin host with the core plugin and fake shell services,
small plugins that break, and shells on simulated gateways for the MXAccess family."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import mxshell_plugins.core as core
import pytest

from mxshell.app.plugin_host import PluginHost
from mxshell.commands import CommandContext, Dispatcher, Services
from mxshell.gateway import GatewayClient, Session
from mxshell.sim import ApiKey, EmbeddedGateway, SimConfig
from mxshell.sim.auth import ALL_SCOPES
from mxshell.testing import ShellRunner
from tests.conftest import FAST_TICK


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

    async def disconnect(self, close: bool = False) -> bool:
        self.calls.append(("disconnect", None))
        self.state = "disconnected"
        return True

    async def attach(self, session_id: str) -> None:
        self.calls.append(("attach", session_id))
        self.state = "connected"

    def deploy_simulator(self) -> None:
        return None  # not a simulated gateway

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
        services=Services(connection=connection, history=FakeHistory(["help", "status"])),
    )


@pytest.fixture
def dispatcher(context: CommandContext) -> Dispatcher:
    return Dispatcher(context)


# The MXAccess family against simulated gateways ---------------------------------------

READER_KEY = "reader-key-0123456789"  # scopes session + read
TANKS_KEY = "tanks-key-0123456789"  # every scope, but only Tank*.* tags


@pytest.fixture
async def mx_shell(gateway: EmbeddedGateway) -> AsyncIterator[ShellRunner]:
    """A shell on the shared gateway (tests that leave the plant as they found it)."""
    async with ShellRunner.connected(gateway) as shell:
        yield shell


@pytest.fixture
async def own_shell(fresh_gateway: EmbeddedGateway) -> AsyncIterator[ShellRunner]:
    """A shell on a gateway of the test's own (writes, restarts)."""
    async with ShellRunner.connected(fresh_gateway) as shell:
        yield shell


@pytest.fixture
def restricted_gateway() -> Iterator[EmbeddedGateway]:
    """A gateway with a read-only key and a key constrained to Tank*.* tags."""
    keys = [
        ApiKey(key=READER_KEY, scopes=frozenset({"session", "read"}), name="reader"),
        ApiKey(key=TANKS_KEY, scopes=ALL_SCOPES, tag_globs=("Tank*.*",), name="tanks"),
    ]
    with EmbeddedGateway(SimConfig(update_interval_s=0.05, api_keys=keys)) as running:
        yield running


def held_by_gateway(gateway: EmbeddedGateway, session_id: str) -> list[tuple[str, bool]]:
    """What the simulated gateway itself holds for a session: (tag, advised) per item."""

    async def look() -> list[tuple[str, bool]]:
        session = gateway.gateway._mx.sessions[session_id]  # noqa: SLF001 - the sim's own state
        return sorted(
            (item.reference, bool(item.advised))
            for registration in session.registrations.values()
            for item in registration.items.values()
        )

    return gateway.run(look)


def invoked_by_gateway(gateway: EmbeddedGateway, session_id: str) -> dict[str, int]:
    """The Invoke calls the simulated gateway received in a session, by command field."""

    async def look() -> dict[str, int]:
        session = gateway.gateway._mx.sessions[session_id]  # noqa: SLF001 - the sim's own state
        return dict(session.invoked)

    return gateway.run(look)


@pytest.fixture(scope="module")
def older_gateway() -> Iterator[EmbeddedGateway]:
    """A gateway that offers no bulk reads: read takes the item path there."""
    config = SimConfig(update_interval_s=FAST_TICK, capabilities=("batched-events",))
    with EmbeddedGateway(config) as running:
        yield running


@dataclass
class Reader:
    gateway: EmbeddedGateway
    shell: ShellRunner
    method: str  # the call a tag the session holds no item of is read with


@pytest.fixture(params=["ReadBulk", "AddItem"])
async def reader(
    request: pytest.FixtureRequest, gateway: EmbeddedGateway, older_gateway: EmbeddedGateway
) -> AsyncIterator[Reader]:
    """A shell on a gateway with bulk reads (one ReadBulk) and on one without (add,
    advise, wait, unadvise, remove): read's rows and errors are the same on both."""
    sim = gateway if request.param == "ReadBulk" else older_gateway
    async with ShellRunner.connected(sim) as shell:
        yield Reader(sim, shell, request.param)


@pytest.fixture
async def theirs(fresh_gateway: EmbeddedGateway) -> AsyncIterator[Session]:
    """A session another client opened on the gateway, with the same key."""
    async with (
        await GatewayClient.connect(
            fresh_gateway.endpoint, fresh_gateway.api_key, plaintext=True
        ) as other,
        await other.open_session("other-client") as opened,
    ):
        yield opened
