"""The MXAccess family: register, items, advise, writes, read, stream-events, smoke.

Each declaration sits right above its handler; handlers call the persistent session
and return data (dicts, lists of rows), which the output layer renders.
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from typing import Any

from mxshell.commands.errors import CommandFailed
from mxshell.commands.model import CommandSet, arg
from mxshell.gateway import (
    TYPE_NAMES,
    format_quality,
    from_mx_value,
    parse_value_text,
)
from mxshell.plugins import hookimpl
from mxshell.session import PersistentSession, TrackedItem

mxaccess = CommandSet("mxaccess")

ITEM_HELP = "an alias, a handle (7 or #7) or a tag reference such as Tank1.Level"
SERVER_HANDLE = arg(
    "--server-handle", type="int", help="registration to use (default: the current one)"
)
TYPE = arg("--type", choices=sorted(TYPE_NAMES), help="value type (inferred when omitted)")


def item_row(item: TrackedItem) -> dict[str, Any]:
    return {
        "handle": item.handle,
        "alias": item.alias,
        "tag": item.tag_reference,
        "advise": item.advise,
        "value": item.value,
        "quality": format_quality(item.quality) if item.quality is not None else None,
        "timestamp": item.timestamp,
        "changes": item.change_count,
        "server_handle": item.registration.handle,
        "gateway_handle": item.gateway_handle,
        "lost": item.lost,
    }


def session_of(ctx: Any) -> PersistentSession:
    return ctx.session  # needs_session=True guarantees one


async def resolve(ctx: Any, reference: str, server_handle: int | None = None) -> TrackedItem:
    item, _ = await session_of(ctx).resolve(ctx.resolve_tag(reference), server_handle)
    return item


def parse_value(text: str, type_name: str | None) -> Any:
    try:
        return parse_value_text(text, type_name)
    except ValueError as error:
        raise CommandFailed(f"bad value {text!r}: {error}") from None


def parse_timestamp(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CommandFailed(
            f"bad timestamp {text!r}: use RFC 3339, e.g. 2026-01-31T12:00:00Z"
        ) from None
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment


async def password_from(ctx: Any, env: str | None, user: str) -> str:
    """A password from a named environment variable, or asked for with hidden input."""
    if env:
        value = os.environ.get(env)
        if not value:
            raise CommandFailed(f"environment variable {env} is not set or empty")
        return value
    ask = ctx.services.get("ask_secret")
    if ask is None:
        raise CommandFailed("no terminal to ask for a password: use --password-env VAR")
    return str(await ask(f"password for {user}: "))


# registrations ---------------------------------------------------------------


@mxaccess.command(
    "register",
    help="Register with MXAccess (the gateway's Register); becomes the current registration.",
    args=[arg("client_name", required=False, help="client name (default mxshell)")],
    needs_session=True,
)
async def register(ctx: Any, client_name: str | None = None) -> dict[str, Any]:
    registration = await session_of(ctx).register(client_name)
    return {"server_handle": registration.handle, "client_name": registration.client_name}


@mxaccess.command(
    "unregister",
    help="Unregister, releasing every item under the registration.",
    args=[SERVER_HANDLE],
    needs_session=True,
)
async def unregister(ctx: Any, server_handle: int | None = None) -> dict[str, Any]:
    registration, dropped = await session_of(ctx).unregister(server_handle)
    return {"server_handle": registration.handle, "items_released": dropped}


# items -------------------------------------------------------------------------


@mxaccess.command(
    "add-item",
    help="Add an item for a tag reference (it is not advised yet).",
    args=[
        arg("tag", is_tag=True, help="tag reference, e.g. Tank1.Level"),
        arg("--as", dest="alias", help="alias to call the item by"),
        SERVER_HANDLE,
    ],
    needs_session=True,
)
async def add_item(
    ctx: Any, tag: str, alias: str | None = None, server_handle: int | None = None
) -> dict[str, Any]:
    item = await session_of(ctx).add_item(ctx.resolve_tag(tag), alias, server_handle)
    return item_row(item)


@mxaccess.command(
    "remove-item",
    help="Remove an item (unadvising it first if needed).",
    args=[arg("item", completer="item", help=ITEM_HELP)],
    needs_session=True,
)
async def remove_item(ctx: Any, item: str) -> dict[str, Any]:
    found = session_of(ctx).find(item)
    await session_of(ctx).remove_item(found)
    return {"removed": found.name, "handle": found.handle}


@mxaccess.command(
    "advise",
    help="Start OnDataChange events for an item (adds the item when given a tag).",
    args=[arg("item", completer="item", is_tag=True, help=ITEM_HELP), SERVER_HANDLE],
    needs_session=True,
)
async def advise(ctx: Any, item: str, server_handle: int | None = None) -> dict[str, Any]:
    found = await resolve(ctx, item, server_handle)
    await session_of(ctx).advise(found)
    return item_row(found)


@mxaccess.command(
    "advise-supervisory",
    help="Advise as a supervisory client (its writes are supervisory writes).",
    args=[arg("item", completer="item", is_tag=True, help=ITEM_HELP), SERVER_HANDLE],
    needs_session=True,
)
async def advise_supervisory(
    ctx: Any, item: str, server_handle: int | None = None
) -> dict[str, Any]:
    found = await resolve(ctx, item, server_handle)
    await session_of(ctx).advise(found, supervisory=True)
    return item_row(found)


@mxaccess.command(
    "unadvise",
    help="Stop OnDataChange events for an item.",
    args=[arg("item", completer="item", help=ITEM_HELP)],
    needs_session=True,
)
async def unadvise(ctx: Any, item: str) -> dict[str, Any]:
    found = session_of(ctx).find(item)
    await session_of(ctx).unadvise(found)
    return item_row(found)


@mxaccess.command("items", help="The items of this session with their latest values.")
async def items(ctx: Any) -> list[dict[str, Any]]:
    if ctx.session is None:
        return []
    return [item_row(i) for i in session_of(ctx).items]


# writes --------------------------------------------------------------------------


async def _write(
    ctx: Any,
    item: str,
    value: str,
    type_name: str | None,
    timestamp: str | None,
    server_handle: int | None,
) -> dict[str, Any]:
    found = await resolve(ctx, item, server_handle)
    converted = parse_value(value, type_name)
    moment = parse_timestamp(timestamp) if timestamp else None
    await session_of(ctx).write(found, converted, type_name=type_name, timestamp=moment)
    return {"item": found.name, "tag": found.tag_reference, "written": converted}


@mxaccess.command(
    "write",
    help="Write a value to an item; OnWriteComplete follows as an event.",
    args=[
        arg("item", completer="item", is_tag=True, help=ITEM_HELP),
        arg("value", help="the value; give --type when inference would guess wrong"),
        TYPE,
        SERVER_HANDLE,
    ],
    needs_session=True,
)
async def write(
    ctx: Any, item: str, value: str, type: str | None = None, server_handle: int | None = None
) -> dict[str, Any]:
    return await _write(ctx, item, value, type, None, server_handle)


TIMESTAMP = arg("--timestamp", required=True, help="RFC 3339 time, e.g. 2026-01-31T12:00:00Z")


@mxaccess.command(
    "write2",
    help="Write a value with a timestamp (Write2).",
    args=[
        arg("item", completer="item", is_tag=True, help=ITEM_HELP),
        arg("value"),
        TIMESTAMP,
        TYPE,
        SERVER_HANDLE,
    ],
    needs_session=True,
)
async def write2(
    ctx: Any,
    item: str,
    value: str,
    timestamp: str,
    type: str | None = None,
    server_handle: int | None = None,
) -> dict[str, Any]:
    return await _write(ctx, item, value, type, timestamp, server_handle)


SECURED_ARGS = [
    arg("--user", required=True, help="user who makes the write"),
    arg("--password-env", help="variable holding --user's password (else asked, hidden)"),
    arg("--verifier", help="second user, for VerifiedWrite attributes"),
    arg("--verifier-password-env", help="variable holding the verifier's password"),
]


async def _write_secured(
    ctx: Any, item: str, value: str, timestamp: str | None, options: dict[str, Any]
) -> dict[str, Any]:
    session = session_of(ctx)
    found = await resolve(ctx, item, options.get("server_handle"))
    converted = parse_value(value, options.get("type"))
    moment = parse_timestamp(timestamp) if timestamp else None
    user = options["user"]
    current = await session.authenticate_user(
        user, await password_from(ctx, options.get("password_env"), user)
    )
    verifier_id = 0
    verifier = options.get("verifier")
    if verifier:
        password = await password_from(ctx, options.get("verifier_password_env"), verifier)
        verifier_id = await session.authenticate_user(verifier, password)
    await session.write_secured(
        found,
        converted,
        current_user_id=current,
        verifier_user_id=verifier_id,
        type_name=options.get("type"),
        timestamp=moment,
    )
    return {
        "item": found.name,
        "tag": found.tag_reference,
        "written": converted,
        "user": user,
        "verifier": verifier,
    }


@mxaccess.command(
    "write-secured",
    help="Write to a SecuredWrite or VerifiedWrite attribute, authenticating the user(s).\n"
    "Passwords are asked for with hidden input, or read from --password-env; never typed "
    "as an argument, so they never reach history.",
    args=[
        arg("item", completer="item", is_tag=True, help=ITEM_HELP),
        arg("value"),
        *SECURED_ARGS,
        TYPE,
        SERVER_HANDLE,
    ],
    needs_session=True,
)
async def write_secured(ctx: Any, item: str, value: str, **options: Any) -> dict[str, Any]:
    return await _write_secured(ctx, item, value, None, options)


@mxaccess.command(
    "write-secured2",
    help="WriteSecured with a timestamp (WriteSecured2).",
    args=[
        arg("item", completer="item", is_tag=True, help=ITEM_HELP),
        arg("value"),
        TIMESTAMP,
        *SECURED_ARGS,
        TYPE,
        SERVER_HANDLE,
    ],
    needs_session=True,
)
async def write_secured2(
    ctx: Any, item: str, value: str, timestamp: str, **options: Any
) -> dict[str, Any]:
    return await _write_secured(ctx, item, value, timestamp, options)


@mxaccess.command(
    "authenticate-user",
    help="Check a user's credentials with MXAccess (AuthenticateUser); shows the user id.",
    args=[arg("user"), arg("--password-env", help="variable holding the password"), SERVER_HANDLE],
    needs_session=True,
)
async def authenticate_user(
    ctx: Any, user: str, password_env: str | None = None, server_handle: int | None = None
) -> dict[str, Any]:
    password = await password_from(ctx, password_env, user)
    user_id = await session_of(ctx).authenticate_user(user, password, server_handle)
    return {"user": user, "user_id": user_id}


# reading -----------------------------------------------------------------------------


@mxaccess.command(
    "read",
    help="Read current values: adds and advises what it must, waits for the first value, "
    "and cleans up what it added.",
    args=[
        arg("tags", nargs="+", is_tag=True, help="tag references, aliases or handles"),
        arg("--timeout", type="duration", default=5.0, help="how long to wait (default 5s)"),
    ],
    needs_session=True,
)
async def read(ctx: Any, tags: list[str], timeout: float = 5.0) -> list[dict[str, Any]]:
    session = session_of(ctx)
    rows = []
    for reference in tags:
        item, added = await session.resolve(ctx.resolve_tag(reference))
        advised_here = item.advise == "none"
        try:
            if advised_here:
                before = item.change_count
                await session.advise(item)
                await _first_change(item, before, timeout)
            rows.append(
                {
                    "tag": item.tag_reference,
                    "value": item.value,
                    "quality": format_quality(item.quality) if item.quality is not None else None,
                    "timestamp": item.timestamp,
                }
            )
        finally:
            await _clean_up(session, item, added, advised_here)
    return rows


async def _first_change(item: TrackedItem, before: int, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while item.change_count == before:
        if loop.time() > deadline:
            raise CommandFailed(f"no value for {item.tag_reference} within {timeout:g}s")
        await asyncio.sleep(0.01)


async def _clean_up(
    session: PersistentSession, item: TrackedItem, added: bool, advised_here: bool
) -> None:
    if not session.connected:
        return
    if added:
        await session.remove_item(item)
    elif advised_here and item.advise != "none":
        await session.unadvise(item)


# events --------------------------------------------------------------------------


def event_row(session: PersistentSession, event: Any) -> dict[str, Any]:
    kind = event.WhichOneof("event")
    body = getattr(event, kind)
    item = session.items.by_gateway(body.server_handle, body.item_handle)
    row: dict[str, Any] = {
        "worker_sequence": event.worker_sequence,
        "event": kind,
        "item": item.name if item else body.item_handle,
    }
    if kind == "on_data_change":
        row["value"] = from_mx_value(body.value)
        row["quality"] = format_quality(body.quality)
        row["timestamp"] = (
            body.timestamp.ToDatetime(tzinfo=UTC) if body.HasField("timestamp") else None
        )
    elif hasattr(body, "statuses"):
        row["ok"] = all(s.success for s in body.statuses)
    return row


@hookimpl
def register_commands(register: Any) -> None:
    register(list(mxaccess))


def complete_item(ctx: Any, prefix: str) -> list[str]:
    """Aliases and #handles of the session's items."""
    if ctx.session is None:
        return []
    names = [i.alias for i in ctx.session.items if i.alias] + [
        f"#{i.handle}" for i in ctx.session.items
    ]
    return [n for n in names if n.lower().startswith(prefix.lower())]


