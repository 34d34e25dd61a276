"""Redraws on change, coalesced: at most one per interval however often things change.

The watch view is told of every event batch; at 1,000 items changing ten times a second
that is far more often than a terminal can usefully be repainted, so the batches only
mark the view dirty and one redraw follows, no sooner than `interval` after the last.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class CoalescedRedraw:
    """Calls `redraw` after `mark_dirty`, at most once per `interval` seconds.

    The first change after a quiet spell redraws at once (a lone change shows without
    delay); changes while a redraw is pending add nothing to it. Runs in the event loop
    that calls `mark_dirty`.
    """

    def __init__(
        self,
        redraw: Callable[[], None],
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.redraw = redraw
        self.interval = interval
        self.redraws = 0
        self._clock = clock
        self._last = float("-inf")
        self._pending: asyncio.TimerHandle | asyncio.Handle | None = None

    def mark_dirty(self) -> None:
        if self._pending is not None:
            return
        loop = asyncio.get_running_loop()
        delay = self._last + self.interval - self._clock()
        if delay > 0:
            self._pending = loop.call_later(delay, self._fire)
        else:
            self._pending = loop.call_soon(self._fire)

    def _fire(self) -> None:
        self._pending = None
        self._last = self._clock()
        self.redraws += 1
        self.redraw()

    def close(self) -> None:
        """Drop a pending redraw (the view is gone)."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
