"""What a command file is read into: logical lines, steps (one command each, with where it
was written), the problems found before anything runs, and the script as a whole."""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from mxshell.commands.lexer import Segment, split_line


@dataclass(frozen=True, slots=True)
class ScriptLine:
    """One logical line of a command file and the number of its first physical line."""

    number: int
    text: str


@dataclass(frozen=True, slots=True)
class Origin:
    """Where steps were read from, shared by every step of one file: the file, its
    arguments, and the chain of includes that led to it (one id per file read; blocks
    open and close within one file)."""

    source: str | None
    args: tuple[str, ...] = ()
    chain: tuple[int, ...] = (0,)


@dataclass(frozen=True, slots=True)
class Step:
    """One command of a command file: its text, and where it was written.

    A file of a million lines is a million steps held until the run ends, so a step keeps
    the text of its command only (split again when it runs: the lexer keeps the split of
    a short line) and shares its file's facts with the file's other steps.
    """

    text: str
    name: str
    line: int
    origin: Origin = Origin(None)

    @classmethod
    def of(cls, segment: Segment, line: int, origin: Origin) -> Step:
        return cls(segment.text, sys.intern(segment.words[0].text), line, origin)

    @property
    def segment(self) -> Segment:
        """The command's words (the text read again: it was read without fault once)."""
        return split_line(self.text)[0]

    @property
    def source(self) -> str | None:
        return self.origin.source

    @property
    def args(self) -> tuple[str, ...]:
        return self.origin.args

    @property
    def chain(self) -> tuple[int, ...]:
        return self.origin.chain

    @property
    def where(self) -> str:
        """`FILE:LINE` ('' for -c, whose one line needs no pointing at)."""
        return f"{self.origin.source}:{self.line}" if self.origin.source else ""


class Steps:
    """A script's steps, held compactly: a file of a million lines is a million steps,
    kept until the run ends. Each is its text and three small numbers (its command word,
    line and file, the words and files shared); a Step is made when one is asked for."""

    def __init__(self) -> None:
        self._texts: list[str] = []
        self._names = array("I")
        self._lines = array("I")
        self._origins = array("I")
        self._name_table: list[str] = []
        self._name_ids: dict[str, int] = {}
        self._origin_table: list[Origin] = []
        self._origin_ids: dict[int, int] = {}  # by id(): the table keeps each one alive

    def append(self, step: Step) -> None:
        name_id = self._name_ids.get(step.name)
        if name_id is None:
            name_id = self._name_ids[step.name] = len(self._name_table)
            self._name_table.append(step.name)
        origin_id = self._origin_ids.get(id(step.origin))
        if origin_id is None:
            origin_id = self._origin_ids[id(step.origin)] = len(self._origin_table)
            self._origin_table.append(step.origin)
        self._texts.append(step.text)
        self._names.append(name_id)
        self._lines.append(step.line)
        self._origins.append(origin_id)

    def __len__(self) -> int:
        return len(self._texts)

    def __getitem__(self, index: int) -> Step:
        return Step(
            self._texts[index],
            self._name_table[self._names[index]],
            self._lines[index],
            self._origin_table[self._origins[index]],
        )

    def __iter__(self) -> Iterator[Step]:
        return self.between(0, len(self))

    def between(self, start: int, stop: int) -> Iterator[Step]:
        names, origins = self._name_table, self._origin_table
        for index in range(start, stop):
            yield Step(
                self._texts[index],
                names[self._names[index]],
                self._lines[index],
                origins[self._origins[index]],
            )


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
    steps: Steps = field(default_factory=Steps)
    problems: list[Problem] = field(default_factory=list)
    # The steps as a tree of blocks (mxshell.script.blocks), once checked.
    body: list[Any] = field(default_factory=list)
