"""Fault injection for reliability tests: latency, cut streams, an unreachable Galaxy DB.

`restart()` lives on SimulatedGateway itself; everything else a test can turn on is a
field or method of `gateway.faults`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
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
        self.latency_ms: float = 0  # added before every call is handled
        self.galaxy_unreachable = False  # GalaxyRepository calls fail, TestConnection is false
        self.streams: set[OpenStream] = set()  # every StreamEvents and WatchDeployEvents

    async def cut_streams(self) -> int:
        """Abort every open event and deploy stream with UNAVAILABLE; returns how many."""
        streams = list(self.streams)
        for stream in streams:
            stream.stop(cut=True)
        await asyncio.sleep(0)
        return len(streams)


class LatencyInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    """Delays every call by faults.latency_ms before it reaches its handler."""

    def __init__(self, faults: Faults) -> None:
        self._faults = faults

    async def intercept_service(
        self, continuation: Callable[[Any], Awaitable[Any]], handler_call_details: Any
    ) -> Any:
        if self._faults.latency_ms > 0:
            await asyncio.sleep(self._faults.latency_ms / 1000)
        return await continuation(handler_call_details)
