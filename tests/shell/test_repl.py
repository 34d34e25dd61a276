"""The REPL loop through prompt_toolkit's pipe input and dummy output (no terminal)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from mxshell.app.runtime import ShellRuntime
from mxshell.shell.build import build_repl
from mxshell.shell.history import SecretSafeHistory
from mxshell.shell.repl import Repl


def make_runtime(out: list[str], err: list[str]) -> ShellRuntime:
    return ShellRuntime(out=out.append, err=err.append)


async def drive(repl_of: object, keys: list[str]) -> int:
    with create_pipe_input() as pipe:
        repl = repl_of(pipe)  # type: ignore[operator]
        task = asyncio.create_task(repl.run())
        for chunk in keys:
            pipe.send_text(chunk)
            await asyncio.sleep(0.05)
        return await asyncio.wait_for(task, 10)


async def test_lines_typed_run_in_order_and_ctrl_d_ends_the_loop(shell_dirs: Path) -> None:
    out: list[str] = []
    err: list[str] = []
    runtime = make_runtime(out, err)

    def repl_of(pipe: object) -> Repl:
        repl = build_repl(runtime, history=True)
        return Repl(repl.hooks, input=pipe, output=DummyOutput())  # type: ignore[arg-type]

    status = await drive(repl_of, ["echo first\r", "nosuch\r", "echo second\r", "\x04"])
    assert status == 0
    assert out == ["first", "second"]
    assert err == ["nosuch: unknown command; type help for the list of commands"]
    history = SecretSafeHistory(shell_dirs / "data" / "history", lambda line: line)
    assert history.entries() == ["echo first", "nosuch", "echo second"]


async def test_exit_command_ends_the_loop_with_its_status(shell_dirs: Path) -> None:
    out: list[str] = []
    runtime = make_runtime(out, [])

    def repl_of(pipe: object) -> Repl:
        hooks = build_repl(runtime, history=False).hooks
        return Repl(hooks, input=pipe, output=DummyOutput())  # type: ignore[arg-type]

    await drive(repl_of, ["echo bye; exit 3\r"])
    assert runtime.exit_requested and runtime.context.exit_status == 3
    assert out == ["bye"]


async def test_interrupt_cancels_the_running_command_and_the_loop_goes_on(
    shell_dirs: Path,
) -> None:
    out: list[str] = []
    err: list[str] = []
    runtime = make_runtime(out, err)
    holder: list[Repl] = []

    def repl_of(pipe: object) -> Repl:
        hooks = build_repl(runtime, history=False).hooks
        holder.append(Repl(hooks, input=pipe, output=DummyOutput()))  # type: ignore[arg-type]
        return holder[0]

    async def interrupt_soon() -> None:
        await asyncio.sleep(0.3)
        holder[0].interrupt()  # what Ctrl-C does while a command runs

    interrupter = asyncio.create_task(interrupt_soon())
    await drive(repl_of, ["sleep 30\r", "", "", "", "", "", "", "echo after\r", "\x04"])
    await interrupter
    assert err == ["sleep: cancelled"]
    assert out == ["after"]
