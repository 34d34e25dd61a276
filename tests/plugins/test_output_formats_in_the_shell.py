"""`set output` and `--format` in a running shell: a read's table in every format gives
the values the table format shows, and CSV parses back with the csv module."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from mxshell.commands import Table, format_value
from mxshell.output import Whole
from mxshell.testing import ShellRunner
from tests.test_cli import run_cli

READ = "read Tank1.Level Tank2.Level"


def cells(table: Table, shell: ShellRunner, *, whole: bool = False) -> list[list[str]]:
    """The table's cells as text; `whole`: as CSV and TSV give them (every digit)."""
    settings = shell.context.settings
    shown = Whole(timestamps=settings.timestamps) if whole else settings
    return [[format_value(v, shown) for v in row] for row in table.rows]


@pytest.mark.parametrize(("output", "dialect"), [("csv", "excel"), ("tsv", "excel-tab")])
async def test_a_read_in_csv_and_tsv_parses_back_to_its_tables_values(
    mx_shell: ShellRunner, output: str, dialect: str
) -> None:
    assert (await mx_shell.run(f"set output {output}")).ok
    run = await mx_shell.run(READ)
    table = run.result
    assert isinstance(table, Table) and run.ok
    rows = list(csv.reader(io.StringIO(run.text), dialect=dialect))
    assert rows == [list(table.columns), *cells(table, mx_shell, whole=True)]
    assert [row[0] for row in rows[1:]] == ["Tank1.Level", "Tank2.Level"]


async def test_plain_and_vertical_show_the_same_values(mx_shell: ShellRunner) -> None:
    await mx_shell.run("set output plain")
    run = await mx_shell.run(READ)
    assert [line.split("\t") for line in run.text.splitlines()] == cells(run.result, mx_shell)
    await mx_shell.run("set output vertical")
    run = await mx_shell.run(READ)
    expected = cells(run.result, mx_shell)
    records = run.text.split("-[ RECORD ")[1:]
    assert len(records) == 2
    for record, row in zip(records, expected, strict=True):
        values = [line.split(": ", 1)[1] for line in record.splitlines()[1:]]
        assert values == row


async def test_a_dict_a_text_and_an_empty_table_in_csv(mx_shell: ShellRunner) -> None:
    await mx_shell.run("set output csv")
    shown = await mx_shell.run("show timestamps")
    assert list(csv.reader(io.StringIO(shown.text))) == [["key", "value"], ["timestamps", "local"]]
    echoed = await mx_shell.run("echo 'a, b'")
    assert echoed.text == "a, b"  # a message is text, not a row to quote
    empty = await mx_shell.run("alias")
    assert empty.text == "alias,expansion"


async def test_json_stays_as_it_was(mx_shell: ShellRunner) -> None:
    await mx_shell.run("set output json")
    run = await mx_shell.run(READ)
    data = json.loads(run.text)
    assert data["command"] == "read" and len(data["result"]["rows"]) == 2


async def test_a_bad_format_is_one_line_naming_the_choices(mx_shell: ShellRunner) -> None:
    run = await mx_shell.run("set output xml")
    assert not run.ok and run.errors.count("\n") == 0
    assert "table, vertical, csv, tsv, json, plain" in run.errors


# through the real command line ------------------------------------------------------


def test_format_csv_on_the_command_line_parses_back_with_the_csv_module(tmp_path: Path) -> None:
    run = run_cli(tmp_path, "--format", "csv", "-c", READ)
    assert run.returncode == 0, run.stderr
    rows = list(csv.reader(io.StringIO(run.stdout)))
    assert rows[0] == ["tag", "value", "quality", "timestamp"]
    assert [row[0] for row in rows[1:]] == ["Tank1.Level", "Tank2.Level"]
    for row in rows[1:]:
        assert float(row[1]) >= 0 and row[2] == "Good (192)" and row[3][:2] == "20"


