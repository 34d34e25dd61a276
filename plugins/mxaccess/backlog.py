"""The session's event backlog: events no stream-events has shown yet, kept for the
next one (mxgw-py users advise, then stream)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from itertools import chain
from typing import Any

from mxshell.api import (
    PluginState,
    ShellContext,
)

Settle = Callable[[], None]


class EventBacklog:
    """The session's events that no stream-events has shown yet, the newest `size` kept.

    mxgw-py users advise, then stream: the advise's first OnDataChange has usually
    arrived by then, and must be shown all the same. stream-events hides an event only if
    its item was the shell's when it arrived (`known`) and is no longer held when shown.
    Until the item table next changes, asking `known` later gives the answer it gave on
    arrival; so arriving events are kept as they are (a deque extended in C, no Python
    work per event), and `known` is asked for them only just before the table's next
    change (`before_next_change`) or at take(), never for the events pushed out unseen
    (a bulk write's 10,000 OnWriteComplete, of which the newest 1,000 are kept)."""

    def __init__(
        self,
        settings: Any,
        known: Callable[[Any], bool] = lambda event: True,
        before_next_change: Callable[[Settle], None] = lambda settle: None,
    ) -> None:
        self.settings = settings  # its event_backlog is the size, read as it changes
        # Each event is kept with whether its item was this shell's when it arrived: an
        # item given back since says nothing, but one another client of an attached
        # session added (never this shell's) is news all the same.
        self.known = known
        self.before_next_change = before_next_change
        size = max(settings.event_backlog, 0)
        self.events: deque[tuple[Any, bool]] = deque(maxlen=size)  # settled, oldest first
        # Newer, `known` not asked yet: the batches as they came (only as many as hold
        # the newest `size` events), and how many events they hold.
        self.batches: deque[Sequence[Any]] = deque()
        self.pending = 0
        self.settle_asked = False  # the table calls settle before its next change
        self.overflowed = 0  # events pushed out unseen since the last stream-events
        self.session: Any = None  # the session it listens to
        self.paused = False  # a stream-events is showing the events itself

    def __call__(self, batch: Sequence[Any]) -> None:
        if self.events.maxlen != self.settings.event_backlog:  # `set event_backlog N`
            self._resize(max(self.settings.event_backlog, 0))
        size = self.events.maxlen or 0
        if self.paused or size == 0:
            return
        kept = min(size, len(self.events) + self.pending)
        self.overflowed += max(0, kept + len(batch) - size)
        self.batches.append(batch)
        self.pending += len(batch)
        while self.pending - len(self.batches[0]) >= size:  # the newer ones hold `size`
            self.pending -= len(self.batches.popleft())
        if not self.settle_asked:
            self.settle_asked = True
            self.before_next_change(self._table_changes)

    def take(self) -> tuple[list[tuple[Any, bool]], int]:
        """The kept events, oldest first, and how many were pushed out; both reset, and
        the backlog pauses (a stream-events shows the events itself) until give_back."""
        self.settle()
        taken, overflowed = list(self.events), self.overflowed
        self.events.clear()
        self.overflowed = 0
        self.paused = True
        return taken, overflowed

    def give_back(self, events: Sequence[Any]) -> None:
        """Events a stream-events received but did not show (it stopped first)."""
        self.paused = False
        known = self.known
        self.events.extendleft(reversed([(event, known(event)) for event in events]))

    def settle(self) -> None:
        """Ask `known` for the kept events that arrived since the last time."""
        if self.batches:
            newest = list(chain.from_iterable(self.batches))[-(self.events.maxlen or 0) :]
            self.batches.clear()
            self.pending = 0
            known = self.known
            self.events.extend([(event, known(event)) for event in newest])  # oldest go

    def _table_changes(self) -> None:
        self.settle_asked = False
        self.settle()

    def _resize(self, size: int) -> None:
        self.settle()
        self.events = deque(self.events, maxlen=size)  # the newest `size` are kept


# The session's events no stream-events has shown yet, per shell (replaced at each open).
BACKLOG: PluginState[EventBacklog] = PluginState(lambda ctx: EventBacklog(ctx.settings))


def attach_backlog(context: ShellContext) -> None:
    """At session open: keep the session's events for the next stream-events."""
    session = context.require_session()
    previous = BACKLOG.peek(context)
    if isinstance(previous, EventBacklog) and previous.session is not None:
        previous.session.remove_listener(previous)  # `use NAME`: that session goes on
    items = session.items  # the session keeps one table for its life
    by_gateway = items.by_gateway

    def known(event: Any) -> bool:
        # item_of, without its call: a body's handles are where they are in all events.
        kind = event.WhichOneof("event")
        if kind is None:
            return False
        body = getattr(event, kind)
        server, handle = body.server_handle, body.item_handle
        return by_gateway(server, handle) is not None or session.keeps(server, handle)

    backlog = EventBacklog(context.settings, known, items.before_next_change)
    backlog.session = session
    BACKLOG.put(context, backlog)
    session.add_listener(backlog)
