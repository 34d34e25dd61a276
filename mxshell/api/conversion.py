"""Values for commands on MXAccess items: text to the value to write (one conversion for
every write command), timestamps, passwords, the one line for an MXAccess refusal, and
events as rows (stream-events, record, JSON lines)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from mxshell.api.context import ShellContext
from mxshell.base.errors import CommandFailed
from mxshell.contract import types
from mxshell.gateway import (
    GatewayError,
    MxAccessError,
    describe_status,
    from_mx_value,
    mx_value_kind,
    parse_value_text,
    quality_name,
    texts_to_mx_values,
    to_mx_value,
)
from mxshell.gateway.errors import SessionNotFoundError, UnavailableError
from mxshell.gateway.status import (
    CATEGORY_SECURITY_ERROR,
    array_hint,
    hresult_name,
    hresult_unsigned,
)
from mxshell.gateway.value_decode import timestamp_datetime
from mxshell.gateway.values import INT32_MAX, INT32_MIN
from mxshell.output import Display, format_value, scrub
from mxshell.output.formatting import as_duration
from mxshell.session import TrackedItem


def quality_text(quality: int | None) -> str | None:
    """A quality's name and code, 'Good (192)'; None when there is none yet."""
    return None if quality is None else f"{quality_name(quality)} ({quality})"


def value_type(value: Any) -> str | None:
    """The type name a Python value of an item came as (None when it says nothing)."""
    if isinstance(value, list):
        inner = value_type(value[0]) if value else None
        return f"{inner}[]" if inner else None
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int32" if INT32_MIN <= value <= INT32_MAX else "int64"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, datetime):
        return "datetime"
    return None


# What a value of each type looks like, for the error that refuses one.
EXAMPLES = {
    "bool": "true or false (1 or 0)",
    "int32": "42",
    "int64": "42",
    "float": "92.5",
    "double": "92.5",
    "string": "any text",
    "datetime": "2026-01-31T12:00:00Z",
}


def _is_nan_text(text: str) -> bool:
    """Whether the text, read for its own type, holds NaN or infinity ([1.5, NaN])."""
    try:
        to_mx_value(parse_value_text(text, None), None)
    except ValueError as error:
        return "NaN or infinity" in str(error)
    return False


async def declared_type(ctx: ShellContext, tag: str) -> str | None:
    """The type the Galaxy declares for tag (None when there is no Galaxy or no such tag)."""
    galaxy = ctx.services.galaxy
    if galaxy is None:
        return None
    return await galaxy.attribute_type(tag)


async def shown_value(ctx: ShellContext, tag: str, value: Any) -> Any:
    """value as its declared data type reads: an ElapsedTime's milliseconds as a timedelta
    (a duration: 01:02:03.500), an array's too; unchanged when the Galaxy does not say."""
    if not isinstance(value, int | list) or isinstance(value, bool):
        return value
    galaxy = ctx.services.galaxy
    if galaxy is None:
        return value
    try:
        info = await galaxy.attribute_info(tag)
    except (CommandFailed, GatewayError):  # no Galaxy to ask: the number as it came
        return value
    if info is None or info.data_type != types.MX_DATA_TYPE_ELAPSED_TIME:
        return value
    return as_duration(value)


async def convert(ctx: ShellContext, item: TrackedItem, text: str, type_name: str | None) -> Any:
    """The MxValue to write to an item (see convert_text)."""
    declared = None if type_name else await declared_type(ctx, item.tag_reference)
    return convert_text(text, type_name, item.value, item.tag_reference, declared)


