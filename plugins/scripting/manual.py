"""Manual steps of a command file: confirm, pause and prompt.

The answers come from the shell's operator desk (mxshell.script.manual_steps): the answers
file, `--yes`, or the person at the terminal; each is kept with its time for the run's
report. Without a terminal and without those, a step fails with one line.
"""

from __future__ import annotations

from typing import Any

from mxshell.api import CommandFailed, CommandSet, ShellContext, Text, UsageError, arg
from mxshell.api.commands import valid_name

steps = CommandSet("scripting")

YES = frozenset({"y", "yes", "true", "1", "ok"})
NO = frozenset({"n", "no", "false", "0"})
MAX_ASKS = 3  # a person who types neither y nor n is asked again, this many times
STEP_ID = arg("--id", dest="step_id", metavar="ID", help="the key of its answer in --answers")


async def _answer(
    ctx: ShellContext, step: str, text: str, step_id: str | None, default: str | None = None
) -> Any:
    desk = ctx.services.operator
    if desk is None:
        raise CommandFailed(f"{step}: this shell has no way to ask the operator")
    return await desk.answer(step, text, step_id, default, may_ask=ctx.settings.output != "json")


@steps.command(
    "confirm",
    help="Ask the operator a yes/no question; no fails the step: confirm 'Pump 1 is running?'\n"
    "Answered from --answers (by --id, else by the text), --yes, or at the terminal; "
    "without any of them (piped, CI, --json) the step fails saying so.",
    args=[arg("text", metavar="TEXT", help="the question"), STEP_ID],
)
async def confirm(ctx: ShellContext, text: str, step_id: str | None = None) -> Text:
    for _ in range(MAX_ASKS):
        answer = await _answer(ctx, "confirm", text, step_id)
        said = answer.value.lower()
        if said in YES:
            return Text(f"confirmed: {text}", answer.as_data())
        if said in NO:
            raise CommandFailed(f"not confirmed: {text}", result=answer.as_data())
        if answer.source != "terminal":
            break
    raise CommandFailed(f"{text}: {answer.value!r} is neither yes nor no", result=answer.as_data())


@steps.command(
    "pause",
    help="Wait for the operator to press Enter: pause 'Open valve V12, then press Enter'.\n"
    "Goes on at once with --yes or an answer in --answers; fails without a terminal.",
    args=[arg("text", metavar="TEXT", help="what the operator is to do"), STEP_ID],
)
async def pause(ctx: ShellContext, text: str, step_id: str | None = None) -> Text:
    answer = await _answer(ctx, "pause", text, step_id)
    return Text(f"went on: {text}", answer.as_data())


@steps.command(
    "prompt",
    help="Ask the operator for a value and keep it in a variable: prompt reading 'Gauge "
    "PI-101 reads?'\nThe value is ${NAME} afterwards (a secret when the name says so). "
    "--yes takes --default; without a terminal the answer must be in --answers.",
    args=[
        arg("name", metavar="NAME", help="the variable to set"),
        arg("text", metavar="TEXT", help="the question"),
        STEP_ID,
        arg("--default", metavar="VALUE", help="the answer --yes gives"),
    ],
)
async def prompt(
    ctx: ShellContext,
    name: str,
    text: str,
    step_id: str | None = None,
    default: str | None = None,
) -> Text:
    if not valid_name(name):
        raise UsageError(f"{name!r} is not a valid variable name", "prompt NAME TEXT")
    answer = await _answer(ctx, "prompt", text, step_id, default)
    ctx.variables.define(name, answer.value)
    secret = ctx.variables.is_secret(name)
    if secret:
        ctx.variables.add_secret_value(answer.value)
    shown = "<redacted>" if secret else answer.value
    return Text(f"{name} = {shown}", answer.as_data(secret=secret))
