"""`watch` without a terminal: the model's rows and rates, snapshots, errors and JSON."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from mxshell.commands import WATCH_VIEW, Settings, Table
from mxshell.contract import mx
from mxshell.output.watch_table import SNAPSHOT_COLUMNS, WatchModel, view_cells
from mxshell.session import ItemTable
from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner
from tests.plugins.galaxy_glob import lend_galaxy

# fixtures ----------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def data_change(server_handle: int, item_handle: int) -> Any:
    event = mx.MxEvent()
    event.on_data_change.server_handle = server_handle
    event.on_data_change.item_handle = item_handle
    return event


def offline_model(clock: FakeClock, tags: list[str]) -> tuple[WatchModel, ItemTable]:
    table = ItemTable()
    registration = table.add_registration("mxshell", 1)
    items = [table.add(registration, tag, handle) for handle, tag in enumerate(tags, start=10)]
    session = SimpleNamespace(items=table, connected=True)
    return WatchModel(session, items, clock=clock), table  # type: ignore[arg-type]


class FakeView:
    """A watch_view service without a terminal: records the model, leaves when told."""

    def __init__(self, hold: float = 0.0) -> None:
        self.hold = hold
        self.calls: list[tuple[WatchModel, float | None]] = []
        self.advise_states: list[list[str]] = []

    async def __call__(self, model: WatchModel, *, duration: float | None = None) -> str:
        self.calls.append((model, duration))
        self.advise_states.append([i.advise for i in model.items])
        await asyncio.sleep(self.hold)
        return "quit"


async def quiet(shell: ShellRunner, seconds: float = 0.3) -> bool:
    """True when no data change reaches the session for a while (nothing left advised)."""
    await asyncio.sleep(0.15)
    before = shell.session.counters.data_changes
    await asyncio.sleep(seconds)
    return bool(shell.session.counters.data_changes == before)


# the model -----------------------------------------------------------------------------


async def test_model_rows_count_real_data_changes_and_rate_them(
    gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(gateway) as shell:
        await shell.run("add-item Tank1.Level --as level; advise level")
        await shell.run("add-item Pump1.Speed; advise Pump1.Speed")
        await asyncio.sleep(0.2)
        session = shell.session
        level = session.find("level")
        before = level.change_count
        model = WatchModel(session, [level])
        with model.listening():
            await asyncio.sleep(1.2)
            (row,) = model.rows()
            assert row.value == level.value and isinstance(row.value, float)
            assert row.changes == level.change_count - before  # since the watch began
        elapsed = model.elapsed()
        assert model.batches > 0

        assert (row.handle, row.alias, row.tag, row.name) == (1, "level", "Tank1.Level", "level")
        assert (row.quality, row.quality_text, row.bad) == (192, "Good (192)", False)
        assert row.timestamp is not None and row.recent
        # The simulator moves Tank1.Level every 50 ms: about 20 changes a second.
        assert 10 <= row.changes <= 40
        assert row.rate == pytest.approx(row.changes / elapsed, rel=0.25)
        assert model.total_changes >= row.changes  # Pump1.Speed is advised, not watched
        assert len(model) == 1 and model.items == [level]
        await shell.run("remove-item level; remove-item Pump1.Speed")


def changed(item: Any, clock: FakeClock, times: int = 1) -> None:
    """What the session does for each OnDataChange of an item."""
    item.change_count += times
    item.last_change_at = clock.now


def test_rate_is_over_a_sliding_window_and_recent_fades() -> None:
    clock = FakeClock()
    model, table = offline_model(clock, ["Tank1.Level", "Tank2.Level"])
    tank1_item = next(iter(table))
    for _ in range(10):  # 10 changes a second for 10 s
        clock.now += 1.0
        changed(tank1_item, clock, 10)
        model.rows()
    tank1, tank2 = model.rows()
    assert (tank1.changes, tank2.changes) == (100, 0)
    assert tank1.rate == pytest.approx(10.0)
    assert tank1.recent and not tank2.recent
    assert model.total_changes == 100
    assert model.rate() == pytest.approx(10.0, rel=0.25)

    for _ in range(6):  # then silence: the window forgets the busy seconds
        clock.now += 1.0
        model.rows()
    tank1, _ = model.rows()
    assert tank1.changes == 100 and tank1.rate == 0.0 and not tank1.recent


def test_changes_count_from_the_start_of_the_watch_and_the_first_is_no_burst() -> None:
    clock = FakeClock()
    table = ItemTable()
    item = table.add(table.add_registration("mxshell", 1), "Tank1.Level", 10)
    item.change_count = 500  # advised long before the watch
    session = SimpleNamespace(items=table, connected=True)
    model = WatchModel(session, [item, item], clock=clock)  # type: ignore[arg-type]
    clock.now += 0.01
    changed(item, clock)
    (row,) = model.rows()  # named twice, watched once
    assert (row.changes, row.rate) == (1, 1.0)


def test_each_event_batch_marks_the_model_dirty_until_rows_are_taken() -> None:
    model, _ = offline_model(FakeClock(), ["Tank1.Level"])
    model.rows()
    assert not model.dirty
    model.on_events([data_change(1, 10)])
    assert model.dirty and model.batches == 1
    model.rows()
    assert not model.dirty


def test_view_cells_cut_long_values_and_mark_lost_items() -> None:
    clock = FakeClock()
    model, table = offline_model(clock, ["Tank1.LevelTrend"])
    (item,) = list(table)
    item.value = [float(n) for n in range(40)]
    item.lost = "unknown tag"
    (row,) = model.rows()
    cells = view_cells(row, Settings())
    assert len(cells[2]) == 40 and cells[2].endswith("…")
    assert cells[3] == "lost" and row.bad
    assert cells[0] == "#1" and cells[-2:] == ["0", "0.0"]


# snapshots without a terminal ---------------------------------------------------------


async def test_without_a_view_watch_prints_one_snapshot_and_gives_back_what_it_added(
    gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(gateway) as shell:
        result = await shell.run("watch Tank1.Level Pump1.Speed")
        assert result.ok, result.errors
        table = result.result
        assert isinstance(table, Table) and list(table.columns) == list(SNAPSHOT_COLUMNS)
        records = table.records()
        assert [r["tag"] for r in records] == ["Tank1.Level", "Pump1.Speed"]
        assert all(r["quality"] == "Good (192)" and r["value"] is not None for r in records)
        assert result.text.splitlines()[0].split() == list(SNAPSHOT_COLUMNS)
        assert list(shell.session.items) == []
        assert await quiet(shell)


async def test_once_shows_a_table_even_when_a_view_is_there(gateway: EmbeddedGateway) -> None:
    async with ShellRunner.connected(gateway) as shell:
        view = FakeView()
        shell.context.services[WATCH_VIEW] = view
        result = await shell.run("watch Tank1.Level --once")
        assert isinstance(result.result, Table) and len(result.result.rows) == 1
        assert view.calls == []


async def test_for_without_a_view_prints_a_table_every_interval(
    gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(gateway) as shell:
        result = await shell.run("watch Tank1.Level --for 1s --interval 300ms")
        assert result.ok, result.errors
        tables, summary = result.out[:-1], result.out[-1]
        assert len(tables) == 4  # at 0.3, 0.6 and 0.9 s, and the last at 1 s
        for text in tables:
            lines = text.splitlines()
            assert lines[0].startswith("watch ") and lines[0].endswith("changes/s")
            assert "Tank1.Level" in lines[3]
        counts = [int(t.splitlines()[3].split()[-2]) for t in tables]
        assert counts == sorted(counts) and counts[-1] > counts[0]
        assert summary.startswith("watched 1 item(s) for 1.0 s: ")
        assert summary.endswith("; removed 1 item(s) it added")


async def test_without_items_watch_shows_every_advised_item_and_leaves_them_advised(
    gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(gateway) as shell:
        failed = await shell.run("watch")
        assert failed.errors == (
            "watch: no advised items to watch: name some, e.g. watch Tank1.Level Pump1.Speed"
        )
        await shell.run("add-item Tank1.Level --as level; advise level")
        await shell.run("add-item Pump1.Speed --as speed; advise speed")
        await shell.run("add-item Tank2.Level --as idle")
        await asyncio.sleep(0.2)
        result = await shell.run("watch --once")
        assert [r["alias"] for r in result.result.records()] == ["level", "speed"]
        assert [i.advise for i in shell.session.items] == ["advise", "advise", "none"]
        await shell.run("remove-item level; remove-item speed; remove-item idle")


async def test_an_item_that_was_not_advised_is_advised_for_the_watch_only(
    gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(gateway) as shell:
        view = FakeView()
        shell.context.services[WATCH_VIEW] = view
        await shell.run("add-item Tank1.Level --as level")
        result = await shell.run("watch level Pump1.Speed --for 2s")
        assert result.text.endswith("removed 1 item(s) it added, unadvised 1 item(s) it advised")
        assert view.advise_states == [["advise", "advise"]]
        assert view.calls[0][1] == 2.0
        assert [(i.name, i.advise) for i in shell.session.items] == [("level", "none")]
        await shell.run("remove-item level")


async def test_ctrl_c_during_the_view_still_gives_back_what_the_watch_added(
    gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(gateway) as shell:
        shell.context.services[WATCH_VIEW] = FakeView(hold=30)
        task = asyncio.create_task(shell.run("watch Tank1.Level Pump1.Speed"))
        await asyncio.sleep(0.3)
        task.cancel()  # what the REPL does on Ctrl-C
        result = await task
        assert result.outcomes[0].status == "cancelled"
        assert list(shell.session.items) == []
        assert await quiet(shell)


# errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("watch Nope.Thing", "unknown tag reference 'Nope.Thing'"),
        ("watch nosuchalias", "watch: nothing to watch: nosuchalias: no item or alias"),
        ("watch 99", "watch: nothing to watch: 99: no item with handle 99"),
        ("watch Tank1.Level --interval 0", "watch: --interval must be longer than 0"),
    ],
)
async def test_nothing_to_watch_is_one_clear_line_and_nothing_is_left_behind(
    gateway: EmbeddedGateway, line: str, message: str
) -> None:
    async with ShellRunner.connected(gateway) as shell:
        result = await shell.run(line)
        assert not result.ok
        assert len(result.err) == 1 and message in result.err[0]
        assert list(shell.session.items) == []
        assert await quiet(shell)


async def test_watch_needs_a_session() -> None:
    shell = ShellRunner()
    result = await shell.run("watch Tank1.Level")
    assert result.errors == "watch: not connected to a gateway; use connect"


# JSON --------------------------------------------------------------------------------------


async def test_json_mode_prints_data_and_never_opens_the_view(gateway: EmbeddedGateway) -> None:
    async with ShellRunner.connected(gateway, Settings(output="json")) as shell:
        view = FakeView()
        shell.context.services[WATCH_VIEW] = view
        once = await shell.run("watch Tank1.Level")
        (line,) = once.out
        data = json.loads(line)
        assert data["command"] == "watch" and data["ok"] is True
        assert data["result"]["columns"] == list(SNAPSHOT_COLUMNS)
        (row,) = data["result"]["rows"]
        assert set(row) == set(SNAPSHOT_COLUMNS)
        assert row["tag"] == "Tank1.Level" and row["quality"] == "Good (192)"
        assert row["timestamp"].endswith("Z") and isinstance(row["value"], float)

        streamed = await shell.run("watch Tank1.Level --for 500ms --interval 250ms")
        *tables, summary = [json.loads(text) for text in streamed.out]
        assert len(tables) == 2
        assert all(t["columns"] == list(SNAPSHOT_COLUMNS) and "title" in t for t in tables)
        assert summary["command"] == "watch"
        assert set(summary["result"]) == {"items", "changes", "seconds", "ended", "kept"}
        assert summary["result"]["ended"] == "duration" and summary["result"]["items"] == 1
        assert view.calls == []


async def test_one_bad_tag_gets_a_row_saying_why_and_the_others_are_watched(
    gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(gateway) as shell:
        result = await shell.run("watch Tank1.Level Tank9.Nope Pump1.Speed --once")
        assert result.outcomes[-1].exit_status == 1  # a printed watch with a bad tag fails
        assert "1 of 3 tag(s) could not be watched" in result.errors
        assert "watch: Tank9.Nope: " in result.errors and "watching the others" in result.errors
        records = {r["tag"]: r for r in result.outcomes[-1].result.records()}
        assert records["Tank1.Level"]["quality"] == "Good (192)"
        assert records["Pump1.Speed"]["quality"] == "Good (192)"
        assert records["Tank9.Nope"]["handle"] is None
        assert records["Tank9.Nope"]["quality"].startswith("failed: ")
        assert "unknown tag reference 'Tank9.Nope'" in records["Tank9.Nope"]["quality"]
        assert list(shell.session.items) == []  # what it added is given back
        nothing = await shell.run("watch Tank9.Nope --once")
        assert nothing.outcomes[-1].exit_status == 1
        assert "nothing to watch: Tank9.Nope:" in nothing.errors


async def test_watch_takes_a_file_of_tags_with_comments_and_globs_as_read_does(
    gateway: EmbeddedGateway, tmp_path: Path
) -> None:
    listed = tmp_path / "watched.txt"
    listed.write_text("# the tanks' levels, then a pump\n\nTank[12].Level\n  Pump1.Speed\n")
    async with ShellRunner.connected(gateway) as shell:
        lookup = lend_galaxy(shell)
        result = await shell.run(f"watch @{listed} Tank3.Level --once")
        assert result.ok, result.errors
        records = result.result.records()
        assert [r["tag"] for r in records] == [
            "Tank1.Level",
            "Tank2.Level",
            "Pump1.Speed",
            "Tank3.Level",
        ]
        assert all(r["quality"] == "Good (192)" for r in records)
        assert lookup.patterns == ["Tank[12].Level"]
        assert list(shell.session.items) == []  # what it added is given back
        missing = await shell.run(f"watch @{tmp_path}/nope.txt --once")
        assert missing.errors == f"watch: cannot read @{tmp_path}/nope.txt: no such file"
        # At the prompt the file's tags go to the live view, advised while it shows them.
        view = FakeView()
        shell.context.services[WATCH_VIEW] = view
        assert (await shell.run(f"watch @{listed}")).ok
        ((model, _),) = view.calls
        assert [i.tag_reference for i in model.items] == [
            "Tank1.Level",
            "Tank2.Level",
            "Pump1.Speed",
        ]
        assert view.advise_states == [["advise", "advise", "advise"]]
        assert list(shell.session.items) == []


def test_a_failed_row_is_marked_bad_in_the_view() -> None:
    model = WatchModel(SimpleNamespace(), [])
    model.add_failed(None, "Tank9.Nope", "unknown tag reference 'Tank9.Nope'")
    (row,) = model.rows()
    assert row.bad and row.name == "-"
    cells = view_cells(row, None)
    assert cells[1] == "Tank9.Nope" and cells[3].startswith("failed: unknown tag")


async def test_an_elapsed_time_is_watched_as_a_duration(gateway: EmbeddedGateway) -> None:
    async with ShellRunner.connected(gateway) as shell:
        result = await shell.run("watch PLC1.PollRate Tank1.Capacity --once")
        assert result.ok, result.errors
        values = {r["tag"]: r["value"] for r in result.result.records()}
        assert str(values["PLC1.PollRate"]) == "0:00:00.500000"  # a timedelta
        assert values["Tank1.Capacity"] == 25000
        assert "00:00:00.500" in result.text


def test_uncertain_quality_is_told_from_bad() -> None:
    model = WatchModel(SimpleNamespace(), [])
    model.add_failed(None, "X.Y", "why")
    (failed,) = model.rows()
    assert failed.bad and not failed.uncertain
    uncertain = replace(failed, failed=None, quality=68)
    bad = replace(failed, failed=None, quality=24)
    good = replace(failed, failed=None, quality=192)
    assert uncertain.bad and uncertain.uncertain
    assert bad.bad and not bad.uncertain
    assert not good.bad and not good.uncertain


async def test_a_line_naming_a_file_inside_a_watched_file_is_no_file(
    gateway: EmbeddedGateway, tmp_path: Path
) -> None:
    # As read takes it: a file's lines are tags, never files of their own.
    inner = tmp_path / "inner.txt"
    inner.write_text("Tank2.Level\n")
    outer = tmp_path / "outer.txt"
    outer.write_text(f"Tank1.Level\n@{inner}\n")
    async with ShellRunner.connected(gateway) as shell:
        result = await shell.run(f"watch @{outer} --once")
        assert not result.ok
        records = result.result.records()
        assert [r["tag"] for r in records] == ["Tank1.Level", f"@{inner}"]
        assert records[1]["value"] is None
