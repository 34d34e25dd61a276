"""The bulk family: the eleven MXAccess bulk commands, many entries per round trip.

Entries come from words, @FILEs and Galaxy globs (mxshell_plugins.bulk_input). Each
command shows one row per entry and a summary; entries fail one by one and never stop
the batch, but a batch with a failed entry fails the command (a command file stops,
with a non-zero exit status) unless --allow-partial. The session side, chunking and
the item table, is mxshell.session.batches.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from mxshell_plugins.bulk_input import WriteSpec, references, write_specs
from mxshell_plugins.mxaccess_common import (
    ASK_SECRET,
    SECURED_ARGS,
    SERVER_HANDLE,
    TYPE,
    convert_text,
    declared_type,
    parse_timestamp,
    password_from,
    quality_text,
    refusals,
    session_of,
)

from mxshell.app.plugin_host import hookimpl
from mxshell.commands import (
    CommandFailed,
    CommandSet,
    Settings,
    Table,
    UsageError,
    arg,
    flag,
    render_result,
)
from mxshell.contract import mx, types
from mxshell.gateway import describe_status, from_mx_value, mx_value_kind
from mxshell.gateway.status import CATEGORY_SECURITY_ERROR, hresult_name, hresult_unsigned
from mxshell.gateway.value_decode import kind_value, utc_datetime
from mxshell.session import PersistentSession, Registration, TrackedItem
from mxshell.session.batches import (
    READ_CALL_ENTRIES,
    READS_IN_FLIGHT,
    BulkRun,
    EntryResult,
    ItemMethod,
    WriteEntry,
    WriteMethod,
    add_items,
    item_calls,
    read_tags,
    write_items,
)

bulk = CommandSet("bulk")

BULK_READ = "bulk-read-commands"
BULK_WRITE = "bulk-write-commands"
PROGRESS_FROM = 1000  # entries: smaller batches are over before progress would help
PROGRESS_STEPS = 10  # progress lines for a large batch, at most about this many

ENTRIES_HELP = "a tag reference, @FILE (one per line) or a glob over the Galaxy ('Tank*.Level')"
ITEMS_HELP = "an alias, a handle, a tag reference, @FILE (one per line) or a glob"
ALLOW_PARTIAL = flag(
    "--allow-partial", help="succeed even when some entries fail (their rows still say why)"
)


def tags_arg() -> Any:
    return arg("tags", nargs="+", is_tag=True, completer="item", metavar="TAG", help=ENTRIES_HELP)


def items_arg(*, adds: bool) -> Any:
    return arg("items", nargs="+", is_tag=adds, completer="item", metavar="ITEM", help=ITEMS_HELP)


# the report -------------------------------------------------------------------------


@dataclass
class BulkReport:
    """One row per entry and the counts; text is the table and a summary line."""

    command: str
    table: Table
    total: int
    failed: int
    calls: int
    settings: Settings

    def summary(self) -> str:
        total = self.total
        text = f"{self.command}: {total} entries, {total - self.failed} ok, {self.failed} failed"
        return text + (f" ({self.calls} bulk calls)" if self.calls > 1 else "")

    def as_text(self, format_value: Any) -> str:
        return f"{render_result(self.table, self.settings)}\n{self.summary()}"

    def as_data(self) -> dict[str, Any]:
        return {
            "entries": self.table.records(),
            "total": self.total,
            "succeeded": self.total - self.failed,
            "failed": self.failed,
            "calls": self.calls,
        }


def finish(
    ctx: Any, name: str, table: Table, results: Sequence[EntryResult], run: BulkRun, allow: bool
) -> BulkReport:
    """The report; CommandFailed carrying it when an entry failed and that is not allowed."""
    failed = sum(1 for result in results if not result.ok)
    return report(ctx, name, table, len(results), failed, run, allow)


def report(
    ctx: Any, name: str, table: Table, total: int, failed: int, run: BulkRun, allow: bool
) -> BulkReport:
    """finish() for a command that counted its failed entries itself."""
    done = BulkReport(name, table, total, failed, run.calls, ctx.settings)
    if failed and not allow:
        raise CommandFailed(
            f"{failed} of {total} entries failed (--allow-partial accepts a partly failed batch)",
            result=done,
        )
    return done


def entry_status(result: EntryResult, method: str | None = None) -> str:
    """'Ok', or why the entry failed: the gateway's words, its statuses and HRESULT."""
    if result.ok:
        return "Ok"
    codes = [describe_status(s) for s in result.statuses if s.success == 0]
    if result.hresult:
        name = hresult_name(result.hresult)
        hresult = f"HRESULT 0x{hresult_unsigned(result.hresult):08X}"
        codes.append(f"{hresult} {name}" if name else hresult)
    text = result.message or "failed"
    if codes:
        text += f" ({'; '.join(codes)})"
    security = any(s.category == CATEGORY_SECURITY_ERROR for s in result.statuses)
    if security and not result.message and method in ("write", "write2"):
        text += "; a SecuredWrite or VerifiedWrite attribute needs write-secured-bulk"
    return text


