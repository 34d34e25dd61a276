"""Entry files (@FILE) as commands read them: one tag or TAG=VALUE a line, or CSV.

A @FILE is read a line at a time: one that is not UTF-8 text, has a line over 1 MiB or
lists more than 100,000 entries is refused in one line (CommandFailed) before anything
is sent. Its path is as typed: relative to the working directory. The run's commands
(mxshell.api.tag_input) and the check of a command file against the Galaxy
(mxshell.script.validation) read them here, so both see the same entries.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple, NoReturn, TextIO

from mxshell.base.errors import CommandFailed, UsageError

CSV_COLUMNS = ("tag", "value", "type", "timestamp")
# No further than these: a list this long is a mistake (or a job for several commands),
# and a longer line is no tag list.
MAX_FILE_ENTRIES = 100_000
MAX_LINE_CHARS = 1 << 20
BLOCK_CHARS = 1 << 20  # a plain entry list is read this much at a time
# UTF-8, a byte order mark at the start dropped (Excel's "CSV UTF-8" writes one).
_ENCODING = "utf-8-sig"
# A CSV value may be as long as a line may (the csv module's own limit is 128 KiB).
csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_CHARS))
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


def is_csv(name: str) -> bool:
    return Path(name).suffix.lower() == ".csv"


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
    numbers, texts = _entry_lines(name)
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
    """(FILE:LINE, text) of each line that is not blank or a # comment."""
    numbers, texts = _entry_lines(name)
    return [(f"{name}:{number}", text) for number, text in zip(numbers, texts, strict=True)]


def starts_a_line(name: str, prefixes: Sequence[str]) -> bool:
    """Whether some line of the @FILE starts with one of the prefixes (blanks before it
    allowed, and in a CSV file a quote): a quick look, a block at a time, before reading
    its entries. A file that cannot be read is False: the command reading it says what
    is wrong."""
    if not prefixes:
        return False
    start = '^[ \t]*"?' if is_csv(name) else "^[ \t]*"
    pattern = re.compile(
        start + "(?:" + "|".join(re.escape(p) for p in prefixes) + ")", re.MULTILINE
    )
    rest = ""
    try:
        with Path(name).expanduser().open(encoding=_ENCODING) as text:
            while block := text.read(BLOCK_CHARS):
                lines = rest + block
                # A plain search first: most files name no connection, and this is 50x
                # quicker than the pattern over 10,000 lines.
                if any(p in lines for p in prefixes) and pattern.search(lines):
                    return True
                rest = lines[lines.rfind("\n") + 1 :]
                if len(rest) > MAX_LINE_CHARS:
                    return True  # reading its entries will say the line is too long
    except (OSError, UnicodeDecodeError):
        return False
    return False


def entry_line_columns(name: str) -> tuple[list[int], list[str]]:
    """The line numbers and texts of an @FILE's entry lines, as two lists."""
    return _entry_lines(name)


def _entry_lines(name: str) -> tuple[list[int], list[str]]:
    """The line numbers and the texts (blanks around them removed) of an @FILE's lines
    that are not blank or a # comment, as two lists: no object for each line."""
    numbers: list[int] = []
    texts: list[str] = []
    number = 0
    with _opened(name) as text:
        for block in _line_blocks(name, text):
            for raw in block:
                number += 1
                line = raw.strip()
                if line and line[0] != "#":
                    numbers.append(number)
                    texts.append(line)
            if len(texts) > MAX_FILE_ENTRIES:
                _count(name, len(texts))
    return numbers, texts


def _read_csv_rows(name: str) -> list[tuple[int, list[str]]]:
    """(row number, cells) of each CSV record that is not blank or a # comment."""
    numbers, _, rows = csv_records(name)
    return list(zip(numbers, rows, strict=True))


def csv_records(name: str, *, texts: bool = False) -> tuple[list[int], list[str], list[list[str]]]:
    """The CSV @FILE's records that are not blank or a # comment: the line each starts on
    (a quoted value may hold line ends, so a record may take several lines), with
    `texts` its text as written (without the blanks around it), and its cells."""
    numbers: list[int] = []
    written: list[str] = []
    rows: list[list[str]] = []
    lines: list[str] | None = [] if texts else None  # every line, for the records' texts
    with _opened(name) as text:
        # Strict: a quote left open, or text after a closing one, is refused, not read
        # as a value that runs on over the rows after it.
        reader = csv.reader(_csv_lines(_line_blocks(name, text), lines), strict=True)
        start = 1
        try:
            for row in reader:
                end = reader.line_num
                first = row[0].lstrip() if row else "#"
                if first[:1] != "#" and (first or any(c.strip() for c in row)):
                    header = bool(rows) and rows[0][0].strip().lower() == "tag"
                    _count(name, len(rows) - header)  # a header row is no entry
                    numbers.append(start)
                    rows.append(row)
                    if lines is not None:  # as entry lines are: without blanks around
                        written.append("\n".join(lines[start - 1 : end]).strip())
                start = end + 1
        except csv.Error as error:
            raise CommandFailed(f"cannot read @{name}:{start} as CSV: {error}") from None
    return numbers, written, rows


def _csv_lines(blocks: Iterator[list[str]], into: list[str] | None) -> Iterator[str]:
    """The lines of the blocks with their ends again (the csv reader keeps a quoted
    value's), each also put in `into` when it is a list. A block at a time, as
    _entry_lines reads: a line at a time took three times as long."""
    for block in blocks:
        if into is not None:
            into.extend(block)
        for line in block:
            yield line + "\n"


@contextmanager
def _opened(name: str) -> Iterator[TextIO]:
    """The @FILE open as UTF-8 text; any failure to read it is one CommandFailed line."""
    try:
        with Path(name).expanduser().open(encoding=_ENCODING) as text:
            yield text
    except FileNotFoundError:
        raise CommandFailed(f"cannot read @{name}: no such file") from None
    except UnicodeDecodeError:
        raise CommandFailed(_not_text(name)) from None
    except OSError as error:
        raise CommandFailed(f"cannot read @{name}: {error.strerror or error}") from None


def _line_blocks(name: str, text: TextIO) -> Iterator[list[str]]:
    """The file's lines without their ends, a block of text at a time (reading 10,000
    lines a line at a time took twice as long); a line over MAX_LINE_CHARS, or a NUL
    anywhere, is refused."""
    number, rest = 0, ""
    while block := text.read(BLOCK_CHARS):
        if "\x00" in block:
            raise CommandFailed(_not_text(name))
        lines = (rest + block).split("\n")
        rest = lines.pop()  # the last line goes on in the next block, if any
        if max(map(len, lines), default=0) > MAX_LINE_CHARS or len(rest) > MAX_LINE_CHARS:
            too_long = [index for index, line in enumerate(lines) if len(line) > MAX_LINE_CHARS]
            _too_long(name, number + (too_long[0] if too_long else len(lines)) + 1)
        number += len(lines)
        yield lines
    if rest:
        yield [rest]


def _too_long(name: str, number: int) -> NoReturn:
    raise CommandFailed(
        f"{name}:{number}: the line is longer than {MAX_LINE_CHARS:,} characters; "
        f"is @{name} a list of entries?"
    )


def _count(name: str, entries: int) -> None:
    if entries >= MAX_FILE_ENTRIES:
        raise CommandFailed(
            f"@{name} lists more than {MAX_FILE_ENTRIES:,} entries; "
            f"split it into files of at most {MAX_FILE_ENTRIES:,} and run a command for each"
        )


def _not_text(name: str) -> str:
    return f"cannot read @{name}: it is not a text file (an entry list is UTF-8 text, one a line)"
