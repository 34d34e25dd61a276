"""What the MXAccess commands share: item arguments, the text of MXAccess refusals, and
events as rows (for stream-events, record and JSON lines)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC
from typing import Any

from mxshell.commands import CommandFailed, Settings, arg, format_value, scrub
from mxshell.gateway import (
    TYPE_NAMES,
    GatewayError,
    MxAccessError,
    describe_status,
    from_mx_value,
    quality_name,
)
from mxshell.gateway.status import CATEGORY_SECURITY_ERROR, hresult_name, hresult_unsigned
from mxshell.session import PersistentSession, TrackedItem

ITEM_HELP = "an alias, a handle such as 7, or a tag reference such as Tank1.Level"


def item_arg(*, adds: bool = True) -> Any:
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


def session_of(ctx: Any) -> PersistentSession:
    """The context's session; commands declared needs_session=True always have one."""
    session: PersistentSession = ctx.require_session()
    return session


def quality_text(quality: int | None) -> str | None:
    """A quality's name and code, 'Good (192)'; None when there is none yet."""
    return None if quality is None else f"{quality_name(quality)} ({quality})"


# MXAccess refusals ---------------------------------------------------------------------


def describe_refusal(error: MxAccessError, target: str | None = None) -> str:
    """One line: what MXAccess refused, why, and its status and HRESULT.

    e.g. "MXAccess refused Write for Tank1.Capacity: Tank1.Capacity is Integer: ...
    (OperationalError, detected by responding automation object, detail 1004;
    HRESULT 0x80070057 E_INVALIDARG)".
    """
    text = f"MXAccess refused {error.command}"
    if target:
        text += f" for {target}"
    reason = error.reply.protocol_status.message if error.reply is not None else ""
    if reason:
        text += f": {reason}"
    codes = [describe_status(s) for s in error.statuses if s.success == 0]
    hresult = f"HRESULT 0x{hresult_unsigned(error.hresult):08X}"
    name = hresult_name(error.hresult)
    codes.append(f"{hresult} {name}" if name else hresult)
    text += f" ({'; '.join(codes)})"
    security = any(s.category == CATEGORY_SECURITY_ERROR for s in error.statuses)
    if security and not reason and error.command in ("Write", "Write2"):
        text += "; a SecuredWrite or VerifiedWrite attribute needs write-secured"
    return text


E_INVALIDARG = 0x80070057


@contextmanager
def refusals(
    target: str | None = None, secrets: Iterable[str] = (), *, type_hint: str | None = None
) -> Iterator[None]:
    """Turn a gateway failure into one CommandFailed line, free of the given secrets;
    `type_hint` is added when MXAccess refused the value (E_INVALIDARG)."""
    hidden = [s for s in secrets if s]
    try:
        yield
    except MxAccessError as error:
        text = describe_refusal(error, target)
        if type_hint and hresult_unsigned(error.hresult) == E_INVALIDARG:
            text += f"; {type_hint}"
        raise CommandFailed(scrub(text, hidden)) from None
    except GatewayError as error:
        if not hidden:
            raise
        raise CommandFailed(scrub(str(error), hidden)) from None


# events as rows ----------------------------------------------------------------------


def event_row(event: Any, item: TrackedItem | None) -> dict[str, Any]:
    """An MxEvent as a flat row; `item` is the shell's item for its handles, if any.

    Keys: worker_sequence, event, server_handle, item_handle (the gateway's handles,
    as on the wire), item (alias or #handle), tag, then for data changes value, quality
    (the code), quality_name and timestamp; ok and status (the failures in words, or
    None) for every kind.
    """
    kind = event.WhichOneof("event")
    body = getattr(event, kind) if kind else None
    row: dict[str, Any] = {
        "worker_sequence": event.worker_sequence,
        "event": kind,
        "server_handle": getattr(body, "server_handle", None),
        "item_handle": getattr(body, "item_handle", None),
        "item": item_name(item),
        "tag": item.tag_reference if item is not None else None,
    }
    if kind == "on_data_change":
        row["value"] = from_mx_value(body.value)
        row["quality"] = body.quality
        row["quality_name"] = quality_name(body.quality)
        row["timestamp"] = (
            body.timestamp.ToDatetime(tzinfo=UTC) if body.HasField("timestamp") else None
        )
    statuses = list(getattr(body, "statuses", ()))
    failed = [s for s in statuses if s.success == 0]
    row["ok"] = not failed
    row["status"] = "; ".join(describe_status(s) for s in failed) if failed else None
    return row


def item_name(item: TrackedItem | None) -> str | None:
    """How event rows name an item: its alias, else its handle (as text)."""
    if item is None:
        return None
    return item.alias or str(item.handle)


def event_line(row: dict[str, Any], settings: Settings) -> str:
    """A row as one line: '[12] on_data_change Tank1.Level (level) = 48.2, Good (192), …'."""
    label = row.get("tag")
    if label is None:
        label = f"server {row.get('server_handle')} item {row.get('item_handle')}"
    elif row.get("item") is not None:
        item = str(row["item"])
        label += f" (item {item})" if item.isdigit() else f" ({item})"
    text = f"[{row['worker_sequence']}] {row['event']} {label}"
    if row["event"] == "on_data_change":
        value = row.get("value")
        shown = repr(value) if isinstance(value, str) else format_value(value, settings)
        text += f" = {shown}, {quality_text(row.get('quality'))}"
        if row.get("timestamp") is not None:
            text += f", {format_value(row['timestamp'], settings)}"
        if not row.get("ok"):
            text += f"; status: {row.get('status')}"
        return text
    return text + (": ok" if row.get("ok") else f": failed: {row.get('status')}")


# waiting for events --------------------------------------------------------------------


async def until(session: PersistentSession, condition: Callable[[], bool], timeout: float) -> bool:
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


def item_of(session: PersistentSession, event: Any) -> TrackedItem | None:
    """The shell's item an event is about, looked up now (the item may go later)."""
    kind = event.WhichOneof("event")
    if kind is None:
        return None
    body = getattr(event, kind)
    return session.items.by_gateway(body.server_handle, body.item_handle)