@hookimpl
def register_completers(register: Any) -> None:
    register("item", complete_item)


@mxaccess.command(
    "stream-events",
    help="Show events as they arrive, until --max-events, --timeout or Ctrl-C.",
    args=[
        arg("--max-events", type="int", help="stop after this many events"),
        arg("--timeout", type="duration", help="stop after this long (e.g. 10s)"),
        arg("--record", help="also write the events to FILE.jsonl or FILE.csv"),
    ],
    needs_session=True,
)
async def stream_events(
    ctx: Any,
    max_events: int | None = None,
    timeout: float | None = None,
    record: str | None = None,
) -> dict[str, Any]:
    session = session_of(ctx)
    queue: asyncio.Queue[Any] = asyncio.Queue()
    recorder = _recorder(record)
    gaps_before = session.counters.gaps
    seen = 0
    ended = "timeout"

    def on_events(batch: Any) -> None:
        for event in batch:
            queue.put_nowait(event)

    session.add_listener(on_events)
    try:
        async with asyncio.timeout(timeout):
            while max_events is None or seen < max_events:
                row = event_row(session, await queue.get())
                row["tag"] = _tag_of(session, row)
                seen += 1
                ctx.emit(row)
                if recorder is not None:
                    recorder.write(row)
            ended = "max-events"
    except TimeoutError:
        ended = "timeout"
    except asyncio.CancelledError:
        ended = "interrupted"
    finally:
        session.remove_listener(on_events)
        if recorder is not None:
            recorder.close()
    return {
        "events": seen,
        "ended": ended,
        "sequence_gaps": session.counters.gaps - gaps_before,
        "recorded_to": record,
    }


