"""Running lines of commands: every failure, crash or cancel becomes an Outcome, never a raise."""

from __future__ import annotations

import asyncio
import inspect
import time
import traceback
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from mxshell.base.errors import (
    CommandFailed,
    HelpRequested,
    ShellError,
    UsageError,
)
from mxshell.commands.context import CommandContext
from mxshell.commands.help import command_page
from mxshell.commands.lexer import Segment, Word, split_line
from mxshell.commands.masking import redact_line, secret_words
from mxshell.commands.model import Command
from mxshell.commands.registry import CommandRegistry, quote_words
from mxshell.commands.routing import merge
from mxshell.gateway.errors import GatewayError

# Outcome lives in its own module, so that output renders it without importing the
# dispatcher; it is offered from here as before.
from mxshell.output.outcome import CANCELLED as CANCELLED
from mxshell.output.outcome import FAILED as FAILED
from mxshell.output.outcome import OK as OK
from mxshell.output.outcome import USAGE as USAGE
from mxshell.output.outcome import Outcome as Outcome
from mxshell.output.secrets import scrub
from mxshell.session import NotConnectedError

PSQL_QUIT = "\\q"
LINES_KEPT = 1024


class Dispatcher:
    """Runs lines and word lists against the registry, with the context handed to handlers."""

    def __init__(self, context: CommandContext) -> None:
        self.context = context
        # Lines as they are kept (redact_line), by text: a command file repeats its lines.
        # They depend on the commands and user aliases alone, so they are kept until the
        # registry changes.
        self._kept_lines: dict[str, str] = {}
        self._kept_at = -1  # the registry's `changes` they were worked out at

    @property
    def registry(self) -> CommandRegistry:
        return self.context.registry

    async def run_line(
        self,
        line: str,
        *,
        stop_on_error: bool | None = None,
        on_outcome: Callable[[Outcome], Awaitable[None] | None] | None = None,
    ) -> list[Outcome]:
        """Run every command on the line, in order; a blank or comment line gives [].

        Stops after a failure (unless stop_on_error is False; by default the
        `stop_on_error` setting decides), after a cancel, and after `exit`.
        `on_outcome` sees each outcome as its command ends, before the next one runs (and
        is awaited when it is a coroutine: the prompt's pager holds the next command back).
        """
        if stop_on_error is None:
            stop_on_error = self.context.settings.stop_on_error
        if line.strip() == PSQL_QUIT:
            line = "exit"  # psql's muscle memory; the lexer would read the word as `q`
        try:
            segments = split_line(line)
        except ShellError as error:
            failure = _failure("", redact_line(line, self.registry), error)
            if on_outcome is not None:
                await _seen(on_outcome(failure))
            return [failure]
        outcomes: list[Outcome] = []
        for segment in segments:
            outcome = await self._run_segment(segment)
            outcomes.append(outcome)
            if on_outcome is not None:
                await _seen(on_outcome(outcome))
            if outcome.status == CANCELLED or self.context.exit_requested:
                break
            if not outcome.ok and stop_on_error:
                break
        return outcomes

    async def run_command(self, words: Sequence[str], *, line: str | None = None) -> Outcome:
        """Run one command given as words (the command name first)."""
        text = line if line is not None else quote_words(words)
        return await self._run_segment(Segment(_unplaced(words), text, 0))

    async def run_segment(self, segment: Segment) -> Outcome:
        """Run one command of a split line (what command files run, step by step)."""
        return await self._run_segment(segment)

    async def _run_segment(self, segment: Segment) -> Outcome:
        started = time.perf_counter()
        variables = self.context.variables
        # The line is shown as typed (${NAME}, not its value); its words are expanded.
        shown_line = self._kept_line(segment.text)
        if segment.has_references:
            try:
                segment = variables.expand_segment(segment)
            except UsageError as error:
                return _failure(segment.values[0], shown_line, error)
        words = segment.values
        name = words[0] if words else ""
        command = self.registry.get(name)
        secrets = [w.text for w in secret_words(segment.words, command)]
        for secret in secrets:
            variables.add_secret_value(secret)  # a variable used as a password stays one
        secrets += variables.secret_values()
        shown_line = scrub(shown_line, secrets)
        try:
            expanded = self.registry.expand(words)
            if not expanded:
                raise UsageError("no command given")
            command = self.registry.lookup(expanded[0])
            if expanded != words:  # an alias's own words may hold a secret too
                secrets += [w.text for w in secret_words(_unplaced(expanded), command)]
            words = expanded
            result = await self._invoke(command, words[1:])
        except HelpRequested:
            assert command is not None
            result = command_page(command)
        except (asyncio.CancelledError, KeyboardInterrupt):
            _uncancel()
            return Outcome(
                _label(command, name),
                shown_line,
                False,
                error="cancelled",
                status=CANCELLED,
                elapsed=time.perf_counter() - started,
            )
        except (Exception, SystemExit) as error:  # noqa: BLE001 - never let one escape
            elapsed = time.perf_counter() - started
            failure = _failure(_label(command, name), shown_line, error, elapsed, command, secrets)
            if isinstance(error, CommandFailed) and error.result is not None:
                # What the command did before it failed: shown now in text (a command
                # file reports only the failure line), carried in the JSON object.
                failure.result = error.result
                if self.context.settings.output != "json":
                    self.context.emit(error.result)
            return failure
        return Outcome(
            command.name,
            shown_line,
            True,
            result=result,
            elapsed=time.perf_counter() - started,
        )

    def _kept_line(self, text: str) -> str:
        """redact_line(text), worked out once while the registry stays as it is."""
        if self._kept_at != self.registry.changes:
            self._kept_lines.clear()
            self._kept_at = self.registry.changes
        kept = self._kept_lines.get(text)
        if kept is None:
            if len(self._kept_lines) >= LINES_KEPT:
                del self._kept_lines[next(iter(self._kept_lines))]  # the oldest
            kept = self._kept_lines[text] = redact_line(text, self.registry)
        return kept

    async def _invoke(self, command: Command, words: Sequence[str]) -> Any:
        arguments = command.parse(words)
        routes = self.context.services.routes
        legs = await routes.plan(command, arguments) if routes is not None else None
        if legs is None:
            return await _call(command, self.context, arguments)
        if len(legs) == 1:  # its failure names the connection, as a leg's of several does
            (leg,) = legs
            try:
                return await _call(command, leg.context, leg.arguments)
            except (ShellError, GatewayError) as error:
                error.message = f"{leg.connection}: {error.message}"
                raise
        # References of several connections: once per connection, at the same time.
        results = await asyncio.gather(
            *(_call(command, leg.context, leg.arguments) for leg in legs), return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, Exception):
                raise result  # a cancel (Ctrl-C) ends the command as a whole
        return merge(legs, results)


