"""The MXAccess family: register, items, advises, writes, read; the plugin's hooks.

Each declaration sits right above its handler; handlers call the persistent session
and return data (tables, texts with their JSON shape), which the output layer renders.
stream-events, record and smoke live in mxaccess_events; both register from here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mxshell_plugins import mxaccess_events
from mxshell_plugins.bulk_input import references
from mxshell_plugins.mxaccess_common import (
    ITEM_HELP,
    SECURED_ARGS,
    SERVER_HANDLE,
    TYPE,
    convert,
    give_back,
    inferred,
    item_arg,
    parse_timestamp,
    password_from,
    quality_text,
    refusals,
    session_of,
    until,
)

from mxshell.app.plugin_host import hookimpl
from mxshell.commands import CommandFailed, CommandSet, Table, Text, arg, format_value
from mxshell.gateway import (
    from_mx_value,
    mx_value_kind,
)
from mxshell.session import PersistentSession, TrackedItem

mxaccess = CommandSet("mxaccess")

ITEM_COLUMNS = ["handle", "alias", "tag", "advise"]
ITEMS_COLUMNS = [*ITEM_COLUMNS, "value", "quality", "timestamp", "changes"]


def item_table(item: TrackedItem) -> Table:
    """One item's identity and advise state, as a one-row table."""
    return Table(ITEM_COLUMNS, [[item.handle, item.alias, item.tag_reference, advise_of(item)]])


def advise_of(item: TrackedItem) -> str:
    return "lost" if item.lost is not None else item.advise


@asynccontextmanager
async def using_item(
    ctx: Any, reference: str, server_handle: int | None = None, *, borrow: bool = False
) -> AsyncIterator[TrackedItem]:
    """The item a reference names, added when it is a tag; removed again if the command
    that added it fails, so that a failed command leaves nothing behind. With `borrow`
    (a write), an item the command added is given back when it is done, as `read` does:
    left behind, `items` would show its last value as if it were still live."""
    session = session_of(ctx)
    item, added = await find_or_add(ctx, reference, server_handle)
    try:
        yield item
    except BaseException:
        if added:
            await give_back(ctx, session, [item], [])
        raise
    if added and borrow:
        await give_back(ctx, session, [item], [])


async def find_or_add(
    ctx: Any, reference: str, server_handle: int | None = None
) -> tuple[TrackedItem, bool]:
    """(item, True when this call added it). An alias or handle must name an item."""
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
        return await session.resolve(tag, server_handle)


# registrations ---------------------------------------------------------------


@mxaccess.command(
    "register",
    help="Register with MXAccess (Register); the new server handle becomes the current one.\n"
    "Commands use the current registration unless given --server-handle; add-item "
    "registers by itself when there is none.",
    args=[arg("client_name", required=False, help="client name (default mxshell)")],
    needs_session=True,
)
async def register(ctx: Any, client_name: str | None = None) -> Text:
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
async def unregister(ctx: Any, server_handle: int | None = None) -> Text:
    with refusals():
        registration, released = await session_of(ctx).unregister(server_handle)
    return Text(
        f"unregistered server handle {registration.handle}: released {released} item(s)",
        {"server_handle": registration.handle, "items_released": released},
    )


# items and advises ---------------------------------------------------------------


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
    ctx: Any, tag: str, alias: str | None = None, server_handle: int | None = None
) -> Table:
    reference = ctx.resolve_tag(tag)
    with refusals(reference):
        item = await session_of(ctx).add_item(reference, alias, server_handle)
    return item_table(item)


@mxaccess.command(
    "remove-item",
    help="Remove an item (RemoveItem); an advised item stops its events too.",
    args=[item_arg(adds=False)],
    needs_session=True,
)
async def remove_item(ctx: Any, item: str) -> Text:
    session = session_of(ctx)
    found = session.find(item)
    with refusals(found.tag_reference):
        await session.remove_item(found)
    label = f" ({found.alias})" if found.alias else ""
    return Text(
        f"removed item {found.handle}{label}: {found.tag_reference}",
        {"handle": found.handle, "alias": found.alias, "tag": found.tag_reference},
    )


