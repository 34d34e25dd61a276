"""SimulatedGateway: both services on one grpc.aio server, with reflection and health."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from mxshell.contract import GALAXY_SERVICE, MX_SERVICE, galaxy_grpc
from mxshell.contract import galaxy as gr
from mxshell.sim.auth import KeyRing
from mxshell.sim.config import SimConfig
from mxshell.sim.faults import Faults
from mxshell.sim.galaxy_model import Galaxy
from mxshell.sim.galaxy_service import DeployFeed, GalaxyRepositoryService
from mxshell.sim.generate import generate_galaxy
from mxshell.sim.guarded import Collected, GuardedHandlers
from mxshell.sim.model_file import load_model
from mxshell.sim.mxaccess_service import MxAccessGatewayService
from mxshell.sim.plant import PlantRuntime
from mxshell.sim.reflection import LazyReflection
from mxshell.sim.users import DEFAULT_USERS, SimUser, user_table
from mxshell.sim.worker import MxAccessWorker

_SERVER_OPTIONS = [("grpc.so_reuseport", 0)]  # a port in use is an error, not a shared port


def build_galaxy(config: SimConfig) -> Galaxy:
    if config.generate_attributes is not None:
        return generate_galaxy(config.generate_attributes)
    return load_model(config.galaxy_model)


def users_of(config: SimConfig, galaxy: Galaxy) -> dict[str, SimUser]:
    """SimConfig.users if set, else the model file's users table, else the default users."""
    if config.users is not None:
        return user_table(config.users)
    return dict(galaxy.users if galaxy.users is not None else DEFAULT_USERS)


class SimulatedGateway:
    """A simulated MXAccess gateway. The Galaxy and its live values survive restart()."""

    def __init__(self, config: SimConfig | None = None) -> None:
        self.config = config or SimConfig()
        self.faults = Faults()
        self.galaxy = build_galaxy(self.config)
        self.runtime = PlantRuntime()
        self.deploys = DeployFeed(self.galaxy)
        self._keys = KeyRing(self.config.keys)
        self._worker = MxAccessWorker(self.galaxy, self.runtime, users_of(self.config, self.galaxy))
        self._mx: MxAccessGatewayService | None = None
        self._server: grpc.aio.Server | None = None
        self._ticker: asyncio.Task[None] | None = None
        self.port: int = self.config.port
        self.endpoint = ""

    async def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("the simulated gateway is already running")
        server = grpc.aio.server(options=_SERVER_OPTIONS)
        self._mx = MxAccessGatewayService(self.config, self._keys, self._worker, self.faults)
        services = Collected()
        services.add_generic_rpc_handlers((self._mx.handler(),))
        galaxy_grpc.add_GalaxyRepositoryServicer_to_server(
            GalaxyRepositoryService(self.galaxy, self._keys, self.deploys, self.faults), services
        )
        health_servicer = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(health_servicer, services)
        services.add_generic_rpc_handlers(
            (LazyReflection((MX_SERVICE, GALAXY_SERVICE, health.SERVICE_NAME)),)
        )
        server.add_generic_rpc_handlers((GuardedHandlers(services.handlers, self.faults),))
        address = f"{self.config.host}:{self.port}"
        if self.config.uses_tls:
            assert self.config.tls_private_key and self.config.tls_cert_chain
            credentials = grpc.ssl_server_credentials(
                [(self.config.tls_private_key, self.config.tls_cert_chain)]
            )
            self.port = server.add_secure_port(address, credentials)
        else:
            self.port = server.add_insecure_port(address)
        await server.start()
        for service in ("", MX_SERVICE, GALAXY_SERVICE):
            await health_servicer.set(service, health_pb2.HealthCheckResponse.SERVING)
        self._server = server
        self.endpoint = f"{self.config.host}:{self.port}"
        self.deploys.reset()
        self._ticker = asyncio.create_task(self.runtime.run_ticker(self.config.update_interval_s))

    async def stop(self, grace: float | None = 0) -> None:
        """Stop serving; every session and stream ends (values stay in the runtime)."""
        server, self._server = self._server, None
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        if server is not None:
            await server.stop(grace)
        if self._mx is not None:
            for session in list(self._mx.sessions.values()):
                self._mx.close(session)
        self.runtime.detach_all()

    async def restart(self) -> None:
        """Stop, then serve again on the same port: like a gateway restart, sessions are lost."""
        await self.stop()
        await self.start()

    @property
    def serving(self) -> bool:
        return self._server is not None

    def open_session_ids(self) -> list[str]:
        return list(self._mx.sessions) if self._mx is not None else []

    async def deploy(self, add: int = 0, remove: int = 0) -> gr.DeployEvent:
        """Redeploy: add and/or undeploy objects, move the deploy time, tell every watcher."""
        removed = self.galaxy.deploy_remove(remove)
        self.galaxy.deploy_add(add)
        self.runtime.undeploy(removed)
        self.galaxy.generation += 1
        now = time.time_ns() // 1000 * 1000  # microseconds: survives a datetime round trip
        self.galaxy.deploy_time_ns = max(now, self.galaxy.deploy_time_ns + 1000)
        return self.deploys.publish()

    async def set_scan(self, tag_name: str, on_scan: bool) -> int:
        """Take a deployed object off scan (its points Bad, out of service) or back on."""
        obj = self.galaxy.object(tag_name)
        if obj is None:
            raise KeyError(f"no deployed object {tag_name!r}")
        return self.runtime.set_scan(obj, on_scan)

    async def override(self, reference: str, value: Any | None) -> None:
        """Override an attribute by hand (Good, local override) or release it (None)."""
        resolved = self.galaxy.resolve(reference)
        if resolved is None:
            raise KeyError(f"no attribute {reference!r}")
        self.runtime.override(self.runtime.point(resolved), value)
