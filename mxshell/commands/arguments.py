"""Declaring one argument of a command: a positional or an option, and what the parser,
help and completion read of it; and `Declared`, what they read of a whole command."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from mxshell.commands.converters import Converter, resolve_converter

# A value completer: given the command context and the word typed so far, the candidates.
Completer = Callable[[Any, str], Iterable[str]]

# A name of letters, digits, `.`, `-` and `_`; `?` alone is help's (psql's muscle memory).
_NAME = re.compile(r"^(?:[A-Za-z][\w.-]*|\?)$")
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


class Declared(Protocol):
    """A command as the parser, help and secret masking read it (model.Command is one).

    A protocol, so that those modules need not import the model that uses them."""

    @property
    def name(self) -> str: ...

    @property
    def aliases(self) -> tuple[str, ...]: ...

    @property
    def family(self) -> str | None: ...

    @property
    def plugin(self) -> str | None: ...

    @property
    def needs_session(self) -> bool: ...

    @property
    def arguments(self) -> tuple[Argument, ...]: ...

    @property
    def summary(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def positionals(self) -> list[Argument]: ...

    @property
    def options(self) -> list[Argument]: ...

    def usage(self) -> str: ...

    def format_help(self) -> str: ...


class CommandBook(Protocol):
    """The commands by name, as help and secret masking read them (the registry is one)."""

    def get(self, name: str) -> Declared | None: ...

    def expand(self, words: Sequence[str]) -> list[str]: ...

    def families(self) -> Mapping[str, Sequence[Declared]]: ...
