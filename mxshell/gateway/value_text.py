"""Text a user typed -> Python value, for a declared type or guessed from the text."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mxshell.contract import types
from mxshell.gateway.values import (
    _CHECKERS,
    _FALSE_WORDS,
    _NOT_FINITE,
    _SCALAR_FIELDS,
    _TRUE_WORDS,
    ScalarColumn,
    _check_finite,
    normalize_type_name,
    to_mx_value,
)

# Text a user typed -> Python value ---------------------------------------------------


def parse_value_text(text: str, type_name: str | None = None) -> Any:
    """The Python value for text typed at a shell, ready for to_mx_value(value, type_name).

    With a type name the text is converted strictly: bool from true/false, 1/0, on/off,
    yes/no; datetime from RFC 3339 with an offset (2024-05-01T12:00:00Z); bytes from hex;
    arrays from comma-separated items or a JSON list ([1, 2, 3]). Without one it is
    inferred: a JSON list, a bool word (true/false/on/off/yes/no), an int, a float, or
    else the text itself as a string. NaN and infinity raise ValueError either way.
    """
    if type_name is None:
        return _infer_text(text)
    name = normalize_type_name(type_name)
    if not name.endswith("[]"):
        return _parse_scalar_text(text, name)
    base = name[:-2]
    stripped = text.strip()
    if stripped.startswith("["):
        items = _json_list(stripped)
        parsed = [
            _parse_scalar_text(item, base) if isinstance(item, str) else item for item in items
        ]
    else:
        parts = [] if not stripped else [part.strip() for part in stripped.split(",")]
        parsed = [_parse_scalar_text(part, base) for part in parts]
    for index, item in enumerate(parsed):
        try:
            _CHECKERS[base](item)
        except ValueError as error:
            raise ValueError(f"element {index}: {error}") from None
    return parsed


def texts_to_mx_values(texts: Sequence[str], type_name: str) -> Sequence[types.MxValue]:
    """The MxValue of each text, as to_mx_value(parse_value_text(text, type_name),
    type_name) makes it, with the type looked up once for all of them (a bulk write of
    10,000 values of one type): a ScalarColumn for a scalar type, which makes no MxValue
    until one is asked for. ValueError for the first text that cannot be one."""
    name = normalize_type_name(type_name)
    if name.endswith("[]") or name == "datetime":  # each its own list or moment to read
        return [to_mx_value(parse_value_text(text, name), name) for text in texts]
    if name == "double":
        # float() reads a double as _parse_scalar_text does (blanks around it allowed);
        # the strict parse below runs only to give a bad text its own words.
        try:
            parsed = list(map(float, texts))
        except ValueError:
            parsed = [_parse_scalar_text(text, name) for text in texts]
        if not all(map(math.isfinite, parsed)):
            parsed = [_parse_scalar_text(text, name) for text in texts]
    else:
        check = _CHECKERS[name]
        parsed = [check(_parse_scalar_text(text, name)) for text in texts]
    return ScalarColumn(_SCALAR_FIELDS[name], parsed)


def _json_list(text: str) -> list[Any]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{text!r} is not a valid JSON list: {error.msg}") from None
    if not isinstance(items, list):
        raise ValueError(f"{text!r} is not a JSON list")
    return items


def _parse_scalar_text(text: str, name: str) -> Any:
    if name == "string":
        return text
    stripped = text.strip()
    if name == "bool":
        word = stripped.lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
        raise ValueError(f"{text!r} is not a bool (use true/false, 1/0, on/off or yes/no)")
    if name in ("int32", "int64"):
        return _CHECKERS[name](_parse_int(stripped))
    if name in ("float", "double"):
        try:
            number = float(stripped)
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
        return _CHECKERS[name](number)
    if name == "datetime":
        return _parse_datetime(stripped)
    try:
        return bytes.fromhex(stripped.removeprefix("0x"))
    except ValueError:
        raise ValueError(f"{text!r} is not hex bytes (for example 0a1b2c)") from None


def _parse_int(text: str) -> int:
    try:
        if text.lower().lstrip("+-").startswith("0x"):
            return int(text, 16)
        return int(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an integer") from None


def _parse_datetime(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{text!r} is not an RFC 3339 time (for example 2024-05-01T12:00:00Z)"
        ) from None
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset: add Z or +HH:MM")
    return moment


def _infer_text(text: str) -> Any:
    stripped = text.strip()
    if stripped.startswith("["):
        items = _json_list(stripped)
        for index, item in enumerate(items):
            if isinstance(item, float):
                try:
                    _check_finite(item)
                except ValueError as error:
                    raise ValueError(f"element {index}: {error}") from None
        return items
    word = stripped.lower()
    if word in _TRUE_WORDS - {"1"}:
        return True
    if word in _FALSE_WORDS - {"0"}:
        return False
    try:
        return int(stripped)
    except ValueError:
        pass
    try:
        number = float(stripped)
    except ValueError:
        return text
    if not math.isfinite(number):
        raise ValueError(
            f"{text!r} cannot be written: {_NOT_FINITE} (to send it as text, give the type string)"
        )
    return number