async def _advise(ctx: Any, item: str, server_handle: int | None, supervisory: bool) -> Table:
    async with using_item(ctx, item, server_handle) as found:
        with refusals(found.tag_reference):
            await session_of(ctx).advise(found, supervisory=supervisory)
    return item_table(found)


@mxaccess.command(
    "advise",
    help="Start OnDataChange events for an item (Advise); a tag is added first.\n"
    "The current value arrives as the first event, then one event per change.",
    args=[item_arg(), SERVER_HANDLE],
    needs_session=True,
)
async def advise(ctx: Any, item: str, server_handle: int | None = None) -> Table:
    return await _advise(ctx, item, server_handle, supervisory=False)


@mxaccess.command(
    "advise-supervisory",
    help="Advise as a supervisory client (AdviseSupervisory): its writes are supervisory "
    "writes.\nA supervisory write to a SecuredWrite attribute needs no user; VerifiedWrite "
    "and ViewOnly still refuse it.",
    args=[item_arg(), SERVER_HANDLE],
    needs_session=True,
)
async def advise_supervisory(ctx: Any, item: str, server_handle: int | None = None) -> Table:
    return await _advise(ctx, item, server_handle, supervisory=True)


@mxaccess.command(
    "unadvise",
    help="Stop OnDataChange events for an item (UnAdvise); the item stays.",
    args=[item_arg(adds=False)],
    needs_session=True,
)
async def unadvise(ctx: Any, item: str) -> Table:
    session = session_of(ctx)
    found = session.find(item)
    with refusals(found.tag_reference):
        await session.unadvise(found)
    return item_table(found)


@mxaccess.command(
    "items",
    help="The items of this session: alias, advise state and the latest value, quality "
    "and timestamp, and how many changes arrived.",
)
async def items(ctx: Any) -> Table:
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


# writes --------------------------------------------------------------------------


def written(
    method: str,
    item: TrackedItem,
    value: Any,
    timestamp: datetime | None,
    users: tuple[str, str | None] | None = None,
) -> Text:
    """What an accepted write shows: the value as sent and its type; `users` for secured."""
    sent = from_mx_value(value)
    kind = mx_value_kind(value)
    shown = repr(sent) if isinstance(sent, str) else format_value(sent)
    text = f"{method} accepted: {item.tag_reference} = {shown} ({kind})"
    data: dict[str, Any] = {"item": item.handle, "tag": item.tag_reference}
    data.update(value=sent, type=kind)
    if timestamp is not None:
        text += f" at {format_value(timestamp)}"
        data["timestamp"] = timestamp
    if users is not None:
        user, verifier = users
        text += f" as {user}" + (f", verified by {verifier}" if verifier else "")
        data.update(user=user, verifier=verifier)
    return Text(text + "; OnWriteComplete follows as an event", data)


async def _write(
    ctx: Any,
    item: str,
    value: str,
    type_name: str | None,
    timestamp: str | None,
    server_handle: int | None,
) -> Text:
    moment = parse_timestamp(timestamp) if timestamp else None
    async with using_item(ctx, item, server_handle, borrow=True) as found:
        converted = await convert(ctx, found, value, type_name)
        with refusals(found.tag_reference, type_hint=inferred(found, converted, type_name)):
            await session_of(ctx).write(found, converted, timestamp=moment)
    return written("Write2" if moment else "Write", found, converted, moment)


VALUE = arg("value", help="the value; arrays as 1,2,3 or [1, 2, 3]; -- before a negative")
TIMESTAMP = arg("--timestamp", required=True, help="RFC 3339 time, e.g. 2026-01-31T12:00:00Z")


