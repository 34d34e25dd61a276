"""Results at the prompt: fitted to the terminal's width, and paged when taller than it.

As psql and pgcli do: `$MXSHELL_PAGER`, then `$PAGER`, else `less -SRXF` where it is
installed, else a built-in prompt_toolkit pager (so Windows pages with nothing installed).
A pager that is named but cannot be found gives way to the built-in one. Only the REPL
makes a `TerminalScreen`: command files, -c, JSON and output-to never page.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from mxshell.shell.progress import erase, screen_in_use

if TYPE_CHECKING:
    from prompt_toolkit.data_structures import Size

    from mxshell.output.fit import Fit

LESS = ["less", "-SRXF"]  # S: long lines not folded, R: colours, X: screen kept, F: short exits
HELP_LINE = " q quits · ↑ ↓ PgUp PgDn space b scroll · g G top and end "


class TerminalScreen:
    """The terminal the prompt runs in: its width for fitting, its height for paging."""

    def __init__(self, size: Callable[[], Size] | None = None) -> None:
        self._size = size

    def size(self) -> tuple[int, int]:
        """(columns, rows): prompt_toolkit's output size, else COLUMNS/LINES or the tty's."""
        if self._size is not None:
            try:
                size = self._size()
                if size.columns > 0 and size.rows > 0:
                    return size.columns, size.rows
            except OSError:
                pass
        fallback = shutil.get_terminal_size()
        return fallback.columns, fallback.lines

    def fit(self, wrap: bool) -> Fit:
        from mxshell.output.fit import Fit  # here: the first prompt does not wait for it

        return Fit(self.size()[0], wrap)

    async def show(self, text: str, pager: str, paint: Callable[[str], str] | None = None) -> None:
        """`text` through the pager (`set pager`: on when taller than the terminal, always,
        off), or printed as it is; coloured by `paint` on the terminal and in an external
        pager (less -R shows colour), plain in the built-in one."""
        painted = paint(text) if paint is not None else text
        columns, rows = self.size()
        if pager == "off" or (pager == "on" and screen_lines(text, columns) < rows - 1):
            erase()
            print(painted, flush=True)
            return
        await _printed()
        command = pager_command()
        with screen_in_use():
            if command is None:
                await page_builtin(text)
            else:
                await page_external(command, painted)


async def _printed() -> None:
    """Wait for what was printed before to reach the terminal, so it comes before the
    pager: under patch_stdout, prompt_toolkit's StdoutProxy writes from its own thread."""
    sys.stdout.flush()
    queued = getattr(sys.stdout, "_flush_queue", None)  # StdoutProxy's, when patched
    if queued is None:
        return
    for _ in range(50):  # half a second at most: never hold the pager back for long
        if queued.empty():
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.02)  # the text the thread took last, being written


def screen_lines(text: str, columns: int) -> int:
    """How many terminal rows `text` takes, a long line counting once per fold."""
    return sum(max(1, -(-len(line) // max(columns, 1))) for line in text.split("\n"))


def pager_command() -> list[str] | None:
    """The external pager to run, or None for the built-in one."""
    for variable in ("MXSHELL_PAGER", "PAGER"):
        value = os.environ.get(variable, "").strip()
        if value:
            words = shlex.split(value, posix=os.name != "nt")
            return words if words and shutil.which(words[0]) else None
    return LESS if shutil.which(LESS[0]) else None


async def page_external(command: list[str], text: str) -> None:
    process = await asyncio.create_subprocess_exec(*command, stdin=asyncio.subprocess.PIPE)
    try:
        await process.communicate(text.encode(sys.stdout.encoding or "utf-8", "replace"))
    except BrokenPipeError:
        await process.wait()  # the person quit before reading it all: that is fine
    except asyncio.CancelledError:
        if process.returncode is None:
            process.terminate()
            await process.wait()
        raise


async def page_builtin(text: str) -> None:
    """A full-screen read-only view of `text`; q (or Esc, or Ctrl-C) returns to the prompt."""
    # Imported here: the widgets cost start-up time, and most sessions never page.
    from prompt_toolkit.application import Application
    from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
    from prompt_toolkit.key_binding.bindings.page_navigation import (
        scroll_page_down,
        scroll_page_up,
    )
    from prompt_toolkit.layout import HSplit, Layout, Window
    from prompt_toolkit.layout.controls import FormattedTextControl
    from prompt_toolkit.styles import Style
    from prompt_toolkit.widgets import TextArea

    # No scrollbar: it would take the last column of lines fitted to the full width.
    area = TextArea(text=text, read_only=True, scrollbar=False, wrap_lines=False)
    keys = KeyBindings()

    @keys.add("q")
    @keys.add("Q")
    @keys.add("escape", eager=True)
    @keys.add("c-c")
    def leave(event: KeyPressEvent) -> None:
        event.app.exit()

    keys.add("space")(scroll_page_down)
    keys.add("pagedown")(scroll_page_down)
    keys.add("b")(scroll_page_up)
    keys.add("pageup")(scroll_page_up)

    @keys.add("g")
    def top(event: KeyPressEvent) -> None:
        area.buffer.cursor_position = 0

    @keys.add("G")
    def end(event: KeyPressEvent) -> None:
        area.buffer.cursor_position = len(area.text)

    status = Window(FormattedTextControl(HELP_LINE), height=1, style="class:pager.status")
    app: Application[None] = Application(
        layout=Layout(HSplit([area, status]), focused_element=area),
        key_bindings=keys,
        full_screen=True,
        style=Style.from_dict({"pager.status": "reverse"}),
    )
    await app.run_async()
