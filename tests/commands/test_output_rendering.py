"""Rendering results: aligned text for people, one deterministic JSON object per command."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from mxshell.commands import (
    FAILED,
    REDACTED,
    Dispatcher,
    Outcome,
    Secret,
    Settings,
    Table,
    Text,
    format_value,
    render,
    render_json,
    render_result,
    render_text,
    to_data,
)
from mxshell.output import LazyRows


def ok(result: Any, command: str = "demo") -> Outcome:
    return Outcome(command, command, True, result=result, elapsed=0.25)


def test_a_table_has_aligned_columns_and_right_aligned_numbers() -> None:
    table = Table(["tag", "value", "quality"], [("Tank1.Level", 3.5, "Good"), ("P1.On", 12, None)])
    assert render_result(table, Settings()).splitlines() == [
        "tag          value  quality",
        "-----------  -----  -------",
        "Tank1.Level    3.5  Good",
        "P1.On           12  -",
    ]


def test_a_table_row_must_fit_the_columns() -> None:
    with pytest.raises(ValueError, match="2 cells"):
        Table(["a", "b"], [(1,)])
    # The first row that does not fit is the one named, wherever it is.
    with pytest.raises(ValueError, match=r"row \[5, 6, 7\] does not have 2 cells"):
        Table(["a", "b"], [(1, 2), (3, 4), (5, 6, 7), (8,)])


def test_lazy_rows_are_built_when_first_shown_and_only_once() -> None:
    built: list[int] = []

    def build() -> list[tuple[Any, ...]]:
        built.append(1)
        return [("Tank1.Level", 3.5), ("P1.On", 12)]

    table = Table(["tag", "value"], LazyRows(2, 2, build))
    assert built == [] and len(table.rows) == 2  # counted without being built
    text = render_result(table, Settings())
    assert "Tank1.Level    3.5" in text and "P1.On" in text
    assert render_json(ok(table))
    assert built == [1]


def test_lazy_rows_that_do_not_fit_are_refused() -> None:
    with pytest.raises(ValueError, match="rows of 3 cells under 2 columns"):
        Table(["a", "b"], LazyRows(1, 3, lambda: [(1, 2, 3)]))
    rows = LazyRows(2, 2, lambda: [(1, 2)])  # one row short of its count
    with pytest.raises(ValueError, match="built 1 rows, not 2"):
        list(rows)


def test_a_mapping_renders_as_key_value_lines() -> None:
    text = render_result(
        {"endpoint": "localhost:5000", "capabilities": ["bulk-read-commands", "x"], "gaps": 0},
        Settings(),
    )
    assert text.splitlines() == [
        "endpoint      localhost:5000",
        "capabilities  bulk-read-commands, x",
        "gaps          0",
    ]


def test_a_list_of_mappings_renders_as_a_table() -> None:
    text = render_result([{"a": 1, "b": True}, {"a": 22, "b": False}], Settings())
    assert text.splitlines() == ["a   b", "--  -----", " 1  true", "22  false"]


def test_nothing_and_text_render_as_themselves() -> None:
    assert render_result(None, Settings()) == ""
    assert render_result("hello", Settings()) == "hello"
    assert render_result(Text("help text", {"name": "x"}), Settings()) == "help text"


def test_a_text_shows_its_text_with_secrets_masked_and_its_data_only_in_json() -> None:
    said = Text("token abc123 set", {"token": "abc123", "n": 1})
    assert render_result(said, Settings(), {"abc123"}) == f"token {REDACTED} set"
    shown = json.loads(render_json(Outcome("let", "let", True, result=said), {"abc123"}))
    assert shown["result"] == {"token": REDACTED, "n": 1}


def test_timestamps_follow_the_setting_in_text() -> None:
    moment = datetime(2026, 1, 31, 12, 0, 1, 250000)  # naive: UTC, as the gateway's are
    assert render_result(moment, Settings(timestamps="utc")) == "2026-01-31 12:00:01.250Z"
    local = render_result(moment, Settings(timestamps="local"))
    there = moment.replace(tzinfo=UTC).astimezone()
    offset = there.strftime("%z")
    expected = there.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + f"{offset[:3]}:{offset[3:]}"
    assert local == expected
    assert datetime.fromisoformat(local) == moment.replace(tzinfo=UTC)  # one instant


def test_json_is_one_line_one_object_with_sorted_keys() -> None:
    text = render_json(ok({"z": 1, "a": [1, 2], "m": {"y": None, "b": "x"}}))
    assert "\n" not in text
    assert text == (
        '{"command": "demo", "ok": true, "result": {"a": [1, 2], "m": {"b": "x", "y": null}, '
        '"z": 1}}'
    )


def test_json_is_deterministic_whatever_the_insertion_order() -> None:
    first = render_json(ok({"b": 1, "a": {"d": 2, "c": 3}, "s": {3, 1, 2}}))
    second = render_json(ok({"a": {"c": 3, "d": 2}, "b": 1, "s": {2, 3, 1}}))
    assert first == second


def test_json_leaves_out_the_elapsed_time() -> None:
    assert "elapsed" not in render_json(ok(1))


def test_json_failure_object() -> None:
    outcome = Outcome(
        "write", "write x", False, error="not connected to a gateway; use connect", status=FAILED
    )
    assert json.loads(render_json(outcome)) == {
        "command": "write",
        "ok": False,
        "error": "not connected to a gateway; use connect",
    }


class Quality(enum.Enum):
    GOOD = 192


@dataclass
class Reading:
    tag: str
    value: float
    at: datetime
    raw: bytes
    quality: Quality
    age: timedelta
    _cache: int = 0
    hidden: str = field(default="x", repr=False)


def test_json_values_rfc3339_base64_dataclasses_enums() -> None:
    reading = Reading(
        "Tank1.Level",
        2.5,
        datetime(2026, 1, 31, 13, 0, 0, 5, tzinfo=timezone(timedelta(hours=1))),
        b"\x00\xff",
        Quality.GOOD,
        timedelta(milliseconds=1500),
    )
    assert to_data(reading) == {
        "tag": "Tank1.Level",
        "value": 2.5,
        "at": "2026-01-31T12:00:00.000005Z",
        "raw": "AP8=",
        "quality": 192,
        "age": 1.5,
    }


def test_json_never_holds_nan_or_infinity_literals() -> None:
    text = render_json(ok([float("nan"), float("inf"), -float("inf")]))
    assert json.loads(text)["result"] == ["NaN", "Infinity", "-Infinity"]


def test_a_table_in_json_is_columns_and_row_objects() -> None:
    data = to_data(Table(["name", "n"], [("a", 1)], title="t"))
    assert data == {"columns": ["name", "n"], "rows": [{"name": "a", "n": 1}], "title": "t"}


@dataclass
class Credentials:
    user: str
    password: str
    verifier: str = field(default="v", metadata={"secret": True})


def test_secret_fields_never_print_in_text_or_json() -> None:
    result = {
        "login": Credentials("operator", "hunter2"),
        "api_key": "k-123",
        "wrapped": Secret("s3cret"),
        "rows": Table(["user", "token"], [("op", "tok-9")]),
        "secret": True,  # a flag named like a secret is not one
    }
    for text in (render_result(result, Settings()), render_json(ok(result))):
        for leaked in ("hunter2", "k-123", "s3cret", "tok-9", "'v'"):
            assert leaked not in text
        assert REDACTED in text and "operator" in text
    assert json.loads(render_json(ok(result)))["result"]["secret"] is True
    assert repr(Secret("s3cret")) == REDACTED and Secret("s3cret").reveal() == "s3cret"


def test_failure_text_hints_at_the_traceback_unless_debug_is_on() -> None:
    outcome = Outcome(
        "read",
        "read x",
        False,
        error="plugin p: command read failed: KeyError: 'x'",
        status=FAILED,
        traceback="Traceback (most recent call last):\n  ...\n",
    )
    assert render_text(outcome, Settings()).endswith("(set debug on to see the traceback)")
    assert "Traceback (most recent" in render_text(outcome, Settings(debug=True))


def test_timing_leaves_the_result_as_it_is() -> None:
    # The time is the shell's own line on stderr (ShellRuntime.show), said once, never in
    # the result: files, pipes and output-to get the result alone.
    assert render_text(ok("x"), Settings(timing=True)) == "x"


async def test_timing_is_said_once_a_command_on_stderr() -> None:
    from mxshell.testing import ShellRunner

    shell = ShellRunner()
    await shell.run("set timing on")
    result = await shell.run("echo hi")
    assert result.out == ["hi"]
    (line,) = result.err
    assert line.startswith("(") and line.endswith(" ms)")


def test_render_follows_the_output_setting() -> None:
    assert render(ok("x"), Settings(output="json")) == render_json(ok("x"))
    assert render(ok("x"), Settings()) == "x"


async def test_every_command_of_a_line_prints_exactly_one_json_object(
    dispatcher: Dispatcher,
) -> None:
    outcomes = await dispatcher.run_line("ai Tank1.Level; ai --help; wrte x", stop_on_error=False)
    printed = [render_json(o) for o in outcomes]
    assert len(printed) == 3
    objects = [json.loads(p) for p in printed]
    assert [(o["command"], o["ok"]) for o in objects] == [
        ("add-item", True),
        ("add-item", True),
        ("wrte", False),
    ]
    again = [
        render_json(o)
        for o in await dispatcher.run_line("ai Tank1.Level; ai --help; wrte x", stop_on_error=False)
    ]
    assert again == printed


def test_under_debug_a_crash_shows_its_traceback_once() -> None:
    from mxshell.output.outcome import FAILED, Outcome
    from mxshell.testing import ShellRunner

    shell = ShellRunner(Settings(debug=True), no_plugins=True)
    trace = "Traceback (most recent call last):\nZeroDivisionError: division by zero"
    shell.runtime.show(Outcome("x", "x", False, error="boom", status=FAILED, traceback=trace))
    assert "\n".join(shell.err).count("Traceback (most recent call last)") == 1


def test_doubles_print_to_the_precision_setting_and_short_ones_as_they_are() -> None:
    settings = Settings()
    assert format_value(48.23456789123, settings) == "48.2346"
    assert format_value(1250.0, settings) == "1250.0"
    assert format_value(0.1, settings) == "0.1"
    settings.set("precision", "3")
    assert format_value(48.23456789123, settings) == "48.2"
    assert format_value(48.23456789123) == "48.23456789123"  # no settings: every digit


def test_csv_keeps_every_digit_and_every_item_the_table_cuts() -> None:
    table = Table(["tag", "value", "levels"], [["T.L", 48.23456789123, list(range(12))]])
    shown = render_result(table, Settings())
    assert "48.2346" in shown and "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, … (12 items)]" in shown
    as_csv = render_result(table, Settings(output="csv"))
    assert "48.23456789123" in as_csv and ", 11]" in as_csv


def test_arrays_print_in_brackets_with_the_count_when_cut() -> None:
    assert format_value([1, 2, 3], Settings()) == "[1, 2, 3]"
    assert format_value(list(range(100)), Settings()).endswith(", 9, … (100 items)]")
    assert format_value([True, None], Settings()) == "[true, -]"


@pytest.mark.parametrize(
    ("elapsed", "text"),
    [
        (timedelta(hours=1, minutes=2, seconds=3.5), "01:02:03.500"),
        (timedelta(milliseconds=1500), "00:00:01.500"),
        (timedelta(days=7), "7d 00:00:00.000"),
        (timedelta(seconds=-90), "-00:01:30.000"),
    ],
)
def test_elapsed_times_print_as_durations(elapsed: timedelta, text: str) -> None:
    assert format_value(elapsed, Settings()) == text


def test_an_enum_prints_its_name_with_its_number() -> None:
    class Mode(enum.IntEnum):
        Running = 2

    assert format_value(Mode.Running, Settings()) == "Running (2)"


@pytest.mark.parametrize("zone", ["UTC0", "EST5EDT,M3.2.0,M11.1.0", "IST-5:30", "NPT-5:45"])
def test_a_time_prints_with_milliseconds_and_its_zone_said(
    zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from mxshell.output.formatting import format_timestamp, rfc3339

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        for moment in (
            datetime(2025, 1, 6, 8, 0, 1, 250999, tzinfo=UTC),  # milliseconds cut, not rounded
            datetime(2025, 7, 6, 23, 59, 59, 999999),  # naive: UTC
            datetime(2025, 3, 9, 7, 0, tzinfo=timezone(timedelta(hours=2))),
        ):
            utc = moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(UTC)
            local = utc.astimezone()
            offset = local.strftime("%z")
            assert format_timestamp(moment) == local.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + (
                f"{offset[:3]}:{offset[3:]}"
            )
            shown = utc.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + "Z"
            assert format_timestamp(moment, "utc") == shown
            assert rfc3339(moment) == utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        assert format_timestamp(datetime(2025, 1, 6, 8, 0, 1, 250999), "utc") == (
            "2025-01-06 08:00:01.250Z"
        )
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_result_renders_itself_by_its_class_or_by_its_own_methods() -> None:
    from types import SimpleNamespace

    from mxshell.output.results import renders_itself

    @dataclass
    class Gauge:
        level: float

        def as_text(self, format_value: Any) -> str:
            return f"level {format_value(self.level)}"

        def as_data(self) -> Any:
            return {"level": self.level}

    own = SimpleNamespace(as_text=lambda format_value: "own", as_data=lambda: "own")
    assert renders_itself(Gauge(1.5)) and renders_itself(Text("x")) and renders_itself(own)
    assert not any(renders_itself(v) for v in ({}, [], 1.5, datetime.now(UTC), None))
    settings = Settings()
    assert render_result(Gauge(1.5), settings) == "level 1.5"
    assert render_result(own, settings) == "own"
    assert to_data(Gauge(1.5)) == {"level": 1.5}
