"""Waiting for a write's OnWriteComplete: the gateway's word on how the write went.

A Write is accepted when its Invoke returns; whether the object took the value comes
later, as an OnWriteComplete event naming the registration and item (by the gateway's
handles). A waiter is set up before the write is sent (the event may overtake the
reply), matched first-in first-out per item, and failed as `unknown` when the session
is lost or the wait times out: a write's outcome is never guessed, and never resent.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mxshell.base.errors import CommandFailed
from mxshell.contract import types
from mxshell.gateway.status import describe_statuses, statuses_ok


@dataclass(frozen=True)
class WriteCompletion:
    """A write's OnWriteComplete: `ok` when every status entry succeeded, `statuses` as
    the gateway sent them, `text` in words ('Ok', 'SecurityError, detected by ...')."""

    ok: bool
    statuses: tuple[types.MxStatus, ...]
    text: str


class WriteOutcomeUnknown(CommandFailed):
    """The write was sent, and no OnWriteComplete came (timeout, or the session was lost):
    whether the value was taken is unknown. It is not resent."""


class CompletionWaiters:
    """The writes waiting for their OnWriteComplete, per (server handle, item handle)."""

    def __init__(self) -> None:
        self._waiting: dict[tuple[int, int], deque[asyncio.Future[WriteCompletion]]] = {}
        # Told of an item's next OnWriteComplete without taking it from a waiting write.
        self._notices: dict[tuple[int, int], list[asyncio.Future[object]]] = {}

    def expect(self, server_handle: int, item_handle: int) -> asyncio.Future[WriteCompletion]:
        future: asyncio.Future[WriteCompletion] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault((server_handle, item_handle), deque()).append(future)
        return future

    def notice(self, server_handle: int, item_handle: int) -> asyncio.Future[object]:
        """A future done when the item's next OnWriteComplete comes, whichever write waits
        for it (a kept write item is used again only after its last write's came). Cancel
        it to stop watching; it fails as the waiting writes do when the session goes."""
        key = (server_handle, item_handle)
        future: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        self._notices.setdefault(key, []).append(future)
        future.add_done_callback(lambda done: self._unwatch(key, done))
        return future

    def _unwatch(self, key: tuple[int, int], future: asyncio.Future[object]) -> None:
        watching = self._notices.get(key)
        if watching is not None and future in watching:
            watching.remove(future)
            if not watching:
                del self._notices[key]

    def forget(self, server_handle: int, item_handle: int, future: asyncio.Future[Any]) -> None:
        queue = self._waiting.get((server_handle, item_handle))
        if queue is not None and future in queue:
            queue.remove(future)
            if not queue:
                del self._waiting[(server_handle, item_handle)]

    def complete(
        self, server_handle: int, item_handle: int, statuses: Sequence[types.MxStatus]
    ) -> None:
        for watch in list(self._notices.get((server_handle, item_handle), ())):
            if not watch.done():
                watch.set_result(None)
        queue = self._waiting.get((server_handle, item_handle))
        while queue:
            future = queue.popleft()
            if not future.done():
                future.set_result(
                    WriteCompletion(
                        statuses_ok(statuses), tuple(statuses), describe_statuses(statuses)
                    )
                )
                break
        if queue is not None and not queue:
            del self._waiting[(server_handle, item_handle)]

    def fail_all(self, reason: str) -> None:
        waiting, self._waiting = self._waiting, {}
        notices, self._notices = self._notices, {}
        for watching in notices.values():
            for watch in watching:
                if not watch.done():
                    watch.set_exception(WriteOutcomeUnknown(reason))
        for queue in waiting.values():
            for future in queue:
                if not future.done():
                    future.set_exception(WriteOutcomeUnknown(reason))

    def __bool__(self) -> bool:
        """Whether any write waits or is watched (cheaply: asked for every batch)."""
        return bool(self._waiting) or bool(self._notices)

    def __len__(self) -> int:
        return sum(len(queue) for queue in self._waiting.values())
