"""Coalesced redraws: many changes, few redraws, and a lone change shows at once."""

from __future__ import annotations

import asyncio

from mxshell.shell.redraw import CoalescedRedraw


async def test_a_model_marked_dirty_100_times_in_100_ms_redraws_at_most_twice() -> None:
    redraw = CoalescedRedraw(lambda: None, interval=0.1)
    loop = asyncio.get_running_loop()
    end = loop.time() + 0.1
    marks = 0
    while loop.time() < end:
        redraw.mark_dirty()
        marks += 1
        await asyncio.sleep(0.001)
    assert marks >= 50
    assert 1 <= redraw.redraws <= 2
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
