"""Highlighting the command-file language with pygments: `lexer.MxshLexer` (registered as
`mxsh` for `*.mxsh` files) and `lexer.MxshellStyle`, and which pygments styles exist.

This face imports nothing of pygments, so that the settings can name a style without
paying for the lexer machinery; the REPL loads `lexer` after its first prompt is drawn.
"""

from __future__ import annotations

DEFAULT_STYLE = "mxshell"


def style_names() -> list[str]:
    """Every installed pygments style (plugins' too, ours among them), sorted."""
    from pygments.styles import get_all_styles

    return sorted(set(get_all_styles()))


def style_problem(name: str) -> str | None:
    """None when pygments has a style by this name; else one line naming the installed ones.
    (A message, not an exception: this package imports nothing of ours, the caller says
    how the problem is raised.)"""
    from pygments.styles import get_style_by_name
    from pygments.util import ClassNotFound

    try:
        get_style_by_name(name)
    except ClassNotFound:
        return f"{name!r} is not an installed pygments style; styles: " + ", ".join(style_names())
    return None


__all__ = ["DEFAULT_STYLE", "style_problem", "style_names"]
