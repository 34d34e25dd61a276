"""The command model and the command-file language as the shell's own commands use them:
help pages, quoting, masking a line, running lines and files, conditions, outcomes.
Public under mxshell.api.API_VERSION."""

from __future__ import annotations

from collections.abc import Sequence

from mxshell.api.context import ShellContext
from mxshell.commands import (
    CommandContext,
    CommandRegistry,
    Dispatcher,
    UnknownCommandError,
    Variables,
    quote_words,
    redact_line,
)
from mxshell.commands.help import command_page, overview
from mxshell.commands.variables import valid_name
from mxshell.output import CANCELLED, FAILED, OK, USAGE, Outcome
from mxshell.script import OPERATORS, Condition, ScriptRunner, compare_texts
from mxshell.script.conditions import (
    QUALITY_CLASSES,
    parse_comparison,
    parse_condition,
    quality_accepted,
    quality_class,
)


async def run_command(ctx: ShellContext, words: Sequence[str]) -> Outcome:
    """Run one command (its words, as typed, aliases expanded) in this shell and return
    its outcome, as `let NAME = COMMAND` does; nothing is printed."""
    if not isinstance(ctx, CommandContext):
        raise TypeError("run_command needs the shell's own context")
    return await Dispatcher(ctx).run_command(words)


__all__ = [
    "CANCELLED",
    "FAILED",
    "OK",
    "OPERATORS",
    "QUALITY_CLASSES",
    "USAGE",
    "CommandRegistry",
    "Condition",
    "Dispatcher",
    "Outcome",
    "ScriptRunner",
    "UnknownCommandError",
    "Variables",
    "command_page",
    "compare_texts",
    "overview",
    "parse_comparison",
    "parse_condition",
    "quality_accepted",
    "quality_class",
    "quote_words",
    "redact_line",
    "run_command",
    "valid_name",
]
