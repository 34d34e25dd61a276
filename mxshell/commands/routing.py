"""Tag references qualified with a connection, `north:Tank1.Level`: where they go.

A shell may hold several named connections (mxshell.app.connection). Before a command
runs, the dispatcher asks `Routes.plan` where its tag arguments go: unqualified ones to
the current connection, `NAME:...` ones to the connection NAME. References of one
connection run the handler once, in a context whose session (and Galaxy, for globs and
completion) is that connection's, with the references unqualified; references of several
connections run it once per connection, at the same time, and the tables they return are
put together under a `connection` column. Which connection a command reaches is thus
decided in one place, and no handler has to know about names.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any

from mxshell.base.errors import CommandFailed, ShellError, UsageError
from mxshell.commands.context import CommandContext
from mxshell.commands.entry_files import EntryFile
from mxshell.commands.file_reading import (
    csv_records,
    entry_line_columns,
    is_csv,
    starts_a_line,
)
from mxshell.commands.model import Command
from mxshell.galaxy import GalaxyCatalog
from mxshell.gateway import GatewayError
from mxshell.output.results import Table

QUALIFIER = ":"


def split_reference(text: str, names: Collection[str]) -> tuple[str | None, str]:
    """(connection, reference) of `north:Tank1.Level`; (None, text) when the word before
    the colon names no open connection (a colon may belong to the reference itself)."""
    name, colon, rest = text.partition(QUALIFIER)
    if colon and rest and name in names:
        return name, rest
    return None, text


def _refuse_unopened(text: str, control: Any, where: str = "") -> None:
    """CommandFailed for `b:Tag.Attr` when b is a connection this shell has closed, or
    one the config file declares that is not open: the user means that gateway, which is
    not there, not a tag spelled with a colon. `where` (FILE:LINE) leads the line."""
    name, colon, rest = text.partition(QUALIFIER)
    if not (colon and rest):
        return
    opened = ", ".join(control.names) or "none"
    place = f"{where}: " if where else ""
    if name in control.closed:
        raise CommandFailed(
            f"{place}connection {name!r} is closed (open: {opened}); "
            f"connect {name} again to reach it"
        )
    if name in control.declared:
        raise CommandFailed(
            f"{place}connection {name!r} is not open (open: {opened}); connect {name} to reach it"
        )


@dataclass
class Leg:
    """One connection's part of a command: its name, context and arguments."""

    connection: str
    context: CommandContext
    arguments: dict[str, Any]