def convert_text(
    text: str,
    type_name: str | None,
    current: Any = None,
    tag: str | None = None,
    declared: str | None = None,
) -> Any:
    """The MxValue to write, one conversion for write and the bulk writes: of `type_name`
    when given; else of the attribute's type as the Galaxy declares it (`declared`); else
    of the type of the tag's latest value (`current`, so '0042' stays a string for a
    String attribute); else inferred from the text. CommandFailed, naming the type and
    an example, when the text cannot be a value of that type: nothing is sent then."""
    chosen = type_name or declared or value_type(current)
    try:
        return to_mx_value(parse_value_text(text, chosen), chosen)
    except ValueError as error:
        if "NaN or infinity" in str(error) or _is_nan_text(text):
            raise CommandFailed(
                f"{text!r} cannot be written: NaN and infinity have no MXAccess representation"
                + ("" if type_name else " (for the text itself, add --type string)")
            ) from None
        if chosen and not type_name:
            example = EXAMPLES.get(chosen.removesuffix("[]"), "")
            article = "an" if chosen[0] in "aeiou" else "a"
            how = "is declared" if declared else "holds"
            raise CommandFailed(
                f"bad value: {error} ({tag} {how} {article} {chosen}"
                + (f", e.g. {example}" if example else "")
                + "; nothing was sent; give --type for another type)"
            ) from None
        raise CommandFailed(f"bad value: {error}") from None


