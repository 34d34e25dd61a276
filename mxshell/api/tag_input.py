"""Where a command's tags and values come from: the words typed, @FILEs, Galaxy globs.

    add-item-bulk Tank1.Level Tank2.Level      tag references as words
    subscribe-bulk @tags.txt                   one per line; blank lines and # comments skipped
    read-bulk 'Tank*.Level'                    a glob, expanded by the Galaxy plugin
    write-bulk Tank1.Level.Hi=90 @setpoints.csv   TAG=VALUE words, TAG=VALUE lines or CSV

A CSV file of writes has the columns tag,value; a header row naming its columns may add
`type` and `timestamp` (for the Write2 family) and put them in any order. A @FILE is
read a line at a time: one that is not UTF-8 text, has a line over 1 MiB or lists more
than 100,000 entries is refused in one line before anything is sent.
"""

from __future__ import annotations

import asyncio
import csv
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from mxshell.api.context import ShellContext
from mxshell.base.errors import CommandFailed, UsageError

# `*`, `?` or a [class]; a trailing `[]` (a whole array) or `[3]` (an element) is not one.
_GLOB = re.compile(r"[*?]|\[(?!\d*\]$)")
_CSV_COLUMNS = ("tag", "value", "type", "timestamp")
# A @FILE is read a line at a time, and no further than these: a list this long is a
# mistake (or a job for several commands), and a longer line is no tag list.
MAX_FILE_ENTRIES = 100_000
MAX_LINE_CHARS = 1 << 20


def is_glob(word: str) -> bool:
    return _GLOB.search(word) is not None


@dataclass(frozen=True)
class WriteSpec:
    """One TAG=VALUE as typed or read: where it came from, for messages about it."""

    tag: str
    value: str
    type_name: str | None = None
    timestamp: str | None = None
    where: str = ""


async def references(
    ctx: ShellContext, words: Sequence[str], *, globs: bool = True, resolve: bool = False
) -> list[str]:
    """Words as references, in order: @FILE gives its lines, a glob the tags it matches.

    With `resolve`, every one is a full tag reference: a word or line as ctx.resolve_tag
    makes it; a glob's matches are full references already, so the 10,000 tags of a
    large glob are not resolved a second time."""
    found: list[str] = []
    for word in words:
        if word.startswith("@"):
            for where, line in await _lines(word[1:]):
                found += await _expand(ctx, line, where, globs, resolve)
        else:
            found += await _expand(ctx, word, None, globs, resolve)
    return found


async def write_specs(ctx: ShellContext, words: Sequence[str]) -> list[WriteSpec]:
    """TAG=VALUE words, and @FILEs of TAG=VALUE lines or CSV; a glob TAG writes the value
    to each tag it matches."""
    specs: list[WriteSpec] = []
    for word in words:
        if word.startswith("@"):
            name = word[1:]
            if Path(name).suffix.lower() == ".csv":
                read = _csv_specs(name, await _csv_rows(name))
            else:
                read = [_assignment(line, where) for where, line in await _lines(name)]
        else:
            read = [_assignment(word, None)]
        for spec in read:
            for tag in await _expand(ctx, spec.tag, spec.where or None, True):
                specs.append(WriteSpec(tag, spec.value, spec.type_name, spec.timestamp, spec.where))
    return specs


def _assignment(text: str, where: str | None) -> WriteSpec:
    tag, equals, value = text.partition("=")
    if not equals or not tag.strip():
        place = f"{where}: " if where else ""
        raise UsageError(f"{place}{text!r} is not TAG=VALUE (e.g. Tank1.Level.Hi=90)")
    return WriteSpec(tag.strip(), value.strip(), where=where or "")


