"""The input-line lexer tells commands, options, strings, numbers and tag references apart."""

from __future__ import annotations

from pygments.token import Comment, Keyword, Name, Number, String, Text

from mxshell.shell.lexer import MxShellLexer


def tokens(line: str) -> list[tuple[object, str]]:
    return [(t, v) for t, v in MxShellLexer().get_tokens(line) if v.strip()]


def test_a_write_line_is_split_into_its_parts() -> None:
    assert tokens('write Tank1.Level 3.5 --type double "a b"') == [
        (Keyword, "write"),
        (Name.Variable, "Tank1.Level"),
        (Number, "3.5"),
        (Name.Attribute, "--type"),
        (Text, "double"),
        (String.Double, '"a b"'),
    ]


def test_each_command_after_a_semicolon_is_a_command_and_comments_end_the_line() -> None:
    found = tokens("read .Level; advise level # watch it")
    assert (Keyword, "read") in found and (Keyword, "advise") in found
    assert (Name.Variable, ".Level") in found
    assert found[-1] == (Comment.Single, "# watch it")
