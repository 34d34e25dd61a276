"""MxValue -> Python value: the read path, made fast for bulk reads and event streams."""

from __future__ import annotations

import math
import struct
from datetime import UTC, datetime, timedelta
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from mxshell.contract import types
from mxshell.gateway.values import _KIND_NAMES

# MxValue -> Python value -------------------------------------------------------------


_FLOAT32 = struct.Struct("<f")
# Float32 values seen lately and their shortest decimals: a bulk read of a plant sees the
# same settings and limits again and again. Emptied when full, so it stays small.
_SHORTEST: dict[float, float] = {}
_SHORTEST_LIMIT = 4096
# 6 to 9 significant digits: 9 always tell float32s apart. %-formats, made once: a third
# cheaper than an f-string that formats its own precision, and a drifting measurement
# misses the cache above on every read.
_DIGITS = ("%.6g", "%.7g", "%.8g", "%.9g")


def _float32(value: float) -> float:
    """The shortest decimal that is the same float32 (0.1, not 0.10000000149011612)."""
    found = _SHORTEST.get(value)
    if found is not None:
        return found
    if not value or not math.isfinite(value):  # never kept: -0.0 == 0.0 as a key
        return value
    shortest = value
    for digits in _DIGITS:
        candidate = float(digits % value)
        if _FLOAT32.unpack(_FLOAT32.pack(candidate))[0] == value:
            shortest = candidate
            break
    if len(_SHORTEST) >= _SHORTEST_LIMIT:
        _SHORTEST.clear()
    _SHORTEST[value] = shortest
    return shortest


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NANOS_PER_SECOND = 1_000_000_000
# (year, month, day, hour, minute, second) of whole seconds seen lately: a bulk read's
# stamps mostly share a few seconds, and a datetime built from its fields costs half of
# one added up from the epoch. Emptied when full, so it stays small.
_SECONDS: dict[int, tuple[int, int, int, int, int, int]] = {}
_SECONDS_LIMIT = 4096


def timestamp_datetime(stamp: Timestamp) -> datetime:
    """The aware UTC datetime of a Timestamp, as stamp.ToDatetime(tzinfo=UTC) gives it
    (microseconds, rounded toward zero), at a fraction of its cost: a bulk read converts
    10,000 of them a call."""
    return utc_datetime(stamp.seconds, stamp.nanos)


def utc_text(seconds: int, nanos: int) -> str:
    """utc_datetime(seconds, nanos).isoformat(), without making the datetime: a snapshot
    of 100,000 tags writes one a tag."""
    fields = _SECONDS.get(seconds) if 0 <= nanos < _NANOS_PER_SECOND else None
    if fields is None:
        return utc_datetime(seconds, nanos).isoformat()
    year, month, day, hour, minute, second = fields
    micro = nanos // 1000
    fraction = f".{micro:06d}" if micro else ""
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}{fraction}+00:00"


def utc_datetime(seconds: int, nanos: int) -> datetime:
    """timestamp_datetime of the Timestamp with these fields, for a caller that has read
    them already; out of range, Timestamp.ToDatetime's own ValueError."""
    if not 0 <= nanos < _NANOS_PER_SECOND:
        return _protobuf_datetime(seconds, nanos)
    fields = _SECONDS.get(seconds)
    if fields is not None:
        year, month, day, hour, minute, second = fields
        return datetime(year, month, day, hour, minute, second, nanos // 1000, UTC)
    try:
        moment = _EPOCH + timedelta(0, seconds, nanos // 1000)
    except OverflowError:
        return _protobuf_datetime(seconds, nanos)
    if len(_SECONDS) >= _SECONDS_LIMIT:
        _SECONDS.clear()
    _SECONDS[seconds] = (
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
    )
    return moment


def _protobuf_datetime(seconds: int, nanos: int) -> datetime:
    # For a stamp out of datetime's range or with nanos out of theirs: protobuf's own
    # conversion, which raises its ValueError for either.
    return Timestamp(seconds=seconds, nanos=nanos).ToDatetime(tzinfo=UTC)


# Kinds whose Python value is the field itself, the common case, answered first.
_PLAIN_KINDS = frozenset(
    ("bool_value", "int32_value", "int64_value", "double_value", "string_value")
)


def from_mx_value(value: types.MxValue) -> Any:
    """The Python value an MxValue carries: timestamps as aware UTC datetimes, arrays as
    lists, raw (VT_RECORD) payloads as bytes, an empty value as None."""
    return kind_value(value, value.WhichOneof("kind"))


def kind_value(value: types.MxValue, kind: str | None) -> Any:
    """from_mx_value for a caller that has asked value.WhichOneof("kind") already."""
    if kind is None:
        return None
    if kind in _PLAIN_KINDS:
        return getattr(value, kind)
    if kind == "timestamp_value":
        return timestamp_datetime(value.timestamp_value)
    if kind == "float_value":
        return _float32(value.float_value)
    if kind == "raw_value":
        return bytes(value.raw_value)
    if kind.endswith("_array"):
        values = getattr(value, kind).values
        if kind == "timestamp_array":
            return [timestamp_datetime(stamp) for stamp in values]
        if kind == "float_array":
            return [_float32(number) for number in values]
        return list(values)
    return getattr(value, kind)


def mx_value_kind(value: types.MxValue) -> str:
    """The type name of what an MxValue carries ('double', 'int32[]', …; 'empty' for none)."""
    kind = value.WhichOneof("kind")
    return "empty" if kind is None else _KIND_NAMES[kind]
