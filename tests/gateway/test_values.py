"""Value conversion: Python values and typed text to MxValue and back."""

from __future__ import annotations

import math
import random
import struct
from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from mxshell.contract import types
from mxshell.gateway import value_decode
from mxshell.gateway.value_decode import (
    from_mx_value,
    mx_value_kind,
    timestamp_datetime,
    utc_datetime,
)
from mxshell.gateway.value_text import parse_value_text, texts_to_mx_values
from mxshell.gateway.values import (
    TYPE_NAMES,
    ScalarColumn,
    normalize_type_name,
    to_mx_value,
    type_name_for,
)

MOMENT = datetime(2024, 5, 1, 12, 30, 15, 250000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (True, "bool"),
        (42, "int32"),
        (-(2**31), "int32"),
        (2**31, "int64"),
        (-(2**63), "int64"),
        (1.5, "double"),
        ("text", "string"),
        (MOMENT, "datetime"),
        (b"\x01\x02", "bytes"),
        ([True, False], "bool[]"),
        ([1, 2, 3], "int32[]"),
        ([1, 2**40], "int64[]"),
        ([1, 2.5], "double[]"),
        (["a", "b"], "string[]"),
        ((MOMENT, MOMENT), "datetime[]"),
    ],
)
def test_python_values_infer_their_wire_type_and_round_trip(value: object, kind: str) -> None:
    message = to_mx_value(value)
    assert mx_value_kind(message) == kind
    expected = list(value) if isinstance(value, tuple) else value
    if kind == "double[]":
        expected = [float(item) for item in value]  # type: ignore[attr-defined]
    assert from_mx_value(message) == expected


def test_none_is_an_empty_value_and_back() -> None:
    assert mx_value_kind(to_mx_value(None)) == "empty"
    assert from_mx_value(types.MxValue()) is None


