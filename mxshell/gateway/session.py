"""Session: one gateway session, with a method per MXAccess command (the bulk commands
are in mxshell.gateway.bulk_methods)."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Iterable, Sequence
from contextlib import aclosing, suppress
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

from mxshell.contract import mx
from mxshell.gateway.bulk_methods import BulkMethods
from mxshell.gateway.errors import GatewayError, SessionNotFoundError
from mxshell.gateway.protocol import check_mxaccess, command_name
from mxshell.gateway.values import timestamp_message, to_mx_value
from mxshell.gateway.verdicts import CountedReply


class SessionTransport(Protocol):
    """What a Session needs of the client that carries its calls (GatewayClient is one).

    A protocol rather than an import, so that client.py (which makes Sessions) and this
    module (which uses the client) do not import each other."""

    @property
    def endpoint(self) -> str: ...

    async def close_session(self, session_id: str) -> None: ...

    async def invoke_raw(
        self, session_id: str, command: Any, *, secrets: Iterable[str | None] = ()
    ) -> mx.InvokeResponse: ...

    async def invoke_counted(self, session_id: str, request: mx.InvokeRequest) -> CountedReply: ...

    async def invoke_built(
        self, session_id: str, request: mx.InvokeRequest, *, secrets: Iterable[str | None] = ()
    ) -> mx.InvokeResponse: ...

    def stream_events_raw(
        self, session_id: str, max_batch_size: int = 0
    ) -> AsyncGenerator[mx.StreamEventsResponse, None]: ...


_log = logging.getLogger(__name__)


class Session(BulkMethods):
    """A gateway session (not the shell's persistent session). Get one from
    GatewayClient.open_session.

    The non-raw methods raise MxAccessError when MXAccess refuses the command as a whole
    (negative HRESULT or a failed status). Bulk methods return one result per entry, in
    order; an entry that fails is a result with was_successful = False, never an
    exception. Bulk calls larger than the gateway's max_bulk_entries are split.
    """

    def __init__(self, client: SessionTransport, opened: mx.OpenSessionResponse) -> None:
        self._client = client
        self.opened = opened
        self.session_id: str = opened.session_id
        self.capabilities: tuple[str, ...] = tuple(opened.capabilities)
        self.max_bulk_entries: int = opened.max_bulk_entries
        self.gateway_version: str = opened.gateway_version
        self.protocol_version: str = opened.protocol_version
        self._closed = False

    def __repr__(self) -> str:
        state = ", closed" if self._closed else ""
        return f"Session(session_id={self.session_id!r}, endpoint={self._client.endpoint!r}{state})"

    @property
    def client(self) -> SessionTransport:
        return self._client

    @property
    def closed(self) -> bool:
        return self._closed

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is None:
            await self.close()
            return
        try:
            await self.close()
        except GatewayError as error:
            # The exception already on its way out says more than this one.
            _log.debug("closing session %s after an error failed too: %s", self.session_id, error)

    async def close(self) -> None:
        """CloseSession. Idempotent; a session the gateway no longer knows counts as closed."""
        if self._closed:
            return
        self._closed = True
        # A session the gateway forgot already (restart, expiry) is closed either way.
        with suppress(SessionNotFoundError):
            await self._client.close_session(self.session_id)

    # raw and checked Invoke ------------------------------------------------------
    async def invoke_raw(self, command: Any) -> mx.InvokeResponse:
        """Run a command message (or InvokeRequest) and return the reply unchecked for
        MXAccess failures; gRPC and protocol failures still raise."""
        return await self._client.invoke_raw(self.session_id, command)

    async def invoke(self, command: Any) -> mx.InvokeResponse:
        """invoke_raw, then MxAccessError if MXAccess refused the command as a whole."""
        return check_mxaccess(command_name(command), await self.invoke_raw(command))

    async def _checked(self, command: Any, *secrets: str) -> mx.InvokeResponse:
        # A command message, or an InvokeRequest one of the methods below built for this
        # call alone, which goes out without a copy.
        if isinstance(command, mx.InvokeRequest):
            reply = await self._client.invoke_built(self.session_id, command, secrets=secrets)
        else:
            reply = await self._client.invoke_raw(self.session_id, command, secrets=secrets)
        return check_mxaccess(command_name(command), reply)

    async def _counted(self, request: mx.InvokeRequest) -> CountedReply:
        # _checked for a bulk request whose entries' verdicts are counted.
        answer = await self._client.invoke_counted(self.session_id, request)
        check_mxaccess(command_name(request), answer.reply)
        return answer

    # one MXAccess method each ---------------------------------------------------------
    async def register(self, client_name: str) -> int:
        """Register; returns the server handle."""
        reply = await self._checked(mx.RegisterCommand(client_name=client_name))
        return reply.handle

    async def unregister(self, server_handle: int) -> None:
        await self._checked(mx.UnregisterCommand(server_handle=server_handle))

    async def add_item(self, server_handle: int, tag_reference: str) -> int:
        """AddItem; returns the item handle."""
        reply = await self._checked(
            mx.AddItemCommand(server_handle=server_handle, tag_reference=tag_reference)
        )
        return reply.handle

    async def remove_item(self, server_handle: int, item_handle: int) -> None:
        await self._checked(
            mx.RemoveItemCommand(server_handle=server_handle, item_handle=item_handle)
        )

    async def advise(self, server_handle: int, item_handle: int) -> None:
        await self._checked(mx.AdviseCommand(server_handle=server_handle, item_handle=item_handle))

    async def advise_supervisory(self, server_handle: int, item_handle: int) -> None:
        await self._checked(
            mx.AdviseSupervisoryCommand(server_handle=server_handle, item_handle=item_handle)
        )

    async def unadvise(self, server_handle: int, item_handle: int) -> None:
        await self._checked(
            mx.UnAdviseCommand(server_handle=server_handle, item_handle=item_handle)
        )

    async def write(
        self,
        server_handle: int,
        item_handle: int,
        value: Any,
        *,
        user_id: int = 0,
        type_name: str | None = None,
    ) -> None:
        """Write; the outcome arrives later as OnWriteComplete. `value` goes through
        to_mx_value (NaN and infinity raise ValueError before anything is sent)."""
        await self._checked(
            mx.WriteCommand(
                server_handle=server_handle,
                item_handle=item_handle,
                value=to_mx_value(value, type_name),
                user_id=user_id,
            )
        )

    async def write2(
        self,
        server_handle: int,
        item_handle: int,
        value: Any,
        timestamp: datetime,
        *,
        user_id: int = 0,
        type_name: str | None = None,
    ) -> None:
        await self._checked(
            mx.Write2Command(
                server_handle=server_handle,
                item_handle=item_handle,
                value=to_mx_value(value, type_name),
                user_id=user_id,
                timestamp=timestamp_message(timestamp),
            )
        )

    async def write_secured(
        self,
        server_handle: int,
        item_handle: int,
        value: Any,
        *,
        current_user_id: int,
        verifier_user_id: int = 0,
        type_name: str | None = None,
    ) -> None:
        """WriteSecured with user ids from authenticate_user (a verifier for VerifiedWrite)."""
        await self._checked(
            mx.WriteSecuredCommand(
                server_handle=server_handle,
                item_handle=item_handle,
                value=to_mx_value(value, type_name),
                current_user_id=current_user_id,
                verifier_user_id=verifier_user_id,
            )
        )

    async def write_secured2(
        self,
        server_handle: int,
        item_handle: int,
        value: Any,
        timestamp: datetime,
        *,
        current_user_id: int,
        verifier_user_id: int = 0,
        type_name: str | None = None,
    ) -> None:
        await self._checked(
            mx.WriteSecured2Command(
                server_handle=server_handle,
                item_handle=item_handle,
                value=to_mx_value(value, type_name),
                current_user_id=current_user_id,
                verifier_user_id=verifier_user_id,
                timestamp=timestamp_message(timestamp),
            )
        )

    async def authenticate_user(self, server_handle: int, user_name: str, password: str) -> int:
        """AuthenticateUser; returns the user id. The password appears in no error text."""
        reply = await self._checked(
            mx.AuthenticateUserCommand(
                server_handle=server_handle, user_name=user_name, password=password
            ),
            password,
        )
        return reply.user_id

    # events ----------------------------------------------------------------------------
    async def stream_event_batches(
        self, max_batch_size: int = 0
    ) -> AsyncGenerator[Sequence[mx.MxEvent], None]:
        """The session's events as the gateway batched them; closing the iterator or
        cancelling its task closes the stream."""
        async with aclosing(self._client.stream_events_raw(self.session_id, max_batch_size)) as raw:
            async for response in raw:
                yield response.events

    async def stream_events(self, max_batch_size: int = 0) -> AsyncGenerator[mx.MxEvent, None]:
        """The session's events one by one (OnDataChange, OnWriteComplete, …), in
        worker_sequence order; closing the iterator or cancelling its task closes the stream."""
        async with aclosing(self._client.stream_events_raw(self.session_id, max_batch_size)) as raw:
            async for response in raw:
                for event in response.events:
                    yield event
