"""`watch`: a live table of advised items, like Object Viewer's watch window (mxaccess family).

The handler resolves the items, adds and advises what it must, and hands a WatchModel
to the watch view the REPL lends (`watch_view`); it never touches the terminal. With no
view (command files, -c, piped stdin, JSON output) it prints snapshot tables instead.
Afterwards it removes the items it added and unadvises what it advised, unless --keep.
A watch of a 1,000-line @FILE makes a few bulk calls per connection, not a call per tag:
one AddItemBulk for the tags that are not items, one AdviseItemBulk, and at the end one
UnsubscribeBulk and one UnAdviseItemBulk.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from mxshell.api import (
    CommandFailed,
    CommandSet,
    GatewayError,
    RegisterCommands,
    Registration,
    ShellContext,
    ShellSession,
    Text,
    TrackedItem,
    UsageError,
    arg,
    by_connection,
    flag,
    give_back,
    hookimpl,
)
from mxshell.api.bulk import BulkRun, EntryResult, add_items, item_calls
from mxshell.api.gateway import types
from mxshell.api.items import entry_refusal
from mxshell.api.output import WatchModel
from mxshell.api.tag_input import references

mxaccess = CommandSet("mxaccess")
T = TypeVar("T")


@dataclass
class Borrowed:
    """What a watch added or advised, so that it gives back exactly that."""

    added: list[TrackedItem] = field(default_factory=list)
    advised: list[TrackedItem] = field(default_factory=list)

    def advised_only(self) -> list[TrackedItem]:
        """Items the watch advised but did not add: given back by unadvising."""
        added = {id(i) for i in self.added}  # a set: 1,000 of each are compared at once
        return [i for i in self.advised if id(i) not in added]

    @classmethod
    def of(cls, groups: list[Watched]) -> Borrowed:
        """What every connection's part of a watch borrowed, together."""
        return cls(
            [i for g in groups for i in g.borrowed.added],
            [i for g in groups for i in g.borrowed.advised],
        )

    def describe(self, keep: bool) -> str:
        added = len(self.added)
        advised_only = len(self.advised_only())
        if not added and not advised_only:
            return ""
        if keep:
            return f"; kept {added} added item(s) and {len(self.advised)} advise(s)"
        parts = []
        if added:
            parts.append(f"removed {added} item(s) it added")
        if advised_only:
            parts.append(f"unadvised {advised_only} item(s) it advised")
        return "; " + ", ".join(parts)


