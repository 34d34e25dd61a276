"""Output for plugins beyond returning a Table or a Text: a value as people read it, plain
data for JSON, free-text masking, event recordings, the live watch's table. Public under
mxshell.api.API_VERSION."""

from __future__ import annotations

from mxshell.output import (
    BackgroundRecorder,
    Display,
    WatchModel,
    format_value,
    render_result,
    scrub,
    to_data,
)

__all__ = [
    "BackgroundRecorder",
    "Display",
    "WatchModel",
    "format_value",
    "render_result",
    "scrub",
    "to_data",
]
