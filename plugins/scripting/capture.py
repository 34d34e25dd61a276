"""Variables from commands: let NAME = COMMAND keeps a command's result, unset forgets."""

from __future__ import annotations

import asyncio
from typing import Any

from mxshell.api import (
    CommandFailed,
    CommandSet,
    ShellContext,
    Table,
    Text,
    UsageError,
    arg,
)
from mxshell.api.commands import (
    CANCELLED,
    USAGE,
    run_command,
    valid_name,
)
from mxshell.api.output import to_data

scripting = CommandSet("scripting")


@scripting.command(
    "let",
    help="Run a command and keep its result in a variable: let level = read Tank1.Level.\n"
    "Fields are reached with dots: ${level.value}, ${level.quality}. A table of one row "
    "keeps that row; of several, a list (${rows.0.value}). The command's own output is "
    "not printed; a failure of the command is the failure of let.",
    args=[
        arg("name", metavar="NAME", help="the variable"),
        arg("equals", metavar="=", choices=["="], help="an equals sign"),
        arg("words", metavar="COMMAND", nargs="...", help="the command and its arguments"),
    ],
)
async def let(ctx: ShellContext, name: str, equals: str, words: list[str]) -> Text:
    if not valid_name(name):
        raise UsageError(f"{name!r} is not a valid variable name", "let NAME = COMMAND ...")
    if not words:
        raise UsageError("which command?", "let NAME = COMMAND ...")
    outcome = await run_command(ctx, words)
    if outcome.status == CANCELLED:
        raise asyncio.CancelledError
    if not outcome.ok:
        error = UsageError if outcome.status == USAGE else CommandFailed
        raise error(outcome.describe())
    value = captured(outcome.result)
    ctx.variables.define(name, value)
    return Text("", {name: value})


def captured(result: Any) -> Any:
    """A result as a variable holds it: plain data; a one-row table as that row."""
    data = to_data(result)
    if isinstance(result, Table):
        rows = data["rows"]
        return rows[0] if len(rows) == 1 else rows
    return data


@scripting.command(
    "unset",
    help="Forget variables.",
    args=[arg("names", metavar="NAME", nargs="+", help="the variables", completer="variable")],
)
async def unset(ctx: ShellContext, names: list[str]) -> None:
    missing = [n for n in names if n not in ctx.variables]
    if missing:
        raise CommandFailed(f"no variable {', '.join(missing)}")
    for name in names:
        del ctx.variables[name]
