"""One value as people read it, honouring the timestamps setting."""

from __future__ import annotations

import base64
import math
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any, Protocol


class Display(Protocol):
    """The settings output reads; mxshell.commands.Settings has them all."""

    @property
    def output(self) -> str: ...  # one of formats.FORMATS: table, vertical, csv, tsv, json, plain

    @property
    def timestamps(self) -> str: ...  # "local" or "utc"

    @property
    def debug(self) -> bool: ...  # a traceback under a plugin crash

    @property
    def timing(self) -> bool: ...  # each command's duration


_AS_STR = frozenset({str, int, float})


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes are UTC here: that is what the gateway's timestamps convert to."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def rfc3339(moment: datetime) -> str:
    """UTC with microseconds and a Z: 2024-05-01T12:03:02.123000Z."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def format_timestamp(moment: datetime, zone: str = "local") -> str:
    """Milliseconds, in local time or in UTC (then ending in Z)."""
    if zone == "utc":
        return as_utc(moment).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + "Z"
    return as_utc(moment).astimezone().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def format_value(value: Any, settings: Display | None = None) -> str:
    if type(value) in _AS_STR:
        return str(value)  # most cells: text and numbers (inf and nan print as they are)
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_timestamp(value, settings.timestamps if settings else "local")
    if isinstance(value, timedelta):
        return f"{value.total_seconds():g} s"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Enum):
        return format_value(value.value, settings)
    if isinstance(value, list | tuple):
        return ", ".join(format_value(v, settings) for v in value)
    return str(value)
