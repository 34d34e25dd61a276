"""What the shell lends commands through `context.services`, as small protocols."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from mxshell.commands.watchmodel import WatchModel

# The keys under which the shell places its services in CommandContext.services.
CONNECTION = "connection"
HISTORY = "history"
WATCH_VIEW = "watch_view"


@runtime_checkable
class ConnectionControl(Protocol):
    """Opens and closes the gateway connection for connect/disconnect/reconnect/status.

    `connect` takes the endpoint (None: the embedded simulated gateway) and keyword
    options api_key, api_key_env, plaintext, tls, ca_file, server_name_override (only
    those the user gave). A method may return a status dict; if it returns anything
    else, the command shows `status()`. A ValueError is shown as the user's mistake.
    """

    async def connect(self, endpoint: str | None = None, **options: Any) -> Any: ...

    async def disconnect(self) -> Any: ...

    async def reconnect(self) -> Any: ...

    def status(self) -> dict[str, Any]: ...


@runtime_checkable
class HistoryAccess(Protocol):
    """The lines typed so far, oldest first, already free of secrets."""

    def entries(self) -> list[str]: ...


@runtime_checkable
class WatchViewRunner(Protocol):
    """Shows a WatchModel as a live table until the user leaves (or `duration` passes).

    Only the REPL lends one: without it (command files, -c, piped stdin) `watch` prints
    snapshots. Returns how the view ended: "quit" (the user left) or "duration".
    """

    async def __call__(self, model: WatchModel, *, duration: float | None = None) -> str: ...


GALAXY = "galaxy"


@runtime_checkable
class GalaxyLookup(Protocol):
    """The Galaxy as the shell holds it, for commands of any family (the Galaxy plugin
    places one under GALAXY when it loads). Tag references are `Object.Attribute`.

    `glob` expands a shell-style pattern (`Tank*.Level`) to the tag references that
    exist, sorted; it raises CommandFailed while the index is still loading or when the
    Galaxy is unreachable, with a message that says which. `resolve` turns a reference
    relative to the browse path (`.Level` after `cd Tank1`) into a full one and returns
    any other reference unchanged.
    """

    async def glob(self, pattern: str) -> list[str]: ...

    def resolve(self, reference: str) -> str: ...
