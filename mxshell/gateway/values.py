"""Python values -> the contract's MxValue: type names, checks, the write path.

The read path is mxshell.gateway.value_decode, text a user typed mxshell.gateway.value_text."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, overload

from google.protobuf.timestamp_pb2 import Timestamp

from mxshell.contract import types

SCALAR_TYPE_NAMES: tuple[str, ...] = (
    "bool",
    "int32",
    "int64",
    "float",
    "double",
    "string",
    "datetime",
    "bytes",
)
# Every type name to_mx_value and parse_value_text accept; bytes has no array form.
TYPE_NAMES: tuple[str, ...] = SCALAR_TYPE_NAMES + tuple(
    f"{name}[]" for name in SCALAR_TYPE_NAMES if name != "bytes"
)
_ALIASES: dict[str, str] = {
    "boolean": "bool",
    "int": "int32",
    "integer": "int32",
    "long": "int64",
    "str": "string",
    "time": "datetime",
    "timestamp": "datetime",
    "raw": "bytes",
}

# MxValue oneof field for each scalar type name, and back.
_SCALAR_FIELDS: dict[str, str] = {
    "bool": "bool_value",
    "int32": "int32_value",
    "int64": "int64_value",
    "float": "float_value",
    "double": "double_value",
    "string": "string_value",
    "datetime": "timestamp_value",
    "bytes": "raw_value",
}
_ARRAY_FIELDS: dict[str, str] = {
    "bool": "bool_array",
    "int32": "int32_array",
    "int64": "int64_array",
    "float": "float_array",
    "double": "double_array",
    "string": "string_array",
    "datetime": "timestamp_array",
}
_KIND_NAMES: dict[str, str] = {field: name for name, field in _SCALAR_FIELDS.items()} | {
    field: f"{name}[]" for name, field in _ARRAY_FIELDS.items()
}

# MxDataType to the type name a value of that data type is written with.
_DATA_TYPE_NAMES: dict[int, str] = {
    types.MX_DATA_TYPE_BOOLEAN: "bool",
    types.MX_DATA_TYPE_INTEGER: "int32",
    types.MX_DATA_TYPE_FLOAT: "float",
    types.MX_DATA_TYPE_DOUBLE: "double",
    types.MX_DATA_TYPE_STRING: "string",
    types.MX_DATA_TYPE_TIME: "datetime",
    types.MX_DATA_TYPE_REFERENCE: "string",
    types.MX_DATA_TYPE_ENUM: "int32",
    types.MX_DATA_TYPE_INTERNATIONALIZED_STRING: "string",
    types.MX_DATA_TYPE_BIG_STRING: "string",
}

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
FLOAT32_MAX = 3.4028234663852886e38

_TRUE_WORDS = frozenset({"true", "1", "on", "yes"})
_FALSE_WORDS = frozenset({"false", "0", "off", "no"})
_NOT_FINITE = "MXAccess has no representation for NaN or infinity, so it is never sent"


def normalize_type_name(type_name: str) -> str:
    """The canonical spelling of a type name ('Int' -> 'int32', 'str[]' -> 'string[]')."""
    name = type_name.strip().lower()
    is_array = name.endswith("[]")
    base = name[:-2].strip() if is_array else name
    base = _ALIASES.get(base, base)
    full = f"{base}[]" if is_array else base
    if full not in TYPE_NAMES:
        raise ValueError(f"unknown type {type_name!r}; known types: {', '.join(TYPE_NAMES)}")
    return full


def type_name_for(data_type: int, is_array: bool = False) -> str | None:
    """The type name for a Galaxy attribute's MxDataType, or None when there is no mapping."""
    name = _DATA_TYPE_NAMES.get(data_type)
    if name is None:
        return None
    return f"{name}[]" if is_array else name


# Python value -> checked Python value of one scalar type -----------------------------


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ValueError(f"{value!r} is not a bool")


def _check_finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(f"{value!r} cannot be written: {_NOT_FINITE}")
    return value


def _as_int(value: Any, low: int, high: int, name: str) -> int:
    if isinstance(value, float):
        _check_finite(value)
        if not value.is_integer():
            raise ValueError(f"{value!r} is not a whole number, so it cannot be an {name}")
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{value!r} is not an {name}")
    if not low <= value <= high:
        raise ValueError(f"{value} is out of range for {name} ({low}..{high})")
    return value


def _as_int32(value: Any) -> int:
    return _as_int(value, INT32_MIN, INT32_MAX, "int32")


def _as_int64(value: Any) -> int:
    return _as_int(value, INT64_MIN, INT64_MAX, "int64")


