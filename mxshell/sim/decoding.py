"""Requests that are not the message they claim to be: INVALID_ARGUMENT, not a crash.

gRPC decodes a request before the servicer sees it; bytes that do not parse would
otherwise end as UNKNOWN with a traceback in the server's log. Each method handler's
decoder is swapped for one that marks such a request, and its behaviour for one that
refuses it in one line (once per method, by `mxshell.sim.guarded`).
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
from google.protobuf.message import DecodeError


class _Undecodable:
    def __init__(self, problem: str) -> None:
        self.problem = problem


def _decoder(decode: Callable[[bytes], Any]) -> Callable[[bytes], Any]:
    def safe(raw: bytes) -> Any:
        try:
            return decode(raw)
        except DecodeError as error:
            return _Undecodable(str(error).split(":")[0])

    return safe


async def _refuse(context: grpc.aio.ServicerContext, request: _Undecodable) -> None:
    await context.abort(
        grpc.StatusCode.INVALID_ARGUMENT, f"the request could not be decoded ({request.problem})"
    )


def _unary(behaviour: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def guarded(request: Any, context: grpc.aio.ServicerContext) -> Any:
        if isinstance(request, _Undecodable):
            await _refuse(context, request)
        return await behaviour(request, context)

    return guarded


def _stream(behaviour: Callable[..., AsyncIterator[Any]]) -> Callable[..., AsyncIterator[Any]]:
    async def guarded(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        if isinstance(request, _Undecodable):
            await _refuse(context, request)
        async for response in behaviour(request, context):
            yield response

    return guarded


def refusing_undecodable(handler: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:
    """The handler with a decoder that marks undecodable bytes and a behaviour that refuses
    them (see the module docstring); streamed requests and sync behaviours as they are."""
    if handler.request_streaming or handler.request_deserializer is None:
        return handler
    decoder = _decoder(handler.request_deserializer)
    # Only the async behaviours of this server are wrapped; anything else is left be.
    if inspect.iscoroutinefunction(handler.unary_unary):
        return handler._replace(  # type: ignore[attr-defined,no-any-return]
            request_deserializer=decoder, unary_unary=_unary(handler.unary_unary)
        )
    if inspect.isasyncgenfunction(handler.unary_stream):
        return handler._replace(  # type: ignore[attr-defined,no-any-return]
            request_deserializer=decoder, unary_stream=_stream(handler.unary_stream)
        )
    return handler
