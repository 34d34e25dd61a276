"""The exception hierarchy: gRPC codes to typed errors, legible MXAccess failures, no secrets."""

from __future__ import annotations

import grpc
import pytest

from mxshell.contract import mx, types
from mxshell.gateway.errors import (
    DeadlineExceededError,
    FailedPreconditionError,
    GatewayError,
    InvalidArgumentError,
    MxAccessError,
    PermissionDeniedError,
    ProtocolError,
    SessionNotFoundError,
    UnauthenticatedError,
    UnavailableError,
    redact,
    translate_rpc_error,
)
from mxshell.gateway.protocol import (
    build_request,
    check_mxaccess,
    check_protocol,
    command_name,
    mxaccess_failed,
)

KEY = "k-9f8e7d6c5b4a-secret"


def rpc_error(code: grpc.StatusCode, details: str) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(code, grpc.aio.Metadata(), grpc.aio.Metadata(), details=details)


@pytest.mark.parametrize(
    ("code", "error_class"),
    [
        (grpc.StatusCode.UNAUTHENTICATED, UnauthenticatedError),
        (grpc.StatusCode.PERMISSION_DENIED, PermissionDeniedError),
        (grpc.StatusCode.NOT_FOUND, SessionNotFoundError),
        (grpc.StatusCode.UNAVAILABLE, UnavailableError),
        (grpc.StatusCode.DEADLINE_EXCEEDED, DeadlineExceededError),
        (grpc.StatusCode.INVALID_ARGUMENT, InvalidArgumentError),
        (grpc.StatusCode.FAILED_PRECONDITION, FailedPreconditionError),
        (grpc.StatusCode.INTERNAL, GatewayError),
    ],
)
def test_grpc_codes_map_to_typed_errors(
    code: grpc.StatusCode, error_class: type[GatewayError]
) -> None:
    error = translate_rpc_error(rpc_error(code, "something happened"), None)
    assert type(error) is error_class
    assert error.code is code
    assert error.details == "something happened"
    assert code.name in str(error) and "something happened" in str(error)


def test_deadline_exceeded_counts_as_unavailable() -> None:
    error = translate_rpc_error(rpc_error(grpc.StatusCode.DEADLINE_EXCEEDED, "slow"), None)
    assert isinstance(error, UnavailableError)


def test_the_api_key_and_any_bearer_token_are_scrubbed_from_error_text() -> None:
    details = f"key {KEY} refused; header was 'authorization: Bearer other-token-123'"
    error = translate_rpc_error(rpc_error(grpc.StatusCode.UNAUTHENTICATED, details), KEY)
    for text in (str(error), repr(error), error.details or "", *map(str, error.args)):
        assert KEY not in text
        assert "other-token-123" not in text
    assert "<redacted>" in str(error)


def test_extra_secrets_are_scrubbed_too() -> None:
    error = translate_rpc_error(
        rpc_error(grpc.StatusCode.INVALID_ARGUMENT, "bad password hunter2"),
        None,
        secrets=("hunter2",),
    )
    assert "hunter2" not in str(error)
    assert redact("a hunter2 b", ["hunter2", None, ""]) == "a <redacted> b"


def test_a_plain_message_makes_a_gateway_error() -> None:
    error = GatewayError("not connected")
    assert str(error) == "not connected" and error.code is None and error.details is None


def failed_reply(hresult: int, *statuses: types.MxStatus, message: str = "") -> mx.InvokeResponse:
    return mx.InvokeResponse(
        protocol_status=mx.ProtocolStatus(code=mx.PROTOCOL_STATUS_CODE_OK, message=message),
        hresult=hresult,
        statuses=list(statuses),
    )


def test_mxaccess_error_message_is_legible() -> None:
    reply = failed_reply(
        -2147024809,
        types.MxStatus(success=0, category=5, detected_by=5, detail=1004),
        message="Tank1.Level is Double: a value of kind string cannot be written to it",
    )
    with pytest.raises(MxAccessError) as caught:
        check_mxaccess("Write", reply)
    error = caught.value
    assert str(error) == (
        "Write failed: HRESULT 0x80070057 (E_INVALIDARG); status: OperationalError, detected by "
        "responding automation object, detail 1004 (Tank1.Level is Double: a value of kind "
        "string cannot be written to it)"
    )
    assert error.reply is reply and error.hresult == -2147024809 and error.command == "Write"
    assert [s.detail for s in error.statuses] == [1004]


def test_a_failed_status_with_s_ok_is_still_a_failure() -> None:
    reply = failed_reply(0, types.MxStatus(success=0, category=6, detected_by=5, detail=1))
    assert mxaccess_failed(reply)
    with pytest.raises(MxAccessError, match="SecurityError"):
        check_mxaccess("Write", reply)


def test_a_successful_reply_passes() -> None:
    reply = failed_reply(0, types.MxStatus(success=1, category=0))
    assert check_mxaccess("Register", reply) is reply


def test_protocol_failures_raise_protocol_error_with_the_reply() -> None:
    request = build_request("s1", "c1", mx.AddItemBulkCommand(server_handle=1))
    reply = mx.InvokeResponse(
        protocol_status=mx.ProtocolStatus(
            code=mx.PROTOCOL_STATUS_CODE_TOO_MANY_ENTRIES, message=f"too many (key {KEY})"
        )
    )
    with pytest.raises(ProtocolError) as caught:
        check_protocol(request, reply, [KEY])
    assert caught.value.reply is reply
    assert caught.value.protocol_status == mx.PROTOCOL_STATUS_CODE_TOO_MANY_ENTRIES
    assert str(caught.value).startswith(
        "the gateway did not process AddItemBulk (TOO_MANY_ENTRIES)"
    )
    assert KEY not in str(caught.value)


def test_a_reply_without_protocol_status_is_not_taken_as_processed() -> None:
    request = build_request("s1", "c1", mx.RegisterCommand(client_name="x"))
    with pytest.raises(ProtocolError, match="UNSPECIFIED"):
        check_protocol(request, mx.InvokeResponse())


def test_requests_are_built_from_command_messages() -> None:
    request = build_request("s1", "c7", mx.UnAdviseCommand(server_handle=1, item_handle=2))
    assert request.WhichOneof("command") == "un_advise"
    assert (request.session_id, request.correlation_id) == ("s1", "c7")
    assert command_name(request) == "UnAdvise"
    assert command_name(mx.WriteSecured2BulkCommand()) == "WriteSecured2Bulk"
    given = mx.InvokeRequest(session_id="other", register=mx.RegisterCommand(client_name="x"))
    built = build_request("s1", "c8", given)
    assert built.session_id == "other" and built.correlation_id == "c8"
    assert given.correlation_id == ""  # the caller's message is not modified
    with pytest.raises(TypeError, match="not an MXAccess command"):
        build_request("s1", "c9", mx.OpenSessionRequest())