def _recorder(path: str | None) -> Any:
    if path is None:
        return None
    from mxshell.commands.recording import EventRecorder

    try:
        return EventRecorder(path)
    except (ValueError, OSError) as error:
        raise CommandFailed(f"cannot record to {path}: {error}") from None


def _tag_of(session: PersistentSession, row: dict[str, Any]) -> str | None:
    item = session.items.find(str(row["item"])) if isinstance(row["item"], str) else None
    return item.tag_reference if item else None


@mxaccess.command(
    "smoke",
    help="The smoke sequence: register, add, advise, wait for events, clean up. "
    "Fails unless an event arrived.",
    args=[
        arg("--item", required=True, is_tag=True, help="tag reference to advise"),
        arg("--max-events", type="int", default=1, help="events to wait for (default 1)"),
        arg("--timeout", type="duration", default=10.0, help="how long to wait (default 10s)"),
    ],
    needs_session=True,
)
async def smoke(ctx: Any, item: str, max_events: int = 1, timeout: float = 10.0) -> dict[str, Any]:
    session = session_of(ctx)
    registration = await session.register("mxshell-smoke")
    tracked: TrackedItem | None = None
    try:
        tracked = await session.add_item(ctx.resolve_tag(item), server_handle=registration.handle)
        await session.advise(tracked)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while tracked.change_count < max_events and loop.time() < deadline:
            await asyncio.sleep(0.01)
        received = tracked.change_count
    finally:
        if session.connected:
            await session.unregister(registration.handle)
    if received == 0:
        raise CommandFailed(f"smoke: no event for {item} within {timeout:g}s")
    return {
        "item": item,
        "events": received,
        "value": tracked.value if tracked else None,
        "ok": True,
    }
