"""Checks for command files and the prompt: assert, expect and wait-for."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from mxshell_plugins.scripting.waiting import wait_held

from mxshell.api import (
    CommandFailed,
    CommandSet,
    ShellContext,
    Text,
    TrackedItem,
    UsageError,
    arg,
    give_back,
    session_of,
)
from mxshell.api.commands import (
    QUALITY_CLASSES,
    Condition,
    parse_comparison,
    parse_condition,
    quality_accepted,
)
from mxshell.api.conversion import quality_text, refusals
from mxshell.api.items import find_or_add, first_values, item_arg
from mxshell.api.output import format_value, scrub
from mxshell.api.readings import Reading, read_unheld, unheld_tag

scripting = CommandSet("scripting")
Seen = TrackedItem | Reading  # what a check looks at: an item's latest value, or one read

CONDITION = arg(
    "condition",
    metavar="OP VALUE",
    nargs="*",
    help="== != < <= > >= and a value (read as the item's type), or between LOW HIGH",
)
MESSAGE = arg("--message", "-m", metavar="TEXT", help="what to say when the check fails")
TOLERANCE = arg(
    "--tolerance",
    metavar="T",
    help="with == and != on numbers: how far off still counts as equal (0.5, or 2%)",
)
QUALITY = arg(
    "--quality",
    choices=QUALITY_CLASSES,
    default="good",
    help="the quality the value must have: good (the default: 192, 216), uncertain, bad, any",
)
# What expect and wait-for both take: the item, its condition, and how to check it.
ITEM_CHECK = [item_arg(), CONDITION, MESSAGE, TOLERANCE, QUALITY]


@scripting.command(
    "assert",
    help="Fail unless a comparison holds: assert ${level.value} > 20 -m 'tank too low'.\n"
    "Both sides are compared as numbers when both are numbers; otherwise as text, with "
    "== or != only. Also VALUE between LOW HIGH (inclusive) and VALUE == VALUE "
    "--tolerance T (a number, or N% of the second value).",
    args=[
        arg("words", metavar="VALUE OP VALUE", nargs="+", help="the comparison"),
        MESSAGE,
        TOLERANCE,
    ],
)
async def assert_command(
    ctx: ShellContext, words: list[str], message: str | None = None, tolerance: str | None = None
) -> Text:
    extra = ["--tolerance", tolerance] if tolerance is not None else []
    comparison = parse_comparison([*words, *extra], "assert VALUE OP VALUE")
    said = _typed(ctx, str(comparison))
    data = {"condition": said, "message": message}
    if not comparison.holds():
        failed = Text("", {"ok": False, **data})
        raise CommandFailed(_failed(message, f"{said} does not hold"), result=failed)
    return Text(f"ok: {said}", {"ok": True, **data})


@asynccontextmanager
async def advised(ctx: ShellContext, reference: str) -> AsyncIterator[TrackedItem]:
    """The item a reference names, advised for the duration of the block; what the block
    added or advised is removed or unadvised afterwards, as read does."""
    session = session_of(ctx)
    added: list[TrackedItem] = []
    advised_here: list[TrackedItem] = []
    try:
        item, was_added = await find_or_add(ctx, reference)
        if was_added:
            added.append(item)
        if item.lost is not None:
            raise CommandFailed(f"{item.name} was not restored after a reconnect: {item.lost}")
        if item.advise == "none":
            try:
                with refusals(item.tag_reference):
                    await session.advise(item)
            except asyncio.CancelledError:
                advised_here.append(item)  # the advise may have reached the gateway
                raise
            advised_here.append(item)
        yield item
    finally:
        await give_back(ctx, session, added, advised_here)


@scripting.command(
    "expect",
    help="Fail unless an item's current value meets a condition: expect Pump1.Running == true.\n"
    "Reads the item (waiting up to --timeout for its first value) and checks once; "
    "wait-for waits for the condition instead. The value's quality must be good unless "
    "--quality says otherwise; `expect ITEM --quality bad` checks the quality alone.",
    args=[
        *ITEM_CHECK,
        arg("--timeout", type="duration", default=5.0, help="wait for a value (default 5s)"),
    ],
    needs_session=True,
)
async def expect(
    ctx: ShellContext,
    item: str,
    condition: list[str],
    message: str | None = None,
    tolerance: str | None = None,
    quality: str = "good",
    timeout: float = 5.0,
) -> Text:
    check = Check.parse(condition, tolerance, quality, "expect ITEM [OP VALUE] [--quality Q]")
    started = time.monotonic()
    session = session_of(ctx)
    tag = unheld_tag(ctx, item)
    if tag is not None:  # one ReadBulk: nothing added, nothing to give back
        (found,) = await read_unheld(session, [tag], timeout)
        if found.timed_out:
            raise CommandFailed(f"no value for {found.tag_reference} within {timeout:g}s")
        if found.problem is not None:
            raise CommandFailed(found.problem)
        return _judged(ctx, found, check, started, message)
    async with advised(ctx, item) as held:
        if held.change_count == 0:
            await first_values(session, [(held, 0)], timeout)
        return _judged(ctx, held, check, started, message)


def _judged(
    ctx: ShellContext, found: Seen, check: Check, started: float, message: str | None
) -> Text:
    """expect's verdict on what it read: met, or CommandFailed saying what was seen."""
    if not check.accepts(found.value, found.quality):
        raise CommandFailed(
            _failed(message, f"{_now(ctx, found)}; {check.why_not(ctx, found)}"),
            result=_observed(ctx, found, check, message),
        )
    return _met(ctx, found, check, time.monotonic() - started, message)


