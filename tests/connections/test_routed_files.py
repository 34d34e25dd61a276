"""Qualified references in @FILE lists (`b:Tank1.Level` on a line of tags.txt) go where
the same references typed on the line go: same grouping, same errors, same table."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from mxshell.commands.routing import _file_parts
from mxshell.testing import ShellRunner
from tests.connections.test_many_gateways import (  # noqa: F401 - the fixtures
    SETPOINT,
    gateway_value,
    shell,
    sims,
)
from tests.sim_processes import SimProcess

LOW = "Tank1.Level.Lo"


def listed(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("# a list of entries\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def table_of(result: object) -> Any:
    """The table of a read (read-bulk's report holds one)."""
    return getattr(result, "table", result)


def rows(result: object) -> list[tuple[object, ...]]:
    """(connection, tag, value) of a read's rows, without the times."""
    return [tuple(row[:3]) for row in table_of(result).rows]


async def test_a_files_qualified_tags_are_read_where_typed_ones_are(
    shell: ShellRunner,  # noqa: F811
    sims: list[SimProcess],  # noqa: F811
    tmp_path: Path,
) -> None:
    assert (await shell.run(f"write a:{SETPOINT} 11; write b:{SETPOINT} 22")).ok
    for _ in range(100):  # a write is accepted first and done a moment later
        if await gateway_value(sims[1], SETPOINT) == 22.0:
            break
    tags = listed(tmp_path, "tags.txt", f"b:{SETPOINT}", SETPOINT, f"  a:{LOW}")
    for command in ("read-bulk", "read"):
        typed = await shell.run(f"{command} b:{SETPOINT} {SETPOINT} a:{LOW}")
        filed = await shell.run(f"{command} @{tags}")
        assert filed.ok, filed.errors
        columns = table_of(filed.result).columns
        assert columns == table_of(typed.result).columns and columns[0] == "connection"
        assert rows(filed.result) == rows(typed.result)
        assert {row[0]: row[2] for row in rows(filed.result) if row[1] == SETPOINT} == {
            "a": 11.0,
            "b": 22.0,
        }


async def test_a_file_of_one_connections_tags_goes_to_it_alone(
    shell: ShellRunner,  # noqa: F811
    sims: list[SimProcess],  # noqa: F811
    tmp_path: Path,
) -> None:
    tags = listed(tmp_path, "b.txt", f"b:{SETPOINT}", f"b:{LOW}")
    added = await shell.run(f"add-item-bulk @{tags}")
    assert added.ok, added.errors
    control = shell.runtime.connection
    assert sorted(i.tag_reference for i in control.session_of("b").items) == [SETPOINT, LOW]
    assert not list(control.session_of("a").items)
    saved = tmp_path / "b.jsonl"
    assert (await shell.run(f"snapshot save {saved} @{tags}")).ok
    header = json.loads(saved.read_text().splitlines()[0])
    assert sims[1].endpoint in json.dumps(header) and sims[0].endpoint not in json.dumps(header)


async def test_a_files_qualified_writes_reach_their_gateways(
    shell: ShellRunner,  # noqa: F811
    sims: list[SimProcess],  # noqa: F811
    tmp_path: Path,
) -> None:
    writes = listed(tmp_path, "writes.txt", f"a:{SETPOINT}=31", f"b:{SETPOINT} = 32")
    done = await shell.run(f"write-bulk @{writes}")
    assert done.ok, done.errors
    assert done.result.table.columns[0] == "connection"
    assert await gateway_value(sims[0], SETPOINT) == 31.0
    assert await gateway_value(sims[1], SETPOINT) == 32.0
    # A CSV file's header names the columns for every connection's rows.
    rows_csv = listed(tmp_path, "writes.csv", "tag,value", f"b:{SETPOINT},42", f"a:{SETPOINT},41")
    assert (await shell.run(f"write-bulk @{rows_csv}")).ok
    assert await gateway_value(sims[0], SETPOINT) == 41.0
    assert await gateway_value(sims[1], SETPOINT) == 42.0


async def test_a_file_line_naming_a_closed_connection_is_refused_with_its_line(
    shell: ShellRunner,  # noqa: F811
    tmp_path: Path,
) -> None:
    tags = listed(tmp_path, "tags.txt", f"a:{SETPOINT}", f"b:{SETPOINT}")
    assert (await shell.run("disconnect b")).ok
    refused = await shell.run(f"read-bulk @{tags}")
    assert refused.errors == (
        f"read-bulk: {tags}:3: connection 'b' is closed (open: a); connect b again to reach it"
    )
    writes = listed(tmp_path, "writes.txt", f"b:{SETPOINT}=5")
    said = (await shell.run(f"write-bulk @{writes}")).errors
    assert said.startswith(f"write-bulk: {writes}:2: connection 'b' is closed"), said


async def test_a_quoted_qualified_tag_cell_is_routed_as_an_unquoted_one(
    shell: ShellRunner,  # noqa: F811
    sims: list[SimProcess],  # noqa: F811
    tmp_path: Path,
) -> None:
    rows_csv = listed(
        tmp_path, "quoted.csv", "tag,value", f'"b:{SETPOINT}",62', f'"a:{SETPOINT}",61'
    )
    done = await shell.run(f"write-bulk @{rows_csv}")
    assert done.ok, done.errors
    assert done.result.table.columns[0] == "connection"
    assert await gateway_value(sims[0], SETPOINT) == 61.0
    assert await gateway_value(sims[1], SETPOINT) == 62.0


async def test_a_csv_tag_list_is_routed_by_its_first_cells(
    shell: ShellRunner,  # noqa: F811
    tmp_path: Path,
) -> None:
    # A tag list kept as CSV: a header, quoted cells, a second column; read as the same
    # references typed.
    tags = listed(
        tmp_path, "tags.csv", "tag,note", f'"b:{SETPOINT}",speed', f"{SETPOINT}", f'" a:{LOW}",lo'
    )
    filed = await shell.run(f"read-bulk @{tags}")
    assert filed.ok, filed.errors
    typed = await shell.run(f"read-bulk b:{SETPOINT} {SETPOINT} a:{LOW}")
    assert rows(filed.result) == rows(typed.result)


NOTES = "Tank1.Notes"


async def test_a_routed_csv_value_spanning_lines_reaches_its_gateway_whole(
    shell: ShellRunner,  # noqa: F811
    sims: list[SimProcess],  # noqa: F811
    tmp_path: Path,
) -> None:
    note = 'first line\nsecond, "quoted" line'
    rows_csv = tmp_path / "notes.csv"
    rows_csv.write_text(
        "tag,value,type\n"
        f'"b:{NOTES}","first line\nsecond, ""quoted"" line",String\n'
        f"a:{NOTES},plain,String\n"
        f"b:{SETPOINT},\t 72,\n",
        encoding="utf-8",
    )
    # Each connection's part, read back with the csv module: whole records, header first.
    parts = _file_parts(f"@{rows_csv}", shell.runtime.connection)
    assert parts is not None
    cells = {name: list(csv.reader(part.texts)) for name, part in parts.items()}
    assert cells == {
        "b": [["tag", "value", "type"], [NOTES, note, "String"], [SETPOINT, "\t 72", ""]],
        "a": [["tag", "value", "type"], [NOTES, "plain", "String"]],
    }
    assert {name: part.cells for name, part in parts.items()} == cells  # the command's
    assert {name: part.numbers for name, part in parts.items()} == {"b": [1, 2, 5], "a": [1, 4]}
    assert parts["b"].texts[2] == f"{SETPOINT},\t 72,"  # the rest of the row as written
    done = await shell.run(f"write-bulk @{rows_csv}")
    assert done.ok, done.errors
    assert await gateway_value(sims[1], NOTES) == note
    assert await gateway_value(sims[0], NOTES) == "plain"
    assert await gateway_value(sims[1], SETPOINT) == 72.0
    # A message about a record after the one spanning lines names the line it starts on.
    rows_csv.write_text(f'tag,value\nb:{NOTES},"one\ntwo"\na:{NOTES}\n', encoding="utf-8")
    said = (await shell.run(f"write-bulk @{rows_csv}")).errors
    assert f"{rows_csv}:4: expected the columns tag, value" in said, said
    # A line inside a quoted value that starts as a qualified tag would is no tag.
    rows_csv.write_text(f'tag,value\n{NOTES},"note:\nb:{NOTES}"\n', encoding="utf-8")
    assert _file_parts(f"@{rows_csv}", shell.runtime.connection) is None
    done = await shell.run(f"write-bulk @{rows_csv}")
    assert done.ok and done.result.table.columns[0] != "connection", done.errors
    assert await gateway_value(sims[0], NOTES) == f"note:\nb:{NOTES}"


async def test_a_watched_files_qualified_tags_are_watched_where_typed_ones_are(
    shell: ShellRunner,  # noqa: F811
    tmp_path: Path,
) -> None:
    tags = listed(tmp_path, "watched.txt", f"b:{SETPOINT}", "Tank[12].Level", f"  a:{LOW}")
    typed = await shell.run(f"watch b:{SETPOINT} Tank1.Level Tank2.Level a:{LOW} --once")
    filed = await shell.run(f"watch @{tags} --once")
    assert filed.ok, filed.errors
    assert filed.result.columns == typed.result.columns and "connection" in filed.result.columns

    def where(result: Any) -> list[tuple[object, object]]:
        return sorted((r["connection"], r["tag"]) for r in result.result.records())

    expected = [("a", LOW), ("a", "Tank1.Level"), ("a", "Tank2.Level"), ("b", SETPOINT)]
    assert where(filed) == where(typed) == sorted(expected)
    control = shell.runtime.connection
    assert not list(control.session_of("a").items) and not list(control.session_of("b").items)
