"""What running one command came to: the Outcome the dispatcher makes and output renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OK = "ok"
FAILED = "failed"  # the command ran and failed, or a plugin crashed: exit status 1
USAGE = "usage"  # unknown command, bad arguments, bad quoting: exit status 2
CANCELLED = "cancelled"  # Ctrl-C or task cancellation: exit status 1

_EXIT_STATUS = {OK: 0, FAILED: 1, USAGE: 2, CANCELLED: 1}


@dataclass(slots=True)
class Outcome:
    """What running one command came to. `line` and `error` are already free of secrets."""

    command: str
    line: str
    ok: bool
    result: Any = None
    error: str | None = None
    status: str = OK
    elapsed: float = 0.0
    traceback: str | None = field(default=None, repr=False)

    @property
    def exit_status(self) -> int:
        """0 ok, 1 the command failed or was cancelled, 2 usage or syntax error."""
        return _EXIT_STATUS[self.status]

    def describe(self) -> str:
        """The one line a failure is shown as: `command: message` (empty when ok).

        A crash's message names the plugin and the command itself, so it stands alone.
        """
        if self.ok:
            return ""
        if not self.command or self.traceback is not None:
            return str(self.error)
        return f"{self.command}: {self.error}"
