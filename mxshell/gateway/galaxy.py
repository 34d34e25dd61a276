"""GalaxyRepositoryClient: the read-only Galaxy Repository service (hierarchy, deploys)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from types import TracebackType

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from mxshell.contract import galaxy, galaxy_grpc
from mxshell.gateway.channel import ChannelOptions, open_channel, resolve_options
from mxshell.gateway.errors import translated_errors


class GalaxyRepositoryClient:
    """The GalaxyRepository service; every call needs the key's metadata:read scope.

    Build one with `connect(...)` (its own channel, closed by `close()`), or get one
    sharing a GatewayClient's channel from `GatewayClient.galaxy()`.
    """

    def __init__(
        self, channel: grpc.aio.Channel, options: ChannelOptions, *, owns_channel: bool = False
    ) -> None:
        self._channel = channel
        self._options = options
        self._owns_channel = owns_channel
        self._metadata = options.call_metadata()
        self._stub = galaxy_grpc.GalaxyRepositoryStub(channel)
        self._closed = False

    @classmethod
    async def connect(
        cls,
        endpoint: str | ChannelOptions | None = None,
        api_key: str | None = None,
        *,
        plaintext: bool = False,
        ca_file: str | None = None,
        server_name_override: str | None = None,
        options: ChannelOptions | None = None,
        timeout: float | None = None,
    ) -> GalaxyRepositoryClient:
        """Open a channel of its own; the arguments are GatewayClient.connect's."""
        resolved = resolve_options(
            endpoint,
            api_key,
            plaintext=plaintext,
            ca_file=ca_file,
            server_name_override=server_name_override,
            options=options,
        )
        return cls(await open_channel(resolved, timeout), resolved, owns_channel=True)

    def __repr__(self) -> str:
        key = "<set>" if self._options.api_key else None
        return f"GalaxyRepositoryClient(endpoint={self._options.endpoint!r}, api_key={key})"

    __str__ = __repr__

    @property
    def endpoint(self) -> str:
        return self._options.endpoint

    async def __aenter__(self) -> GalaxyRepositoryClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the channel if this client opened it (a shared one stays open). Idempotent."""
        if not self._closed:
            self._closed = True
            if self._owns_channel:
                await self._channel.close()

    def _errors(self) -> AbstractContextManager[None]:
        return translated_errors(self._options.api_key, self._options.endpoint)

    async def test_connection_raw(self) -> galaxy.TestConnectionResponse:
        """TestConnection's reply: `connected`, and the gateway's `message` on why not."""
        with self._errors():
            reply: galaxy.TestConnectionResponse = await self._stub.TestConnection(
                galaxy.TestConnectionRequest(), metadata=self._metadata
            )
        return reply

    async def test_connection(self) -> bool:
        """Whether the gateway can reach the Galaxy Repository database."""
        return (await self.test_connection_raw()).connected

    async def get_last_deploy_time(self) -> datetime | None:
        """When the Galaxy was last deployed (aware, UTC), or None if it never was."""
        with self._errors():
            reply: galaxy.GetLastDeployTimeResponse = await self._stub.GetLastDeployTime(
                galaxy.GetLastDeployTimeRequest(), metadata=self._metadata
            )
        if not reply.time_of_last_deploy_present:
            return None
        return reply.time_of_last_deploy.ToDatetime(tzinfo=UTC)

    async def discover_page(
        self, page_size: int = 0, page_token: str = ""
    ) -> galaxy.DiscoverHierarchyResponse:
        """One page of the hierarchy; pass the previous page's next_page_token for the next."""
        request = galaxy.DiscoverHierarchyRequest(page_size=page_size, page_token=page_token)
        with self._errors():
            reply: galaxy.DiscoverHierarchyResponse = await self._stub.DiscoverHierarchy(
                request, metadata=self._metadata
            )
        return reply

    async def iter_hierarchy(self, page_size: int = 0) -> AsyncGenerator[galaxy.GalaxyObject, None]:
        """Every deployed object, parents before children, a page at a time: the next page
        is requested only once the caller has consumed the current one."""
        token = ""
        while True:
            page = await self.discover_page(page_size, token)
            for obj in page.objects:
                yield obj
            token = page.next_page_token
            if not token:
                return

    async def discover_hierarchy(self, page_size: int = 0) -> list[galaxy.GalaxyObject]:
        """Every deployed object in one list (for a large Galaxy, prefer iter_hierarchy)."""
        return [obj async for obj in self.iter_hierarchy(page_size)]

    async def watch_deploy_events(
        self, last_seen_deploy_time: datetime | Timestamp | None = None
    ) -> AsyncGenerator[galaxy.DeployEvent, None]:
        """The current deploy state (unless it is `last_seen_deploy_time`), then one event
        per deploy. Closing the iterator or cancelling its task closes the stream.

        A datetime carries microseconds; to match a gateway's time exactly whatever its
        precision, pass a previous event's `time_of_last_deploy` Timestamp as it came.
        """
        request = galaxy.WatchDeployEventsRequest()
        if isinstance(last_seen_deploy_time, Timestamp):
            request.last_seen_deploy_time.CopyFrom(last_seen_deploy_time)
        elif last_seen_deploy_time is not None:
            request.last_seen_deploy_time.FromDatetime(last_seen_deploy_time)
        with self._errors():
            call = self._stub.WatchDeployEvents(request, metadata=self._metadata)
        try:
            while True:
                with self._errors():
                    response = await call.read()
                if response is grpc.aio.EOF:
                    return
                yield response.event
        finally:
            call.cancel()
