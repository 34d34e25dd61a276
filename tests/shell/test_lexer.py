"""The input-line lexer tells commands, options, strings, numbers and tag references apart."""

from __future__ import annotations

from prompt_toolkit.document import Document

from mxshell.shell.lexer import MxShellLexer, fragments


def parts(line: str) -> list[tuple[str, str]]:
    return [(style, text) for style, text in fragments(line) if text.strip()]


def test_a_write_line_is_split_into_its_parts() -> None:
    assert parts('write Tank1.Level 3.5 --type double "a b"') == [
        ("class:command", "write"),
        ("class:reference", "Tank1.Level"),
        ("class:number", "3.5"),
        ("class:option", "--type"),
        ("", "double"),
        ("class:string", '"a b"'),
    ]


def test_each_command_after_a_semicolon_is_a_command_and_comments_end_the_line() -> None:
    found = parts("read .Level; advise level # watch it")
    assert ("class:command", "read") in found and ("class:command", "advise") in found
    assert ("class:reference", ".Level") in found
    assert ("", "level") in found
    assert found[-1] == ("class:comment", "# watch it")


def test_variables_files_operators_and_globs_have_their_own_classes() -> None:
    found = parts("expect ${level} >= -2 ; write-bulk @setpoints.csv; read-bulk Tank*.Level")
    assert ("class:variable", "${level}") in found
    assert ("class:operator", ">=") in found
    assert ("class:number", "-2") in found
    assert ("class:file", "@setpoints.csv") in found
    assert ("class:reference", "Tank*.Level") in found


def test_the_fragments_put_together_are_the_line_whatever_it_holds() -> None:
    for line in ['write x "unterminated', "echo 'a;b' ; ;; #", '"', "  --x=1 $ @ ${", "é ü 1.2.3"]:
        assert "".join(text for _, text in fragments(line)) == line


def test_each_line_of_a_document_is_lexed_from_its_start() -> None:
    get_line = MxShellLexer().lex_document(Document("echo a\nread Tank1.Level"))
    assert get_line(1)[0] == ("class:command", "read")
    assert get_line(2) == []
