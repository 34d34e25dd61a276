"""The interactive shell, prompt first: the prompt is drawn before the shell is assembled.

At a terminal with no -c/-f, the console script imports prompt_toolkit and the thin REPL
(mxshell.shell.repl) only, and draws the prompt. Right after that first draw, on the
same loop, it reads the config and flags, imports the layers, loads the plugins, starts
the embedded simulator and connects (mxshell.app.modes, as every other mode), then hands
the REPL the shell's hooks. Keys typed meanwhile wait in prompt_toolkit's input; a line
entered before the shell is ready runs once it is; a config or flag mistake is one line
just under the prompt and exit status 2, as before.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from typing import Any

from prompt_toolkit.history import History, InMemoryHistory

from mxshell.base.signals import on_sigterm
from mxshell.shell.history import SecretSafeHistory
from mxshell.shell.repl import Repl, ReplHooks

# Flags that leave the shell interactive; any other (-c, -f, --json, --check, --help,
# a file argument...) starts the usual way, and so does anything that is not a terminal.
_WITH_VALUE = frozenset(
    (
        "--endpoint",
        "--ca-file",
        "--server-name-override",
        "--api-key-env",
        "--api-key",
        "--session-id",
        "--connection",
        "--plugin",
    )
)
_ALONE = frozenset(("--plaintext", "--tls", "--no-history", "--debug", "--no-plugins"))
STARTING = "starting: connecting…"


def wanted(argv: Sequence[str]) -> bool:
    """Whether this start is a person's interactive shell, which can draw its prompt first."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return False
    words = iter(argv)
    for word in words:
        name, equals, _ = word.partition("=")
        if name in _WITH_VALUE:
            if not equals and next(words, None) is None:
                return False  # a flag missing its value: the usual start says so
        elif word not in _ALONE:
            return False
    return True


class FirstPrompt:
    """The REPL drawn at once, and the shell assembled under it."""

    def __init__(self, argv: Sequence[str]) -> None:
        self.argv = list(argv)
        self.ready = asyncio.Event()
        self.status: int | None = None  # set when the shell could not be assembled
        self.error: BaseException | None = None
        self.runtime: Any = None
        self.main: asyncio.Task[Any] | None = None
        self.left = False  # the REPL has ended (Ctrl-D, exit)
        self.terminated_early = False  # SIGTERM came before the shell's handler was set
        self.closing = ExitStack()  # what the assembled shell set up for its whole run
        # Lines entered before the shell's redactor exists: kept out of the file until then.
        self.unsaved: list[str] = []
        history: History = InMemoryHistory()
        if "--no-history" not in self.argv:
            from mxshell.base import paths

            history = SecretSafeHistory(paths.history_file(), self._hold)
        self.repl = Repl(
            ReplHooks(
                run_line=self._run_line,
                prompt_text=lambda: "mxshell> ",
                toolbar_text=lambda: STARTING,
                should_exit=lambda: self.status is not None,
                history=history,
            )
        )

    def _hold(self, line: str) -> str | None:
        self.unsaved.append(line)
        return None

    async def _run_line(self, line: str) -> Any:
        await self.ready.wait()  # entered before the shell was ready: it runs now
        if self.status is not None:
            return []
        return await self.repl.hooks.run_line(line)

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        assembling: list[asyncio.Task[None]] = []
        self.main = asyncio.current_task()
        forget = self.repl.after_first_draw(
            lambda: assembling.append(loop.create_task(self._assemble()))
        )
        # SIGTERM before the shell's own handler is in place (it takes over once the
        # runtime exists): the prompt leaves, the terminal as it was, status 143.
        self.closing.enter_context(on_sigterm(loop, self._terminate_early))
        try:
            await self.repl.run()
            self.left = True
        except asyncio.CancelledError:
            if self.terminated_early:
                return 143
            if self.runtime is None or not self.runtime.scripts.terminated:
                raise
            return 143  # SIGTERM (mxshell.app.modes.EXIT_TERMINATED)
        finally:
            if not assembling:
                forget()
            for task in assembling:
                # Left before the shell was ready (Ctrl-D, SIGTERM): stop assembling it
                # (a connect may hang for its whole timeout); what was made is closed below.
                task.cancel()
            await asyncio.gather(*assembling, return_exceptions=True)
            if self.runtime is not None:
                await self.runtime.close()
            self.closing.close()
        if self.error is not None:
            raise self.error
        if self.status is not None:
            return self.status
        runtime = self.runtime
        return runtime.context.exit_status if runtime.exit_requested else 0

    async def _assemble(self) -> None:
        try:
            await self._assemble_shell()
        except Exception as error:  # noqa: BLE001 - raised again once the prompt is gone
            self.error = error
            self._stop(1)

    async def _assemble_shell(self) -> None:
        from mxshell.app import modes
        from mxshell.app.cli import ConfigError, ConnectError, load_config, parse_launch

        try:
            config = load_config()
            for warning in config.warnings:
                print(f"mxshell: warning: {warning}", file=sys.stderr)
            options = parse_launch(self.argv, config)
        except (ConfigError, ConnectError) as error:
            print(f"mxshell: {error}", file=sys.stderr)
            self._stop(modes.EXIT_USAGE)
            return
        self.runtime = runtime = modes.new_runtime(options)
        # SIGTERM ends the shell as in every mode (status 143), from now on.
        self.closing.enter_context(modes.sigterm_stops(runtime, self.main))
        status = modes.prepared(runtime, options)
        if status is not None:
            self._stop(status)
            return
        await runtime.start(options.target, options.connections)
        if self.left or self.repl.leaving_on_eof():
            return  # Ctrl-D before the shell was ready: no banner for a prompt that is gone
        modes.ready_repl(runtime, options, self.repl)
        history = self.repl.hooks.history
        for line in self.unsaved:  # now through the shell's redactor
            history.append_string(line)
        self.unsaved.clear()
        self.ready.set()

    def _terminate_early(self) -> None:
        if self.terminated_early or self.main is None:
            return
        self.terminated_early = True
        print("mxshell: terminated (SIGTERM) while starting", file=sys.stderr)
        self.main.cancel()

    def _stop(self, status: int) -> None:
        """The shell cannot run: leave the prompt with `status`."""
        self.status = status
        self.ready.set()
        self.repl.leave()


def main(argv: Sequence[str]) -> int:
    try:
        return asyncio.run(FirstPrompt(argv).run())
    except KeyboardInterrupt:
        return 130
