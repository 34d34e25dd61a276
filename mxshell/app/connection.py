"""Connecting the shell to a gateway: the embedded simulator, or a real endpoint.

`ConnectionController` owns the PersistentSession the commands work through, and is
what the `connect`, `disconnect`, `reconnect` and `status` commands drive.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from mxshell.gateway import ChannelOptions, GatewayError
from mxshell.gateway.channel import is_loopback
from mxshell.session import Backoff, PersistentSession
from mxshell.sim import EmbeddedGateway, SimConfig

SessionChanged = Callable[["PersistentSession | None", "PersistentSession | None"], Awaitable[None]]


class ConnectError(ValueError):
    """The connection settings cannot be used (the message is for the user)."""


@dataclass(frozen=True)
class Target:
    """Where to connect. endpoint None means the embedded simulated gateway."""

    endpoint: str | None = None
    plaintext: bool = False
    tls: bool = False
    ca_file: str | None = None
    server_name_override: str | None = None
    api_key_env: str | None = None
    api_key: str | None = field(default=None, repr=False)  # typed at `connect --api-key`
    session_id: str | None = None  # attach to a session another client opened

    def __post_init__(self) -> None:
        if self.plaintext and self.tls:
            raise ConnectError("--tls and --plaintext cannot be used together")
        if self.endpoint is None and (self.tls or self.ca_file or self.server_name_override):
            raise ConnectError("TLS options need --endpoint (the embedded gateway is local)")
        if self.plaintext and (self.ca_file or self.server_name_override):
            raise ConnectError("--ca-file and --server-name-override need TLS, not --plaintext")

    def resolve_api_key(self) -> str | None:
        if self.api_key is not None:
            return self.api_key
        if self.api_key_env is None:
            return None
        value = os.environ.get(self.api_key_env)
        if not value:
            raise ConnectError(f"environment variable {self.api_key_env} is not set or empty")
        return value


class ConnectionController:
    """Opens, replaces and closes the shell's PersistentSession."""

    def __init__(
        self,
        notify: Callable[[str], None],
        on_change: SessionChanged | None = None,
        backoff: Backoff | None = None,
        sim_config: SimConfig | None = None,
    ) -> None:
        self.notify = notify
        self.on_change = on_change
        self.backoff = backoff
        self.sim_config = sim_config
        self.session: PersistentSession | None = None
        self.embedded: EmbeddedGateway | None = None
        self.target: Target | None = None
        self._warned_plaintext: set[str] = set()

    async def connect(self, endpoint: str | None = None, **options: Any) -> dict[str, Any]:
        """The `connect` command's entry: endpoint None is the embedded gateway."""
        await self.connect_to(Target(endpoint=endpoint, **options))
        return self.status()

    async def connect_to(self, target: Target) -> PersistentSession:
        """Connect to target, replacing any current connection once the new one works."""
        options = self._options_for(target)
        session = PersistentSession(
            options, notify=self.notify, backoff=self.backoff, attach_to=target.session_id
        )
        try:
            await session.open()
        except GatewayError:
            if target.endpoint is None:
                self._stop_embedded()
            raise
        previous, self.session, self.target = self.session, session, target
        if previous is not None:
            await previous.close()
        if target.endpoint is not None:
            self._stop_embedded()
        if self.on_change is not None:
            await self.on_change(previous, session)
        return session

    def _options_for(self, target: Target) -> ChannelOptions:
        if target.endpoint is None:
            if self.embedded is None:
                self.embedded = EmbeddedGateway(self.sim_config or SimConfig()).start()
            return ChannelOptions(
                self.embedded.endpoint, api_key=self.embedded.api_key, plaintext=True
            )
        api_key = target.resolve_api_key()
        if api_key and target.plaintext and not is_loopback(target.endpoint):
            self._warn_plaintext(target.endpoint)
        return ChannelOptions(
            target.endpoint,
            api_key=api_key,
            plaintext=target.plaintext,
            ca_file=target.ca_file,
            server_name_override=target.server_name_override,
        )

    def _warn_plaintext(self, endpoint: str) -> None:
        if endpoint in self._warned_plaintext:
            return
        self._warned_plaintext.add(endpoint)
        self.notify(
            f"warning: --plaintext to {endpoint} sends the API key unencrypted over the "
            "network; anyone on the path can read it (use TLS off this machine)"
        )

    async def attach(self, session_id: str) -> dict[str, Any]:
        """The `attach` command: the same gateway, another client's session."""
        if self.target is None:
            raise ConnectError("not connected to a gateway; use connect first")
        await self.connect_to(replace(self.target, session_id=session_id))
        return self.status()

    async def disconnect(self, close: bool = False) -> bool:
        """Close the session; False when there was none. A session this shell attached to
        is left open on the gateway unless `close`."""
        previous, self.session = self.session, None
        if previous is None:
            return False
        await previous.close(close_attached=close)
        if self.on_change is not None:
            await self.on_change(previous, None)
        return True

    async def reconnect(self) -> Any:
        if self.session is None:
            if self.target is None:
                raise ConnectError("not connected to a gateway; use connect")
            return await self.connect_to(self.target)
        return await self.session.reconnect()

    def status(self) -> dict[str, Any]:
        if self.session is None:
            return {"state": "disconnected", "endpoint": None, "embedded": False}
        status = self.session.status()
        status["embedded"] = self.target is not None and self.target.endpoint is None
        return status

    async def close(self) -> None:
        await self.disconnect()
        self._stop_embedded()

    def deploy_simulator(self) -> Callable[[int, int], Any] | None:
        """The `deploy(add, remove)` of the simulated gateway this shell is connected to
        (its embedded one, or one of this process's serving at the endpoint), or None
        against a real gateway. Command families reach the simulator only through this."""
        if self.session is None:
            return None
        endpoint = self.session.endpoint
        if self.embedded is not None and self.embedded.endpoint == endpoint:
            return self.embedded.deploy
        found = EmbeddedGateway.serving_at(endpoint)
        return found.deploy if found is not None else None

    def _stop_embedded(self) -> None:
        if self.embedded is not None:
            self.embedded.stop()
            self.embedded = None
