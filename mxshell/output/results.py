"""What handlers return besides plain data: tables and texts that know their JSON shape."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, overload, runtime_checkable


@runtime_checkable
class Renderable(Protocol):
    """A result that renders itself: as text for people, as plain data for JSON."""

    def as_text(self, format_value: Callable[[Any], str]) -> str: ...

    def as_data(self) -> Any: ...


def renders_itself(value: Any) -> bool:
    """isinstance(value, Renderable), its class asked first: typing's check of a runtime
    Protocol takes 4-8 us a time on Python 3.11, abc's answer for the class is cached. An
    object whose own attributes (not its class's) are the methods still counts."""
    return issubclass(type(value), Renderable) or isinstance(value, Renderable)


class LazyRows(Sequence[tuple[Any, ...]]):
    """Rows of a known count and width, built by `build` the first time any is read, and
    kept. A bulk read of 10,000 tags holds the gateway's answers and turns them into rows
    only when they are shown (rendered, written as JSON or CSV), once."""

    def __init__(self, count: int, width: int, build: Callable[[], list[tuple[Any, ...]]]):
        self.length, self.width = count, width
        self._build: Callable[[], list[tuple[Any, ...]]] | None = build
        self._rows: list[tuple[Any, ...]] = []

    def built(self) -> list[tuple[Any, ...]]:
        if self._build is not None:
            rows, self._build = self._build(), None
            if len(rows) != self.length or set(map(len, rows)) - {self.width}:
                raise ValueError(f"built {len(rows)} rows, not {self.length} of {self.width} cells")
            self._rows = rows
        return self._rows

    def __len__(self) -> int:
        return self.length

    @overload
    def __getitem__(self, index: int) -> tuple[Any, ...]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[Any, ...]]: ...
    def __getitem__(self, index: int | slice) -> tuple[Any, ...] | list[tuple[Any, ...]]:
        return self.built()[index]

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.built())


@dataclass
class Table:
    """Rows under named columns; text shows aligned columns, JSON a list of row objects."""

    columns: Sequence[str]
    rows: Sequence[Sequence[Any]] = ()
    title: str | None = None

    def __post_init__(self) -> None:
        width = len(self.columns)
        if isinstance(self.rows, LazyRows):  # checked when built: not building them now
            if self.rows.width != width:
                raise ValueError(f"rows of {self.rows.width} cells under {width} columns")
            return
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
