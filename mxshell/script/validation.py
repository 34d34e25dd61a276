"""Validation against the Galaxy before anything is written.

After the whole-file check, and when the Galaxy can be read, every tag a command names
without depending on a run-time value (literal words, `$N`, `${ENV:VAR}`, variables set
to a constant by `set NAME VALUE`) is looked up, with every tag of every `@FILE` it
names: an unknown tag, a value that cannot be a value of the attribute's declared type,
and a write to a ViewOnly attribute are problems at their FILE:LINE, and nothing runs.

A word that is not a tag reference (an alias, a handle, a glob, a reference relative to
the browse path) is left to the run, as is anything that depends on what the run does.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from mxshell.base.errors import CommandFailed, HelpRequested, ShellError, UsageError
from mxshell.commands.entry_files import is_glob, read_entry_lines, read_write_specs
from mxshell.commands.lexer import Reference, Word
from mxshell.commands.registry import CommandRegistry
from mxshell.commands.routing import Routes, split_reference
from mxshell.commands.services import GalaxyLookup
from mxshell.commands.variables import Variables
from mxshell.contract import types
from mxshell.gateway import parse_value_text, to_mx_value, type_name_for
from mxshell.gateway.status import array_fix
from mxshell.script.blocks import block_word
from mxshell.script.steps import Problem, Script, Step

# Writes: the ITEM and VALUE positionals of one item, or TAG=VALUE entries.
ITEM_WRITES = frozenset({"write", "write2", "write-secured", "write-secured2"})
BULK_WRITES = frozenset({"write-bulk", "write2-bulk", "write-secured-bulk", "write-secured2-bulk"})
_ELEMENT = re.compile(r"\[\d*\]$")
# Properties of an attribute read as items (the simulator's, after MXAccess's).
_PROPERTY = re.compile(r"\.(quality|timestamp|securityclassification)$", re.IGNORECASE)
RUNTIME = "\x00run-time value\x00"
# Commands that set a variable (whose value may be a constant a later tag word uses).
DEFINES = frozenset({"set", "let", "prompt", "unset", "defer"})


@dataclass(frozen=True)
class TagFacts:
    """What the Galaxy says of one attribute: its write type and whether it is ViewOnly."""

    type_name: str | None
    view_only: bool


class TagLookup(Protocol):
    """The Galaxy, for validation: facts of a tag, or None when there is no such tag."""

    async def tag_facts(self, reference: str) -> TagFacts | None: ...


class GalaxyTags:
    """TagLookup over the shell's Galaxy (the galaxy plugin's GalaxyLookup)."""

    def __init__(self, galaxy: GalaxyLookup) -> None:
        self.galaxy = galaxy

    async def tag_facts(self, reference: str) -> TagFacts | None:
        info = await self.galaxy.attribute_info(reference)
        if info is None:
            return None
        view_only = info.security == types.SECURITY_CLASSIFICATION_VIEW_ONLY
        return TagFacts(type_name_for(info.data_type, info.is_array), view_only)


QUALIFIED = re.compile(r"[A-Za-z][A-Za-z0-9_-]*:[A-Za-z_$]")


class ConnectionTags:
    """TagLookup over every open connection's Galaxy: `north:Tank1.Level` is looked up in
    north's, an unqualified reference in the current connection's."""

    def __init__(self, routes: Routes, current: TagLookup) -> None:
        self.routes, self.current = routes, current

    async def tag_facts(self, reference: str) -> TagFacts | None:
        control = self.routes.context.services.connection
        if control is None:
            return await self.current.tag_facts(reference)
        name, rest = split_reference(reference, control.names)
        if name is None and QUALIFIED.match(reference):
            # A connection the file opens itself (connect NAME ...): its Galaxy is not
            # there to ask before the run, so the tag is checked when it is used.
            return TagFacts(None, view_only=False)
        if name is None or name == control.current:
            return await self.current.tag_facts(rest)
        galaxy = self.routes.context_for(name).services.galaxy
        return await GalaxyTags(galaxy).tag_facts(rest) if galaxy is not None else None


async def validate(
    script: Script, registry: CommandRegistry, variables: Variables, lookup: TagLookup
) -> list[Problem]:
    """The problems the Galaxy shows in a checked script (none: it may run)."""
    walker = _Validator(registry, variables, lookup)
    for step in script.steps:
        await walker.step(step)
    return walker.problems


class _Validator:
    def __init__(self, registry: CommandRegistry, variables: Variables, lookup: TagLookup) -> None:
        self.registry = registry
        self.lookup = lookup
        self.problems: list[Problem] = []
        # What a word can be expanded with before the run: constants, $N, ${ENV:...}.
        self.constants = Variables()
        self.constants.update({k: v for k, v in variables.items() if isinstance(v, str)})
        self.facts: dict[str, TagFacts | None] = {}
        self.skippable: dict[str, bool] = {}

    async def step(self, step: Step) -> None:
        if block_word(step):
            if step.name == "for" and len(step.segment.words) > 1:
                self.constants.pop(step.segment.words[1].text, None)  # a run-time value
            return
        if self.names_no_tag(step.name):
            return
        self.constants.args = step.args
        words = [self.expand(word) for word in step.segment.words]
        if words[0] is None:
            return
        self.note_definitions(words)
        try:
            expanded = self.registry.expand([w or "" for w in words])
            command = self.registry.lookup(expanded[0]) if expanded else None
        except ShellError:
            return
        if command is None or len(expanded) != len(words):
            return  # an alias of this file, or one that changes the words: left to the run
        if command.name == "defer" and len(step.segment.words) > 1:
            return  # checked when it is deferred, with the values it has then
        # A word known only at run time stands in as a marker: what holds it is skipped.
        known = [w if w is not None else RUNTIME for w in words]
        try:
            arguments = command.parse(known[1:])
        except (HelpRequested, ShellError):
            return
        for argument in command.arguments:
            written = command.name in ITEM_WRITES | BULK_WRITES
            if not argument.is_tag or (written and argument.dest in ("item", "entries")):
                continue  # a write's tags are checked below, with their values
            value = arguments.get(argument.dest)
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str) and RUNTIME not in text:
                    await self.tag_word(step, text, write=None)
        typed = arguments.get("type") is not None
        if command.name in ITEM_WRITES:
            item, value = arguments.get("item"), arguments.get("value")
            if isinstance(item, str) and RUNTIME not in item:
                known_value = isinstance(value, str) and RUNTIME not in value and not typed
                await self.tag_word(step, item, write=value if known_value else "")
        elif command.name in BULK_WRITES:
            for entry in arguments.get("entries", []):
                if RUNTIME not in entry:
                    await self.entry(step, entry, typed=typed)

    def names_no_tag(self, name: str) -> bool:
        """Whether a command word surely names no tag and sets no constant (most lines of
        a long file: echo, sleep...), so the line need not be read again."""
        if name not in self.skippable:
            try:
                command = self.registry.lookup(name)
            except ShellError:
                command = None  # a user alias, a ${NAME}, a typo: read the line
            self.skippable[name] = (
                command is not None
                and command.name not in DEFINES
                and not any(argument.is_tag for argument in command.arguments)
            )
        return self.skippable[name]

    def expand(self, word: Word) -> str | None:
        """The word's value before the run, or None when it depends on the run."""
        for part in word.parts:
            if not isinstance(part, Reference):
                continue
            name = part.name.partition(":-")[0]
            if not (name.startswith("ENV:") or name.isdecimal() or name in self.constants):
                return None  # a variable the run sets: its value is the run's
        try:
            return self.constants.expand_word(word).text
        except ShellError:
            return None

    def note_definitions(self, words: Sequence[str | None]) -> None:
        """`set NAME VALUE` with a known value is a constant; anything else that sets a
        variable (let, prompt, set from a run-time value) makes it a run-time value."""
        name = words[0]
        target = words[1] if len(words) > 1 else None
        if target is None:
            return
        if name == "set" and len(words) == 3 and words[2] is not None:
            self.constants[target] = words[2]
        elif name in ("set", "let", "prompt", "unset"):
            self.constants.pop(target, None)

    async def entry(self, step: Step, entry: str, *, typed: bool) -> None:
        if entry.startswith("@"):
            try:
                entries = await _file_entries(entry[1:], writes=True)
            except UsageError as error:
                self.problem(step, str(error))
                return
            for where, tag, value in entries:
                await self.tag_word(step, tag, write="" if typed else value, where=where)
            return
        tag, equals, value = entry.partition("=")
        if equals:
            await self.tag_word(step, tag, write="" if typed else value)
        else:
            await self.tag_word(step, entry, write="")

    async def tag_word(
        self, step: Step, text: str, *, write: str | None, where: str | None = None
    ) -> None:
        if text.startswith("@") and write is None:
            for place, tag, _ in await _file_entries(text[1:], writes=False):
                await self.tag_word(step, tag, write=None, where=place)
            return
        if "." not in text or text.startswith(".") or is_glob(text):
            return  # an alias, a handle, a relative reference or a glob: the run's
        if text.rpartition(".")[2].startswith("_"):
            return  # an internal attribute (_Attributes): discovery does not list them
        prop = _PROPERTY.search(text.strip())
        if prop is not None and await self.facts_of(text.strip()) is None:
            # Tank1.Level.Quality: a property of an attribute, read as its own item.
            owner = await self.facts_of(text.strip()[: prop.start()])
            if owner is not None:
                if write is not None:
                    self.problem(step, f"{text} is a property: a write to it is refused")
                return
        facts = await self.facts_of(text.strip())
        place = f"{where}: " if where else ""
        if facts is None:
            self.problem(step, f"{place}no tag {text!r} in the Galaxy")
            return
        element = _ELEMENT.search(text.strip())
        if facts.type_name and facts.type_name.endswith("[]") and element is None:
            self.problem(step, f"{place}{text.strip()} is an array: {array_fix(text)}")
            return
        if write is None:
            return
        if element is not None and element.group() != "[]" and facts.type_name:
            write_type = facts.type_name.removesuffix("[]")  # one element of the array
            facts = TagFacts(write_type, facts.view_only)
        if facts.view_only:
            self.problem(step, f"{place}{text} is ViewOnly: a write to it is refused")
        elif write and facts.type_name and not _fits(write, facts.type_name):
            self.problem(step, f"{place}{write!r} cannot be written to {text}, a {facts.type_name}")

    async def facts_of(self, text: str) -> TagFacts | None:
        """What the Galaxy says of a reference (an element's, or the whole array's, are
        the array attribute's), asked once per attribute."""
        reference = _ELEMENT.sub("", text)
        if reference not in self.facts:
            self.facts[reference] = await self.lookup.tag_facts(reference)
        return self.facts[reference]

    def problem(self, step: Step, message: str) -> None:
        self.problems.append(Problem(step.source, step.line, f"{step.name}: {message}", step.name))


def _fits(text: str, type_name: str) -> bool:
    try:
        to_mx_value(parse_value_text(text, type_name), type_name)
    except ValueError:
        return False
    return True


async def _file_entries(name: str, *, writes: bool) -> list[tuple[str, str, str | None]]:
    """(FILE:LINE, tag, value or None) for each entry of an @FILE, read as the run reads
    it (mxshell.commands.entry_files: relative to the working directory); none when it
    cannot be read, which the run says in its place. UsageError for an entry that is no
    TAG=VALUE or CSV row: a problem now, before the writes above it."""
    try:
        if writes:
            specs = await asyncio.to_thread(read_write_specs, name)
            return [(s.where, s.tag, "" if s.type_name else s.value) for s in specs]
        lines = await asyncio.to_thread(read_entry_lines, name)
    except CommandFailed:
        return []
    return [(where, line, None) for where, line in lines]
