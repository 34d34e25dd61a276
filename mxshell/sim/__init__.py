"""The simulated MXAccess gateway: both gRPC services over a real socket, no AVEVA needed.

from mxshell.sim import EmbeddedGateway
with EmbeddedGateway() as sim:
    print(sim.endpoint, sim.api_key)
"""

from __future__ import annotations

from mxshell.sim.auth import ApiKey
from mxshell.sim.config import SimConfig
from mxshell.sim.launcher import EmbeddedGateway
from mxshell.sim.server import SimulatedGateway

__all__ = ["ApiKey", "EmbeddedGateway", "SimConfig", "SimulatedGateway"]
