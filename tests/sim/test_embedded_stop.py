"""Stopping the embedded gateway ends what its server left on the simulator's loop,
instead of closing the loop over pending tasks (which gRPC prints as a traceback on the
user's terminal: a Ctrl-D while the shell was still connecting showed one)."""

from __future__ import annotations

import asyncio

from mxshell.sim import EmbeddedGateway


def test_stopping_lets_the_tasks_left_on_the_loop_end_or_cancels_them() -> None:
    gateway = EmbeddedGateway().start()
    ended: list[str] = []

    async def almost_done() -> None:  # as a call that was ending when the server stopped
        await asyncio.sleep(0.01)
        ended.append("done")

    async def never_done() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            ended.append("cancelled")
            raise

    async def leave_tasks() -> list[asyncio.Task[None]]:
        return [asyncio.create_task(almost_done()), asyncio.create_task(never_done())]

    tasks = gateway.run(leave_tasks)
    gateway.stop()
    assert sorted(ended) == ["cancelled", "done"]
    assert all(task.done() for task in tasks)
