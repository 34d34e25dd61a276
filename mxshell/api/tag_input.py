"""Where a command's tags and values come from: the words typed, @FILEs, Galaxy globs.

    add-item-bulk Tank1.Level Tank2.Level      tag references as words
    subscribe-bulk @tags.txt                   one per line; blank lines and # comments skipped
    read-bulk 'Tank*.Level'                    a glob, expanded by the Galaxy plugin
    write-bulk Tank1.Level.Hi=90 @setpoints.csv   TAG=VALUE words, TAG=VALUE lines or CSV

A CSV file of writes has the columns tag,value; a header row naming its columns may add
`type` and `timestamp` (for the Write2 family) and put them in any order. A @FILE is
read a line at a time (mxshell.commands.entry_files, which the check of a command file
against the Galaxy reads them with too): one that is not UTF-8 text, has a line over
1 MiB or lists more than 100,000 entries is refused in one line before anything is sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from mxshell.api.context import ShellContext
from mxshell.base.errors import CommandFailed
from mxshell.commands.entry_files import (
    Assignments,
    EntryFile,
    WriteSpec,
    any_glob,
    assignment,
    is_glob,
    read_assignments,
    read_entry_lines,
)

__all__ = ["Assignments", "WriteSpec", "is_glob", "references", "write_assignments", "write_specs"]


async def references(
    ctx: ShellContext,
    words: Sequence[str],
    *,
    globs: bool = True,
    resolve: bool = False,
    files: bool = True,
) -> list[str]:
    """Words as references, in order: @FILE gives its lines, a glob the tags it matches.

    With `resolve`, every one is a full tag reference: a word or line as ctx.resolve_tag
    makes it; a glob's matches are full references already, so the 10,000 tags of a
    large glob are not resolved a second time. Without `files` (API 1.7), an @FILE is a
    word like any other: for words a first pass took from files already."""
    found: list[str] = []
    for word in words:
        if files and word.startswith("@"):
            lines = word.entry_lines() if isinstance(word, EntryFile) else await _lines(word[1:])
            for where, line in lines:
                if globs and is_glob(line):
                    found += await _expand(ctx, line, where, globs, resolve)
                else:  # most lines: no coroutine for each of 10,000 of them
                    found.append(ctx.resolve_tag(line) if resolve else line)
        elif globs and is_glob(word):
            found += await _expand(ctx, word, None, globs, resolve)
        else:  # a write's 10,000 tags come here: no coroutine for each
            found.append(ctx.resolve_tag(word) if resolve else word)
    return found


async def write_specs(ctx: ShellContext, words: Sequence[str]) -> list[WriteSpec]:
    """TAG=VALUE words, and @FILEs of TAG=VALUE lines or CSV; a glob TAG writes the value
    to each tag it matches."""
    return (await write_assignments(ctx, words)).specs()


async def write_assignments(ctx: ShellContext, words: Sequence[str]) -> Assignments:
    """write_specs as columns (API 1.4): a file of 10,000 lines makes no object a line."""
    parts: list[Assignments] = []
    for word in words:
        if isinstance(word, EntryFile):  # one connection's lines, read already
            read = word.assignments()
        elif word.startswith("@"):
            read = await asyncio.to_thread(read_assignments, word[1:])
        else:
            typed = assignment(word, None)
            read = Assignments()
            read.append(typed.tag, typed.value)
        parts.append(read if not any_glob(read.tags) else await _expanded(ctx, read))
    if len(parts) == 1:  # one @FILE, most often: its columns as they are
        return parts[0]
    found = Assignments()
    for part in parts:
        found.extend(part)
    return found


async def _expanded(ctx: ShellContext, read: Assignments) -> Assignments:
    """The entries with each glob tag's entry repeated for every tag it matches."""
    found = Assignments()
    for index, tag in enumerate(read.tags):
        if not is_glob(tag):  # no coroutine for each of 10,000 lines
            found.append_from(read, index, tag)
            continue
        for match in await _expand(ctx, tag, read.where(index) or None, True):
            found.append_from(read, index, match)
    return found


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
    found = await asyncio.to_thread(read_entry_lines, name)
    if not found:
        raise CommandFailed(f"@{name} lists nothing (blank lines and # comments are skipped)")
    return found