def test_timestamps_come_back_as_aware_utc_datetimes() -> None:
    local = datetime(2024, 5, 1, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    back = from_mx_value(to_mx_value(local))
    assert back == local
    assert back.tzinfo == UTC
    assert back.hour == 12


def test_naive_datetime_is_taken_as_utc() -> None:
    back = from_mx_value(to_mx_value(datetime(2024, 5, 1, 12, 0)))
    assert back == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def test_float32_values_come_back_as_their_shortest_decimal() -> None:
    assert from_mx_value(to_mx_value(0.1, "float")) == 0.1
    assert from_mx_value(to_mx_value([0.1, 2.5], "float[]")) == [0.1, 2.5]


def test_raw_bytes_pass_through_untouched() -> None:
    message = to_mx_value(bytearray(b"\x00\xffrecord"))
    assert message.raw_value == b"\x00\xffrecord"
    assert from_mx_value(message) == b"\x00\xffrecord"


def test_an_empty_array_is_an_array_not_an_empty_value() -> None:
    message = to_mx_value([], "int32[]")
    assert mx_value_kind(message) == "int32[]"
    assert from_mx_value(message) == []


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("type_name", [None, "double", "float"])
def test_nan_and_infinity_are_refused_as_scalars(bad: float, type_name: str | None) -> None:
    with pytest.raises(ValueError, match="NaN or infinity"):
        to_mx_value(bad, type_name)


@pytest.mark.parametrize("type_name", [None, "double[]", "float[]"])
def test_nan_and_infinity_are_refused_inside_arrays(type_name: str | None) -> None:
    with pytest.raises(ValueError, match=r"element 2: .*NaN or infinity"):
        to_mx_value([1.0, 2.0, math.nan], type_name)
    with pytest.raises(ValueError, match="NaN or infinity"):
        to_mx_value([math.inf], type_name)


@pytest.mark.parametrize(
    ("value", "type_name", "kind"),
    [
        (5, "int64", "int64"),
        (5, "double", "double"),
        (5, "float", "float"),
        (1, "bool", "bool"),
        (3.0, "int32", "int32"),
        ([1, 2], "double[]", "double[]"),
        ("x", "str", "string"),
        (7, "Int", "int32"),
        (MOMENT, "timestamp", "datetime"),
    ],
)
def test_an_explicit_type_sets_the_wire_type(value: object, type_name: str, kind: str) -> None:
    assert mx_value_kind(to_mx_value(value, type_name)) == kind


@pytest.mark.parametrize(
    ("value", "type_name", "message"),
    [
        (2**31, "int32", "out of range for int32"),
        (-(2**31) - 1, "int32", "out of range for int32"),
        (2**63, "int64", "out of range for int64"),
        (2**63, None, "out of range for int64"),
        (1e39, "float", "out of range for float"),
        (1.5, "int32", "not a whole number"),
        ("12", "int32", "is not an int32"),
        (True, "int32", "is not an int32"),
        (2, "bool", "is not a bool"),
        (1, "string", "is not a string"),
        ("2024-01-01", "datetime", "is not a datetime"),
        (5, "int32[]", "is not a list"),
        ([1], "int32", "use int32\\[\\] for an array"),
        ([1, "a"], None, "share one type"),
        ([], None, "empty array needs a type name"),
        (object(), None, "cannot send a object"),
        (5, "quaternion", "unknown type 'quaternion'"),
    ],
)
def test_values_that_do_not_fit_raise_value_error(
    value: object, type_name: str | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        to_mx_value(value, type_name)


def test_an_mx_value_passes_through_as_a_copy() -> None:
    original = to_mx_value(3)
    copy = to_mx_value(original)
    assert copy == original and copy is not original


def test_type_names_are_normalised_and_listed() -> None:
    assert normalize_type_name(" Boolean ") == "bool"
    assert normalize_type_name("long[]") == "int64[]"
    assert {"bool", "int32", "int64", "float", "double", "string", "datetime"} <= set(TYPE_NAMES)
    assert {"int32[]", "string[]", "datetime[]"} <= set(TYPE_NAMES)
    assert "bytes[]" not in TYPE_NAMES


def test_galaxy_data_types_map_to_type_names() -> None:
    assert type_name_for(types.MX_DATA_TYPE_DOUBLE) == "double"
    assert type_name_for(types.MX_DATA_TYPE_INTEGER, is_array=True) == "int32[]"
    assert type_name_for(types.MX_DATA_TYPE_QUALIFIED_STRUCT) is None


# parse_value_text ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("On", True),
        ("YES", True),
        ("1", True),
        ("false", False),
        ("off", False),
        ("no", False),
        ("0", False),
    ],
)
def test_bool_words_parse_with_the_bool_type(text: str, expected: bool) -> None:
    assert parse_value_text(text, "bool") is expected


@pytest.mark.parametrize(
    ("text", "type_name", "expected"),
    [
        ("42", "int32", 42),
        (" -7 ", "int64", -7),
        ("0x10", "int32", 16),
        ("2.5", "double", 2.5),
        ("3", "float", 3.0),
        ("  spaced text ", "string", "  spaced text "),
        ("2024-05-01T12:30:15.25Z", "datetime", MOMENT),
        ("0a1b", "bytes", b"\x0a\x1b"),
        ("1, 2,3", "int32[]", [1, 2, 3]),
        ("[1, 2, 3]", "int64[]", [1, 2, 3]),
        ('[true, "off"]', "bool[]", [True, False]),
        ("a, b", "string[]", ["a", "b"]),
        ('["a,b", "c"]', "string[]", ["a,b", "c"]),
        ("", "double[]", []),
        ("[]", "int32[]", []),
        ("2024-05-01T12:30:15.25Z,2024-05-01T14:30:15.25+02:00", "datetime[]", [MOMENT, MOMENT]),
    ],
)
def test_typed_text_converts_strictly(text: str, type_name: str, expected: object) -> None:
    assert parse_value_text(text, type_name) == expected


