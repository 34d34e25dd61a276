"""Splitting lines into commands and words: POSIX quoting (as shlex), `;` and `#`."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mxshell.commands import ScriptSyntaxError, UsageError, split_line, split_words


def words_of(line: str) -> list[list[str]]:
    return [segment.values for segment in split_line(line)]


def test_semicolons_separate_commands() -> None:
    assert words_of("read Tank1.Level; write Tank1.Level 3") == [
        ["read", "Tank1.Level"],
        ["write", "Tank1.Level", "3"],
    ]


def test_a_semicolon_needs_no_spaces_around_it() -> None:
    assert words_of("echo a;echo b") == [["echo", "a"], ["echo", "b"]]


def test_quoted_or_escaped_semicolon_is_part_of_a_word() -> None:
    assert words_of("echo 'a;b' \"c;d\" e\\;f") == [["echo", "a;b", "c;d", "e;f"]]


def test_hash_at_the_start_of_a_word_starts_a_comment() -> None:
    assert words_of("read Tank1.Level # the level; not a command") == [["read", "Tank1.Level"]]


def test_hash_inside_a_word_or_quotes_is_not_a_comment() -> None:
    assert words_of("echo a#b '#c' \"#d\" \\#e") == [["echo", "a#b", "#c", "#d", "#e"]]


@pytest.mark.parametrize("line", ["", "   ", "# only a comment", " ; ;; ", "  # x; y"])
def test_empty_and_comment_only_lines_hold_no_commands(line: str) -> None:
    assert split_line(line) == []


def test_newlines_separate_commands_like_semicolons() -> None:
    assert words_of("echo a\necho b # c\necho d") == [["echo", "a"], ["echo", "b"], ["echo", "d"]]


def test_posix_quoting_rules() -> None:
    assert words_of(r"""echo 'it''s' "say \"hi\"" 'back\slash' "a\\b" x\ y""") == [
        ["echo", "its", 'say "hi"', "back\\slash", "a\\b", "x y"]
    ]


def test_empty_quotes_make_an_empty_word() -> None:
    assert words_of("echo '' \"\"") == [["echo", "", ""]]


@pytest.mark.parametrize("line", ["echo 'oops", 'echo "oops', 'echo "a" \'b'])
def test_an_unterminated_quote_is_a_usage_error_naming_the_column(line: str) -> None:
    with pytest.raises(ScriptSyntaxError, match="unterminated quote") as caught:
        split_line(line)
    assert isinstance(caught.value, UsageError)
    assert "column" in str(caught.value)


def test_a_trailing_backslash_is_a_syntax_error() -> None:
    with pytest.raises(ScriptSyntaxError, match="backslash"):
        split_line("echo a\\")


def test_segments_keep_the_text_they_were_typed_as() -> None:
    segments = split_line("  echo 'a b' ;  read  Tank1.Level  # c")
    assert [s.text for s in segments] == ["echo 'a b'", "read  Tank1.Level"]
    word = segments[0].words[1]
    assert (word.text, "  echo 'a b' ;  read  Tank1.Level  # c"[word.start : word.end]) == (
        "a b",
        "'a b'",
    )


def test_split_words_refuses_more_than_one_command() -> None:
    assert split_words("read 'Tank 1.Level'") == ["read", "Tank 1.Level"]
    with pytest.raises(ScriptSyntaxError):
        split_words("a; b")


# `$` is left out: `${NAME}` is mxshell's own syntax (an unterminated `${` is an error
# shlex does not know), tested with the variables.
_plain_text = st.text(
    alphabet=st.characters(blacklist_characters=";#$\n\r\x0b\x0c", blacklist_categories=("Cs",)),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(_plain_text)
def test_words_are_the_words_shlex_finds(line: str) -> None:
    """Without `;`, `#` or newlines, the words are exactly what shlex (POSIX) makes of them."""
    try:
        expected = shlex.split(line, comments=False, posix=True)
    except ValueError:
        with pytest.raises(ScriptSyntaxError):
            split_line(line)
        return
    assert [w for s in split_line(line) for w in s.values] == expected


def test_a_line_split_again_gives_the_same_segments_in_a_list_of_its_own() -> None:
    line = "echo ${name} 'a b'; write T.L 1"
    first = split_line(line)
    first.clear()  # the caller's list: changing it changes nothing kept
    again = split_line(line)
    assert [s.values for s in again] == [["echo", "${name}", "a b"], ["write", "T.L", "1"]]
    assert again == split_line(line)


def test_a_bad_line_is_refused_each_time_it_is_split() -> None:
    for _ in range(2):
        with pytest.raises(ScriptSyntaxError, match="quote"):
            split_line("echo 'open")
