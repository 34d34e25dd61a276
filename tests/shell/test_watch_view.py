"""The live watch view through prompt_toolkit's pipe input, against a simulated gateway."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from mxshell.commands import WATCH_VIEW
from mxshell.shell.build import build_repl
from mxshell.shell.repl import Repl
from mxshell.shell.watch_view import WatchView
from mxshell.sim import EmbeddedGateway
from mxshell.testing import RunResult, ShellRunner


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


class SmallOutput(DummyOutput):
    """A terminal of a few rows, to see the view cut a long table."""

    def get_size(self) -> Size:
        return Size(rows=6, columns=120)


@contextmanager
def pipe_input() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe:
        yield pipe


@asynccontextmanager
async def shell_with_view(
    gateway: EmbeddedGateway, output: DummyOutput | None = None
) -> AsyncIterator[tuple[ShellRunner, WatchView, PipeInput]]:
    async with ShellRunner.connected(gateway) as shell:
        with pipe_input() as pipe:
            view = WatchView(
                shell.context.settings,
                input=pipe,
                output=output or DummyOutput(),
                refresh_interval=0.05,
            )
            shell.context.services[WATCH_VIEW] = view
            yield shell, view, pipe


async def start_watch(shell: ShellRunner, view: WatchView, line: str) -> asyncio.Task[RunResult]:
    task = asyncio.create_task(shell.run(line))
    await until(lambda: "rate/s" in view.text() or task.done())
    return task


async def test_the_view_shows_a_row_per_item_and_updates_as_events_arrive(
    gateway: EmbeddedGateway,
) -> None:
    async with shell_with_view(gateway) as (shell, view, pipe):
        task = await start_watch(shell, view, "watch Tank1.Level Pump1.Speed")
        await until(lambda: "Good (192)" in view.text())
        first = view.text()
        lines = first.splitlines()
        assert lines[0].startswith("watch · 2 item(s)")
        assert lines[1].split() == [
            "item",
            "tag",
            "value",
            "quality",
            "timestamp",
            "changes",
            "rate/s",
        ]
        assert [line.split()[1] for line in lines[2:]] == ["Tank1.Level", "Pump1.Speed"]
        await until(lambda: view.text() != first)  # values, counts and rates move
        await until(lambda: all(int(line.split()[-2]) > 1 for line in view.text().splitlines()[2:]))

        pipe.send_text("q")
        result = await asyncio.wait_for(task, 5)
    assert result.ok
    assert result.text.startswith("watched 2 item(s) for ")
    assert result.text.endswith("removed 2 item(s) it added")
    assert view.application is None


@pytest.mark.parametrize("key", ["q", "\x1b", "\x03"], ids=["q", "esc", "ctrl-c"])
async def test_q_esc_and_ctrl_c_leave_and_what_the_watch_added_is_given_back(
    gateway: EmbeddedGateway, key: str
) -> None:
    async with shell_with_view(gateway) as (shell, view, pipe):
        await shell.run("add-item Pump1.Speed --as speed")
        await shell.run("add-item Pump2.Speed --as kept; advise kept")
        task = await start_watch(shell, view, "watch speed kept Tank1.Level")
        session = shell.session
        assert [i.advise for i in session.items] == ["advise", "advise", "advise"]
        pipe.send_text(key)
        result = await asyncio.wait_for(task, 5)
        assert result.ok, result.errors
        assert result.outcomes[0].result.data["ended"] == "quit"

        # Tank1.Level (added) is removed, speed (not advised) unadvised, kept untouched.
        assert {i.name: i.advise for i in session.items} == {"speed": "none", "kept": "advise"}
        await shell.run("unadvise kept")
        await asyncio.sleep(0.2)
        changes = session.counters.data_changes
        await asyncio.sleep(0.3)
        assert session.counters.data_changes == changes  # the gateway stopped sending


async def test_keep_leaves_the_added_items_advised(gateway: EmbeddedGateway) -> None:
    async with shell_with_view(gateway) as (shell, view, pipe):
        task = await start_watch(shell, view, "watch Tank1.Level --keep")
        pipe.send_text("q")
        result = await asyncio.wait_for(task, 5)
        assert result.text.endswith("kept 1 added item(s) and 1 advise(s)")
        assert [(i.tag_reference, i.advise) for i in shell.session.items] == [
            ("Tank1.Level", "advise")
        ]


async def test_p_pauses_the_table_and_p_again_resumes_it(gateway: EmbeddedGateway) -> None:
    async with shell_with_view(gateway) as (shell, view, pipe):
        task = await start_watch(shell, view, "watch Tank1.Level")
        pipe.send_text("p")
        await until(lambda: "PAUSED" in view.text())
        rows = view.text().splitlines()[1:]
        await asyncio.sleep(0.4)  # many events and several redraws later
        assert view.text().splitlines()[1:] == rows
        pipe.send_text("p")
        await until(lambda: view.text().splitlines()[1:] != rows)
        assert "PAUSED" not in view.text()
        pipe.send_text("q")
        assert (await asyncio.wait_for(task, 5)).ok


async def test_for_leaves_the_view_by_itself(gateway: EmbeddedGateway) -> None:
    async with shell_with_view(gateway) as (shell, view, _pipe):
        result = await asyncio.wait_for(shell.run("watch Tank1.Level --for 300ms"), 5)
    assert result.ok
    summary = result.outcomes[0].result.data
    assert summary["ended"] == "duration" and 0.3 <= summary["seconds"] < 2


async def test_event_lines_are_not_printed_while_the_view_is_up(
    gateway: EmbeddedGateway,
) -> None:
    async with shell_with_view(gateway) as (shell, view, pipe):
        settings = shell.context.settings
        assert settings.events
        task = await start_watch(shell, view, "watch Tank1.Level")
        assert not settings.events
        pipe.send_text("q")
        await asyncio.wait_for(task, 5)
        assert settings.events


async def test_a_table_taller_than_the_terminal_says_how_many_rows_it_hides(
    gateway: EmbeddedGateway,
) -> None:
    tags = " ".join(f"Tank{n}.Level" for n in range(1, 5))
    async with shell_with_view(gateway, SmallOutput()) as (shell, view, pipe):
        task = await start_watch(shell, view, f"watch {tags}")
        lines = view.text().splitlines()
        assert len(lines) == 5  # one line of the six to spare
        assert lines[-1] == "… 2 more item(s): enlarge the terminal"
        pipe.send_text("q")
        assert (await asyncio.wait_for(task, 5)).ok


async def test_the_repl_lends_the_view_and_the_prompt_comes_back_after_q(
    gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(gateway) as shell:
        with pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
            hooks = build_repl(shell.runtime, history=False).hooks
            view = shell.context.services[WATCH_VIEW]
            assert isinstance(view, WatchView)
            repl = Repl(hooks, input=pipe, output=DummyOutput())
            running = asyncio.create_task(repl.run())
            pipe.send_text("watch Tank1.Level\r")
            await until(lambda: "Tank1.Level" in view.text())
            pipe.send_text("q")
            await until(lambda: view.application is None)
            pipe.send_text("echo after\r")
            await until(lambda: "after" in shell.out)
            pipe.send_text("\x04")
            assert await asyncio.wait_for(running, 5) == 0
    summary = [line for line in shell.out if line.startswith("watched ")]
    assert summary and summary[0].startswith("watched 1 item(s)")
    assert shell.out.index(summary[0]) < shell.out.index("after")
