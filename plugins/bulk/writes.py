"""The bulk family's writes: write-bulk, write2-bulk, write-secured-bulk,
write-secured2-bulk. A write is never sent twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from mxshell_plugins.bulk.steps import (
    ALLOW_PARTIAL,
    BULK_WRITE,
    BulkReport,
    Slot,
    distinct,
    entry_status,
    item_label,
    new_run,
    report,
    require,
    tag_slots,
)

from mxshell.api import (
    CommandFailed,
    CommandSet,
    ShellContext,
    ShellSession,
    Table,
    TrackedItem,
    UsageError,
    arg,
    from_mx_value,
    session_of,
)
from mxshell.api.bulk import (
    BulkRun,
    Credentials,
    EntryResult,
    WriteMethod,
    add_items,
    item_calls,
    user_ids,
    write_values,
)
from mxshell.api.conversion import (
    BadValueText,
    convert_text,
    convert_texts,
    declared_type,
    parse_timestamp,
    refusals,
)
from mxshell.api.gateway import mx_value_kind
from mxshell.api.items import SECURED_ARGS, SERVER_HANDLE, TYPE
from mxshell.api.output import LazyRows
from mxshell.api.tag_input import Assignments, write_assignments

bulk = CommandSet("bulk")


WRITE_COLUMNS = ["tag", "item", "value", "type", "ok", "status"]
WRITES_HELP = "TAG=VALUE (ITEM=VALUE), or @FILE of TAG=VALUE lines or CSV (tag,value[,type])"
Timing = Literal["none", "timed"]


@dataclass
class Plan:
    """The writes as planned, one list per column (a file of 10,000 lines makes no object
    per write): the entries as read, each one's slot, and its value (MxValues: a
    ScalarColumn when one type was given) and timestamp (None for an untimed write),
    checked beforehand."""

    writes: Assignments
    slots: list[Slot]
    others: list[int]  # the slots that are not items: tags to add, entries refused here
    values: Sequence[Any]
    moments: list[datetime | None] | None


async def _write(
    ctx: ShellContext, name: str, method: WriteMethod, options: dict[str, Any]
) -> BulkReport:
    session = session_of(ctx)
    require(session, BULK_WRITE, "bulk writes", "write for each item")
    timed = method in ("write2", "write_secured2")
    plan = await plan_writes(ctx, options["entries"], options, timed)
    secured = method in ("write_secured", "write_secured2")
    credentials = await Credentials.asked(ctx, options) if secured else None
    secrets = credentials.secrets if credentials else []
    with refusals(None, secrets):
        registration = await session.ensure_registration(options.get("server_handle"))
        users = await user_ids(session, registration.handle, credentials) if credentials else None
    run = new_run(ctx, name, len(plan.slots))
    # Most writes name items there already: only the other slots (tags to add, entries
    # refused here) are looked at again.
    others = plan.others
    to_add = list(dict.fromkeys(s for s in (plan.slots[i] for i in others) if isinstance(s, str)))
    with refusals(None, secrets):
        added_items = await add_items(run, registration, to_add, advise=False)
    added = {
        tag: outcome.item if outcome.ok and outcome.item else outcome
        for tag, outcome in zip(to_add, added_items, strict=True)
    }
    found = list(plan.slots) if added else plan.slots
    for index in others:
        slot = found[index]
        if isinstance(slot, str):
            found[index] = added[slot]
    everything = all(isinstance(found[index], TrackedItem) for index in others)
    sending: Sequence[int] = range(len(found))
    if not everything:  # some entries refused beforehand: the others are sent
        sending = [index for index, slot in enumerate(found) if isinstance(slot, TrackedItem)]
    items = cast(list[TrackedItem], found) if everything else [found[index] for index in sending]
    try:
        with refusals(None, secrets):
            written = await write_values(
                run,
                items,
                plan.values if everything else _picked(plan.values, sending),
                method,
                users,
                None if plan.moments is None else [plan.moments[index] for index in sending],
            )
    except BaseException:  # the whole write failed (a scope, the connection): undo the adds
        await give_back_failed(ctx, session, to_add, added_items, everything=True)
        raise
    # Every slot not sent holds its entry's refusal (an EntryResult): the sent ones'
    # places take their writes' results.
    results: Sequence[EntryResult] = written
    if not everything:
        merged = cast(list[EntryResult], list(found))
        for index, result in zip(sending, written, strict=True):
            merged[index] = result
        results = merged
    failed = (
        [written[index] for index in written.failed]
        if everything
        else [result for result in results if not result.ok]
    )
    await give_back_failed(ctx, session, to_add, failed)
    # The rows are built when the table is first shown, once (see read-bulk).
    rows = LazyRows(len(results), len(WRITE_COLUMNS), lambda: _write_rows(plan, results, method))
    table = Table(WRITE_COLUMNS, rows)
    return report(ctx, name, table, len(results), len(failed), run, options["allow_partial"])


def _picked(values: Sequence[Any], indexes: Sequence[int]) -> list[Any]:
    return [values[index] for index in indexes]


def _write_rows(
    plan: Plan, results: Sequence[EntryResult], method: WriteMethod
) -> list[tuple[Any, ...]]:
    rows = []
    for tag, value, result in zip(plan.writes.tags, plan.values, results, strict=True):
        sent = from_mx_value(value) if value is not None else None
        kind = mx_value_kind(value) if value is not None else None
        status = entry_status(result, method)
        rows.append((tag, item_label(result.item), sent, kind, result.ok, status))
    return rows


async def plan_writes(
    ctx: ShellContext, words: Sequence[str], options: dict[str, Any], timed: bool
) -> Plan:
    """Every entry resolved and its value converted and checked before anything is sent:
    one bad value stops the whole batch with its FILE:LINE, and nothing is written."""
    writes = await write_assignments(ctx, words)
    if not writes.tags:
        raise CommandFailed("no entries to write")
    found, others = await tag_slots(ctx, writes.tags, adds=True)
    moments = _moments(writes, options.get("timestamp"), timed)
    given = options.get("type")
    if given and not any(writes.type_names):  # most files: one type for all, one pass
        together = _converted_texts(writes, range(len(found)), given)
        return Plan(writes, found, others, together, moments)
    values: list[Any] = [None] * len(found)
    # The entries of a type given (--type, a CSV type column) are converted together,
    # a pass per type; the others one by one, by the type their tag declares or holds.
    by_type: dict[str, list[int]] = {}
    for index, type_name in enumerate(writes.type_names):
        type_name = type_name or given
        if type_name:
            by_type.setdefault(type_name, []).append(index)
        else:
            values[index] = await _converted(ctx, writes, index, found[index])
    for type_name, indexes in by_type.items():
        for index, value in zip(indexes, _converted_texts(writes, indexes, type_name), strict=True):
            values[index] = value
    return Plan(writes, found, others, values, moments)


def _converted_texts(writes: Assignments, indexes: Sequence[int], type_name: str) -> Sequence[Any]:
    """The values of these entries, of one type given, converted together."""
    texts = writes.values
    try:
        return convert_texts(
            texts if len(indexes) == len(texts) else [texts[index] for index in indexes], type_name
        )
    except BadValueText as error:
        index = indexes[error.index]
        place = writes.where(index) or writes.tags[index]
        raise CommandFailed(f"{place}: {error}; nothing was written") from None


def _moments(writes: Assignments, default: str | None, timed: bool) -> list[datetime | None] | None:
    """Each entry's timestamp, read and checked: every entry of a timed write has one, an
    untimed write none (None)."""
    if not timed and not default and not any(writes.timestamps):
        return None
    moments: list[datetime | None] = []
    for index, own in enumerate(writes.timestamps):
        stamp = own or default
        place = writes.where(index) or writes.tags[index]
        if stamp and not timed:
            raise UsageError(f"{place}: a timestamp is for write2-bulk or write-secured2-bulk")
        if timed and not stamp:
            raise UsageError(f"{place}: no timestamp; give --timestamp or a timestamp column")
        try:
            moments.append(parse_timestamp(stamp) if stamp else None)
        except CommandFailed as error:
            raise CommandFailed(f"{place}: {error}; nothing was written") from None
    return moments


async def _converted(ctx: ShellContext, writes: Assignments, index: int, slot: Slot) -> Any:
    """The value of an entry without a type given: as its tag's declared type, else as
    its item's current value, else as the text reads."""
    current = slot.value if isinstance(slot, TrackedItem) else None
    tag = slot.tag_reference if isinstance(slot, TrackedItem) else writes.tags[index]
    try:
        return convert_text(writes.values[index], None, current, tag, await declared_type(ctx, tag))
    except CommandFailed as error:
        place = writes.where(index) or writes.tags[index]
        raise CommandFailed(f"{place}: {error}; nothing was written") from None


