"""Entry files (@FILE) as commands read them: one tag or TAG=VALUE a line, or CSV.

The file's text is read by mxshell.commands.file_reading (UTF-8, a block at a time,
within limits); this module makes entries of its lines and records. Its path is as
typed: relative to the working directory. The run's commands (mxshell.api.tag_input)
and the check of a command file against the Galaxy (mxshell.script.validation) read
them here, so both see the same entries.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from mxshell.base.errors import UsageError
from mxshell.commands.file_reading import (
    csv_records,
    entry_line_columns,
    is_csv,
)

CSV_COLUMNS = ("tag", "value", "type", "timestamp")
# `*`, `?`, or a [class]; `[3]` or `[]` after an attribute's name (an array element, the
# whole array: `Tank1.LevelTrend[2]`, `Tank1.LevelTrend[2].Quality`) is not one, while in
# the object part `Pump[12].Speed` it is.
_GLOB = re.compile(r"[*?]|^[^.]*\[|\[(?!\d*\](?:$|\.))")


class WriteSpec(NamedTuple):
    """One TAG=VALUE as typed or read: where it came from, for messages about it. (A
    named tuple: a file of 10,000 lines makes 10,000 of them, at a third of the cost of
    a frozen dataclass.)"""

    tag: str
    value: str
    type_name: str | None = None
    timestamp: str | None = None
    where: str = ""


def is_glob(word: str) -> bool:
    """Whether a tag word is a pattern over the Galaxy rather than one reference."""
    if "*" not in word and "?" not in word and "[" not in word:
        return False  # most words: every pattern has one of these, and this is 5x quicker
    return _GLOB.search(word) is not None


class Assignments:
    """TAG=VALUE entries as columns, as a file of 10,000 lines is read (no object per
    line): the tags, the value texts, the type and timestamp a CSV row may add (None
    where it gives none), and where each came from: its @FILE ("" for a word typed) and
    line, for messages about it."""

    def __init__(self) -> None:
        self.tags: list[str] = []
        self.values: list[str] = []
        self.type_names: list[str | None] = []
        self.timestamps: list[str | None] = []
        self.sources: list[str] = []
        self.lines: list[int] = []

    def __len__(self) -> int:
        return len(self.tags)

    def append(
        self,
        tag: str,
        value: str,
        type_name: str | None = None,
        timestamp: str | None = None,
        source: str = "",
        line: int = 0,
    ) -> None:
        """Add an entry; `source` and `line` say where it was read ("" for one typed)."""
        self.tags.append(tag)
        self.values.append(value)
        self.type_names.append(type_name)
        self.timestamps.append(timestamp)
        self.sources.append(source)
        self.lines.append(line)

    def append_from(self, other: Assignments, index: int, tag: str) -> None:
        """Add another's entry under another tag (one a glob in it matches)."""
        self.append(
            tag,
            other.values[index],
            other.type_names[index],
            other.timestamps[index],
            other.sources[index],
            other.lines[index],
        )

    def extend(self, other: Assignments) -> None:
        for mine, theirs in zip(self._columns(), other._columns(), strict=True):
            mine.extend(theirs)

    def _columns(self) -> tuple[list[Any], ...]:
        return (self.tags, self.values, self.type_names, self.timestamps, self.sources, self.lines)

    def where(self, index: int) -> str:
        """FILE:LINE of an entry read from a file, "" for one typed."""
        source = self.sources[index]
        return f"{source}:{self.lines[index]}" if source else ""

    def spec(self, index: int) -> WriteSpec:
        return WriteSpec(
            self.tags[index],
            self.values[index],
            self.type_names[index],
            self.timestamps[index],
            self.where(index),
        )

    def specs(self) -> list[WriteSpec]:
        return [self.spec(index) for index in range(len(self))]


def read_write_specs(name: str) -> list[WriteSpec]:
    """The TAG=VALUE lines, or CSV rows, of a @FILE of writes."""
    return read_assignments(name).specs()


def read_assignments(name: str) -> Assignments:
    """The TAG=VALUE lines, or CSV rows, of a @FILE of writes, as columns."""
    if is_csv(name):
        return _csv_assignments(name, _read_csv_rows(name))
    numbers, texts = entry_line_columns(name)
    return _assignments_of(name, numbers, texts)


def _assignments_of(name: str, numbers: list[int], texts: list[str]) -> Assignments:
    """The TAG=VALUE entries of a file's entry lines (their numbers and texts)."""
    found = Assignments()
    tags, values = found.tags, found.values
    for number, line in zip(numbers, texts, strict=True):
        tag, equals, value = line.partition("=")
        if not equals or not tag:  # the line has no blanks around it: `tag` is not blank
            assignment(line, f"{name}:{number}")  # raises, in its words
        tags.append(tag.rstrip())
        values.append(value.lstrip())
    found.lines = numbers
    found.type_names = [None] * len(tags)
    found.timestamps = [None] * len(tags)
    found.sources = [name] * len(tags)
    return found


