"""The interactive prompt: prompt_toolkit's PromptSession driven in the shell's asyncio loop.

The REPL reads a line, hands it to the line runner as a task, and waits. Ctrl-C at the
prompt clears the line; Ctrl-C while a command runs cancels that command's task and
returns to the prompt; Ctrl-D (or `exit`) leaves. Everything printed while the prompt is
shown (events, notifications) goes above it through patch_stdout.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable, Coroutine
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import Completer, DynamicCompleter
from prompt_toolkit.history import History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output
from prompt_toolkit.patch_stdout import patch_stdout
from prompt_toolkit.styles import DynamicStyle, Style

from mxshell.highlight import DEFAULT_STYLE
from mxshell.shell.lexer import MxshInputLexer, input_style
from mxshell.shell.pager import TerminalScreen
from mxshell.shell.progress import Spinner

# The prompt and the toolbar; the input line's colours come from the pygments style.
STYLE = Style.from_dict(
    {
        "prompt.path": "ansicyan",
        "prompt.state": "ansiyellow",
        "bottom-toolbar": "noreverse bg:#303030 #d0d0d0",
    }
)


@dataclass
class ReplHooks:
    """What the REPL needs from the rest of the shell, passed in (it imports nothing above)."""

    run_line: Callable[[str], Coroutine[Any, Any, Any]]
    prompt_text: Callable[[], Any]
    toolbar_text: Callable[[], str] = lambda: ""
    should_exit: Callable[[], bool] = lambda: False
    completer: Completer | None = None
    history: History = field(default_factory=InMemoryHistory)
    # The pygments style the input line is coloured with (the `style` setting).
    style_name: Callable[[], str] = lambda: DEFAULT_STYLE
    # Whether a long command may show its spinner now (not under JSON output, not when
    # results go to a file).
    progress: Callable[[], bool] = lambda: False


class Repl:
    """Read, run, repeat, until Ctrl-D or an exit command."""

    def __init__(
        self, hooks: ReplHooks, *, input: Input | None = None, output: Output | None = None
    ) -> None:
        self.hooks = hooks
        self.lexer = MxshInputLexer()
        self.prompt: PromptSession[str] = PromptSession(
            history=hooks.history,
            # Read through self.hooks: a prompt drawn before the shell is assembled gets
            # its completion and toolbar when adopt() hands the real hooks over.
            completer=DynamicCompleter(lambda: self.hooks.completer),
            complete_while_typing=False,
            lexer=self.lexer,
            bottom_toolbar=lambda: self.hooks.toolbar_text(),
            style=DynamicStyle(lambda: input_style(self.lexer, self.hooks.style_name(), STYLE)),
            refresh_interval=0.5,
            input=input,
            output=output,
        )
        self._running: asyncio.Task[Any] | None = None
        # Results are fitted to this terminal and paged when taller than it.
        self.screen = TerminalScreen(self.prompt.app.output.get_size)

    def adopt(self, hooks: ReplHooks) -> None:
        """The shell is assembled: its hooks replace the ones the first prompt was drawn
        with (the history stays the one the prompt was built with)."""
        self.hooks = hooks
        if self.prompt.app.is_running:
            self.prompt.app.invalidate()  # the prompt and toolbar say what is there now

    def after_first_draw(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` once, right after the prompt is first drawn; returns what
        forgets it (when the prompt ended before it was drawn)."""
        app = self.prompt.app

        def drawn(_: Any) -> None:
            app.after_render -= drawn
            callback()

        app.after_render += drawn
        return lambda: app.after_render.remove_handler(drawn)

    def leaving_on_eof(self) -> bool:
        """Whether the prompt is ending on Ctrl-D, though `run` may not have returned yet
        (a line entered ends the prompt too, but with the line, not EOFError)."""
        future = self.prompt.app.future
        if future is None or not future.done() or future.cancelled():
            return False
        return isinstance(future.exception(), EOFError)

    def leave(self) -> None:
        """End the prompt as Ctrl-D does (`run` returns once its loop sees should_exit)."""
        app = self.prompt.app
        if app.is_running and app.future is not None and not app.future.done():
            app.exit(exception=EOFError())

    async def run(self) -> int:
        with patch_stdout(raw=True), self._interrupts_cancel_commands():
            while not self.hooks.should_exit():
                try:
                    line = await self.prompt.prompt_async(lambda: self.hooks.prompt_text())
                except KeyboardInterrupt:
                    continue  # Ctrl-C at the prompt clears the line, as in bash
                except EOFError:
                    break
                if line.strip():
                    await self._run(line)
        return 0

    async def _run(self, line: str) -> None:
        self._running = asyncio.create_task(self.hooks.run_line(line))
        # Read when it is asked: a line typed before the shell was ready runs with its hooks.
        spinner = Spinner(lambda: self.hooks.progress())
        spinner.start()
        try:
            await self._running
        except asyncio.CancelledError:
            if not self._running.cancelled():
                raise  # the REPL itself is being cancelled
            await spinner.stop()
            print("^C cancelled", flush=True)
        finally:
            await spinner.stop()
            self._running = None

    def interrupt(self) -> None:
        """Cancel the running command (what Ctrl-C does while one runs)."""
        if self._running is not None and not self._running.done():
            self._running.cancel()

    @contextmanager
    def _interrupts_cancel_commands(self) -> Any:
        # While the prompt is shown the terminal is in raw mode and Ctrl-C is a key press;
        # while a command runs it is SIGINT. signal.signal works on Windows as well as
        # POSIX (loop.add_signal_handler does not), and call_soon_threadsafe wakes the loop.
        loop = asyncio.get_running_loop()

        def on_sigint(signum: int, frame: Any) -> None:
            loop.call_soon_threadsafe(self.interrupt)

        try:
            previous = signal.signal(signal.SIGINT, on_sigint)
        except ValueError:  # not the main thread (tests): Ctrl-C is not ours to handle
            yield
            return
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)


def stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()
