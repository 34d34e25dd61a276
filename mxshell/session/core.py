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
from operator import methodcaller
from typing import Any

from mxshell.contract import mx
from mxshell.gateway import ChannelOptions, GatewayClient, Session, from_mx_value
from mxshell.gateway.errors import GatewayError, SessionNotFoundError, UnavailableError
from mxshell.gateway.value_decode import timestamp_datetime
from mxshell.session.backoff import Backoff
from mxshell.session.completions import CompletionWaiters
from mxshell.session.item_table import EarlyValues, ItemTable, TrackedItem
from mxshell.session.operations import ItemOperations
from mxshell.session.parking import ParkedItems
from mxshell.session.state import EventCounters, NotConnectedError, RestoreReport, SessionState

EventListener = Callable[[Sequence[mx.MxEvent]], None]
Notify = Callable[[str], None]


# Bad, waiting for initial data: a slow point's first event, with no value in it.
WAITING_FOR_INITIAL_DATA = 32
_KIND = methodcaller("WhichOneof", "event")  # an event's kind, asked in C for a batch
# What a write waiting for its OnWriteComplete is told when the session goes first.
UNKNOWN_AFTER_LOSS = (
    "the session was lost before the write's OnWriteComplete came: its outcome is unknown "
    "(not resent)"
)


class PersistentSession(ItemOperations):
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
        self.completions = CompletionWaiters()
        self.parked = ParkedItems(
            self.items
        )  # items writes added, kept for the next write of the tag
        self.counters = EventCounters()
        self.state = SessionState.DISCONNECTED
        self.last_restore: RestoreReport | None = None
        self._client: GatewayClient | None = None
        self._session: Session | None = None
        self._listeners: list[EventListener] = []
        # Called after a reconnect (automatic or `reconnect`) once the session is back.
        self.reconnect_listeners: list[Callable[[], None]] = []
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
    def closed(self) -> bool:
        """Whether close() was called: the session is gone for good (not reconnecting)."""
        return self._closing

    @property
    def attached(self) -> bool:
        """Whether the gateway session is one another client opened (see attach_to)."""
        return self.attach_to is not None and self.session_id == self.attach_to

    async def close(self, *, close_attached: bool = False) -> None:
        """Close the gateway session cleanly and stop every background task. An attached
        session is left open on the gateway (its owner may still use it) unless
        `close_attached`."""
        if self.connected:  # the gateway drops them with the session, but not an attached one
            await self.release_parked()
        self._closing = True
        self.completions.fail_all(UNKNOWN_AFTER_LOSS)
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
        self.completions.fail_all(UNKNOWN_AFTER_LOSS)
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
        again = self._last_session_id is not None
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
        for listener in list(self.reconnect_listeners) if again else []:
            try:
                listener()
            except Exception as error:  # noqa: BLE001 - the session is back all the same
                self.notify(f"reconnect listener {listener!r} failed: {error}")

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
        counters, completions = self.counters, self.completions
        if events:
            first, last = events[0].worker_sequence, events[-1].worker_sequence
            # The gateway numbers a session's events one by one, in order: a batch that
            # goes on from the last one and spans its length has no gap in it.
            if first != counters.last_worker_sequence + 1 or last - first != len(events) - 1:
                self._note_gaps(events)
            counters.last_worker_sequence = last
        kinds = list(map(_KIND, events))
        completes = kinds.count("on_write_complete")
        counters.write_completes += completes
        counters.data_changes += kinds.count("on_data_change")
        # Only `write` waits for its OnWriteComplete: a bulk write's 10,000 are counted.
        if completes < len(kinds) or completions:
            now = time.monotonic()
            for event, kind in zip(events, kinds, strict=True):
                if kind == "on_data_change":
                    self._item_changed(event.on_data_change, now)
                elif kind == "on_buffered_data_change":
                    self._item_changed(event.on_buffered_data_change, now, buffered=True)
                elif kind == "on_write_complete" and completions:
                    done = event.on_write_complete
                    completions.complete(done.server_handle, done.item_handle, done.statuses)
        counters.tick(len(events))
        for listener in list(self._listeners):
            try:
                listener(events)
            except Exception as error:  # noqa: BLE001 - one listener must not stop the stream
                self.remove_listener(listener)
                self.notify(f"event listener {listener!r} failed and was removed: {error}")

    def _note_gaps(self, events: Sequence[mx.MxEvent]) -> None:
        counters = self.counters
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

    def _item_changed(self, body: Any, now: float, *, buffered: bool = False) -> None:
        """The shell's item an OnDataChange (or OnBufferedDataChange) is about takes it."""
        item: TrackedItem | EarlyValues | None
        item = self.items.by_gateway(body.server_handle, body.item_handle)
        if item is None:  # perhaps one a call out now adds (ItemTable.expecting)
            item = self.items.early(body.server_handle, body.item_handle)
        if item is None or (buffered and not body.samples):
            return
        sample = body.samples[-1] if buffered else body  # the item holds the newest sample
        item.quality = sample.quality
        if not buffered and sample.quality == WAITING_FOR_INITIAL_DATA:
            return  # no value yet: a read waits on
        item.value = from_mx_value(sample.value)
        item.timestamp = (
            timestamp_datetime(sample.timestamp) if sample.HasField("timestamp") else None
        )
        item.change_count += len(body.samples) if buffered else 1
        item.last_change_at = now
        if item.first_change_at is None:
            item.first_change_at = now

    def _connection_lost(self, reason: str) -> None:
        if self._closing or self.state is SessionState.RECONNECTING:
            return
        self.state = SessionState.RECONNECTING
        self._abandoned, self._session = self._session, None
        self.completions.fail_all(UNKNOWN_AFTER_LOSS)
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