class Routes:
    """Where a command's tag references go, and each connection's context."""

    def __init__(self, context: CommandContext) -> None:
        self.context = context
        # Per connection other than the current one: (its session, its Galaxy catalog).
        self._catalogs: dict[str, tuple[Any, GalaxyCatalog]] = {}

    async def plan(self, command: Command, arguments: dict[str, Any]) -> list[Leg] | None:
        """The legs the command runs as, or None: no reference names a connection. An
        @FILE's lines are references too: a file with qualified lines is read here, and
        each leg gets its own lines of it (an EntryFile) in the file's place."""
        control = self.context.services.connection
        if control is None or command.own_connections:
            return None
        names, current = control.names, control.current
        unopened = bool(control.closed) or len(control.declared) > 0
        found: dict[str, dict[str, list[str]]] = {}
        qualified = False
        tags = tag_arguments(command)
        files = await _routed_files(control, tags, arguments)
        for dest in tags:
            value = arguments.get(dest)
            for text in value if isinstance(value, list) else [value] if value else []:
                parts = files.get(text)
                if parts is not None:
                    qualified = True
                    for each, part in parts.items():
                        found.setdefault(each, {}).setdefault(dest, []).append(part)
                    continue
                name, reference = split_reference(text, names)
                if name is None and unopened:
                    _refuse_unopened(text, control)
                qualified = qualified or name is not None
                found.setdefault(name or current, {}).setdefault(dest, []).append(reference)
        if not qualified:
            return None
        if len(found) > 1:
            single = [dest for dest in tags if isinstance(arguments.get(dest), str)]
            if single:
                raise UsageError(
                    f"{command.name} reaches one connection at a time: its references name "
                    f"{', '.join(found)}; run it once for each"
                )
        legs = []
        for name, references in found.items():
            leg_arguments = dict(arguments)
            for dest in tags:
                if isinstance(arguments.get(dest), list):
                    leg_arguments[dest] = references.get(dest, [])
                elif dest in references:
                    leg_arguments[dest] = references[dest][0]
            legs.append(Leg(name, self.context_for(name), leg_arguments))
        return legs

    def group(
        self, references: Sequence[str]
    ) -> list[tuple[str | None, CommandContext, list[str]]]:
        """References by the connection they name, each group with that connection's
        context and the references unqualified; one group named None when none is
        qualified (everything goes to the current connection)."""
        control = self.context.services.connection
        names = control.names if control is not None else []
        unopened = control is not None and (bool(control.closed) or len(control.declared) > 0)
        found: dict[str, list[str]] = {}
        qualified = False
        for text in references:
            name, reference = split_reference(text, names)
            if name is None and unopened:
                _refuse_unopened(text, control)
            qualified = qualified or name is not None
            found.setdefault(name or (control.current if control else ""), []).append(reference)
        if not qualified:
            return [(None, self.context, list(references))]
        return [(name, self.context_for(name), found[name]) for name in found]

    def context_for(self, name: str) -> CommandContext:
        """The context a command reaching the connection `name` runs in."""
        control = self.context.services.connection
        if control is None or name == control.current:
            return self.context
        try:
            session = control.session_of(name)
        except ValueError as error:
            raise CommandFailed(str(error)) from None
        catalog = self.catalog_for(name, session)
        services = replace(self.context.services, galaxy=catalog, tag_completion=catalog)
        services.prompt_path = None
        return replace(self.context, session=session, services=services, tag_resolver=None)

    def catalog_for(self, name: str, session: Any) -> GalaxyCatalog:
        """The Galaxy of the connection `name` (its index built on first use, kept while
        the connection keeps its session)."""
        kept = self._catalogs.get(name)
        if kept is not None and kept[0] is session:
            return kept[1]
        catalog = GalaxyCatalog()
        catalog.attach(lambda: session.client.galaxy())
        self._catalogs[name] = (session, catalog)
        return catalog

    def connection_changed(self, name: str, session: Any) -> None:
        """A connection opened (its session) or closed (None). Called on the event loop,
        where a catalog must be made to load itself later (completion runs on a thread)."""
        kept = self._catalogs.pop(name, None)
        if kept is not None:
            kept[1].detach()
        if session is not None:
            self.catalog_for(name, session)

    def complete(self, text: str) -> tuple[str, Any] | None:
        """For completing `NAME:Tag...`: (NAME, that connection's tag completion), or
        None when `text` is not qualified with an open connection's name."""
        control = self.context.services.connection
        if control is None:
            return None
        name, _ = split_reference(text, control.names)
        if name is None:
            return None
        if name == control.current:
            return name, self.context.services.tag_completion
        kept = self._catalogs.get(name)
        return (name, kept[1]) if kept is not None else None


async def _routed_files(
    control: Any, tags: Sequence[str], arguments: dict[str, Any]
) -> dict[str, dict[str, EntryFile]]:
    """For each @FILE among the tag arguments' lists with a line qualified `NAME:`: its
    lines by connection. A file without one is left to the command to read."""
    words = [
        word
        for dest in tags
        if isinstance(arguments.get(dest), list)
        for word in arguments[dest]
        if word.startswith("@") and len(word) > 1
    ]
    if not words:
        return {}
    prefixes = [f"{name}{QUALIFIER}" for name in [*control.names, *control.closed]]
    prefixes += [f"{name}{QUALIFIER}" for name in control.declared]
    routed = {}
    for word in dict.fromkeys(words):
        if await asyncio.to_thread(starts_a_line, word[1:], prefixes):
            parts = await asyncio.to_thread(_file_parts, word, control)
            if parts is not None:
                routed[word] = parts
    return routed


def _file_parts(word: str, control: Any) -> dict[str, EntryFile] | None:
    """The @FILE's lines by the connection each names (unqualified ones: the current
    one's), without their `NAME:`. A CSV file is split record by record, its header
    going to every connection's part; None when none of its records names a connection
    (the quick look found `NAME:` on a line inside a quoted value)."""
    name = word[1:]
    if is_csv(name):
        return _csv_parts(word, control)
    parts: dict[str, tuple[list[int], list[str]]] = {}
    for number, text in zip(*entry_line_columns(name), strict=True):
        connection, reference = split_reference(text, control.names)
        if connection is None:
            _refuse_unopened(text, control, f"{name}:{number}")
        lines = parts.setdefault(connection or control.current, ([], []))
        lines[0].append(number)
        lines[1].append(reference)
    return {each: EntryFile(word, *lines) for each, lines in parts.items()}