@pytest.mark.parametrize(
    ("text", "type_name", "message"),
    [
        ("maybe", "bool", "is not a bool"),
        ("4.5", "int32", "is not an integer"),
        ("3000000000", "int32", "out of range for int32"),
        ("abc", "double", "is not a number"),
        ("nan", "double", "NaN or infinity"),
        ("-inf", "float", "NaN or infinity"),
        ("1e39", "float", "out of range for float"),
        ("2024-05-01 12:00", "datetime", "no UTC offset"),
        ("yesterday", "datetime", "not an RFC 3339 time"),
        ("1,x,3", "int32[]", "'x' is not an integer"),
        ("[1, 2", "int32[]", "not a valid JSON list"),
        ("[1.5]", "int32[]", "element 0: .*whole number"),
        ("1,nan", "double[]", "NaN or infinity"),
        ("zz", "bytes", "not hex bytes"),
    ],
)
def test_typed_text_that_does_not_fit_raises(text: str, type_name: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_value_text(text, type_name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("Off", False),
        ("42", 42),
        ("1", 1),
        ("-3", -3),
        ("2.5", 2.5),
        ("1e3", 1000.0),
        ("Tank1.Level", "Tank1.Level"),
        ("[1, 2.5]", [1, 2.5]),
        ("", ""),
    ],
)
def test_untyped_text_is_inferred(text: str, expected: object) -> None:
    value = parse_value_text(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-Infinity", "1e999", "[1, NaN]"])
def test_untyped_text_refuses_nan_and_infinity(text: str) -> None:
    with pytest.raises(ValueError, match="NaN or infinity"):
        parse_value_text(text)


def test_parsed_text_feeds_to_mx_value() -> None:
    assert mx_value_kind(to_mx_value(parse_value_text("5000000000"))) == "int64"
    assert mx_value_kind(to_mx_value(parse_value_text("1,2", "float[]"), "float[]")) == "float[]"


# Odd stamps: before 1970, the first and last second datetime holds, nanos that round
# toward zero, and two stamps of one second (the second answered from the cache).
ODD_STAMPS = [
    (0, 0),
    (-1, 999_999_999),
    (-86_400 * 365 * 50, 1),
    (-62_135_596_800, 0),
    (253_402_300_799, 999_999_999),
    (1_795_605_674, 322_919_152),
    (1_795_605_674, 323_141_909),
    (1_795_605_674, 999),
    (1_795_605_674, 1_000),
]


@pytest.mark.parametrize(("seconds", "nanos"), ODD_STAMPS)
def test_timestamps_convert_as_protobuf_converts_them(seconds: int, nanos: int) -> None:
    stamp = Timestamp(seconds=seconds, nanos=nanos)
    expected = stamp.ToDatetime(tzinfo=UTC)
    for _ in range(2):  # the first time works the second out, the next one remembers it
        for moment in (timestamp_datetime(stamp), utc_datetime(seconds, nanos)):
            assert moment == expected
            assert moment.tzinfo is expected.tzinfo
            assert moment.microsecond == expected.microsecond


@pytest.mark.parametrize(
    ("seconds", "nanos"),
    [
        (-62_135_596_801, 0),
        (253_402_300_800, 0),
        (0, -1),
        (0, 1_000_000_000),
        (1_795_605_674, -1),  # a second already remembered, with nanos out of range
    ],
)
def test_timestamps_out_of_range_raise_protobufs_own_error(seconds: int, nanos: int) -> None:
    utc_datetime(1_795_605_674, 0)
    stamp = Timestamp(seconds=seconds, nanos=nanos)
    with pytest.raises(ValueError) as expected:
        stamp.ToDatetime(tzinfo=UTC)
    for convert in (lambda: timestamp_datetime(stamp), lambda: utc_datetime(seconds, nanos)):
        with pytest.raises(ValueError) as raised:
            convert()
        assert str(raised.value) == str(expected.value)


def test_the_seconds_remembered_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(value_decode, "_SECONDS", {})
    monkeypatch.setattr(value_decode, "_SECONDS_LIMIT", 3)
    for seconds in range(10):
        assert utc_datetime(seconds, 5_000) == Timestamp(seconds=seconds, nanos=5_000).ToDatetime(
            tzinfo=UTC
        )
        assert len(value_decode._SECONDS) <= 3


def _float32_of(number: float) -> float:
    return struct.unpack("<f", struct.pack("<f", number))[0]


def test_float32_values_come_back_as_the_shortest_decimal_that_is_the_same_float32() -> None:
    drifting = random.Random(7)
    singles = [_float32_of(drifting.uniform(-1e4, 1e4)) for _ in range(2000)]
    singles += [_float32_of(x) for x in (0.1, 1.2, 9.007e15, 3.4e38, 1.17549435e-38, 1e-45)]
    for single in singles:
        shown = from_mx_value(types.MxValue(float_value=single))
        assert _float32_of(shown) == single
        if abs(single) < 1.17549435e-38:
            continue  # subnormal: the same float32, but not always the shortest (1.4013e-45)
        # No decimal of fewer significant digits is the same float32.
        digits = len(f"{shown:.9e}".split("e")[0].replace("-", "").replace(".", "").rstrip("0"))
        if digits > 1:
            shorter = float(f"{single:.{digits - 1}g}")
            assert _float32_of(shorter) != single, (single, shown)


@pytest.mark.parametrize("seed", range(5))
def test_utc_text_is_the_datetimes_isoformat_every_time(seed: int) -> None:
    pick = random.Random(seed)
    for _ in range(2000):
        seconds = pick.randint(-(10**9), 4 * 10**9)
        nanos = pick.choice([0, 999, 1000, 999_999_999, pick.randint(0, 999_999_999)])
        for _ in range(2):  # the first call fills the cache of seconds, the second uses it
            made = value_decode.utc_datetime(seconds, nanos).isoformat()
            assert value_decode.utc_text(seconds, nanos) == made


@pytest.mark.parametrize(
    ("type_name", "texts"),
    [
        ("double", ["1.5", " 2 ", "-0.25", "1e3", "1_000"]),
        ("float", ["1.5", "3e38"]),
        ("int32", ["42", " -7 ", "0x10"]),
        ("int64", ["9000000000"]),
        ("bool", ["true", "0", "Yes"]),
        ("string", [" padded ", "0042", ""]),
        ("bytes", ["0a1b"]),
        ("datetime", ["2026-01-31T12:00:00Z"]),
        ("int32[]", ["1,2,3", "[4, 5]"]),
    ],
)
def test_texts_of_one_type_convert_as_each_text_alone_does(
    type_name: str, texts: list[str]
) -> None:
    together = texts_to_mx_values(texts, type_name)
    alone = [to_mx_value(parse_value_text(text, type_name), type_name) for text in texts]
    assert together == alone


@pytest.mark.parametrize(
    ("type_name", "texts"),
    [
        ("double", ["1.5", "x"]),
        ("double", ["1.5", "nan"]),
        ("float", ["1e39"]),
        ("int32", ["1", "3000000000"]),
        ("bool", ["maybe"]),
    ],
)
def test_texts_of_one_type_refuse_a_bad_one_as_it_alone_is_refused(
    type_name: str, texts: list[str]
) -> None:
    with pytest.raises(ValueError) as together:
        texts_to_mx_values(texts, type_name)
    with pytest.raises(ValueError) as alone:
        to_mx_value(parse_value_text(texts[-1], type_name), type_name)
    assert str(together.value) == str(alone.value)


def test_a_scalar_column_reads_as_its_mx_values_and_slices_as_a_column() -> None:
    column = texts_to_mx_values(["1.5", " 2 ", "-0.25"], "double")
    assert isinstance(column, ScalarColumn)
    assert (column.field, column.values) == ("double_value", [1.5, 2.0, -0.25])
    assert column[1] == to_mx_value(2.0, "double")
    part = column[1:]
    assert isinstance(part, ScalarColumn) and part.values == [2.0, -0.25]
    assert list(part) == [to_mx_value(2.0, "double"), to_mx_value(-0.25, "double")]
    assert texts_to_mx_values(["on", "0"], "bool") == [to_mx_value(True), to_mx_value(False)]
