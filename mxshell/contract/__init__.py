"""The gRPC contract: generated bindings for proto/mxgateway/v1 (see scripts/generate_proto.py).

Import the message and stub modules from here, never from the generated paths directly:
    from mxshell.contract import mx, mx_grpc, galaxy, galaxy_grpc, types
"""

from __future__ import annotations

from mxshell.contract.mxgateway.v1 import galaxy_pb2 as galaxy
from mxshell.contract.mxgateway.v1 import galaxy_pb2_grpc as galaxy_grpc
from mxshell.contract.mxgateway.v1 import mxaccess_pb2 as mx
from mxshell.contract.mxgateway.v1 import mxaccess_pb2_grpc as mx_grpc
from mxshell.contract.mxgateway.v1 import types_pb2 as types

MX_SERVICE = "mxgateway.v1.MxAccessGateway"
GALAXY_SERVICE = "mxgateway.v1.GalaxyRepository"

__all__ = ["GALAXY_SERVICE", "MX_SERVICE", "galaxy", "galaxy_grpc", "mx", "mx_grpc", "types"]
