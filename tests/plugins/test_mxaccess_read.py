"""read: first values with quality and timestamp, and giving back exactly what it took."""

from __future__ import annotations

import asyncio
import json

from mxshell.commands import CANCELLED
from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner
from tests.conftest import eventually
from tests.plugins.conftest import Reader, held_by_gateway


async def test_read_shows_value_quality_name_and_code_and_timestamp(reader: Reader) -> None:
    gateway, mx_shell = reader.gateway, reader.shell
    result = await mx_shell.run("read Tank1.Capacity FlowMeter2.RawSignal Tank1.LevelTrend[]")
    assert result.ok, result.errors
    assert result.result.columns == ["tag", "value", "quality", "timestamp"]
    rows = result.result.records()
    assert [(r["tag"], r["value"], r["quality"]) for r in rows] == [
        ("Tank1.Capacity", 25000, "Good (192)"),
        ("FlowMeter2.RawSignal", rows[1]["value"], "Bad, communication failure (24)"),
        ("Tank1.LevelTrend[]", [48.5, 51.0, 53.2, 55.9], "Good (192)"),
    ]
    assert all(r["timestamp"] is not None for r in rows)
    assert result.text.splitlines()[2].split()[:4] == ["Tank1.Capacity", "25000", "Good", "(192)"]
    # Nothing of the read is left: not in the shell, not in the gateway.
    assert len(mx_shell.session.items) == 0
    assert held_by_gateway(gateway, mx_shell.session.session_id) == []


async def test_read_unadvises_an_item_it_advised_and_keeps_the_item(
    gateway: EmbeddedGateway, mx_shell: ShellRunner
) -> None:
    await mx_shell.run("add-item Tank1.Capacity --as cap")
    result = await mx_shell.run("read cap")
    assert result.result.records()[0]["value"] == 25000
    assert [(i.name, i.advise) for i in mx_shell.session.items] == [("cap", "none")]
    assert held_by_gateway(gateway, mx_shell.session.session_id) == [("Tank1.Capacity", False)]


async def test_read_leaves_an_already_advised_item_alone(
    gateway: EmbeddedGateway, mx_shell: ShellRunner
) -> None:
    await mx_shell.run("advise Tank1.Capacity")
    item = mx_shell.session.find("Tank1.Capacity")
    await eventually(lambda: item.change_count == 1, "the first value")
    result = await mx_shell.run("read 1")
    assert result.result.records()[0]["value"] == 25000
    assert item.advise == "advise" and item.change_count == 1  # not re-advised
    assert held_by_gateway(gateway, mx_shell.session.session_id) == [("Tank1.Capacity", True)]


async def test_read_waits_for_an_advised_item_that_has_no_value_yet(
    mx_shell: ShellRunner,
) -> None:
    await mx_shell.run("advise Tank1.Description; read Tank1.Description")
    assert mx_shell.session.find("Tank1.Description").change_count >= 1
    result = await mx_shell.run("read Tank1.Description")
    assert result.result.records()[0]["quality"] == "Good (192)"


async def test_read_of_all_three_kinds_at_once_gives_each_back_as_it_was(reader: Reader) -> None:
    gateway, mx_shell = reader.gateway, reader.shell
    await mx_shell.run("add-item Tank1.Capacity --as cap; advise Tank2.Capacity")
    advised = mx_shell.session.find("Tank2.Capacity")
    await eventually(lambda: advised.change_count == 1, "the first value")
    result = await mx_shell.run("read cap Tank2.Capacity Tank3.Capacity cap")
    assert [r["tag"] for r in result.result.records()] == [
        "Tank1.Capacity",
        "Tank2.Capacity",
        "Tank3.Capacity",
        "Tank1.Capacity",
    ]
    assert held_by_gateway(gateway, mx_shell.session.session_id) == [
        ("Tank1.Capacity", False),
        ("Tank2.Capacity", True),
    ]


