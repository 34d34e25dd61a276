"""Commands for command files (and the prompt): let, unset, assert, expect, wait-for,
on-error and source/include. Variables are set with core's `set NAME VALUE`; the runner
itself is mxshell.script.runner."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from mxshell_plugins import flow, operator_steps

from mxshell.api import (
    CommandFailed,
    CommandSet,
    RegisterCommands,
    RegisterCompleter,
    ShellContext,
    ShellError,
    Table,
    Text,
    TrackedItem,
    UsageError,
    arg,
    give_back,
    hookimpl,
    session_of,
    until,
)
from mxshell.api.commands import (
    CANCELLED,
    OPERATORS,
    USAGE,
    Condition,
    compare_texts,
    run_command,
    valid_name,
)
from mxshell.api.conversion import quality_text, refusals
from mxshell.api.items import find_or_add, first_values, item_arg
from mxshell.api.output import scrub, to_data

scripting = CommandSet("scripting")

OP = arg("op", metavar="OP", choices=list(OPERATORS), help="== != < <= > >=")
EXPECTED = arg("value", help="the value to compare with, read as the item's type")
MESSAGE = arg("--message", "-m", metavar="TEXT", help="what to say when the check fails")


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


@scripting.command(
    "assert",
    help="Fail unless a comparison holds: assert ${level.value} > 20 -m 'tank too low'.\n"
    "Both sides are compared as numbers when both are numbers; otherwise as text, with "
    "== or != only.",
    args=[
        arg("left", metavar="VALUE", help="a value, usually ${NAME} or ${NAME.field}"),
        OP,
        arg("right", metavar="VALUE", help="the value to compare with"),
        MESSAGE,
    ],
)
async def assert_command(
    ctx: ShellContext, left: str, op: str, right: str, message: str | None = None
) -> Text:
    comparison = _typed(ctx, f"{left} {op} {right}")
    if not compare_texts(left, op, right):
        raise CommandFailed(_failed(message, f"{comparison} does not hold"))
    return Text(f"ok: {comparison}", {"ok": True, "condition": comparison})


@asynccontextmanager
async def advised(ctx: ShellContext, reference: str) -> AsyncIterator[TrackedItem]:
    """The item a reference names, advised for the duration of the block; what the block
    added or advised is removed or unadvised afterwards, as read does."""
    session = session_of(ctx)
    added: list[TrackedItem] = []
    advised_here: list[TrackedItem] = []
    try:
        item, was_added = await find_or_add(ctx, reference)
        if was_added:
            added.append(item)
        if item.lost is not None:
            raise CommandFailed(f"{item.name} was not restored after a reconnect: {item.lost}")
        if item.advise == "none":
            with refusals(item.tag_reference):
                await session.advise(item)
            advised_here.append(item)
        yield item
    finally:
        await give_back(ctx, session, added, advised_here)


@scripting.command(
    "expect",
    help="Fail unless an item's current value meets a condition: expect Pump1.Running == true.\n"
    "Reads the item (waiting up to --timeout for its first value) and compares once; "
    "wait-for waits for the condition instead.",
    args=[
        item_arg(),
        OP,
        EXPECTED,
        MESSAGE,
        arg("--timeout", type="duration", default=5.0, help="wait for a value (default 5s)"),
    ],
    needs_session=True,
)
async def expect(
    ctx: ShellContext,
    item: str,
    op: str,
    value: str,
    message: str | None = None,
    timeout: float = 5.0,
) -> Text:
    condition = Condition(op, value)
    started = time.monotonic()
    async with advised(ctx, item) as found:
        if found.change_count == 0:
            await first_values(session_of(ctx), [(found, 0)], timeout)
        if not condition.holds(found.value):
            raise CommandFailed(_failed(message, f"{_now(found)}, expected {condition}"))
    return _met(ctx, found, condition, time.monotonic() - started)


@scripting.command(
    "wait-for",
    help="Wait until an item's value meets a condition: wait-for Tank1.Level > 20 --timeout 30.\n"
    "Advises the item (a tag is added first) and checks every data change; fails when "
    "--timeout passes first, showing the last value. Ctrl-C stops waiting.",
    args=[
        item_arg(),
        OP,
        EXPECTED,
        MESSAGE,
        arg("--timeout", type="duration", default=10.0, help="how long (default 10s)"),
    ],
    needs_session=True,
)
async def wait_for(
    ctx: ShellContext,
    item: str,
    op: str,
    value: str,
    message: str | None = None,
    timeout: float = 10.0,
) -> Text:
    condition = Condition(op, value)
    started = time.monotonic()
    async with advised(ctx, item) as found:
        problems: list[ShellError] = []
        met = await until(session_of(ctx), _checker(condition, found, problems), timeout)
        if problems:
            raise problems[0]
        if not met:
            shown = _now(found) if found.change_count else f"{found.tag_reference} had no value"
            raise CommandFailed(
                _failed(message, f"{condition} not met within {timeout:g}s ({shown})")
            )
    return _met(ctx, found, condition, time.monotonic() - started)


def _checker(
    condition: Condition, item: TrackedItem, problems: list[ShellError]
) -> Callable[[], bool]:
    # Called from the session's event fan-out: it must not raise, so a value that cannot
    # be compared ends the wait and the problem is raised by the command.
    def check() -> bool:
        try:
            return condition.holds(item.value)
        except ShellError as error:
            problems.append(error)
            return True

    return check


def _now(item: TrackedItem) -> str:
    quality = quality_text(item.quality)
    return f"{item.tag_reference} is {item.value!r}" + (f", {quality}" if quality else "")


def _typed(ctx: ShellContext, text: str) -> str:
    """Text the user typed, as a result carries it: a secret in it (`== ${pw}`) masked.
    (Values are masked where they equal a secret; text that merely holds one is not a
    value, so it is masked here, where it is made.)"""
    return scrub(text, ctx.variables.secret_values())


def _met(ctx: ShellContext, item: TrackedItem, condition: Condition, waited: float) -> Text:
    said = _typed(ctx, str(condition))
    return Text(
        f"ok: {item.tag_reference} {said} (value {item.value!r}, after {waited:.2f}s)",
        {
            "ok": True,
            "item": item.tag_reference,
            "condition": said,
            "value": item.value,
            "quality": quality_text(item.quality),
            "waited_s": round(waited, 3),
        },
    )


def _failed(message: str | None, detail: str) -> str:
    return f"{message} ({detail})" if message else detail


@scripting.command(
    "on-error",
    help="What a command file does after a failed command: stop (the default) or continue.\n"
    "It lasts until the end of the run (the file and what it includes); continue runs "
    "every command and ends with a summary. The stop_on_error setting, by another name.",
    args=[arg("mode", choices=["stop", "continue"], help="stop or continue")],
)
async def on_error(ctx: ShellContext, mode: str) -> None:
    ctx.settings.stop_on_error = mode == "stop"


@scripting.command(
    "source",
    aliases=["include"],
    help="Run a command file here, with arguments as $1, $2 ...\n"
    "The file is checked whole before it runs; it stops at its first failure unless "
    "on-error continue. Inside a command file the included file is read in place "
    "(relative to the including file), and an include cycle is refused.",
    args=[
        arg("file", metavar="FILE", help="the command file"),
        arg("args", metavar="ARG", nargs="*", help="its arguments"),
    ],
)
async def source(ctx: ShellContext, file: str, args: list[str]) -> None:
    runner = ctx.scripts()
    run = await runner.run_file(Path(file).expanduser(), args)
    if run.interrupted:
        raise asyncio.CancelledError
    if run.problems:
        raise UsageError(f"{file}: nothing was run")
    if run.stopped:
        raise CommandFailed(f"stopped at {run.failures[0]}")
    if run.failed:
        raise CommandFailed(f"{run.failed} of {run.ran} commands failed in {file}")


def complete_variable(ctx: ShellContext, text: str) -> list[str]:
    return sorted(ctx.variables)


@hookimpl
def register_commands(register: RegisterCommands) -> None:
    for declared in scripting:
        register(declared)
    register(list(flow.flow))
    register(list(operator_steps.operator))


@hookimpl
def register_completers(register: RegisterCompleter) -> None:
    register("variable", complete_variable)
