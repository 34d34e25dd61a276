"""The simulated gateway's method handlers, each put behind its guards once: the latency a
test may add (`faults.delayed`) and the refusal of undecodable requests (`decoding`).

These were two server interceptors, which grpc.aio runs as coroutines on every call before
it finds the handler; the benchmark of a fleet run (benchmarks/fleet.py) measured them at
0.03-0.1 ms of a call's 0.5-0.9 ms of the simulator's CPU. A method's handlers never
change while the server runs, so each is wrapped the first time it is asked for and kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import grpc

from mxshell.sim.decoding import refusing_undecodable
from mxshell.sim.faults import Faults, delayed


class Collected:
    """Stands in for the server while generated code (`add_..._to_server`) or a library
    registers its handlers, so that they can be served from behind GuardedHandlers."""

    def __init__(self) -> None:
        self.handlers: list[grpc.GenericRpcHandler] = []

    def add_generic_rpc_handlers(self, handlers: Sequence[grpc.GenericRpcHandler]) -> None:
        self.handlers.extend(handlers)

    def add_registered_method_handlers(self, service: str, handlers: Any) -> None:
        pass  # the generic handler given with them serves the same methods


class GuardedHandlers(grpc.GenericRpcHandler):
    """The given generic handlers, asked in order, with every handler they find guarded."""

    def __init__(self, handlers: Sequence[grpc.GenericRpcHandler], faults: Faults) -> None:
        self._handlers = tuple(handlers)
        self._faults = faults
        self._found: dict[str, grpc.RpcMethodHandler] = {}  # method -> its guarded handler

    def service(
        self, handler_call_details: grpc.HandlerCallDetails
    ) -> grpc.RpcMethodHandler | None:
        method: str = handler_call_details.method  # type: ignore[attr-defined]
        guarded = self._found.get(method)
        if guarded is not None:
            return guarded
        for handlers in self._handlers:
            found = handlers.service(handler_call_details)
            if found is not None:
                # Only methods that exist are kept: unknown names a client makes up are not.
                guarded = self._found[method] = delayed(refusing_undecodable(found), self._faults)
                return guarded
        return None
