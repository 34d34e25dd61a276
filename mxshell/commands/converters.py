"""Argument types by name: the converters a declaration can name instead of a callable."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from typing import Any

Converter = Callable[[str], Any]

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_DURATION = re.compile(r"^(?P<number>\d+(?:\.\d*)?|\.\d+)\s*(?P<unit>ms|s|m|h)?$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


def integer(text: str) -> int:
    """A decimal integer, or 0x.. / 0o.. / 0b.. for handles and HRESULTs."""
    try:
        return int(text)
    except ValueError:
        try:
            return int(text, 0)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None


def number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not a boolean (use on/off, true/false)")


def duration(text: str) -> float:
    """Seconds, from `2`, `2s`, `500ms`, `1.5m` or `1h`."""
    match = _DURATION.match(text.strip().lower())
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration (e.g. 2, 500ms, 1.5s, 1m)")
    return float(match["number"]) * _UNIT_SECONDS[match["unit"]]


def text(value: str) -> str:
    return value


def tag_reference(text: str) -> str:
    """A Galaxy tag reference such as Tank1.Level; only its emptiness is checked here."""
    if not text.strip():
        raise argparse.ArgumentTypeError("a tag reference cannot be empty")
    return text


CONVERTERS: dict[str, Converter] = {
    "str": text,
    "int": integer,
    "float": number,
    "bool": boolean,
    "duration": duration,
    "tag": tag_reference,
}


def resolve_converter(kind: Converter | str | None) -> tuple[Converter, str]:
    """The converter for a type given by name or as a callable, and the name help shows."""
    if kind is None:
        return text, "str"
    if isinstance(kind, str):
        try:
            return CONVERTERS[kind], kind
        except KeyError:
            known = ", ".join(sorted(CONVERTERS))
            raise ValueError(f"unknown argument type {kind!r} (known: {known})") from None
    if kind is int:
        return integer, "int"
    if kind is float:
        return number, "float"
    if kind is bool:
        return boolean, "bool"
    if kind is str:
        return text, "str"
    name = getattr(kind, "__name__", "value")
    try:
        hash(kind)
    except TypeError:  # argparse looks each converter up in a dict
        return _Unhashable(kind), name
    return kind, name


class _Unhashable:
    """A plugin's converter that cannot be hashed (a dataclass instance, say), called
    through an object that can."""

    def __init__(self, convert: Converter) -> None:
        self.convert = convert

    def __call__(self, word: str) -> Any:
        return self.convert(word)