def _as_double(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a number")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"{value} is out of range for double") from None
    return _check_finite(number)


def _as_float(value: Any) -> float:
    number = _as_double(value)
    if abs(number) > FLOAT32_MAX:
        raise ValueError(f"{value!r} is out of range for float (32-bit, at most {FLOAT32_MAX:g})")
    return number


# Half of a UTF-16 pair on its own (from a JSON "\\ud800" escape, say): not text, and
# protobuf would refuse it with a UnicodeEncodeError that says nothing to a user.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _as_string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a string")
    found = _LONE_SURROGATE.search(value)
    if found is not None:
        raise ValueError(
            f"the text has a broken character at position {found.start() + 1} "
            f"(U+{ord(found.group()):04X}, half of a UTF-16 surrogate pair); "
            "only valid Unicode text can be written"
        )
    return value


def _as_datetime(value: Any) -> datetime:
    if not isinstance(value, datetime):
        raise ValueError(f"{value!r} is not a datetime")
    return value


def _as_bytes(value: Any) -> bytes:
    if not isinstance(value, bytes | bytearray | memoryview):
        raise ValueError(f"{value!r} is not bytes")
    return bytes(value)


_CHECKERS: dict[str, Callable[[Any], Any]] = {
    "bool": _as_bool,
    "int32": _as_int32,
    "int64": _as_int64,
    "float": _as_float,
    "double": _as_double,
    "string": _as_string,
    "datetime": _as_datetime,
    "bytes": _as_bytes,
}


# Python value -> MxValue -------------------------------------------------------------


def _infer_scalar_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        if INT32_MIN <= value <= INT32_MAX:
            return "int32"
        if INT64_MIN <= value <= INT64_MAX:
            return "int64"
        raise ValueError(f"{value} is out of range for int64 ({INT64_MIN}..{INT64_MAX})")
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, bytes | bytearray | memoryview):
        return "bytes"
    raise ValueError(f"cannot send a {type(value).__name__} as an MXAccess value: {value!r}")


def _infer_array_type(values: Sequence[Any]) -> str:
    if not values:
        raise ValueError("an empty array needs a type name (for example int32[])")
    kinds = {_infer_scalar_type(value) for value in values}
    if kinds <= {"int32", "int64"}:
        return "int64[]" if "int64" in kinds else "int32[]"
    if kinds <= {"int32", "int64", "double"}:
        return "double[]"
    if len(kinds) == 1 and "bytes" not in kinds:
        return f"{kinds.pop()}[]"
    raise ValueError(f"an array's elements must share one type; got {', '.join(sorted(kinds))}")


class ScalarColumn(Sequence[types.MxValue]):
    """Many checked values of one scalar type (not datetime): the Python values, and the
    MxValue field they go in. It reads as the MxValues, each made when asked for; a bulk
    request sets `field` of each entry's value in place instead, so a write of 10,000
    doubles makes no MxValue of its own."""

    __slots__ = ("field", "values")

    def __init__(self, field: str, values: Sequence[Any]) -> None:
        self.field, self.values = field, values

    def __len__(self) -> int:
        return len(self.values)

    @overload
    def __getitem__(self, index: int) -> types.MxValue: ...
    @overload
    def __getitem__(self, index: slice) -> ScalarColumn: ...
    def __getitem__(self, index: int | slice) -> types.MxValue | ScalarColumn:
        if isinstance(index, slice):
            return ScalarColumn(self.field, self.values[index])
        message = types.MxValue()
        setattr(message, self.field, self.values[index])
        return message

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # a column changes as its list does

    def __repr__(self) -> str:
        return f"ScalarColumn({self.field!r}, {len(self.values)} values)"


def timestamp_message(moment: datetime) -> Timestamp:
    """A protobuf Timestamp; a naive datetime is taken as UTC."""
    stamp = Timestamp()
    stamp.FromDatetime(moment)  # a naive datetime is taken as UTC
    return stamp


def to_mx_value(value: Any, type_name: str | None = None) -> types.MxValue:
    """An MxValue for a Python value; `type_name` (see TYPE_NAMES) forces the wire type.

    Without a type, bool/int/float/str/datetime/bytes map to bool/int32 (int64 when it
    does not fit)/double/string/timestamp/raw, a list or tuple to the matching array,
    None to an empty value. A naive datetime is taken as UTC. Raises ValueError for
    NaN or infinity anywhere, for a value out of range of the type, and for a value
    the type cannot hold.
    """
    if isinstance(value, types.MxValue):
        copy = types.MxValue()
        copy.CopyFrom(value)
        return copy
    message = types.MxValue()
    if value is None and type_name is None:
        return message
    is_sequence = isinstance(value, list | tuple)
    if type_name is not None:
        name = normalize_type_name(type_name)
    else:
        name = _infer_array_type(value) if is_sequence else _infer_scalar_type(value)
    if name.endswith("[]"):
        if not is_sequence:
            raise ValueError(f"{value!r} is not a list, so it cannot be a {name}")
        _fill_array(message, name[:-2], value)
    else:
        if is_sequence:
            raise ValueError(f"a list cannot be a {name}; use {name}[] for an array")
        _fill_scalar(message, name, _CHECKERS[name](value))
    return message


def _fill_scalar(message: types.MxValue, name: str, value: Any) -> None:
    if name == "datetime":
        message.timestamp_value.CopyFrom(timestamp_message(value))
    else:
        setattr(message, _SCALAR_FIELDS[name], value)


def _fill_array(message: types.MxValue, base: str, values: Sequence[Any]) -> None:
    check = _CHECKERS[base]
    checked = []
    for index, item in enumerate(values):
        try:
            checked.append(check(item))
        except ValueError as error:
            raise ValueError(f"element {index}: {error}") from None
    array = getattr(message, _ARRAY_FIELDS[base])
    if base == "datetime":
        array.values.extend(timestamp_message(moment) for moment in checked)
    else:
        array.values.extend(checked)
    array.SetInParent()  # an empty array is still an array, not VT_EMPTY
