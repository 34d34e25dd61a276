"""SIGTERM as an event-loop call: a service stop, `kill` or a CI timeout ends a run the
way the shell chooses (one line, deferred commands, the session closed), not mid-write."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def on_sigterm(loop: asyncio.AbstractEventLoop, stop: Callable[[], None]) -> Iterator[None]:
    """Call `stop` on the loop when SIGTERM comes, for the duration of the block (the
    handler before it comes back after)."""

    def handler(signum: int, frame: Any) -> None:
        loop.call_soon_threadsafe(stop)

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except (ValueError, AttributeError):  # not the main thread (tests), or no SIGTERM
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
