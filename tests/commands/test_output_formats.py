"""The output formats besides table and json: vertical, csv, tsv and plain, each with the
cells the table shows, for a Table, a mapping, a Text and an empty table."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest

from mxshell.commands import (
    FAILED,
    REDACTED,
    Outcome,
    Settings,
    Table,
    Text,
    render,
    render_result,
)
from mxshell.output import FORMATS

MOMENT = datetime(2025, 1, 6, 12, 30, 0, 123000, tzinfo=UTC)
TABLE = Table(
    ["tag", "value", "quality", "timestamp"],
    [
        ("Tank1.Level", 3.5, "Good (192)", MOMENT),
        ("Pump1.Running", True, "Good (192)", None),
        ("Pump1.Name", 'a "quoted", name', "Bad (0)", MOMENT),
    ],
)
# The cells as `table` shows them: each format must give these same texts.
CELLS = [
    ["Tank1.Level", "3.5", "Good (192)", "2025-01-06 12:30:00.123Z"],
    ["Pump1.Running", "true", "Good (192)", "-"],
    ["Pump1.Name", 'a "quoted", name', "Bad (0)", "2025-01-06 12:30:00.123Z"],
]


def settings(output: str) -> Settings:
    shown = Settings()
    shown.set("output", output)
    shown.set("timestamps", "utc")
    return shown


def rendered(value: Any, output: str, secrets: frozenset[str] = frozenset()) -> str:
    return render_result(value, settings(output), secrets)


def test_every_format_is_a_choice_of_the_output_setting() -> None:
    assert FORMATS == ("table", "vertical", "csv", "tsv", "json", "plain")
    for name in FORMATS:
        assert settings(name).output == name


@pytest.mark.parametrize(("output", "dialect"), [("csv", "excel"), ("tsv", "excel-tab")])
def test_csv_and_tsv_parse_back_to_the_tables_header_and_cells(output: str, dialect: str) -> None:
    rows = list(csv.reader(io.StringIO(rendered(TABLE, output)), dialect=dialect))
    assert rows == [list(TABLE.columns), *CELLS]


def test_the_cells_are_the_ones_the_table_format_shows() -> None:
    table_text = rendered(TABLE, "table")
    for row in CELLS:
        for cell in row:
            assert cell in table_text


def test_plain_is_the_values_alone_tab_separated_without_a_header() -> None:
    lines = rendered(TABLE, "plain").splitlines()
    assert [line.split("\t") for line in lines] == CELLS


def test_plain_keeps_one_row_per_line_when_a_value_holds_a_tab_or_a_line_break() -> None:
    table = Table(["tag", "value"], [("Pump1.Note", "two\tparts\nand a line")])
    assert rendered(table, "plain") == "Pump1.Note\ttwo parts and a line"


def test_vertical_is_one_column_value_line_per_cell_with_records_apart() -> None:
    assert rendered(TABLE, "vertical").splitlines() == [
        "-[ RECORD 1 ]-",
        "tag      : Tank1.Level",
        "value    : 3.5",
        "quality  : Good (192)",
        "timestamp: 2025-01-06 12:30:00.123Z",
        "-[ RECORD 2 ]-",
        "tag      : Pump1.Running",
        "value    : true",
        "quality  : Good (192)",
        "timestamp: -",
        "-[ RECORD 3 ]-",
        "tag      : Pump1.Name",
        'value    : a "quoted", name',
        "quality  : Bad (0)",
        "timestamp: 2025-01-06 12:30:00.123Z",
    ]


DICT = {"mxshell": "0.1.0", "connected": False, "items": 3, "since": MOMENT}
DICT_CELLS = [
    ["mxshell", "0.1.0"],
    ["connected", "false"],
    ["items", "3"],
    ["since", "2025-01-06 12:30:00.123Z"],
]


def test_a_mapping_is_key_value_rows_under_a_header_in_csv_and_tsv() -> None:
    assert list(csv.reader(io.StringIO(rendered(DICT, "csv")))) == [["key", "value"], *DICT_CELLS]
    tsv = rendered(DICT, "tsv")
    assert list(csv.reader(io.StringIO(tsv), dialect="excel-tab")) == [
        ["key", "value"],
        *DICT_CELLS,
    ]


def test_a_mapping_is_one_record_in_vertical_and_bare_pairs_in_plain() -> None:
    assert rendered(DICT, "vertical").splitlines() == [
        "mxshell  : 0.1.0",
        "connected: false",
        "items    : 3",
        "since    : 2025-01-06 12:30:00.123Z",
    ]
    assert [line.split("\t") for line in rendered(DICT, "plain").splitlines()] == DICT_CELLS


@pytest.mark.parametrize("output", ["vertical", "csv", "tsv", "plain"])
def test_a_text_is_its_text_in_every_row_format(output: str) -> None:
    text = Text("usage: sleep DURATION\n\nWait for a while.", {"name": "sleep"})
    assert rendered(text, output) == "usage: sleep DURATION\n\nWait for a while."
    assert rendered("a message, as echo returns it", output) == "a message, as echo returns it"


def test_an_empty_table_is_its_header_in_csv_and_tsv_and_says_so_in_vertical() -> None:
    empty = Table(["tag", "value"], [])
    assert rendered(empty, "csv") == "tag,value"
    assert rendered(empty, "tsv") == "tag\tvalue"
    assert rendered(empty, "vertical") == "(0 rows)"
    assert rendered(empty, "plain") == ""


def test_a_list_of_records_is_a_table_of_their_keys() -> None:
    records = [{"tag": "A.B", "value": 1}, {"tag": "C.D", "quality": "Good"}]
    assert list(csv.reader(io.StringIO(rendered(records, "csv")))) == [
        ["tag", "value", "quality"],
        ["A.B", "1", "-"],
        ["C.D", "-", "Good"],
    ]


@pytest.mark.parametrize("output", ["vertical", "csv", "tsv", "plain"])
def test_secrets_are_masked_in_every_row_format(output: str) -> None:
    table = Table(["user", "password", "note"], [("op", "hunter2", "hunter2")])
    text = rendered(table, output, frozenset({"hunter2"}))
    assert "hunter2" not in text and REDACTED in text
    assert "hunter2" not in rendered({"api_key": "k3y", "note": "x"}, output)


def test_a_title_is_left_out_of_csv_so_it_parses() -> None:
    table = Table(["tag"], [("A.B",)], title="Snapshot 1")
    assert rendered(table, "csv") == "tag\nA.B"


def test_a_failure_is_its_one_line_and_timing_stays_out_of_the_rows() -> None:
    failed = Outcome("read", "read X", False, error="no such tag", status=FAILED)
    shown = settings("csv")
    assert render(failed, shown) == "read: no such tag"
    shown.set("timing", "on")
    done = Outcome("read", "read", True, result=Table(["tag"], [("A.B",)]), elapsed=0.5)
    assert render(done, shown) == "tag\nA.B"
