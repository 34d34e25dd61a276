"""What a command file is read into: logical lines, steps (one command each, with where it
was written), the problems found before anything runs, and the script as a whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mxshell.commands.lexer import Segment


@dataclass(frozen=True)
class ScriptLine:
    """One logical line of a command file and the number of its first physical line."""

    number: int
    text: str


@dataclass(frozen=True)
class Step:
    """One command of a command file: where it was written, and that file's arguments."""

    segment: Segment
    source: str | None
    line: int
    args: tuple[str, ...] = ()
    # The file it was read from, as the chain of includes that led to it (one id per
    # file read): blocks open and close within one file.
    chain: tuple[int, ...] = (0,)

    @property
    def where(self) -> str:
        """`FILE:LINE` ('' for -c, whose one line needs no pointing at)."""
        return f"{self.source}:{self.line}" if self.source else ""

    @property
    def name(self) -> str:
        return self.segment.words[0].text


@dataclass(frozen=True)
class Problem:
    """A mistake found before the run: the file does not run at all."""

    source: str | None
    line: int
    message: str
    command: str = ""

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}" if self.source else self.message


@dataclass
class Script:
    """A command file read whole: its steps (includes in place) and any problems."""

    source: str | None
    steps: list[Step] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # The steps as a tree of blocks (mxshell.script.blocks), once checked.
    body: list[Any] = field(default_factory=list)
