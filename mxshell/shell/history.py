"""Command history on disk: owner-only, and never holding a secret."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from prompt_toolkit.history import FileHistory

from mxshell.base.paths import make_private_dir

# Takes a line as typed; returns the line to keep (secrets masked) or None to keep nothing.
Redactor = Callable[[str], "str | None"]


def create_private_file(path: Path) -> None:
    """Create path (and its folder) readable by its owner only, if it does not exist yet."""
    make_private_dir(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
    os.close(fd)
    if os.name == "posix":
        os.chmod(path, 0o600)  # an older file may have been created with looser rights


class SecretSafeHistory(FileHistory):
    """A FileHistory that passes every line through a redactor before it reaches disk."""

    def __init__(self, path: Path, redact: Redactor, max_entries: int = 10_000) -> None:
        create_private_file(path)
        super().__init__(str(path))
        self._redact = redact
        self.max_entries = max_entries

    def redact_with(self, redact: Redactor, max_entries: int) -> None:
        """The shell's own redactor and size, once it is assembled (a prompt drawn first
        keeps its history from the start, with a redactor that waits for this)."""
        self._redact, self.max_entries = redact, max_entries

    def append_string(self, string: str) -> None:
        kept = self._redact(string)
        if kept is None:
            return
        super().append_string(kept)

    def store_string(self, string: str) -> None:
        # Lines reach here already redacted by append_string; check again so that no
        # other path into the file can write a secret.
        kept = self._redact(string)
        if kept is not None:
            super().store_string(kept)

    def load_history_strings(self) -> Iterable[str]:
        for count, line in enumerate(super().load_history_strings()):
            if count >= self.max_entries:
                break
            yield line

    def entries(self) -> list[str]:
        """Oldest first, as the `history` command shows them."""
        return list(reversed(list(self.load_history_strings())))
