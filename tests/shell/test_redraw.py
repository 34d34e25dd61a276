"""Coalesced redraws: many changes, few redraws, and a lone change shows at once."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from mxshell.output.watch_table import WatchModel
from mxshell.session import ItemTable
from mxshell.shell.redraw import CoalescedRedraw


async def test_a_model_marked_dirty_100_times_in_100_ms_redraws_at_most_twice() -> None:
    table = ItemTable()
    registration = table.add_registration("mxshell", 1)
    model = WatchModel(
        SimpleNamespace(items=table, connected=True),  # type: ignore[arg-type]
        [table.add(registration, "Tank1.Level", 10)],
    )
    redraw = CoalescedRedraw(lambda: None, interval=0.1)
    model.on_change = redraw.mark_dirty  # as the watch view hooks it
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(100):  # an event batch a millisecond
        model.on_events([])
        await asyncio.sleep(0.001)
    took = loop.time() - started
    assert model.batches == 100
    # Two in about 100 ms (at once, then 0.1 s later); a loaded machine that took longer
    # to send the batches may see one more per 0.1 s it took.
    assert 1 <= redraw.redraws <= 1 + int(took / 0.1)
    assert redraw.redraws <= 2 or took > 0.2
    redraw.close()


async def test_a_lone_change_after_a_quiet_spell_redraws_at_once() -> None:
    drawn: list[float] = []
    loop = asyncio.get_running_loop()
    redraw = CoalescedRedraw(lambda: drawn.append(loop.time()), interval=0.1)
    redraw.mark_dirty()
    await asyncio.sleep(0.25)
    marked = loop.time()
    redraw.mark_dirty()
    await asyncio.sleep(0.01)
    assert len(drawn) == 2 and drawn[1] - marked < 0.01


async def test_changes_during_the_interval_are_drawn_once_it_has_passed() -> None:
    drawn: list[float] = []
    loop = asyncio.get_running_loop()
    redraw = CoalescedRedraw(lambda: drawn.append(loop.time()), interval=0.1)
    redraw.mark_dirty()
    await asyncio.sleep(0)
    redraw.mark_dirty()  # right after a redraw: waits for the interval
    await asyncio.sleep(0.05)
    assert len(drawn) == 1
    await asyncio.sleep(0.1)
    assert len(drawn) == 2 and drawn[1] - drawn[0] >= 0.099


async def test_close_drops_a_pending_redraw() -> None:
    drawn: list[int] = []
    redraw = CoalescedRedraw(lambda: drawn.append(1), interval=0.1)
    redraw.mark_dirty()
    redraw.close()
    await asyncio.sleep(0.01)
    assert drawn == []
