"""Reading a command file: lines one at a time, words split fast where nothing needs the
scanner, and steps held compactly (a file of a million lines is a million steps)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mxshell.commands.lexer import _Scanner, split_line
from mxshell.script.blocks import Block, Lines, build
from mxshell.script.program import read_script
from mxshell.script.steps import Origin, Problem, Step, Steps

# Letters, blanks of every kind the scanner knows, and the characters that need it.
LINE_TEXT = st.text(alphabet=st.sampled_from("ab1.-_=\u00e9 \t\f\v\r;#'\"\\$\n{}"), max_size=40)


@given(LINE_TEXT)
def test_split_line_reads_every_line_as_the_scanner_does(line: str) -> None:
    try:
        expected = _Scanner(line).scan()
    except Exception as error:  # noqa: BLE001 - the same error either way
        try:
            split_line(line)
        except Exception as second:  # noqa: BLE001
            assert type(second) is type(error) and str(second) == str(error)
        else:
            raise AssertionError(f"{line!r}: the scanner refuses it ({error})") from None
        return
    assert split_line(line) == expected


def test_a_plain_line_keeps_each_word_where_it_was_typed() -> None:
    (segment,) = split_line("  write\tTank_001.Level  12.5 ")
    assert [(w.text, w.start, w.end) for w in segment.words] == [
        ("write", 2, 7),
        ("Tank_001.Level", 8, 22),
        ("12.5", 24, 28),
    ]
    assert segment.text == "write\tTank_001.Level  12.5" and segment.start == 2


def test_lines_end_at_lf_crlf_or_cr_and_keep_their_numbers() -> None:
    lines = read_script("echo a\r\necho b \\\r\n  more\recho c\n\n# note\necho d")
    assert [(line.number, line.text) for line in lines] == [
        (1, "echo a"),
        (2, "echo b more"),
        (4, "echo c"),
        (5, ""),
        (6, "# note"),
        (7, "echo d"),
    ]


def test_steps_give_back_what_was_put_in_and_share_their_file() -> None:
    main, included = Origin("main.mxsh", ("x",), (1,)), Origin("inc.mxsh", (), (1, 2))
    written = [
        Step("echo one", "echo", 1, main),
        Step("read T.A", "read", 2, included),
        Step("echo two", "echo", 70_000, main),
    ]
    steps = Steps()
    for step in written:
        steps.append(step)
    assert len(steps) == 3 and list(steps) == written and steps[1] == written[1]
    assert steps[2].origin is main and steps[2].where == "main.mxsh:70000"
    assert steps[0].segment.values == ["echo", "one"] and steps[0].args == ("x",)


def test_commands_one_after_another_are_one_node_around_a_block() -> None:
    origin = Origin("f.mxsh")
    steps = Steps()
    for number, text in enumerate(
        ["echo 1", "echo 2", "if 1 == 1", "echo 3", "echo 4", "end", "echo 5"], start=1
    ):
        steps.append(Step(text, text.split()[0], number, origin))
    problems: list[Problem] = []
    body = build(steps, problems)
    assert problems == []
    first, block, last = body
    assert isinstance(first, Lines) and [s.line for s in first] == [1, 2]
    assert isinstance(block, Block) and block.head.line == 3 and block.end is not None
    (inner,) = block.branches[0].body
    assert isinstance(inner, Lines) and [s.text for s in inner] == ["echo 3", "echo 4"]
    assert isinstance(last, Lines) and [s.line for s in last] == [7]
