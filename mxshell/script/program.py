"""Command files read whole before anything runs: logical lines, includes, and the checks
that turn a mistake into exit status 2 with nothing run.

The language on top of commands: `#` comments, `;`, a trailing backslash continuing a
line, `include FILE [ARGS]` (or `source`) read in place, and variables. The checks know
the few commands that define names: `set NAME VALUE` and `let NAME = COMMAND` define a
variable, `alias NAME ...` a command word.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from mxshell.base.errors import HelpRequested, ShellError, UsageError
from mxshell.commands.dispatch import PSQL_QUIT
from mxshell.commands.lexer import Reference, Segment, Word, split_line
from mxshell.commands.masking import secret_words
from mxshell.commands.registry import CommandRegistry
from mxshell.commands.settings import Settings
from mxshell.commands.variables import ENV_PREFIX, Variables, valid_name
from mxshell.script.blocks import build
from mxshell.script.conditions import parse_comparison
from mxshell.script.steps import Origin, Problem, Script, ScriptLine, Step

INCLUDE_WORDS = ("include", "source")
MAX_INCLUDE_DEPTH = 32
MAX_REMEMBERED = 10_000  # distinct command lines whose parse the check remembers


def read_script(text: str) -> list[ScriptLine]:
    """Split a file into logical lines, joining lines that end in a backslash."""
    return list(iter_script(text))


def iter_script(text: str) -> Iterator[ScriptLine]:
    """read_script one line at a time: a long file is never held as a list of lines."""
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(_physical_lines(text), start=1):
        if not pending:
            start = number
        if raw.endswith("\\") and not raw.endswith("\\\\"):
            pending.append(raw[:-1])
            continue
        if pending:
            pending.append(raw)
            yield ScriptLine(start, " ".join(p.strip() for p in pending))
            pending = []
        else:
            yield ScriptLine(start, raw.strip())
    if pending:
        yield ScriptLine(start, " ".join(p.strip() for p in pending))


def _physical_lines(text: str) -> Iterator[str]:
    """The lines of a text one by one, ended by \\n, \\r\\n or \\r."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    position, size = 0, len(text)
    while position < size:
        end = text.find("\n", position)
        if end < 0:
            end = size
        yield text[position:end]
        position = end + 1


async def load_file(
    path: Path, args: Sequence[str] = (), *, registry: CommandRegistry, variables: Variables
) -> Script:
    """Read and check a command file and everything it includes (relative to it)."""
    script = Script(str(path))
    await _Loader(script, registry, variables).include(path, tuple(args), None, [])
    _finish(script)
    return script


async def load_text(
    text: str,
    source: str | None,
    args: Sequence[str] = (),
    *,
    registry: CommandRegistry,
    variables: Variables,
) -> Script:
    """Read and check lines given as text (-c, stdin); includes are relative to the cwd."""
    return await load_lines(iter_script(text), source, args, registry=registry, variables=variables)


async def load_lines(
    lines: Iterable[ScriptLine],
    source: str | None,
    args: Sequence[str] = (),
    *,
    registry: CommandRegistry,
    variables: Variables,
) -> Script:
    """load_text for lines already read with read_script."""
    script = Script(source)
    loader = _Loader(script, registry, variables)
    origin = Origin(source, tuple(args), loader.new_chain(None))
    await loader.read_lines(lines, origin, Path.cwd(), [])
    _finish(script)
    return script


def _finish(script: Script) -> None:
    script.body = build(script.steps, script.problems)
    script.problems.sort(key=lambda p: (p.source != script.source, p.source or "", p.line))