# common steps -------------------------------------------------------------------------


def new_run(ctx: Any, name: str, total: int) -> BulkRun:
    """A run that shows progress when a person waits at the prompt for a large batch."""
    session = session_of(ctx)
    at_prompt = ctx.services.get(ASK_SECRET) is not None  # only the REPL can ask
    if total < PROGRESS_FROM or not at_prompt or ctx.settings.output == "json":
        return BulkRun(session)

    step = max(total // PROGRESS_STEPS, 1)
    shown = 0

    def progress(done: int) -> None:
        # A line each time another step is answered: calls one step long (most batches)
        # get a line each, and a read's larger calls no more than PROGRESS_STEPS in all.
        nonlocal shown
        if done < total and done // step > shown // step:
            shown = done
            ctx.notify(f"{name}: {done} of {total} entries answered")

    return BulkRun(session, chunk=step, progress=progress)


def require(session: PersistentSession, capability: str, what: str, instead: str) -> None:
    if capability not in session.capabilities:
        raise CommandFailed(
            f"this gateway does not offer {what} (no {capability} capability in its "
            f"session); use {instead} instead"
        )


def item_label(item: TrackedItem | None) -> str | int | None:
    if item is None:
        return None
    return item.alias or item.handle


Slot = TrackedItem | str | EntryResult  # an item, a tag to add, or an entry refused here


async def slots(ctx: Any, words: Sequence[str], *, adds: bool) -> list[Slot]:
    """What each reference names: an item, a tag to add (when adds), or a refusal."""
    session = session_of(ctx)
    found: list[Slot] = []
    for reference in await references(ctx, words):
        item = session.items.find(reference)
        tag = ctx.resolve_tag(reference)
        if item is None and tag != reference:
            item = session.items.find(tag)
        if item is not None and item.lost is not None:
            found.append(
                EntryResult.refused(reference, f"not restored after a reconnect: {item.lost}", item)
            )
        elif item is not None:
            found.append(item)
        elif adds and "." in tag and not tag.lstrip("#").isdecimal():
            found.append(tag)
        else:
            found.append(EntryResult.refused(reference, f"no item {reference!r}"))
    return found


def distinct(items: Sequence[TrackedItem]) -> list[TrackedItem]:
    return list({item.handle: item for item in items}.values())


# items and advises --------------------------------------------------------------------

SUBSCRIBE_COLUMNS = ["tag", "item", "advise", "ok", "status"]


def subscribe_table(results: Sequence[EntryResult], *, removes: bool = False) -> Table:
    """Rows of the AddItem/Advise family; an item this command removed has no advise state."""
    rows = []
    for result in results:
        item = result.item
        advise = None if item is None or (removes and result.ok) else item.advise
        rows.append([result.reference, item_label(item), advise, result.ok, entry_status(result)])
    return Table(SUBSCRIBE_COLUMNS, rows)


async def _add(
    ctx: Any,
    name: str,
    words: Sequence[str],
    server_handle: int | None,
    allow_partial: bool,
    advise: bool,
) -> BulkReport:
    session = session_of(ctx)
    tags = await references(ctx, words, resolve=True)
    with refusals():
        registration = await session.ensure_registration(server_handle)
    run = new_run(ctx, name, len(tags))
    with refusals():
        results = await add_items(run, registration, tags, advise=advise)
    return finish(ctx, name, subscribe_table(results), results, run, allow_partial)


@bulk.command(
    "add-item-bulk",
    help="Add items for many tags in one round trip (AddItemBulk); none is advised.\n"
    "Each added item gets a handle (see items); a tag the gateway refuses fails alone.",
    args=[tags_arg(), SERVER_HANDLE, ALLOW_PARTIAL],
    needs_session=True,
)
async def add_item_bulk(
    ctx: Any, tags: list[str], server_handle: int | None = None, allow_partial: bool = False
) -> BulkReport:
    return await _add(ctx, "add-item-bulk", tags, server_handle, allow_partial, advise=False)


@bulk.command(
    "subscribe-bulk",
    help="Add and advise many tags in one round trip (SubscribeBulk).\n"
    "Their OnDataChange events follow as for advise.",
    args=[tags_arg(), SERVER_HANDLE, ALLOW_PARTIAL],
    needs_session=True,
)
async def subscribe_bulk(
    ctx: Any, tags: list[str], server_handle: int | None = None, allow_partial: bool = False
) -> BulkReport:
    return await _add(ctx, "subscribe-bulk", tags, server_handle, allow_partial, advise=True)


async def _on_items(
    ctx: Any,
    name: str,
    words: Sequence[str],
    method: ItemMethod,
    allow_partial: bool,
    server_handle: int | None = None,
) -> BulkReport:
    session = session_of(ctx)
    found = await slots(ctx, words, adds=method == "advise")
    run = new_run(ctx, name, len(found))
    to_add = [s for s in found if isinstance(s, str)]
    items = distinct([s for s in found if isinstance(s, TrackedItem)])
    added: dict[str, EntryResult] = {}
    with refusals():
        if to_add:  # tags advise-item-bulk was given: added and advised in one go
            registration = await session.ensure_registration(server_handle)
            subscribed = await add_items(run, registration, to_add, advise=True)
            added = dict(zip(to_add, subscribed, strict=True))
        answered = {r.item.handle: r for r in await item_calls(run, items, method) if r.item}
    results = []
    for slot in found:
        if isinstance(slot, EntryResult):
            results.append(slot)
        elif isinstance(slot, str):
            results.append(added[slot])
        else:
            results.append(answered[slot.handle])
    table = subscribe_table(results, removes=method in ("remove", "unsubscribe"))
    return finish(ctx, name, table, results, run, allow_partial)


@bulk.command(
    "advise-item-bulk",
    help="Advise many items in one round trip (AdviseItemBulk).\n"
    "A tag that is not an item yet is added and advised (SubscribeBulk).",
    args=[items_arg(adds=True), SERVER_HANDLE, ALLOW_PARTIAL],
    needs_session=True,
)
async def advise_item_bulk(
    ctx: Any, items: list[str], server_handle: int | None = None, allow_partial: bool = False
) -> BulkReport:
    return await _on_items(ctx, "advise-item-bulk", items, "advise", allow_partial, server_handle)


@bulk.command(
    "unadvise-item-bulk",
    help="Stop the events of many items in one round trip (UnAdviseItemBulk); the items stay.",
    args=[items_arg(adds=False), ALLOW_PARTIAL],
    needs_session=True,
)
async def unadvise_item_bulk(ctx: Any, items: list[str], allow_partial: bool = False) -> BulkReport:
    return await _on_items(ctx, "unadvise-item-bulk", items, "unadvise", allow_partial)


@bulk.command(
    "remove-item-bulk",
    help="Remove many items in one round trip (RemoveItemBulk).",
    args=[items_arg(adds=False), ALLOW_PARTIAL],
    needs_session=True,
)
async def remove_item_bulk(ctx: Any, items: list[str], allow_partial: bool = False) -> BulkReport:
    return await _on_items(ctx, "remove-item-bulk", items, "remove", allow_partial)


@bulk.command(
    "unsubscribe-bulk",
    help="Unadvise and remove many items in one round trip (UnsubscribeBulk).",
    args=[items_arg(adds=False), ALLOW_PARTIAL],
    needs_session=True,
)
async def unsubscribe_bulk(ctx: Any, items: list[str], allow_partial: bool = False) -> BulkReport:
    return await _on_items(ctx, "unsubscribe-bulk", items, "unsubscribe", allow_partial)


# writes ---------------------------------------------------------------------------------

WRITE_COLUMNS = ["tag", "item", "value", "type", "ok", "status"]
WRITES_HELP = "TAG=VALUE (ITEM=VALUE), or @FILE of TAG=VALUE lines or CSV (tag,value[,type])"
Timing = Literal["none", "timed"]


@dataclass
class Planned:
    """One write as planned: the slot it goes to and the value checked beforehand."""

    spec: WriteSpec
    slot: Slot
    value: Any = None
    timestamp: datetime | None = None


async def _write(ctx: Any, name: str, method: WriteMethod, options: dict[str, Any]) -> BulkReport:
    session = session_of(ctx)
    require(session, BULK_WRITE, "bulk writes", "write for each item")
    timed = method in ("write2", "write_secured2")
    plan = await plan_writes(ctx, options["entries"], options, timed)
    secured = method in ("write_secured", "write_secured2")
    secrets = await passwords(ctx, options) if secured else []
    with refusals(None, secrets):
        registration = await session.ensure_registration(options.get("server_handle"))
        users = await authenticate(session, plan, registration, options, secrets) if secured else {}
    run = new_run(ctx, name, len(plan))
    to_add = list(dict.fromkeys(p.slot for p in plan if isinstance(p.slot, str)))
    with refusals(None, secrets):
        added_items = await add_items(run, registration, to_add, advise=False)
    added = dict(zip(to_add, added_items, strict=True))
    for planned in plan:
        if isinstance(planned.slot, str):
            outcome = added[planned.slot]
            planned.slot = outcome.item if outcome.ok and outcome.item else outcome
    entries = {
        id(p): WriteEntry(p.slot, p.value, p.timestamp)
        for p in plan
        if isinstance(p.slot, TrackedItem)
    }

    async def users_of(registration: Registration) -> tuple[int, int]:
        return users.get(registration.handle, (0, 0))

    try:
        with refusals(None, secrets):
            written = await write_items(run, list(entries.values()), method, users_of)
    except BaseException:  # the whole write failed (a scope, the connection): undo the adds
        await give_back_failed(ctx, session, to_add, added_items, everything=True)
        raise
    by_entry = dict(zip(entries, written, strict=True))
    results = [p.slot if isinstance(p.slot, EntryResult) else by_entry[id(p)] for p in plan]
    await give_back_failed(ctx, session, to_add, results)
    rows = []
    for planned, result in zip(plan, results, strict=True):
        sent = from_mx_value(planned.value) if planned.value is not None else None
        kind = mx_value_kind(planned.value) if planned.value is not None else None
        rows.append(
            [
                planned.spec.tag,
                item_label(result.item),
                sent,
                kind,
                result.ok,
                entry_status(result, method),
            ]
        )
    return finish(ctx, name, Table(WRITE_COLUMNS, rows), results, run, options["allow_partial"])


async def plan_writes(
    ctx: Any, words: Sequence[str], options: dict[str, Any], timed: bool
) -> list[Planned]:
    """Every entry resolved and its value converted and checked before anything is sent:
    one bad value stops the whole batch with its FILE:LINE, and nothing is written."""
    specs = await write_specs(ctx, words)
    if not specs:
        raise CommandFailed("no entries to write")
    default_stamp = options.get("timestamp")
    found = await slots(ctx, [s.tag for s in specs], adds=True)
    plan = []
    for spec, slot in zip(specs, found, strict=True):
        place = spec.where or spec.tag
        stamp = spec.timestamp or default_stamp
        if stamp and not timed:
            raise UsageError(f"{place}: a timestamp is for write2-bulk or write-secured2-bulk")
        if timed and not stamp:
            raise UsageError(f"{place}: no timestamp; give --timestamp or a timestamp column")
        current = slot.value if isinstance(slot, TrackedItem) else None
        tag = slot.tag_reference if isinstance(slot, TrackedItem) else spec.tag
        type_name = spec.type_name or options.get("type")
        declared = None if type_name else await declared_type(ctx, tag)
        try:
            value = convert_text(spec.value, type_name, current, tag, declared)
            moment = parse_timestamp(stamp) if stamp else None
        except CommandFailed as error:
            raise CommandFailed(f"{place}: {error}; nothing was written") from None
        plan.append(Planned(spec, slot, value, moment))
    return plan


async def passwords(ctx: Any, options: dict[str, Any]) -> list[str]:
    """[password] or [password, verifier's password], asked for once for the whole batch."""
    found = [await password_from(ctx, options.get("password_env"), options["user"])]
    if options.get("verifier"):
        verifier = options["verifier"]
        found.append(await password_from(ctx, options.get("verifier_password_env"), verifier))
    return found


async def authenticate(
    session: PersistentSession,
    plan: Sequence[Planned],
    registration: Registration,
    options: dict[str, Any],
    secrets: Sequence[str],
) -> dict[int, tuple[int, int]]:
    """(user id, verifier id) under each registration the batch writes through: a user id
    holds under the server handle that authenticated it only."""
    involved = {registration.handle} | {
        p.slot.registration.handle for p in plan if isinstance(p.slot, TrackedItem)
    }
    users: dict[int, tuple[int, int]] = {}
    for handle in sorted(involved):
        with refusals(options["user"], secrets):
            current = await session.authenticate_user(options["user"], secrets[0], handle)
        verifier = 0
        if len(secrets) > 1:
            with refusals(options["verifier"], secrets):
                verifier = await session.authenticate_user(options["verifier"], secrets[1], handle)
        users[handle] = (current, verifier)
    return users


async def give_back_failed(
    ctx: Any,
    session: PersistentSession,
    added: Sequence[str],
    results: Sequence[EntryResult],
    *,
    everything: bool = False,
) -> None:
    """Remove the items this batch added for writes that failed (all it added when
    `everything`), as write does."""
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
async def write_bulk(ctx: Any, entries: list[str], **options: Any) -> BulkReport:
    return await _write(ctx, "write-bulk", "write", {"entries": entries, **options})


@bulk.command(
    "write2-bulk",
    help="Write many values with timestamps in one round trip (Write2Bulk); see write-bulk.",
    args=[*WRITE_ARGS, STAMP, TYPE, SERVER_HANDLE, ALLOW_PARTIAL],
    needs_session=True,
)
async def write2_bulk(ctx: Any, entries: list[str], **options: Any) -> BulkReport:
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
async def write_secured_bulk(ctx: Any, entries: list[str], **options: Any) -> BulkReport:
    return await _write(ctx, "write-secured-bulk", "write_secured", {"entries": entries, **options})


@bulk.command(
    "write-secured2-bulk",
    help="WriteSecuredBulk with timestamps (WriteSecured2Bulk); see write-secured-bulk.",
    args=[*WRITE_ARGS, STAMP, *SECURED_ARGS, TYPE, SERVER_HANDLE, ALLOW_PARTIAL],
    needs_session=True,
)
async def write_secured2_bulk(ctx: Any, entries: list[str], **options: Any) -> BulkReport:
    options = {"entries": entries, **options}
    return await _write(ctx, "write-secured2-bulk", "write_secured2", options)


# reading --------------------------------------------------------------------------------

READ_COLUMNS = ["tag", "value", "quality", "timestamp", "cached", "ok", "status"]
# 'Good (192)' and the like: a read of 10,000 tags sees a handful of qualities.
_QUALITY_TEXTS: dict[int, str | None] = {}
# Called unbound in read-bulk's loop, which saves building a bound method per entry.
_which = types.MxValue.WhichOneof
_has = mx.BulkReadResult.HasField


def _quality(quality: int) -> str | None:
    text = _QUALITY_TEXTS[quality] = quality_text(quality)
    return text


def _read_rows(
    tags: Sequence[str], answers: Sequence[Any], append: Callable[[tuple[Any, ...]], None]
) -> int:
    """Append a row for each tag's answer (a BulkReadResult, or the EntryResult of an
    entry not sent); returns how many failed.

    One pass, names bound once: this loop runs for each of 10,000 entries. An entry that
    went well needs no EntryResult, only its row. Each access of a sub-message (value,
    timestamp) builds a Python wrapper, so each is read once, and a timestamp with a
    second or nanosecond set needs no HasField. Rows are tuples: the collector stops
    tracking them, which it cannot do for lists."""
    qualities, failed = _QUALITY_TEXTS, 0
    for tag, read in zip(tags, answers, strict=True):
        if isinstance(read, EntryResult) or not read.was_successful:
            failed += 1
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
    return failed


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
    ctx: Any,
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
    rows: list[tuple[Any, ...]] = []
    failed = 0
    with refusals():
        # The calls overlap: each answer becomes rows while the gateway works on the next.
        async with aclosing(read_tags(run, registration, found, timeout_ms)) as answered:
            async for chunk, answers in answered:
                failed += _read_rows(chunk, answers, rows.append)
    table = Table(READ_COLUMNS, rows)
    return report(ctx, "read-bulk", table, len(rows), failed, run, allow_partial)


# the plugin -------------------------------------------------------------------------------


@hookimpl
def register_commands(register: Any) -> None:
    register(list(bulk))
