"""Output for plugins beyond returning a Table or a Text: a value as people read it, plain
data for JSON, free-text masking, event recordings, private files (0600, never through a
symbolic link), the live watch's table. Public under
mxshell.api.API_VERSION."""

from __future__ import annotations

from mxshell.output import (
    BackgroundRecorder,
    Display,
    LazyRows,
    WatchModel,
    format_value,
    render_result,
    scrub,
    to_data,
)
from mxshell.output.recording import COLUMNS as RECORD_COLUMNS
from mxshell.output.recording import open_private

__all__ = [
    "RECORD_COLUMNS",
    "BackgroundRecorder",
    "Display",
    "LazyRows",
    "WatchModel",
    "format_value",
    "open_private",
    "render_result",
    "scrub",
    "to_data",
]
