"""Items for commands on MXAccess: the ITEM argument and the options commands share, an
item found or added for one command (and given back), first values, completion."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from mxshell.api.context import ShellContext
from mxshell.api.conversion import refusals
from mxshell.api.shell_session import ShellSession
from mxshell.base.errors import CommandFailed
from mxshell.commands import Argument, arg
from mxshell.gateway import TYPE_NAMES, GatewayError
from mxshell.gateway.errors import describe_mxaccess_failure
from mxshell.session import TrackedItem
from mxshell.session.batches import BulkRun, EntryResult, ItemMethod, item_calls

ITEM_HELP = "an alias, a handle such as 7, or a tag reference such as Tank1.Level"


def item_arg(*, adds: bool = True) -> Argument:
    """The ITEM positional: completes aliases and #handles, and tags when it may add one."""
    return arg("item", completer="item", is_tag=adds, help=ITEM_HELP)


SERVER_HANDLE = arg(
    "--server-handle", type="int", help="registration to use (default: the current one)"
)
TYPE = arg(
    "--type",
    choices=sorted(TYPE_NAMES),
    help="value type, e.g. double or int32[] (default: the item's current value's type, "
    "else inferred from the text)",
)


SECURED_ARGS = [
    arg("--user", required=True, help="user who makes the write"),
    arg("--password-env", help="variable holding the user's password (else asked, hidden)"),
    arg("--verifier", help="second user, for VerifiedWrite attributes"),
    arg("--verifier-password-env", help="variable holding the verifier's password"),
]


def item_of(session: ShellSession, event: Any) -> TrackedItem | None:
    """The shell's item an event is about, looked up now (the item may go later)."""
    kind = event.WhichOneof("event")
    if kind is None:
        return None
    body = getattr(event, kind)
    return session.items.by_gateway(body.server_handle, body.item_handle)


@asynccontextmanager
async def using_item(
    ctx: ShellContext, reference: str, server_handle: int | None = None, *, borrow: bool = False
) -> AsyncIterator[TrackedItem]:
    """The item a reference names, added when it is a tag; removed again if the command
    that added it fails, so that a failed command leaves nothing behind. With `borrow`
    (a write), an item the command added leaves the item table when it is done, as
    `read`'s do (left behind, `items` would show its last value as if it were still live);
    the gateway keeps it for the next write of the tag until the shell is idle
    (ShellSession.park; since API 1.5)."""
    session = session_of(ctx)
    item, added = await find_or_add(ctx, reference, server_handle, lend=borrow)
    try:
        yield item
    except BaseException:
        if added:
            await give_back(ctx, session, [item], [])
        raise
    if added and borrow:
        await give_back(ctx, session, [item], [], park=True)


async def find_or_add(
    ctx: ShellContext, reference: str, server_handle: int | None = None, *, lend: bool = False
) -> tuple[TrackedItem, bool]:
    """(item, True when this call added it). An alias or handle must name an item. With
    `lend` (a write), a tag's item may be one an earlier write kept (see ShellSession.park)."""
    session = session_of(ctx)
    found = session.items.find(reference)
    if found is not None:
        if server_handle is None or found.registration.handle == server_handle:
            return found, False
        if reference.lstrip("#").isdecimal() or found.alias == reference:
            raise CommandFailed(
                f"item {reference} belongs to server handle {found.registration.handle}, "
                f"not {server_handle}"
            )
    tag = ctx.resolve_tag(reference)
    with refusals(tag):
        if found is not None:  # the tag is an item of another registration: add it here
            return await session.add_item(tag, server_handle=server_handle), True
        return await session.resolve(tag, server_handle, lend=lend)


async def first_values(
    session: ShellSession, waiting: list[tuple[TrackedItem, int]], timeout: float
) -> None:
    """Wait until each item has had a data change since the count given with it;
    CommandFailed naming the items still without one after `timeout` seconds."""

    def missing() -> list[TrackedItem]:
        return [item for item, before in waiting if item.change_count <= before]

    if not await until(session, lambda: not missing(), timeout):
        names = ", ".join(i.tag_reference for i in missing())
        raise CommandFailed(f"no value for {names} within {timeout:g}s")


