"""What a command handler receives: `ShellContext`, and `PluginState` for a plugin's own
state in one shell."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from mxshell.commands import (
    CommandRegistry,
    ConnectionControl,
    GalaxyLookup,
    HistoryAccess,
    ScriptFiles,
    Services,
    Settings,
)
from mxshell.commands.variables import Variables

if TYPE_CHECKING:
    from mxshell.api.shell_session import ShellSession
    from mxshell.commands import CommandContext

_T = TypeVar("_T")


class ShellContext(Protocol):
    """The context every handler, completer and hook receives: one per shell.

    `settings` are the shell's settings (`set`), `session` the gateway session (None when
    disconnected; `require_session()` raises the one-line NotConnectedError instead),
    `services` what the shell and other plugins lend (typed fields, None when nobody
    does; the accessors below raise CommandFailed saying what is missing), `variables`
    the `set`/`let` values. `notify` writes a line to the user (stderr, above the
    prompt); `emit` shows a value now, before the command returns (a row of a stream).
    """

    @property
    def settings(self) -> Settings: ...

    @property
    def session(self) -> ShellSession | None: ...

    @property
    def services(self) -> Services: ...

    @property
    def variables(self) -> Variables: ...

    @property
    def registry(self) -> CommandRegistry:
        """The shell's commands and aliases (help, alias and the command list read it)."""
        ...

    @property
    def plugin_host(self) -> Any:
        """The plugin host: `records` says what loaded and what failed."""
        ...

    # How a tag reference the user typed becomes a full one (the Galaxy plugin sets it to
    # resolve references relative to the browse path); None leaves references unchanged.
    tag_resolver: Callable[[str], str] | None

    def notify(self, text: str) -> None: ...

    def emit(self, value: Any) -> None: ...

    def require_session(self) -> ShellSession: ...

    def resolve_tag(self, reference: str) -> str: ...

    def request_exit(self, status: int = 0) -> None: ...

    def connection(self) -> ConnectionControl: ...

    def history(self) -> HistoryAccess: ...

    def galaxy(self) -> GalaxyLookup: ...

    def scripts(self) -> ScriptFiles: ...


if TYPE_CHECKING:
    # mypy keeps the promise honest: the shell's context must satisfy ShellContext.
    def _the_shell_context_keeps_the_promise(context: CommandContext) -> ShellContext:
        return context


class PluginState(Generic[_T]):
    """A plugin's own state in one shell, made on first use, gone with the shell.

        BACKLOG = PluginState(lambda ctx: EventBacklog())
        BACKLOG.of(ctx).add(events)

    Typed, and private to the plugin that holds the PluginState object: nothing else can
    reach it by guessing a key.
    """

    def __init__(self, make: Callable[[ShellContext], _T] | None = None) -> None:
        self._make = make
        self._states: weakref.WeakKeyDictionary[Any, _T] = weakref.WeakKeyDictionary()

    def of(self, ctx: ShellContext) -> _T:
        """The state for this shell, made now if it has none (with `make`)."""
        found = self._states.get(ctx)
        if found is None:
            if self._make is None:
                raise LookupError("this PluginState makes nothing: put() a value first")
            found = self._states[ctx] = self._make(ctx)
        return found

    def peek(self, ctx: ShellContext) -> _T | None:
        """The state for this shell, or None when it has none yet."""
        return self._states.get(ctx)

    def put(self, ctx: ShellContext, value: _T) -> None:
        self._states[ctx] = value

    def clear(self, ctx: ShellContext) -> _T | None:
        """Forget this shell's state; returns what it was."""
        return self._states.pop(ctx, None)
