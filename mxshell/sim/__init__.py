"""The simulated MXAccess gateway: both gRPC services over a real socket, no AVEVA needed.

from mxshell.sim import EmbeddedGateway
with EmbeddedGateway() as sim:
    print(sim.endpoint, sim.api_key)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mxshell.sim.auth import ApiKey
    from mxshell.sim.config import SimConfig
    from mxshell.sim.launcher import EmbeddedGateway
    from mxshell.sim.server import SimulatedGateway
    from mxshell.sim.users import SimUser

__all__ = ["ApiKey", "EmbeddedGateway", "SimConfig", "SimUser", "SimulatedGateway"]

# Imported on first use: `import mxshell.sim.codes` (a small table) must not load the
# server and the two dozen modules behind it.
_HOMES = {
    "ApiKey": "mxshell.sim.auth",
    "SimConfig": "mxshell.sim.config",
    "EmbeddedGateway": "mxshell.sim.launcher",
    "SimulatedGateway": "mxshell.sim.server",
    "SimUser": "mxshell.sim.users",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'mxshell.sim' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
