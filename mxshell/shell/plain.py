"""Asking at a terminal without prompt_toolkit: the manual steps of a command file run
with -f or -c while a person sits at the terminal (the REPL asks through its own
prompt, mxshell.shell.build.ask_line). Kept light, so a command file's start-up does not
pay for prompt_toolkit."""

from __future__ import annotations

import asyncio
import sys


def at_terminal() -> bool:
    """Whether a person can be asked: stdin and stdout are both a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


async def ask_plain(question: str) -> str:
    """The answer typed after `question` (empty at end of input)."""
    try:
        return await asyncio.to_thread(input, question)
    except EOFError:
        return ""
