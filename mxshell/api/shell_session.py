"""The session a plugin sees: `ShellSession`, what `ctx.session` offers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from mxshell.gateway import GatewayClient
from mxshell.gateway import Session as GatewaySession
from mxshell.session import EventCounters, ItemTable, Registration, SessionState, TrackedItem
from mxshell.session.completions import WriteCompletion

if TYPE_CHECKING:
    from mxshell.session import PersistentSession

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
    def state(self) -> SessionState:
        """disconnected, connecting, connected or reconnecting (`.value` is its name)."""
        ...

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
        self, reference: str, server_handle: int | None = None, *, lend: bool = False
    ) -> tuple[TrackedItem, bool]:
        """The item a reference names, added when it is a tag; True when it was added.
        With `lend=True` (API 1.5, for a write), a tag's item may be one an earlier write
        of the tag kept: give it back with `park` after the write."""
        ...

    async def park(self, item: TrackedItem) -> None:
        """API 1.5: give back an item `resolve(lend=True)` added, after its write. It leaves
        the item table at once; the gateway keeps it for the next write of the tag until
        the shell is idle (`release_parked`). An item not lent is removed. Not connected,
        a lent item is kept for the gateway session it was lent in (an attached one may
        come back); one not lent is forgotten."""
        ...

    async def release_parked(self) -> None:
        """API 1.5: give the items writes kept back to the gateway now (RemoveItemBulk)."""
        ...

    def keeps(self, server_handle: int, item_handle: int) -> bool:
        """API 1.5: whether the gateway's handles name an item a write kept (see park):
        the shell's, though not in `items`."""
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
        complete: bool = False,
        timeout: float = 10.0,
    ) -> WriteCompletion | None:
        """Write (Write2 with a timestamp); never retried. Without `complete` it returns
        None once the gateway accepted the write (its Invoke returned: the value is on its
        way, not yet taken). With `complete` (API 1.1) it waits for the write's
        OnWriteComplete and returns it as a WriteCompletion (`ok`, `statuses`, `text`),
        raising WriteOutcomeUnknown when none comes within `timeout` seconds or the
        session is lost first. A refused write (bad handle, wrong type) raises
        MxAccessError either way."""
        ...

    def add_listener(self, listener: EventListener) -> None: ...

    def remove_listener(self, listener: EventListener) -> None: ...

    def status(self) -> dict[str, Any]: ...

    # Registrations, the item table and calls the session has no method for (API 1.1).
    @property
    def items(self) -> ItemTable:
        """The user's registrations and items, by handle, alias and gateway handles."""
        ...

    @property
    def registration(self) -> Registration | None:
        """The current registration, None before any (API 1.1). `gateway_handle` is the
        server handle bulk calls take (`session.call(lambda g: g.read_bulk(
        registration.gateway_handle, ...))`); a reconnect registers again and updates it
        in place, then fires the `session_reconnected` hook."""
        ...

    @property
    def session_id(self) -> str | None: ...

    @property
    def counters(self) -> EventCounters:
        """Events received, gaps, missed events, the last worker_sequence, the rate."""
        ...

    @property
    def attached(self) -> bool: ...

    @property
    def closed(self) -> bool:
        """Whether the session was closed for good (API 1.2): `use NAME` changes the
        current session without closing the one before."""
        ...

    async def call(self, coro_factory: Callable[[GatewaySession], Any]) -> Any:
        """Run coro_factory(gateway session), e.g. a bulk call; a vanished gateway
        starts a reconnect (the call itself is never retried)."""
        ...

    async def register(self, client_name: str | None = None) -> Registration: ...

    async def ensure_registration(self, server_handle: int | None = None) -> Registration:
        """The registration `server_handle` names, else the current one (registered now
        when there is none)."""
        ...

    async def unregister(self, server_handle: int | None = None) -> tuple[Registration, int]: ...

    async def write_secured(
        self,
        item: TrackedItem,
        value: Any,
        *,
        current_user_id: int,
        verifier_user_id: int = 0,
        type_name: str | None = None,
        timestamp: datetime | None = None,
    ) -> None: ...

    async def authenticate_user(
        self, user_name: str, password: str, server_handle: int | None = None
    ) -> int: ...

    def note_failure(self, error: BaseException) -> None:
        """A call made through `gateway` failed: a vanished gateway starts a reconnect."""
        ...


if TYPE_CHECKING:
    # mypy keeps the promise honest: the shell's session must satisfy ShellSession.
    def _the_shell_session_keeps_the_promise(session: PersistentSession) -> ShellSession:
        return session
