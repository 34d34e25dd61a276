"""What the shell and the command families lend each other: `context.services`.

Each service is a typed field of `Services`, named for what it is, with a protocol saying
what it offers and a comment saying who provides it; a handler asks for one through the
context (`ctx.galaxy()`, `ctx.connection()`), so its code says what it needs. The string
keys (GALAXY, ...) are the names of API 1.0, where `ctx.services.get(GALAXY)` is the
documented way; they keep working and name the same fields.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from mxshell.galaxy import AttributeInfo
    from mxshell.output.watch_table import WatchModel

# The API 1.0 names of the services (each the name of its field of Services).
CONNECTION = "connection"
HISTORY = "history"
WATCH_VIEW = "watch_view"
ASK_SECRET = "ask_secret"
GALAXY = "galaxy"
TAG_COMPLETION = "tag_completion"
PROMPT_PATH = "prompt_path"
SCRIPTS = "scripts"
OPERATOR = "operator"
OUTPUT_FILES = "output_files"

# Hidden input: (question) -> the answer, asked while no other prompt shows.
AskSecret = Callable[[str], Awaitable[str]]
# The short text the prompt shows for where the user is (the Galaxy browse path), or None.
PromptPath = Callable[[], "str | None"]


@runtime_checkable
class ConnectionControl(Protocol):
    """Opens and closes the gateway connections for connect/use/connections/disconnect/
    reconnect/status.

    `connect` takes the endpoint (None: the embedded simulated gateway) and keyword
    options name (a further named connection beside the current one), api_key,
    api_key_env, plaintext, tls, ca_file, server_name_override, session_id (only those
    the user gave). A method may return a status dict; if it returns anything else, the
    command shows `status()`. A ValueError is shown as the user's mistake.
    """

    current: str  # the connection unqualified references go to

    @property
    def names(self) -> list[str]:
        """The open connections' names, in the order they were opened."""

    @property
    def closed(self) -> list[str]:
        """The names of connections opened before and closed since: `NAME:Tag` with one
        of them is refused, not taken as a tag reference."""

    @property
    def declared(self) -> Collection[str]:
        """The names the config file declares ([connections.NAME]), open or not:
        `NAME:Tag` with one that is not open is refused, as a closed one is."""

    def session_of(self, name: str) -> Any:
        """The session of the connection `name`; ValueError naming the open ones."""

    async def connect(self, endpoint: str | None = None, **options: Any) -> Any: ...

    async def use(self, name: str) -> Any: ...

    async def disconnect(self, close: bool = False, name: str | None = None) -> Any: ...

    async def attach(self, session_id: str) -> Any: ...

    def follow_every_connection(self, make: Callable[[str, Any], Any]) -> Callable[[], None]:
        """Attach `make(name, session)`'s listener to every open connection's session and
        to every later one's; returns what detaches them all (a recording follows
        connections opened after it started this way)."""

    def deploy_simulator(self) -> Callable[[int, int], Any] | None:
        """`deploy(add, remove)` of the simulated gateway this shell is connected to, or
        None against a real gateway: how `sim deploy` reaches the simulator."""

    async def reconnect(self) -> Any: ...

    def status(self, name: str | None = None) -> dict[str, Any]: ...

    def rows(self) -> list[dict[str, Any]]:
        """One row per open connection: name, current, endpoint, state, session,
        advised, events_per_second."""


class Routing(Protocol):
    """Where a command's `NAME:Tag.Attr` references go (mxshell.commands.routing.Routes)."""

    async def plan(self, command: Any, arguments: dict[str, Any]) -> list[Any] | None:
        """The legs a command runs as (one per connection it reaches), or None: no
        reference names a connection (an @FILE's lines are references too)."""

    def context_for(self, name: str) -> Any:
        """The context a command reaching the connection `name` runs in."""

    def group(self, references: Sequence[str]) -> list[tuple[str | None, Any, list[str]]]:
        """References by the connection they name: (name, its context, references
        unqualified); one group named None when none is qualified."""

    def complete(self, text: str) -> tuple[str, Any] | None:
        """(NAME, its TagCompletion) for a `NAME:...` being completed, else None."""


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

    async def attribute_info(self, reference: str) -> AttributeInfo | None:
        """The attribute as the Galaxy describes it (data type, array, security), None
        for no such tag; raises when the Galaxy cannot be read (API 1.1)."""
        ...

    def resolve(self, reference: str) -> str: ...


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


