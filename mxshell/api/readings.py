"""Current values read once, for commands that look at a value and move on (`read`,
`expect`): where the gateway offers bulk reads, the tags the session holds no item of are
read with ReadBulk, one call for all of them, in place of adding, advising, waiting for
the first OnDataChange, unadvising and removing each (four calls a tag). Nothing is added
and nothing is left behind; a tag the session already holds is read through its item, as
before, so its advise is never disturbed."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mxshell.api.context import ShellContext
from mxshell.api.conversion import refusal_text, refusals
from mxshell.api.items import session_of
from mxshell.api.shell_session import ShellSession
from mxshell.base.errors import ShellError
from mxshell.gateway import from_mx_value
from mxshell.gateway.status import hresult_unsigned
from mxshell.gateway.value_decode import timestamp_datetime
from mxshell.session.batches import BulkRun, EntryResult, read_tags

BULK_READ = "bulk-read-commands"
ERROR_TIMEOUT = 0x800705B4


@dataclass(frozen=True)
class Reading:
    """A tag's value as one read found it, in the shape of an item's latest value; or
    why there is none (`problem`)."""

    tag_reference: str
    value: Any = None
    quality: int | None = None
    timestamp: datetime | None = None
    problem: str | None = None
    timed_out: bool = False  # the problem: no value came within the read's timeout


def reads_in_bulk(session: ShellSession, reference: str) -> bool:
    """Whether `read_unheld` reads this reference: the gateway offers bulk reads, the
    session holds no item (tag, alias or handle) of that name, and it looks like a tag
    reference (a word that does not is left to the item path's clear error)."""
    text = reference.strip()
    return (
        BULK_READ in session.capabilities
        and "." in text
        and not text.lstrip("#").isdecimal()
        and session.items.find(reference) is None
    )


def unheld_tag(ctx: ShellContext, reference: str) -> str | None:
    """The tag `read_unheld` should read for what the user typed, or None when the item
    path takes it: no bulk reads, not a tag reference, not resolvable here (`.Level`
    before any `cd`: the item path says why in its row), or a tag the session holds."""
    session = session_of(ctx)
    if not reads_in_bulk(session, reference):
        return None
    try:
        tag = ctx.resolve_tag(reference)
    except ShellError:
        return None
    return tag if session.items.find(tag) is None else None


async def read_unheld(session: ShellSession, tags: Sequence[str], timeout: float) -> list[Reading]:
    """ReadBulk of tag references (resolved, none of them an item of the session), each
    waiting up to `timeout` seconds for its value; a Reading for each, in order."""
    with refusals():
        registration = await session.ensure_registration()
    readings: list[Reading] = []
    timeout_ms = max(1, round(timeout * 1000))
    with refusals():
        async with aclosing(
            read_tags(BulkRun(session), registration, list(tags), timeout_ms)
        ) as answered:
            async for chunk, answers in answered:
                readings += [_reading(t, a, timeout) for t, a in zip(chunk, answers, strict=True)]
    return readings


def _reading(tag: str, answer: Any, timeout: float) -> Reading:
    if isinstance(answer, EntryResult):
        return Reading(tag, problem=answer.message or "not read")
    if hresult_unsigned(answer.hresult) == ERROR_TIMEOUT:
        return Reading(tag, problem=f"no value within {timeout:g}s", timed_out=True)
    if not answer.was_successful:
        why = refusal_text("ReadBulk", tag, answer.error_message, answer.hresult, answer.statuses)
        return Reading(tag, problem=why)
    return Reading(
        tag,
        from_mx_value(answer.value),
        answer.quality,
        timestamp_datetime(answer.timestamp) if answer.HasField("timestamp") else None,
    )
