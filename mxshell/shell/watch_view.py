"""The live watch view: a WatchModel drawn as a table that updates in place below the output.

A small non-full-screen prompt_toolkit Application, run in the REPL's event loop while
the prompt is not shown; `watch` reaches it as the `watch_view` service. q, Esc or
Ctrl-C leave; p pauses the table (changes are still counted meanwhile).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from prompt_toolkit.application import Application
from prompt_toolkit.formatted_text import StyleAndTextTuples, fragment_list_to_text
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.keys import Keys
from prompt_toolkit.layout import FormattedTextControl, Layout, Window
from prompt_toolkit.output import Output
from prompt_toolkit.styles import Style

from mxshell.commands import Settings
from mxshell.output.watch_table import WatchModel, WatchRow, view_cells
from mxshell.shell.progress import screen_in_use

REFRESH_S = 0.25  # four redraws a second: fast enough to look live, cheap on big tables
RIGHT_ALIGNED = {"changes", "rate/s"}
CHROME_LINES = 4  # title, header, the "more rows" line, and one line to spare

STYLE = Style.from_dict(
    {
        "watch.title": "bold",
        "watch.paused": "bold ansiyellow",
        "watch.keys": "#808080",
        "watch.header": "bold underline",
        "watch.changed": "bold ansibrightgreen",
        "watch.bad": "ansired",
        "watch.more": "italic #808080",
    }
)


class WatchView:
    """The `watch_view` service: show a model until the user leaves or `duration` passes.

    `settings` is the shell's: while the view is up, event lines are not printed above
    it (they would push the table down at every change). `input`/`output` default to
    the terminal of the running prompt_toolkit session (tests pass a pipe).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        input: Input | None = None,
        output: Output | None = None,
        refresh_interval: float = REFRESH_S,
    ) -> None:
        self.settings = settings
        self.input = input
        self.output = output
        self.refresh_interval = refresh_interval
        self.application: Application[str] | None = None
        self.control: FormattedTextControl | None = None
        self.paused = False
        self._frozen: list[WatchRow] = []

    async def __call__(self, model: WatchModel, *, duration: float | None = None) -> str:
        self.paused = False
        self.control = FormattedTextControl(lambda: self.fragments(model), show_cursor=False)
        app: Application[str] = Application(
            layout=Layout(Window(self.control, wrap_lines=False, always_hide_cursor=True)),
            key_bindings=self._key_bindings(model),
            style=STYLE,
            full_screen=False,
            refresh_interval=self.refresh_interval,
            input=self.input,
            output=self.output,
        )
        self.application = app
        timer = None
        if duration is not None:
            timer = asyncio.get_running_loop().call_later(duration, _leave, app, "duration")
        try:
            with self._events_not_printed(), screen_in_use():
                return await app.run_async()
        finally:
            if timer is not None:
                timer.cancel()
            self.application = None

    def text(self) -> str:
        """What the view shows now, as plain text (for tests and debugging)."""
        if self.control is None:
            return ""
        fragments = self.control.text() if callable(self.control.text) else self.control.text
        return fragment_list_to_text(fragments)  # type: ignore[arg-type]

    # drawing -----------------------------------------------------------------------
    def fragments(self, model: WatchModel) -> StyleAndTextTuples:
        settings = model.settings
        if not self.paused:
            self._frozen = model.rows()
        rows = self._frozen
        room = max(1, self._height() - CHROME_LINES)
        shown = rows[:room]
        cells = [view_cells(row, settings) for row in shown]
        columns = model.view_columns
        widths = [len(c) for c in columns]
        for line in cells:
            widths = [max(w, len(c)) for w, c in zip(widths, line, strict=True)]

        out: StyleAndTextTuples = []
        out += self._title(model)
        out.append(("class:watch.header", _join(list(columns), widths, columns).rstrip()))
        out.append(("", "\n"))
        for row, line in zip(shown, cells, strict=True):
            out += _row_fragments(row, line, widths, columns)
            out.append(("", "\n"))
        if len(rows) > len(shown):
            hidden = len(rows) - len(shown)
            out.append(("class:watch.more", f"… {hidden} more item(s): enlarge the terminal"))
        elif out and out[-1] == ("", "\n"):
            out.pop()
        return out

    def _title(self, model: WatchModel) -> StyleAndTextTuples:
        down = [
            f"{name + ' ' if name else ''}{session.state.value}"
            for name, session in model.sources
            if not session.connected
        ]
        state = f" · {', '.join(down)}" if down else ""
        title = (
            f"watch · {len(model)} item(s) · {model.rate():.1f} changes/s · "
            f"{model.elapsed():.0f} s{state}"
        )
        parts: StyleAndTextTuples = [("class:watch.title", title)]
        if self.paused:
            parts.append(("class:watch.paused", "  PAUSED"))
        keys = "p resume" if self.paused else "p pause"
        parts.append(("class:watch.keys", f"   q/Esc/Ctrl-C leave · {keys}\n"))
        return parts

    def _height(self) -> int:
        app = self.application
        if app is None:
            return 24
        try:
            return app.output.get_size().rows
        except OSError:  # no terminal size to be had (a closed pty)
            return 24

    # keys --------------------------------------------------------------------------
    def _key_bindings(self, model: WatchModel) -> KeyBindings:
        bindings = KeyBindings()

        @bindings.add("q")
        @bindings.add("Q")
        @bindings.add("escape", eager=True)
        @bindings.add("c-c")
        @bindings.add(Keys.SIGINT)
        def leave(event: KeyPressEvent) -> None:
            _leave(event.app, "quit")

        @bindings.add("p")
        @bindings.add("P")
        def pause(event: KeyPressEvent) -> None:
            self.paused = not self.paused
            event.app.invalidate()

        return bindings

    @contextmanager
    def _events_not_printed(self) -> Iterator[None]:
        # The REPL prints each data change above the prompt while `events` is on; above
        # this view those lines would scroll the table away at every change.
        settings = self.settings
        if settings is None or not settings.events:
            yield
            return
        settings.events = False
        try:
            yield
        finally:
            settings.events = True


def _leave(app: Application[Any], result: str) -> None:
    if app.is_running and not app.future.done():  # type: ignore[union-attr]
        app.exit(result=result)


def _join(cells: list[str], widths: list[int], columns: Sequence[str]) -> str:
    return "  ".join(
        c.rjust(w) if name in RIGHT_ALIGNED else c.ljust(w)
        for c, w, name in zip(cells, widths, columns, strict=True)
    )


def _row_fragments(
    row: WatchRow, cells: list[str], widths: list[int], columns: Sequence[str]
) -> StyleAndTextTuples:
    out: StyleAndTextTuples = []
    for index, (cell, width, name) in enumerate(zip(cells, widths, columns, strict=True)):
        text = cell.rjust(width) if name in RIGHT_ALIGNED else cell.ljust(width)
        style = ""
        if name == "value" and row.recent:
            style = "class:watch.changed"
        elif name == "quality" and row.bad:
            style = "class:watch.bad"
        if index:
            out.append(("", "  "))
        out.append((style, text.rstrip() if index == len(cells) - 1 else text))
    return out
