"""Values: the Galaxy's data types on the wire (MxValue), and what a write may carry.

Inside the simulator a value is a plain Python object: bool, int, float, str, bytes;
Time is int nanoseconds since the epoch; ElapsedTime is int milliseconds; an array is
a tuple of those. Write coercion is deliberately strict (see docs/simulator.md).
"""

from __future__ import annotations

import base64
import math
import struct
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from mxshell.contract import types
from mxshell.sim import codes

Value = Any  # bool | int | float | str | bytes | tuple of those

_STRINGS = (
    types.MX_DATA_TYPE_STRING,
    types.MX_DATA_TYPE_REFERENCE,
    types.MX_DATA_TYPE_INTERNATIONALIZED_STRING,
    types.MX_DATA_TYPE_BIG_STRING,
)
_INTEGERS = (types.MX_DATA_TYPE_INTEGER, types.MX_DATA_TYPE_ENUM, types.MX_DATA_TYPE_STATUS)

# Data type -> (scalar MxValue field, array MxValue field).
WIRE_KIND: dict[int, tuple[str, str]] = {
    types.MX_DATA_TYPE_BOOLEAN: ("bool_value", "bool_array"),
    types.MX_DATA_TYPE_FLOAT: ("float_value", "float_array"),
    types.MX_DATA_TYPE_DOUBLE: ("double_value", "double_array"),
    types.MX_DATA_TYPE_TIME: ("timestamp_value", "timestamp_array"),
    types.MX_DATA_TYPE_ELAPSED_TIME: ("int64_value", "int64_array"),
    types.MX_DATA_TYPE_QUALIFIED_STRUCT: ("raw_value", "raw_value"),
    **{t: ("string_value", "string_array") for t in _STRINGS},
    **{t: ("int32_value", "int32_array") for t in _INTEGERS},
}

# Data type -> the wire kinds (scalar names) a write may carry for it.
_ACCEPTS: dict[int, frozenset[str]] = {
    types.MX_DATA_TYPE_BOOLEAN: frozenset({"bool"}),
    types.MX_DATA_TYPE_FLOAT: frozenset({"float", "double", "int32", "int64"}),
    types.MX_DATA_TYPE_DOUBLE: frozenset({"float", "double", "int32", "int64"}),
    types.MX_DATA_TYPE_TIME: frozenset({"timestamp"}),
    types.MX_DATA_TYPE_ELAPSED_TIME: frozenset({"int32", "int64"}),
    types.MX_DATA_TYPE_QUALIFIED_STRUCT: frozenset({"raw"}),
    **{t: frozenset({"string"}) for t in _STRINGS},
    **{t: frozenset({"int32", "int64"}) for t in _INTEGERS},
}

TYPE_NAMES: dict[str, types.MxDataType] = {
    "Boolean": types.MX_DATA_TYPE_BOOLEAN,
    "Integer": types.MX_DATA_TYPE_INTEGER,
    "Float": types.MX_DATA_TYPE_FLOAT,
    "Double": types.MX_DATA_TYPE_DOUBLE,
    "String": types.MX_DATA_TYPE_STRING,
    "Time": types.MX_DATA_TYPE_TIME,
    "ElapsedTime": types.MX_DATA_TYPE_ELAPSED_TIME,
    "Reference": types.MX_DATA_TYPE_REFERENCE,
    "Status": types.MX_DATA_TYPE_STATUS,
    "Enum": types.MX_DATA_TYPE_ENUM,
    "QualifiedStruct": types.MX_DATA_TYPE_QUALIFIED_STRUCT,
    "InternationalizedString": types.MX_DATA_TYPE_INTERNATIONALIZED_STRING,
    "BigString": types.MX_DATA_TYPE_BIG_STRING,
}
_NAME_OF_TYPE: dict[int, str] = {number: name for name, number in TYPE_NAMES.items()}

_INT32 = (-(1 << 31), (1 << 31) - 1)
_FLOAT32_MAX = 3.4028234663852886e38


def _to_float32(value: float) -> float:
    return float(struct.unpack("<f", struct.pack("<f", value))[0])


def type_name(data_type: int, is_array: bool = False) -> str:
    return _NAME_OF_TYPE.get(data_type, "Unknown") + ("[]" if is_array else "")


