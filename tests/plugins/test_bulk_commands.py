"""The bulk family against simulated gateways: per-entry verdicts, the item table kept in
step, batches split to the gateway's limit, files and globs, capabilities, passwords."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from mxshell.commands import GALAXY, Settings, candidates, completion_slot
from mxshell.session.batches import READ_CALL_ENTRIES, READS_IN_FLIGHT
from mxshell.sim import EmbeddedGateway, SimConfig
from mxshell.sim.bulk_calls import BulkCommands
from mxshell.testing import ShellRunner
from tests.conftest import eventually, shell_env
from tests.plugins.conftest import READER_KEY, TANKS_KEY, held_by_gateway
from tests.plugins.galaxy_glob import lend_galaxy
from tests.plugins.test_mxaccess_writes import FakeAsker, value_of
from tests.test_cli import LAUNCH

TANK_LEVELS = ["Tank1.Level", "Tank2.Level", "Tank3.Level", "Tank4.Level"]


def entries(result: object) -> list[dict[str, object]]:
    """The rows of a bulk command's report (ok or failed)."""
    return result.as_data()["entries"]  # type: ignore[attr-defined, no-any-return]


def report_of(shell_result: object) -> object:
    return shell_result.outcomes[-1].result  # type: ignore[attr-defined]


@pytest.fixture
def small_batches() -> Iterator[EmbeddedGateway]:
    """A gateway that takes at most 3 entries per bulk command."""
    with EmbeddedGateway(SimConfig(update_interval_s=0.05, max_bulk_entries=3)) as running:
        yield running


@pytest.fixture
async def small_shell(small_batches: EmbeddedGateway) -> AsyncIterator[ShellRunner]:
    async with ShellRunner.connected(small_batches) as shell:
        yield shell


# items and advises ---------------------------------------------------------------------


async def test_add_item_bulk_adds_every_good_tag_and_fails_the_bad_one_alone(
    gateway: EmbeddedGateway, mx_shell: ShellRunner
) -> None:
    result = await mx_shell.run("add-item-bulk Tank1.Level Tank9.Level Pump1.Speed")
    assert not result.ok
    assert result.errors == (
        "add-item-bulk: 1 of 3 entries failed (--allow-partial accepts a partly failed batch)"
    )
    rows = entries(report_of(result))
    assert [(r["tag"], r["item"], r["ok"]) for r in rows] == [
        ("Tank1.Level", 1, True),
        ("Tank9.Level", None, False),
        ("Pump1.Speed", 2, True),
    ]
    assert "unknown tag reference 'Tank9.Level'" in str(rows[1]["status"])
    assert "HRESULT 0x80070490" in str(rows[1]["status"])
    # The table and the summary line are shown before the failure line.
    assert "add-item-bulk: 3 entries, 2 ok, 1 failed" in result.text
    assert "Tank9.Level" in result.text
    held = held_by_gateway(gateway, mx_shell.session.session_id)
    assert held == [("Pump1.Speed", False), ("Tank1.Level", False)]
    assert [i.tag_reference for i in mx_shell.session.items] == ["Tank1.Level", "Pump1.Speed"]


async def test_allow_partial_makes_a_partly_failed_batch_succeed(mx_shell: ShellRunner) -> None:
    result = await mx_shell.run("add-item-bulk Tank1.Level Tank9.Level --allow-partial")
    assert result.ok
    assert result.result.as_data()["succeeded"] == 1
    assert result.result.as_data()["failed"] == 1
    assert result.text.endswith("add-item-bulk: 2 entries, 1 ok, 1 failed")


async def test_subscribe_bulk_advises_and_values_arrive(
    gateway: EmbeddedGateway, mx_shell: ShellRunner
) -> None:
    result = await mx_shell.run("subscribe-bulk Tank1.Level Pump1.Speed")
    assert result.ok, result.errors
    assert [r["advise"] for r in entries(result.result)] == ["advise", "advise"]
    assert held_by_gateway(gateway, mx_shell.session.session_id) == [
        ("Pump1.Speed", True),
        ("Tank1.Level", True),
    ]
    items = list(mx_shell.session.items)
    await eventually(lambda: all(i.change_count > 0 for i in items), "first values")