@mxaccess.command(
    "watch",
    help="Watch items in a live table: value, quality, timestamp, changes and rate.\n"
    "Without ITEMs, every advised item of the session. ITEMs may be globs and @FILEs, as "
    "for read; a line `NAME:Tag.Attr` goes to the connection NAME, as typed ones do. "
    "A tag that is not an item yet is "
    "added and advised for the watch, an item that is not advised is advised for it; both "
    "are given back when the watch ends, unless --keep. A tag that cannot be watched gets a "
    "row saying why and the others are watched (printed tables then fail, exit status 1). "
    "At the prompt the table updates in place (at most ten times a second) until q, Esc or "
    "Ctrl-C. Keys, as htop's: p pauses; / filters rows by item name or tag (any case; "
    "Enter keeps the filter, Esc clears it); s sorts by the next column (< and > step "
    "left and right, past the last back to the named order); r reverses the order. "
    "Without a terminal (command files, -c, "
    "piped input, JSON output) watch prints one snapshot table, as --once does; with --for "
    "it prints one every --interval until the time is up.",
    args=[
        arg(
            "items",
            nargs="*",
            completer="item",
            is_tag=True,
            help="aliases, handles (e.g. 7), tag references, globs over the Galaxy "
            "('Tank*.Level') or @FILEs of them, one a line (default: all advised items)",
        ),
        flag("--once", help="print one table of the current values and return"),
        arg(
            "--for",
            dest="duration",
            type="duration",
            metavar="DURATION",
            help="leave after this long (e.g. 30s); without a terminal, print tables until then",
        ),
        arg(
            "--interval",
            type="duration",
            default=1.0,
            help="without a terminal, time between tables (default 1s)",
        ),
        arg(
            "--timeout",
            type="duration",
            default=5.0,
            help="for a table, how long to wait for first values (default 5s)",
        ),
        flag("--keep", help="keep the items the watch added, and its advises"),
    ],
    needs_session=True,
    own_connections=True,
)
async def watch(
    ctx: ShellContext,
    items: list[str] | None = None,
    once: bool = False,
    duration: float | None = None,
    interval: float = 1.0,
    timeout: float = 5.0,
    keep: bool = False,
) -> Any:
    if interval <= 0:
        raise UsageError("--interval must be longer than 0")
    if duration is not None and duration <= 0:
        raise UsageError("--for must be longer than 0")
    view = None if ctx.settings.output == "json" else ctx.services.watch_view
    # `watch a:Tank1.Level b:Tank1.Level`: each connection's items, in one view. An
    # @FILE's lines are words as typed (`b:Tank1.Level` on a line goes to b); globs are
    # expanded by each connection's own Galaxy.
    words = await references(ctx, items or [], globs=False)
    parts = by_connection(ctx, words)
    groups = [Watched(name, each) for name, each, _ in parts]
    wanted = [await references(each, names, files=False) for _, each, names in parts]
    try:
        for group, names in zip(groups, wanted, strict=True):
            group.items = await _watched_items(group, names)
        if items and not any(group.items for group in groups):
            said = "; ".join(f"{ref}: {why}" for g in groups for ref, why in g.failed)
            raise CommandFailed(f"nothing to watch: {said}")
        first = groups[0]
        model = WatchModel(first.session, first.items, settings=ctx.settings, connection=first.name)
        for group in groups[1:]:
            model.add_source(group.name, group.session, group.items)
        await _durations(model, groups)
        for group in groups:  # the tags that could not be watched: a row each, and a line
            for reference, why in group.failed:
                model.add_failed(group.name, reference, why)
                named = f"{group.name}:{reference}" if group.name else reference
                ctx.notify(f"watch: {named}: {why}; watching the others")
        # Made before advising: each new advise's first value counts as a change.
        with model.listening():
            for group in groups:
                for item, why in await group.advise():
                    model.unwatch(group.name, item, why)
                    tag = item.tag_reference
                    named = f"{group.name}:{tag}" if group.name else tag
                    ctx.notify(f"watch: {named}: {why}; watching the others")
            borrowed = Borrowed.of(groups)
            if view is not None and not once:
                ended = await view(model, duration=duration)
                return _summary(model, ended, borrowed, keep)
            await _first_values(model, borrowed.advised, timeout)
            if once or duration is None:
                return _unless_failed(model, model.table())
            await _print_tables(ctx, model, duration, interval)
            return _unless_failed(model, _summary(model, "duration", borrowed, keep))
    finally:
        if not keep:
            for group in groups:
                given = group.borrowed
                await give_back(
                    group.ctx,
                    group.session,
                    given.added,
                    given.advised_only(),
                    label="watch: ",
                    bulk=True,
                )


@dataclass
class Watched:
    """One connection's part of a watch: its context, session, items and what it borrowed."""

    name: str | None
    ctx: ShellContext
    items: list[TrackedItem] = field(default_factory=list)
    borrowed: Borrowed = field(default_factory=Borrowed)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (reference, why)

    @property
    def session(self) -> ShellSession:
        return self.ctx.require_session()

    async def advise(self) -> list[tuple[TrackedItem, str]]:
        """Advise the items that are not, in one AdviseItemBulk; the items the gateway
        refused, with why."""
        wanted = {id(i): i for i in self.items if i.advise == "none" and i.lost is None}
        if not wanted:
            return []
        results = await _out_of_reach(self._advising(list(wanted.values())))
        return [(r.item, entry_refusal("Advise", r)) for r in results if r.item and not r.ok]

    async def _advising(self, items: list[TrackedItem]) -> list[EntryResult]:
        results = await item_calls(BulkRun(self.session), items, "advise")
        self.borrowed.advised += [r.item for r in results if r.ok and r.item is not None]
        return results


async def _watched_items(group: Watched, references: list[str]) -> list[TrackedItem]:
    """The items the references name, the tags among them added in one AddItemBulk; a
    reference that names none, or that the gateway refuses, is kept in `group.failed`
    with why (in the order named)."""
    ctx, session = group.ctx, group.session
    if not references:
        advised = [i for i in session.items if i.advise != "none"]
        if not advised:
            raise CommandFailed(
                "no advised items to watch: name some, e.g. watch Tank1.Level Pump1.Speed"
            )
        return advised
    # Each reference is an item, a tag to add, or why it is neither.
    slots: list[TrackedItem | str | Failed] = []
    for reference in references:
        try:
            slots.append(_held_or_tag(ctx, session, reference))
        except (CommandFailed, GatewayError, LookupError) as error:
            slots.append(Failed(str(error)))
    tags: dict[str, str] = {}  # a tag named twice is added once, as first spelled
    for slot in slots:
        if isinstance(slot, str):
            tags.setdefault(slot.lower(), slot)
    added = await _add(group, list(tags.values()))
    found = []
    for reference, slot in zip(references, slots, strict=True):
        if isinstance(slot, str):
            slot = added[slot.lower()]
        if isinstance(slot, Failed):
            group.failed.append((reference, slot.why))
        else:
            found.append(slot)
    return found


