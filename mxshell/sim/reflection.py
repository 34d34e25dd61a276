"""gRPC server reflection for the simulated gateway, loaded when a client first asks.

Both versions are served: `grpc.reflection.v1` (what current grpcurl and buf curl ask
first) and `grpc.reflection.v1alpha` (what older tools ask). grpcio-reflection ships
v1alpha only; v1 is the same protocol, message for message and field for field, under
another package name, so its calls go to the same servicer, and its descriptor is the
v1alpha one renamed (added to the pool so that describing the v1 service works too).

grpc_reflection's modules (and protobuf's descriptor_pb2 with them) take about 4 ms to
import, which every start of the shell's embedded gateway would pay, while reflection
is for grpcurl and friends, not for the shell. This handler answers for the reflection
service and builds grpc_reflection's own servicer on the first call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import grpc

from mxshell.sim.guarded import Collected

SERVICE_NAME = "grpc.reflection.v1alpha.ServerReflection"
V1_SERVICE_NAME = "grpc.reflection.v1.ServerReflection"


class LazyReflection(grpc.GenericRpcHandler):
    """Serves grpc.reflection.v1 and v1alpha ServerReflection for the given service names."""

    def __init__(self, service_names: Sequence[str]) -> None:
        self.service_names = (*service_names, V1_SERVICE_NAME, SERVICE_NAME)
        self._handlers: list[grpc.GenericRpcHandler] | None = None

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> Any:
        method: str = handler_call_details.method  # type: ignore[attr-defined]
        if method.startswith(f"/{V1_SERVICE_NAME}/"):
            method = f"/{SERVICE_NAME}/" + method.rpartition("/")[2]
            handler_call_details = _Renamed(method, handler_call_details)
        elif not method.startswith(f"/{SERVICE_NAME}/"):
            return None
        if self._handlers is None:
            self._handlers = _reflection_handlers(self.service_names)
        for handler in self._handlers:
            found = handler.service(handler_call_details)
            if found is not None:
                return found
        return None


class _Renamed(grpc.HandlerCallDetails):
    """A call's details under the v1alpha method name."""

    def __init__(self, method: str, details: grpc.HandlerCallDetails) -> None:
        self.method = method
        self.invocation_metadata = details.invocation_metadata  # type: ignore[attr-defined]


def _reflection_handlers(service_names: Sequence[str]) -> list[grpc.GenericRpcHandler]:
    from grpc_reflection.v1alpha import reflection

    _add_v1_descriptor()
    collected = Collected()
    reflection.enable_server_reflection(service_names, collected)
    return collected.handlers


def _add_v1_descriptor() -> None:
    """grpc/reflection/v1/reflection.proto in the default pool: v1alpha's, renamed."""
    from google.protobuf import descriptor_pb2, descriptor_pool
    from grpc_reflection.v1alpha import reflection_pb2

    pool = descriptor_pool.Default()
    try:
        pool.FindServiceByName(V1_SERVICE_NAME)
        return
    except KeyError:
        pass
    proto = descriptor_pb2.FileDescriptorProto()
    reflection_pb2.DESCRIPTOR.CopyToProto(proto)
    old, new = ".grpc.reflection.v1alpha.", ".grpc.reflection.v1."
    proto.name = "grpc/reflection/v1/reflection.proto"
    proto.package = "grpc.reflection.v1"
    for message in proto.message_type:
        for field in message.field:
            if field.type_name:  # message fields only: a scalar has none
                field.type_name = field.type_name.replace(old, new)
    for service in proto.service:
        for method in service.method:
            method.input_type = method.input_type.replace(old, new)
            method.output_type = method.output_type.replace(old, new)
    pool.Add(proto)
