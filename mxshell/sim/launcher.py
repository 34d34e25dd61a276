"""EmbeddedGateway: a SimulatedGateway on its own thread and event loop.

Sync code, pytest tests and the shell's own event loop can all start one and talk to
it over a real socket; run() hands work to the simulator's loop thread-safely.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, TypeVar

from mxshell.contract import galaxy as gr
from mxshell.sim.config import SimConfig
from mxshell.sim.server import SimulatedGateway

R = TypeVar("R")
_START_TIMEOUT_S = 30


class EmbeddedGateway:
    # Every embedded gateway serving in this process, by endpoint: how the shell finds
    # the simulator it is connected to (`sim deploy`) even when it did not start it.
    _serving: dict[str, EmbeddedGateway] = {}

    @classmethod
    def serving_at(cls, endpoint: str) -> EmbeddedGateway | None:
        """The embedded gateway of this process serving at `endpoint`, if any."""
        return cls._serving.get(endpoint)

    def __init__(self, config: SimConfig | None = None) -> None:
        self.config = config or SimConfig()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._gateway: SimulatedGateway | None = None

    @property
    def gateway(self) -> SimulatedGateway:
        if self._gateway is None:
            raise RuntimeError("the embedded gateway is not started")
        return self._gateway

    @property
    def endpoint(self) -> str:
        return self.gateway.endpoint

    @property
    def port(self) -> int:
        return self.gateway.port

    @property
    def api_key(self) -> str:
        """The first configured key's secret, for the embedding program's own client."""
        if not self.config.keys:
            raise RuntimeError("this gateway was configured without API keys")
        return self.config.keys[0].key

    def start(self) -> EmbeddedGateway:
        """Start serving; returns once the port accepts calls."""
        if self._thread is not None:
            raise RuntimeError("the embedded gateway is already started")
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="mxshell-sim", daemon=True)
        self._thread.start()
        try:
            self._gateway = self.run(self._create_and_start)
        except BaseException:
            self._shutdown_loop()
            raise
        EmbeddedGateway._serving[self._gateway.endpoint] = self
        return self

    async def _create_and_start(self) -> SimulatedGateway:
        gateway = SimulatedGateway(self.config)
        await gateway.start()
        return gateway

    def run(self, work: Awaitable[R] | Callable[[], Awaitable[R]]) -> R:
        """Run a coroutine (or a no-argument coroutine function) on the simulator's loop."""
        if self._loop is None:
            raise RuntimeError("the embedded gateway is not started")
        coroutine = work() if callable(work) else work
        if not inspect.iscoroutine(coroutine):
            raise TypeError("run() takes a coroutine or a coroutine function")
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(timeout=_START_TIMEOUT_S if self._gateway is None else None)

    def stop(self) -> None:
        if self._loop is None:
            return
        if self._gateway is not None:
            if EmbeddedGateway._serving.get(self._gateway.endpoint) is self:
                del EmbeddedGateway._serving[self._gateway.endpoint]
            self.run(self._gateway.stop())
            self.run(_finish_leftovers)
        self._shutdown_loop()

    def _shutdown_loop(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=10)
        loop.close()

    def restart(self) -> None:
        self.run(self.gateway.restart())

    def deploy(self, add: int = 0, remove: int = 0) -> gr.DeployEvent:
        return self.run(self.gateway.deploy(add=add, remove=remove))

    def set_scan(self, tag_name: str, on_scan: bool) -> int:
        """Take an object off scan (its points Bad, out of service: 28) or back on."""
        return self.run(self.gateway.set_scan(tag_name, on_scan))

    def override(self, reference: str, value: Any | None) -> None:
        """Override an attribute's value by hand (Good, local override: 216), or release
        the override with None."""
        self.run(self.gateway.override(reference, value))

    def __enter__(self) -> EmbeddedGateway:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = self._gateway.endpoint if self._gateway else "stopped"
        return f"EmbeddedGateway({state})"


async def _finish_leftovers() -> None:
    """Let the tasks the stopped server left on its loop end (a call that was ending as it
    stopped is one step from done), then cancel any still there: closing the loop over
    them would have gRPC print them as a traceback on the user's terminal."""
    current = asyncio.current_task()
    leftovers = [task for task in asyncio.all_tasks() if task is not current]
    if not leftovers:
        return
    _, pending = await asyncio.wait(leftovers, timeout=0.5)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending, timeout=0.5)
