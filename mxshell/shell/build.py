"""Building the REPL for a running shell: prompt, toolbar, completion, history, event lines.

The shell it drives is described by `ReplRuntime` (mxshell.app.runtime.ReplRuntime is
one), so the terminal layer does not import the assembly above it."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from prompt_toolkit import PromptSession
from prompt_toolkit.application import get_app
from prompt_toolkit.completion import ThreadedCompleter
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import InMemoryHistory

from mxshell.base import paths
from mxshell.commands import (
    CommandContext,
    Completer,
    Outcome,
    format_value,
    redact_line,
    scrub,
)
from mxshell.contract import types
from mxshell.gateway import format_quality, from_mx_value
from mxshell.gateway.value_decode import timestamp_datetime
from mxshell.output.fit import cut
from mxshell.output.formatting import as_duration
from mxshell.shell.colour import Painter, colour_wanted
from mxshell.shell.completion import ShellCompleter, service_tags
from mxshell.shell.history import SecretSafeHistory
from mxshell.shell.progress import screen_in_use
from mxshell.shell.repl import Repl, ReplHooks
from mxshell.shell.toolbar import ToolbarField, toolbar_text
from mxshell.shell.watch_view import WatchView

MAX_EVENT_LINES_PER_BATCH = 20


class ReplHost(Protocol):
    """What the REPL reads of the plugin host: value completers and toolbar fields."""

    @property
    def completers(self) -> dict[str, Completer]: ...

    @property
    def toolbar_fields(self) -> list[ToolbarField]: ...


class ReplConnection(Protocol):
    current: str

    def status(self) -> dict[str, Any]: ...

    def rows(self) -> list[dict[str, Any]]: ...


class ReplRuntime(Protocol):
    """The running shell the REPL drives: its context, plugins, connection and lines."""

    @property
    def context(self) -> CommandContext: ...

    @property
    def host(self) -> ReplHost: ...

    @property
    def connection(self) -> ReplConnection: ...

    @property
    def session(self) -> Any: ...

    @property
    def exit_requested(self) -> bool: ...

    async def run_line(self, line: str, *, stop_on_error: bool | None = None) -> list[Outcome]: ...

    def follow_every_connection(self, make: Any) -> Any: ...

    painter: Painter | None  # colour for the terminal; None: plain text

    def out(self, text: str) -> None: ...


def build_repl(runtime: ReplRuntime, *, history: bool = True, repl: Repl | None = None) -> Repl:
    """The REPL for `runtime`; given `repl` (a prompt already drawn, mxshell.app.prompt_first),
    that one adopts the shell's hooks and keeps the history it was built with."""
    context = runtime.context
    registry = context.registry

    def redact(line: str) -> str | None:
        return scrub(redact_line(line, registry), context.variables.secret_values())

    kept: Any = repl.hooks.history if repl is not None else None
    if isinstance(kept, SecretSafeHistory):
        kept.redact_with(redact, context.settings.history_size)
        context.services.history = kept
    elif kept is None and history:
        kept = SecretSafeHistory(
            paths.history_file(), redact, max_entries=context.settings.history_size
        )
        context.services.history = kept
    elif kept is None:
        kept = InMemoryHistory()
    hooks = ReplHooks(
        run_line=runtime.run_line,
        prompt_text=lambda: prompt_text(runtime),
        toolbar_text=lambda: toolbar_text(
            runtime.connection.status() if runtime.session else None,
            runtime.host.toolbar_fields,
            context,
            width=get_app().output.get_size().columns,  # fits: never cut by the terminal
            others=runtime.connection.rows(),
        ),
        should_exit=lambda: runtime.exit_requested,
        # In a thread, so that a slow plugin completer never holds up typing.
        completer=ThreadedCompleter(
            ShellCompleter(context, runtime.host.completers, tags=service_tags(context))
        ),
        history=kept,
        style_name=lambda: context.settings.style,
        progress=lambda: context.settings.output != "json" and _to_terminal(context),
    )
    if colour_wanted():
        settings = context.settings
        runtime.painter = Painter(lambda: settings.style, lambda: settings.output)
    context.services.ask_secret = ask_secret
    if context.services.operator is not None:
        context.services.operator.ask = ask_line
    context.services.watch_view = WatchView(context.settings)
    tag_source = context.services.tag_completion
    if tag_source is not None:
        tag_source.preload()  # completion at the prompt: load the Galaxy in the background
    if repl is None:
        repl = Repl(hooks)
    else:
        repl.adopt(hooks)
    width = lambda: repl.screen.size()[0]  # noqa: E731 - the terminal's, as it is now
    runtime.follow_every_connection(
        lambda name, session: EventPrinter(runtime, session, name, width=width)
    )
    return repl


