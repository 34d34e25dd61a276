"""Value conversion under fuzzing: every type name, extremes, NaN, huge arrays and odd
unicode either become an MxValue that round-trips or fail with one clear ValueError."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mxshell.gateway import TYPE_NAMES, from_mx_value, parse_value_text, to_mx_value
from mxshell.gateway.values import INT64_MAX, INT64_MIN
from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner

from .conftest import fuzz_settings

# Text that stresses encoders: lone surrogates, NULs, combining marks, RTL, astral planes.
odd_text = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()), max_size=40
) | st.sampled_from(["\ud800", "a\x00b", "e\u0301", "\u202eevil", "😀" * 8, "\ufeff", ""])
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([INT64_MIN, INT64_MAX, INT64_MAX + 1, 2**31, -(2**31) - 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    odd_text,
    st.binary(max_size=40),
    st.datetimes(timezones=st.none() | st.just(UTC)),
)
values = st.one_of(scalars, st.lists(scalars, max_size=6))
type_names = st.none() | st.sampled_from(TYPE_NAMES) | st.sampled_from(["Int", "str[]", "nope"])


def is_clean_refusal(error: ValueError) -> bool:
    text = str(error)
    # A UnicodeError is a ValueError too, but its text is the codec's, not the user's.
    plain = not isinstance(error, UnicodeError) and "codec" not in text
    return plain and bool(text) and "\n" not in text and "Traceback" not in text


@fuzz_settings(400)
@given(value=values, type_name=type_names)
def test_any_value_with_any_type_converts_or_is_refused_in_one_line(
    value: Any, type_name: str | None
) -> None:
    try:
        message = to_mx_value(value, type_name)
    except ValueError as error:
        assert is_clean_refusal(error), error
        return
    wire = message.SerializeToString()  # what would go to the gateway must encode
    assert wire is not None
    back = from_mx_value(message)
    if isinstance(back, float):
        assert math.isfinite(back)  # NaN and infinity never reach the wire
    if isinstance(back, list):
        assert all(not isinstance(v, float) or math.isfinite(v) for v in back)
    if type_name in (None, "string", "int64", "bool", "bytes") and not isinstance(value, list):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        assert back == value or value is None


@fuzz_settings(400)
@given(
    text=odd_text | st.from_regex(r"\[?[-+0-9eE.,natfrue ]{0,30}\]?", fullmatch=True),
    type_name=type_names,
)
def test_any_typed_text_parses_or_is_refused_in_one_line(text: str, type_name: str | None) -> None:
    try:
        parsed = parse_value_text(text, type_name)
        message = to_mx_value(parsed, type_name)
        message.SerializeToString()
    except ValueError as error:
        assert is_clean_refusal(error), error


@pytest.mark.parametrize("type_name", ["double[]", "int64[]", "string[]", "bool[]"])
def test_a_million_element_array_converts_and_round_trips(type_name: str) -> None:
    base = type_name[:-2]
    sample: dict[str, Any] = {"double": 1.5, "int64": INT64_MAX, "string": "é", "bool": True}
    values = [sample[base]] * 1_000_000
    message = to_mx_value(values, type_name)
    assert len(message.SerializeToString()) >= 1_000_000
    assert from_mx_value(message) == values


def test_a_nan_deep_in_a_huge_array_is_found_and_named() -> None:
    values = [0.5] * 1_000_000
    values[987_654] = math.nan
    with pytest.raises(ValueError, match="element 987654"):
        to_mx_value(values, "double[]")


BROKEN = "the text has a broken character at position"


@pytest.mark.parametrize(
    ("line", "where"),
    [
        ("write Tank1.Description 'ab\ud800'", "write: bad value: "),
        ("write Tank1.Description '\udfff' --type string", "write: bad value: "),
        ("write-bulk Tank1.Description=ab\ud800", "write-bulk: Tank1.Description: bad value: "),
        # JSON escapes make lone surrogates out of plain ASCII typed at the prompt.
        (
            'write Tank1.Description \'["ok", "\\ud800"]\' --type string[]',
            "write: bad value: element 1: ",
        ),
    ],
)
async def test_a_string_with_a_lone_surrogate_is_refused_in_plain_words(
    shell: ShellRunner, fast_gateway: EmbeddedGateway, line: str, where: str
) -> None:
    read = await shell.run("read Tank1.Description")
    assert read.ok, read.errors
    point = fast_gateway.gateway.runtime.points["tank1.description"]
    before = point.value, point.timestamp_ns
    result = await shell.run(line)
    assert not result.ok
    (message,) = result.err
    assert message.startswith(where + BROKEN), message
    assert "half of a UTF-16 surrogate pair" in message
    assert "codec" not in message and "UnicodeEncodeError" not in message
    assert (point.value, point.timestamp_ns) == before
    assert (await shell.run("items")).result.rows == []  # refused before anything was sent
