"""The input line is highlighted through the command-file lexer, loaded after the first
prompt is drawn, and coloured with the pygments style the `style` setting names."""

from __future__ import annotations

import asyncio

from prompt_toolkit.document import Document
from prompt_toolkit.styles import Style

from mxshell.shell.lexer import MxshInputLexer, input_style

BASE = Style.from_dict({"prompt.path": "ansicyan"})


def parts(lexer: MxshInputLexer, line: str, number: int = 0) -> list[tuple[str, str]]:
    return [(s, t) for s, t in lexer.lex_document(Document(line))(number) if t.strip()]


def test_outside_a_running_prompt_the_lexer_loads_in_place_and_highlights() -> None:
    lexer = MxshInputLexer()
    found = parts(lexer, 'write Tank1.Level 3.5 --type double "a b" # note')
    assert found[:4] == [
        ("class:pygments.name.function", "write"),
        ("class:pygments.name.tag", "Tank1.Level"),
        ("class:pygments.literal.number.float", "3.5"),
        ("class:pygments.name.attribute", "--type"),
    ]
    assert ("class:pygments.comment.single", "# note") in found


def test_each_line_of_a_document_is_lexed_with_what_came_before() -> None:
    lexer = MxshInputLexer()
    lexer.load()
    get_line = lexer.lex_document(Document("echo a \\\n  ${x}\nread Tank1.Level"))
    assert ("class:pygments.name.variable", "${x}") in get_line(1)
    assert [f for f in get_line(2) if f[1]][0] == ("class:pygments.name.function", "read")
    assert get_line(3) == []


async def test_at_a_running_prompt_the_first_draw_is_plain_and_the_lexer_loads_aside() -> None:
    lexer = MxshInputLexer()
    assert parts(lexer, "read Tank1.Level") == [("", "read Tank1.Level")]
    for _ in range(200):  # the thread imports pygments: well under a second
        if lexer.loaded is not None:
            break
        await asyncio.sleep(0.01)
    assert parts(lexer, "read")[0] == ("class:pygments.name.function", "read")


def test_the_style_is_the_base_until_the_lexer_loads_then_the_named_pygments_style() -> None:
    lexer = MxshInputLexer()
    assert input_style(lexer, "monokai", BASE) is BASE
    lexer.load()
    keyword = "class:pygments.keyword"
    monokai = input_style(lexer, "monokai", BASE).get_attrs_for_style_str(keyword)
    shell = input_style(lexer, "mxshell", BASE).get_attrs_for_style_str(keyword)
    assert monokai.color != shell.color and shell.color == "ansimagenta"
    assert input_style(lexer, "monokai", BASE) is input_style(lexer, "monokai", BASE)
    assert input_style(lexer, "mxshell", BASE).get_attrs_for_style_str("class:prompt.path").color
    # A name no style has (a config file's typo) colours with the shell's own style.
    unknown = input_style(lexer, "no-such-style", BASE).get_attrs_for_style_str(keyword)
    assert unknown.color == "ansimagenta"