async def _call(command: Command, context: CommandContext, arguments: dict[str, Any]) -> Any:
    if command.needs_session and context.session is None:
        raise NotConnectedError()
    result = command.handler(context, **arguments)
    if inspect.isawaitable(result):
        result = await result
    return result


def _failure(
    name: str,
    line: str,
    error: BaseException,
    elapsed: float = 0.0,
    command: Command | None = None,
    secrets: Sequence[str] = (),
) -> Outcome:
    status = USAGE if isinstance(error, UsageError) else FAILED
    message = user_message(error)
    trace = None
    if message is None:
        plugin = command.plugin if command and command.plugin else "(none)"
        message = f"plugin {plugin}: command {name} failed: {type(error).__name__}: {error}"
        trace = scrub("".join(traceback.format_exception(error)), secrets)
    return Outcome(
        name,
        line,
        False,
        error=scrub(_one_line(message), secrets),
        status=status,
        elapsed=elapsed,
        traceback=trace,
    )


def user_message(error: BaseException) -> str | None:
    """The one line for an error the user can act on, or None for a crash (a bug)."""
    if isinstance(error, ShellError):
        return str(error)
    if _is_gateway_error(error):
        return str(error) or type(error).__name__
    if isinstance(error, LookupError) and type(error).__module__.startswith("mxshell."):
        return str(error)  # e.g. the session's ItemLookupError: "no item 'x'"
    return None


def _is_gateway_error(error: BaseException) -> bool:
    try:
        from mxshell.gateway.errors import GatewayError
    except ImportError:  # the gateway package may be absent in a stripped-down install
        GatewayError = None  # type: ignore[assignment,misc]  # noqa: N806
    if GatewayError is not None and isinstance(error, GatewayError):
        return True
    # Anything shaped like one (a `code` and a message) from a gateway-like plugin.
    return hasattr(error, "code") and type(error).__name__.endswith("GatewayError")


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in text.strip().splitlines() if part.strip())


def _label(command: Command | None, name: str) -> str:
    return command.name if command is not None else name


def _unplaced(words: Sequence[str]) -> tuple[Word, ...]:
    # Words that did not come from a typed line (run_command, alias expansion).
    return tuple(Word(text, 0, 0) for text in words)


def _uncancel() -> None:
    # The REPL cancels the running task on Ctrl-C; that cancel is answered here by a
    # "cancelled" Outcome, so the task must not stay marked as being cancelled.
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        task.uncancel()


async def _seen(shown: Awaitable[None] | None) -> None:
    if shown is not None:
        await shown