def complete_item(ctx: ShellContext, prefix: str) -> list[str]:
    """Aliases, handles and tag references of the session's items."""
    if ctx.session is None:
        return []
    names: list[str] = []
    for item in ctx.session.items:
        names += [item.alias or "", str(item.handle), item.tag_reference]
    lowered = prefix.lower()
    return [n for n in dict.fromkeys(names) if n and n.lower().startswith(lowered)]


def session_of(ctx: ShellContext) -> ShellSession:
    """The context's session; NotConnectedError (one line for the user) when there is none.

    A command declared with `needs_session=True` always has one.
    """
    return ctx.require_session()


def by_connection(
    ctx: ShellContext, references: Sequence[str]
) -> list[tuple[str | None, ShellContext, list[str]]]:
    """References grouped by the named connection they go to (API 1.2): for each, the
    connection's name, the context whose session (and Galaxy) is that connection's, and
    the references without their `NAME:`. Unqualified references go to the current
    connection; when no reference is qualified, one group named None with `ctx` itself.

    A command declared `own_connections=True` (as `watch`) takes references of several
    connections at once this way; any other command gets them already routed.
    """
    routes = ctx.services.routes
    if routes is None:
        return [(None, ctx, list(references))]
    return routes.group(references)  # type: ignore[no-any-return]


@asynccontextmanager
async def borrowed_item(
    ctx: ShellContext, reference: str, *, advise: bool = True
) -> AsyncIterator[TrackedItem]:
    """The item `reference` names (an alias, a handle, or a tag reference the user typed,
    relative ones included), advised unless `advise=False`, for the block's duration.

    Whatever this added or advised is given back when the block ends, however it ends,
    so a command leaves the user's items as it found them. A tag the gateway refuses
    raises GatewayError; an alias or handle that names nothing raises ItemLookupError.
    """
    session = ctx.require_session()
    item, added = await session.resolve(ctx.resolve_tag(reference))
    advised = False
    try:
        if advise and item.advise == "none":
            item.borrowed = True  # before the advise: its first value is the command's
            await session.advise(item)
            advised = True
        yield item
    finally:
        item.borrowed = False  # whatever happened: the item is the user's again
        await give_back(ctx, session, [item] if added else [], [item] if advised else [])


async def wait_for_value(session: ShellSession, item: TrackedItem, *, timeout: float = 5.0) -> Any:
    """An advised item's value: at once when it has had an OnDataChange, else when the
    first one arrives; CommandFailed when none comes within `timeout` seconds."""
    if item.advise == "none":
        raise CommandFailed(f"{item.name} is not advised, so it gets no values")
    if item.change_count:
        return item.value
    arrived = asyncio.Event()

    def check(events: Sequence[Any]) -> None:
        if item.change_count:
            arrived.set()

    session.add_listener(check)
    try:
        async with asyncio.timeout(timeout):
            await arrived.wait()
    except TimeoutError:
        raise CommandFailed(f"no value for {item.name} within {timeout:g} s") from None
    finally:
        session.remove_listener(check)
    return item.value


async def until(session: ShellSession, condition: Callable[[], bool], timeout: float) -> bool:
    """Wait until condition() holds, checking as event batches arrive; False on timeout."""
    if condition():
        return True
    reached = asyncio.Event()

    def check(events: Any) -> None:
        if condition():
            reached.set()

    session.add_listener(check)
    try:
        async with asyncio.timeout(timeout):
            await reached.wait()
        return True
    except TimeoutError:
        return False
    finally:
        session.remove_listener(check)


