"""The Invoke round trip's rules: command messages to InvokeRequests, and the reply's verdicts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mxshell.contract import mx
from mxshell.gateway.errors import MxAccessError, ProtocolError, redact
from mxshell.gateway.status import hresult_failed, statuses_ok

# Command message full name -> (InvokeRequest oneof field, MXAccess method name).
_COMMAND_FIELDS: dict[str, tuple[str, str]] = {
    field.message_type.full_name: (field.name, field.message_type.name.removesuffix("Command"))
    for field in mx.InvokeRequest.DESCRIPTOR.oneofs_by_name["command"].fields
}
_FIELD_METHODS: dict[str, str] = dict(_COMMAND_FIELDS.values())

COMMAND_FIELDS: tuple[str, ...] = tuple(_FIELD_METHODS)


def command_name(command: Any) -> str:
    """The MXAccess method of a command message or InvokeRequest, e.g. 'AddItem', 'UnAdvise'."""
    if isinstance(command, mx.InvokeRequest):
        field = command.WhichOneof("command")
        return _FIELD_METHODS.get(field, "Invoke") if field else "Invoke"
    descriptor = getattr(command, "DESCRIPTOR", None)
    entry = _COMMAND_FIELDS.get(descriptor.full_name) if descriptor is not None else None
    return entry[1] if entry else "Invoke"


def build_request(session_id: str, correlation_id: str, command: Any) -> mx.InvokeRequest:
    """An InvokeRequest for a command message (e.g. mx.AddItemCommand), or a copy of a given
    InvokeRequest with the session id and correlation id filled in where they are unset."""
    if isinstance(command, mx.InvokeRequest):
        request = mx.InvokeRequest()
        request.CopyFrom(command)
    else:
        descriptor = getattr(command, "DESCRIPTOR", None)
        entry = _COMMAND_FIELDS.get(descriptor.full_name) if descriptor is not None else None
        if entry is None:
            raise TypeError(f"{type(command).__name__} is not an MXAccess command message")
        request = mx.InvokeRequest(**{entry[0]: command})
    if not request.session_id:
        request.session_id = session_id
    if not request.correlation_id:
        request.correlation_id = correlation_id
    return request


def check_protocol(
    request: mx.InvokeRequest, reply: mx.InvokeResponse, secrets: Iterable[str | None] = ()
) -> mx.InvokeResponse:
    """The reply, unless the gateway says it did not process the request (ProtocolError)."""
    status = reply.protocol_status
    if status.code == mx.PROTOCOL_STATUS_CODE_OK:
        return reply
    if status.code in mx.ProtocolStatusCode.values():
        name = mx.ProtocolStatusCode.Name(status.code).removeprefix("PROTOCOL_STATUS_CODE_")
    else:
        name = str(status.code)
    text = f"the gateway did not process {command_name(request)} ({name})"
    if status.message:
        text += f": {redact(status.message, secrets)}"
    raise ProtocolError(text, reply)


def mxaccess_failed(reply: mx.InvokeResponse) -> bool:
    """MXAccess refused the command: a failed HRESULT, or a status entry with success == 0."""
    return hresult_failed(reply.hresult) or not statuses_ok(reply.statuses)


def check_mxaccess(command: str, reply: mx.InvokeResponse) -> mx.InvokeResponse:
    """The reply, unless MXAccess refused the command (MxAccessError carrying the reply)."""
    if mxaccess_failed(reply):
        raise MxAccessError.from_reply(command, reply)
    return reply
