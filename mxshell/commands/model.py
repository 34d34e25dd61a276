"""Declaring a command once: its name, arguments and help, from which parsing and help follow."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from mxshell.commands.arguments import _NAME
from mxshell.commands.arguments import Argument as Argument  # declared beside, offered here
from mxshell.commands.arguments import Completer as Completer
from mxshell.commands.arguments import arg as arg
from mxshell.commands.arguments import flag as flag

if TYPE_CHECKING:
    from mxshell.commands.parser import CommandParser

Handler = Callable[..., "Awaitable[Any] | Any"]


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
    # The dispatcher sends `NAME:Tag.Attr` references to the connection NAME (the handler
    # sees them unqualified, in a context whose session is NAME's); a command that takes
    # references of several connections at once itself (watch) says True.
    own_connections: bool = False

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
    own_connections: bool = False,
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
            own_connections=own_connections,
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
        own_connections: bool = False,
    ) -> Callable[[Handler], Command]:
        def declare(handler: Handler) -> Command:
            declared = command(
                name,
                help=help,
                args=args,
                aliases=aliases,
                family=self.family,
                needs_session=needs_session,
                own_connections=own_connections,
            )(handler)
            self.commands.append(declared)
            return declared

        return declare

    def __iter__(self) -> Iterator[Command]:
        return iter(self.commands)

    def __len__(self) -> int:
        return len(self.commands)