async def give_back_failed(
    ctx: ShellContext,
    session: ShellSession,
    added: Sequence[str],
    results: Sequence[EntryResult],
    *,
    everything: bool = False,
) -> None:
    """Remove the items this batch added for the writes among `results` that failed (for
    all of them when `everything`), as write does."""
    mine = set(added)
    failed = distinct(
        [
            r.item
            for r in results
            if (everything or not r.ok) and r.item is not None and r.reference in mine
        ]
    )
    if failed and session.connected:
        removed = await item_calls(BulkRun(session), failed, "remove")
        for result in removed:
            if not result.ok:
                ctx.notify(f"could not remove {result.reference} again: {entry_status(result)}")


WRITE_ARGS = [
    arg("entries", nargs="+", is_tag=True, completer="item", metavar="TAG=VALUE", help=WRITES_HELP),
]
STAMP = arg(
    "--timestamp",
    help="RFC 3339 time for every entry without its own (a CSV timestamp column)",
)


@bulk.command(
    "write-bulk",
    help="Write many values in one round trip (WriteBulk); OnWriteComplete follows per item.\n"
    "Every value is checked before anything is sent. Types as for write: --type, a CSV type "
    "column, the item's current value, or the text. A tag that is not an item yet is added "
    "(and removed again if its write fails).",
    args=[*WRITE_ARGS, TYPE, SERVER_HANDLE, ALLOW_PARTIAL],
    needs_session=True,
)
async def write_bulk(ctx: ShellContext, entries: list[str], **options: Any) -> BulkReport:
    return await _write(ctx, "write-bulk", "write", {"entries": entries, **options})


