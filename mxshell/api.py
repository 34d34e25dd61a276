"""The public API for mxshell plugins: what a plugin imports, and all it should import.

    from mxshell.api import CommandSet, CommandFailed, arg, hookimpl

Stability. Every name in `__all__` is public and follows `API_VERSION` (semantic
versioning, independent of mxshell's own version): within one major API version a
name keeps its meaning and its documented signature, new names and new optional
arguments only bump the minor version, and a name is removed or changed
incompatibly only in a new major version, after a minor release in which using it
raises a DeprecationWarning. Attributes of these objects that docs/plugins.md does not
document are not covered (for the session, `ShellSession` lists what is). Tests import
`mxshell.testing`, which makes the same promise. Everything else (`mxshell.commands`,
`mxshell.session`, `mxshell.app.plugin_host`, `mxshell.shell`, `mxshell_plugins`, …) is private
to mxshell and may change in any release, even when a built-in plugin imports it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from mxshell.app.plugin_host import ToolbarField, hookimpl
from mxshell.commands import (
    GALAXY,
    Argument,
    Command,
    CommandContext,
    CommandFailed,
    CommandSet,
    Completer,
    GalaxyLookup,
    NotConnectedError,
    Secret,
    Settings,
    ShellError,
    Table,
    Text,
    UsageError,
    arg,
    command,
    flag,
)
from mxshell.contract import galaxy as _galaxy
from mxshell.contract import mx as _mx
from mxshell.gateway import (
    GalaxyRepositoryClient,
    GatewayClient,
    GatewayError,
    MxAccessError,
    from_mx_value,
    quality_is_good,
    quality_name,
)
from mxshell.gateway import Session as GatewaySession
from mxshell.session import ItemLookupError, TrackedItem

if TYPE_CHECKING:
    from mxshell.session import PersistentSession

API_VERSION = (1, 0)

# What on_event receives: one gateway event, a protobuf message of the contract
# (`event.WhichOneof("event")` is on_data_change, on_write_complete, …).
MxEvent = _mx.MxEvent
# A Galaxy deploy as the GalaxyRepository's WatchDeployEvents reports it.
DeployEvent = _galaxy.DeployEvent
# A session listener: called on the event loop with each batch of MxEvents as it arrives.
EventListener = Callable[[Sequence[Any]], None]


@runtime_checkable
class ShellSession(Protocol):
    """What `ctx.session` offers a plugin (None when the shell is not connected).

    It is one gateway session that reconnects by itself and restores the user's items
    and advises; items keep their handles and aliases across a reconnect. `gateway` is
    the live `mxshell.gateway.Session` and `client` its `GatewayClient`, for calls the
    session has no method for (bulk calls, `client.galaxy()`); both raise
    NotConnectedError while reconnecting. Gateway failures raise GatewayError subclasses.
    """

    @property
    def endpoint(self) -> str: ...

    @property
    def connected(self) -> bool: ...

    @property
    def capabilities(self) -> list[str]: ...

    @property
    def gateway(self) -> GatewaySession: ...

    @property
    def client(self) -> GatewayClient: ...

    def find(self, reference: str) -> TrackedItem:
        """The item an alias, handle (`7`, `#7`) or tag names; ItemLookupError if none."""
        ...

    async def resolve(
        self, reference: str, server_handle: int | None = None
    ) -> tuple[TrackedItem, bool]:
        """The item a reference names, added when it is a tag; True when it was added."""
        ...

    async def add_item(
        self, tag_reference: str, alias: str | None = None, server_handle: int | None = None
    ) -> TrackedItem: ...

    async def remove_item(self, item: TrackedItem) -> None: ...

    async def advise(self, item: TrackedItem, supervisory: bool = False) -> None: ...

    async def unadvise(self, item: TrackedItem) -> None: ...

    async def write(
        self,
        item: TrackedItem,
        value: Any,
        *,
        type_name: str | None = None,
        timestamp: datetime | None = None,
    ) -> None: ...

    def add_listener(self, listener: EventListener) -> None: ...

    def remove_listener(self, listener: EventListener) -> None: ...

    def status(self) -> dict[str, Any]: ...


if TYPE_CHECKING:
    # mypy keeps the promise honest: the shell's session must satisfy ShellSession.
    def _the_shell_session_keeps_the_promise(session: PersistentSession) -> ShellSession:
        return session


def session_of(ctx: CommandContext) -> ShellSession:
    """The context's session; NotConnectedError (one line for the user) when there is none.

    A command declared with `needs_session=True` always has one.
    """
    session: ShellSession = ctx.require_session()
    return session


@asynccontextmanager
async def borrowed_item(
    ctx: CommandContext, reference: str, *, advise: bool = True
) -> AsyncIterator[TrackedItem]:
    """The item `reference` names (an alias, a handle, or a tag reference the user typed,
    relative ones included), advised unless `advise=False`, for the block's duration.

    Whatever this added or advised is given back when the block ends, however it ends,
    so a command leaves the user's items as it found them. A tag the gateway refuses
    raises GatewayError; an alias or handle that names nothing raises ItemLookupError.
    """
    session = ctx.require_session()
    item, added = await session.resolve(ctx.resolve_tag(reference))
    advised = False
    try:
        if advise and item.advise == "none":
            await session.advise(item)
            advised = True
        yield item
    finally:
        await _give_back(ctx, session, item, added=added, advised=advised)


async def wait_for_value(session: ShellSession, item: TrackedItem, *, timeout: float = 5.0) -> Any:
    """An advised item's value: at once when it has had an OnDataChange, else when the
    first one arrives; CommandFailed when none comes within `timeout` seconds."""
    if item.advise == "none":
        raise CommandFailed(f"{item.name} is not advised, so it gets no values")
    if item.change_count:
        return item.value
    arrived = asyncio.Event()

    def check(events: Sequence[Any]) -> None:
        if item.change_count:
            arrived.set()

    session.add_listener(check)
    try:
        async with asyncio.timeout(timeout):
            await arrived.wait()
    except TimeoutError:
        raise CommandFailed(f"no value for {item.name} within {timeout:g} s") from None
    finally:
        session.remove_listener(check)
    return item.value


async def _give_back(
    ctx: CommandContext,
    session: PersistentSession,
    item: TrackedItem,
    *,
    added: bool,
    advised: bool,
) -> None:
    if not (added or advised):
        return
    if not session.connected:
        # The gateway session is gone: forget locally, so that no reconnect restores it.
        if added:
            session.items.drop(item)
        else:
            item.advise = "none"
        return
    try:
        if added:
            await session.remove_item(item)
        else:
            await session.unadvise(item)
    except GatewayError as error:
        ctx.notify(f"could not give back {item.name}: {error}")


__all__ = [
    "API_VERSION",
    "GALAXY",
    "Argument",
    "Command",
    "CommandContext",
    "CommandFailed",
    "CommandSet",
    "Completer",
    "DeployEvent",
    "EventListener",
    "GalaxyLookup",
    "GalaxyRepositoryClient",
    "GatewayClient",
    "GatewayError",
    "GatewaySession",
    "ItemLookupError",
    "MxAccessError",
    "MxEvent",
    "NotConnectedError",
    "Secret",
    "Settings",
    "ShellError",
    "ShellSession",
    "Table",
    "Text",
    "ToolbarField",
    "TrackedItem",
    "UsageError",
    "arg",
    "borrowed_item",
    "command",
    "flag",
    "from_mx_value",
    "hookimpl",
    "quality_is_good",
    "quality_name",
    "session_of",
    "wait_for_value",
]
