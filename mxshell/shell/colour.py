"""Colour in what the prompt prints, through the pygments style of the `style` setting:
Uncertain quality in the style's warning colour, Bad quality and failures in its error
colour, JSON highlighted by pygments' JsonLexer. Good stays plain: most rows are Good, and
the eye should go to the others.

Only ever at a terminal: never when stdout is not one, never with NO_COLOR set, never in
files (`output-to` writes before this) or under `-c`, `-f` and stdin (no REPL there)."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from functools import lru_cache
from typing import Any

# `Good (192)`, `Uncertain, sub-normal (88)`, `Bad, communication failure (24)`: the shape
# format_quality gives a quality in tables and event lines.
QUALITY = re.compile(r"\b(Uncertain|Bad)(?:, [a-z][a-z ,-]*)? \(\d+\)")


def colour_wanted(stream: Any = None) -> bool:
    """Colour only for a person at a terminal who has not asked for none (no-color.org)."""
    stream = sys.stdout if stream is None else stream
    if "NO_COLOR" in os.environ:  # any value, as prompt_toolkit reads it for the input line
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Painter:
    """Adds the style's colours to text on its way to the terminal."""

    def __init__(self, style_name: Callable[[], str], output: Callable[[], str]) -> None:
        self.style_name = style_name  # read each time: `set style` applies at once
        self.output = output  # the `output` setting: JSON is highlighted as JSON

    def result(self, text: str) -> str:
        if self.output() == "json" and text.startswith("{"):
            return _json(text, self.style_name())
        return self.qualities(text)

    def qualities(self, text: str) -> str:
        if "Bad" not in text and "Uncertain" not in text:
            return text
        codes = _codes(self.style_name())

        def paint(found: re.Match[str]) -> str:
            return codes[found.group(1)] + found.group(0) + codes["reset"]

        return QUALITY.sub(paint, text)

    def error(self, text: str) -> str:
        codes = _codes(self.style_name())
        return "\n".join(codes["Bad"] + line + codes["reset"] for line in text.split("\n"))


@lru_cache(maxsize=8)
def _codes(style_name: str) -> dict[str, str]:
    """The escape codes of the style's warning and error tokens (pygments' own renderer)."""
    from pygments.formatters import Terminal256Formatter
    from pygments.styles import get_style_by_name
    from pygments.token import Generic
    from pygments.util import ClassNotFound

    from mxshell.highlight import DEFAULT_STYLE

    try:
        style = get_style_by_name(style_name)
    except ClassNotFound:
        style = get_style_by_name(DEFAULT_STYLE)
    formatter = Terminal256Formatter(style=style)

    def opening(token: Any, fallback: str) -> str:
        start, _ = formatter.style_string.get(str(token), ("", ""))
        return start or fallback

    return {
        "Uncertain": opening(Generic.Emph, "\x1b[33m"),  # a style without one: yellow
        "Bad": opening(Generic.Error, "\x1b[31m"),  # red
        "reset": "\x1b[39;49;00m",
    }


@lru_cache(maxsize=64)
def _json(text: str, style_name: str) -> str:
    from pygments import highlight
    from pygments.formatters import Terminal256Formatter
    from pygments.lexers import JsonLexer
    from pygments.styles import get_style_by_name
    from pygments.util import ClassNotFound

    from mxshell.highlight import DEFAULT_STYLE

    try:
        style = get_style_by_name(style_name)
    except ClassNotFound:
        style = get_style_by_name(DEFAULT_STYLE)
    return highlight(text, JsonLexer(), Terminal256Formatter(style=style)).rstrip("\n")
