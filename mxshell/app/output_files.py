"""Results to a file instead of the terminal (`output-to`): psql's \\o FILE and \\g FILE.

The runtime writes every result through `FileOutput.write_result`: to the file `start`
opened (until `stop`), to the file of the one command `run_to` runs, else the terminal.
Failures, notices and timing stay on the terminal, where the person who typed is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from mxshell.commands import Outcome
from mxshell.output.recording import open_private

Writer = Callable[[str], None]
RunCommand = Callable[[Sequence[str]], Awaitable[Outcome]]
REFUSAL = "add --force to overwrite it or --append to add to it"


@dataclass
class _File:
    path: Path
    stream: TextIO
    created: bool  # made by this command: removed again if a one-command run fails
    written: bool = False

    def write(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()  # a file watched with tail -f, or read after a crash, is whole
        self.written = True


def _open(path: Path, *, force: bool, append: bool) -> _File:
    path = path.expanduser()
    if path.is_dir() and not path.is_symlink():
        raise ValueError(f"cannot write {path}: it is a folder")
    existed = path.exists()
    try:
        stream = open_private(path, overwrite=force, append=append, refusal=REFUSAL)
    except OSError as error:
        raise ValueError(f"cannot write {path}: {error.strerror or error}") from None
    return _File(path, stream, created=not existed)


class FileOutput:
    """Where results go: the terminal, or a file (mxshell.commands.OutputFiles)."""

    def __init__(self, terminal: Writer, run_command: RunCommand, render: Callable[[Outcome], str]):
        self._terminal = terminal
        self._run = run_command
        self._render = render
        self._kept: _File | None = None  # output-to FILE: until output-to off
        self._once: _File | None = None  # output-to FILE COMMAND: that command's results

    @property
    def target(self) -> Path | None:
        return self._kept.path if self._kept is not None else None

    @property
    def at_terminal(self) -> bool:
        """Results go to the terminal just now (no `output-to` file takes them)."""
        return self._once is None and self._kept is None

    def write_result(self, text: str) -> None:
        """A result's text (a rendered outcome, a streamed row, a JSON line)."""
        where = self._once or self._kept
        if where is None:
            self._terminal(text)
        else:
            where.write(text)

    def start(self, path: Path, *, force: bool = False, append: bool = False) -> None:
        opened = _open(path, force=force, append=append)  # refused: the old file stays
        self.stop()
        self._kept = opened

    def stop(self) -> Path | None:
        kept, self._kept = self._kept, None
        if kept is None:
            return None
        kept.stream.close()
        return kept.path

    async def run_to(
        self, path: Path, words: Sequence[str], *, force: bool = False, append: bool = False
    ) -> Outcome:
        opened = _open(path, force=force, append=append)  # before the command runs
        outer, self._once = self._once, opened
        try:
            outcome = await self._run(words)
            if outcome.ok:
                text = self._render(outcome)
                if text:
                    opened.write(text)
        finally:
            self._once = outer
            opened.stream.close()
        if not outcome.ok and opened.created and not opened.written:
            opened.path.unlink(missing_ok=True)  # nothing to keep: no empty file left behind
        return outcome

    def close(self) -> None:
        self.stop()