class BadValueText(CommandFailed):
    """convert_texts' refusal, in convert_text's words; `index` is the bad text's."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


def convert_texts(texts: Sequence[str], type_name: str) -> Sequence[Any]:
    """The MxValues to write for many texts of one given type, the type looked up once:
    what convert_text(text, type_name) gives each (a ScalarColumn for a scalar type: see
    mxshell.gateway.values). BadValueText for the first bad text."""
    try:
        return texts_to_mx_values(texts, type_name)
    except ValueError:
        pass
    for index, text in enumerate(texts):  # only to find the first bad text and its words
        try:
            convert_text(text, type_name)
        except CommandFailed as error:
            raise BadValueText(str(error), index) from None
    raise AssertionError("texts_to_mx_values refused texts that convert_text takes")


def inferred(item: TrackedItem, value: Any, type_name: str | None) -> str | None:
    """The hint for a refused value whose type was guessed from the text alone."""
    if type_name or value_type(item.value):
        return None
    kind = mx_value_kind(value)
    return f"the value went as {kind}, inferred from the text; give --type for another"


def parse_timestamp(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise CommandFailed(
            f"bad timestamp {text!r}: use RFC 3339, e.g. 2026-01-31T12:00:00Z"
        ) from None
    return moment if moment.tzinfo is not None else moment.astimezone()


async def password_from(ctx: ShellContext, env: str | None, user: str) -> str:
    """A password from a named environment variable, or asked for with hidden input."""
    if env:
        value = os.environ.get(env)
        if not value:
            raise CommandFailed(f"environment variable {env} is not set or empty")
        return value
    ask = ctx.services.ask_secret
    if ask is None:
        raise CommandFailed(
            f"a password for {user} is needed and there is no terminal to ask for it: "
            "use --password-env VAR"
        )
    return str(await ask(f"password for {user}: "))


# MXAccess refusals ---------------------------------------------------------------------


def describe_refusal(error: MxAccessError, target: str | None = None) -> str:
    """One line: what MXAccess refused, why, and its status and HRESULT.

    e.g. "MXAccess refused Write for Tank1.Capacity: Tank1.Capacity is Integer: ...
    (OperationalError, detected by responding automation object, detail 1004;
    HRESULT 0x80070057 E_INVALIDARG)".
    """
    reason = error.reply.protocol_status.message if error.reply is not None else ""
    return refusal_text(error.command, target, reason, error.hresult, error.statuses)


def refusal_text(
    command: str, target: str | None, reason: str, hresult: int, statuses: Sequence[Any]
) -> str:
    """describe_refusal's line from its parts (a bulk entry's refusal has no reply)."""
    text = f"MXAccess refused {command}"
    if target:
        text += f" for {target}"
    if reason:
        text += f": {reason}"
    codes = [describe_status(s) for s in statuses if s.success == 0]
    code = f"HRESULT 0x{hresult_unsigned(hresult):08X}"
    name = hresult_name(hresult)
    codes.append(f"{code} {name}" if name else code)
    text += f" ({'; '.join(codes)})"
    security = any(s.category == CATEGORY_SECURITY_ERROR for s in statuses)
    if security and not reason and command in ("Write", "Write2"):
        text += "; a SecuredWrite or VerifiedWrite attribute needs write-secured"
    hint = array_hint(statuses, target)
    return f"{text}; {hint}" if hint else text


E_INVALIDARG = 0x80070057
MAX_SAMPLES_SHOWN = 5  # an OnBufferedDataChange line shows its first samples


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


@contextmanager
def write_outcome(target: str) -> Iterator[None]:
    """Around a write: when the gateway went away during it (unavailable, timed out, the
    session gone), whether the write took effect is unknown. Say so in one line; the
    write is never sent again."""
    try:
        yield
    except (UnavailableError, SessionNotFoundError) as error:
        raise CommandFailed(
            f"{error}; whether the write to {target} took effect is unknown (it was not resent)"
        ) from None


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
        change = event.on_data_change
        row["value"] = from_mx_value(change.value)
        row["quality"] = change.quality
        row["quality_name"] = quality_name(change.quality)
        row["timestamp"] = (
            timestamp_datetime(change.timestamp) if change.HasField("timestamp") else None
        )
    elif kind == "on_buffered_data_change":
        # The batch's samples in order; value, quality and timestamp are the last one's.
        samples = [_sample_row(sample) for sample in event.on_buffered_data_change.samples]
        row.update(samples[-1] if samples else {})
        row["samples"] = samples
    statuses = list(getattr(body, "statuses", ()))
    failed = [s for s in statuses if s.success == 0]
    row["ok"] = not failed
    row["status"] = "; ".join(describe_status(s) for s in failed) if failed else None
    return row


def _shown(value: Any, settings: Display) -> str:
    return repr(value) if isinstance(value, str) else format_value(value, settings)


def _sample_row(sample: Any) -> dict[str, Any]:
    return {
        "value": from_mx_value(sample.value),
        "quality": sample.quality,
        "quality_name": quality_name(sample.quality),
        "timestamp": timestamp_datetime(sample.timestamp) if sample.HasField("timestamp") else None,
    }


def item_name(item: TrackedItem | None) -> str | None:
    """How event rows name an item: its alias, else its handle (as text)."""
    if item is None:
        return None
    return item.alias or str(item.handle)


def event_line(row: dict[str, Any], settings: Display) -> str:
    """A row as one line: '[12] on_data_change Tank1.Level (level) = 48.2, Good (192), …'."""
    label = row.get("tag")
    if label is None:
        label = f"server {row.get('server_handle')} item {row.get('item_handle')}"
    elif row.get("item") is not None:
        item = str(row["item"])
        label += f" (item {item})" if item.isdecimal() else f" ({item})"
    text = f"[{row['worker_sequence']}] {row['event']} {label}"
    if row["event"] == "on_buffered_data_change":
        samples = row.get("samples") or []
        shown = ", ".join(
            format_value(s["value"], settings)
            if not isinstance(s["value"], str)
            else repr(s["value"])
            for s in samples[:MAX_SAMPLES_SHOWN]
        )
        more = (
            f" (+{len(samples) - MAX_SAMPLES_SHOWN} more)"
            if len(samples) > MAX_SAMPLES_SHOWN
            else ""
        )
        text += f" = {len(samples)} sample(s): {shown}{more}"
        if samples:
            text += f"; last {quality_text(row.get('quality'))}"
        return text + ("" if row.get("ok") else f"; status: {row.get('status')}")
    if row["event"] == "on_data_change":
        shown = _shown(row.get("value"), settings)
        text += f" = {shown}, {quality_text(row.get('quality'))}"
        if row.get("timestamp") is not None:
            text += f", {format_value(row['timestamp'], settings)}"
        if not row.get("ok"):
            text += f"; status: {row.get('status')}"
        return text
    return text + (": ok" if row.get("ok") else f": failed: {row.get('status')}")
