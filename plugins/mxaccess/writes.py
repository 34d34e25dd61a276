"""The MXAccess family's writes: write, write2, write-secured, write-secured2 and
authenticate-user. A failed write is never retried.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mxshell.api import (
    CommandSet,
    ShellContext,
    Text,
    TrackedItem,
    arg,
    format_value,
    from_mx_value,
    session_of,
)
from mxshell.api.conversion import (
    convert,
    inferred,
    parse_timestamp,
    password_from,
    refusals,
    write_outcome,
)
from mxshell.api.gateway import mx_value_kind
from mxshell.api.items import SECURED_ARGS, SERVER_HANDLE, TYPE, item_arg, using_item

mxaccess = CommandSet("mxaccess")


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
    ctx: ShellContext,
    item: str,
    value: str,
    type_name: str | None,
    timestamp: str | None,
    server_handle: int | None,
) -> Text:
    moment = parse_timestamp(timestamp) if timestamp else None
    async with using_item(ctx, item, server_handle, borrow=True) as found:
        converted = await convert(ctx, found, value, type_name)
        hint = inferred(found, converted, type_name)
        with write_outcome(found.tag_reference), refusals(found.tag_reference, type_hint=hint):
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
    "An item the write had to add stays out of `items`: it is kept for the next write of the "
    "tag and given back when the shell is idle (at once if the write fails). NaN and "
    "infinity are refused.",
    args=[item_arg(), VALUE, TYPE, SERVER_HANDLE],
    needs_session=True,
)
async def write(
    ctx: ShellContext,
    item: str,
    value: str,
    type: str | None = None,
    server_handle: int | None = None,
) -> Text:
    return await _write(ctx, item, value, type, None, server_handle)


@mxaccess.command(
    "write2",
    help="Write a value with its timestamp (Write2).",
    args=[item_arg(), VALUE, TIMESTAMP, TYPE, SERVER_HANDLE],
    needs_session=True,
)
async def write2(
    ctx: ShellContext,
    item: str,
    value: str,
    timestamp: str,
    type: str | None = None,
    server_handle: int | None = None,
) -> Text:
    return await _write(ctx, item, value, type, timestamp, server_handle)


async def _write_secured(
    ctx: ShellContext, item: str, value: str, timestamp: str | None, options: dict[str, Any]
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
        with (
            refusals(found.tag_reference, secrets, type_hint=hint),
            write_outcome(found.tag_reference),
        ):
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
async def write_secured(ctx: ShellContext, item: str, value: str, **options: Any) -> Text:
    return await _write_secured(ctx, item, value, None, options)


@mxaccess.command(
    "write-secured2",
    help="WriteSecured with a timestamp (WriteSecured2); see write-secured.",
    args=[item_arg(), VALUE, TIMESTAMP, *SECURED_ARGS, TYPE, SERVER_HANDLE],
    needs_session=True,
)
async def write_secured2(
    ctx: ShellContext, item: str, value: str, timestamp: str, **options: Any
) -> Text:
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
    ctx: ShellContext, user: str, password_env: str | None = None, server_handle: int | None = None
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