def _csv_parts(word: str, control: Any) -> dict[str, EntryFile] | None:
    """_file_parts of a CSV file: the tag cell (the first, quoted or not) names the
    connection; the rest of the record is kept as written, a value's line ends too. Each
    part keeps its records' cells too, so the command does not read them again."""
    name = word[1:]
    numbers, texts, rows = csv_records(name, texts=True)
    header = 1 if rows and rows[0][0].strip().lower() == "tag" else 0
    parts: dict[str, tuple[list[int], list[str], list[list[str]]]] = {}
    qualified = False
    for number, text, row in zip(numbers[header:], texts[header:], rows[header:], strict=True):
        connection, _ = split_reference(row[0].strip(), control.names)
        if connection is None:
            _refuse_unopened(row[0].strip(), control, f"{name}:{number}")
        else:
            qualified = True
            # Only blanks and a quote come before the cell's `NAME:`: the text's first.
            prefix = f"{connection}{QUALIFIER}"
            text = text.replace(prefix, "", 1)
            row = [row[0].replace(prefix, "", 1), *row[1:]]
        part = parts.get(connection or control.current)
        if part is None:
            part = parts[connection or control.current] = ([], [], [])
            if header:
                part[0].append(numbers[0])
                part[1].append(texts[0])
                part[2].append(rows[0])
        part[0].append(number)
        part[1].append(text)
        part[2].append(row)
    return {each: EntryFile(word, *part) for each, part in parts.items()} if qualified else None


def tag_arguments(command: Command) -> list[str]:
    """The arguments that take tag references (or items, which may be tags)."""
    return [a.dest for a in command.arguments if a.type_name == "tag" or a.completer == "item"]


def merge(legs: Sequence[Leg], results: Sequence[Any]) -> Any:
    """One result of every leg's: tables under a `connection` column (a bulk report's
    table too, its counts added up); otherwise each connection's result by name. A leg
    that failed makes the whole fail, with what the others returned as its result."""
    failures = [(leg, r) for leg, r in zip(legs, results, strict=True) if isinstance(r, Exception)]
    for _, error in failures:
        if not isinstance(error, ShellError | GatewayError):
            raise error  # a bug, not the user's mistake: reported with its traceback
    done = [(leg, r) for leg, r in zip(legs, results, strict=True) if not isinstance(r, Exception)]
    merged = _merged(done)
    if failures:
        said = "; ".join(f"{leg.connection}: {error}" for leg, error in failures)
        raise CommandFailed(said, result=merged)
    return merged


def _merged(done: Sequence[tuple[Leg, Any]]) -> Any:
    values = [result for _, result in done]
    if not done:
        return None
    if all(isinstance(v, Table) for v in values) and _same(values):
        return _joined([(leg.connection, value) for leg, value in done])
    tables = [getattr(v, "table", None) for v in values]
    if (
        dataclasses.is_dataclass(values[0])
        and len({type(v) for v in values}) == 1
        and all(isinstance(t, Table) for t in tables)
        and _same(tables)
    ):
        return _report(values, _joined([(leg.connection, v.table) for leg, v in done]))
    if all(v is None for v in values):
        return None
    return {leg.connection: value for leg, value in done}


def _same(tables: Sequence[Any]) -> bool:
    return len({tuple(t.columns) for t in tables}) == 1


def _joined(parts: Sequence[tuple[str, Table]]) -> Table:
    first = parts[0][1]
    rows = [[name, *row] for name, table in parts for row in table.rows]
    return Table(["connection", *first.columns], rows, first.title)


def _report(values: Sequence[Any], table: Table) -> Any:
    # A bulk report: the joined table, and its whole-number counts added up.
    counts = {
        f.name: sum(getattr(v, f.name) for v in values)
        for f in dataclasses.fields(values[0])
        if type(getattr(values[0], f.name)) is int
    }
    return replace(values[0], table=table, **counts)
