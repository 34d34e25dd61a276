"""The command-file lexer is found by pygments through the entry point, reads every example
file and documented mxsh block without an error token, and tells the language's parts apart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.styles import get_style_by_name
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, String, _TokenType

from mxshell.highlight import DEFAULT_STYLE, style_names, style_problem
from mxshell.highlight.lexer import MxshellStyle, MxshLexer

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLES = sorted(DOCS.joinpath("examples").glob("*.mxsh"))
BLOCKS = [
    block
    for page in sorted(DOCS.glob("*.md"))
    for block in re.findall(r"```mxsh\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
]


def tokens(text: str) -> list[tuple[_TokenType, str]]:
    return [(kind, value) for kind, value in MxshLexer().get_tokens(text) if value.strip()]


def test_pygments_finds_the_lexer_by_name_alias_and_file_name() -> None:
    assert isinstance(get_lexer_by_name("mxsh"), MxshLexer)
    assert isinstance(get_lexer_by_name("mxshell"), MxshLexer)
    assert isinstance(get_lexer_for_filename("x.mxsh"), MxshLexer)


def test_pygments_finds_the_shell_style_by_name() -> None:
    assert get_style_by_name(DEFAULT_STYLE) is MxshellStyle
    assert DEFAULT_STYLE in style_names() and "monokai" in style_names()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_file_tokenizes_without_an_error_token(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = list(MxshLexer().get_tokens(text))
    assert [value for kind, value in found if kind in Error] == []
    assert "".join(value for _, value in found) == text  # nothing dropped or added
    assert any(kind is Name.Function for kind, _ in found)


def test_every_mxsh_block_in_the_docs_tokenizes_without_an_error_token() -> None:
    assert len(BLOCKS) >= 5
    for block in BLOCKS:
        assert [v for k, v in MxshLexer().get_tokens(block) if k in Error] == [], block


def test_variables_strings_comments_and_keywords_have_their_tokens() -> None:
    found = tokens("let level = read ${tank}.Level # now\necho \"at ${level.value}\" '${x}'")
    assert found == [
        (Keyword, "let"),
        (Name.Variable, "level"),
        (Operator, "="),
        (Name.Function, "read"),
        (Name.Variable, "${tank}"),
        (Name.Tag, ".Level"),
        (Comment.Single, "# now"),
        (Name.Function, "echo"),
        (String.Double, '"'),
        (String.Double, "at "),
        (String.Interpol, "${level.value}"),
        (String.Double, '"'),
        (String.Single, "'${x}'"),
    ]


def test_blocks_checks_options_and_semicolons() -> None:
    found = tokens(
        "for pump in Pump1 Pump2; if $1 >= 2.5; wait-for Tank1.Level between 0 100 "
        "--stable 1s; end; write-bulk @setpoints.csv; expect Attr[2] == true; end"
    )
    assert found[:3] == [(Keyword, "for"), (Name.Variable, "pump"), (Keyword, "in")]
    assert (Keyword, "if") in found and (Keyword, "end") in found
    assert (Name.Variable, "$1") in found and (Operator, ">=") in found
    assert (Number.Float, "2.5") in found and (Number.Integer, "1s") in found
    assert (Operator.Word, "between") in found and (Name.Attribute, "--stable") in found
    assert (Name.Function, "wait-for") in found and (Name.Tag, "Tank1.Level") in found
    assert (String.Other, "@setpoints.csv") in found and (Name.Tag, "Attr[2]") in found
    assert (Keyword.Constant, "true") in found


def test_a_hash_inside_a_word_and_an_escaped_quote_are_not_comments_or_strings() -> None:
    found = tokens('echo a#b \\" c # note')
    assert (Comment.Single, "# note") in found
    assert [v for k, v in found if k in Comment] == ["# note"]
    assert [v for k, v in found if k in String.Double] == []


@pytest.mark.parametrize(
    "line", ['write x "unterminated', "echo 'a;b' ; ;; #", '"', "  --x=1 $ @ ${", "é ü \\"]
)
def test_half_typed_and_broken_lines_never_give_an_error_token(line: str) -> None:
    found = list(MxshLexer().get_tokens(line))
    assert [v for k, v in found if k in Error] == []
    assert "".join(v for _, v in found).rstrip("\n") == line


def test_a_style_problem_is_one_line_naming_the_installed_styles() -> None:
    assert style_problem("monokai") is None
    problem = style_problem("no-such-style")
    assert problem is not None and "\n" not in problem
    assert "'no-such-style'" in problem and "monokai" in problem and "mxshell" in problem
