"""The simulated gateway under random requests sent with the raw generated stubs: every
request gets a reply or a deliberate status code with a one-line reason, never UNKNOWN
or INTERNAL (an escaped exception), and the gateway keeps serving."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from hypothesis import given
from hypothesis import strategies as st

from mxshell.contract import galaxy, galaxy_grpc, mx, mx_grpc
from mxshell.sim import EmbeddedGateway, SimConfig

from .conftest import fuzz_settings

DELIBERATE = {
    grpc.StatusCode.INVALID_ARGUMENT,
    grpc.StatusCode.NOT_FOUND,
    grpc.StatusCode.PERMISSION_DENIED,
    grpc.StatusCode.FAILED_PRECONDITION,
    grpc.StatusCode.OUT_OF_RANGE,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
    grpc.StatusCode.UNAUTHENTICATED,
}
TAGS = ["Tank1.Level", "Pump1.Speed.SP", "Tank1.BatchId", "Pump1._Attributes", "Tank1.Level[]"]
CALL_TIMEOUT_S = 10

words = st.sampled_from(TAGS) | st.text(max_size=12) | st.sampled_from(["*", "operator", ""])
small_ints = st.integers(min_value=-3, max_value=5)
any_ints = small_ints | st.integers(min_value=-(2**31), max_value=2**31 - 1)

_INT_RANGES = {
    FieldDescriptor.TYPE_INT32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_SINT32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_ENUM: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_INT64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_SINT64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_UINT32: (0, 2**32 - 1),
    FieldDescriptor.TYPE_UINT64: (0, 2**64 - 1),
}


def scalar(field: FieldDescriptor) -> st.SearchStrategy[Any]:
    if field.type in _INT_RANGES:
        low, high = _INT_RANGES[field.type]
        return st.integers(min_value=max(low, -3), max_value=min(high, 5)) | st.integers(
            min_value=low, max_value=high
        )
    if field.type == FieldDescriptor.TYPE_BOOL:
        return st.booleans()
    if field.type in (FieldDescriptor.TYPE_FLOAT, FieldDescriptor.TYPE_DOUBLE):
        width = 32 if field.type == FieldDescriptor.TYPE_FLOAT else 64
        return st.floats(width=width)
    if field.type == FieldDescriptor.TYPE_STRING:
        return words
    if field.type == FieldDescriptor.TYPE_BYTES:
        return st.binary(max_size=16)
    raise AssertionError(f"no strategy for {field.full_name}")


def message_of(descriptor: Descriptor, depth: int = 0) -> st.SearchStrategy[Message]:
    """Random messages of a type: a few fields set, each oneof given one member at most."""
    cls: Any = _classes[descriptor.full_name]
    if depth > 3:
        return st.just(cls())
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for field in descriptor.fields:
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            value = st.deferred(lambda f=field: message_of(f.message_type, depth + 1))
        else:
            value = scalar(field)
        if field.is_repeated:
            value = st.lists(value, max_size=4)
        fields[field.name] = value
    return st.fixed_dictionaries({}, optional=fields).map(lambda chosen: _build(cls, chosen))


def _build(cls: Any, chosen: dict[str, Any]) -> Message:
    message = cls()
    for name, value in chosen.items():
        field = cls.DESCRIPTOR.fields_by_name[name]
        if field.containing_oneof is not None and message.WhichOneof(field.containing_oneof.name):
            continue
        if field.is_repeated:
            target = getattr(message, name)
            for entry in value:
                (
                    target.add().CopyFrom
                    if field.type == FieldDescriptor.TYPE_MESSAGE
                    else target.append
                )(entry)
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            getattr(message, name).CopyFrom(value)
        else:
            setattr(message, name, value)
    return message


def _all_classes() -> dict[str, Any]:
    from google.protobuf import symbol_database, timestamp_pb2

    found: dict[str, Any] = {}
    for module in (mx, galaxy, timestamp_pb2):
        for name in module.DESCRIPTOR.message_types_by_name:
            cls = symbol_database.Default().GetSymbol(f"{module.DESCRIPTOR.package}.{name}")
            found[cls.DESCRIPTOR.full_name] = cls
    from mxshell.contract import types

    for name in types.DESCRIPTOR.message_types_by_name:
        cls = getattr(types, name)
        found[cls.DESCRIPTOR.full_name] = cls
    for cls in list(found.values()):
        for nested in cls.DESCRIPTOR.nested_types:
            found[nested.full_name] = getattr(cls, nested.name)
    return found


_classes = _all_classes()


class Wire:
    """Raw stubs on one plaintext channel, with a session and a registration open."""

    def __init__(self, gateway: EmbeddedGateway) -> None:
        self.channel = grpc.insecure_channel(gateway.endpoint)
        self.metadata = (("authorization", f"Bearer {gateway.api_key}"),)
        self.mx = mx_grpc.MxAccessGatewayStub(self.channel)
        self.galaxy = galaxy_grpc.GalaxyRepositoryStub(self.channel)
        opened = self.mx.OpenSession(
            mx.OpenSessionRequest(client_session_name="fuzz"), metadata=self.metadata
        )
        self.session_id = opened.session_id
        register = mx.InvokeRequest(
            session_id=self.session_id, register=mx.RegisterCommand(client_name="fuzz")
        )
        self.mx.Invoke(register, metadata=self.metadata)
        self.tried = 0

    def still_serves(self) -> None:
        opened = self.mx.OpenSession(
            mx.OpenSessionRequest(client_session_name="after"), metadata=self.metadata
        )
        self.mx.CloseSession(
            mx.CloseSessionRequest(session_id=opened.session_id), metadata=self.metadata
        )


@pytest.fixture(scope="module")
def wire() -> Iterator[Wire]:
    with EmbeddedGateway(SimConfig(update_interval_s=0.05, max_bulk_entries=50)) as gateway:
        opened = Wire(gateway)
        yield opened
        opened.still_serves()
        opened.channel.close()


def assert_deliberate(error: grpc.RpcError) -> None:
    code, details = error.code(), error.details() or ""
    assert code in DELIBERATE, f"{code}: {details}"
    assert details and "\n" not in details and "Traceback" not in details, details


session_ids = st.sampled_from(["<live>", "", "no-such-session"]) | st.text(max_size=8)


@fuzz_settings(250)
@given(request=message_of(mx.InvokeRequest.DESCRIPTOR), session_id=session_ids)
def test_random_invoke_requests_get_a_reply_or_a_deliberate_status(
    wire: Wire, request: mx.InvokeRequest, session_id: str
) -> None:
    request.session_id = wire.session_id if session_id == "<live>" else session_id
    wire.tried += 1
    try:
        reply = wire.mx.Invoke(request, metadata=wire.metadata, timeout=CALL_TIMEOUT_S)
    except grpc.RpcError as error:
        assert_deliberate(error)
        return
    assert isinstance(reply, mx.InvokeResponse)
    assert reply.correlation_id == request.correlation_id


@fuzz_settings(60)
@given(request=message_of(galaxy.DiscoverHierarchyRequest.DESCRIPTOR))
def test_random_hierarchy_requests_page_or_are_refused(
    wire: Wire, request: galaxy.DiscoverHierarchyRequest
) -> None:
    try:
        wire.galaxy.DiscoverHierarchy(request, metadata=wire.metadata, timeout=CALL_TIMEOUT_S)
    except grpc.RpcError as error:
        assert_deliberate(error)


@fuzz_settings(40)
@given(
    request=message_of(mx.StreamEventsRequest.DESCRIPTOR)
    | message_of(galaxy.WatchDeployEventsRequest.DESCRIPTOR),
    session_id=session_ids,
)
def test_random_stream_requests_start_or_are_refused(
    wire: Wire, request: Message, session_id: str
) -> None:
    if isinstance(request, mx.StreamEventsRequest):
        request.session_id = wire.session_id if session_id == "<live>" else session_id
        call = wire.mx.StreamEvents(request, metadata=wire.metadata, timeout=0.5)
    else:
        call = wire.galaxy.WatchDeployEvents(request, metadata=wire.metadata, timeout=0.5)
    try:
        for _ in call:
            break
    except grpc.RpcError as error:
        if error.code() is not grpc.StatusCode.DEADLINE_EXCEEDED:  # an idle stream: fine
            assert_deliberate(error)
    finally:
        call.cancel()


@fuzz_settings(60)
@given(body=st.binary(max_size=64))
def test_undecodable_request_bytes_do_not_take_the_gateway_down(wire: Wire, body: bytes) -> None:
    invoke = wire.channel.unary_unary(
        "/mxgateway.v1.MxAccessGateway/Invoke",
        request_serializer=lambda raw: raw,
        response_deserializer=lambda raw: raw,
    )
    try:
        invoke(body, metadata=wire.metadata, timeout=CALL_TIMEOUT_S)
    except grpc.RpcError as error:
        # Bytes that are no InvokeRequest never reach the servicer: refused as such.
        assert_deliberate(error)
