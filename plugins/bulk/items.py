"""The bulk family's item commands: add-item-bulk, subscribe-bulk, advise-item-bulk,
unadvise-item-bulk, remove-item-bulk, unsubscribe-bulk.
"""

from __future__ import annotations

from collections.abc import Sequence

from mxshell_plugins.bulk.steps import (
    ALLOW_PARTIAL,
    BulkReport,
    distinct,
    entry_status,
    finish,
    item_label,
    items_arg,
    new_run,
    slots,
    tags_arg,
)

from mxshell.api import CommandSet, ShellContext, Table, TrackedItem, session_of
from mxshell.api.bulk import EntryResult, ItemMethod, add_items, item_calls
from mxshell.api.conversion import refusals
from mxshell.api.items import SERVER_HANDLE
from mxshell.api.tag_input import references

bulk = CommandSet("bulk")


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
    ctx: ShellContext,
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
    ctx: ShellContext,
    tags: list[str],
    server_handle: int | None = None,
    allow_partial: bool = False,
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
    ctx: ShellContext,
    tags: list[str],
    server_handle: int | None = None,
    allow_partial: bool = False,
) -> BulkReport:
    return await _add(ctx, "subscribe-bulk", tags, server_handle, allow_partial, advise=True)


async def _on_items(
    ctx: ShellContext,
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
    ctx: ShellContext,
    items: list[str],
    server_handle: int | None = None,
    allow_partial: bool = False,
) -> BulkReport:
    return await _on_items(ctx, "advise-item-bulk", items, "advise", allow_partial, server_handle)


@bulk.command(
    "unadvise-item-bulk",
    help="Stop the events of many items in one round trip (UnAdviseItemBulk); the items stay.",
    args=[items_arg(adds=False), ALLOW_PARTIAL],
    needs_session=True,
)
async def unadvise_item_bulk(
    ctx: ShellContext, items: list[str], allow_partial: bool = False
) -> BulkReport:
    return await _on_items(ctx, "unadvise-item-bulk", items, "unadvise", allow_partial)


@bulk.command(
    "remove-item-bulk",
    help="Remove many items in one round trip (RemoveItemBulk).",
    args=[items_arg(adds=False), ALLOW_PARTIAL],
    needs_session=True,
)
async def remove_item_bulk(
    ctx: ShellContext, items: list[str], allow_partial: bool = False
) -> BulkReport:
    return await _on_items(ctx, "remove-item-bulk", items, "remove", allow_partial)


@bulk.command(
    "unsubscribe-bulk",
    help="Unadvise and remove many items in one round trip (UnsubscribeBulk).",
    args=[items_arg(adds=False), ALLOW_PARTIAL],
    needs_session=True,
)
async def unsubscribe_bulk(
    ctx: ShellContext, items: list[str], allow_partial: bool = False
) -> BulkReport:
    return await _on_items(ctx, "unsubscribe-bulk", items, "unsubscribe", allow_partial)
