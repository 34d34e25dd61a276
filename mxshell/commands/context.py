"""What a command handler receives: settings, the session, services and a way to speak."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from mxshell.base.errors import CommandFailed
from mxshell.commands.services import (
    ConnectionControl,
    GalaxyLookup,
    HistoryAccess,
    ScriptFiles,
    Services,
)
from mxshell.commands.settings import Settings
from mxshell.commands.variables import Variables
from mxshell.session import NotConnectedError

if TYPE_CHECKING:
    from mxshell.commands.registry import CommandRegistry

Notify = Callable[[str], None]
_T = TypeVar("_T")


def notify_stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@dataclass(eq=False, repr=False)
class CommandContext:
    """Shared by every command of one shell.

    `session` is whatever the shell connected (None when disconnected); `services`
    holds objects the shell lends (see mxshell.commands.services); `plugin_host` is the
    mxshell.app.plugin_host.PluginHost; `variables` are `set`/`let` values, ${NAME} in a line.
    """

    registry: CommandRegistry
    settings: Settings = field(default_factory=Settings)
    session: Any = None
    notify: Notify = notify_stderr
    plugin_host: Any = None
    variables: Variables = field(default_factory=Variables)
    services: Services = field(default_factory=Services)
    exit_requested: bool = False
    exit_status: int = 0
    # Set by the shell: how a streaming command's rows are shown as they come, and how
    # a tag reference typed by the user (e.g. relative to a current object) is resolved.
    emitter: Callable[[Any], None] | None = None
    tag_resolver: Callable[[str], str] | None = None

    def __repr__(self) -> str:
        # Services, variables and the session may hold credentials: name them only.
        return (
            f"CommandContext(session={'set' if self.session is not None else None}, "
            f"services={sorted(self.services)}, exit_requested={self.exit_requested})"
        )

    def require_session(self) -> Any:
        if self.session is None:
            raise NotConnectedError()
        return self.session

    def service(self, name: str, purpose: str) -> Any:
        """The service under `name`; CommandFailed saying what is missing when absent."""
        found = self.services.get(name)
        if found is None:
            raise CommandFailed(f"{purpose} is not available in this shell")
        return found

    # The services a handler may need, typed; CommandFailed naming what is missing.
    def connection(self) -> ConnectionControl:
        return _present(self.services.connection, "connection control")

    def history(self) -> HistoryAccess:
        return _present(self.services.history, "command history")

    def galaxy(self) -> GalaxyLookup:
        return _present(self.services.galaxy, "the Galaxy (the galaxy plugin)")

    def scripts(self) -> ScriptFiles:
        return _present(self.services.scripts, "running command files")

    def emit(self, value: Any) -> None:
        """Show an intermediate result now (a row of a live stream), before the command ends."""
        if self.emitter is not None:
            self.emitter(value)
            return
        from mxshell.output.render import render_result

        text = render_result(value, self.settings)
        if text:
            self.notify(text)

    def resolve_tag(self, reference: str) -> str:
        """The full tag reference for what the user typed (unchanged unless the shell says)."""
        return self.tag_resolver(reference) if self.tag_resolver is not None else reference

    def request_exit(self, status: int = 0) -> None:
        self.exit_requested = True
        self.exit_status = status


def _present(found: _T | None, purpose: str) -> _T:
    if found is None:
        raise CommandFailed(f"{purpose} is not available in this shell")
    return found
