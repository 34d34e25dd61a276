"""One shell's working parts, terminal or not: plugins, context, dispatcher, connection.

`ShellRuntime` runs lines and prints their outcomes; the REPL, `-c`, command files and
`mxshell.testing` all drive the same object, so a command behaves the same everywhere.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from mxshell.app.connection import ConnectionController, LinkListener, Target
from mxshell.app.output_files import FileOutput
from mxshell.app.plugin_host import PluginHost, PluginSelection, load_plugins
from mxshell.commands import (
    CommandContext,
    Dispatcher,
    Outcome,
    Settings,
    Table,
    render,
    render_result,
)
from mxshell.commands.routing import Routes
from mxshell.gateway import GatewayError
from mxshell.output.fit import Fit
from mxshell.output.formatting import whole
from mxshell.script.manual_steps import OperatorDesk
from mxshell.script.runner import ScriptRunner
from mxshell.session import Backoff, EventListener, PersistentSession
from mxshell.shell.progress import erase as erase_spinner
from mxshell.sim import SimConfig

if TYPE_CHECKING:
    from mxshell.shell.colour import Painter

Writer = Callable[[str], None]


def _printer(stream: Callable[[], TextIO]) -> Writer:
    # Look the stream up at each call: under the REPL, patch_stdout swaps sys.stdout.
    def write(text: str) -> None:
        erase_spinner()  # a long command's spinner leaves the line first
        print(text, file=stream(), flush=True)

    return write


class Screen(Protocol):
    """The terminal at the prompt (mxshell.shell.pager.TerminalScreen): results there are
    fitted to its width and paged when taller than it."""

    def fit(self, wrap: bool) -> Fit: ...

    async def show(
        self, text: str, pager: str, paint: Callable[[str], str] | None = None
    ) -> None: ...


class ShellRuntime:
    """Everything a shell needs except the terminal."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        host: PluginHost | None = None,
        out: Writer | None = None,
        err: Writer | None = None,
        backoff: Backoff | None = None,
        sim_config: SimConfig | None = None,
        plugins: PluginSelection | None = None,
        plugin_config: Mapping[str, Any] | None = None,
        config_source: str = "the config file",
        declared: Mapping[str, Target] | None = None,
    ) -> None:
        self.out = out or _printer(lambda: sys.stdout)
        self.err = err or _printer(lambda: sys.stderr)
        debug = bool(settings and settings.debug)
        self.host = host or load_plugins(self.err, debug=debug, selection=plugins)
        self.context: CommandContext = self.host.new_context(
            settings=settings or Settings(), notify=self.err, emitter=self.emit
        )
        self.host.declare_settings(self.context.settings.plugins)
        if plugin_config:
            self.context.settings.plugins.load(plugin_config, config_source, self.err)
        self.dispatcher = Dispatcher(self.context)
        # Colour for the terminal alone (the REPL sets one when stdout is a terminal).
        self.painter: Painter | None = None
        # Results go to the terminal, or to the file `output-to` names.
        self.output_files = FileOutput(
            self._to_terminal, self.dispatcher.run_command, self._rendered
        )
        self.context.services.output_files = self.output_files
        # Command files, -c, stdin and `source` at the prompt all run through this one.
        self.scripts = ScriptRunner(
            self.dispatcher,
            show=self.show,
            out=self.output_files.write_result,
            err=self.err,
            failed_out=self.out,
        )
        self.context.services.scripts = self.scripts
        self.connection = ConnectionController(
            self.err,
            on_change=self._session_changed,
            backoff=backoff,
            sim_config=sim_config,
            on_link=self._link_changed,
            declared=declared,
        )
        self.context.services.connection = self.connection
        self.routes = self.context.services.routes = Routes(self.context)
        # Answers to confirm, pause and prompt (--answers, --yes, a terminal), kept.
        self.operator = OperatorDesk()
        self.context.services.operator = self.operator
        self.failures = 0
        # The columns of the table a command last streamed as CSV/TSV: the header once.
        self._streamed_columns: tuple[str, ...] | None = None
        self._plugin_listener: Any = None
        # Listeners that follow whichever session is current.
        self.session_listeners: list[EventListener] = []
        # The terminal, at the prompt only (the REPL sets it): never for files or -c.
        self.screen: Screen | None = None

    # lifecycle -----------------------------------------------------------------
    async def start(self, target: Target | None, named: Sequence[tuple[str, Target]] = ()) -> bool:
        """Run the startup hooks and connect (`target` as the current connection, or
        the `named` ones, the first of them current); False (and one line said for each)
        if one could not."""
        self.host.startup(self.context)
        wanted: list[tuple[str | None, Target]] = list(named) or (
            [(None, target)] if target is not None else []
        )
        connected = True
        for name, each in wanted:
            try:
                await self.connection.connect_to(each, name)
            except (GatewayError, ValueError) as error:
                where = each.endpoint or "the embedded gateway"
                label = f"{name} ({where})" if name else where
                self.err(f"cannot connect to {label}: {error}")
                connected = False
        return connected

    async def close(self) -> None:
        self.output_files.close()
        await self.connection.close()
        self.host.shutdown(self.context)

    async def _session_changed(
        self, previous: PersistentSession | None, current: PersistentSession | None
    ) -> None:
        if previous is not None:
            for listener in [self._plugin_listener, *self.session_listeners]:
                if listener is not None:
                    previous.remove_listener(listener)
            if self._reconnected in previous.reconnect_listeners:
                previous.reconnect_listeners.remove(self._reconnected)
            self.host.session_closed(self.context)
        self.context.session = current
        if current is not None:
            current.reconnect_listeners.append(self._reconnected)
            self._plugin_listener = self.host.event_listener(self.context)
            for listener in [self._plugin_listener, *self.session_listeners]:
                if listener is not None:
                    current.add_listener(listener)
            self.host.session_opened(self.context)

    def _reconnected(self) -> None:
        session = self.session
        if session is None:
            return
        restored = [item.name for item in session.items if item.lost is None]
        lost = [item.name for item in session.items if item.lost is not None]
        self.host.session_reconnected(self.context, restored, lost)

    def _link_changed(self, name: str, session: PersistentSession | None) -> None:
        self.routes.connection_changed(name, session)

    def follow_every_connection(self, make: LinkListener) -> Callable[[], None]:
        """Attach a listener, made for each connection (its name and session), to every
        open connection's session and to every later one (ConnectionController's)."""
        return self.connection.follow_every_connection(make)

    def follow_events(self, listener: EventListener) -> None:
        """Attach a listener to the current session and to every later one."""
        self.session_listeners.append(listener)
        if self.session is not None:
            self.session.add_listener(listener)

    @property
    def session(self) -> PersistentSession | None:
        return self.context.session  # type: ignore[no-any-return]

    # running -------------------------------------------------------------------
    async def run_line(self, line: str, *, stop_on_error: bool | None = None) -> list[Outcome]:
        """Run a line and print each outcome as its command ends (so `output-to` in the
        line sends what follows it): results to out (or the file), failures to err."""
        show = self.show if self.screen is None else self.show_at_prompt
        outcomes = await self.dispatcher.run_line(
            line, stop_on_error=stop_on_error, on_outcome=show
        )
        await self.release_parked()
        return outcomes

    async def release_parked(self) -> None:
        """The shell is idle: the items writes kept for the next write of their tags go
        back to every connection's gateway (mxshell.session.parking)."""
        for link in list(self.connection.links.values()):
            if len(link.session.parked):
                await link.session.release_parked()

    def show(self, outcome: Outcome) -> None:
        self._present(outcome, None, self.output_files.write_result)
        self._timing(outcome)

    async def show_at_prompt(self, outcome: Outcome) -> None:
        """As show, but a result for the terminal fits its width and may go through the
        pager; JSON and results going to an `output-to` file are left whole."""
        screen, settings = self.screen, self.context.settings
        if screen is None or settings.output == "json" or not self.output_files.at_terminal:
            self.show(outcome)
            return
        texts: list[str] = []
        self._present(outcome, screen.fit(settings.wrap), texts.append)
        paint = self.painter.result if self.painter else None
        for text in texts:
            await screen.show(text, settings.pager, paint)
        self._timing(outcome)

    def _present(self, outcome: Outcome, fit: Fit | None, write: Writer) -> None:
        settings = self.context.settings
        self._streamed_columns = None  # the next command's stream starts with its header
        if not outcome.ok:
            self.failures += 1
        secrets = self._secrets()
        if settings.output == "json":
            (write if outcome.ok else self._to_terminal)(render(outcome, settings, secrets))
        elif outcome.ok:
            # A file (output-to) gets every digit and every item, as CSV does.
            shown = settings if self.output_files.at_terminal else whole(settings)
            text = render(outcome, shown, secrets, fit)
            if text:
                write(text)
        else:
            failure = render(outcome, settings, secrets)  # the traceback too, under debug
            self.err(self.painter.error(failure) if self.painter else failure)

    def _timing(self, outcome: Outcome) -> None:
        if self.context.settings.timing and self.context.settings.output != "json":
            self.err(f"({outcome.elapsed * 1000:.1f} ms)")

    def emit(self, value: Any) -> None:
        """A streaming command's row, printed at once (a JSON line in JSON mode)."""
        settings = self.context.settings
        if settings.output == "json":
            import json

            from mxshell.output.jsonable import result_data

            data = result_data(value, self._secrets())
            text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        else:
            fit = None
            if self.screen is not None and self.output_files.at_terminal:
                fit = self.screen.fit(settings.wrap)  # a streamed table fits the terminal
            rendered = render_result(value, settings, self._secrets(), fit)
            text = self._one_header(value, rendered)
            if not text:
                return  # a value with nothing to show people (a Text of data only)
        self.output_files.write_result(text)

    def _one_header(self, value: Any, text: str) -> str:
        # Snapshots a command streams as CSV or TSV (watch --for) make one table to parse.
        if self.context.settings.output not in ("csv", "tsv") or not isinstance(value, Table):
            self._streamed_columns = None
            return text
        columns = tuple(str(column) for column in value.columns)
        if columns == self._streamed_columns:
            return text.partition("\n")[2]
        self._streamed_columns = columns
        return text

    def _to_terminal(self, text: str) -> None:
        self.out(self.painter.result(text) if self.painter else text)

    def _rendered(self, outcome: Outcome) -> str:
        # What show prints for a command that went well: `output-to FILE COMMAND` writes it,
        # whole (every digit, every item).
        return render(outcome, whole(self.context.settings), self._secrets())

    def _secrets(self) -> frozenset[str]:
        # A variable holding a secret (a password from ${ENV:...}) never reaches output:
        # masked in the outcome's values before rendering, never in the rendered text.
        return frozenset(self.context.variables.secret_values())

    @property
    def exit_requested(self) -> bool:
        return self.context.exit_requested


def worst_status(outcomes: Sequence[Outcome]) -> int:
    return max((o.exit_status for o in outcomes), default=0)
