"""A session's event buffer: bounded, numbered, drained in batches by StreamEvents.

Events are numbered (worker_sequence) when they are buffered, so when the buffer is
full and the oldest event is dropped, the subscriber sees the gap. Entries are kept
unframed (sequence, field, prefix, tail): dropped events never cost an encoding.
"""

from __future__ import annotations

import asyncio
from collections import deque

from mxshell.sim import wire

Entry = tuple[int, int, bytes, bytes]


class EventQueue:
    __slots__ = ("_entries", "_next_sequence", "_taken", "_waiter")

    def __init__(self, capacity: int) -> None:
        self._entries: deque[Entry] = deque(maxlen=capacity)  # full: append drops the oldest
        self._next_sequence = 1
        self._taken = 0
        self._waiter: asyncio.Future[None] | None = None

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def dropped(self) -> int:
        """Events lost to overflow so far."""
        return self._next_sequence - 1 - self._taken - len(self._entries)

    def push(self, field_tag: int, prefix: bytes, tail: bytes = b"") -> None:
        """Buffer one event (this runs once per event per subscriber: keep it lean)."""
        sequence = self._next_sequence
        self._next_sequence = sequence + 1
        self._entries.append((sequence, field_tag, prefix, tail))
        if self._waiter is not None:
            self.wake()

    def take_batch(self, max_events: int) -> bytes:
        """Up to max_events buffered events as one serialized StreamEventsResponse."""
        entries = self._entries
        if len(entries) <= max_events:
            self._taken += len(entries)
            batch = wire.frame_batch(entries)
            entries.clear()
            return batch
        self._taken += max_events
        pop = entries.popleft
        return wire.frame_batch([pop() for _ in range(max_events)])

    def wake(self) -> None:
        """Wake the stream waiting on this queue (for an event, a cut or a close)."""
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def wait(self) -> None:
        """Until an event is buffered or wake() is called."""
        if self._entries:
            return
        self._waiter = asyncio.get_running_loop().create_future()
        await self._waiter
