"""Running command files: source (include) and on-error."""

from __future__ import annotations

import asyncio
from pathlib import Path

from mxshell.api import (
    CommandFailed,
    CommandSet,
    ShellContext,
    UsageError,
    arg,
)

scripting = CommandSet("scripting")


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
