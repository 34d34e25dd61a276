"""An @FILE's text as commands read it: UTF-8 (a byte order mark dropped), a block at a
time, within limits: a file that is not UTF-8 text, has a line over 1 MiB or lists more
than 100,000 entries is refused in one line (CommandFailed) before anything is sent.
Entry lines (blank lines and # comments skipped) and CSV records (which may span lines)
with the line each starts on; mxshell.commands.entry_files makes entries of them."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn, TextIO

from mxshell.base.errors import CommandFailed

# No further than these: a list this long is a mistake (or a job for several commands),
# and a longer line is no tag list.
MAX_FILE_ENTRIES = 100_000
MAX_LINE_CHARS = 1 << 20
BLOCK_CHARS = 1 << 20  # a plain entry list is read this much at a time
# UTF-8, a byte order mark at the start dropped (Excel's "CSV UTF-8" writes one).
_ENCODING = "utf-8-sig"
# A CSV value may be as long as a line may (the csv module's own limit is 128 KiB).
csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_CHARS))


def is_csv(name: str) -> bool:
    return Path(name).suffix.lower() == ".csv"


def starts_a_line(name: str, prefixes: Sequence[str]) -> bool:
    """Whether some line of the @FILE starts with one of the prefixes (blanks before it
    allowed, and in a CSV file a quote): a quick look, a block at a time, before reading
    its entries. A file that cannot be read is False: the command reading it says what
    is wrong."""
    if not prefixes:
        return False
    start = '^[ \t]*(?:"[ \t]*)?' if is_csv(name) else "^[ \t]*"
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
    entry_line_columns reads: a line at a time took three times as long."""
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
