"""Connecting the shell to gateways: the embedded simulator, or real endpoints.

`ConnectionController` owns the shell's named connections (the first, unnamed one is
`default`), each a PersistentSession that reconnects on its own, and which one is
current: the one unqualified tag references and the plugin API's `ctx.session` reach.
It is what `connect`, `use`, `connections`, `disconnect`, `reconnect` and `status` drive.
"""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from mxshell.gateway import ChannelOptions
from mxshell.gateway.channel import is_loopback
from mxshell.session import Backoff, EventListener, PersistentSession
from mxshell.sim import EmbeddedGateway, SimConfig

SessionChanged = Callable[["PersistentSession | None", "PersistentSession | None"], Awaitable[None]]
# A named connection opened (its session) or closed (None): the shell follows its events.
LinkChanged = Callable[[str, "PersistentSession | None"], None]
# Makes the listener for one connection's session, given its name and the session.
LinkListener = Callable[[str, PersistentSession], EventListener]

DEFAULT = "default"
# A connection's name: what a qualified reference `NAME:Tag.Attr` starts with.
NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")


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
            raise ConnectError("TLS options need a HOST:PORT (the embedded gateway is local)")
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


@dataclass(eq=False)
class Link:
    """One named connection: where it goes, its session, its own embedded gateway."""

    name: str
    target: Target
    session: PersistentSession
    embedded: EmbeddedGateway | None = None


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise ConnectError(
            f"{name!r} cannot name a connection: a letter, then letters, digits, _ or -"
        )
    return name


