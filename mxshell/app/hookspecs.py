"""The hooks a plugin may implement, and what the registering hooks hand it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pluggy

from mxshell.commands import Command, Completer
from mxshell.commands.plugin_settings import PluginSetting

hookspec = pluggy.HookspecMarker("mxshell")
hookimpl = pluggy.HookimplMarker("mxshell")

# A toolbar field: called with the context if it takes an argument (API 1.1), else none.
ToolbarField = Callable[..., "str | None"]
# What each registering hook is handed: register(command), or a list of them, at once.
RegisterCommands = Callable[[Command | Iterable[Command]], None]
RegisterCompleter = Callable[[str, Completer], None]
RegisterToolbarField = Callable[[ToolbarField], None]
RegisterSetting = Callable[[PluginSetting], None]
Notify = Callable[[str], None]
EventListener = Callable[[Sequence[Any]], None]


class HookSpecs:
    """The hooks a plugin may implement (as module functions marked @hookimpl)."""

    @hookspec
    def register_commands(self, register: RegisterCommands) -> None:
        """Register commands: register(command) for each, or register(a list of them)."""

    @hookspec
    def register_completers(self, register: RegisterCompleter) -> None:
        """Register value completers: call register(name, completer) for each."""

    @hookspec
    def register_toolbar_fields(self, register: RegisterToolbarField) -> None:
        """Register bottom-toolbar fields: callables returning short text (or None)."""

    @hookspec
    def register_settings(self, register: RegisterSetting) -> None:
        """Declare settings: register(PluginSetting(...)) for each, named PLUGIN.NAME (API 1.1)."""

    @hookspec
    def startup(self, context: Any) -> None:
        """The shell has started: the CommandContext is ready, commands can run."""

    @hookspec
    def shutdown(self, context: Any) -> None:
        """The shell is about to exit."""

    @hookspec
    def session_opened(self, context: Any) -> None:
        """A gateway session was opened (at start, or by connect); context.session is set."""

    @hookspec
    def session_closed(self, context: Any) -> None:
        """The gateway session was closed (disconnect, a new connect, exit)."""

    @hookspec
    def session_reconnected(self, context: Any, restored: list[str], lost: list[str]) -> None:
        """The session is back after a reconnect, items restored (names) or lost (API 1.1)."""

    @hookspec
    def on_event(self, event: Any, context: Any) -> None:
        """Observe one gateway event (an MxEvent) as it arrives; keep it cheap."""
