"""The live watch view: a WatchModel drawn as a table that updates in place below the output.

A small non-full-screen prompt_toolkit Application, run in the REPL's event loop while
the prompt is not shown; `watch` reaches it as the `watch_view` service. Keys as htop's:
q, Esc or Ctrl-C leave; p pauses the table (changes are still counted meanwhile); /
filters by item name or tag (Enter keeps the filter, Esc clears it); s picks the next
column to sort by (< and > move left and right), r reverses. Event batches only mark
the view dirty: it redraws at most once per refresh interval, and formats only the rows
that fit the terminal.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from prompt_toolkit.application import Application
from prompt_toolkit.filters import Condition
from prompt_toolkit.formatted_text import StyleAndTextTuples, fragment_list_to_text
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.keys import Keys
from prompt_toolkit.layout import FormattedTextControl, Layout, Window
from prompt_toolkit.output import Output
from prompt_toolkit.styles import Style

from mxshell.commands import Settings
from mxshell.output.watch_table import WatchModel, WatchRow, matching, sorted_rows, view_cells
from mxshell.shell.progress import screen_in_use
from mxshell.shell.redraw import CoalescedRedraw

REFRESH_S = 0.1  # at most ten redraws a second, however many items change
CLOCK_S = 1.0  # with no change at all, the title's clock and rate still move this often
RIGHT_ALIGNED = {"changes", "rate/s"}
CHROME_LINES = 4  # title, header, the "more rows" line, and one line to spare
KEYS = "q leave · p pause · / filter · s sort · r reverse"

STYLE = Style.from_dict(
    {
        "watch.title": "bold",
        "watch.paused": "bold ansiyellow",
        "watch.keys": "#808080",
        "watch.header": "bold underline",
        "watch.changed": "bold ansibrightgreen",
        "watch.bad": "ansired",
        "watch.uncertain": "ansiyellow",
        "watch.more": "italic #808080",
        "watch.filter": "bold ansicyan",
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
        self.filter_text = ""  # rows shown hold this in their name or tag (any case)
        self.filtering = False  # the filter line is open: keys type into it
        self.sort_column: str | None = None  # None: the order the items were named
        self.reverse = False
        self.redraw: CoalescedRedraw | None = None
        self._rows: list[WatchRow] = []  # the rows last computed (kept while paused)
        self._rows_wanted = True  # the data changed: compute rows at the next drawing
        self._rows_at = 0.0

    async def __call__(self, model: WatchModel, *, duration: float | None = None) -> str:
        self.paused = self.filtering = self.reverse = False
        self.filter_text, self.sort_column = "", None
        self.control = FormattedTextControl(lambda: self.fragments(model), show_cursor=False)
        app: Application[str] = Application(
            layout=Layout(Window(self.control, wrap_lines=False, always_hide_cursor=True)),
            key_bindings=self._key_bindings(model),
            style=STYLE,
            full_screen=False,
            refresh_interval=CLOCK_S,
            input=self.input,
            output=self.output,
        )
        self.application = app
        self._rows_wanted = True
        self.redraw = CoalescedRedraw(lambda: self._data_changed(app), self.refresh_interval)
        model.on_change = self.redraw.mark_dirty
        timer = None
        if duration is not None:
            timer = asyncio.get_running_loop().call_later(duration, _leave, app, "duration")
        try:
            with self._events_not_printed(), screen_in_use():
                return await app.run_async()
        finally:
            model.on_change = None
            self.redraw.close()
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
        now = time.monotonic()
        if not self.paused and (self._rows_wanted or now - self._rows_at >= CLOCK_S):
            # Only a data redraw (or the clock) computes rows: a key press redraws at
            # once with the rows it has, so typing never waits for 1,000 rows.
            self._rows, self._rows_wanted, self._rows_at = model.rows(), False, now
        rows = sorted_rows(matching(self._rows, self.filter_text), self.sort_column, self.reverse)
        filter_line = self.filtering or bool(self.filter_text)
        room = max(1, self._height() - CHROME_LINES - filter_line)
        shown = rows[:room]  # only these are formatted: a redraw of 1,000 rows stays cheap
        cells = [view_cells(row, settings) for row in shown]
        columns = model.view_columns
        widths = [len(c) for c in columns]
        for line in cells:
            widths = [max(w, len(c)) for w, c in zip(widths, line, strict=True)]

        out: StyleAndTextTuples = []
        out += self._title(model, len(rows))
        header = [f"{c}{self._sort_mark(c)}" for c in columns]
        widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
        out.append(("class:watch.header", _join(header, widths, columns).rstrip()))
        out.append(("", "\n"))
        for row, line in zip(shown, cells, strict=True):
            out += _row_fragments(row, line, widths, columns)
            out.append(("", "\n"))
        if len(rows) > len(shown):
            hidden = len(rows) - len(shown)
            out.append(("class:watch.more", f"… {hidden} more item(s): enlarge the terminal"))
            out.append(("", "\n"))
        if filter_line:
            out += self._filter_line(len(rows), len(self._rows))
        if out and out[-1] == ("", "\n"):
            out.pop()
        return out

    def _data_changed(self, app: Application[str]) -> None:
        self._rows_wanted = True
        app.invalidate()

    def _sort_mark(self, column: str) -> str:
        if column != self.sort_column:
            return ""
        return " ▼" if self.reverse else " ▲"

    def _filter_line(self, shown: int, total: int) -> StyleAndTextTuples:
        count = f"   {shown} of {total} · "
        if self.filtering:
            return [
                ("class:watch.filter", f"filter: {self.filter_text}▏"),
                ("class:watch.keys", f"{count}Enter keeps · Esc clears"),
            ]
        return [
            ("class:watch.filter", f"filter: {self.filter_text}"),
            ("class:watch.keys", f"{count}/ edits"),
        ]

    def _title(self, model: WatchModel, shown: int) -> StyleAndTextTuples:
        down = [
            f"{name + ' ' if name else ''}{session.state.value}"
            for name, session in model.sources
            if not session.connected
        ]
        state = f" · {', '.join(down)}" if down else ""
        title = f"watch · {len(model)} item(s)"
        if self.filter_text:
            title += f" · {shown} shown"
        if self.sort_column is not None:
            title += f" · sort {self.sort_column} {'▼' if self.reverse else '▲'}"
        elif self.reverse:
            title += " · reversed"
        title += f" · {model.rate():.1f} changes/s · {model.elapsed():.0f} s{state}"
        parts: StyleAndTextTuples = [("class:watch.title", title)]
        if self.paused:
            parts.append(("class:watch.paused", "  PAUSED"))
        keys = KEYS.replace("p pause", "p resume") if self.paused else KEYS
        parts.append(("class:watch.keys", f"   {keys}\n"))
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
        typing = Condition(lambda: self.filtering)
        browsing = ~typing

        @bindings.add("c-c")
        @bindings.add(Keys.SIGINT)
        @bindings.add("q", filter=browsing)
        @bindings.add("Q", filter=browsing)
        def leave(event: KeyPressEvent) -> None:
            _leave(event.app, "quit")

        @bindings.add("escape", eager=True)
        def escape(event: KeyPressEvent) -> None:
            if not self.filtering:
                _leave(event.app, "quit")
                return
            self.filtering, self.filter_text = False, ""

        @bindings.add("p", filter=browsing)
        @bindings.add("P", filter=browsing)
        def pause(event: KeyPressEvent) -> None:
            self.paused = not self.paused
            self._rows_wanted = True

        @bindings.add("/", filter=browsing)
        def open_filter(event: KeyPressEvent) -> None:
            self.filtering = True

        @bindings.add("enter", filter=typing)
        def keep_filter(event: KeyPressEvent) -> None:
            self.filtering = False

        @bindings.add("backspace", filter=typing)
        def erase(event: KeyPressEvent) -> None:
            self.filter_text = self.filter_text[:-1]

        @bindings.add(Keys.Any, filter=typing)
        def type_filter(event: KeyPressEvent) -> None:
            if event.data.isprintable():
                self.filter_text += event.data

        @bindings.add("s", filter=browsing)
        @bindings.add(">", filter=browsing)
        def next_column(event: KeyPressEvent) -> None:
            self.sort_column = _step(model.view_columns, self.sort_column, +1)

        @bindings.add("<", filter=browsing)
        def previous_column(event: KeyPressEvent) -> None:
            self.sort_column = _step(model.view_columns, self.sort_column, -1)

        @bindings.add("r", filter=browsing)
        def reverse(event: KeyPressEvent) -> None:
            self.reverse = not self.reverse

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


def _step(columns: Sequence[str], current: str | None, by: int) -> str | None:
    """The sort column `by` steps from `current`, through "named order" (None) between
    the last column and the first."""
    choices: list[str | None] = [None, *columns]
    return choices[(choices.index(current) + by) % len(choices)]


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
            style = "class:watch.uncertain" if row.uncertain else "class:watch.bad"
        if index:
            out.append(("", "  "))
        out.append((style, text.rstrip() if index == len(cells) - 1 else text))
    return out