async def test_subscribe_bulk_items_of_tags_that_never_change_get_their_first_value(
    mx_shell: ShellRunner,
) -> None:
    # SubscribeBulk advises as it adds: a setpoint's one OnDataChange often comes before
    # the answer that makes it an item (210 of 240 were dropped in a loop like this one).
    tags = "Tank1.Level.Hi Tank2.Level.Hi Pump1.Speed.SP Tank1.Description"
    session = mx_shell.session
    for _ in range(10):
        assert (await mx_shell.run(f"subscribe-bulk {tags}")).ok
        await eventually(lambda: all(i.value is not None for i in session.items), "values")
        assert (await mx_shell.run(f"unsubscribe-bulk {tags}")).ok
    assert not session.items._early  # noqa: SLF001 - nothing kept once the call is over


async def test_advise_item_bulk_advises_items_adds_tags_and_refuses_unknown_aliases(
    gateway: EmbeddedGateway, mx_shell: ShellRunner
) -> None:
    await mx_shell.run("add-item Tank1.Level --as level; add-item Pump1.Speed")
    result = await mx_shell.run("advise-item-bulk level 2 Tank2.Level nosuch")
    assert not result.ok
    rows = entries(report_of(result))
    assert [(r["tag"], r["item"], r["advise"], r["ok"]) for r in rows] == [
        ("Tank1.Level", "level", "advise", True),
        ("Pump1.Speed", 2, "advise", True),
        ("Tank2.Level", 3, "advise", True),
        ("nosuch", None, None, False),
    ]
    assert rows[3]["status"] == "no item 'nosuch'"
    assert held_by_gateway(gateway, mx_shell.session.session_id) == [
        ("Pump1.Speed", True),
        ("Tank1.Level", True),
        ("Tank2.Level", True),
    ]


async def test_unadvise_remove_and_unsubscribe_bulk_follow_the_gateway(
    gateway: EmbeddedGateway, mx_shell: ShellRunner
) -> None:
    await mx_shell.run("subscribe-bulk Tank1.Level Tank2.Level Tank3.Level Pump1.Speed")
    session_id = mx_shell.session.session_id
    unadvised = await mx_shell.run("unadvise-item-bulk 1 Tank2.Level")
    assert unadvised.ok and [r["advise"] for r in entries(unadvised.result)] == ["none", "none"]
    assert held_by_gateway(gateway, session_id) == [
        ("Pump1.Speed", True),
        ("Tank1.Level", False),
        ("Tank2.Level", False),
        ("Tank3.Level", True),
    ]
    removed = await mx_shell.run("remove-item-bulk 1 2")
    assert removed.ok and [r["advise"] for r in entries(removed.result)] == [None, None]
    unsubscribed = await mx_shell.run("unsubscribe-bulk Tank3.Level Pump1.Speed 1")
    assert not unsubscribed.ok  # item 1 was removed already
    assert [r["ok"] for r in entries(report_of(unsubscribed))] == [True, True, False]
    assert held_by_gateway(gateway, session_id) == []
    assert len(mx_shell.session.items) == 0


async def test_batches_larger_than_the_gateways_limit_are_split(
    small_batches: EmbeddedGateway, small_shell: ShellRunner
) -> None:
    assert small_shell.session.gateway.max_bulk_entries == 3
    tags = [*TANK_LEVELS, "Pump1.Speed", "Pump2.Speed", "Pump3.Speed", "Valve101.Position"]
    result = await small_shell.run("subscribe-bulk " + " ".join(tags))
    assert result.ok, result.errors
    assert result.result.as_data()["calls"] == 3
    assert result.text.endswith("subscribe-bulk: 8 entries, 8 ok, 0 failed (3 bulk calls)")
    session_id = small_shell.session.session_id
    assert len(held_by_gateway(small_batches, session_id)) == 8
    read = await small_shell.run("read-bulk " + " ".join(tags))
    assert read.ok and read.result.as_data()["calls"] == 3
    assert all(r["cached"] for r in entries(read.result))
    gone = await small_shell.run("unsubscribe-bulk " + " ".join(tags))
    assert gone.ok and held_by_gateway(small_batches, session_id) == []


