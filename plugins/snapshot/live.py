"""The live side of snapshots: tags read now with ReadBulk (many per call), and values
written back with WriteBulk, each write sent once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import aclosing
from typing import Any

from mxshell_plugins.snapshot.files import TagState

from mxshell.api import CommandFailed, EntryResult, ShellContext, TrackedItem, session_of
from mxshell.api.bulk import (
    BulkRun,
    Credentials,
    WriteEntry,
    add_items,
    item_calls,
    read_tags,
    user_ids,
    write_items,
)
from mxshell.api.conversion import refusals
from mxshell.api.gateway import describe_status, kind_value, mx_value_kind, utc_text

BULK_READ = "bulk-read-commands"
BULK_WRITE = "bulk-write-commands"


def require(ctx: ShellContext, capability: str, what: str) -> None:
    if capability not in session_of(ctx).capabilities:
        raise CommandFailed(
            f"this gateway does not offer {what} (no {capability} capability in its session)"
        )


def why(result: EntryResult) -> str:
    """Why an entry failed: the gateway's words and its failed statuses."""
    codes = [describe_status(s) for s in result.statuses if s.success == 0]
    text = result.message or "failed"
    return f"{text} ({'; '.join(codes)})" if codes else text


def read_state(tag: str, read: Any) -> TagState:
    """A TagState from one ReadBulk answer (or the EntryResult of an entry not sent); its
    time in the shape tables show (the `timestamps` setting)."""
    if isinstance(read, EntryResult):
        return TagState(tag, ok=False, status=why(read))
    if not read.was_successful:
        return TagState(tag, ok=False, status=why(EntryResult(tag, None, False, read)))
    value, stamp = read.value, read.timestamp
    moment = utc_text(stamp.seconds, stamp.nanos) if read.HasField("timestamp") else None
    return TagState(
        tag, kind_value(value, value.WhichOneof("kind")), mx_value_kind(value), read.quality, moment
    )


async def read_live(ctx: ShellContext, tags: Sequence[str]) -> tuple[list[TagState], int]:
    """The tags as they read now, in order, and how many bulk calls that took."""
    states: list[TagState] = []

    def convert(chunk: Sequence[str], answers: Sequence[Any]) -> None:
        states.extend(read_state(t, a) for t, a in zip(chunk, answers, strict=True))

    calls = await read_answers(ctx, tags, convert)
    return states, calls


async def read_answers(
    ctx: ShellContext, tags: Sequence[str], on_chunk: Callable[[Sequence[str], Any], None]
) -> int:
    """Read the tags, handing each call's (tags, answers) to `on_chunk` as it comes (a
    file written while reading goes on); how many bulk calls that took."""
    session = session_of(ctx)
    require(ctx, BULK_READ, "bulk reads")
    with refusals():
        registration = await session.ensure_registration()
    run = BulkRun(session)
    with refusals():
        async with aclosing(read_tags(run, registration, list(tags), 0)) as answered:
            async for chunk, answers in answered:
                on_chunk(chunk, answers)
    return run.calls


async def write_back(
    ctx: ShellContext,
    planned: Sequence[tuple[str, Any]],
    credentials: Credentials | None = None,
) -> list[EntryResult]:
    """WriteBulk of (tag, MxValue) pairs (WriteSecuredBulk as `credentials` say), never
    retried; items this adds to do it are removed again afterwards. One EntryResult per
    pair, in order."""
    session = session_of(ctx)
    require(ctx, BULK_WRITE, "bulk writes")
    secrets = credentials.secrets if credentials else []
    with refusals(None, secrets):
        registration = await session.ensure_registration()
    users = await user_ids(session, registration.handle, credentials) if credentials else None
    run = BulkRun(session)
    slots: list[TrackedItem | str] = []
    for tag, _ in planned:
        item = session.items.find(tag)
        slots.append(item if item is not None and item.lost is None else tag)
    to_add = list(dict.fromkeys(s for s in slots if isinstance(s, str)))
    added: dict[str, EntryResult] = {}
    if to_add:
        with refusals():
            answers = await add_items(run, registration, to_add, advise=False)
        added = dict(zip(to_add, answers, strict=True))
    results: list[EntryResult | None] = [None] * len(planned)
    entries: list[tuple[int, WriteEntry]] = []
    for index, ((tag, value), slot) in enumerate(zip(planned, slots, strict=True)):
        item = slot if isinstance(slot, TrackedItem) else added[slot].item
        if item is None:  # the gateway refused to add it: its answer says why
            results[index] = added[tag]
            continue
        entries.append((index, WriteEntry(item, value, None)))
    try:
        with refusals(None, secrets):
            if users is None:
                written = await write_items(run, [e for _, e in entries], "write")
            else:
                written = await write_items(run, [e for _, e in entries], "write_secured", users)
        for (index, _), result in zip(entries, written, strict=True):
            results[index] = result
    finally:
        mine = [r.item for r in added.values() if r.ok and r.item is not None]
        if mine and session.connected:
            for removed in await item_calls(BulkRun(session), mine, "remove"):
                if not removed.ok:
                    ctx.notify(f"could not remove {removed.reference} again: {why(removed)}")
    return [r if r is not None else EntryResult.refused("?", "not sent") for r in results]