async def test_an_unknown_tag_fails_the_read_and_removes_what_it_added(reader: Reader) -> None:
    gateway, mx_shell, method = reader.gateway, reader.shell, reader.method
    alone = await mx_shell.run("read Tank1.Nope")
    assert alone.errors.startswith(f"read: MXAccess refused {method} for Tank1.Nope: ")
    result = await mx_shell.run("read Tank1.Nope Tank1.Capacity")
    assert result.errors.startswith(
        f"read: 1 of 2 tags failed (first Tank1.Nope: MXAccess refused {method} for Tank1.Nope: "
    )
    assert "detail 1001; HRESULT 0x80070490 ERROR_NOT_FOUND)" in result.errors
    # Every tag gets its row: the one after the unknown tag is still read.
    rows = result.outcomes[0].result.rows
    assert [(row[0], row[-1] == "Ok") for row in rows] == [
        ("Tank1.Nope", False),
        ("Tank1.Capacity", True),
    ]
    assert rows[1][1] == 25000
    # A word that is no tag reference at all is the user's typo: a usage error, nothing read.
    bad_alias = await mx_shell.run("read Tank1.Capacity nosuch")
    assert bad_alias.errors == (
        "read: no item or alias 'nosuch' (a tag reference looks like Tank1.Level)"
    )
    assert len(mx_shell.session.items) == 0
    assert held_by_gateway(gateway, mx_shell.session.session_id) == []


async def test_a_slow_point_times_out_and_is_cleaned_up(reader: Reader) -> None:
    gateway, mx_shell = reader.gateway, reader.shell
    result = await mx_shell.run("read Tank1.Capacity PLC1.RemoteIO.Value --timeout 200ms")
    assert result.outcomes[0].exit_status == 1
    assert result.errors == (
        "read: 1 of 2 tags failed (first PLC1.RemoteIO.Value: no value within 0.2s)"
    )
    rows = result.outcomes[0].result.rows
    assert rows[0][0] == "Tank1.Capacity" and rows[0][-1] == "Ok"
    assert held_by_gateway(gateway, mx_shell.session.session_id) == []


async def test_a_cancelled_read_gives_back_what_it_took(
    gateway: EmbeddedGateway, mx_shell: ShellRunner
) -> None:
    await mx_shell.run("add-item PLC1.RemoteIO.Value --as remote")
    running = asyncio.create_task(mx_shell.run("read remote Tank1.Capacity --timeout 30"))
    session_id = mx_shell.session.session_id
    await eventually(
        lambda: ("PLC1.RemoteIO.Value", True) in held_by_gateway(gateway, session_id),
        "the read's advise",
    )
    running.cancel()
    result = await running
    assert result.outcomes[0].status == CANCELLED
    assert held_by_gateway(gateway, session_id) == [("PLC1.RemoteIO.Value", False)]
    assert [(i.name, i.advise) for i in mx_shell.session.items] == [("remote", "none")]


async def test_read_in_json_gives_rfc3339_timestamps(reader: Reader) -> None:
    mx_shell = reader.shell
    mx_shell.context.settings.output = "json"
    result = await mx_shell.run("read Tank1.Capacity")
    data = json.loads(result.out[0])["result"]
    (row,) = data["rows"]
    assert row["quality"] == "Good (192)" and row["value"] == 25000
    assert row["timestamp"].endswith("Z") and "T" in row["timestamp"]


async def test_read_shows_an_elapsed_time_as_a_duration_and_json_as_seconds(
    reader: Reader,
) -> None:
    mx_shell = reader.shell
    result = await mx_shell.run("read AppEngine1.ScanPeriod")
    assert result.ok, result.errors
    assert result.text.splitlines()[2].split()[:2] == ["AppEngine1.ScanPeriod", "00:00:01.000"]
    await mx_shell.run("set output json")
    shown = json.loads((await mx_shell.run("read AppEngine1.ScanPeriod")).text)
    assert shown["result"]["rows"][0]["value"] == 1.0


async def test_a_relative_reference_with_no_cd_fails_its_row_and_the_others_are_read(
    reader: Reader,
) -> None:
    result = await reader.shell.run("read .Level Tank1.Capacity")
    assert result.outcomes[0].exit_status == 1
    rows = result.outcomes[0].result.rows
    assert [row[-1] == "Ok" for row in rows] == [False, True]
    assert rows[1][:2] == ["Tank1.Capacity", 25000]


async def test_a_held_item_named_relatively_after_cd_is_read_through_the_item(
    mx_shell: ShellRunner,
) -> None:
    await mx_shell.run("add-item Tank1.Capacity --as cap; cd Tank1")
    item = mx_shell.session.find("cap")
    result = await mx_shell.run("read .Capacity")
    assert result.ok, result.errors
    assert item.change_count >= 1  # advised for the read, not read around it by ReadBulk
    assert item.advise == "none"  # and given back
