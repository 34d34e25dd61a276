"""The session's event backlog: events no stream-events has shown yet, kept for the
next one (mxgw-py users advise, then stream)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from mxshell.api import (
    PluginState,
    ShellContext,
)


class EventBacklog:
    """The session's events that no stream-events has shown yet, the newest `size` kept.

    mxgw-py users advise, then stream: the advise's first OnDataChange has usually
    arrived by then, and must be shown all the same. A deque per batch (extend) keeps
    the cost per event to almost nothing."""

    def __init__(self, settings: Any, known: Callable[[Any], bool] = lambda event: True) -> None:
        self.settings = settings  # its event_backlog is the size, read as it changes
        # Each event is kept with whether its item was this shell's when it arrived: an
        # item given back since says nothing, but one another client of an attached
        # session added (never this shell's) is news all the same.
        self.known = known
        self.events: deque[tuple[Any, bool]] = deque(maxlen=max(settings.event_backlog, 0))
        self.overflowed = 0  # events pushed out unseen since the last stream-events
        self.session: Any = None  # the session it listens to
        self.paused = False  # a stream-events is showing the events itself

    def __call__(self, batch: Sequence[Any]) -> None:
        if self.events.maxlen != self.settings.event_backlog:  # `set event_backlog N`
            self.events = deque(self.events, maxlen=max(self.settings.event_backlog, 0))
        if self.paused or self.events.maxlen == 0:
            return
        room = (self.events.maxlen or 0) - len(self.events)
        if len(batch) > room:
            self.overflowed += len(batch) - room
        known = self.known
        self.events.extend([(event, known(event)) for event in batch])

    def take(self) -> tuple[list[tuple[Any, bool]], int]:
        """The kept events, oldest first, and how many were pushed out; both reset, and
        the backlog pauses (a stream-events shows the events itself) until give_back."""
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


# The session's events no stream-events has shown yet, per shell (replaced at each open).
BACKLOG: PluginState[EventBacklog] = PluginState(lambda ctx: EventBacklog(ctx.settings))


def attach_backlog(context: ShellContext) -> None:
    """At session open: keep the session's events for the next stream-events."""
    session = context.require_session()
    previous = BACKLOG.peek(context)
    if isinstance(previous, EventBacklog) and previous.session is not None:
        previous.session.remove_listener(previous)  # `use NAME`: that session goes on
    by_gateway = session.items.by_gateway  # the session keeps one table for its life

    def known(event: Any) -> bool:
        # item_of, without its call: asked for each of the session's events (a bulk
        # write's 10,000 OnWriteComplete), and a body's handles are where they are in all.
        kind = event.WhichOneof("event")
        if kind is None:
            return False
        body = getattr(event, kind)
        return by_gateway(body.server_handle, body.item_handle) is not None

    backlog = EventBacklog(context.settings, known)
    backlog.session = session
    BACKLOG.put(context, backlog)
    session.add_listener(backlog)
