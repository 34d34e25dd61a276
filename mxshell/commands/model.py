"""Declaring a command once: its name, arguments and help, from which parsing and help follow."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from mxshell.commands.converters import Converter, resolve_converter

if TYPE_CHECKING:
    from mxshell.commands.context import CommandContext
    from mxshell.commands.parser import CommandParser

# A value completer: given the context and the word typed so far, the candidates.
Completer = Callable[["CommandContext", str], Iterable[str]]
Handler = Callable[..., "Awaitable[Any] | Any"]

_NAME = re.compile(r"^[A-Za-z][\w.-]*$")
_ACTIONS = {None, "store", "store_true", "store_false", "append", "count"}
_TAKES_NO_VALUE = {"store_true", "store_false", "count"}


@dataclass(frozen=True)
class Argument:
    """One declared argument: a positional (`tag`) or an option (`--timeout`, `-t`)."""

    name: str
    flags: tuple[str, ...] = ()
    dest: str = ""
    help: str = ""
    converter: Converter = field(default=str, repr=False)
    type_name: str = "str"
    nargs: int | str | None = None
    choices: tuple[Any, ...] | None = None
    default: Any = None
    required: bool = False
    completer: str | Completer | None = None
    is_tag: bool = False  # the REPL completes it from the Galaxy hierarchy
    secret: bool = False  # never echoed: not in history, errors, JSON or repr
    metavar: str | None = None
    action: str | None = None

    @property
    def is_option(self) -> bool:
        return bool(self.flags)

    @property
    def takes_value(self) -> bool:
        return self.action not in _TAKES_NO_VALUE

    @property
    def display(self) -> str:
        """How usage and help show the value: TAG, ALIAS, {table|json}."""
        if self.metavar:
            return self.metavar
        if self.choices and not self.is_option:
            return "{" + "|".join(str(c) for c in self.choices) + "}"
        return self.dest.upper().replace("_", "-")

    def usage(self) -> str:
        if self.is_option:
            text = self.flags[0]
            if self.takes_value:
                value = (
                    "{" + "|".join(str(c) for c in self.choices) + "}"
                    if self.choices
                    else self.display
                )
                text += f" {value}"
            return text if self.required else f"[{text}]"
        value = self.display
        if self.nargs == "?":
            return f"[{value}]"
        if self.nargs in ("*", "..."):
            return f"[{value} ...]"
        if self.nargs == "+":
            return f"{value} [{value} ...]"
        if isinstance(self.nargs, int) and self.nargs > 1:
            return " ".join([value] * self.nargs)
        return value


def arg(
    *names: str,
    help: str = "",
    type: Converter | str | None = None,
    nargs: int | str | None = None,
    choices: Iterable[Any] | None = None,
    default: Any = None,
    required: bool | None = None,
    completer: str | Completer | None = None,
    is_tag: bool = False,
    secret: bool = False,
    metavar: str | None = None,
    dest: str | None = None,
    action: str | None = None,
) -> Argument:
    """Declare an argument: `arg("tag", ...)` is positional, `arg("--as", "-a", ...)` an option.

    A positional with `required=False` or a default is optional (nargs "?"); nargs "..."
    takes every remaining word, options included (as `alias NAME WORDS...` does).
    `type` is a converter callable or one of: str, int, float, bool, duration, tag.
    """
    if not names:
        raise ValueError("an argument needs a name")
    flags = tuple(n for n in names if n.startswith("-"))
    if flags and len(flags) != len(names):
        raise ValueError(f"argument {names!r} mixes a positional name with option flags")
    if not flags and len(names) != 1:
        raise ValueError(f"a positional argument has one name, not {names!r}")
    if action not in _ACTIONS:
        raise ValueError(f"argument {names[0]}: unsupported action {action!r}")
    if secret and not flags:
        raise ValueError(f"argument {names[0]}: a secret must be an option, e.g. --password")
    if is_tag and type is None:
        type = "tag"
    converter, type_name = resolve_converter(type)
    if action in ("store_true", "store_false"):
        type_name = "flag"
        default = action == "store_false" if default is None else default
    elif action == "count":
        type_name = "count"
        default = 0 if default is None else default
    long_flags = [f for f in flags if f.startswith("--")]
    derived = (long_flags or list(flags) or [names[0]])[0].lstrip("-").replace("-", "_")
    positional_optional = not flags and (required is False or default is not None)
    if positional_optional and nargs is None:
        nargs = "?"
    is_required = bool(required) if flags else nargs not in ("?", "*", "...")
    return Argument(
        name=names[0],
        flags=flags,
        dest=dest or derived,
        help=help,
        converter=converter,
        type_name=type_name,
        nargs=nargs,
        choices=tuple(choices) if choices is not None else None,
        default=default,
        required=is_required,
        completer=completer,
        is_tag=is_tag,
        secret=secret,
        metavar=metavar,
        action=action,
    )


def flag(*names: str, help: str = "", dest: str | None = None) -> Argument:
    """An on/off option such as `--plaintext`: False unless given."""
    return arg(*names, help=help, dest=dest, action="store_true")


@dataclass(eq=False)
class Command:
    """A command as declared: parsed from words, shown in help, completed at the prompt."""

    name: str
    handler: Handler = field(repr=False)
    arguments: tuple[Argument, ...] = ()
    help: str = ""
    aliases: tuple[str, ...] = ()
    family: str | None = None
    plugin: str | None = None  # set by the plugin host
    needs_session: bool = False

    def __post_init__(self) -> None:
        for name in (self.name, *self.aliases):
            if not _NAME.match(name):
                raise ValueError(f"{name!r} is not a valid command name")
        if len(set(self.names)) != len(self.names):
            raise ValueError(f"command {self.name}: a name is repeated among its aliases")
        dests = [a.dest for a in self.arguments]
        duplicates = sorted({d for d in dests if dests.count(d) > 1})
        if duplicates:
            raise ValueError(f"command {self.name}: arguments share a name: {duplicates}")

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def summary(self) -> str:
        return self.help.strip().splitlines()[0] if self.help.strip() else ""

    @property
    def description(self) -> str:
        """The help text after its first line."""
        lines = self.help.strip().splitlines()
        return "\n".join(lines[1:]).strip()

    @property
    def positionals(self) -> list[Argument]:
        return [a for a in self.arguments if not a.is_option]

    @property
    def options(self) -> list[Argument]:
        return [a for a in self.arguments if a.is_option]

    def option(self, word: str) -> Argument | None:
        """The option a flag such as `--timeout` or `-t` names, if any."""
        for argument in self.options:
            if word in argument.flags:
                return argument
        return None

    def usage(self) -> str:
        """One line: `add-item TAG [--as ALIAS]`."""
        parts = [self.name]
        parts += [a.usage() for a in self.positionals]
        parts += [a.usage() for a in self.options]
        return " ".join(parts)

    @cached_property
    def parser(self) -> CommandParser:
        from mxshell.commands.parser import build_parser

        return build_parser(self)

    def parse(self, words: Sequence[str]) -> dict[str, Any]:
        """The handler's keyword arguments for these words (the command name excluded).

        Raises UsageError on a bad word, HelpRequested for -h/--help.
        """
        return self.parser.parse_words(words)

    def format_help(self) -> str:
        from mxshell.commands.help import command_help

        return command_help(self)


def command(
    name: str,
    *,
    help: str,
    args: Sequence[Argument] = (),
    aliases: Sequence[str] = (),
    family: str | None = None,
    needs_session: bool = False,
) -> Callable[[Handler], Command]:
    """Decorate a handler `async def h(ctx, **arguments)` to make it a Command."""

    def declare(handler: Handler) -> Command:
        return Command(
            name=name,
            handler=handler,
            arguments=tuple(args),
            help=help,
            aliases=tuple(aliases),
            family=family,
            needs_session=needs_session,
        )

    return declare


class CommandSet:
    """A family's commands, collected as they are declared (cmd2's name for the idea).

    core = CommandSet("core")

    @core.command("echo", help="Print the words.", args=[arg("words", nargs="*")])
    async def echo(ctx, words): ...
    """

    def __init__(self, family: str) -> None:
        self.family = family
        self.commands: list[Command] = []

    def command(
        self,
        name: str,
        *,
        help: str,
        args: Sequence[Argument] = (),
        aliases: Sequence[str] = (),
        needs_session: bool = False,
    ) -> Callable[[Handler], Command]:
        def declare(handler: Handler) -> Command:
            declared = command(
                name,
                help=help,
                args=args,
                aliases=aliases,
                family=self.family,
                needs_session=needs_session,
            )(handler)
            self.commands.append(declared)
            return declared

        return declare

    def __iter__(self) -> Iterator[Command]:
        return iter(self.commands)

    def __len__(self) -> int:
        return len(self.commands)
