"""Parsing words against a declaration: types, choices, defaults, errors naming the bad word."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from mxshell.commands import (
    Command,
    HelpRequested,
    UsageError,
    arg,
    command,
    flag,
)


def test_positional_and_options_are_bound_by_name(add_item: Command) -> None:
    assert add_item.parse(["Tank1.Level", "--as", "lvl", "-s", "0x10"]) == {
        "tag": "Tank1.Level",
        "alias": "lvl",
        "server_handle": 16,
    }


def test_defaults_apply_when_options_are_absent(write: Command) -> None:
    bound = write.parse(["Tank1.Level", "2.5"])
    assert bound == {
        "item": "Tank1.Level",
        "value": 2.5,
        "timeout": 5.0,
        "mode": "plain",
        "password": None,
        "verify": False,
    }


def test_typed_values_are_converted(write: Command) -> None:
    bound = write.parse(["T.L", "-3", "--timeout", "250ms", "--verify", "--mode=secured"])
    assert (bound["value"], bound["timeout"], bound["verify"], bound["mode"]) == (
        -3.0,
        0.25,
        True,
        "secured",
    )


def test_a_missing_argument_is_named_with_the_usage(add_item: Command) -> None:
    with pytest.raises(UsageError) as caught:
        add_item.parse([])
    message = str(caught.value)
    assert "required: TAG" in message
    assert message.endswith("usage: add-item TAG [--as ALIAS] [--server-handle SERVER-HANDLE]")
    assert "\n" not in message


def test_an_extra_word_is_named(add_item: Command) -> None:
    with pytest.raises(UsageError, match="unrecognized arguments: surplus"):
        add_item.parse(["Tank1.Level", "surplus"])


def test_a_badly_typed_word_is_named(write: Command) -> None:
    with pytest.raises(UsageError, match=r"argument VALUE: 'high' is not a number"):
        write.parse(["Tank1.Level", "high"])
    with pytest.raises(UsageError, match=r"--timeout/-t: '5x' is not a duration"):
        write.parse(["Tank1.Level", "1", "-t", "5x"])


def test_a_word_outside_the_choices_is_named_with_the_choices(write: Command) -> None:
    with pytest.raises(UsageError, match=r"invalid choice: 'verified'.*plain.*secured"):
        write.parse(["Tank1.Level", "1", "--mode", "verified"])


def test_an_unknown_option_is_named(add_item: Command) -> None:
    with pytest.raises(UsageError, match="unknown option --colour;") as raised:
        add_item.parse(["Tank1.Level", "--colour", "red"])
    assert "red" not in str(raised.value)  # the value may be a mistyped secret


def test_an_option_missing_its_value_is_named(add_item: Command) -> None:
    with pytest.raises(UsageError, match="argument --as: expected one argument"):
        add_item.parse(["Tank1.Level", "--as"])


def test_option_abbreviations_are_not_guessed(add_item: Command) -> None:
    with pytest.raises(UsageError, match="unknown option --serv"):
        add_item.parse(["Tank1.Level", "--serv", "1"])


def test_double_dash_lets_a_value_start_with_a_dash(add_item: Command) -> None:
    assert add_item.parse(["--", "-odd-tag"])["tag"] == "-odd-tag"


def test_help_option_hands_back_the_help_text_without_printing(
    capsys: pytest.CaptureFixture[str], add_item: Command
) -> None:
    with pytest.raises(HelpRequested) as caught:
        add_item.parse(["--help"])
    assert caught.value.text.startswith("usage: add-item TAG")
    with pytest.raises(HelpRequested):
        add_item.parse(["-h"])
    with pytest.raises(HelpRequested):
        add_item.parse(["--as", "x", "--help"])  # even with the positional missing
    assert capsys.readouterr() == ("", "")


def test_parse_errors_never_print_or_exit(
    capsys: pytest.CaptureFixture[str], add_item: Command
) -> None:
    for words in (["--bogus"], [], ["a", "b", "c"], ["--as"]):
        with pytest.raises(UsageError):
            add_item.parse(words)
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(
    ("declared", "words", "expected"),
    [
        (arg("n", type=int), ["7"], 7),
        (arg("n", type="int"), ["0x1f"], 31),
        (arg("n", type="int"), ["-12"], -12),
        (arg("on", type=bool), ["off"], False),
        (arg("on", type="bool"), ["Yes"], True),
        (arg("t", type="duration"), ["1.5m"], 90.0),
        (arg("t", type="duration"), ["2"], 2.0),
        (arg("x", type=lambda text: text.upper()), ["abc"], "ABC"),
        (arg("n", required=False, default=3, type=int), [], 3),
        (arg("words", nargs="*"), [], []),
        (arg("words", nargs="+"), ["a", "b"], ["a", "b"]),
        (arg("--tag", "-t", action="append"), ["-t", "a", "-t", "b"], ["a", "b"]),
        (arg("--verbose", "-v", action="count"), ["-vv"], 2),
    ],
)
def test_declared_types(declared: Any, words: list[str], expected: object) -> None:
    async def handler(ctx: object, **arguments: object) -> None:
        return None

    declaration = Command("t", handler, arguments=(declared,))
    assert declaration.parse(words)[declared.dest] == expected


def test_a_converter_raising_value_error_becomes_a_usage_error() -> None:
    def even(text: str) -> int:
        number = int(text)
        if number % 2:
            raise ValueError("odd")
        return number

    @command("pair", help="x", args=[arg("n", type=even)])
    async def pair(ctx: object, n: int) -> int:
        return n

    with pytest.raises(UsageError, match="invalid even value: '3'"):
        pair.parse(["3"])


def test_usage_line_shows_every_argument_shape() -> None:
    @command(
        "shape",
        help="x",
        args=[
            arg("one"),
            arg("maybe", required=False),
            arg("many", nargs="*"),
            arg("--mode", choices=["a", "b"]),
            arg("--need", required=True),
            flag("--quiet", "-q"),
        ],
    )
    async def shape(ctx: object, **arguments: object) -> None:
        return None

    assert shape.usage() == "shape ONE [MAYBE] [MANY ...] [--mode {a|b}] --need NEED [--quiet]"


def test_declaration_mistakes_are_caught_when_declaring(add_item: Command) -> None:
    with pytest.raises(ValueError, match="secret must be an option"):
        arg("password", secret=True)
    with pytest.raises(ValueError, match="unknown argument type"):
        arg("x", type="colour")
    with pytest.raises(ValueError, match="mixes"):
        arg("x", "--x")
    with pytest.raises(ValueError, match="not a valid command name"):
        command("bad name", help="x")(add_item.handler)
    with pytest.raises(ValueError, match="share a name"):
        command("dup", help="x", args=[arg("a"), arg("--a")])(add_item.handler)


def test_help_text_comes_from_the_declaration(write: Command) -> None:
    text = write.format_help()
    assert text.splitlines()[0] == (
        "usage: write ITEM VALUE [--timeout TIMEOUT] [--mode {plain|secured}] "
        "[--password PASSWORD] [--verify]"
    )
    assert "Write a value." in text
    assert "-t, --timeout TIMEOUT" in text and "[default: 5.0]" in text
    assert "(one of: plain, secured)" in text
    assert "needs a gateway session" in text
    assert "(a tag reference)" in text


def test_words_parsed_again_give_a_new_dict_and_new_lists_each_time() -> None:
    @command("tags", help="x", args=[arg("names", nargs="+"), arg("--every", type="duration")])
    async def tags(ctx: object, names: list[str], every: float | None = None) -> None:
        return None

    first = tags.parse(["A", "B", "--every", "2s"])
    first["names"].append("changed by a handler")
    first["every"] = 0.0
    assert tags.parse(["A", "B", "--every", "2s"]) == {"names": ["A", "B"], "every": 2.0}
    assert tags.parse(["A", "--every", "1s"]) == {"names": ["A"], "every": 1.0}


def test_a_plugins_own_converter_runs_for_every_parse() -> None:
    calls: list[str] = []

    def counted(text: str) -> str:
        calls.append(text)
        return f"{text}#{len(calls)}"

    @command("mark", help="x", args=[arg("word", type=counted)])
    async def mark(ctx: object, word: str) -> str:
        return word

    assert [mark.parse(["a"])["word"] for _ in range(3)] == ["a#1", "a#2", "a#3"]


def test_a_converter_that_cannot_be_hashed_parses_every_time() -> None:
    @dataclass
    class OneOf:  # a dataclass with eq and no frozen: not hashable
        words: tuple[str, ...]
        calls: int = 0

        def __call__(self, text: str) -> str:
            self.calls += 1
            if text not in self.words:
                raise ValueError(text)
            return text

    one_of = OneOf(("a", "b"))

    @command("pick", help="x", args=[arg("word", type=one_of)])
    async def pick(ctx: object, word: str) -> str:
        return word

    assert [pick.parse(["a"]), pick.parse(["a"])] == [{"word": "a"}] * 2
    assert one_of.calls == 2
    with pytest.raises(UsageError):
        pick.parse(["c"])


def test_a_bad_word_is_refused_every_time_it_is_given(write: Command) -> None:
    for _ in range(2):
        with pytest.raises(UsageError, match="high"):
            write.parse(["Tank1.Level", "high"])
    with pytest.raises(HelpRequested):
        write.parse(["--help"])
    with pytest.raises(HelpRequested):
        write.parse(["--help"])
