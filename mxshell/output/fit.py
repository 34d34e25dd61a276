"""Fitting text to a terminal's width: cells cut with an ellipsis, or wrapped onto lines.

Only the prompt asks for this (`Fit`); files, JSON, CSV and pipes get every value whole.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

ELLIPSIS = "…"
GAP = 2  # the spaces between two table columns
NARROWEST = 4  # a column cut narrower than this says nothing: keep this much of each


@dataclass(frozen=True)
class Fit:
    """The terminal's width in columns, and whether long cells wrap (`set wrap on`)."""

    width: int
    wrap: bool = False


def cut(text: str, width: int) -> str:
    """`text` in at most `width` characters, its end replaced by … when it was longer."""
    if len(text) <= width:
        return text
    if width <= 0:
        return ""
    return text[: width - 1] + ELLIPSIS


def wrap(text: str, width: int) -> list[str]:
    """`text` on lines of at most `width` characters, broken between words where it can."""
    if len(text) <= width or width <= 0:
        return [text]
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def column_widths(widths: list[int], room: int, gap: int = GAP) -> list[int]:
    """Column widths that fit in `room` characters with `gap` between columns: the widest
    columns give way first, and evenly (a narrow column keeps its width); no column goes
    below NARROWEST characters (or its own width), so very many columns still overflow."""
    if sum(widths) + gap * (len(widths) - 1) <= room or not widths:
        return list(widths)
    budget = room - gap * (len(widths) - 1)
    floors = [min(w, NARROWEST) for w in widths]
    if sum(floors) >= budget:
        return floors
    # The largest cap such that every column at min(width, cap) fits the budget.
    low, high = NARROWEST, max(widths)
    while low < high:
        cap = (low + high + 1) // 2
        if sum(min(w, cap) for w in widths) <= budget:
            low = cap
        else:
            high = cap - 1
    fitted = [min(w, low) for w in widths]
    spare = budget - sum(fitted)
    for i, w in enumerate(widths):  # what is left goes to the first columns that were cut
        if spare and w > fitted[i]:
            fitted[i] += 1
            spare -= 1
    return fitted


def fit_cells(cells: list[str], widths: list[int], fit: Fit) -> list[list[str]]:
    """One row's cells in their columns: cut to one line each, or wrapped onto several
    (then every cell has the same number of lines, blank below the short ones)."""
    if not fit.wrap:
        return [[cut(c, w) for c, w in zip(cells, widths, strict=True)]]
    columns = [wrap(c, w) for c, w in zip(cells, widths, strict=True)]
    height = max(len(lines) for lines in columns)
    return [[lines[i] if i < len(lines) else "" for lines in columns] for i in range(height)]


def fit_lines(text: str, width: int) -> str:
    """Every line of `text` cut to `width` (a list of one line per thing, such as help)."""
    return "\n".join(cut(line, width) for line in text.split("\n"))


def fold_lines(text: str, width: int) -> str:
    """A page (a command's help) to `width`: a long line is broken between words, and its
    next lines start under its description (after the first gap of two spaces, as in an
    option list), under the command after `usage:`, or under its own indent."""
    lines: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            lines.append(line)
            continue
        hang = " " * _hanging_indent(line, width)
        lines += textwrap.wrap(
            line,
            width,
            subsequent_indent=hang,
            break_on_hyphens=False,
            drop_whitespace=True,
        ) or [line]
    return "\n".join(lines)


def _hanging_indent(line: str, width: int) -> int:
    body = line.lstrip(" ")
    indent = len(line) - len(body)
    if body.startswith("usage: "):
        return min(len("usage: ") + len(body.split(" ")[1]) + 1, width // 2)
    gap = body.find("  ")
    if gap > 0:
        column = indent + gap + len(body[gap:]) - len(body[gap:].lstrip(" "))
        if column <= width // 2:
            return column
    return indent
