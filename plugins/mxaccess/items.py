"""The MXAccess family's registrations, items and advises: register, unregister,
add-item, remove-item, advise, advise-supervisory, unadvise, items.
"""

from __future__ import annotations

from mxshell.api import CommandSet, ShellContext, Table, Text, TrackedItem, arg, session_of
from mxshell.api.conversion import quality_text, refusals
from mxshell.api.items import SERVER_HANDLE, item_arg, using_item

mxaccess = CommandSet("mxaccess")

ITEM_COLUMNS = ["handle", "alias", "tag", "advise"]
ITEMS_COLUMNS = [*ITEM_COLUMNS, "value", "quality", "timestamp", "changes"]


def item_table(item: TrackedItem) -> Table:
    """One item's identity and advise state, as a one-row table."""
    return Table(ITEM_COLUMNS, [[item.handle, item.alias, item.tag_reference, advise_of(item)]])


def item_changed(what: str, item: TrackedItem) -> Text:
    """A state change said in one line at the prompt (`advised item 3 (level):
    Tank1.Level`); JSON, and `items`, still give the item's table."""
    label = f" ({item.alias})" if item.alias else ""
    return Text(f"{what} item {item.handle}{label}: {item.tag_reference}", item_table(item))


def advise_of(item: TrackedItem) -> str:
    return "lost" if item.lost is not None else item.advise


@mxaccess.command(
    "register",
    help="Register with MXAccess (Register); the new server handle becomes the current one.\n"
    "Commands use the current registration unless given --server-handle; add-item "
    "registers by itself when there is none.",
    args=[arg("client_name", required=False, help="client name (default mxshell)")],
    needs_session=True,
)
async def register(ctx: ShellContext, client_name: str | None = None) -> Text:
    with refusals(client_name):
        registration = await session_of(ctx).register(client_name)
    return Text(
        f"registered {registration.client_name}: server handle {registration.handle}",
        {"server_handle": registration.handle, "client_name": registration.client_name},
    )


@mxaccess.command(
    "unregister",
    help="Unregister (Unregister), releasing every item under the registration.",
    args=[SERVER_HANDLE],
    needs_session=True,
)
async def unregister(ctx: ShellContext, server_handle: int | None = None) -> Text:
    with refusals():
        registration, released = await session_of(ctx).unregister(server_handle)
    return Text(
        f"unregistered server handle {registration.handle}: released {released} item(s)",
        {"server_handle": registration.handle, "items_released": released},
    )


@mxaccess.command(
    "add-item",
    help="Add an item for a tag reference (AddItem); it is not advised yet.",
    args=[
        arg("tag", is_tag=True, help="tag reference, e.g. Tank1.Level"),
        arg("--as", dest="alias", help="alias to call the item by (letters, digits, _ or -)"),
        SERVER_HANDLE,
    ],
    needs_session=True,
)
async def add_item(
    ctx: ShellContext, tag: str, alias: str | None = None, server_handle: int | None = None
) -> Text:
    reference = ctx.resolve_tag(tag)
    with refusals(reference):
        item = await session_of(ctx).add_item(reference, alias, server_handle)
    return item_changed("added", item)


@mxaccess.command(
    "remove-item",
    help="Remove an item (RemoveItem); an advised item stops its events too.",
    args=[item_arg(adds=False)],
    needs_session=True,
)
async def remove_item(ctx: ShellContext, item: str) -> Text:
    session = session_of(ctx)
    found = session.find(item)
    with refusals(found.tag_reference):
        await session.remove_item(found)
    label = f" ({found.alias})" if found.alias else ""
    return Text(
        f"removed item {found.handle}{label}: {found.tag_reference}",
        {"handle": found.handle, "alias": found.alias, "tag": found.tag_reference},
    )


async def _advise(
    ctx: ShellContext, item: str, server_handle: int | None, supervisory: bool
) -> Text:
    async with using_item(ctx, item, server_handle) as found:
        with refusals(found.tag_reference):
            await session_of(ctx).advise(found, supervisory=supervisory)
    return item_changed("advised (supervisory)" if supervisory else "advised", found)


@mxaccess.command(
    "advise",
    help="Start OnDataChange events for an item (Advise); a tag is added first.\n"
    "The current value arrives as the first event, then one event per change.",
    args=[item_arg(), SERVER_HANDLE],
    needs_session=True,
)
async def advise(ctx: ShellContext, item: str, server_handle: int | None = None) -> Text:
    return await _advise(ctx, item, server_handle, supervisory=False)


@mxaccess.command(
    "advise-supervisory",
    help="Advise as a supervisory client (AdviseSupervisory): its writes are supervisory "
    "writes.\nA supervisory write to a SecuredWrite attribute needs no user; VerifiedWrite "
    "and ViewOnly still refuse it.",
    args=[item_arg(), SERVER_HANDLE],
    needs_session=True,
)
async def advise_supervisory(
    ctx: ShellContext, item: str, server_handle: int | None = None
) -> Text:
    return await _advise(ctx, item, server_handle, supervisory=True)


@mxaccess.command(
    "unadvise",
    help="Stop OnDataChange events for an item (UnAdvise); the item stays.",
    args=[item_arg(adds=False)],
    needs_session=True,
)
async def unadvise(ctx: ShellContext, item: str) -> Text:
    session = session_of(ctx)
    found = session.find(item)
    with refusals(found.tag_reference):
        await session.unadvise(found)
    return item_changed("unadvised", found)


@mxaccess.command(
    "items",
    help="The items of this session: alias, advise state and the latest value, quality "
    "and timestamp, and how many changes arrived.",
)
async def items(ctx: ShellContext) -> Table:
    rows = []
    if ctx.session is not None:
        for item in ctx.session.items:
            rows.append(
                [
                    item.handle,
                    item.alias,
                    item.tag_reference,
                    advise_of(item),
                    item.value,
                    quality_text(item.quality),
                    item.timestamp,
                    item.change_count,
                ]
            )
    return Table(ITEMS_COLUMNS, rows)
