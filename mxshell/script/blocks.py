"""Blocks of a command file, read into a tree before anything runs.

    if COND            elif COND          else          end
    for NAME in WORD...                   for NAME in @FILE          end

As in psql, a block opens and closes in one file: an `end` in an included file never
closes a block of the file that includes it, and a block an included file leaves open
is a problem at the line that opened it. Blocks nest.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mxshell.base.errors import CommandFailed, UsageError
from mxshell.commands.variables import Variables, valid_name
from mxshell.script.conditions import parse_comparison
from mxshell.script.steps import Problem, Step, Steps

OPENERS = ("if", "for")
CLOSERS = ("elif", "else", "end")
BLOCK_WORDS = (*OPENERS, *CLOSERS)
MAX_FOR_WORDS = 100_000  # a longer list is a mistake (or a job for several files)


@dataclass
class Branch:
    """One arm of a block: its head line (`if`, `elif`, `else` or `for`) and its body."""

    head: Step
    body: list[Node] = field(default_factory=list)


@dataclass
class Block:
    """An `if` (branches: if, elifs, else) or a `for` (one branch), and its `end`."""

    kind: str
    branches: list[Branch]
    end: Step | None = None

    @property
    def head(self) -> Step:
        return self.branches[0].head


@dataclass
class Lines:
    """Commands one after another, as the script holds them (its steps start..stop): a
    plain file of a million lines is one of these, not a million nodes."""

    steps: Steps
    start: int
    stop: int

    def __iter__(self) -> Iterator[Step]:
        return self.steps.between(self.start, self.stop)


Node = Lines | Block


def block_word(step: Step) -> str:
    """The block keyword a step is (`if`, `end`...), or '' for a command."""
    return step.name if step.name in BLOCK_WORDS else ""  # a ${NAME} never reads as one


def build(steps: Steps, problems: list[Problem]) -> list[Node]:
    """The steps as a tree of blocks; every mismatch becomes a problem at its line."""
    root: list[Node] = []
    open_blocks: list[Block] = []

    def problem(step: Step, message: str) -> None:
        problems.append(Problem(step.source, step.line, message, step.name))

    for index, step in enumerate(steps):
        # A block opened in a file that has ended (an include) was never closed there.
        while open_blocks and not _within(open_blocks[-1].head, step):
            unclosed = open_blocks.pop()
            problem(unclosed.head, f"{unclosed.kind} without end in this file")
        word = block_word(step)
        here = open_blocks[-1].branches[-1].body if open_blocks else root
        if word in OPENERS:
            block = Block(word, [Branch(step)])
            here.append(block)
            open_blocks.append(block)
            continue
        if not word:
            last = here[-1] if here else None
            if isinstance(last, Lines) and last.stop == index:
                last.stop += 1
            else:
                here.append(Lines(steps, index, index + 1))
            continue
        current = open_blocks[-1] if open_blocks else None
        if current is None or current.head.chain != step.chain:
            problem(step, f"{word} without if or for in this file")
            continue
        if word == "end":
            current.end = step
            open_blocks.pop()
        elif current.kind != "if":
            problem(step, f"{word} belongs to an if, and this block is a for")
        elif current.branches[-1].head.name == "else":
            problem(step, f"{word} after else: else is the last branch of an if")
        else:
            current.branches.append(Branch(step))
    for unclosed in reversed(open_blocks):
        problem(unclosed.head, f"{unclosed.kind} without end in this file")
    return root


def _within(opener: Step, step: Step) -> bool:
    """Whether `step` comes from the file that opened the block, or one it includes."""
    return step.chain[: len(opener.chain)] == opener.chain


# running a block's head ----------------------------------------------------------------


def branch_holds(head: Step, variables: Variables) -> bool:
    """Whether an `if` or `elif` line's condition holds, its ${NAME}s expanded now."""
    words = variables.expand_segment(head.segment).values
    return parse_comparison(words[1:], f"{words[0]} COND").holds()


async def for_words(head: Step, variables: Variables) -> tuple[str, list[str]]:
    """A `for NAME in WORD...` line's name and words (`@FILE`: its lines, read now)."""
    words = variables.expand_segment(head.segment).values
    if len(words) < 3 or words[2] != "in" or not valid_name(words[1]):
        raise UsageError("write it as: for NAME in WORD... (or @FILE)", "for NAME in WORD...")
    name, items = words[1], words[3:]
    if len(items) == 1 and items[0].startswith("@"):
        base = Path(head.source).parent if head.source else Path.cwd()
        items = await asyncio.to_thread(_file_words, base / Path(items[0][1:]).expanduser())
    return name, items


def listed_lines(path: Path, limit: int) -> tuple[list[tuple[int, str]], bool]:
    """A list file's lines as (number, text), stripped, blank lines and # comments
    skipped, read no further than `limit` lines; and whether there were more. OSError or
    UnicodeDecodeError when it cannot be read as text. (`for NAME in @FILE`, and the
    tag lists validation looks up.)"""
    with path.open(encoding="utf-8", newline="") as text:
        raw = [line.strip() for _, line in zip(range(limit + 1), text, strict=False)]
    kept = [(n, line) for n, line in enumerate(raw[:limit], start=1) if line and line[0] != "#"]
    return kept, len(raw) > limit


def _file_words(path: Path) -> list[str]:
    """One word a line; blank lines and # comments skipped."""
    try:
        lines, more = listed_lines(path, MAX_FOR_WORDS)
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise CommandFailed(f"cannot read {path}: {reason}") from None
    if more:
        raise CommandFailed(f"{path} has more than {MAX_FOR_WORDS:,} lines: too many for a for")
    return [line for _, line in lines]
