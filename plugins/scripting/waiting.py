"""Waiting for an item to meet a condition: every data change is checked as it arrives
(not only the latest value of a batch), and with `stable` the condition must hold without
a break for that long; a break restarts the clock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mxshell.api import ShellError, ShellSession, TrackedItem, from_mx_value
from mxshell.api.items import item_of

# (value, quality) -> whether it meets the check; may raise ShellError (cannot compare).
Accepts = Callable[[Any, "int | None"], bool]


@dataclass
class Held:
    """How a wait ended: met or not, and the longest time the check held unbroken."""

    met: bool
    longest_s: float


async def wait_held(
    session: ShellSession,
    item: TrackedItem,
    accepts: Accepts,
    *,
    timeout: float,
    stable: float = 0.0,
) -> Held:
    """Wait until `accepts` has held for `stable` seconds (0: once), at most `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    problems: list[ShellError] = []
    changed = asyncio.Event()
    since = loop.time() if item.change_count and accepts(item.value, item.quality) else None
    longest = 0.0
    reached = since is not None  # without `stable`, holding once is enough

    def on_events(batch: Sequence[Any]) -> None:
        nonlocal since, longest, reached
        for event in batch:
            if event.WhichOneof("event") != "on_data_change" or item_of(session, event) is not item:
                continue
            change = event.on_data_change
            try:
                holds = accepts(from_mx_value(change.value), change.quality)
            except ShellError as error:
                problems.append(error)
                break
            now = loop.time()
            reached = reached or holds
            if holds and since is None:
                since = now
            elif not holds and since is not None:
                longest, since = max(longest, now - since), None
        changed.set()

    session.add_listener(on_events)
    try:
        while True:
            if problems:
                raise problems[0]
            now = loop.time()
            if stable <= 0 and reached:
                return Held(True, longest)
            if since is not None and now - since >= stable:
                return Held(True, max(longest, now - since))
            if now >= deadline:
                return Held(False, max(longest, now - since) if since is not None else longest)
            wake = deadline if since is None else min(deadline, since + stable)
            changed.clear()
            try:
                async with asyncio.timeout(wake - now):
                    await changed.wait()
            except TimeoutError:
                pass
    finally:
        session.remove_listener(on_events)