async def test_large_batches_show_progress_at_the_prompt_only(
    mx_shell: ShellRunner, tmp_path: Path
) -> None:
    many = tmp_path / "many.txt"
    many.write_text("\n".join(["Tank1.Level", "Pump1.Speed"] * 600) + "\n")
    quiet = await mx_shell.run(f"add-item-bulk @{many}")
    assert quiet.ok and quiet.result.as_data()["calls"] == 1
    assert "entries answered" not in quiet.errors  # a command file or -c: no progress
    mx_shell.context.services["ask_secret"] = FakeAsker()  # what the REPL lends
    shown = await mx_shell.run(f"add-item-bulk @{many}")
    assert shown.ok and shown.result.as_data()["total"] == 1200
    progress = [line for line in shown.errors.splitlines() if "entries answered" in line]
    assert progress[0] == "add-item-bulk: 120 of 1200 entries answered"
    assert len(progress) == 9  # a call a tenth long, one at a time
    # A read's calls are larger: a line after each, never more than a line a tenth.
    total = 3 * READ_CALL_ENTRIES + 500
    large = tmp_path / "large.txt"
    large.write_text("\n".join(["Tank1.Level", "Pump1.Speed"] * (total // 2)) + "\n")
    read = await mx_shell.run(f"read-bulk @{large}")
    assert read.ok, read.errors
    progress = [line for line in read.errors.splitlines() if "entries answered" in line]
    assert progress == [
        f"read-bulk: {n * READ_CALL_ENTRIES} of {total} entries answered" for n in (1, 2, 3)
    ]
    mx_shell.context.settings.output = "json"
    as_json = await mx_shell.run(f"read-bulk @{large}")
    assert "entries answered" not in as_json.errors
    assert json.loads(as_json.text)["result"]["total"] == total


async def test_a_large_read_goes_as_overlapping_calls_and_its_rows_keep_the_tags_order(
    mx_shell: ShellRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each ReadBulk is held at the gateway until all three calls of the read are there at
    # once: a read that waited for one answer before sending the next would time out.
    holding = most = 0
    sizes: list[int] = []
    all_out: list[asyncio.Event] = []  # made in the gateway's own loop, on the first call
    answer = BulkCommands.read

    async def read(self: BulkCommands, session: Any, key: Any, handle: int, entries: Any) -> Any:
        nonlocal holding, most
        if not all_out:
            all_out.append(asyncio.Event())
        sizes.append(len(entries))
        holding += 1
        most = max(most, holding)
        if holding == 3:
            all_out[0].set()
        try:
            await asyncio.wait_for(all_out[0].wait(), 10)
            return await answer(self, session, key, handle, entries)
        finally:
            holding -= 1

    texts = [f"Tank{n}.Description" for n in (1, 2, 3, 4)]
    single = await mx_shell.run("read-bulk " + " ".join(texts))
    expected = {row["tag"]: row["value"] for row in entries(single.result)}
    assert len(set(expected.values())) == 4  # each tag's own text
    tags = [*expected, "Tank9.Level"]  # and a tag that fails, in its place each time
    listed = [tags[n % len(tags)] for n in range(2 * READ_CALL_ENTRIES + 7)]
    many = tmp_path / "many.txt"
    many.write_text("\n".join(listed) + "\n")
    monkeypatch.setattr(BulkCommands, "read", read)
    result = await mx_shell.run(f"read-bulk @{many} --allow-partial")
    assert result.ok, result.errors
    assert sizes == [READ_CALL_ENTRIES, READ_CALL_ENTRIES, 7]
    assert most == 3 <= READS_IN_FLIGHT  # all three at the gateway at once
    rows = entries(result.result)
    assert [r["tag"] for r in rows] == listed
    for row in rows:
        if row["tag"] == "Tank9.Level":
            assert not row["ok"] and "unknown tag reference" in str(row["status"])
        else:
            assert row["ok"] and row["value"] == expected[str(row["tag"])], row
    assert result.result.as_data()["calls"] == 3


# where entries come from ---------------------------------------------------------------


async def test_tags_come_from_a_file_with_comments_and_blank_lines(
    mx_shell: ShellRunner, tmp_path: Path
) -> None:
    tags = tmp_path / "tags.txt"
    tags.write_text("# the tanks\nTank1.Level\n\n  Tank2.Level  \n")
    result = await mx_shell.run(f"add-item-bulk @{tags} Pump1.Speed")
    assert [r["tag"] for r in entries(result.result)] == [
        "Tank1.Level",
        "Tank2.Level",
        "Pump1.Speed",
    ]


async def test_a_missing_or_empty_file_is_one_clear_line(
    mx_shell: ShellRunner, tmp_path: Path
) -> None:
    missing = await mx_shell.run(f"add-item-bulk @{tmp_path}/nope.txt")
    assert missing.errors == f"add-item-bulk: cannot read @{tmp_path}/nope.txt: no such file"
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing yet\n")
    nothing = await mx_shell.run(f"read-bulk @{empty}")
    assert nothing.errors.endswith("lists nothing (blank lines and # comments are skipped)")
    assert len(mx_shell.session.items) == 0


async def test_a_glob_without_the_galaxy_plugin_says_so(mx_shell: ShellRunner) -> None:
    mx_shell.context.services.pop(GALAXY, None)
    result = await mx_shell.run("read-bulk 'Tank*.Level'")
    assert result.errors == (
        "read-bulk: tag globs need the Galaxy plugin ('Tank*.Level'); "
        "name the tags, or list them in a @FILE"
    )
    assert "Traceback" not in result.errors


async def test_a_glob_expands_over_the_galaxy(mx_shell: ShellRunner, tmp_path: Path) -> None:
    lookup = lend_galaxy(mx_shell)
    result = await mx_shell.run("read-bulk 'Tank*.Level' Pump1.Speed")
    assert result.ok, result.errors
    assert [r["tag"] for r in entries(result.result)] == [*TANK_LEVELS, "Pump1.Speed"]
    assert lookup.patterns == ["Tank*.Level"]
    # An array reference is not a glob, and a glob in a file is expanded too.
    listed = tmp_path / "pumps.txt"
    listed.write_text("Pump[12].Speed\nFiller1.NozzleEnabled[]\n")
    from_file = await mx_shell.run(f"read-bulk @{listed}")
    assert [r["tag"] for r in entries(from_file.result)] == [
        "Pump1.Speed",
        "Pump2.Speed",
        "Filler1.NozzleEnabled[]",
    ]
    nothing = await mx_shell.run("read-bulk 'Tnak*.Level'")
    assert nothing.errors == "read-bulk: 'Tnak*.Level' matches no tag in the Galaxy"


async def test_typed_tags_are_resolved_and_glob_matches_taken_as_the_galaxy_gives_them(
    mx_shell: ShellRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lend_galaxy(mx_shell)
    asked: list[str] = []

    def resolve(reference: str) -> str:  # `.Speed` as if the browse path were Pump1
        asked.append(reference)
        return f"Pump1{reference}" if reference.startswith(".") else reference

    monkeypatch.setattr(mx_shell.context, "tag_resolver", resolve)
    listed = tmp_path / "relative.txt"
    listed.write_text(".Running\n")
    result = await mx_shell.run(f"read-bulk .Speed 'Tank*.Level' @{listed}")
    assert result.ok, result.errors
    assert [r["tag"] for r in entries(result.result)] == [
        "Pump1.Speed",
        *TANK_LEVELS,
        "Pump1.Running",
    ]
    assert asked == [".Speed", ".Running"]
    added = await mx_shell.run("add-item-bulk .Speed 'Tank[12].Level'")
    assert [r["tag"] for r in entries(added.result)] == ["Pump1.Speed", *TANK_LEVELS[:2]]


# writes ------------------------------------------------------------------------------


async def test_write_bulk_refuses_a_value_that_cannot_fit_the_declared_type_before_sending(
    own_shell: ShellRunner,
) -> None:
    before = await value_of(own_shell, "Pump1.Speed.SP")
    result = await own_shell.run("write-bulk Pump1.Speed.SP=1250.5 Tank1.Capacity=lots")
    assert not result.ok
    assert (
        "bad value: 'lots' is not an integer (Tank1.Capacity is declared an int32, e.g. 42"
        in result.errors
    )
    assert result.errors.endswith("nothing was written")
    assert await value_of(own_shell, "Pump1.Speed.SP") == before


async def test_write_bulk_writes_each_value_and_fails_a_wrong_type_alone(
    own_shell: ShellRunner, tmp_path: Path
) -> None:
    # A type forced per entry (the CSV's type column) reaches the gateway, which refuses
    # that entry alone.
    table = tmp_path / "forced.csv"
    table.write_text("tag,value,type\nTank1.Capacity,lots,string\n")
    result = await own_shell.run(f"write-bulk Pump1.Speed.SP=1250.5 @{table} Tank1.Level.Hi=91")
    assert not result.ok
    rows = entries(report_of(result))
    assert [(r["tag"], r["value"], r["type"], r["ok"]) for r in rows] == [
        ("Pump1.Speed.SP", 1250.5, "double", True),
        ("Tank1.Capacity", "lots", "string", False),
        ("Tank1.Level.Hi", 91.0, "double", True),
    ]
    assert "HRESULT 0x80070057 E_INVALIDARG" in str(rows[1]["status"])
    assert await value_of(own_shell, "Pump1.Speed.SP") == 1250.5
    assert await value_of(own_shell, "Tank1.Level.Hi") == 91.0
    # The item added for the failed write is removed again, as write does.
    assert own_shell.session.items.find("Tank1.Capacity") is None


async def test_writes_come_from_assignment_files_and_csv(
    own_shell: ShellRunner, tmp_path: Path
) -> None:
    lines = tmp_path / "setpoints.txt"
    lines.write_text("# commissioning\nPump1.Speed.SP = 900\nTank1.Mode=Auto\n")
    table = tmp_path / "setpoints.csv"
    table.write_text('tag,value,type\nFiller1.NozzleEnabled[],"true,false,true,true",bool[]\n')
    result = await own_shell.run(f"write-bulk @{lines} @{table} --type double")
    assert not result.ok  # --type double cannot make 'Auto' a number
    assert result.errors.startswith(f"write-bulk: {lines}:3: bad value")
    assert result.errors.endswith("nothing was written")
    assert len(own_shell.session.items) == 0
    result = await own_shell.run(f"write-bulk @{lines} @{table}")
    assert result.ok, result.errors
    # Each value takes the type the Galaxy declares: Pump1.Speed.SP is a Double.
    assert [r["type"] for r in entries(result.result)] == ["double", "string", "bool[]"]
    assert await value_of(own_shell, "Tank1.Mode") == "Auto"
    assert await value_of(own_shell, "Filler1.NozzleEnabled[]") == [True, False, True, True]


async def test_malformed_write_entries_are_usage_errors(
    own_shell: ShellRunner, tmp_path: Path
) -> None:
    bare = await own_shell.run("write-bulk Tank1.Level.Hi")
    assert bare.outcomes[0].exit_status == 2
    assert bare.errors.startswith("write-bulk: 'Tank1.Level.Hi' is not TAG=VALUE")
    nan = await own_shell.run("write-bulk Tank1.Level.Hi=nan")
    assert "NaN and infinity have no MXAccess representation" in nan.errors
    header = tmp_path / "bad.csv"
    header.write_text("tag,setting\nTank1.Level.Hi,3\n")
    bad = await own_shell.run(f"write-bulk @{header}")
    assert "a CSV header names the columns tag, value" in bad.errors
    stamped = await own_shell.run("write-bulk Tank1.Level.Hi=3 --timestamp 2026-01-31T12:00:00Z")
    assert stamped.outcomes[0].exit_status == 2  # write-bulk takes no --timestamp


async def test_a_plain_bulk_write_to_a_secured_attribute_fails_alone_and_says_why(
    own_shell: ShellRunner,
) -> None:
    result = await own_shell.run("write-bulk Valve101.ManualOverride=true Tank1.Mode=Auto")
    rows = entries(report_of(result))
    assert [r["ok"] for r in rows] == [False, True]
    assert "SecurityError" in str(rows[0]["status"])
    assert "Valve101.ManualOverride is SecuredWrite: use WriteSecured" in str(rows[0]["status"])


async def test_write2_bulk_writes_the_timestamps(own_shell: ShellRunner, tmp_path: Path) -> None:
    missing = await own_shell.run("write2-bulk Tank1.Mode=Auto")
    assert missing.errors == (
        "write2-bulk: Tank1.Mode: no timestamp; give --timestamp or a timestamp column"
    )
    table = tmp_path / "timed.csv"
    table.write_text("tag,timestamp,value\nPump1.Speed.SP,2026-01-31T12:00:00Z,1111\n")
    result = await own_shell.run(
        f"write2-bulk Tank1.Mode=Manual @{table} --timestamp 2026-02-01T08:00:00Z"
    )
    assert result.ok, result.errors
    read = await own_shell.run("read Tank1.Mode Pump1.Speed.SP")
    stamps = [row["timestamp"].isoformat() for row in read.result.records()]
    assert stamps == ["2026-02-01T08:00:00+00:00", "2026-01-31T12:00:00+00:00"]


async def test_write_secured_bulk_asks_once_and_never_shows_the_password(
    own_shell: ShellRunner,
) -> None:
    asker = FakeAsker("operator1")
    own_shell.context.services["ask_secret"] = asker
    own_shell.context.settings.output = "json"
    result = await own_shell.run(
        "write-secured-bulk Valve101.ManualOverride=true Filler1.RecipeName=Cola --user operator"
    )
    assert result.ok, result.text
    assert asker.questions == ["password for operator: "]
    assert "operator1" not in result.text + result.errors
    data = json.loads(result.text)["result"]
    assert [e["ok"] for e in data["entries"]] == [True, True]
    own_shell.context.settings.output = "table"
    assert await value_of(own_shell, "Filler1.RecipeName") == "Cola"


async def test_write_secured_bulk_with_a_wrong_password_writes_nothing(
    own_shell: ShellRunner,
) -> None:
    own_shell.context.services["ask_secret"] = FakeAsker("not-the-password")
    result = await own_shell.run(
        "write-secured-bulk Filler1.RecipeName=Cola Valve101.ManualOverride=true --user operator"
    )
    assert not result.ok and len(result.errors.splitlines()) == 1
    assert "not-the-password" not in result.errors
    assert "MXAccess refused AuthenticateUser for operator" in result.errors
    assert len(own_shell.session.items) == 0  # nothing was added, nothing written


async def test_write_secured_bulk_without_a_terminal_needs_password_env(
    own_shell: ShellRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_way = await own_shell.run("write-secured-bulk Filler1.RecipeName=Cola --user operator")
    assert no_way.errors.endswith("there is no terminal to ask for it: use --password-env VAR")
    monkeypatch.setenv("OPERATOR_PASSWORD", "operator1")
    result = await own_shell.run(
        "write-secured2-bulk Filler1.RecipeName=Lemon --user operator "
        "--password-env OPERATOR_PASSWORD --timestamp 2026-01-31T12:00:00Z"
    )
    assert result.ok, result.errors
    assert "operator1" not in result.text
    assert await value_of(own_shell, "Filler1.RecipeName") == "Lemon"
    assert os.environ["OPERATOR_PASSWORD"] == "operator1"


# reading -----------------------------------------------------------------------------


async def test_read_bulk_answers_advised_tags_from_cache_and_leaves_nothing_behind(
    gateway: EmbeddedGateway, mx_shell: ShellRunner
) -> None:
    await mx_shell.run("advise Tank1.Level")
    item = mx_shell.session.find("Tank1.Level")
    await eventually(lambda: item.change_count > 0, "a first value")
    result = await mx_shell.run("read-bulk Tank1.Level Pump1.Speed")
    assert result.ok, result.errors
    rows = entries(result.result)
    assert [(r["tag"], r["cached"], r["quality"]) for r in rows] == [
        ("Tank1.Level", True, "Good (192)"),
        ("Pump1.Speed", False, "Good (192)"),
    ]
    assert all(isinstance(r["value"], float) for r in rows)
    assert held_by_gateway(gateway, mx_shell.session.session_id) == [("Tank1.Level", True)]
    assert item.advise == "advise"


async def test_read_bulk_times_out_a_slow_tag_alone(mx_shell: ShellRunner) -> None:
    result = await mx_shell.run("read-bulk PLC1.RemoteIO.Value Tank1.Level --timeout-ms 100")
    assert not result.ok
    rows = entries(report_of(result))
    assert [r["ok"] for r in rows] == [False, True]
    assert "100" in str(rows[0]["status"])
    negative = await mx_shell.run("read-bulk Tank1.Level --timeout-ms -1")
    assert negative.outcomes[0].exit_status == 2


# capabilities, keys and command files ----------------------------------------------


async def test_a_gateway_without_bulk_capabilities_is_named_not_obscure() -> None:
    config = SimConfig(update_interval_s=0.05, capabilities=("batched-events",))
    with EmbeddedGateway(config) as older:
        async with ShellRunner.connected(older) as shell:
            read = await shell.run("read-bulk Tank1.Level")
            assert read.errors == (
                "read-bulk: this gateway does not offer bulk reads (no bulk-read-commands "
                "capability in its session); use read TAG... instead"
            )
            write = await shell.run("write-bulk Tank1.Mode=Auto")
            assert "no bulk-write-commands capability" in write.errors
            assert len(shell.session.items) == 0


async def test_a_key_without_the_write_scope_fails_the_whole_batch_in_one_line(
    restricted_gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(restricted_gateway, api_key=READER_KEY) as shell:
        result = await shell.run("write-bulk Tank1.Mode=Auto Pump1.Speed.SP=5")
        assert not result.ok and len(result.errors.splitlines()) == 1
        assert "PERMISSION_DENIED" in result.errors
        assert READER_KEY not in result.errors
        assert len(shell.session.items) == 0  # the items added for it are removed again


async def test_tags_outside_the_keys_constraint_fail_one_by_one(
    restricted_gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(restricted_gateway, api_key=TANKS_KEY) as shell:
        result = await shell.run("subscribe-bulk Tank1.Level Pump1.Speed")
        rows = entries(report_of(result))
        assert [r["ok"] for r in rows] == [True, False]
        assert "Pump1.Speed" in str(rows[1]["status"])


def test_a_command_file_fails_on_a_partial_batch_unless_allowed(
    gateway: EmbeddedGateway, tmp_path: Path
) -> None:
    def run_file(text: str) -> subprocess.CompletedProcess[str]:
        script = tmp_path / "check.mxsh"
        script.write_text(text)
        endpoint = ["--endpoint", gateway.endpoint, "--plaintext", "--api-key-env", "MX_KEY"]
        return subprocess.run(
            # --no-validate: the unknown tag must reach the gateway, as a run-time failure
            [sys.executable, "-c", LAUNCH, *endpoint, "--no-validate", "-f", str(script)],
            capture_output=True,
            text=True,
            timeout=60,
            env=shell_env(tmp_path, MX_KEY=gateway.api_key),
        )

    failed = run_file("read-bulk Tank1.Level Tank9.Level\necho after\n")
    assert failed.returncode == 1
    assert f"{tmp_path / 'check.mxsh'}:1: read-bulk: 1 of 2 entries failed" in failed.stderr
    assert "Tank9.Level" in failed.stdout and "after" not in failed.stdout
    allowed = run_file("read-bulk Tank1.Level Tank9.Level --allow-partial\necho after\n")
    assert allowed.returncode == 0, allowed.stderr
    assert "read-bulk: 2 entries, 1 ok, 1 failed" in allowed.stdout
    assert allowed.stdout.rstrip().endswith("after")


async def test_json_failure_carries_the_entries_in_one_object(mx_shell: ShellRunner) -> None:
    mx_shell.context.settings.output = "json"
    result = await mx_shell.run("read-bulk Tank1.Level Tank9.Level")
    assert len(result.text.splitlines()) == 1
    data = json.loads(result.text)
    assert data["ok"] is False and data["error"].startswith("1 of 2 entries failed")
    assert [e["ok"] for e in data["result"]["entries"]] == [True, False]


async def test_bulk_commands_need_a_session() -> None:
    shell = ShellRunner(Settings())
    result = await shell.run("read-bulk Tank1.Level")
    assert result.errors == "read-bulk: not connected to a gateway; use connect"


# completion -----------------------------------------------------------------------------


def complete(shell: ShellRunner, text: str) -> list[str]:
    slot = completion_slot(shell.host.registry, text)
    return candidates(slot, shell.context, shell.host.completers)


async def test_bulk_command_names_options_and_items_complete(mx_shell: ShellRunner) -> None:
    await mx_shell.run("add-item Tank1.Level --as level; add-item Pump1.Speed")
    assert complete(mx_shell, "write-") == [
        "write-bulk",
        "write-secured",
        "write-secured-bulk",
        "write-secured2",
        "write-secured2-bulk",
    ]
    assert complete(mx_shell, "remove-item-bulk ") == [
        "1",
        "2",
        "Pump1.Speed",
        "Tank1.Level",
        "level",
    ]
    assert complete(mx_shell, "unsubscribe-bulk level P") == ["Pump1.Speed"]
    assert complete(mx_shell, "write-bulk T") == ["Tank1.Level"]
    assert complete(mx_shell, "read-bulk Tank1.Level --t") == ["--timeout-ms"]
    assert complete(mx_shell, "write2-bulk x=1 --type int6") == ["int64", "int64[]"]
    assert "--allow-partial" in complete(mx_shell, "subscribe-bulk Tank1.Level --")
    assert "--password-env" in complete(mx_shell, "write-secured-bulk x=1 --")


def test_bulk_arguments_that_take_tags_complete_from_the_galaxy(mx_shell: ShellRunner) -> None:
    registry = mx_shell.host.registry
    takes_tags = {
        name: registry.get(name).positionals[0].is_tag
        for name in ("add-item-bulk", "advise-item-bulk", "read-bulk", "write-bulk")
    }
    assert takes_tags == dict.fromkeys(takes_tags, True)
    # Items that must exist already complete from the session's items alone.
    assert not registry.get("remove-item-bulk").positionals[0].is_tag
    assert not registry.get("unadvise-item-bulk").positionals[0].is_tag
    assert registry.get("read-bulk").plugin == "bulk"
