"""Output: how results look and where they go, for people, JSON readers and files.

A handler returns a value (a `Table`, a `Text`, a dict, a list, a scalar); `render`
turns a command's `Outcome` into text, rows (`formats`: vertical, csv, tsv, plain)
or one JSON object, `format_value` shows one value,
`fit` cuts or wraps cells to a terminal's width (the prompt asks for it),
`jsonable` makes values plain data and masks secrets in them value by value (never in
rendered text), `recording` writes events to JSON Lines or CSV files, `watch` is the
live watch's table without a terminal. Nothing here knows commands or the terminal.
"""

from __future__ import annotations

from mxshell.output.formats import FORMATS, render_rows
from mxshell.output.formatting import (
    Display,
    Whole,
    format_duration,
    format_timestamp,
    format_value,
    rfc3339,
    whole,
)
from mxshell.output.jsonable import redact, redact_result, result_data, to_data
from mxshell.output.outcome import CANCELLED, FAILED, OK, USAGE, Outcome
from mxshell.output.recording import BackgroundRecorder, EventRecorder
from mxshell.output.render import (
    outcome_data,
    render,
    render_json,
    render_result,
    render_table,
    render_text,
)
from mxshell.output.results import LazyRows, Renderable, Table, Text
from mxshell.output.secrets import REDACTED, Secret, is_secret_name, scrub
from mxshell.output.watch_table import WatchModel, WatchRow

__all__ = [
    "CANCELLED",
    "FORMATS",
    "FAILED",
    "OK",
    "REDACTED",
    "USAGE",
    "BackgroundRecorder",
    "Display",
    "EventRecorder",
    "LazyRows",
    "Outcome",
    "Renderable",
    "Secret",
    "Table",
    "Text",
    "WatchModel",
    "WatchRow",
    "format_duration",
    "format_timestamp",
    "format_value",
    "is_secret_name",
    "outcome_data",
    "redact",
    "redact_result",
    "render",
    "render_json",
    "render_result",
    "render_rows",
    "render_table",
    "render_text",
    "result_data",
    "rfc3339",
    "Whole",
    "whole",
    "scrub",
    "to_data",
]
