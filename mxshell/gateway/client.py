"""GatewayClient: one channel to an MxAccessGateway, its sessions, and raw access to the wire."""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator, Iterable
from contextlib import AbstractContextManager, suppress
from secrets import token_hex
from types import TracebackType
from typing import Any

import grpc

from mxshell.contract import MX_SERVICE, mx, mx_grpc
from mxshell.gateway.channel import ChannelOptions, open_channel, resolve_options
from mxshell.gateway.errors import ProtocolError, translated_errors
from mxshell.gateway.galaxy import GalaxyRepositoryClient
from mxshell.gateway.protocol import build_request, check_protocol
from mxshell.gateway.session import Session
from mxshell.gateway.verdicts import CountedReply, counted_reply


class GatewayClient:
    """A connection to one MxAccessGateway. Open sessions with `open_session`.

    Every call carries the API key as `authorization: Bearer` metadata and a fresh
    correlation id; the correlation id's format is not a contract (only its uniqueness
    within a client is). gRPC failures raise typed GatewayErrors.
    """

    def __init__(self, channel: grpc.aio.Channel, options: ChannelOptions) -> None:
        self._channel = channel
        self._options = options
        self._metadata = options.call_metadata()
        self._stub = mx_grpc.MxAccessGatewayStub(channel)
        # Invoke again, its reply parsed with its bulk entries' verdicts counted.
        self._invoke_counted = channel.unary_unary(
            f"/{MX_SERVICE}/Invoke",
            request_serializer=mx.InvokeRequest.SerializeToString,
            response_deserializer=counted_reply,
        )
        self._correlation_prefix = token_hex(4)
        self._correlation_counter = itertools.count(1)
        self._closed = False

    @classmethod
    async def connect(
        cls,
        endpoint: str | ChannelOptions | None = None,
        api_key: str | None = None,
        *,
        plaintext: bool = False,
        ca_file: str | None = None,
        server_name_override: str | None = None,
        options: ChannelOptions | None = None,
        timeout: float | None = None,
    ) -> GatewayClient:
        """Open a channel. Without `timeout` nothing is sent until the first call; with one,
        wait that many seconds for the connection, then raise UnavailableError."""
        resolved = resolve_options(
            endpoint,
            api_key,
            plaintext=plaintext,
            ca_file=ca_file,
            server_name_override=server_name_override,
            options=options,
        )
        return cls(await open_channel(resolved, timeout), resolved)

    def __repr__(self) -> str:
        key = "<set>" if self._options.api_key else None
        state = ", closed" if self._closed else ""
        return (
            f"GatewayClient(endpoint={self.endpoint!r}, "
            f"{'plaintext' if self._options.plaintext else 'tls'}, api_key={key}{state})"
        )

    __str__ = __repr__

    @property
    def endpoint(self) -> str:
        return self._options.endpoint

    @property
    def options(self) -> ChannelOptions:
        return self._options

    @property
    def channel(self) -> grpc.aio.Channel:
        return self._channel

    @property
    def closed(self) -> bool:
        return self._closed

    async def __aenter__(self) -> GatewayClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the channel, cancelling open calls and streams. Idempotent."""
        if not self._closed:
            self._closed = True
            await self._channel.close()

    def galaxy(self) -> GalaxyRepositoryClient:
        """A GalaxyRepositoryClient on this client's channel (closing it leaves the channel)."""
        return GalaxyRepositoryClient(self._channel, self._options, owns_channel=False)

    def next_correlation_id(self) -> str:
        return f"{self._correlation_prefix}-{next(self._correlation_counter)}"

    def _errors(self, *secrets: str | None) -> AbstractContextManager[None]:
        return translated_errors(self._options.api_key, self.endpoint, secrets)

    # sessions ------------------------------------------------------------------
    async def open_session_raw(
        self, client_session_name: str = "mxshell"
    ) -> mx.OpenSessionResponse:
        request = mx.OpenSessionRequest(client_session_name=client_session_name)
        with self._errors():
            response: mx.OpenSessionResponse = await self._stub.OpenSession(
                request, metadata=self._metadata
            )
        return response

    async def open_session(self, client_session_name: str = "mxshell") -> Session:
        return Session(self, await self.open_session_raw(client_session_name))

    async def attach_session(self, session_id: str) -> Session:
        """A session another client opened (with this key), as mxgw CLIs' --session-id.

        The gateway has no call that describes a session, so an empty Invoke checks that
        it exists and is this key's: the gateway refuses the empty command (ProtocolError)
        only after finding the session; SessionNotFoundError or PermissionDeniedError
        otherwise. What the gateway announces (capabilities, bulk limit, versions) is
        given only to OpenSession: a session opened and closed at once tells it."""
        with suppress(ProtocolError):  # the session is there and ours: the command was not
            await self.invoke_built(session_id, mx.InvokeRequest())
        announced = await self.open_session_raw("mxshell-attach-probe")
        await self.close_session(announced.session_id)
        announced.session_id = session_id
        return Session(self, announced)

    async def close_session(self, session_id: str) -> None:
        with self._errors():
            await self._stub.CloseSession(
                mx.CloseSessionRequest(session_id=session_id), metadata=self._metadata
            )

    # commands --------------------------------------------------------------------
    async def invoke_raw(
        self, session_id: str, command: Any, *, secrets: Iterable[str | None] = ()
    ) -> mx.InvokeResponse:
        """Run one command and return the reply as it came.

        Raises typed errors for gRPC failures and ProtocolError when the gateway did not
        process the command, but leaves MXAccess's own verdict (hresult, statuses, bulk
        entries) in the reply: checking it is the caller's job (Session.invoke does).
        `secrets` are scrubbed from any error text (AuthenticateUser passes the password).
        """
        request = build_request(session_id, self.next_correlation_id(), command)
        return await self._send(request, secrets)

    async def invoke_built(
        self, session_id: str, request: mx.InvokeRequest, *, secrets: Iterable[str | None] = ()
    ) -> mx.InvokeResponse:
        """invoke_raw for an InvokeRequest made for this one call: the session id and a
        fresh correlation id are set on it and it is sent as it is, where invoke_raw would
        copy it first (a bulk request can carry 10,000 entries)."""
        request.session_id = session_id
        request.correlation_id = self.next_correlation_id()
        return await self._send(request, secrets)

    async def invoke_counted(self, session_id: str, request: mx.InvokeRequest) -> CountedReply:
        """invoke_built for a bulk command whose caller counts the entries that went
        well: the reply, and that count (mxshell.gateway.verdicts)."""
        request.session_id = session_id
        request.correlation_id = self.next_correlation_id()
        with self._errors():
            answer: CountedReply = await self._invoke_counted(request, metadata=self._metadata)
        check_protocol(request, answer.reply, (self._options.api_key,))
        return answer

    async def _send(
        self, request: mx.InvokeRequest, secrets: Iterable[str | None]
    ) -> mx.InvokeResponse:
        hidden = tuple(secrets)
        with self._errors(*hidden):
            reply: mx.InvokeResponse = await self._stub.Invoke(request, metadata=self._metadata)
        return check_protocol(request, reply, (self._options.api_key, *hidden))

    async def stream_events_raw(
        self, session_id: str, max_batch_size: int = 0
    ) -> AsyncGenerator[mx.StreamEventsResponse, None]:
        """The session's event stream, one StreamEventsResponse (a batch) at a time.

        Closing the iterator (aclose, or leaving `async with aclosing(...)`) or cancelling
        the task that iterates it cancels the gRPC stream.
        """
        request = mx.StreamEventsRequest(session_id=session_id, max_batch_size=max_batch_size)
        with self._errors():
            call = self._stub.StreamEvents(request, metadata=self._metadata)
        try:
            while True:
                with self._errors():
                    response = await call.read()
                if response is grpc.aio.EOF:
                    return
                yield response
        finally:
            call.cancel()
