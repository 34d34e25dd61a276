"""Small gRPC helpers shared by both simulated services."""

from __future__ import annotations

from typing import NoReturn

import grpc


async def abort(context: grpc.aio.ServicerContext, code: grpc.StatusCode, message: str) -> NoReturn:
    """End the call with a status (context.abort raises; this tells the type checker so)."""
    await context.abort(code, message)
    raise AssertionError("context.abort returned")
