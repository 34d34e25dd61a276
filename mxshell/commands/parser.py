"""An argparse parser per command that raises instead of printing or exiting."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from mxshell.base.cmdline import StrictArgumentParser
from mxshell.base.errors import HelpRequested, UsageError
from mxshell.commands.converters import CONVERTERS

# The same words parse to the same arguments when every converter is a built-in one (pure
# functions of the text): a command file repeats its lines (a loop, a fleet's runs), so a
# command keeps its last PARSES_KEPT answers. A plugin's own converter may read state
# (a file, the Galaxy), so a command with one is parsed every time.
PURE_CONVERTERS = frozenset([*CONVERTERS.values(), str])
PARSES_KEPT = 64

if TYPE_CHECKING:
    from mxshell.commands.arguments import Argument, Declared


class CommandParser(StrictArgumentParser):
    """argparse for one command: `error()` raises UsageError, `--help` raises HelpRequested.

    Strict as every command line of mxshell: no abbreviated options, and an unknown
    option is named without the words after it (`--password X` on a command that has
    none must not print X).

    Nothing here writes to stdout or stderr, and nothing calls sys.exit.
    """

    def __init__(self, command: Declared) -> None:
        super().__init__(
            prog=command.name,
            usage=command.usage(),
            add_help=False,
            exit_on_error=True,  # every failure then goes through error() below
        )
        self.command = command
        pure = all(argument.converter in PURE_CONVERTERS for argument in command.arguments)
        self._parsed: dict[tuple[str, ...], dict[str, Any]] | None = {} if pure else None

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, usage=self.command.usage())

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise UsageError((message or "invalid arguments").strip(), usage=self.command.usage())

    def print_help(self, file: Any = None) -> None:
        raise HelpRequested(self.command.format_help())

    def print_usage(self, file: Any = None) -> None:
        raise HelpRequested(f"usage: {self.command.usage()}")

    def parse_words(self, words: Sequence[str]) -> dict[str, Any]:
        """The handler's keyword arguments: a new dict (and new lists) on every call, so
        that a handler may change what it was given."""
        key = tuple(words)
        parsed = self._parsed.get(key) if self._parsed is not None else None
        if parsed is None:
            parsed = self._parse(key)
            if self._parsed is not None:
                if len(self._parsed) >= PARSES_KEPT:
                    del self._parsed[next(iter(self._parsed))]  # the oldest
                self._parsed[key] = parsed
        return {name: list(v) if isinstance(v, list) else v for name, v in parsed.items()}

    def _parse(self, words: Sequence[str]) -> dict[str, Any]:
        try:
            namespace = self.parse_args(list(words))
        except argparse.ArgumentError as error:  # belt and braces: exit_on_error is on
            raise UsageError(str(error), usage=self.command.usage()) from None
        return vars(namespace)


class _HelpAction(argparse.Action):
    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest=argparse.SUPPRESS, nargs=0)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        assert isinstance(parser, CommandParser)
        raise HelpRequested(parser.command.format_help())


def build_parser(command: Declared) -> CommandParser:
    parser = CommandParser(command)
    for argument in command.arguments:
        _add(parser, argument)
    parser.add_argument("-h", "--help", action=_HelpAction)
    return parser


def _add(parser: CommandParser, argument: Argument) -> None:
    options: dict[str, Any] = {"default": argument.default}
    if argument.action in ("store_true", "store_false", "count"):
        options["action"] = argument.action
    else:
        if argument.action == "append":
            options["action"] = "append"
        options["type"] = argument.converter
        options["metavar"] = argument.display
        if argument.nargs is not None:
            options["nargs"] = argument.nargs
        if argument.choices is not None:
            options["choices"] = argument.choices
    if argument.is_option:
        options["dest"] = argument.dest
        options["required"] = argument.required
        parser.add_argument(*argument.flags, **options)
    else:
        parser.add_argument(argument.dest, **options)
