"""Fixtures for the simulated gateway's tests: a running gateway, and a raw-stub client."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import grpc
import pytest

from mxshell.contract import galaxy, galaxy_grpc, mx, mx_grpc
from mxshell.sim import EmbeddedGateway, SimConfig

FAST = {"update_interval_s": 0.05, "default_read_timeout_ms": 500}


def bearer(key: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {key}"),)


class Client:
    """The generated stubs plus a few shorthands; every call carries the API key."""

    def __init__(self, channel: grpc.aio.Channel, key: str) -> None:
        self.channel = channel
        self.mx = mx_grpc.MxAccessGatewayStub(channel)
        self.galaxy = galaxy_grpc.GalaxyRepositoryStub(channel)
        self.metadata = bearer(key)
        self._correlation = itertools.count(1)

    async def open_session(self, name: str = "test") -> str:
        reply = await self.mx.OpenSession(
            mx.OpenSessionRequest(client_session_name=name), metadata=self.metadata
        )
        return reply.session_id

    async def invoke(self, session_id: str, **command: Any) -> mx.InvokeResponse:
        request = mx.InvokeRequest(
            session_id=session_id, correlation_id=f"c{next(self._correlation)}", **command
        )
        return await self.mx.Invoke(request, metadata=self.metadata)

    async def register(self, session_id: str, name: str = "test") -> int:
        reply = await self.invoke(session_id, register=mx.RegisterCommand(client_name=name))
        assert reply.hresult == 0, reply
        return reply.handle

    async def add_item(self, session_id: str, server_handle: int, reference: str) -> int:
        reply = await self.invoke(
            session_id,
            add_item=mx.AddItemCommand(server_handle=server_handle, tag_reference=reference),
        )
        assert reply.hresult == 0, reply
        return reply.handle

    async def advise(self, session_id: str, server_handle: int, reference: str) -> int:
        item = await self.add_item(session_id, server_handle, reference)
        reply = await self.invoke(
            session_id, advise=mx.AdviseCommand(server_handle=server_handle, item_handle=item)
        )
        assert reply.hresult == 0, reply
        return item

    async def login(
        self, session_id: str, server_handle: int, user: str, password: str | None = None
    ) -> int:
        """AuthenticateUser (the demo users' passwords are their names and 1): a user id."""
        reply = await self.invoke(
            session_id,
            authenticate_user=mx.AuthenticateUserCommand(
                server_handle=server_handle, user_name=user, password=password or f"{user}1"
            ),
        )
        assert reply.hresult == 0, reply
        return reply.user_id

    def stream(self, session_id: str, max_batch_size: int = 0) -> Any:
        return self.mx.StreamEvents(
            mx.StreamEventsRequest(session_id=session_id, max_batch_size=max_batch_size),
            metadata=self.metadata,
        )

    async def discover(self, page_size: int = 0, page_token: str = "") -> Any:
        return await self.galaxy.DiscoverHierarchy(
            galaxy.DiscoverHierarchyRequest(page_size=page_size, page_token=page_token),
            metadata=self.metadata,
        )

    @staticmethod
    async def collect(
        stream: Any, until: Callable[[list[mx.MxEvent]], bool], timeout: float = 5.0
    ) -> list[mx.MxEvent]:
        """Events from a StreamEvents call until the predicate holds (or time runs out)."""
        events: list[mx.MxEvent] = []

        async def read() -> None:
            async for batch in stream:
                events.extend(batch.events)
                if until(events):
                    return

        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(read(), timeout)
        return events

    @staticmethod
    def changes(events: list[mx.MxEvent], item_handle: int | None = None) -> list[mx.OnDataChange]:
        """The OnDataChange events (of one item, if given)."""
        return [
            e.on_data_change
            for e in events
            if e.HasField("on_data_change")
            and (item_handle is None or e.on_data_change.item_handle == item_handle)
        ]


@pytest.fixture
def start_sim() -> Iterator[Callable[..., EmbeddedGateway]]:
    """Start gateways with chosen SimConfig fields (fast defaults); all stopped afterwards."""
    started: list[EmbeddedGateway] = []

    def start(**fields: Any) -> EmbeddedGateway:
        gateway = EmbeddedGateway(SimConfig(**{**FAST, **fields})).start()
        started.append(gateway)
        return gateway

    yield start
    for gateway in started:
        gateway.stop()


@pytest.fixture
def sim(start_sim: Callable[..., EmbeddedGateway]) -> EmbeddedGateway:
    return start_sim()


@pytest.fixture
async def connect() -> AsyncIterator[Callable[..., Client]]:
    """Open plaintext channels to a gateway (closed afterwards)."""
    channels: list[grpc.aio.Channel] = []

    def open_client(gateway: EmbeddedGateway, key: str | None = None) -> Client:
        channel = grpc.aio.insecure_channel(gateway.endpoint)
        channels.append(channel)
        return Client(channel, gateway.api_key if key is None else key)

    yield open_client
    for channel in channels:
        await channel.close()


@pytest.fixture
def client(sim: EmbeddedGateway, connect: Callable[..., Client]) -> Client:
    return connect(sim)


@pytest.fixture
async def registered(client: Client) -> tuple[str, int]:
    """An open session with one registration: (session_id, server_handle)."""
    session_id = await client.open_session()
    return session_id, await client.register(session_id)