@mxaccess.command(
    "write",
    help="Write a value to an item (Write); OnWriteComplete follows as an event.\n"
    "Without --type the value takes the attribute's type as the Galaxy declares it (write-"
    "bulk does the same), else the type of the item's current value when the shell knows it, "
    "else the type the text suggests (42 int32, 4.2 double, true bool, [1,2] int32[], "
    "anything else string). A value that cannot fit is refused before anything is sent. "
    "An item the write had to add is removed again. NaN and infinity are refused.",
    args=[item_arg(), VALUE, TYPE, SERVER_HANDLE],
    needs_session=True,
)
async def write(
    ctx: Any, item: str, value: str, type: str | None = None, server_handle: int | None = None
) -> Text:
    return await _write(ctx, item, value, type, None, server_handle)


@mxaccess.command(
    "write2",
    help="Write a value with its timestamp (Write2).",
    args=[item_arg(), VALUE, TIMESTAMP, TYPE, SERVER_HANDLE],
    needs_session=True,
)
async def write2(
    ctx: Any,
    item: str,
    value: str,
    timestamp: str,
    type: str | None = None,
    server_handle: int | None = None,
) -> Text:
    return await _write(ctx, item, value, type, timestamp, server_handle)


async def _write_secured(
    ctx: Any, item: str, value: str, timestamp: str | None, options: dict[str, Any]
) -> Text:
    session = session_of(ctx)
    moment = parse_timestamp(timestamp) if timestamp else None
    user, verifier = options["user"], options.get("verifier")
    async with using_item(ctx, item, options.get("server_handle"), borrow=True) as found:
        converted = await convert(ctx, found, value, options.get("type"))
        server = found.registration.handle  # user ids hold under one server handle only
        password = await password_from(ctx, options.get("password_env"), user)
        secrets = [password]
        with refusals(user, secrets):
            current = await session.authenticate_user(user, password, server)
        verifier_id = 0
        if verifier:
            secrets.append(await password_from(ctx, options.get("verifier_password_env"), verifier))
            with refusals(verifier, secrets):
                verifier_id = await session.authenticate_user(verifier, secrets[-1], server)
        hint = inferred(found, converted, options.get("type"))
        with refusals(found.tag_reference, secrets, type_hint=hint):
            await session.write_secured(
                found,
                converted,
                current_user_id=current,
                verifier_user_id=verifier_id,
                timestamp=moment,
            )
    method = "WriteSecured2" if moment else "WriteSecured"
    return written(method, found, converted, moment, (user, verifier))


@mxaccess.command(
    "write-secured",
    help="Write to a SecuredWrite or VerifiedWrite attribute (WriteSecured) as a user.\n"
    "The user (and for VerifiedWrite a --verifier, a different user) is authenticated "
    "first. Passwords are asked for with hidden input, or read from --password-env / "
    "--verifier-password-env; they are never arguments, so they never reach history.",
    args=[item_arg(), VALUE, *SECURED_ARGS, TYPE, SERVER_HANDLE],
    needs_session=True,
)
async def write_secured(ctx: Any, item: str, value: str, **options: Any) -> Text:
    return await _write_secured(ctx, item, value, None, options)


@mxaccess.command(
    "write-secured2",
    help="WriteSecured with a timestamp (WriteSecured2); see write-secured.",
    args=[item_arg(), VALUE, TIMESTAMP, *SECURED_ARGS, TYPE, SERVER_HANDLE],
    needs_session=True,
)
async def write_secured2(ctx: Any, item: str, value: str, timestamp: str, **options: Any) -> Text:
    return await _write_secured(ctx, item, value, timestamp, options)