class _Loader:
    """Reads a file's lines into steps, an include's steps in its place as it is met, and
    checks each step as it is read (the check is in file order either way)."""

    def __init__(self, script: Script, registry: CommandRegistry, variables: Variables) -> None:
        self.script = script
        self.checker = _Checker(script, registry, variables)
        self.files_read = 0

    def new_chain(self, origin: Step | None) -> tuple[int, ...]:
        """The include chain of a file read now (from `origin`'s include line)."""
        self.files_read += 1
        return (*(origin.chain if origin else ()), self.files_read)

    def problem(self, source: str | None, line: int, message: str, command: str = "") -> None:
        self.script.problems.append(Problem(source, line, message, command))

    async def include(
        self, path: Path, args: tuple[str, ...], origin: Step | None, stack: list[Path]
    ) -> None:
        shown = str(path)
        resolved = path.resolve()
        where = (origin.source, origin.line) if origin else (shown, 0)
        if resolved in stack:
            chain = " -> ".join(p.name for p in [*stack, resolved])
            self.problem(*where, f"include cycle refused: {chain}", "include")
            return
        if len(stack) >= MAX_INCLUDE_DEPTH:
            self.problem(*where, f"includes nest deeper than {MAX_INCLUDE_DEPTH}", "include")
            return
        try:
            text = await asyncio.to_thread(path.read_text, encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            if origin is None:
                self.problem(None, 0, f"cannot read {shown}: {reason}")
            else:
                self.problem(*where, f"include: cannot read {shown}: {reason}", "include")
            return
        read_from = Origin(shown, args, self.new_chain(origin))
        await self.read_lines(iter_script(text), read_from, path.parent, [*stack, resolved])

    async def read_lines(
        self, lines: Iterable[ScriptLine], origin: Origin, directory: Path, stack: list[Path]
    ) -> None:
        steps = self.script.steps
        for line in lines:
            if not line.text or line.text.startswith("#"):
                continue
            # psql's `\q` ends a file as `exit` does (the lexer would read the word as `q`).
            text = "exit" if line.text.strip() == PSQL_QUIT else line.text
            try:
                segments = split_line(text)
            except ShellError as error:
                self.problem(origin.source, line.number, str(error))
                continue
            for segment in segments:
                step = Step.of(segment, line.number, origin)
                include = step.name in INCLUDE_WORDS and not segment.words[0].parts
                if include and await self.include_early(step, segment, directory, stack):
                    continue  # its steps took its place
                steps.append(step)
                self.checker.step(step, segment)

    async def include_early(
        self, marker: Step, segment: Segment, directory: Path, stack: list[Path]
    ) -> bool:
        """Read an include in place now, unless its words hold ${NAME} (the run reads it
        when it gets there: runtime_include); False when it is left to the run."""
        words = segment.words[1:]
        if any(not _early(r) for w in words for r in w.parts if isinstance(r, Reference)):
            return False
        try:
            values = [_expand_early(w, marker.args) for w in words]
        except UsageError as error:
            self.problem(marker.source, marker.line, f"include: {error}", "include")
            return True
        if not values:
            self.problem(marker.source, marker.line, "include: which file?", "include")
            return True
        target = Path(values[0]).expanduser()
        await self.include(directory / target, tuple(values[1:]), marker, stack)
        return True


def _expand_early(word: Word, args: tuple[str, ...]) -> str:
    """An include's words, expanded when the file is read: $N and ${ENV:VAR} only."""
    if not word.parts:
        return word.text
    early = Variables()
    early.args = args
    return early.expand_word(word).text


def _early(reference: Reference) -> bool:
    """A reference an include line can expand when the file is read: $N or ${ENV:VAR}."""
    name = reference.name.partition(":-")[0]
    return name.startswith(ENV_PREFIX) or name.isdecimal()


# checks ------------------------------------------------------------------------------


class _Checker:
    def __init__(self, script: Script, registry: CommandRegistry, variables: Variables) -> None:
        self.script = script
        self.registry = registry
        self.variables = variables
        self.defined: set[str] = set(variables)
        self.aliases: set[str] = set()
        self.settings = set(Settings.names())
        self.checked: set[tuple[str, tuple[str, ...]]] = set()

    def step(self, step: Step, segment: Segment) -> None:
        words = segment.words
        for reference in segment.references():
            self.reference(step, reference)
        if words[0].parts:
            return  # the command itself comes from a variable: nothing to check yet
        self.command(step, words)

    def problem(self, step: Step, message: str, command: str = "") -> None:
        self.script.problems.append(Problem(step.source, step.line, message, command))

    def reference(self, step: Step, reference: Reference) -> None:
        name, has_default, _ = reference.name.partition(":-")
        if has_default:
            return
        if name.startswith(ENV_PREFIX):
            if name[len(ENV_PREFIX) :] not in os.environ:
                variable = name[len(ENV_PREFIX) :]
                self.problem(step, f"{reference.text}: environment variable {variable} is not set")
        elif name.isdecimal():
            if not 1 <= int(name) <= len(step.args):
                given = {0: "none were given", 1: "1 was given"}.get(
                    len(step.args), f"{len(step.args)} were given"
                )
                self.problem(step, f"{reference.text}: no argument {name} ({given})")
        elif name.split(".")[0] not in self.defined:
            base = name.split(".")[0]
            self.problem(step, f"{reference.text}: no variable {base!r} is set before this line")

    def command(self, step: Step, words: Sequence[Word]) -> None:
        name = words[0].text
        if name in INCLUDE_WORDS:
            return  # read in place already
        if name in self.aliases:
            return  # an alias this file defines: its words are checked where it is used
        try:
            expanded = self.registry.expand([w.text for w in words])
            command = self.registry.lookup(expanded[0]) if expanded else None
        except UsageError as error:
            self.problem(step, f"{name}: {error}", name)
            return
        if command is None:
            return
        for word in secret_words(words, command):
            for part in word.parts:  # a variable used as a password is a secret everywhere
                if isinstance(part, Reference) and not part.name.startswith(ENV_PREFIX):
                    self.mark_secret(step, part.name.partition(":-")[0].split(".")[0])
        if not self.define(step, command.name, words):
            return
        if command.name == "defer" and len(words) > 1 and not words[1].parts:
            self.command(step, words[1:])  # the deferred command is checked like any other
            return
        if command.name in ("if", "elif") and not any(w.parts for w in words):
            try:
                parse_comparison([w.text for w in words[1:]], f"{command.name} COND")
            except UsageError as error:
                self.problem(step, f"{command.name}: {error}", command.name)
                return
        if any(w.parts for w in words) or len(expanded) != len(words):
            if command.name == "let" and len(words) > 3 and not words[3].parts:
                self.command(step, words[3:])
            return
        key = (command.name, tuple(expanded[1:]))
        if key in self.checked:
            return  # the same words again (a loop unrolled by hand): parse once
        try:
            command.parse(expanded[1:])
        except HelpRequested:
            pass
        except UsageError as error:
            self.problem(step, f"{command.name}: {error}", command.name)
            return
        if len(self.checked) < MAX_REMEMBERED:  # a file of a million distinct lines: no
            self.checked.add(key)  # cache of them all
        if command.name == "let" and len(words) > 3:
            self.command(step, words[3:])

    def mark_secret(self, step: Step, name: str) -> None:
        """A variable, or a file argument ($1), used as a secret: masked from the first
        line on, not only from the line that uses it."""
        if not name.isdecimal():
            self.variables.mark_secret(name)
        elif 1 <= int(name) <= len(step.args):
            self.variables.add_secret_value(step.args[int(name) - 1])

    def define(self, step: Step, command: str, words: Sequence[Word]) -> bool:
        """Note the name a command defines; False (a problem said) if it is malformed."""
        values = [w.text for w in words]
        if command == "alias" and len(values) > 2 and not values[1].startswith("-"):
            self.aliases.add(values[1])
        elif command == "let" and len(values) > 1:
            if not valid_name(values[1]) or values[2:3] != ["="]:
                self.problem(step, "let: write it as: let NAME = COMMAND [ARGS...]", "let")
                return False
            self.defined.add(values[1])
        elif command == "prompt" and len(values) > 1 and valid_name(values[1]):
            self.defined.add(values[1])
        elif command == "for" and len(values) > 1:
            if not valid_name(values[1]) or values[2:3] != ["in"]:
                self.problem(step, "for: write it as: for NAME in WORD... (or @FILE)", "for")
                return False
            self.defined.add(values[1])
        elif command == "set" and len(values) > 1 and values[1] not in self.settings:
            self.defined.add(values[1])
            if "--secret" in values:
                self.variables.mark_secret(values[1])
        return True
