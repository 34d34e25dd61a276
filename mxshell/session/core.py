"""The persistent session: one gateway connection that outlives gateway restarts.

It opens a gateway session, streams its events in a background task, keeps the
user's registrations, items and advises (ItemTable), and when the gateway goes away
it says so, reconnects with backoff, replays all of that on a new gateway session and
remaps the handles, so the aliases and handles the user sees keep working.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from mxshell.contract import mx
from mxshell.gateway import ChannelOptions, GatewayClient, Session, from_mx_value
from mxshell.gateway.errors import GatewayError, SessionNotFoundError, UnavailableError
from mxshell.gateway.values import timestamp_datetime
from mxshell.session.backoff import Backoff
from mxshell.session.items import ItemLookupError, ItemTable, Registration, TrackedItem

EventListener = Callable[[Sequence[mx.MxEvent]], None]
Notify = Callable[[str], None]

DEFAULT_CLIENT_NAME = "mxshell"


class NotConnectedError(GatewayError):
    """A command needs the gateway while the session is not connected (the one class for
    it: the command layer raises this one too, so `except api.NotConnectedError` sees
    every case)."""

    def __init__(self, message: str = "not connected to a gateway; use connect") -> None:
        super().__init__(message)


class SessionState(Enum):
    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"


@dataclass
class EventCounters:
    received: int = 0
    data_changes: int = 0
    write_completes: int = 0
    gaps: int = 0
    missed: int = 0
    # Reconnects after which the old session's later events are gone: how many is
    # unknowable (the new session's worker_sequence starts again at 1).
    reconnect_gaps: int = 0
    last_worker_sequence: int = 0
    rate: float = 0.0  # events/s, smoothed
    _window_start: float = field(default_factory=time.monotonic, repr=False)
    _window_count: int = field(default=0, repr=False)

    def tick(self, count: int) -> None:
        self.received += count
        self._window_count += count
        now = time.monotonic()
        elapsed = now - self._window_start
        if elapsed >= 1.0:
            self.rate = self._window_count / elapsed
            self._window_start, self._window_count = now, 0

    def current_rate(self) -> float:
        if time.monotonic() - self._window_start > 2.0:
            return 0.0
        return self.rate


@dataclass
class RestoreReport:
    """What a reconnect put back, and what it could not."""

    session_id: str
    registrations: int = 0
    items: int = 0
    advises: int = 0
    lost: list[str] = field(default_factory=list)
    missed_after_sequence: int = 0

    def describe(self) -> str:
        text = (
            f"reconnected (session {self.session_id}): restored {self.registrations} "
            f"registration(s), {self.items} item(s), {self.advises} advise(s)"
        )
        if self.lost:
            text += f"; could not restore: {', '.join(self.lost)}"
        if self.missed_after_sequence:
            text += (
                f"; events after worker_sequence {self.missed_after_sequence} "
                "of the old session were missed (how many is unknown; status counts "
                "this under reconnect_gaps, events_missed counts only dropped events)"
            )
        return text


class PersistentSession:
    """One gateway session that reconnects and restores itself; see the module docstring."""

    def __init__(
        self,
        options: ChannelOptions,
        *,
        client_session_name: str = "mxshell",
        notify: Notify | None = None,
        backoff: Backoff | None = None,
        attach_to: str | None = None,
    ) -> None:
        self.options = options
        # A session another client opened: used, never closed on leaving unless asked.
        self.attach_to = attach_to
        self.client_session_name = client_session_name
        self.notify: Notify = notify or (lambda text: None)
        self.backoff = backoff or Backoff()
        self.items = ItemTable()
        self.counters = EventCounters()
        self.state = SessionState.DISCONNECTED
        self.last_restore: RestoreReport | None = None
        self._client: GatewayClient | None = None
        self._session: Session | None = None
        self._listeners: list[EventListener] = []
        self._stream_task: asyncio.Task[None] | None = None
        self._reconnect_task: asyncio.Task[None] | None = None
        self._closing = False
        self._abandoned: Session | None = None
        self._last_session_id: str | None = None

    def __repr__(self) -> str:
        return f"PersistentSession(endpoint={self.options.endpoint!r}, state={self.state.value})"

    # connection ----------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        return self.options.endpoint

    @property
    def session_id(self) -> str | None:
        return self._session.session_id if self._session else None

    @property
    def capabilities(self) -> list[str]:
        return list(self._session.capabilities) if self._session else []

    @property
    def connected(self) -> bool:
        return self.state is SessionState.CONNECTED

    @property
    def gateway(self) -> Session:
        """The live gateway session; raises NotConnectedError when there is none."""
        if self.state is not SessionState.CONNECTED or self._session is None:
            raise NotConnectedError(self._not_connected_text())
        return self._session

    @property
    def client(self) -> GatewayClient:
        if self._client is None or self.state is not SessionState.CONNECTED:
            raise NotConnectedError(self._not_connected_text())
        return self._client

    def _not_connected_text(self) -> str:
        if self.state is SessionState.RECONNECTING:
            return f"not connected: reconnecting to {self.endpoint}; try again shortly"
        return "not connected to a gateway; use connect"

    async def open(self) -> None:
        """Connect and open the gateway session (raises the gateway's error if it cannot)."""
        self._closing = False
        self.state = SessionState.CONNECTING
        try:
            await self._establish()
        except BaseException:
            self.state = SessionState.DISCONNECTED
            await self._drop_client()
            raise

    @property
    def attached(self) -> bool:
        """Whether the gateway session is one another client opened (see attach_to)."""
        return self.attach_to is not None and self.session_id == self.attach_to

    async def close(self, *, close_attached: bool = False) -> None:
        """Close the gateway session cleanly and stop every background task. An attached
        session is left open on the gateway (its owner may still use it) unless
        `close_attached`."""
        self._closing = True
        if self.attached and not close_attached:
            self._session = None  # leave it to the client that opened it
        for task in (self._reconnect_task, self._stream_task):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._reconnect_task = self._stream_task = None
        if self._session is not None:
            with contextlib.suppress(GatewayError):
                await self._session.close()
            self._session = None
        await self._drop_client()
        self.state = SessionState.DISCONNECTED

    async def reconnect(self) -> RestoreReport | None:
        """Drop the current gateway session and establish a new one now (an attached
        session is attached again, not closed)."""
        await self._stop_stream()
        if self._session is not None and not self.attached:
            with contextlib.suppress(GatewayError):
                await self._session.close()
            self._session = None
        self.state = SessionState.RECONNECTING
        await self._establish()
        return self.last_restore

    async def _drop_client(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def _stop_stream(self) -> None:
        task, self._stream_task = self._stream_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _establish(self) -> None:
        if self._client is None:
            self._client = await GatewayClient.connect(options=self.options)
        session = await self._open_or_attach(self._client)
        await self._close_abandoned()
        self._session = session
        # The same gateway session again (attached once more after a cut stream) still
        # holds what it held, and its worker_sequence goes on: nothing to restore.
        same = session.session_id == self._last_session_id
        self._last_session_id = session.session_id
        note = f"attached again to session {session.session_id}" if same else None
        if not same and self.items.registrations:
            note = (await self._restore_into(session)).describe()
        if not same:
            self.counters.last_worker_sequence = 0
        self.state = SessionState.CONNECTED
        self._stream_task = asyncio.create_task(self._pump_events(session), name="mx-events")
        if note:
            self.notify(note)

    async def _restore_into(self, session: Session) -> RestoreReport:
        """Put the shell's registrations, items and advises back into a new gateway
        session; the events of the old one after its last sequence count as a gap."""
        report = RestoreReport(session.session_id)
        await self._restore(session, report)
        report.missed_after_sequence = self.counters.last_worker_sequence
        if report.missed_after_sequence:
            self.counters.gaps += 1
            self.counters.reconnect_gaps += 1
        self.last_restore = report
        return report

    async def _open_or_attach(self, client: GatewayClient) -> Session:
        if self.attach_to is None:
            return await client.open_session(self.client_session_name)
        try:
            return await client.attach_session(self.attach_to)
        except SessionNotFoundError:
            if self._last_session_id is None:
                raise  # attaching at first: a session that is not there is the user's error
            self.notify(f"session {self.attach_to} is gone from the gateway; opened a new one")
            self.attach_to = None
            return await client.open_session(self.client_session_name)

    async def _close_abandoned(self) -> None:
        # After a cut stream the old gateway session may still exist, holding advises
        # that nobody reads; close it. After a restart it is gone, and that is fine too.
        abandoned, self._abandoned = self._abandoned, None
        if abandoned is not None and abandoned.session_id != self.attach_to:
            with contextlib.suppress(GatewayError):
                await abandoned.close()

    async def _restore(self, session: Session, report: RestoreReport) -> None:
        for registration in list(self.items.registrations.values()):
            self.items.rebind(registration, await session.register(registration.client_name))
            report.registrations += 1
            mine = [i for i in self.items if i.registration is registration]
            results = await session.add_item_bulk(
                registration.gateway_handle, [i.tag_reference for i in mine]
            )
            for item, result in zip(mine, results, strict=True):
                if result.was_successful:
                    self.items.rebind_item(item, result.item_handle)
                    report.items += 1
                else:
                    item.lost = result.error_message or "the gateway refused AddItem"
                    report.lost.append(item.name)
            advised = [i for i in mine if i.advise == "advise" and i.lost is None]
            if advised:
                results = await session.advise_item_bulk(
                    registration.gateway_handle, [i.gateway_handle for i in advised]
                )
                report.advises += sum(1 for r in results if r.was_successful)
            for item in mine:
                if item.advise == "supervisory" and item.lost is None:
                    await session.advise_supervisory(
                        registration.gateway_handle, item.gateway_handle
                    )
                    report.advises += 1
        self.items.reindex()

    # events ------------------------------------------------------------------
    def add_listener(self, listener: EventListener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: EventListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    async def _pump_events(self, session: Session) -> None:
        try:
            async for batch in session.stream_event_batches():
                self._ingest(batch)
        except asyncio.CancelledError:
            raise
        except GatewayError as error:
            self._connection_lost(str(error))
            return
        self._connection_lost("the gateway ended the event stream")

    def _ingest(self, events: Sequence[mx.MxEvent]) -> None:
        counters = self.counters
        now = time.monotonic()
        for event in events:
            sequence = event.worker_sequence
            expected = counters.last_worker_sequence + 1
            if sequence > expected:
                counters.gaps += 1
                counters.missed += sequence - expected
                self.notify(
                    f"worker_sequence gap: events {expected}..{sequence - 1} were dropped "
                    "by the gateway (this client fell behind)"
                )
            counters.last_worker_sequence = sequence
            kind = event.WhichOneof("event")
            if kind == "on_data_change":
                counters.data_changes += 1
                change = event.on_data_change
                item = self.items.by_gateway(change.server_handle, change.item_handle)
                if item is not None:
                    item.value = from_mx_value(change.value)
                    item.quality = change.quality
                    item.timestamp = (
                        timestamp_datetime(change.timestamp)
                        if change.HasField("timestamp")
                        else None
                    )
                    item.change_count += 1
                    item.last_change_at = now
                    if item.first_change_at is None:
                        item.first_change_at = now
            elif kind == "on_write_complete":
                counters.write_completes += 1
        counters.tick(len(events))
        for listener in list(self._listeners):
            try:
                listener(events)
            except Exception as error:  # noqa: BLE001 - one listener must not stop the stream
                self.remove_listener(listener)
                self.notify(f"event listener {listener!r} failed and was removed: {error}")

    def _connection_lost(self, reason: str) -> None:
        if self._closing or self.state is SessionState.RECONNECTING:
            return
        self.state = SessionState.RECONNECTING
        self._abandoned, self._session = self._session, None
        self.notify(f"connection to {self.endpoint} lost ({reason}); reconnecting…")
        self._reconnect_task = asyncio.create_task(self._reconnect_loop(), name="mx-reconnect")

    async def _reconnect_loop(self) -> None:
        for attempt, delay in enumerate(self.backoff.delays(), start=1):
            if self._closing:
                return
            await asyncio.sleep(delay)
            try:
                await self._establish()
                return
            except GatewayError as error:
                if attempt == 1 or attempt % 10 == 0:
                    self.notify(f"reconnect attempt {attempt} failed: {error}; still trying")

    def note_failure(self, error: BaseException) -> None:
        """Called by command code when a call failed: a vanished gateway starts a reconnect."""
        if isinstance(error, UnavailableError | SessionNotFoundError) and self.connected:
            self._connection_lost(str(error))

    # MXAccess operations, in the user's terms --------------------------------
    async def call(self, coro_factory: Callable[[Session], Any]) -> Any:
        """Run coro_factory(gateway session); a vanished gateway starts a reconnect."""
        session = self.gateway
        try:
            return await coro_factory(session)
        except GatewayError as error:
            self.note_failure(error)
            raise

    async def register(self, client_name: str | None = None) -> Registration:
        name = client_name or DEFAULT_CLIENT_NAME
        handle = await self.call(lambda s: s.register(name))
        return self.items.add_registration(name, handle)

    async def ensure_registration(self, server_handle: int | None = None) -> Registration:
        if server_handle is None and self.items.current is None:
            return await self.register()
        return self.items.registration(server_handle)

    async def unregister(self, server_handle: int | None = None) -> tuple[Registration, int]:
        registration = self.items.registration(server_handle)
        await self.call(lambda s: s.unregister(registration.gateway_handle))
        dropped = self.items.drop_registration(registration)
        return registration, len(dropped)

    async def add_item(
        self, tag_reference: str, alias: str | None = None, server_handle: int | None = None
    ) -> TrackedItem:
        if alias is not None:
            self.items.check_alias_free(alias)
        registration = await self.ensure_registration(server_handle)
        handle = await self.call(lambda s: s.add_item(registration.gateway_handle, tag_reference))
        item = self.items.add(registration, tag_reference, handle, alias)
        return item

    def find(self, reference: str) -> TrackedItem:
        item = self.items.find(reference)
        if item is None:
            raise ItemLookupError(f"no item {reference!r}: add it with add-item, or check items")
        return item

    async def resolve(
        self, reference: str, server_handle: int | None = None
    ) -> tuple[TrackedItem, bool]:
        """The item a reference names, adding it when it is a tag; True when it was added."""
        item = self.items.find(reference)
        if item is not None:
            return item, False
        text = reference.strip()
        if text.lstrip("#").isdecimal():
            raise ItemLookupError(f"no item with handle {text}")
        if "." not in text:
            raise ItemLookupError(
                f"no item or alias {text!r} (a tag reference looks like Tank1.Level)"
            )
        return await self.add_item(text, server_handle=server_handle), True

    async def remove_item(self, item: TrackedItem) -> None:
        if item.lost is None:
            await self.call(
                lambda s: s.remove_item(item.registration.gateway_handle, item.gateway_handle)
            )
        self.items.drop(item)

    async def advise(self, item: TrackedItem, supervisory: bool = False) -> None:
        server, handle = item.registration.gateway_handle, item.gateway_handle
        if supervisory:
            await self.call(lambda s: s.advise_supervisory(server, handle))
        else:
            await self.call(lambda s: s.advise(server, handle))
        item.advise = "supervisory" if supervisory else "advise"

    async def unadvise(self, item: TrackedItem) -> None:
        await self.call(lambda s: s.unadvise(item.registration.gateway_handle, item.gateway_handle))
        item.advise = "none"

    async def write(
        self,
        item: TrackedItem,
        value: Any,
        *,
        type_name: str | None = None,
        timestamp: datetime | None = None,
    ) -> None:
        """Write (or Write2 with a timestamp). A failed write is never retried."""
        server, handle = item.registration.gateway_handle, item.gateway_handle
        if timestamp is None:
            await self.call(lambda s: s.write(server, handle, value, type_name=type_name))
        else:
            await self.call(
                lambda s: s.write2(server, handle, value, timestamp, type_name=type_name)
            )

    async def write_secured(
        self,
        item: TrackedItem,
        value: Any,
        *,
        current_user_id: int,
        verifier_user_id: int = 0,
        type_name: str | None = None,
        timestamp: datetime | None = None,
    ) -> None:
        """WriteSecured (or WriteSecured2 with a timestamp), never retried."""
        server, handle = item.registration.gateway_handle, item.gateway_handle
        users = {"current_user_id": current_user_id, "verifier_user_id": verifier_user_id}
        if timestamp is None:
            await self.call(
                lambda s: s.write_secured(server, handle, value, type_name=type_name, **users)
            )
        else:
            await self.call(
                lambda s: s.write_secured2(
                    server, handle, value, timestamp, type_name=type_name, **users
                )
            )

    async def authenticate_user(
        self, user_name: str, password: str, server_handle: int | None = None
    ) -> int:
        registration = await self.ensure_registration(server_handle)
        user_id: int = await self.call(
            lambda s: s.authenticate_user(registration.gateway_handle, user_name, password)
        )
        return user_id

    # status ------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "state": self.state.value,
            "session_id": self.session_id,
            "capabilities": self.capabilities,
            "registrations": len(self.items.registrations),
            "items": len(self.items),
            "advised_items": self.items.advised_count(),
            "events_received": self.counters.received,
            "events_per_second": round(self.counters.current_rate(), 1),
            "worker_sequence": self.counters.last_worker_sequence,
            "sequence_gaps": self.counters.gaps,
            "events_missed": self.counters.missed,
            "reconnect_gaps": self.counters.reconnect_gaps,
            "attached": self.attached,
        }