@scripting.command(
    "wait-for",
    help="Wait until an item's value meets a condition: wait-for Tank1.Level > 20 --timeout 30.\n"
    "Advises the item (a tag is added first) and checks every data change; fails when "
    "--timeout passes first, showing the last value. With --stable S the condition must "
    "hold without a break for S seconds (a break restarts the clock). The quality must be "
    "good unless --quality says otherwise. Ctrl-C stops waiting.",
    args=[
        *ITEM_CHECK,
        arg("--stable", type="duration", help="how long the condition must hold unbroken"),
        arg("--timeout", type="duration", default=10.0, help="how long in all (default 10s)"),
    ],
    needs_session=True,
)
async def wait_for(
    ctx: ShellContext,
    item: str,
    condition: list[str],
    message: str | None = None,
    tolerance: str | None = None,
    quality: str = "good",
    stable: float | None = None,
    timeout: float = 10.0,
) -> Text:
    usage = "wait-for ITEM OP VALUE [--stable S] [--timeout S]"
    check = Check.parse(condition, tolerance, quality, usage)
    if stable is not None and not 0 < stable <= timeout:
        raise UsageError(f"--stable {stable:g}s must be above 0 and at most --timeout", usage)
    started = time.monotonic()
    async with advised(ctx, item) as found:
        held = await wait_held(
            session_of(ctx), found, check.accepts, timeout=timeout, stable=stable or 0.0
        )
        if not held.met:
            shown = (
                _now(ctx, found) if found.change_count else f"{found.tag_reference} had no value"
            )
            what = f"{check.describe(ctx)} held {stable:g}s" if stable else check.describe(ctx)
            longest = f"; it held {held.longest_s:.1f}s at most" if stable else ""
            raise CommandFailed(
                _failed(message, f"{what} not met within {timeout:g}s ({shown}{longest})"),
                result=_observed(ctx, found, check, message),
            )
    return _met(ctx, found, check, time.monotonic() - started, message)


@dataclass(frozen=True)
class Check:
    """What expect and wait-for check: a condition on the value (or none), and a quality."""

    condition: Condition | None
    quality: str

    @classmethod
    def parse(cls, words: list[str], tolerance: str | None, quality: str, usage: str) -> Check:
        if not words:
            if tolerance is not None:
                raise UsageError("--tolerance needs OP VALUE", usage)
            return cls(None, quality)
        return cls(parse_condition(words, tolerance, usage), quality)

    def accepts(self, value: Any, quality: int | None) -> bool:
        if not quality_accepted(quality, self.quality):
            return False
        return self.condition is None or self.condition.holds(value)

    def describe(self, ctx: ShellContext) -> str:
        """The condition as typed; the quality too when it is not the default (good)."""
        parts = [_typed(ctx, str(self.condition))] if self.condition else []
        if self.quality != "good" or not parts:
            parts.append(f"quality {self.quality}")
        return " with ".join(parts)

    def why_not(self, ctx: ShellContext, item: Seen) -> str:
        """What failed: the quality (said first, as a bad value means little) or the value."""
        if not quality_accepted(item.quality, self.quality):
            shown = quality_text(item.quality) or "none"
            return f"quality {shown} is not {self.quality}"
        return f"expected {self.describe(ctx)}"


def _now(ctx: ShellContext, item: Seen) -> str:
    """What the item holds now: value, quality and timestamp."""
    text = f"{item.tag_reference} is {item.value!r}"
    quality = quality_text(item.quality)
    if quality:
        text += f", {quality}"
    if item.timestamp is not None:
        text += f", at {format_value(item.timestamp, ctx.settings)}"
    return text


def _observed(ctx: ShellContext, item: Seen, check: Check, message: str | None) -> Text:
    """What a failed check saw, as data for JSON (the failure line says it in text)."""
    return Text(
        "",
        {
            "ok": False,
            "item": item.tag_reference,
            "expected": check.describe(ctx),
            "value": item.value,
            "quality": quality_text(item.quality),
            "timestamp": item.timestamp,
            "message": message,
        },
    )


def _typed(ctx: ShellContext, text: str) -> str:
    """Text the user typed, as a result carries it: a secret in it (`== ${pw}`) masked.
    (Values are masked where they equal a secret; text that merely holds one is not a
    value, so it is masked here, where it is made.)"""
    return scrub(text, ctx.variables.secret_values())


def _met(ctx: ShellContext, item: Seen, check: Check, waited: float, message: str | None) -> Text:
    said = check.describe(ctx)
    return Text(
        f"ok: {item.tag_reference} {said} (value {item.value!r}, after {waited:.2f}s)",
        {
            "ok": True,
            "item": item.tag_reference,
            "condition": said,
            "value": item.value,
            "quality": quality_text(item.quality),
            "timestamp": item.timestamp,
            "waited_s": round(waited, 3),
            "message": message,
        },
    )


def _failed(message: str | None, detail: str) -> str:
    return f"{message} ({detail})" if message else detail
