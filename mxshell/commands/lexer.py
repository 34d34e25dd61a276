"""Splitting a line into commands and words: POSIX quoting as shlex does it, `;` and `#`.

Words keep their place in the line, so history and errors can mask a secret where it
was typed. In double quotes a backslash escapes only `"` and `\\`, as in shlex; `#`
starts a comment only at the start of a word (`a#b` is one word), as in a POSIX shell;
`;` and a newline end a command unless quoted or escaped.
"""

from __future__ import annotations

from dataclasses import dataclass

from mxshell.commands.errors import ScriptSyntaxError

_WHITESPACE = " \t\r\f\v"


@dataclass(frozen=True)
class Word:
    """One word after quote removal, with where it was typed: line[start:end]."""

    text: str
    start: int
    end: int
    quoted: bool = False


@dataclass(frozen=True)
class Segment:
    """One command of a line: its words and the text they were typed as."""

    words: tuple[Word, ...]
    text: str
    start: int

    @property
    def values(self) -> list[str]:
        return [word.text for word in self.words]


def split_line(line: str) -> list[Segment]:
    """The commands on a line; empty and comment-only parts give none.

    Raises ScriptSyntaxError for an unterminated quote or a trailing backslash.
    """
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
        chars: list[str] = []
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
                    chars.append(line[self.pos + 1])
                self.pos += 2
            elif char == "'":
                quoted = True
                close = line.find("'", self.pos + 1)
                if close < 0:
                    raise self.unterminated("'")
                chars.append(line[self.pos + 1 : close])
                self.pos = close + 1
            elif char == '"':
                quoted = True
                chars.append(self.double_quoted())
            else:
                chars.append(char)
                self.pos += 1
        return Word("".join(chars), start, self.pos, quoted)

    def double_quoted(self) -> str:
        line, opening = self.line, self.pos
        self.pos += 1
        chars: list[str] = []
        while self.pos < len(line):
            char = line[self.pos]
            if char == '"':
                self.pos += 1
                return "".join(chars)
            if char == "\\" and self.pos + 1 < len(line) and line[self.pos + 1] in '"\\':
                chars.append(line[self.pos + 1])
                self.pos += 2
            else:
                chars.append(char)
                self.pos += 1
        self.pos = opening
        raise self.unterminated('"')

    def unterminated(self, quote: str) -> ScriptSyntaxError:
        return ScriptSyntaxError(f"unterminated quote {quote} (opened at column {self.pos + 1})")