def test_the_same_read_gives_the_same_values_as_a_table_and_as_csv(tmp_path: Path) -> None:
    line = "write Pump1.Speed.SP 1250 --type double; read Pump1.Speed.SP --timeout 5"
    as_csv = run_cli(tmp_path, "--format", "csv", "-c", line)
    as_table = run_cli(tmp_path, "--format", "table", "-c", line)
    assert as_csv.returncode == 0 and as_table.returncode == 0, as_csv.stderr + as_table.stderr
    rows = [r for r in csv.reader(io.StringIO(as_csv.stdout)) if r and r[0] == "Pump1.Speed.SP"]
    table_row = next(x for x in as_table.stdout.splitlines() if x.startswith("Pump1.Speed.SP"))
    tag, value, quality, _ = rows[0]
    assert (tag, value, quality) == ("Pump1.Speed.SP", "1250.0", "Good (192)")
    assert table_row.split()[:4] == ["Pump1.Speed.SP", "1250.0", "Good", "(192)"]


@pytest.mark.parametrize("output", ["vertical", "tsv", "plain"])
def test_every_format_runs_from_the_command_line(tmp_path: Path, output: str) -> None:
    run = run_cli(tmp_path, "--format", output, "-c", "show output")
    assert run.returncode == 0, run.stderr
    assert output in run.stdout


def test_json_and_a_different_format_together_is_a_usage_error(tmp_path: Path) -> None:
    run = run_cli(tmp_path, "--json", "--format", "csv", "-c", "version")
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and run.stdout == ""


def test_an_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    run = run_cli(tmp_path, "--format", "xml", "-c", "version")
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert "csv" in run.stderr


def test_the_config_files_output_takes_the_new_formats(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text('output = "tsv"\n')
    run = run_cli(tmp_path, "-c", "show output")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["key\tvalue", "output\ttsv"]
    flagged = run_cli(tmp_path, "--format", "plain", "-c", "show output")
    assert flagged.stdout.splitlines() == ["output\tplain"]


def test_a_reader_that_goes_away_ends_the_shell_quietly_as_a_filter(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import shell_env
    from tests.test_cli import LAUNCH

    line = "find '*'; sleep 0.5; find '*'"
    shell = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "--format", "plain", "-c", line],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=shell_env(tmp_path),
    )
    assert shell.stdout is not None and shell.stderr is not None
    assert shell.stdout.read(10)  # as `| head -c 10`: read a little, then close
    shell.stdout.close()
    assert shell.wait(timeout=60) == 141
    assert shell.stderr.read() == b""  # no traceback, no "Broken pipe" line


async def test_streamed_snapshots_in_csv_are_one_table_with_one_header(
    mx_shell: ShellRunner,
) -> None:
    await mx_shell.run("set output csv")
    run = await mx_shell.run("watch Tank1.Level Tank2.Level --for 1.2 --interval 0.5")
    assert run.ok, run.errors
    lines = run.text.splitlines()
    rows = list(csv.reader(io.StringIO("\n".join(lines[:-1]))))  # the last: its summary
    assert rows[0][:3] == ["handle", "alias", "tag"]
    assert "handle" not in [row[0] for row in rows[1:]] and len(rows) >= 5
    assert {row[2] for row in rows[1:]} == {"Tank1.Level", "Tank2.Level"}
    again = await mx_shell.run("watch Tank1.Level --for 0.3 --interval 0.2")
    assert again.text.startswith("handle,alias,tag")  # a new command: its own header


@pytest.mark.parametrize(
    ("output", "shown", "empty"),
    [
        ("vertical", ["timestamps: local"], "(0 rows)"),
        ("csv", ["key,value", "timestamps,local"], "alias,expansion"),
        ("tsv", ["key\tvalue", "timestamps\tlocal"], "alias\texpansion"),
        ("plain", ["timestamps\tlocal"], ""),
    ],
)
async def test_a_dict_a_text_and_an_empty_table_in_each_row_format(
    mx_shell: ShellRunner, output: str, shown: list[str], empty: str
) -> None:
    await mx_shell.run(f"set output {output}")
    assert (await mx_shell.run("show timestamps")).text.splitlines() == shown
    page = await mx_shell.run("help sleep")
    assert page.text.startswith("usage: sleep DURATION\n\nWait for a while")
    assert (await mx_shell.run("alias")).text == empty
