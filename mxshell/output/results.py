"""What handlers return besides plain data: tables and texts that know their JSON shape."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Renderable(Protocol):
    """A result that renders itself: as text for people, as plain data for JSON."""

    def as_text(self, format_value: Callable[[Any], str]) -> str: ...

    def as_data(self) -> Any: ...


@dataclass
class Table:
    """Rows under named columns; text shows aligned columns, JSON a list of row objects."""

    columns: Sequence[str]
    rows: Sequence[Sequence[Any]] = ()
    title: str | None = None

    def __post_init__(self) -> None:
        width = len(self.columns)
        # The widths gathered in C first: a bulk command's table has 10,000 rows.
        if set(map(len, self.rows)) - {width}:
            row = next(row for row in self.rows if len(row) != width)
            raise ValueError(f"row {list(row)!r} does not have {width} cells")

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass
class Text:
    """Text shown as it is, such as help; `data` is what JSON gets (the text if None).

    `fit`, at the prompt: "cut" for a list of one line per thing (the command list), a
    line wider than the terminal cut with …; "fold" for a page (a command's help), long
    lines broken between words, under their own indent or their description's column."""

    text: str
    data: Any = field(default=None, repr=False)
    fit: str = ""

    def as_text(self, format_value: Callable[[Any], str]) -> str:
        return self.text

    def as_data(self) -> Any:
        return self.text if self.data is None else self.data