async def give_back(
    ctx: ShellContext,
    session: ShellSession,
    added: list[TrackedItem],
    advised: list[TrackedItem],
    *,
    label: str = "",
    park: bool = False,
    bulk: bool = False,
) -> None:
    """Remove the items a command added and unadvise the ones it advised (and did not add);
    a failure is said above the prompt, after `label` ("watch: "). With `park`, the added
    items a write was lent are kept for the tag's next write instead (ShellSession.park).
    With `bulk` (API 1.7; for many items, not with `park`), in a few bulk calls instead
    of a call per item: the added items in one UnsubscribeBulk (those advised) and one
    RemoveItemBulk (the others), the advised ones in one UnAdviseItemBulk, per
    registration; each refused entry is a line, as for one item."""
    added_ids = {id(i) for i in added}
    only_advised = [i for i in advised if id(i) not in added_ids]
    if bulk and not park and session.connected:
        await _give_back_in_bulk(ctx, session, added, only_advised, label)
        return
    for item in [*added, *only_advised]:
        was_added = id(item) in added_ids
        item.borrowed = False
        if not session.connected:
            if was_added:  # one a write was lent is kept for its session (see park)
                await session.park(item)
            else:
                item.advise = "none"  # forgotten here, so no reconnect restores it
            continue
        try:
            if was_added:
                await (session.park(item) if park else session.remove_item(item))
            else:
                await session.unadvise(item)
        except GatewayError as error:
            what = "remove" if was_added else "unadvise"
            ctx.notify(f"{label}could not {what} {item.name}: {error}")


# What each bulk call of a give-back undoes, as the one-item lines say it, and the MXAccess
# methods an entry of it stands for (its refusal reads as the one-item call's would).
_UNDOING: dict[ItemMethod, tuple[str, str]] = {
    "unsubscribe": ("remove", "UnAdvise/RemoveItem"),
    "remove": ("remove", "RemoveItem"),
    "unadvise": ("unadvise", "UnAdvise"),
}


async def _give_back_in_bulk(
    ctx: ShellContext,
    session: ShellSession,
    added: list[TrackedItem],
    only_advised: list[TrackedItem],
    label: str,
) -> None:
    """give_back's bulk calls: the added items that are advised in one UnsubscribeBulk,
    the other added ones in one RemoveItemBulk, the items only advised in one
    UnAdviseItemBulk (a batch per registration, chunked to the gateway's limit). A lost
    item (not restored after a reconnect) has no handle on the gateway: it is forgotten
    without a call, as remove_item does. Each refused entry is a line, as for one item; a
    call the gateway fails as a whole is one line, and once the session is gone the rest
    is forgotten locally, as give_back does."""
    for item in [*added, *only_advised]:
        item.borrowed = False
    batches: list[tuple[ItemMethod, list[TrackedItem]]] = [
        ("unsubscribe", [i for i in added if i.lost is None and i.advise != "none"]),
        ("remove", [i for i in added if i.lost is None and i.advise == "none"]),
        ("unadvise", [i for i in only_advised if i.lost is None]),
    ]
    for item in added:
        if item.lost is not None:
            session.items.drop(item)
    for item in only_advised:
        if item.lost is not None:
            item.advise = "none"
    for method, items in batches:
        if not items:
            continue
        was_added = method != "unadvise"
        if not session.connected:
            for item in items:
                _forget(session, item, was_added)
            continue
        what, methods = _UNDOING[method]
        try:
            results = await item_calls(BulkRun(session), items, method)
        except GatewayError as error:
            ctx.notify(f"{label}could not {what} {len(items)} item(s): {error}")
            if not session.connected:
                for item in items:
                    _forget(session, item, was_added)
            continue
        for result in results:
            if not result.ok:
                name = result.item.name if result.item else result.reference
                ctx.notify(f"{label}could not {what} {name}: {entry_refusal(methods, result)}")


def entry_refusal(method: str, result: EntryResult) -> str:
    """Why a bulk entry failed, as the one-item call's error says it (API 1.7): e.g.
    "AddItem failed: HRESULT 0x80070490 (ERROR_NOT_FOUND); status: …" for an entry of
    AddItemBulk, `method` naming the MXAccess method the entry stands for; an entry the
    shell did not send says why ("not sent: …")."""
    if result.answer is None:
        return result.message
    return describe_mxaccess_failure(method, result.hresult, result.statuses, result.message)


def _forget(session: ShellSession, item: TrackedItem, was_added: bool) -> None:
    """The gateway session is gone: forget locally, so no reconnect restores the item
    (or its advise)."""
    if was_added:
        session.items.drop(item)
    else:
        item.advise = "none"
