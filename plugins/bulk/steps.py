"""What every bulk command shares: its arguments, the report of one row per entry,
and the steps from words to items (globs, @FILEs) and back (giving back what failed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, cast

from mxshell.api import (
    CommandFailed,
    ShellContext,
    ShellSession,
    Table,
    TrackedItem,
    arg,
    flag,
    session_of,
)
from mxshell.api.bulk import BulkReport, BulkRun, EntryResult
from mxshell.api.gateway import (
    CATEGORY_SECURITY_ERROR,
    array_hint,
    describe_status,
    hresult_name,
    hresult_unsigned,
)
from mxshell.api.tag_input import references

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


def finish(
    ctx: ShellContext,
    name: str,
    table: Table,
    results: Sequence[EntryResult],
    run: BulkRun,
    allow: bool,
) -> BulkReport:
    """The report; CommandFailed carrying it when an entry failed and that is not allowed."""
    failed = sum(1 for result in results if not result.ok)
    return report(ctx, name, table, len(results), failed, run, allow)


def report(
    ctx: ShellContext, name: str, table: Table, total: int, failed: int, run: BulkRun, allow: bool
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
    hint = array_hint(result.statuses, result.reference)
    return f"{text}; {hint}" if hint else text


def new_run(ctx: ShellContext, name: str, total: int) -> BulkRun:
    """A run that shows progress when a person waits at the prompt for a large batch."""
    session = session_of(ctx)
    at_prompt = ctx.services.ask_secret is not None  # only the REPL can ask
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


def require(session: ShellSession, capability: str, what: str, instead: str) -> None:
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


async def slots(ctx: ShellContext, words: Sequence[str], *, adds: bool) -> list[Slot]:
    """What each reference names: an item, a tag to add (when adds), or a refusal."""
    return (await tag_slots(ctx, await references(ctx, words), adds=adds)).slots


class Found(NamedTuple):
    """Slots, and the indexes of those that are not items (most references name one)."""

    slots: list[Slot]
    others: list[int]


async def tag_slots(ctx: ShellContext, references: Sequence[str], *, adds: bool) -> Found:
    """slots() of references as they are (no @FILE or glob among them)."""
    items = session_of(ctx).items.find_all(references)
    # Most references name an item that is there: only the others need a closer look.
    others = [i for i, item in enumerate(items) if item is None or item.lost is not None]
    found = cast(list[Slot], items)
    for index in others:
        found[index] = _slot(ctx, references[index], items[index], adds)
    return Found(found, [index for index in others if not isinstance(found[index], TrackedItem)])


def _slot(ctx: ShellContext, reference: str, item: TrackedItem | None, adds: bool) -> Slot:
    """What a reference that names no item, or a lost one, stands for."""
    tag = reference
    if item is None:  # the reference as typed names no item: as resolved, it may
        tag = ctx.resolve_tag(reference)
        if tag != reference:
            item = session_of(ctx).items.find(tag)
    if item is not None and item.lost is not None:
        return EntryResult.refused(reference, f"not restored after a reconnect: {item.lost}", item)
    if item is not None:
        return item
    if adds and "." in tag and not tag.lstrip("#").isdecimal():
        return tag
    return EntryResult.refused(reference, f"no item {reference!r}")


def distinct(items: Sequence[TrackedItem]) -> list[TrackedItem]:
    return list({item.handle: item for item in items}.values())