@mxaccess.command(
    "authenticate-user",
    help="Check a user's credentials (AuthenticateUser) and show the user id.\n"
    "The password is asked for with hidden input, or read from --password-env.",
    args=[
        arg("user", help="user name"),
        arg("--password-env", help="variable holding the password (else asked, hidden)"),
        SERVER_HANDLE,
    ],
    needs_session=True,
)
async def authenticate_user(
    ctx: Any, user: str, password_env: str | None = None, server_handle: int | None = None
) -> Text:
    session = session_of(ctx)
    password = await password_from(ctx, password_env, user)
    with refusals(user, [password]):
        registration = await session.ensure_registration(server_handle)
        user_id = await session.authenticate_user(user, password, registration.handle)
    return Text(
        f"authenticated {user}: user id {user_id} (server handle {registration.handle})",
        {"user": user, "user_id": user_id, "server_handle": registration.handle},
    )


# reading -----------------------------------------------------------------------------


READ_COLUMNS = ["tag", "value", "quality", "timestamp"]


@mxaccess.command(
    "read",
    help="Read current values: value, quality and timestamp of each TAG.\n"
    "Adds and advises what it must, waits for the first OnDataChange, then removes the "
    "items it added and unadvises what it advised; items that were already advised are "
    "left as they are (their latest value is shown). TAGS may be globs over the Galaxy "
    "('Tank*.Level') and @FILEs, as for read-bulk. Every tag gets a row: when one fails "
    "(unknown, refused, no value within --timeout) the others are still read, the rows "
    "get a status column saying why, and the command fails (exit status 1).",
    args=[
        arg("tags", nargs="+", is_tag=True, completer="item", help=ITEM_HELP),
        arg("--timeout", type="duration", default=5.0, help="how long to wait (default 5s)"),
    ],
    needs_session=True,
)
async def read(ctx: Any, tags: list[str], timeout: float = 5.0) -> Table:
    session = session_of(ctx)
    added: list[TrackedItem] = []
    advised: list[TrackedItem] = []
    entries: list[ReadEntry] = []
    try:
        for reference in await references(ctx, tags):
            entries.append(await _read_entry(ctx, session, reference, added, advised))
        owed = [entry for entry in entries if entry.owed]
        await until(session, lambda: not any(entry.owed for entry in owed), timeout)
        rows = [entry.row(timeout) for entry in entries]
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
    ctx: Any,
    session: PersistentSession,
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
        try:
            with refusals(item.tag_reference):
                await session.advise(item)
        except CommandFailed as error:
            return ReadEntry(item.tag_reference, problem=str(error))
        advised.append(item)
        return ReadEntry(item.tag_reference, item, before=before)
    return ReadEntry(item.tag_reference, item, before=0 if item.change_count == 0 else None)


async def first_values(
    session: PersistentSession, waiting: list[tuple[TrackedItem, int]], timeout: float
) -> None:
    """Wait until each item has had a data change since the count given with it;
    CommandFailed naming the items still without one after `timeout` seconds."""

    def missing() -> list[TrackedItem]:
        return [item for item, before in waiting if item.change_count <= before]

    if not await until(session, lambda: not missing(), timeout):
        names = ", ".join(i.tag_reference for i in missing())
        raise CommandFailed(f"no value for {names} within {timeout:g}s")


# the plugin ------------------------------------------------------------------------


def complete_item(ctx: Any, prefix: str) -> list[str]:
    """Aliases, handles and tag references of the session's items."""
    if ctx.session is None:
        return []
    names: list[str] = []
    for item in ctx.session.items:
        names += [item.alias or "", str(item.handle), item.tag_reference]
    lowered = prefix.lower()
    return [n for n in dict.fromkeys(names) if n and n.lower().startswith(lowered)]


@hookimpl
def register_commands(register: Any) -> None:
    register(list(mxaccess))
    register(list(mxaccess_events.commands))


@hookimpl
def register_completers(register: Any) -> None:
    register("item", complete_item)


@hookimpl
def session_opened(context: Any) -> None:
    mxaccess_events.attach_backlog(context)


@hookimpl
def session_closed(context: Any) -> None:
    mxaccess_events.stop_recording(context, "the gateway session closed")


@hookimpl
def shutdown(context: Any) -> None:
    mxaccess_events.stop_recording(context, None)
