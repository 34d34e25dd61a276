"""What the shell lends commands through `context.services`, as small protocols."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from mxshell.output.watch import WatchModel

# The keys under which the shell places its services in CommandContext.services.
CONNECTION = "connection"
HISTORY = "history"
WATCH_VIEW = "watch_view"
# A callable (prompt text) -> str asking for hidden input; only the REPL places one.
ASK_SECRET = "ask_secret"


@runtime_checkable
class ConnectionControl(Protocol):
    """Opens and closes the gateway connection for connect/disconnect/reconnect/status.

    `connect` takes the endpoint (None: the embedded simulated gateway) and keyword
    options api_key, api_key_env, plaintext, tls, ca_file, server_name_override, session_id (only
    those the user gave). A method may return a status dict; if it returns anything
    else, the command shows `status()`. A ValueError is shown as the user's mistake.
    """

    async def connect(self, endpoint: str | None = None, **options: Any) -> Any: ...

    async def disconnect(self, close: bool = False) -> Any: ...

    async def attach(self, session_id: str) -> Any: ...

    def deploy_simulator(self) -> Callable[[int, int], Any] | None:
        """`deploy(add, remove)` of the simulated gateway this shell is connected to, or
        None against a real gateway: how `sim deploy` reaches the simulator."""

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
    any other reference unchanged. `attribute_type` is the type a write to the tag must
    have (`double`, `bool`, `datetime`, `int32[]`...) as the Galaxy declares it, or None
    when the Galaxy does not know it or cannot be read.
    """

    async def glob(self, pattern: str) -> list[str]: ...

    async def attribute_type(self, reference: str) -> str | None: ...

    def resolve(self, reference: str) -> str: ...


TAG_COMPLETION = "tag_completion"


@runtime_checkable
class TagCompletion(Protocol):
    """Tag references to offer for the word typed in a tag argument (the Galaxy plugin
    places one under TAG_COMPLETION). Called on the completer's thread: never waits.

    `complete_tag` returns candidates with `text` (what to insert), `display` (None: the
    text) and `meta` (a note such as `Double · Operate`); while the Galaxy is loading, a
    single candidate whose display says so. `preload` asks for the Galaxy to be loaded
    in the background now and whenever a session opens (the REPL calls it; a command
    file does not, and loads the Galaxy only if a command needs it).
    """

    def complete_tag(self, text: str) -> list[Any]: ...

    def preload(self) -> None: ...


# A callable returning the short text the prompt shows for where the user is (the
# Galaxy browse path), or None.
PROMPT_PATH = "prompt_path"
