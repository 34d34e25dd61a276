"""The MxAccessGateway gRPC service: sessions, Invoke dispatch and the event stream.

The three verdicts of a reply, in order: the gRPC status (API key, scope, unknown
session, a one-tag command outside the key's tag constraint), protocol_status (could
the request be processed at all), then MXAccess's own hresult and statuses.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc

from mxshell import __version__
from mxshell.contract import MX_SERVICE, mx
from mxshell.sim import codes, wire
from mxshell.sim.auth import COMMAND_SCOPES, SESSION, ApiKey, KeyRing, require_scope
from mxshell.sim.bulk_calls import BulkCommands
from mxshell.sim.config import SimConfig
from mxshell.sim.faults import Faults, OpenStream
from mxshell.sim.rpc import abort
from mxshell.sim.sessions import Session
from mxshell.sim.worker import MxAccessWorker

P = mx.ProtocolStatusCode
PROTOCOL_VERSION = "mxgateway.v1"
Command = Callable[[Session, Any, Any], Any]


# The list a bulk command's size is counted in (its tags, handles or entries), by command.
_BULK_LISTS = {
    command.name: listed.name
    for command in mx.InvokeRequest.DESCRIPTOR.oneofs_by_name["command"].fields
    for listed in command.message_type.fields
    if listed.name in ("tag_references", "item_handles", "entries")
}


class MxAccessGatewayService:
    def __init__(
        self, config: SimConfig, keys: KeyRing, worker: MxAccessWorker, faults: Faults
    ) -> None:
        self._config = config
        self._keys = keys
        self._worker = worker
        self._bulk = BulkCommands(worker, config.default_read_timeout_ms)
        self._faults = faults
        self.sessions: dict[str, Session] = {}
        self._commands = self._command_table()

    def _command_table(self) -> dict[str, Command]:
        w, b = self._worker, self._bulk

        def handle(item: Any) -> dict[str, int]:
            return {"handle": item.handle}

        return {
            "register": lambda s, k, c: {"handle": w.register(s, c.client_name)},
            "unregister": lambda s, k, c: w.unregister(s, c.server_handle),
            "add_item": lambda s, k, c: handle(w.add_item(s, k, c.server_handle, c.tag_reference)),
            "remove_item": lambda s, k, c: w.remove_item(s, k, c.server_handle, c.item_handle),
            "advise": lambda s, k, c: w.advise(s, k, c.server_handle, c.item_handle),
            "advise_supervisory": lambda s, k, c: w.advise(
                s, k, c.server_handle, c.item_handle, supervisory=True
            ),
            "un_advise": lambda s, k, c: w.un_advise(s, k, c.server_handle, c.item_handle),
            "write": lambda s, k, c: w.write(s, k, c.server_handle, c.item_handle, c.value),
            "write2": lambda s, k, c: w.write(
                s, k, c.server_handle, c.item_handle, c.value, c.timestamp
            ),
            "write_secured": lambda s, k, c: w.write(
                s,
                k,
                c.server_handle,
                c.item_handle,
                c.value,
                None,
                (c.current_user_id, c.verifier_user_id),
            ),
            "write_secured2": lambda s, k, c: w.write(
                s,
                k,
                c.server_handle,
                c.item_handle,
                c.value,
                c.timestamp,
                (c.current_user_id, c.verifier_user_id),
            ),
            "authenticate_user": lambda s, k, c: {
                "user_id": w.authenticate_user(s, c.server_handle, c.user_name, c.password)
            },
            "add_item_bulk": lambda s, k, c: _subscribed(
                b.add_item(s, k, c.server_handle, list(c.tag_references))
            ),
            "advise_item_bulk": lambda s, k, c: _subscribed(
                b.advise(s, k, c.server_handle, list(c.item_handles))
            ),
            "remove_item_bulk": lambda s, k, c: _subscribed(
                b.remove_item(s, k, c.server_handle, list(c.item_handles))
            ),
            "un_advise_item_bulk": lambda s, k, c: _subscribed(
                b.un_advise(s, k, c.server_handle, list(c.item_handles))
            ),
            "subscribe_bulk": lambda s, k, c: _subscribed(
                b.subscribe(s, k, c.server_handle, list(c.tag_references))
            ),
            "unsubscribe_bulk": lambda s, k, c: _subscribed(
                b.unsubscribe(s, k, c.server_handle, list(c.item_handles))
            ),
            "write_bulk": lambda s, k, c: _written(
                b.write(s, k, c.server_handle, c.entries, with_timestamps=False)
            ),
            "write2_bulk": lambda s, k, c: _written(
                b.write(s, k, c.server_handle, c.entries, with_timestamps=True)
            ),
            "write_secured_bulk": lambda s, k, c: _written(
                b.write(
                    s, k, c.server_handle, c.entries, False, (c.current_user_id, c.verifier_user_id)
                )
            ),
            "write_secured2_bulk": lambda s, k, c: _written(
                b.write(
                    s, k, c.server_handle, c.entries, True, (c.current_user_id, c.verifier_user_id)
                )
            ),
            "read_bulk": self._read_bulk,
        }

    async def _read_bulk(self, session: Session, key: Any, command: Any) -> dict[str, Any]:
        results = await self._bulk.read(session, key, command.server_handle, command.entries)
        return {"bulk_read_results": mx.BulkReadResultList(results=results)}

    async def _session(
        self, context: grpc.aio.ServicerContext, session_id: str, key: ApiKey
    ) -> Session:
        session = self.sessions.get(session_id)
        if session is None:
            await abort(context, grpc.StatusCode.NOT_FOUND, "session not found")
        if session.owner is not None and session.owner != key:
            # A session id is not a credential: another key that learns it gets nothing.
            await abort(
                context,
                grpc.StatusCode.PERMISSION_DENIED,
                "this session was opened with another API key",
            )
        return session

    # RPCs ----------------------------------------------------------------------------------

    async def OpenSession(
        self, request: mx.OpenSessionRequest, context: grpc.aio.ServicerContext
    ) -> mx.OpenSessionResponse:
        key = await self._keys.authorize(context, SESSION)
        session = Session(request.client_session_name, self._config.event_buffer_size, key)
        self.sessions[session.session_id] = session
        return mx.OpenSessionResponse(
            session_id=session.session_id,
            capabilities=self._config.capabilities,
            gateway_version=f"mxshell-sim {__version__}",
            protocol_version=PROTOCOL_VERSION,
            max_bulk_entries=self._config.max_bulk_entries,
        )

    async def CloseSession(
        self, request: mx.CloseSessionRequest, context: grpc.aio.ServicerContext
    ) -> mx.CloseSessionResponse:
        key = await self._keys.authorize(context, SESSION)
        session = await self._session(context, request.session_id, key)
        self.close(session)
        return mx.CloseSessionResponse()

    def close(self, session: Session) -> None:
        self._worker.close(session)
        session.closed = True
        session.events.wake()
        self.sessions.pop(session.session_id, None)

    async def Invoke(
        self, request: mx.InvokeRequest, context: grpc.aio.ServicerContext
    ) -> mx.InvokeResponse:
        key = await self._keys.authenticate(context)
        session = await self._session(context, request.session_id, key)
        reply = mx.InvokeResponse(correlation_id=request.correlation_id)
        command = request.WhichOneof("command")
        if command is None:
            reply.protocol_status.code = P.PROTOCOL_STATUS_CODE_INVALID_REQUEST
            reply.protocol_status.message = "InvokeRequest carries no command"
            return reply
        session.invoked[command] += 1
        await require_scope(context, key, COMMAND_SCOPES[command])
        body = getattr(request, command)
        listed = _BULK_LISTS.get(command)
        size = len(getattr(body, listed)) if listed else 0
        if size > self._config.max_bulk_entries > 0:
            reply.protocol_status.code = P.PROTOCOL_STATUS_CODE_TOO_MANY_ENTRIES
            reply.protocol_status.message = (
                f"{size} entries; this gateway takes at most {self._config.max_bulk_entries} "
                "per bulk command"
            )
            return reply
        reply.protocol_status.code = P.PROTOCOL_STATUS_CODE_OK
        try:
            result = self._commands[command](session, key, body)
            if inspect.isawaitable(result):
                result = await result
        except codes.TagDenied as denied:
            await abort(context, grpc.StatusCode.PERMISSION_DENIED, denied.message)
        except codes.MxError as error:
            reply.hresult = error.hresult
            reply.statuses.append(error.status())
            reply.protocol_status.message = error.message
            return reply
        reply.statuses.append(codes.OK_STATUS)
        if isinstance(result, dict):
            for name, value in result.items():
                if isinstance(value, int):
                    setattr(reply, name, value)
                else:
                    getattr(reply, name).CopyFrom(value)
        return reply

    async def StreamEvents(
        self, request: mx.StreamEventsRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[bytes]:
        key = await self._keys.authorize(context, SESSION)
        session = await self._session(context, request.session_id, key)
        batch = self._config.max_batch_size
        if request.max_batch_size > 0:
            batch = min(batch, request.max_batch_size)
        stream = OpenStream(session.events.wake)
        if session.stream is not None:
            session.stream.stop(superseded=True)
        session.stream = stream
        self._faults.streams.add(stream)
        try:
            while True:
                if stream.cut:
                    await abort(
                        context, grpc.StatusCode.UNAVAILABLE, "event stream cut (simulated fault)"
                    )
                if stream.superseded:
                    await abort(
                        context,
                        grpc.StatusCode.ABORTED,
                        "superseded by a newer StreamEvents call for this session",
                    )
                if session.closed:
                    return
                if len(session.events):
                    yield session.events.take_batch(batch)
                    continue
                await session.events.wait()
        finally:
            self._faults.streams.discard(stream)
            if session.stream is stream:
                session.stream = None

    def handler(self) -> grpc.GenericRpcHandler:
        """The service's method handlers; StreamEvents yields pre-framed bytes."""

        def unary(method: Any, request_type: Any, response_type: Any) -> grpc.RpcMethodHandler:
            return grpc.unary_unary_rpc_method_handler(
                method,
                request_deserializer=request_type.FromString,
                response_serializer=response_type.SerializeToString,
            )

        return grpc.method_handlers_generic_handler(
            MX_SERVICE,
            {
                "OpenSession": unary(
                    self.OpenSession, mx.OpenSessionRequest, mx.OpenSessionResponse
                ),
                "CloseSession": unary(
                    self.CloseSession, mx.CloseSessionRequest, mx.CloseSessionResponse
                ),
                "Invoke": unary(self.Invoke, mx.InvokeRequest, mx.InvokeResponse),
                "StreamEvents": grpc.unary_stream_rpc_method_handler(
                    self.StreamEvents,
                    request_deserializer=mx.StreamEventsRequest.FromString,
                    response_serializer=wire.identity,
                ),
            },
        )


def _subscribed(results: list[mx.SubscribeResult]) -> dict[str, Any]:
    return {"subscribe_results": mx.SubscribeResultList(results=results)}


def _written(results: list[mx.BulkWriteResult]) -> dict[str, Any]:
    return {"bulk_write_results": mx.BulkWriteResultList(results=results)}
