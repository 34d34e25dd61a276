"""The MXAccess family's read: every tag given, each with its value, quality and status."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from mxshell.api import (
    CommandFailed,
    CommandSet,
    ShellContext,
    ShellSession,
    Table,
    TrackedItem,
    arg,
    give_back,
    session_of,
    until,
)
from mxshell.api.conversion import quality_text, refusals, shown_value
from mxshell.api.items import ITEM_HELP, find_or_add
from mxshell.api.readings import Reading, read_unheld, unheld_tag
from mxshell.api.tag_input import references

mxaccess = CommandSet("mxaccess")


READ_COLUMNS = ["tag", "value", "quality", "timestamp"]


@mxaccess.command(
    "read",
    help="Read current values: value, quality and timestamp of each TAG.\n"
    "Tags the session holds no item of are read with one ReadBulk where the gateway offers "
    "bulk reads (nothing added, nothing left behind); otherwise the command adds and advises "
    "what it must, waits for the first OnDataChange, then removes the items it added and "
    "unadvises what it advised. Items that were already advised are left as they are (their "
    "latest value is shown). TAGS may be globs over the Galaxy "
    "('Tank*.Level') and @FILEs, as for read-bulk. Every tag gets a row: when one fails "
    "(unknown, refused, no value within --timeout) the others are still read, the rows "
    "get a status column saying why, and the command fails (exit status 1).",
    args=[
        arg("tags", nargs="+", is_tag=True, completer="item", help=ITEM_HELP),
        arg("--timeout", type="duration", default=5.0, help="how long to wait (default 5s)"),
    ],
    needs_session=True,
)
async def read(ctx: ShellContext, tags: list[str], timeout: float = 5.0) -> Table:
    session = session_of(ctx)
    found = await references(ctx, tags)
    # Tags the session holds no item of: one ReadBulk where the gateway offers it.
    unheld = [unheld_tag(ctx, ref) for ref in found]
    bulk_tags = [tag for tag in unheld if tag is not None]
    added: list[TrackedItem] = []
    advised: list[TrackedItem] = []
    rows: list[list[Any]] = []
    try:
        readings = iter(await read_unheld(session, bulk_tags, timeout) if bulk_tags else [])
        entries = [
            None if tag is not None else await _read_entry(ctx, session, ref, added, advised)
            for ref, tag in zip(found, unheld, strict=True)
        ]
        owed = [entry for entry in entries if entry is not None and entry.owed]
        await until(session, lambda: not any(entry.owed for entry in owed), timeout)
        rows = [_row(next(readings)) if e is None else e.row(timeout) for e in entries]
        for row in rows:
            row[1] = await shown_value(ctx, row[0], row[1])
    finally:
        await give_back(ctx, session, added, advised)
    failed = [row for row in rows if row[-1] != "Ok"]
    if not failed:
        return Table(READ_COLUMNS, [row[:-1] for row in rows])
    table = Table([*READ_COLUMNS, "status"], rows)
    if len(rows) == 1:
        raise CommandFailed(failed[0][-1], result=table)
    first = f"{failed[0][0]}: {failed[0][-1]}"
    raise CommandFailed(f"{len(failed)} of {len(rows)} tags failed (first {first})", result=table)


def _row(reading: Reading) -> list[Any]:
    if reading.problem is not None:
        return [reading.tag_reference, None, None, None, reading.problem]
    quality = quality_text(reading.quality)
    return [reading.tag_reference, reading.value, quality, reading.timestamp, "Ok"]


@dataclass
class ReadEntry:
    """One tag of a read: its item, or why there is none; `before` is the item's change
    count when the read began waiting for it (None: its latest value will do)."""

    name: str
    item: TrackedItem | None = None
    problem: str | None = None
    before: int | None = None

    @property
    def owed(self) -> bool:
        """Still waiting for a first value."""
        return (
            self.item is not None
            and self.before is not None
            and (self.item.change_count <= self.before)
        )

    def row(self, timeout: float) -> list[Any]:
        item = self.item
        if item is None:
            return [self.name, None, None, None, self.problem or "failed"]
        if self.owed:
            return [self.name, None, None, None, f"no value within {timeout:g}s"]
        return [self.name, item.value, quality_text(item.quality), item.timestamp, "Ok"]


async def _read_entry(
    ctx: ShellContext,
    session: ShellSession,
    reference: str,
    added: list[TrackedItem],
    advised: list[TrackedItem],
) -> ReadEntry:
    try:
        item, was_added = await find_or_add(ctx, reference)
    except CommandFailed as error:
        return ReadEntry(reference, problem=str(error))
    if was_added:
        added.append(item)
    if item.lost is not None:
        return ReadEntry(item.tag_reference, problem=f"not restored after a reconnect: {item.lost}")
    if item.advise == "none":
        before = item.change_count
        item.borrowed = True  # the read's own advise: no event lines above its table
        try:
            with refusals(item.tag_reference):
                await session.advise(item)
        except CommandFailed as error:
            item.borrowed = False  # not advised: nothing of the read's to keep quiet
            return ReadEntry(item.tag_reference, problem=str(error))
        except asyncio.CancelledError:
            advised.append(item)  # the advise may have reached the gateway: give it back
            raise
        advised.append(item)
        return ReadEntry(item.tag_reference, item, before=before)
    return ReadEntry(item.tag_reference, item, before=0 if item.change_count == 0 else None)
