"""The bulk family's read-bulk: current values of many tags, cached or read now."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import aclosing
from typing import Any

from mxshell_plugins.bulk.steps import (
    ALLOW_PARTIAL,
    BULK_READ,
    BulkReport,
    entry_status,
    new_run,
    report,
    require,
    tags_arg,
)

from mxshell.api import CommandSet, ShellContext, Table, UsageError, arg, session_of
from mxshell.api.bulk import (
    READ_CALL_ENTRIES,
    READS_IN_FLIGHT,
    EntryResult,
    count_failed,
    read_tags,
)
from mxshell.api.conversion import quality_text, refusals
from mxshell.api.gateway import kind_value, mx, types, utc_datetime
from mxshell.api.items import SERVER_HANDLE
from mxshell.api.output import LazyRows
from mxshell.api.tag_input import references

bulk = CommandSet("bulk")


READ_COLUMNS = ["tag", "value", "quality", "timestamp", "cached", "ok", "status"]
# 'Good (192)' and the like: a read of 10,000 tags sees a handful of qualities.
_QUALITY_TEXTS: dict[int, str | None] = {}
# Called unbound in read-bulk's loop, which saves building a bound method per entry.
_which = types.MxValue.WhichOneof
_has = mx.BulkReadResult.HasField


def _quality(quality: int) -> str | None:
    text = _QUALITY_TEXTS[quality] = quality_text(quality)
    return text


def _rows_of(answered: list[tuple[Sequence[str], Sequence[Any]]]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for tags, answers in answered:
        _read_rows(tags, answers, rows.append)
    return rows


def _read_rows(
    tags: Sequence[str], answers: Sequence[Any], append: Callable[[tuple[Any, ...]], None]
) -> None:
    """Append a row for each tag's answer (a BulkReadResult, or the EntryResult of an
    entry not sent).

    One pass, names bound once: this loop runs for each of 10,000 entries. An entry that
    went well needs no EntryResult, only its row. Each access of a sub-message (value,
    timestamp) builds a Python wrapper, so each is read once, and a timestamp with a
    second or nanosecond set needs no HasField. Rows are tuples: the collector stops
    tracking them, which it cannot do for lists."""
    qualities = _QUALITY_TEXTS
    for tag, read in zip(tags, answers, strict=True):
        if isinstance(read, EntryResult) or not read.was_successful:
            verdict = read if isinstance(read, EntryResult) else EntryResult(tag, None, False, read)
            append((tag, None, None, None, None, False, entry_status(verdict)))
            continue
        value, stamp, quality = read.value, read.timestamp, read.quality
        seconds, nanos = stamp.seconds, stamp.nanos
        append(
            (
                tag,
                kind_value(value, _which(value, "kind")),
                qualities.get(quality) or _quality(quality),
                utc_datetime(seconds, nanos)
                if seconds or nanos or _has(read, "timestamp")
                else None,
                read.was_cached,
                True,
                "Ok",
            )
        )


@bulk.command(
    "read-bulk",
    help="Read many current values with ReadBulk; no item is left behind.\n"
    "A tag the session already advises answers from its latest value (cached: true) "
    "without disturbing the advise; others wait up to --timeout-ms each for a first value. "
    f"A large read goes as calls of up to {READ_CALL_ENTRIES:,} tags (fewer when the gateway "
    f"allows fewer), up to {READS_IN_FLIGHT} at the gateway at once; the rows keep the "
    "tags' order.",
    args=[
        tags_arg(),
        arg(
            "--timeout-ms",
            type="int",
            default=0,
            help="how long each tag may wait for its value, in ms (default: the gateway's)",
        ),
        SERVER_HANDLE,
        ALLOW_PARTIAL,
    ],
    needs_session=True,
)
async def read_bulk(
    ctx: ShellContext,
    tags: list[str],
    timeout_ms: int = 0,
    server_handle: int | None = None,
    allow_partial: bool = False,
) -> BulkReport:
    session = session_of(ctx)
    require(session, BULK_READ, "bulk reads", "read TAG...")
    if timeout_ms < 0:
        raise UsageError("--timeout-ms cannot be negative (0 is the gateway's default)")
    found = await references(ctx, tags, resolve=True)
    with refusals():
        registration = await session.ensure_registration(server_handle)
    run = new_run(ctx, "read-bulk", len(found))
    kept: list[tuple[Sequence[str], Sequence[Any]]] = []
    failed = 0
    with refusals():
        # The calls overlap; only the failures are counted now. The answers become rows
        # when the table is first shown, once (a reply's values and timestamps are most of
        # a read's own cost, and a run that never shows them never pays it).
        async with aclosing(read_tags(run, registration, found, timeout_ms)) as answered:
            async for chunk, answers in answered:
                kept.append((chunk, answers))
                failed += count_failed(answers)
    table = Table(READ_COLUMNS, LazyRows(len(found), len(READ_COLUMNS), lambda: _rows_of(kept)))
    return report(ctx, "read-bulk", table, len(found), failed, run, allow_partial)
