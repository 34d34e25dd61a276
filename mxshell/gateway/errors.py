"""The client's exception hierarchy, and the translation of gRPC failures into it."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import grpc

from mxshell.contract import mx, types
from mxshell.gateway.status import describe_status, format_hresult

REDACTED = "<redacted>"
# Any bearer credential a server might echo back, whatever the key it carries: only a
# credential-shaped run (RFC 6750's b64token), never a plain word, so "send
# 'authorization: Bearer <key>' metadata" or "a Bearer token" in a message stays readable.
_BEARER = re.compile(r"(?i)(bearer\s+['\"]?)([A-Za-z0-9\-._~+/]+=*)")
_PLAIN_WORD = re.compile(r"[A-Za-z][a-z]*")


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` with every given secret (longest first), and any bearer credential, masked.

    A secret holding a quote, a backslash or a tab reaches text escaped as often as raw
    (repr() in an error message, JSON in a gateway's detail): each form is masked."""
    forms = {form for secret in secrets if secret for form in _written_forms(secret)}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, REDACTED)
    return _BEARER.sub(_mask_bearer, text)


def _written_forms(secret: str) -> set[str]:
    return {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        repr(secret)[1:-1],
    } - {""}


def _mask_bearer(match: re.Match[str]) -> str:
    if _PLAIN_WORD.fullmatch(match.group(2)):
        return match.group(0)
    return match.group(1) + REDACTED


class GatewayError(Exception):
    """Any failure talking to a gateway. `code` is the gRPC status code when there is one."""

    def __init__(
        self, message: str, *, code: grpc.StatusCode | None = None, details: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details

    def __str__(self) -> str:
        return self.message


class UnauthenticatedError(GatewayError):
    """UNAUTHENTICATED: the API key is missing or unknown to the gateway."""


class PermissionDeniedError(GatewayError):
    """PERMISSION_DENIED: the key lacks the scope, or the tag is outside its constraint."""


class SessionNotFoundError(GatewayError):
    """NOT_FOUND: the gateway does not know the session (closed, expired, or restarted)."""


class UnavailableError(GatewayError):
    """UNAVAILABLE: the gateway cannot be reached (down, restarting, network gone)."""


class DeadlineExceededError(UnavailableError):
    """DEADLINE_EXCEEDED: no answer in time. An UnavailableError, since to a caller a
    gateway that does not answer is a gateway that is not there."""


class ClientClosedError(GatewayError):
    """The call was cut short on this side: its client's channel was closed."""


class InvalidArgumentError(GatewayError):
    """INVALID_ARGUMENT: the gateway refused the request's shape (e.g. a bad page token)."""


class FailedPreconditionError(GatewayError):
    """FAILED_PRECONDITION: the gateway cannot serve it now (e.g. Galaxy database unreachable)."""


class ProtocolError(GatewayError):
    """The gateway did not process the command: the reply's protocol_status is not OK."""

    def __init__(self, message: str, reply: mx.InvokeResponse) -> None:
        super().__init__(message)
        self.reply = reply
        self.protocol_status = reply.protocol_status.code


class MxAccessError(GatewayError):
    """MXAccess refused a command: a negative HRESULT, or a status entry with success == 0.

    The raw reply stays available as `reply`.
    """

    def __init__(
        self,
        message: str,
        *,
        command: str,
        hresult: int,
        statuses: Sequence[types.MxStatus],
        reply: mx.InvokeResponse | None = None,
    ) -> None:
        super().__init__(message)
        self.command = command
        self.hresult = hresult
        self.statuses = list(statuses)
        self.reply = reply

    @classmethod
    def from_reply(cls, command: str, reply: mx.InvokeResponse) -> MxAccessError:
        return cls(
            describe_mxaccess_failure(
                command, reply.hresult, reply.statuses, reply.protocol_status.message
            ),
            command=command,
            hresult=reply.hresult,
            statuses=reply.statuses,
            reply=reply,
        )


def describe_mxaccess_failure(
    command: str, hresult: int, statuses: Iterable[types.MxStatus], message: str = ""
) -> str:
    """E.g. 'Write failed: HRESULT 0x80070005 (E_ACCESSDENIED); status: SecurityError, …'."""
    text = f"{command} failed: HRESULT {format_hresult(hresult)}"
    described = [describe_status(status) for status in statuses]
    if described:
        text += f"; status: {'; '.join(described)}"
    if message:
        text += f" ({message})"
    return text


# One class and a short explanation per gRPC code; other codes give a plain GatewayError.
_CODE_CLASSES: dict[grpc.StatusCode, tuple[type[GatewayError], str]] = {
    grpc.StatusCode.UNAUTHENTICATED: (UnauthenticatedError, "the gateway refused the API key"),
    grpc.StatusCode.PERMISSION_DENIED: (PermissionDeniedError, "permission denied"),
    grpc.StatusCode.NOT_FOUND: (SessionNotFoundError, "session not found"),
    grpc.StatusCode.UNAVAILABLE: (UnavailableError, "gateway unavailable"),
    grpc.StatusCode.DEADLINE_EXCEEDED: (
        DeadlineExceededError,
        "the gateway did not answer in time",
    ),
    grpc.StatusCode.INVALID_ARGUMENT: (InvalidArgumentError, "invalid argument"),
    grpc.StatusCode.FAILED_PRECONDITION: (FailedPreconditionError, "failed precondition"),
}


def translate_rpc_error(
    error: grpc.aio.AioRpcError, api_key: str | None, *, secrets: Iterable[str | None] = ()
) -> GatewayError:
    """The typed GatewayError for a failed call, its text scrubbed of the key and secrets.

    Raise it `from None`: the original error's text is not scrubbed.
    """
    code = error.code()
    details = redact(error.details() or "", (api_key, *secrets))
    error_class, summary = _CODE_CLASSES.get(code, (GatewayError, "gateway call failed"))
    message = f"{summary} ({code.name})"
    if details:
        message += f": {details}"
    return error_class(message, code=code, details=details)


@contextmanager
def translated_errors(
    api_key: str | None, endpoint: str, secrets: Iterable[str | None] = ()
) -> Iterator[None]:
    """Turn what a grpc.aio call raises into GatewayErrors, scrubbed of the key and secrets.

    grpc.aio reports a call cut short by closing its channel as asyncio.CancelledError;
    unless the task itself is being cancelled, that becomes ClientClosedError, so that
    a task nobody cancelled does not look cancelled.
    """
    try:
        yield
    except grpc.aio.AioRpcError as error:
        raise translate_rpc_error(error, api_key, secrets=secrets) from None
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is None or task.cancelling():
            raise
        raise ClientClosedError(
            f"the call to {endpoint} was cut short: the client was closed",
            code=grpc.StatusCode.CANCELLED,
        ) from None
    except grpc.aio.UsageError:
        raise ClientClosedError(f"the client for {endpoint} is closed") from None
