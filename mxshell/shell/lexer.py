"""Highlighting the input line: commands, --options, strings, numbers, tag references,
variables and comments, each fragment given a style class of its own (`class:command`...).

Written against prompt_toolkit's Lexer rather than as a pygments RegexLexer: importing
pygments' lexer machinery cost about 4 ms of every start, for these dozen patterns.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.lexers import Lexer

# (style class, pattern, what follows): tried in order where the last match ended.
# A line starts with a command; after it come its arguments until `;`, which (like a
# comment) ends it. "" is unstyled text.
_COMMAND = "command"
_ARGUMENTS = "arguments"
_RULES: dict[str, list[tuple[str, str, str | None]]] = {
    _COMMAND: [
        ("", r"\s+", None),
        ("comment", r"#.*", None),
        ("punctuation", r";", None),
        ("command", r"[A-Za-z_][\w\-]*", _ARGUMENTS),
        ("", r"\S+", _ARGUMENTS),
    ],
    _ARGUMENTS: [
        ("punctuation", r";", _COMMAND),
        ("comment", r"#.*", _COMMAND),
        ("", r"\s+", None),
        ("option", r"--?[A-Za-z][\w\-]*=?", None),
        ("string", r'"(?:\\\\|\\"|[^"])*"?', None),
        ("string", r"'[^']*'?", None),
        ("variable", r"\$\{[^}]*\}|\$\w+", None),
        ("operator", r"(?:==|!=|<=|>=|<|>)(?=\s|$)", None),
        ("number", r"-?\d+\.\d*(?:e[+-]?\d+)?(?=[\s;]|$)|-?\d+(?=[\s;]|$)", None),
        ("reference", r"(?:[\w\-\[\]*?]*\.)+[\w\-\[\]*?]+|\.[\w\-\[\]]+(?:\.[\w\-\[\]]+)*", None),
        ("file", r"@[^\s;]+", None),
        ("", r"[^\s;#\"']+", None),
        ("", r".", None),  # an unmatched quote character: take it, go on
    ],
}


def _compile(rules: list[tuple[str, str, str | None]]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?P<r{i}>{pattern})" for i, (_, pattern, _) in enumerate(rules)))


_PATTERNS = {state: _compile(rules) for state, rules in _RULES.items()}


def fragments(line: str) -> StyleAndTextTuples:
    """The line cut into (style, text) fragments; the style is "" or "class:<kind>"."""
    out: StyleAndTextTuples = []
    state, position = _COMMAND, 0
    while position < len(line):
        match = _PATTERNS[state].match(line, position)
        if match is None:  # nothing matches: the rest of the line is plain text
            out.append(("", line[position:]))
            break
        kind, _, following = _RULES[state][int(match.lastgroup[1:])]  # type: ignore[index]
        out.append((f"class:{kind}" if kind else "", match.group()))
        state, position = following or state, match.end()
    return out


class MxShellLexer(Lexer):
    """prompt_toolkit lexer for the input buffer (each line on its own)."""

    def lex_document(self, document: Document) -> Callable[[int], StyleAndTextTuples]:
        lines = document.lines

        def line_fragments(number: int) -> StyleAndTextTuples:
            return fragments(lines[number]) if number < len(lines) else []

        return line_fragments