class FileRun(Protocol):
    """How a command file's run ended (mxshell.script.ScriptRun is one)."""

    @property
    def ran(self) -> int: ...

    @property
    def failed(self) -> int: ...

    @property
    def failures(self) -> list[Any]: ...

    @property
    def problems(self) -> list[Any]: ...

    @property
    def interrupted(self) -> bool: ...

    @property
    def stopped(self) -> bool: ...


@runtime_checkable
class ScriptFiles(Protocol):
    """Runs a command file (with its arguments) through the shell's own dispatcher."""

    async def run_file(self, path: Path, args: list[str] | tuple[str, ...] = ()) -> FileRun: ...


@runtime_checkable
class OperatorSteps(Protocol):
    """Answers to a command file's manual steps (confirm, pause, prompt), and their log
    (mxshell.script.manual_steps.OperatorDesk is one). `ask` is the terminal to ask at, set
    by whoever has one (the REPL; the shell for -f and -c at a terminal)."""

    ask: AskSecret | None

    async def answer(
        self,
        step: str,
        text: str,
        ident: str | None = None,
        default: str | None = None,
        *,
        may_ask: bool = True,
    ) -> Any: ...


@runtime_checkable
class OutputFiles(Protocol):
    """Sends results to a file instead of the terminal, in the current output format, as
    psql's \\o FILE and \\g FILE (mxshell.app.output_files.FileOutput is one).

    A file is created readable by its owner only, never through a symbolic link; an
    existing one is refused unless `force` (overwrite) or `append`. A path that cannot
    be written raises ValueError, one line. Failures still go to the terminal.
    """

    @property
    def target(self) -> Path | None:
        """Where results go until `stop`, or None: the terminal."""

    def start(self, path: Path, *, force: bool = False, append: bool = False) -> None: ...

    def stop(self) -> Path | None:
        """Back to the terminal; the file results went to, or None if none."""

    async def run_to(
        self, path: Path, words: Sequence[str], *, force: bool = False, append: bool = False
    ) -> Any:
        """Run one command (its words) with its results going to path; its Outcome."""


@dataclass(eq=False, repr=False)
class Services:
    """The services of one shell; None where nobody provides one (a command file has no
    watch view, a shell without the Galaxy plugin no Galaxy)."""

    connection: ConnectionControl | None = None  # the shell (mxshell.app.runtime)
    scripts: ScriptFiles | None = None  # the shell (mxshell.app.runtime)
    history: HistoryAccess | None = None  # the REPL
    ask_secret: AskSecret | None = None  # the REPL: only a terminal can ask
    watch_view: WatchViewRunner | None = None  # the REPL
    galaxy: GalaxyLookup | None = None  # the Galaxy plugin
    tag_completion: TagCompletion | None = None  # the Galaxy plugin
    prompt_path: PromptPath | None = None  # the Galaxy plugin
    operator: OperatorSteps | None = None  # the shell: --answers, --yes, the terminal
    output_files: OutputFiles | None = None  # the shell (mxshell.app.runtime)
    routes: Routing | None = None  # the shell: where `NAME:Tag.Attr` references go
    # Services a third-party plugin lends under a name of its own (API 1.0's dict).
    lent: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Services({sorted(self)})"

    # API 1.0 read `ctx.services` as a dict: the same by name.
    def get(self, name: str, default: Any = None) -> Any:
        if name in _FIELDS:
            found = getattr(self, name)
            return default if found is None else found
        return self.lent.get(name, default)

    def __getitem__(self, name: str) -> Any:
        if name in _FIELDS:
            found = getattr(self, name)
            if found is None:
                raise KeyError(name)
            return found
        return self.lent[name]

    def __setitem__(self, name: str, value: Any) -> None:
        if name in _FIELDS:
            setattr(self, name, value)
        else:
            self.lent[name] = value

    def __delitem__(self, name: str) -> None:
        if name in _FIELDS:
            if getattr(self, name) is None:
                raise KeyError(name)
            setattr(self, name, None)
        else:
            del self.lent[name]

    def pop(self, name: str, default: Any = None) -> Any:
        found = self.get(name)
        if name in self:
            del self[name]
        return default if found is None else found

    def __contains__(self, name: object) -> bool:
        if name in _FIELDS:
            return getattr(self, str(name)) is not None
        return name in self.lent

    def __iter__(self) -> Iterator[str]:
        yield from (name for name in _FIELDS if getattr(self, name) is not None)
        yield from self.lent


_FIELDS = frozenset(f.name for f in fields(Services) if f.name != "lent")