@dataclass
class Failed:
    """Why a reference cannot be watched (its failed row's text)."""

    why: str


def _held_or_tag(ctx: ShellContext, session: ShellSession, reference: str) -> TrackedItem | str:
    """The item a reference names, or the tag to add for it (not added here)."""
    tag = ctx.resolve_tag(reference)
    item = session.items.find(tag)
    return item if item is not None else session.items.tag_of(tag)


async def _add(group: Watched, tags: list[str]) -> dict[str, TrackedItem | Failed]:
    """AddItemBulk for the tags, by tag in lower case: its item, or why not. They are
    advised afterwards, in one AdviseItemBulk with the held items the watch advises."""
    if not tags:
        return {}
    session = group.session
    try:
        registration = await session.ensure_registration()
        results = await _out_of_reach(_adding(group, registration, tags))
    except (CommandFailed, GatewayError) as error:
        return {tag.lower(): Failed(str(error)) for tag in tags}
    added: dict[str, TrackedItem | Failed] = {}
    for tag, result in zip(tags, results, strict=True):
        if result.ok and result.item is not None:
            added[tag.lower()] = result.item
        else:
            added[tag.lower()] = Failed(entry_refusal("AddItem", result))
    return added


async def _adding(group: Watched, registration: Registration, tags: list[str]) -> list[EntryResult]:
    results = await add_items(BulkRun(group.session), registration, tags, advise=False)
    group.borrowed.added += [r.item for r in results if r.ok and r.item is not None]
    return results


async def _out_of_reach(work: Awaitable[T]) -> T:
    """work's answer, which a Ctrl-C does not stop: once a bulk call is out, the gateway
    may act on all of it, and the watch must learn what it added or advised to give it
    back. A Ctrl-C meanwhile is raised when the answer is in (a second one at once)."""
    call = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(call)
    except asyncio.CancelledError:
        await asyncio.wait([call])
        if not call.cancelled():
            call.exception()  # retrieved: a failed call added nothing, and the watch is over
        raise


async def _durations(model: WatchModel, groups: list[Watched]) -> None:
    """ElapsedTime items read as durations, as `read` shows them (the Galaxy says which;
    without one, or not loaded, their milliseconds show as numbers)."""
    for group in groups:
        galaxy = group.ctx.services.galaxy
        if galaxy is None:
            continue
        for item in group.items:
            try:
                info = await galaxy.attribute_info(item.tag_reference)
            except (CommandFailed, GatewayError):
                break  # no Galaxy to ask on this connection: its numbers stay numbers
            if info is not None and info.data_type == types.MX_DATA_TYPE_ELAPSED_TIME:
                model.show_as_duration(item)


def _unless_failed(model: WatchModel, result: Any) -> Any:
    """A printed watch (a script's) with tags it could not watch fails, after its rows:
    a mistyped tag in a check file must not pass unseen."""
    if model.failed:
        raise CommandFailed(
            f"{len(model.failed)} of {len(model) + len(model.failed)} tag(s) could not be watched",
            result=result,
        )
    return result


async def _first_values(model: WatchModel, advised: list[TrackedItem], timeout: float) -> None:
    # A table right after advising would show no values: wait (a little) for them.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while model.waiting_for_first_value(advised) and loop.time() < deadline:
        await asyncio.sleep(0.01)


async def _print_tables(
    ctx: ShellContext, model: WatchModel, duration: float, interval: float
) -> None:
    loop = asyncio.get_running_loop()
    start = loop.time()
    end = start + duration
    ticks = 0
    while loop.time() < end:
        ticks += 1
        await asyncio.sleep(max(0.0, min(start + ticks * interval, end) - loop.time()))
        ctx.emit(model.table(title=model.snapshot_title()))


def _summary(model: WatchModel, ended: str, borrowed: Borrowed, keep: bool) -> Text:
    data = model.summary(ended)
    text = (
        f"watched {data['items']} item(s) for {data['seconds']:.1f} s: "
        f"{data['changes']} change(s){borrowed.describe(keep)}"
    )
    data["kept"] = keep
    return Text(text, data=data)


@hookimpl
def register_commands(register: RegisterCommands) -> None:
    register(list(mxaccess))


# The plugin API this family is written for (`plugins` shows it).
MXSHELL_API = (1, 1)
