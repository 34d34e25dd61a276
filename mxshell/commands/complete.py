"""What the word at the cursor is (a command, an option, an argument's value) and its
candidates, from the declarations alone; the REPL adds Galaxy tags for `is_tag` slots."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mxshell.base.errors import ShellError
from mxshell.commands.lexer import Word, split_line
from mxshell.commands.model import Argument, Command, Completer

if TYPE_CHECKING:
    from mxshell.commands.context import CommandContext
    from mxshell.commands.registry import CommandRegistry

COMMAND, OPTION, VALUE, NOTHING = "command", "option", "value", "nothing"


@dataclass(frozen=True)
class CompletionSlot:
    """The word being completed: its kind, the text typed so far, and what it belongs to."""

    kind: str
    prefix: str
    command: Command | None = None
    argument: Argument | None = None
    # The words typed after the command name, before this one: a completer that takes a
    # `words` parameter gets them (`set NAME <Tab>` offers NAME's values alone).
    words: tuple[str, ...] = ()


def completion_slot(registry: CommandRegistry, text: str) -> CompletionSlot:
    """Where the cursor is, for the text before it."""
    words = _last_command_words(text)
    if words is None:
        return CompletionSlot(COMMAND, "")
    at_new_word = not words or words[-1].end < len(text)
    prefix = "" if at_new_word else words[-1].text
    prior = [w.text for w in (words if at_new_word else words[:-1])]
    if not prior:
        return CompletionSlot(COMMAND, prefix)
    try:
        expanded = registry.expand(prior)
    except ShellError:
        return CompletionSlot(NOTHING, prefix)
    command = registry.get(expanded[0])
    if command is None:
        return CompletionSlot(NOTHING, prefix)
    if prefix.startswith("-"):
        return CompletionSlot(OPTION, prefix, command)
    argument = _argument_at(command, expanded[1:])
    if argument is None:
        return CompletionSlot(NOTHING, prefix, command)
    return CompletionSlot(VALUE, prefix, command, argument, tuple(expanded[1:]))


def candidates(
    slot: CompletionSlot,
    context: CommandContext,
    completers: Mapping[str, Completer] | None = None,
) -> list[str]:
    """The declared candidates for a slot: names, flags, choices, a completer's values.

    A completer that raises gives no candidates; typing must never fail.
    """
    if slot.kind == COMMAND:
        found: Iterable[Any] = context.registry.names()
    elif slot.kind == OPTION and slot.command is not None:
        found = [f for a in slot.command.options for f in a.flags] + ["--help"]
    elif slot.kind == VALUE and slot.argument is not None:
        found = _values(slot, slot.argument, context, completers or {})
    else:
        found = []
    return sorted({str(c) for c in found if str(c).startswith(slot.prefix)})


def _values(
    slot: CompletionSlot,
    argument: Argument,
    context: CommandContext,
    completers: Mapping[str, Completer],
) -> Iterable[Any]:
    if argument.choices:
        return argument.choices
    completer = argument.completer
    if isinstance(completer, str):
        completer = completers.get(completer)
    if completer is None:
        return []
    try:
        if "words" in inspect.signature(completer).parameters:
            return list(completer(context, slot.prefix, words=slot.words))  # type: ignore[call-arg]
        return list(completer(context, slot.prefix))
    except Exception:  # noqa: BLE001 - a broken completer must not break typing
        return []


def _last_command_words(text: str) -> list[Word] | None:
    """The words of the command the cursor is in; None right after a `;` or at the start."""
    for closing in ("", '"', "'"):
        try:
            segments = split_line(text + closing)
        except ShellError:
            continue
        if not segments:
            return None
        last = segments[-1]
        tail = text[last.start + len(last.text) :]
        if ";" in tail or "\n" in tail:
            return None
        return list(last.words)
    return None


def _argument_at(command: Command, words: list[str]) -> Argument | None:
    """The argument the next word fills, given the words after the command name."""
    positionals = command.positionals
    index, filled, expecting = 0, 0, None
    for word in words:
        if expecting is not None:
            expecting = None
            continue
        option = command.option(word.partition("=")[0]) if word.startswith("-") else None
        if option is not None:
            if option.takes_value and "=" not in word:
                expecting = option
            continue
        if index < len(positionals):
            filled += 1
            if _full(positionals[index], filled):
                index, filled = index + 1, 0
    if expecting is not None:
        return expecting
    return positionals[index] if index < len(positionals) else None


def _full(argument: Argument, filled: int) -> bool:
    if argument.nargs in ("*", "+", "..."):
        return False
    if isinstance(argument.nargs, int):
        return filled >= argument.nargs
    return True