class ConnectionController:
    """Opens, replaces and closes the shell's named connections; one is current."""

    def __init__(
        self,
        notify: Callable[[str], None],
        on_change: SessionChanged | None = None,
        backoff: Backoff | None = None,
        sim_config: SimConfig | None = None,
        on_link: LinkChanged | None = None,
        declared: Mapping[str, Target] | None = None,
    ) -> None:
        self.notify = notify
        # The config file's [connections.NAME]: `connect NAME` opens one, and `NAME:Tag`
        # with one not open is refused rather than sent to the current gateway.
        self.declared: dict[str, Target] = dict(declared or {})
        self.on_change = on_change
        self.on_link = on_link
        self.backoff = backoff
        self.sim_config = sim_config
        self.links: dict[str, Link] = {}
        self.current = DEFAULT
        # What the current connection last went to (kept after a disconnect, for reconnect).
        self._last_target: dict[str, Target] = {}
        self._warned_plaintext: set[str] = set()
        # Listener makers that follow every connection, and what each attached where.
        self._followers: list[LinkListener] = []
        self._attached: dict[str, list[tuple[LinkListener, PersistentSession, EventListener]]] = {}

    # the current connection ------------------------------------------------------
    @property
    def session(self) -> PersistentSession | None:
        link = self.links.get(self.current)
        return link.session if link is not None else None

    @property
    def target(self) -> Target | None:
        link = self.links.get(self.current)
        return link.target if link is not None else self._last_target.get(self.current)

    @property
    def embedded(self) -> EmbeddedGateway | None:
        link = self.links.get(self.current)
        return link.embedded if link is not None else None

    @property
    def names(self) -> list[str]:
        return list(self.links)

    @property
    def closed(self) -> list[str]:
        """The names of connections this shell opened and has closed since."""
        return [name for name in self._last_target if name not in self.links]

    def session_of(self, name: str) -> PersistentSession:
        """The session of the connection `name`; ConnectError naming the open ones."""
        link = self.links.get(name)
        if link is None:
            raise ConnectError(f"no connection named {name!r} ({self._open_ones()})")
        return link.session

    def _open_ones(self) -> str:
        return f"open: {', '.join(self.links)}" if self.links else "none is open"

    # opening and closing ---------------------------------------------------------
    async def connect(
        self, endpoint: str | None = None, name: str | None = None, **options: Any
    ) -> dict[str, Any]:
        """The `connect` command's entry: endpoint None is the embedded gateway; a name
        opens (or replaces) that connection beside the current one. `connect NAME` alone
        (re)opens NAME where it went before, or where the config file declares it."""
        known = self._known(endpoint) if name is None else None
        if known is not None:
            name, target = endpoint, replace(known, **options)
        else:
            target = Target(endpoint=endpoint, **options)
        await self.connect_to(target, name)
        return self.status(name)

    def _known(self, word: str | None) -> Target | None:
        # A name has no colon, an endpoint always has one (HOST:PORT).
        if word is None or not NAME_PATTERN.match(word):
            return None
        return self._last_target.get(word) or self.declared.get(word)

    async def connect_to(self, target: Target, name: str | None = None) -> PersistentSession:
        """Connect `name` (the current connection by default) to target, replacing what
        it was connected to once the new connection works."""
        name = check_name(name) if name is not None else self.current
        embedded = None
        if target.endpoint is None:
            old = self.links.get(name)
            embedded = old.embedded if old is not None and old.embedded is not None else None
            if embedded is None:
                embedded = EmbeddedGateway(self.sim_config or SimConfig()).start()
        options = self._options_for(target, embedded)
        session = PersistentSession(
            options, notify=self._notifier(name), backoff=self.backoff, attach_to=target.session_id
        )
        try:
            await session.open()
        except BaseException:  # a refusal, a cancel: the simulator started for it stops
            if embedded is not None and not self._embedded_in_use(embedded):
                embedded.stop()
            raise
        previous = self.links.get(name)
        self.links[name] = Link(name, target, session, embedded)
        self._last_target[name] = target
        if self.current not in self.links:
            self.current = name  # nothing was current: the new connection is
        if previous is not None:
            await previous.session.close()
            if previous.embedded is not None and previous.embedded is not embedded:
                previous.embedded.stop()
        self._link_changed(name, session)
        if name == self.current and self.on_change is not None:
            await self.on_change(previous.session if previous else None, session)
        return session

    def _notifier(self, name: str) -> Callable[[str], None]:
        # With more than one connection, what a session says names its connection.
        def notify(text: str) -> None:
            self.notify(f"{name}: {text}" if len(self.links) > 1 else text)

        return notify

    def _embedded_in_use(self, embedded: EmbeddedGateway) -> bool:
        return any(link.embedded is embedded for link in self.links.values())

    def _options_for(
        self, target: Target, embedded: EmbeddedGateway | None = None
    ) -> ChannelOptions:
        if embedded is not None:
            return ChannelOptions(embedded.endpoint, api_key=embedded.api_key, plaintext=True)
        assert target.endpoint is not None
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

    # following every connection's events -------------------------------------------
    def follow_every_connection(self, make: LinkListener) -> Callable[[], None]:
        """Attach a listener, made for each connection (its name and session), to every
        open connection's session and to every later one's (a connection replaced gets
        one for its new session). Returns what detaches them all and stops following."""
        self._followers.append(make)
        for name, link in self.links.items():
            self._attach(name, link.session, make)

        def unfollow() -> None:
            if make in self._followers:
                self._followers.remove(make)
            for kept in self._attached.values():
                for entry in [entry for entry in kept if entry[0] is make]:
                    entry[1].remove_listener(entry[2])
                    kept.remove(entry)

        return unfollow

    def _attach(self, name: str, session: PersistentSession, make: LinkListener) -> None:
        listener = make(name, session)
        self._attached.setdefault(name, []).append((make, session, listener))
        session.add_listener(listener)

    def _link_changed(self, name: str, session: PersistentSession | None) -> None:
        for _, old, listener in self._attached.pop(name, []):
            old.remove_listener(listener)
        if session is not None:
            for make in list(self._followers):
                self._attach(name, session, make)
        if self.on_link is not None:
            self.on_link(name, session)

    async def use(self, name: str) -> dict[str, Any]:
        """Make the connection `name` current (`use NAME`)."""
        session = self.session_of(name)
        if name == self.current:
            return self.status()
        previous, self.current = self.session, name
        if self.on_change is not None:
            await self.on_change(previous, session)
        return self.status()

    async def attach(self, session_id: str) -> dict[str, Any]:
        """The `attach` command: the same gateway, another client's session."""
        if self.target is None:
            raise ConnectError("not connected to a gateway; use connect first")
        await self.connect_to(replace(self.target, session_id=session_id))
        return self.status()

    async def disconnect(self, close: bool = False, name: str | None = None) -> bool:
        """Close a connection (the current one by default); False when there was none.
        A session this shell attached to is left open on the gateway unless `close`."""
        name = name if name is not None else self.current
        link = self.links.pop(name, None)
        if link is None:
            if name != self.current:
                raise ConnectError(f"no connection named {name!r} ({self._open_ones()})")
            return False
        try:
            await link.session.close(close_attached=close)
        finally:
            if link.embedded is not None:
                link.embedded.stop()
            self._link_changed(name, None)
        if name != self.current:
            return True
        if self.links:  # another connection is left: it becomes current, said
            self.current = next(iter(self.links))
            self.notify(f"{name} closed; the current connection is now {self.current}")
        if self.on_change is not None:
            await self.on_change(link.session, self.session)
        return True

    async def reconnect(self) -> Any:
        if self.session is None:
            if self.target is None:
                raise ConnectError("not connected to a gateway; use connect")
            return await self.connect_to(self.target)
        return await self.session.reconnect()

    # what there is -----------------------------------------------------------------
    def status(self, name: str | None = None) -> dict[str, Any]:
        name = name if name is not None else self.current
        link = self.links.get(name)
        if link is None:
            found: dict[str, Any] = {"state": "disconnected", "endpoint": None, "embedded": False}
        else:
            found = link.session.status()
            found["embedded"] = link.embedded is not None
        if len(self.links) > 1 or name != DEFAULT:
            found["connection"] = name
            found["current"] = name == self.current
        return found

    def rows(self) -> list[dict[str, Any]]:
        """One row per connection, for `connections` and the toolbar."""
        rows = []
        for name, link in self.links.items():
            status = link.session.status()
            rows.append(
                {
                    "name": name,
                    "current": name == self.current,
                    "endpoint": "embedded " + status["endpoint"]
                    if link.embedded is not None
                    else status["endpoint"],
                    "state": status["state"],
                    "session": status["session_id"],
                    "advised": status["advised_items"],
                    "events_per_second": status["events_per_second"],
                }
            )
        return rows

    async def close(self) -> None:
        for name in list(self.links):
            if name != self.current:
                await self.disconnect(name=name)
        await self.disconnect()

    def deploy_simulator(self) -> Callable[[int, int], Any] | None:
        """The `deploy(add, remove)` of the simulated gateway this shell is connected to
        (its embedded one, or one of this process's serving at the endpoint), or None
        against a real gateway. Command families reach the simulator only through this."""
        session = self.session
        if session is None:
            return None
        embedded = self.embedded
        if embedded is not None and embedded.endpoint == session.endpoint:
            return embedded.deploy
        found = EmbeddedGateway.serving_at(session.endpoint)
        return found.deploy if found is not None else None