def timestamp(ns: int) -> Timestamp:
    return Timestamp(seconds=ns // 1_000_000_000, nanos=ns % 1_000_000_000)


def parse_time(text: str) -> int:
    """ISO 8601 text (a trailing Z allowed) as nanoseconds since the epoch."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1_000_000) * 1000


def _to_int32(value: Any) -> int:
    return max(_INT32[0], min(_INT32[1], int(round(value))))


def _identity(value: Any) -> Any:
    return value


def caster(data_type: int) -> Callable[[Any], Value]:
    """The function that makes a generator's output fit the data type exactly."""
    if data_type == types.MX_DATA_TYPE_DOUBLE:
        return float
    if data_type == types.MX_DATA_TYPE_FLOAT:
        return _to_float32
    if data_type in _INTEGERS:
        return _to_int32
    if data_type == types.MX_DATA_TYPE_ELAPSED_TIME:
        return lambda value: int(round(value))
    if data_type == types.MX_DATA_TYPE_BOOLEAN:
        return bool
    if data_type in _STRINGS:
        return str
    return _identity


def cast(data_type: int, value: Value) -> Value:
    """A generator's or a model file's scalar made to fit the data type exactly."""
    if data_type == types.MX_DATA_TYPE_TIME and isinstance(value, str):
        return parse_time(value)
    if data_type == types.MX_DATA_TYPE_QUALIFIED_STRUCT and isinstance(value, str):
        return base64.b64decode(value)
    return caster(data_type)(value)


def to_mx_value(data_type: int, is_array: bool, value: Value) -> types.MxValue:
    scalar_kind, array_kind = WIRE_KIND.get(data_type, ("string_value", "string_array"))
    if data_type == types.MX_DATA_TYPE_QUALIFIED_STRUCT:
        return types.MxValue(raw_value=bytes(value))
    if data_type == types.MX_DATA_TYPE_TIME:
        if is_array:
            return types.MxValue(
                timestamp_array=types.TimestampArray(values=[timestamp(v) for v in value])
            )
        return types.MxValue(timestamp_value=timestamp(value))
    if is_array:
        array = types.MxValue()
        getattr(array, array_kind).values.extend(value)
        return array
    return types.MxValue(**{scalar_kind: value})


def _wire_kind(value: types.MxValue) -> tuple[str, bool] | None:
    """('double', False) for double_value, ('double', True) for double_array, …"""
    field = value.WhichOneof("kind")
    if field is None:
        return None
    if field == "raw_value":
        return "raw", False
    base, _, shape = field.rpartition("_")
    return base, shape == "array"


def _scalar_from_wire(kind: str, item: Any) -> Value:
    if kind == "timestamp":
        return item.seconds * 1_000_000_000 + item.nanos
    return item


def from_write(reference: str, data_type: int, is_array: bool, value: types.MxValue) -> Value:
    """The value a write carries, checked against and converted to the attribute's type."""
    expected = type_name(data_type, is_array)
    shape = _wire_kind(value)
    if shape is None:
        raise codes.type_mismatch(reference, expected, "empty (VT_EMPTY)")
    kind, carried_array = shape
    got = kind + ("[]" if carried_array else "")
    if kind == "raw":
        carried_array = is_array
    if kind not in _ACCEPTS.get(data_type, frozenset()) or carried_array != is_array:
        raise codes.type_mismatch(reference, expected, got)
    if kind == "raw":
        return bytes(value.raw_value)
    field = value.WhichOneof("kind")
    if carried_array:
        items = tuple(_scalar_from_wire(kind, v) for v in getattr(value, field).values)
        return tuple(_convert(reference, data_type, kind, v, expected) for v in items)
    return _convert(
        reference, data_type, kind, _scalar_from_wire(kind, getattr(value, field)), expected
    )


def _convert(reference: str, data_type: int, kind: str, item: Value, expected: str) -> Value:
    if kind in ("float", "double") and not math.isfinite(item):
        raise codes.not_finite(reference)
    if data_type == types.MX_DATA_TYPE_FLOAT:
        if abs(item) > _FLOAT32_MAX:
            raise codes.type_mismatch(reference, expected, f"out-of-range {kind}")
        return _to_float32(float(item))
    if data_type == types.MX_DATA_TYPE_DOUBLE:
        return float(item)
    if data_type in _INTEGERS and not _INT32[0] <= item <= _INT32[1]:
        raise codes.type_mismatch(reference, expected, f"out-of-range {kind}")
    return item
