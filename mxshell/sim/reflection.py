"""gRPC server reflection for the simulated gateway, loaded when a client first asks.

grpc_reflection's modules (and protobuf's descriptor_pb2 with them) take about 4 ms to
import, which every start of the shell's embedded gateway would pay, while reflection
is for grpcurl and friends, not for the shell. This handler answers for the reflection
service and builds grpc_reflection's own servicer on the first call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import grpc

SERVICE_NAME = "grpc.reflection.v1alpha.ServerReflection"


class LazyReflection(grpc.GenericRpcHandler):
    """Serves grpc.reflection.v1alpha.ServerReflection for the given service names."""

    def __init__(self, service_names: Sequence[str]) -> None:
        self.service_names = (*service_names, SERVICE_NAME)
        self._handlers: list[grpc.GenericRpcHandler] | None = None

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> Any:
        method: str = handler_call_details.method  # type: ignore[attr-defined]
        if not method.startswith(f"/{SERVICE_NAME}/"):
            return None
        if self._handlers is None:
            self._handlers = _reflection_handlers(self.service_names)
        for handler in self._handlers:
            found = handler.service(handler_call_details)
            if found is not None:
                return found
        return None


class _Collected:
    """Stands in for the server while grpc_reflection registers its servicer."""

    def __init__(self) -> None:
        self.handlers: list[grpc.GenericRpcHandler] = []

    def add_generic_rpc_handlers(self, handlers: Sequence[grpc.GenericRpcHandler]) -> None:
        self.handlers.extend(handlers)

    def add_registered_method_handlers(self, service: str, handlers: Any) -> None:
        pass  # the generic handler above serves the same methods


def _reflection_handlers(service_names: Sequence[str]) -> list[grpc.GenericRpcHandler]:
    from grpc_reflection.v1alpha import reflection

    collected = _Collected()
    reflection.enable_server_reflection(service_names, collected)
    return collected.handlers
