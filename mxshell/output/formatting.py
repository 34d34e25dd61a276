"""One value as people read it, honouring the timestamps setting."""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Whole:
    """Display settings for text that must stay whole (CSV, TSV, files): every digit of a
    double, every item of an array; timestamps still as the setting says."""

    timestamps: str = "local"
    output: str = "csv"
    debug: bool = False
    timing: bool = False
    precision: int | None = None


def whole(settings: Display | None) -> Whole:
    """The whole-value view of the settings (in their output format)."""
    if settings is None:
        return Whole()
    return Whole(settings.timestamps, settings.output, settings.debug, settings.timing)


_AS_STR = frozenset({str, int})
# An array shows this many items, then how many there are: `[1, 2, 3, … (100 items)]`.
ARRAY_SHOWN = 10


def as_duration(value: Any) -> Any:
    """An ElapsedTime's milliseconds (or an array of them) as timedeltas, which
    format_value shows as durations (01:02:03.500); anything else as it is."""
    if isinstance(value, list):
        return [as_duration(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return timedelta(milliseconds=value)
    return value


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes are UTC here: that is what the gateway's timestamps convert to."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def rfc3339(moment: datetime) -> str:
    """UTC with microseconds and a Z: 2024-05-01T12:03:02.123000Z."""
    # isoformat, not strftime: a third of the time, for the same text (+00:00 cut off).
    return as_utc(moment).isoformat("T", "microseconds")[:-6] + "Z"


def format_timestamp(moment: datetime, zone: str = "local") -> str:
    """The one shape a time prints in, everywhere but --json (tables, event lines, the
    watch view, recordings, snapshots, script messages): milliseconds, and the zone said,
    so a line copied out of a file still means one instant. `utc`: 2024-05-01
    12:03:02.123Z; `local`: 2024-05-01 14:03:02.123+02:00."""
    # isoformat, not strftime: a third of the time (a table of timestamps has one a row).
    if zone == "utc":
        return as_utc(moment).isoformat(" ", "milliseconds")[:-6] + "Z"  # +00:00 cut off
    return as_utc(moment).astimezone().isoformat(" ", "milliseconds")


def format_duration(value: timedelta) -> str:
    """An ElapsedTime as hours, minutes, seconds and milliseconds: 01:02:03.500, with the
    days in front past one (7d 00:00:00.000) and a minus sign when it is negative."""
    millis = round(value.total_seconds() * 1000)
    sign = "-" if millis < 0 else ""
    seconds, millis = divmod(abs(millis), 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    text = f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"
    return f"{sign}{days}d {text}" if days else sign + text


def format_float(value: float, precision: int | None = None) -> str:
    """A double to `precision` significant digits (the `precision` setting); None: all of
    them, as Python's shortest round-trip repr (0.1, not 0.10000000000000001)."""
    text = str(value)
    if precision is None or not math.isfinite(value):
        return text
    mantissa = text.split("e")[0].lstrip("-").replace(".", "").lstrip("0").rstrip("0")
    if len(mantissa) <= precision:
        return text  # short already: 1250.0 and 0.1 print as they are
    return f"{value:.{precision}g}"


def format_value(value: Any, settings: Display | None = None) -> str:
    """A value as people read it: settings None is for files (every digit, every item)."""
    if type(value) in _AS_STR:
        return str(value)  # most cells: text and whole numbers
    if type(value) is float:
        return format_float(value, getattr(settings, "precision", None))
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_timestamp(value, settings.timestamps if settings else "local")
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, float):
        return format_float(value, getattr(settings, "precision", None))
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Enum):
        return f"{value.name} ({format_value(value.value, settings)})"
    if isinstance(value, list | tuple):
        return format_array(value, settings)
    return str(value)


def format_array(values: list[Any] | tuple[Any, ...], settings: Display | None = None) -> str:
    """`[a, b, c]`; at the prompt (settings given) cut after ARRAY_SHOWN items with the count:
    `[1, 2, 3, … (100 items)]`. Files (settings None) get every item."""
    cut = settings is not None and not isinstance(settings, Whole) and len(values) > ARRAY_SHOWN
    shown = values[:ARRAY_SHOWN] if cut else values
    text = ", ".join(format_value(v, settings) for v in shown)
    if len(shown) < len(values):
        text += f", … ({len(values)} items)"
    return f"[{text}]"
