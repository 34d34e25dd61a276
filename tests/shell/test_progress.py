"""The spinner a long command shows at the prompt: after a second, erased at the end,
never while another screen is up or when it is not wanted (JSON, output to a file)."""

from __future__ import annotations

import asyncio
import io

import pytest

from mxshell.shell import progress
from mxshell.shell.progress import ERASE, Spinner, screen_in_use


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "AFTER_S", 0.05)
    monkeypatch.setattr(progress, "EVERY_S", 0.01)


async def spin_for(seconds: float, wanted: bool = True, *, in_use: bool = False) -> str:
    stream = io.StringIO()
    spinner = Spinner(lambda: wanted, stream)
    spinner.start()
    if in_use:
        with screen_in_use():
            await asyncio.sleep(seconds)
    else:
        await asyncio.sleep(seconds)
    await spinner.stop()
    return stream.getvalue()


async def test_a_short_command_shows_nothing() -> None:
    assert await spin_for(0.01) == ""


async def test_a_long_one_spins_with_its_time_and_is_erased_at_the_end() -> None:
    drawn = await spin_for(0.2)
    assert "⠋ 0." in drawn and "⠙ 0." in drawn and " s\r" in drawn
    assert drawn.endswith(ERASE)


async def test_nothing_while_another_screen_is_up_or_when_not_wanted() -> None:
    assert await spin_for(0.2, in_use=True) == ""
    assert await spin_for(0.2, wanted=False) == ""


async def test_a_screen_coming_up_erases_the_spinner_first() -> None:
    stream = io.StringIO()
    spinner = Spinner(lambda: True, stream)
    spinner.start()
    await asyncio.sleep(0.1)
    with screen_in_use():
        assert stream.getvalue().endswith(ERASE)
        size = len(stream.getvalue())
        await asyncio.sleep(0.1)
        assert len(stream.getvalue()) == size  # nothing drawn over the other screen
    await spinner.stop()


async def test_a_line_printed_meanwhile_takes_the_spinner_off_its_line_first() -> None:
    stream = io.StringIO()
    spinner = Spinner(lambda: True, stream)
    spinner.start()
    await asyncio.sleep(0.1)
    progress.erase()  # what the shell's printers do before each line
    assert stream.getvalue().endswith(ERASE) and not spinner.drawn
    await spinner.stop()
    assert stream.getvalue().count(ERASE) == stream.getvalue().count(" s\r") + 1
