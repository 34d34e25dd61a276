"""mxshell-trend, an example mxshell plugin: `trend ITEM --seconds N` draws a text
sparkline of an item's values. It imports nothing from mxshell but mxshell.api."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
from typing import Any

from mxshell.api import (
    CommandContext,
    CommandFailed,
    CommandSet,
    GatewayError,
    ShellSession,
    Text,
    TrackedItem,
    UsageError,
    arg,
    borrowed_item,
    hookimpl,
    session_of,
)

from mxshell_trend.sparkline import sparkline

trend_family = CommandSet("trend")  # the heading `help` lists the command under
MAX_SECONDS = 3600.0
MAX_WIDTH = 200


@trend_family.command(
    "trend",
    help="Draw a sparkline of an item's values over the next N seconds.\n"
    "Advises the item for that long (adding it first when it is a tag reference), then "
    "gives back what it added or advised. The item's current value, if it has one, is "
    "the first point. Values must be numbers (booleans count as 0 and 1).",
    args=[
        arg("item", is_tag=True, help="an alias, a handle such as 7, or a tag such as Tank1.Level"),
        arg("--seconds", "-s", type="float", default=10.0, metavar="N", help="how long (10)"),
        arg("--width", type="int", default=40, help="at most this many characters (40)"),
    ],
    needs_session=True,
)
async def trend(ctx: CommandContext, item: str, seconds: float = 10.0, width: int = 40) -> Text:
    if not 0 < seconds <= MAX_SECONDS:
        raise UsageError(f"--seconds must be more than 0 and at most {MAX_SECONDS:g}")
    if not 1 <= width <= MAX_WIDTH:
        raise UsageError(f"--width must be between 1 and {MAX_WIDTH}")
    try:
        async with borrowed_item(ctx, item) as tracked:
            values = await collect(session_of(ctx), tracked, seconds)
    except GatewayError as error:
        raise CommandFailed(f"cannot trend {item}: {error}") from None
    line = sparkline(values, width)
    data = {
        "item": tracked.name,
        "tag": tracked.tag_reference,
        "seconds": seconds,
        "count": len(values),
        "min": min(values),
        "max": max(values),
        "last": values[-1],
        "sparkline": line,
        "values": values,
    }
    text = (
        f"{tracked.name} {line} min {min(values):.6g} max {max(values):.6g} "
        f"last {values[-1]:.6g} ({len(values)} value(s) in {seconds:g} s)"
    )
    return Text(text, data=data)


async def collect(session: ShellSession, item: TrackedItem, seconds: float) -> list[float]:
    """The item's values as they change over `seconds` (the latest of each event batch).

    Stops at the first value that is not a number, with CommandFailed saying so.
    """
    values: list[float] = []
    refused: list[str] = []
    stop = asyncio.Event()
    seen = item.change_count

    def take() -> None:
        number = as_number(item.value)
        if number is not None:
            values.append(number)
        elif item.value is not None:
            refused.append(f"{item.name} is not numeric: its value is {describe(item.value)}")
            stop.set()

    def on_events(events: Any) -> None:
        nonlocal seen
        if item.change_count != seen:
            seen = item.change_count
            take()

    if seen:
        take()
    session.add_listener(on_events)
    try:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await stop.wait()
    finally:
        session.remove_listener(on_events)
    if refused:
        raise CommandFailed(refused[0] + "; trend draws numbers only")
    if not values:
        raise CommandFailed(f"no value for {item.name} within {seconds:g} s")
    return values


def as_number(value: Any) -> float | None:
    if isinstance(value, bool | int | float):
        return float(value)
    return None


def describe(value: Any) -> str:
    """`a string, '%'`: the kind of a value and (the start of) the value itself."""
    kind = KINDS.get(type(value), f"a {type(value).__name__}")
    text = repr(value)
    return f"{kind}, {text if len(text) <= 40 else text[:37] + '...'}"


KINDS = {str: "a string", list: "an array", bytes: "bytes", datetime: "a timestamp"}


@hookimpl
def register_commands(register: Any) -> None:
    register(list(trend_family))
