"""Filtering and sorting the watch view's rows, as htop does: the row functions and keys."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from types import SimpleNamespace

from prompt_toolkit.formatted_text import fragment_list_to_text

from mxshell.output.watch_table import WatchModel, WatchRow, matching, sorted_rows
from mxshell.session import ItemTable
from mxshell.shell.watch_view import WatchView
from mxshell.sim import EmbeddedGateway
from tests.shell.test_watch_view import shell_with_view, start_watch, until


def row(
    alias: str, tag: str, value: object = None, changes: int = 0, rate: float = 0.0
) -> WatchRow:
    return WatchRow(
        handle=len(alias),
        alias=alias,
        tag=tag,
        value=value,
        quality=192,
        timestamp=datetime(2026, 1, 1, tzinfo=UTC),
        changes=changes,
        rate=rate,
        recent=False,
    )


ROWS = [
    row("level", "Tank1.Level", 12.5, changes=3, rate=1.0),
    row("speed", "Pump1.Speed", 900, changes=9, rate=3.0),
    row("mode", "Pump2.Mode", "Auto", changes=1, rate=0.5),
    row("idle", "Pump3.Speed", None),
]


def test_the_filter_matches_name_or_tag_ignoring_case() -> None:
    assert [r.alias for r in matching(ROWS, "PUMP")] == ["speed", "mode", "idle"]
    assert [r.alias for r in matching(ROWS, "lev")] == ["level"]
    assert [r.alias for r in matching(ROWS, "")] == ["level", "speed", "mode", "idle"]
    assert matching(ROWS, "nothing") == []


def test_sorting_by_a_column_and_reversed() -> None:
    assert [r.alias for r in sorted_rows(ROWS, "item", False)] == ["idle", "level", "mode", "speed"]
    assert [r.alias for r in sorted_rows(ROWS, "changes", True)] == [
        "speed",
        "level",
        "mode",
        "idle",
    ]
    assert [r.alias for r in sorted_rows(ROWS, "rate/s", False)] == [
        "idle",
        "mode",
        "level",
        "speed",
    ]
    assert [r.alias for r in sorted_rows(ROWS, None, True)] == ["idle", "mode", "speed", "level"]


def test_values_of_mixed_types_sort_numbers_first_then_text_then_none() -> None:
    assert [r.alias for r in sorted_rows(ROWS, "value", False)] == [
        "level",
        "speed",
        "mode",
        "idle",
    ]


def body(text: str) -> list[str]:
    """The table's item names, without title, header and filter line."""
    lines = text.splitlines()[2:]
    return [line.split()[0] for line in lines if line and not line.startswith("filter:")]


async def test_slash_filters_enter_keeps_and_esc_clears(gateway: EmbeddedGateway) -> None:
    async with shell_with_view(gateway) as (shell, view, pipe):
        await shell.run("add-item Tank1.Level --as level; add-item Pump1.Speed --as speed")
        task = await start_watch(shell, view, "watch level speed Pump2.Speed")
        assert body(view.text()) == ["level", "speed", "#3"]
        pipe.send_text("/pU")
        await until(lambda: "filter: pU" in view.text())
        assert body(view.text()) == ["speed", "#3"]
        assert "2 shown" in view.text().splitlines()[0]
        pipe.send_text("q")  # typed into the filter, not a way out
        await until(lambda: "filter: pUq" in view.text())
        assert body(view.text()) == []
        pipe.send_text("\x7fmp1\r")  # backspace, then Pump1 only; Enter keeps it
        await until(lambda: body(view.text()) == ["speed"])
        assert "Enter keeps" not in view.text()
        assert "filter: pUmp1" in view.text()
        pipe.send_text("/\x1b")  # Esc on the filter line clears it, the view stays
        await until(lambda: "filter:" not in view.text())
        assert body(view.text()) == ["level", "speed", "#3"]
        assert not task.done()
        pipe.send_text("q")
        assert (await asyncio.wait_for(task, 5)).ok


async def test_s_cycles_the_sort_column_and_r_reverses(gateway: EmbeddedGateway) -> None:
    async with shell_with_view(gateway) as (shell, view, pipe):
        await shell.run("add-item Tank1.Level --as b; add-item Pump1.Speed --as c")
        await shell.run("add-item Pump2.Speed --as a")
        task = await start_watch(shell, view, "watch b c a")
        assert body(view.text()) == ["b", "c", "a"]
        pipe.send_text("s")  # the first column: item
        await until(lambda: "sort item ▲" in view.text())
        assert body(view.text()) == ["a", "b", "c"]
        assert view.text().splitlines()[1].startswith("item ▲")
        pipe.send_text("r")
        await until(lambda: "sort item ▼" in view.text())
        assert body(view.text()) == ["c", "b", "a"]
        pipe.send_text("s")  # tag, still reversed
        await until(lambda: "sort tag ▼" in view.text())
        assert body(view.text()) == ["b", "a", "c"]  # Tank1, Pump2, Pump1
        pipe.send_text("<<r")  # back past item to the named order, not reversed
        await until(lambda: "· sort " not in view.text().splitlines()[0])
        assert body(view.text()) == ["b", "c", "a"]
        pipe.send_text("q")
        assert (await asyncio.wait_for(task, 5)).ok


def test_a_key_press_redraws_with_the_rows_it_has_and_a_data_change_computes_them() -> None:
    table = ItemTable()
    registration = table.add_registration("mxshell", 1)
    tags = [f"Tank{n}.Level" for n in range(1, 4)]
    items = [table.add(registration, tag, handle) for handle, tag in enumerate(tags, start=10)]
    model = WatchModel(SimpleNamespace(items=table, connected=True), items)  # type: ignore[arg-type]
    computed = []
    rows = model.rows
    model.rows = lambda: computed.append(1) or rows()  # type: ignore[method-assign]
    view = WatchView()
    view.fragments(model)
    view.filter_text = "tank2"  # as a key press would, then its redraw
    assert len(view.fragments(model)) and len(computed) == 1
    assert "1 of 3" in fragment_list_to_text(view.fragments(model))  # the filter took
    view._data_changed(SimpleNamespace(invalidate=lambda: None))  # type: ignore[arg-type]
    view.fragments(model)
    assert len(computed) == 2
