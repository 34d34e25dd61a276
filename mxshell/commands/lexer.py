"""Splitting a line into commands and words: POSIX quoting as shlex does it, `;` and `#`.

Words keep their place in the line, so history and errors can mask a secret where it
was typed. In double quotes a backslash escapes only `"`, `\\` and `$`, as in sh; `#`
starts a comment only at the start of a word (`a#b` is one word), as in a POSIX shell;
`;` and a newline end a command unless quoted or escaped.

`${NAME}`, `${ENV:VAR}`, `${name.field}` and `$1` are variable references, outside single
quotes and unless escaped (`\\$`); a word holding one keeps it in `parts`, to be expanded
(mxshell.commands.variables) just before its command runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from mxshell.base.errors import ScriptSyntaxError

_WHITESPACE = " \t\r\f\v"
# No command needs more; a longer line (a runaway file, a pasted blob) is refused before
# the character-by-character scan, which would take minutes and gigabytes on 100 MB.
MAX_LINE_CHARS = 1 << 20
# A line with none of these splits at blanks alone (the scanner's answer, found faster).
_SPECIAL = re.compile(r"[;\n#'\"\\$]")
_BLANK_DELIMITED = re.compile(r"[^ \t\r\f\v]+")
# NAME, NAME.field.0, ENV:VAR or digits, then an optional `:-default`.
_REFERENCE = re.compile(
    r"^(?:ENV:[A-Za-z_]\w*|[A-Za-z_]\w*(?:\.\w+)*|\d+)(?::-(?P<default>[^}]*))?$"
)


@dataclass(frozen=True, slots=True)
class Reference:
    """A variable reference as typed: `name` is what is inside `${...}`, or the digits of $1."""

    name: str
    text: str


class Word(NamedTuple):
    """One word after quote removal, with where it was typed: line[start:end]. (A named
    tuple, as Segment: a line's words are made by the million in a long command file.)"""

    text: str
    start: int
    end: int
    quoted: bool = False
    # Literal text and references, when the word holds a reference (else empty); `text`
    # then shows the references as typed.
    parts: tuple[str | Reference, ...] = ()


class Segment(NamedTuple):
    """One command of a line: its words and the text they were typed as."""

    words: tuple[Word, ...]
    text: str
    start: int

    @property
    def values(self) -> list[str]:
        return [word.text for word in self.words]

    @property
    def has_references(self) -> bool:
        return any(word.parts for word in self.words)

    def references(self) -> list[Reference]:
        return [p for word in self.words for p in word.parts if isinstance(p, Reference)]


def split_line(line: str) -> list[Segment]:
    """The commands on a line; empty and comment-only parts give none.

    Raises ScriptSyntaxError for an unterminated quote, a trailing backslash, or a line
    longer than MAX_LINE_CHARS.
    """
    if len(line) > MAX_LINE_CHARS:
        raise ScriptSyntaxError(
            f"the line is {len(line):,} characters long; at most {MAX_LINE_CHARS:,} are taken"
        )
    if len(line) <= KEPT_LINE_CHARS:
        return list(_split_kept(line))
    return _split(line)


# A command file's line is split when it runs and again when it is masked for the record,
# and a file repeats its lines (loops, a fleet's runs): the split of a short line is kept.
# Words and segments are tuples, so what is kept cannot be changed by whoever receives it.
KEPT_LINE_CHARS = 1000


@lru_cache(maxsize=1024)
def _split_kept(line: str) -> tuple[Segment, ...]:
    return tuple(_split(line))


def _split(line: str) -> list[Segment]:
    if _SPECIAL.search(line) is None:  # most lines: words between blanks, nothing else
        words = tuple(Word(m.group(), m.start(), m.end()) for m in _BLANK_DELIMITED.finditer(line))
        if not words:
            return []
        start = words[0].start
        return [Segment(words, line[start : words[-1].end], start)]
    return _Scanner(line).scan()


def split_words(text: str) -> list[str]:
    """The words of one command (a `;` in it is an error): for alias expansions and such."""
    segments = split_line(text)
    if len(segments) > 1:
        raise ScriptSyntaxError(f"{text!r} holds more than one command")
    return segments[0].values if segments else []


class _Scanner:
    def __init__(self, line: str) -> None:
        self.line = line
        self.pos = 0
        self.segments: list[Segment] = []
        self.words: list[Word] = []
        self.chars: list[str] = []  # the literal text of the word being scanned
        self.parts: list[str | Reference] = []  # its literal runs and references so far

    def scan(self) -> list[Segment]:
        line = self.line
        while self.pos < len(line):
            char = line[self.pos]
            if char in _WHITESPACE:
                self.pos += 1
            elif char in ";\n":
                self.end_segment()
                self.pos += 1
            elif char == "#":
                newline = line.find("\n", self.pos)
                self.pos = len(line) if newline < 0 else newline
            else:
                self.words.append(self.word())
        self.end_segment()
        return self.segments

    def end_segment(self) -> None:
        if self.words:
            start, end = self.words[0].start, self.words[-1].end
            self.segments.append(Segment(tuple(self.words), self.line[start:end], start))
            self.words = []

    def word(self) -> Word:
        line, start = self.line, self.pos
        self.chars, self.parts = [], []
        quoted = False
        while self.pos < len(line):
            char = line[self.pos]
            if char in _WHITESPACE or char in ";\n":
                break
            if char == "\\":
                if self.pos + 1 >= len(line):
                    raise ScriptSyntaxError(
                        f"the line ends with a backslash (column {self.pos + 1})"
                    )
                if line[self.pos + 1] != "\n":  # backslash-newline joins lines
                    self.chars.append(line[self.pos + 1])
                self.pos += 2
            elif char == "'":
                quoted = True
                close = line.find("'", self.pos + 1)
                if close < 0:
                    raise self.unterminated("'")
                self.chars.append(line[self.pos + 1 : close])
                self.pos = close + 1
            elif char == '"':
                quoted = True
                self.double_quoted()
            elif char == "$" and self.reference():
                continue
            else:
                self.chars.append(char)
                self.pos += 1
        if not self.parts:
            return Word("".join(self.chars), start, self.pos, quoted)
        self.parts.append("".join(self.chars))
        parts = tuple(p for p in self.parts if p != "")
        text = "".join(p if isinstance(p, str) else p.text for p in parts)
        return Word(text, start, self.pos, quoted, parts)

    def double_quoted(self) -> None:
        line, opening = self.line, self.pos
        self.pos += 1
        while self.pos < len(line):
            char = line[self.pos]
            if char == '"':
                self.pos += 1
                return
            if char == "\\" and self.pos + 1 < len(line) and line[self.pos + 1] in '"\\$':
                self.chars.append(line[self.pos + 1])
                self.pos += 2
            elif char == "$" and self.reference():
                continue
            else:
                self.chars.append(char)
                self.pos += 1
        self.pos = opening
        raise self.unterminated('"')

    def reference(self) -> bool:
        """At a `$`: take `${...}` or `$1` into the word's parts; False for a plain `$`."""
        line, dollar = self.line, self.pos
        following = line[dollar + 1 : dollar + 2]
        if following.isdecimal():
            end = dollar + 1
            while end < len(line) and line[end].isdecimal():
                end += 1
            name = line[dollar + 1 : end]
        elif following == "{":
            close = line.find("}", dollar)
            if close < 0:
                raise ScriptSyntaxError(f"unterminated ${{ (opened at column {dollar + 1})")
            name, end = line[dollar + 2 : close], close + 1
            if not _REFERENCE.match(name):
                raise ScriptSyntaxError(
                    f"bad variable reference {line[dollar:end]!r} (column {dollar + 1}): "
                    "use ${NAME}, ${NAME.field}, ${ENV:VAR} or $1"
                )
        else:
            return False
        self.parts.append("".join(self.chars))
        self.parts.append(Reference(name, line[dollar:end]))
        self.chars = []
        self.pos = end
        return True

    def unterminated(self, quote: str) -> ScriptSyntaxError:
        return ScriptSyntaxError(f"unterminated quote {quote} (opened at column {self.pos + 1})")
