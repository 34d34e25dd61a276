"""Highlighting the input line through the command-file lexer (mxshell.highlight's `mxsh`)
and colouring it with a pygments style (the `style` setting).

Importing pygments' lexer machinery costs a few milliseconds that the first prompt must
not wait for: the first draw shows the line plain and starts loading the lexer in a
thread, which redraws the prompt when it is ready (before anyone has typed much).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from functools import lru_cache

from prompt_toolkit.application.current import get_app
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.lexers import Lexer
from prompt_toolkit.styles import BaseStyle, Style, merge_styles


class MxshInputLexer(Lexer):
    """prompt_toolkit lexer for the input buffer, MxshLexer once it is loaded."""

    def __init__(self) -> None:
        self.loaded: Lexer | None = None
        self._loading = threading.Lock()
        self._started = False

    def lex_document(self, document: Document) -> Callable[[int], StyleAndTextTuples]:
        if self.loaded is None:
            self._start_loading()
        if self.loaded is not None:
            return self.loaded.lex_document(document)
        lines = document.lines

        def plain(number: int) -> StyleAndTextTuples:
            return [("", lines[number])] if number < len(lines) else []

        return plain

    def load(self) -> Lexer:
        """Load the pygments lexer now (the thread's work; tests call it directly)."""
        with self._loading:
            if self.loaded is None:
                from prompt_toolkit.lexers import PygmentsLexer

                from mxshell.highlight.lexer import MxshLexer

                self.loaded = PygmentsLexer(MxshLexer, sync_from_start=True)
            return self.loaded

    def _start_loading(self) -> None:
        if self._started:
            return
        self._started = True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no prompt running (a test, a tool): load in place
            self.load()
            return
        app = get_app()

        def load_and_redraw() -> None:
            self.load()
            if app.is_running:  # thread-safe: schedules a redraw on the app's loop
                with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                    app.invalidate()

        # call_soon: after the draw under way is written, so the first prompt never waits.
        loop.call_soon(lambda: threading.Thread(target=load_and_redraw, daemon=True).start())


@lru_cache(maxsize=8)
def pygments_style(name: str) -> BaseStyle:
    """prompt_toolkit's form of the pygments style NAME (the default one if NAME is not
    installed: the `style` setting refuses such names, a config file may still hold one)."""
    from prompt_toolkit.styles.pygments import style_from_pygments_cls
    from pygments.styles import get_style_by_name
    from pygments.util import ClassNotFound

    from mxshell.highlight import DEFAULT_STYLE

    try:
        found = get_style_by_name(name)
    except ClassNotFound:
        found = get_style_by_name(DEFAULT_STYLE)
    return style_from_pygments_cls(found)


def input_style(lexer: MxshInputLexer, name: str, base: Style) -> BaseStyle:
    """`base` (prompt, toolbar), under the pygments style NAME once the lexer is loaded."""
    return base if lexer.loaded is None else _merged(name, base)


@lru_cache(maxsize=8)
def _merged(name: str, base: Style) -> BaseStyle:
    # One object per style: prompt_toolkit caches its rendering by the style's identity.
    return merge_styles([pygments_style(name), base])
