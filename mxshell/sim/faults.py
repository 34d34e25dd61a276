"""Fault injection for reliability tests: latency, cut streams, an unreachable Galaxy DB.

`restart()` lives on SimulatedGateway itself; everything else a test can turn on is a
field or method of `gateway.faults`.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from typing import Any

import grpc


class OpenStream:
    """A server stream in progress that can be told to end (cut, superseded or closed)."""

    def __init__(self, wake: Callable[[], None]) -> None:
        self._wake = wake
        self.cut = False
        self.superseded = False

    def stop(self, *, cut: bool = False, superseded: bool = False) -> None:
        self.cut |= cut
        self.superseded |= superseded
        self._wake()


class Faults:
    """What can go wrong on purpose. All off by default."""

    def __init__(self) -> None:
        self.latency_ms: float = 0  # added before every call is handled (see `delayed`)
        self.galaxy_unreachable = False  # GalaxyRepository calls fail, TestConnection is false
        self.streams: set[OpenStream] = set()  # every StreamEvents and WatchDeployEvents

    async def cut_streams(self) -> int:
        """Abort every open event and deploy stream with UNAVAILABLE; returns how many."""
        streams = list(self.streams)
        for stream in streams:
            stream.stop(cut=True)
        await asyncio.sleep(0)
        return len(streams)


def delayed(handler: grpc.RpcMethodHandler, faults: Faults) -> grpc.RpcMethodHandler:
    """The handler with its async behaviour waiting faults.latency_ms before it starts (a
    sync behaviour, grpc_reflection's, is left as it is: it cannot wait without blocking)."""
    changes: dict[str, Any] = {}
    for kind in ("unary_unary", "unary_stream", "stream_unary", "stream_stream"):
        behaviour = getattr(handler, kind)
        if inspect.iscoroutinefunction(behaviour):
            changes[kind] = _delayed_call(behaviour, faults)
        elif inspect.isasyncgenfunction(behaviour):
            changes[kind] = _delayed_stream(behaviour, faults)
    return handler._replace(**changes)  # type: ignore[attr-defined,no-any-return]


def _delayed_call(
    behaviour: Callable[[Any, Any], Awaitable[Any]], faults: Faults
) -> Callable[[Any, Any], Awaitable[Any]]:
    async def call(request: Any, context: grpc.aio.ServicerContext) -> Any:
        if faults.latency_ms > 0:
            await asyncio.sleep(faults.latency_ms / 1000)
        return await behaviour(request, context)

    return call


def _delayed_stream(
    behaviour: Callable[[Any, Any], AsyncGenerator[Any, None]], faults: Faults
) -> Callable[[Any, Any], AsyncIterator[Any]]:
    async def stream(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        if faults.latency_ms > 0:
            await asyncio.sleep(faults.latency_ms / 1000)
        async with aclosing(behaviour(request, context)) as responses:
            async for response in responses:
                yield response

    return stream
