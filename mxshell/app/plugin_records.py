"""What the plugin host knows of each plugin, for `plugins` and for failure reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mxshell.commands import Table

# The API version plugins get (mxshell.api.API_VERSION is this).
API_VERSION = (1, 7)
PLUGIN_COLUMNS = [
    "name",
    "distribution",
    "version",
    "api",
    "source",
    "status",
    "hooks",
    "commands",
    "failure",
]


@dataclass
class PluginRecord:
    """One plugin as `plugins` lists it: where it came from and what it brought or broke."""

    name: str
    version: str | None = None
    distribution: str | None = None  # the installed distribution that brought it
    api: tuple[int, int] | None = None  # the API version it says it was written for
    source: str = "entry point"  # "--plugin" for a module named on the command line,
    # "direct" for objects registered by code
    hooks: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    completers: list[str] = field(default_factory=list)
    settings: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list, repr=False)
    loaded: bool = False
    skipped: str | None = None  # why it was not loaded on purpose (the status)

    @property
    def failure(self) -> str | None:
        return "; ".join(self.failures) if self.failures else None

    @property
    def status(self) -> str:
        return self.skipped or ("loaded" if self.loaded else "failed")

    @property
    def api_text(self) -> str | None:
        return f"{self.api[0]}.{self.api[1]}" if self.api else None


def declared_api(plugin: object) -> tuple[tuple[int, int] | None, str | None]:
    """The API version a plugin says it was written for (`MXSHELL_API = (1, 1)` in its
    module; optional), and why this mxshell cannot load it (None when it can)."""
    declared = getattr(plugin, "MXSHELL_API", None)
    if declared is None:
        return None, None
    if not (
        isinstance(declared, tuple)
        and len(declared) == 2
        and all(isinstance(part, int) and not isinstance(part, bool) for part in declared)
    ):
        return None, f"MXSHELL_API must be a (major, minor) pair, not {declared!r}"
    major, minor = API_VERSION
    if declared[0] != major or declared[1] > minor:
        return (
            (declared[0], declared[1]),
            f"written for plugin API {declared[0]}.{declared[1]}; this mxshell offers "
            f"{major}.{minor}",
        )
    return (declared[0], declared[1]), None


def plugin_table(records: Sequence[PluginRecord]) -> Table:
    """What `plugins` shows: each plugin's name, distribution, version, the API version
    it says it was written for, source, status, the hooks it implements, the commands it
    adds, and why it failed."""
    rows = [
        (
            r.name,
            r.distribution,
            r.version,
            r.api_text,
            r.source,
            r.status,
            list(r.hooks),
            list(r.commands),
            r.failure,
        )
        for r in records
    ]
    return Table(PLUGIN_COLUMNS, rows)
