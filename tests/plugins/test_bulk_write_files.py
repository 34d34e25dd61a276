"""Bulk writes from large @FILEs: the values of one given type converted together, and
still every one checked, the first bad one named by its FILE:LINE before anything is sent."""

from __future__ import annotations

from pathlib import Path

from mxshell.testing import ShellRunner
from tests.conftest import eventually
from tests.plugins.test_bulk_commands import entries, report_of
from tests.plugins.test_mxaccess_writes import value_of


async def test_a_bad_double_in_a_file_names_its_line_and_nothing_is_written(
    own_shell: ShellRunner, tmp_path: Path
) -> None:
    before = await value_of(own_shell, "Pump1.Speed.SP")
    values = tmp_path / "values.txt"
    values.write_text(
        "# setpoints\nPump1.Speed.SP=1250.5\n\nTank1.Level.Hi=9O\nTank2.Level.Hi=oops\n"
    )
    result = await own_shell.run(f"write-bulk @{values} --type double")
    assert not result.ok
    # The first bad value, on line 4 (comments and blank lines counted), not line 5's.
    assert result.errors == (
        f"write-bulk: {values}:4: bad value: '9O' is not a number; nothing was written"
    )
    assert await value_of(own_shell, "Pump1.Speed.SP") == before
    assert len(own_shell.session.items) == 0


async def test_nan_in_a_file_of_doubles_is_refused_with_its_line(
    own_shell: ShellRunner, tmp_path: Path
) -> None:
    values = tmp_path / "values.txt"
    values.write_text("Pump1.Speed.SP=1250.5\nTank1.Level.Hi= inf\n")
    result = await own_shell.run(f"write-bulk @{values} --type double")
    assert result.errors.startswith(f"write-bulk: {values}:2: 'inf' cannot be written")
    assert "NaN and infinity have no MXAccess representation" in result.errors
    assert len(own_shell.session.items) == 0


async def test_a_csv_of_mixed_types_converts_each_value_as_its_own_type(
    own_shell: ShellRunner, tmp_path: Path
) -> None:
    table = tmp_path / "mixed.csv"
    table.write_text(
        "tag,value,type\n"
        "Tank1.Capacity, 4200 ,int32\n"
        "Pump1.Speed.SP,1250.5,double\n"
        "Tank1.Mode,0042,string\n"
        "Tank1.Level.Hi,91,double\n"
    )
    result = await own_shell.run(f"write-bulk @{table}")
    assert result.ok, result.errors
    assert [(r["tag"], r["value"], r["type"]) for r in entries(result.result)] == [
        ("Tank1.Capacity", 4200, "int32"),
        ("Pump1.Speed.SP", 1250.5, "double"),
        ("Tank1.Mode", "0042", "string"),
        ("Tank1.Level.Hi", 91.0, "double"),
    ]
    assert await value_of(own_shell, "Tank1.Mode") == "0042"
    assert await value_of(own_shell, "Tank1.Capacity") == 4200


async def test_a_bad_value_of_a_later_type_in_a_csv_names_its_own_line(
    own_shell: ShellRunner, tmp_path: Path
) -> None:
    table = tmp_path / "mixed.csv"
    table.write_text(
        "tag,value,type\nPump1.Speed.SP,1250.5,double\nTank1.Capacity,3000000000,int32\n"
    )
    result = await own_shell.run(f"write-bulk @{table}")
    assert result.errors.startswith(f"write-bulk: {table}:3: bad value: 3000000000 is out of")
    assert result.errors.endswith("nothing was written")
    assert len(own_shell.session.items) == 0


async def test_a_value_typed_at_the_prompt_is_named_by_its_tag(own_shell: ShellRunner) -> None:
    result = await own_shell.run("write-bulk Tank1.Level.Hi=1 Tank2.Level.Hi=x --type double")
    assert result.errors == (
        "write-bulk: Tank2.Level.Hi: bad value: 'x' is not a number; nothing was written"
    )


async def test_a_bulk_writes_completions_are_counted_and_a_later_write_still_waits_for_its_own(
    own_shell: ShellRunner, tmp_path: Path
) -> None:
    session = own_shell.session
    values = tmp_path / "values.txt"
    values.write_text("Pump1.Speed.SP=1250.5\nTank1.Level.Hi=91\n")
    result = await own_shell.run(f"write-bulk @{values} --type double")
    assert result.ok, result.errors
    await eventually(lambda: session.counters.write_completes >= 2)
    assert not session.completions  # nobody waits: the events' bodies were not read
    # A write that waits for its OnWriteComplete still gets its own.
    item = session.items.find("Pump1.Speed.SP")
    assert item is not None
    completion = await session.write(item, 900.0, complete=True, timeout=5)
    assert completion is not None and completion.ok
    assert not session.completions


async def test_an_entry_refused_before_sending_keeps_its_place_and_the_rest_are_written(
    own_shell: ShellRunner,
) -> None:
    # `#99` names no item: refused by the shell, the others written around it, in order.
    line = "write-bulk Tank1.Level.Hi=81 '#99=2' Tank2.Level.Hi=82 --type double --allow-partial"
    result = await own_shell.run(line)
    assert result.ok
    rows = entries(report_of(result))
    assert [(r["tag"], r["value"], r["ok"]) for r in rows] == [
        ("Tank1.Level.Hi", 81.0, True),
        ("#99", 2.0, False),
        ("Tank2.Level.Hi", 82.0, True),
    ]
    assert rows[1]["status"] == "no item '#99'"
    assert report_of(result).failed == 1
    assert await value_of(own_shell, "Tank1.Level.Hi") == 81.0
    assert await value_of(own_shell, "Tank2.Level.Hi") == 82.0


async def test_items_of_two_registrations_are_written_each_under_its_own(
    own_shell: ShellRunner,
) -> None:
    await own_shell.run("add-item Tank1.Level.Hi --as first")
    await own_shell.run("register second; add-item Tank2.Level.Hi --as other")
    session = own_shell.session
    assert session.find("first").registration is not session.find("other").registration
    result = await own_shell.run("write-bulk first=71 other=72 Pump1.Speed.SP=73 --type double")
    assert result.ok, result.errors
    rows = entries(report_of(result))
    assert [(r["tag"], r["item"], r["value"], r["ok"]) for r in rows] == [
        ("first", "first", 71.0, True),
        ("other", "other", 72.0, True),
        ("Pump1.Speed.SP", 3, 73.0, True),
    ]
    assert await value_of(own_shell, "Tank1.Level.Hi") == 71.0
    assert await value_of(own_shell, "Tank2.Level.Hi") == 72.0
    assert await value_of(own_shell, "Pump1.Speed.SP") == 73.0


async def test_a_write_whose_every_entry_is_refused_beforehand_is_a_table_of_refusals(
    own_shell: ShellRunner,
) -> None:
    result = await own_shell.run("write-bulk '#98=1' '#99=2' --type double --allow-partial")
    assert result.ok, result.errors
    rows = entries(report_of(result))
    assert [(r["tag"], r["ok"], r["status"]) for r in rows] == [
        ("#98", False, "no item '#98'"),
        ("#99", False, "no item '#99'"),
    ]
    refused = await own_shell.run("write-bulk '#98=1' --type double")
    assert refused.errors == (
        "write-bulk: 1 of 1 entries failed (--allow-partial accepts a partly failed batch)"
    )