@bulk.command(
    "write2-bulk",
    help="Write many values with timestamps in one round trip (Write2Bulk); see write-bulk.",
    args=[*WRITE_ARGS, STAMP, TYPE, SERVER_HANDLE, ALLOW_PARTIAL],
    needs_session=True,
)
async def write2_bulk(ctx: ShellContext, entries: list[str], **options: Any) -> BulkReport:
    return await _write(ctx, "write2-bulk", "write2", {"entries": entries, **options})


@bulk.command(
    "write-secured-bulk",
    help="Write many SecuredWrite or VerifiedWrite attributes as a user (WriteSecuredBulk).\n"
    "The user (and a --verifier for VerifiedWrite) is authenticated once per registration. "
    "Passwords are asked for with hidden input or read from --password-env / "
    "--verifier-password-env, never typed as arguments.",
    args=[*WRITE_ARGS, *SECURED_ARGS, TYPE, SERVER_HANDLE, ALLOW_PARTIAL],
    needs_session=True,
)
async def write_secured_bulk(ctx: ShellContext, entries: list[str], **options: Any) -> BulkReport:
    return await _write(ctx, "write-secured-bulk", "write_secured", {"entries": entries, **options})


@bulk.command(
    "write-secured2-bulk",
    help="WriteSecuredBulk with timestamps (WriteSecured2Bulk); see write-secured-bulk.",
    args=[*WRITE_ARGS, STAMP, *SECURED_ARGS, TYPE, SERVER_HANDLE, ALLOW_PARTIAL],
    needs_session=True,
)
async def write_secured2_bulk(ctx: ShellContext, entries: list[str], **options: Any) -> BulkReport:
    options = {"entries": entries, **options}
    return await _write(ctx, "write-secured2-bulk", "write_secured2", options)