def _csv_specs(name: str, rows: list[tuple[int, list[str]]]) -> list[WriteSpec]:
    columns = {"tag": 0, "value": 1}
    if rows and rows[0][1][0].strip().lower() == "tag":
        header = [c.strip().lower() for c in rows.pop(0)[1]]
        unknown = [c for c in header if c not in _CSV_COLUMNS]
        if unknown or "value" not in header:
            raise UsageError(
                f"{name}: a CSV header names the columns tag, value and optionally type "
                f"and timestamp, not {', '.join(unknown) or 'only ' + ', '.join(header)}"
            )
        columns = {column: index for index, column in enumerate(header)}
    specs = []
    for number, row in rows:
        cells = [c.strip() for c in row]
        where = f"{name}:{number}"
        if len(cells) < len(columns) or not cells[columns["tag"]]:
            raise UsageError(f"{where}: expected the columns {', '.join(columns)}")
        specs.append(
            WriteSpec(
                cells[columns["tag"]],
                cells[columns["value"]],
                cells[columns["type"]] or None if "type" in columns else None,
                cells[columns["timestamp"]] or None if "timestamp" in columns else None,
                where,
            )
        )
    return specs


async def _expand(
    ctx: ShellContext, word: str, where: str | None, globs: bool, resolve: bool = False
) -> list[str]:
    if not globs or not is_glob(word):
        return [ctx.resolve_tag(word) if resolve else word]
    lookup = ctx.services.galaxy
    place = f"{where}: " if where else ""
    if lookup is None:
        raise CommandFailed(
            f"{place}tag globs need the Galaxy plugin ({word!r}); "
            "name the tags, or list them in a @FILE"
        )
    pattern = lookup.resolve(word)
    matched = await lookup.glob(pattern)
    if not matched:
        raise CommandFailed(f"{place}{word!r} matches no tag in the Galaxy")
    return matched


async def _lines(name: str) -> list[tuple[str, str]]:
    """(FILE:LINE, text) of each line that is not blank or a # comment."""
    found = await asyncio.to_thread(_read_lines, name)
    if not found:
        raise CommandFailed(f"@{name} lists nothing (blank lines and # comments are skipped)")
    return found


async def _csv_rows(name: str) -> list[tuple[int, list[str]]]:
    """(row number, cells) of each CSV row that is not blank or a # comment."""
    return await asyncio.to_thread(_read_csv_rows, name)


def _read_lines(name: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    with _opened(name) as text:
        for number, raw in enumerate(_bounded_lines(name, text), start=1):
            line = raw.strip()
            if line and not line.startswith("#"):
                _count(name, len(found))
                found.append((f"{name}:{number}", line))
    return found


def _read_csv_rows(name: str) -> list[tuple[int, list[str]]]:
    found: list[tuple[int, list[str]]] = []
    with _opened(name) as text:
        try:
            for number, row in enumerate(csv.reader(_bounded_lines(name, text)), start=1):
                if row and any(c.strip() for c in row) and not row[0].lstrip().startswith("#"):
                    _count(name, len(found))
                    found.append((number, row))
        except csv.Error as error:
            raise CommandFailed(f"cannot read @{name} as CSV: {error}") from None
    return found


@contextmanager
def _opened(name: str) -> Iterator[TextIO]:
    """The @FILE open as UTF-8 text; any failure to read it is one CommandFailed line."""
    try:
        with Path(name).expanduser().open(encoding="utf-8") as text:
            yield text
    except FileNotFoundError:
        raise CommandFailed(f"cannot read @{name}: no such file") from None
    except UnicodeDecodeError:
        raise CommandFailed(_not_text(name)) from None
    except OSError as error:
        raise CommandFailed(f"cannot read @{name}: {error.strerror or error}") from None


def _bounded_lines(name: str, text: TextIO) -> Iterator[str]:
    """The file's lines, each read no further than MAX_LINE_CHARS; a NUL is no text."""
    number = 0
    while raw := text.readline(MAX_LINE_CHARS + 1):
        number += 1
        if len(raw) > MAX_LINE_CHARS and not raw.endswith("\n"):
            raise CommandFailed(
                f"{name}:{number}: the line is longer than {MAX_LINE_CHARS:,} characters; "
                f"is @{name} a list of entries?"
            )
        if "\x00" in raw:
            raise CommandFailed(_not_text(name))
        yield raw


def _count(name: str, entries: int) -> None:
    if entries >= MAX_FILE_ENTRIES:
        raise CommandFailed(
            f"@{name} lists more than {MAX_FILE_ENTRIES:,} entries; "
            f"split it into files of at most {MAX_FILE_ENTRIES:,} and run a command for each"
        )


def _not_text(name: str) -> str:
    return f"cannot read @{name}: it is not a text file (an entry list is UTF-8 text, one a line)"