def prompt_text(runtime: ReplRuntime) -> FormattedText:
    session = runtime.session
    parts = [("class:prompt", "mxshell")]
    where = runtime.context.services.prompt_path
    path = where() if where is not None else None
    if len(runtime.connection.rows()) > 1:  # which gateway unqualified tags go to
        parts.append(("class:prompt.path", f"@{runtime.connection.current}"))
    if path:
        parts.append(("class:prompt.path", f":{path}"))
    if session is None:
        parts.append(("class:prompt.state", " (not connected)"))
    elif not session.connected:
        parts.append(("class:prompt.state", f" ({session.state.value})"))
    parts.append(("class:prompt", "> "))
    return FormattedText(parts)


async def ask_line(question: str) -> str:
    """A typed answer (a manual step of a command file), asked while no other prompt shows."""
    asker: PromptSession[str] = PromptSession()
    with screen_in_use():
        return await asker.prompt_async(question)


async def ask_secret(question: str) -> str:
    """Hidden input for a password, asked while no other prompt is showing."""
    asker: PromptSession[str] = PromptSession()
    with screen_in_use():
        return await asker.prompt_async(question, is_password=True)


class EventPrinter:
    """Prints advised items' data changes above the prompt, a bounded number per batch."""

    def __init__(
        self,
        runtime: ReplRuntime,
        session: Any,
        connection: str,
        width: Callable[[], int] | None = None,
    ) -> None:
        self.runtime = runtime
        self.session = session
        self.connection = connection  # named on each line when more than one is open
        self.width = width  # the terminal's: a long value is cut, as in a table
        self.suppressed = 0
        self._last_summary = time.monotonic()
        self._galaxy: Any = None

    def _galaxy_now(self) -> Any:
        """This connection's Galaxy (for what each tag's data type is)."""
        context = self.runtime.context
        routes = context.services.routes
        try:
            return (routes.context_for(self.connection) if routes else context).services.galaxy
        except Exception:  # noqa: BLE001 - a connection going: its lines print plain
            return None

    def __call__(self, events: Sequence[Any]) -> None:
        runtime, session = self.runtime, self.session
        if not runtime.context.settings.events:
            return
        self._galaxy = self._galaxy_now()
        prefix = f"{self.connection}:" if len(runtime.connection.rows()) > 1 else ""
        lines: list[str] = []
        settings = runtime.context.settings
        for event in events:
            kind = event.WhichOneof("event")
            if kind == "on_data_change":
                changes = [event.on_data_change]
            elif kind == "on_buffered_data_change":
                changes = list(event.on_buffered_data_change.samples)
            else:
                continue
            body = getattr(event, kind)
            item = session.items.by_gateway(body.server_handle, body.item_handle)
            if item is not None and item.borrowed:
                continue  # a command's own advise (read, expect): its result says the value
            name = item.name if item else f"item {body.item_handle}"
            for change in changes:  # a buffered batch: each sample, in order
                if len(lines) < MAX_EVENT_LINES_PER_BATCH:
                    elapsed = _known_elapsed(self._galaxy, item.tag_reference if item else None)
                    lines.append(f"  {prefix}{name} = {event_text(change, settings, elapsed)}")
                else:
                    self.suppressed += 1
        if lines and self.width is not None and not settings.wrap:
            width = self.width()
            lines = [cut(line, width) for line in lines]
        if lines:
            text = "\n".join(lines)
            runtime.out(runtime.painter.qualities(text) if runtime.painter else text)
        now = time.monotonic()
        if self.suppressed and now - self._last_summary > 1.0:
            runtime.out(f"  (+{self.suppressed} more data changes; watch shows them all)")
            self.suppressed, self._last_summary = 0, now


def event_text(change: Any, settings: Any, elapsed: bool = False) -> str:
    """A data change as the tables show values: `true`, `Idle`, a time in the
    `timestamps` zone (not Python's repr: `True`, `'Idle'`, `datetime.datetime(...)`), an
    ElapsedTime (`elapsed`: the Galaxy says so) as a duration."""
    value = from_mx_value(change.value)
    if elapsed:
        value = as_duration(value)
    value = format_value(value, settings)
    text = f"{value}  {format_quality(change.quality)}"
    if change.HasField("timestamp"):
        text += f"  {format_value(timestamp_datetime(change.timestamp), settings)}"
    return text


def _known_elapsed(galaxy: Any, tag: str | None) -> bool:
    """Whether the Galaxy, as loaded so far, declares the tag an ElapsedTime."""
    known = getattr(galaxy, "known_attribute", None)
    info = known(tag) if known is not None and tag else None
    return info is not None and info.data_type == types.MX_DATA_TYPE_ELAPSED_TIME


def _to_terminal(context: Any) -> bool:
    """Whether results go to the terminal now (not to an `output-to` file)."""
    files = context.services.output_files
    return files is None or bool(getattr(files, "at_terminal", True))
