"""A spinner for a command that runs long at the prompt (`bench-*`, `wait-for`, a `read`
with a long timeout): after a second, a short `⠹ 12.3 s` line on the terminal, redrawn
four times a second and erased when the command ends, so the shell never looks hung.

Only at the prompt (the REPL starts it), never in files, pipes or JSON output, and never
while another screen is up: the watch view, a pager and a question each hold
`screen_in_use()` while they show, and the spinner erases itself and waits. It stays
short, and leaves the cursor at the start of its line, so a line the command prints
meanwhile covers it.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
AFTER_S = 1.0  # a command shorter than this shows nothing
EVERY_S = 0.25
ERASE = "\r\x1b[K"
_in_use = [0]  # screens up now (the watch view, a pager, a question)


def erase() -> None:
    """Take a spinner off its line before anything else is printed there."""
    for spinner in list(_spinners):
        spinner._erase()


@contextmanager
def screen_in_use() -> Iterator[None]:
    """Held by anything that draws on the terminal while a command runs."""
    erase()
    _in_use[0] += 1
    try:
        yield
    finally:
        _in_use[0] -= 1


class Spinner:
    """Draws while `wanted()` says so, from `started` on; `stop()` erases what it drew."""

    def __init__(
        self,
        wanted: Callable[[], bool],
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.wanted = wanted
        self.stream = stream or sys.__stderr__ or sys.stderr
        self.clock = clock
        self.drawn = False
        self.frames = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._spin(self.clock()))
        _spinners.add(self)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        _spinners.discard(self)
        self._erase()

    async def _spin(self, started: float) -> None:
        await asyncio.sleep(AFTER_S)
        while True:
            if self.wanted() and not _in_use[0]:
                frame = FRAMES[self.frames % len(FRAMES)]
                self._write(f"{ERASE}{frame} {self.clock() - started:.1f} s\r")
                self.frames += 1
                self.drawn = True
            await asyncio.sleep(EVERY_S)

    def _erase(self) -> None:
        if self.drawn:
            self._write(ERASE)
            self.drawn = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: nothing to show it on
            pass


_spinners: set[Spinner] = set()  # running now (one at most: the REPL runs one line at a time)
