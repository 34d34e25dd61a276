"""What the plugin host knows of each plugin, for `plugins` and for failure reports."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PluginRecord:
    """One plugin as `plugins` lists it: where it came from and what it brought or broke."""

    name: str
    version: str | None = None
    source: str = "entry point"  # "--plugin" for a module named on the command line,
    # "direct" for objects registered by code
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