class EntryFile(str):
    """An @FILE word whose entry lines were read already: the lines (a CSV file's records,
    which may span lines) of one connection, without their `NAME:`
    (mxshell.commands.routing), with the line each starts on, so that a message about one
    still names FILE:LINE. The command takes them instead of reading the file again."""

    numbers: list[int]
    texts: list[str]
    cells: list[list[str]] | None  # a CSV file's records read already, as the texts say

    def __new__(
        cls,
        word: str,
        numbers: list[int],
        texts: list[str],
        cells: list[list[str]] | None = None,
    ) -> EntryFile:
        made = super().__new__(cls, word)
        made.numbers, made.texts, made.cells = numbers, texts, cells
        return made

    @property
    def name(self) -> str:
        return self[1:]

    def entry_lines(self) -> list[tuple[str, str]]:
        """(FILE:LINE, text) of each line, as read_entry_lines gives them."""
        if is_csv(self.name):
            cells = self.cells
            if cells is None:  # one string is one record (a quoted value may hold line ends)
                cells = [next(csv.reader([text])) for text in self.texts]
            return _first_cells(self.name, self.numbers, cells)
        return [
            (f"{self.name}:{n}", text) for n, text in zip(self.numbers, self.texts, strict=True)
        ]

    def assignments(self) -> Assignments:
        """The lines as TAG=VALUE entries, or CSV rows (one a line), as read_assignments
        reads the file."""
        if not is_csv(self.name):
            return _assignments_of(self.name, self.numbers, self.texts)
        if self.cells is not None:
            return _csv_assignments(self.name, list(zip(self.numbers, self.cells, strict=True)))
        # A record's text may hold line ends (in a quoted value): one string is one record.
        rows = [
            (n, next(csv.reader([text]))) for n, text in zip(self.numbers, self.texts, strict=True)
        ]
        return _csv_assignments(self.name, rows)


def any_glob(words: Sequence[str]) -> bool:
    """Whether any of many words is a glob (a file's 10,000 tags looked over at once)."""
    joined = "\n".join(words)
    if "*" not in joined and "?" not in joined and "[" not in joined:
        return False
    return any(map(is_glob, words))


def assignment(text: str, where: str | None) -> WriteSpec:
    """One TAG=VALUE, typed (where None) or read from FILE:LINE."""
    tag, equals, value = text.partition("=")
    if not equals or not tag.strip():
        place = f"{where}: " if where else ""
        raise UsageError(f"{place}{text!r} is not TAG=VALUE (e.g. Tank1.Level.Hi=90)")
    return WriteSpec(tag.strip(), value.strip(), None, None, where or "")  # positional: cheaper


def _csv_assignments(name: str, rows: list[tuple[int, list[str]]]) -> Assignments:
    """The entries of CSV rows: tag,value, or the columns a header row names."""
    columns = {"tag": 0, "value": 1}
    if rows and rows[0][1][0].strip().lower() == "tag":
        header = [c.strip().lower() for c in rows.pop(0)[1]]
        unknown = [c for c in header if c not in CSV_COLUMNS]
        if unknown or "value" not in header:
            raise UsageError(
                f"{name}: a CSV header names the columns tag, value and optionally type "
                f"and timestamp, not {', '.join(unknown) or 'only ' + ', '.join(header)}"
            )
        columns = {column: index for index, column in enumerate(header)}
    found = Assignments()
    for number, row in rows:
        cells = [c.strip() for c in row]
        if len(cells) < len(columns) or not cells[columns["tag"]]:
            raise UsageError(f"{name}:{number}: expected the columns {', '.join(columns)}")
        found.append(
            cells[columns["tag"]],
            cells[columns["value"]],
            cells[columns["type"]] or None if "type" in columns else None,
            cells[columns["timestamp"]] or None if "timestamp" in columns else None,
            name,
            number,
        )
    return found


def read_entry_lines(name: str) -> list[tuple[str, str]]:
    """(FILE:LINE, text) of each line that is not blank or a # comment; of a CSV file,
    each record's first cell (a tag list kept in a spreadsheet)."""
    if is_csv(name):
        numbers, _, rows = csv_records(name)
        return _first_cells(name, numbers, rows)
    numbers, texts = entry_line_columns(name)
    return [(f"{name}:{number}", text) for number, text in zip(numbers, texts, strict=True)]


def _first_cells(name: str, numbers: list[int], rows: list[list[str]]) -> list[tuple[str, str]]:
    """(FILE:LINE, first cell) of CSV records, a header (first cell `tag`) left out."""
    return [
        (f"{name}:{number}", row[0].strip())
        for index, (number, row) in enumerate(zip(numbers, rows, strict=True))
        if not (index == 0 and row[0].strip().lower() == "tag")
    ]


def _read_csv_rows(name: str) -> list[tuple[int, list[str]]]:
    """(row number, cells) of each CSV record that is not blank or a # comment."""
    numbers, _, rows = csv_records(name)
    return list(zip(numbers, rows, strict=True))
