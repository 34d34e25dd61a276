"""The GalaxyRepository gRPC service: hierarchy pages, deploy time and deploy events.

Page tokens are opaque to clients: base64 of "mxsim-page:<deploy generation>:<offset>".
A token from before a deploy is refused with FAILED_PRECONDITION (start again from
the first page), since offsets into a changed hierarchy would skip or repeat objects.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
from collections import deque
from collections.abc import AsyncIterator

import grpc

from mxshell.contract import galaxy as gr
from mxshell.sim.auth import METADATA_READ, KeyRing
from mxshell.sim.faults import Faults, OpenStream
from mxshell.sim.galaxy_model import AttributeDef, Galaxy, GObject
from mxshell.sim.rpc import abort
from mxshell.sim.wire_values import timestamp

DEFAULT_PAGE_SIZE = 500
MAX_PAGE_SIZE = 5000
WATCHER_BUFFER = 64
UNREACHABLE = "Galaxy Repository database unreachable"
_TOKEN = re.compile(r"mxsim-page:(\d+):(\d+)")


def encode_page_token(generation: int, offset: int) -> str:
    return base64.urlsafe_b64encode(f"mxsim-page:{generation}:{offset}".encode()).decode()


def decode_page_token(token: str) -> tuple[int, int] | None:
    try:
        text = base64.urlsafe_b64decode(token.encode("ascii")).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        return None
    match = _TOKEN.fullmatch(text)
    return (int(match[1]), int(match[2])) if match else None


def object_proto(obj: GObject) -> gr.GalaxyObject:
    """A GalaxyObject with its attributes (internal `_` attributes are not listed).

    Attributes the object's template defines come first, then those added on the
    instance (dynamic, user-defined), marked is_dynamic.
    """
    tag = obj.tag_name
    dynamic = obj.extra.values() if obj.extra else ()
    return gr.GalaxyObject(
        gobject_id=obj.gobject_id,
        tag_name=tag,
        contained_name=obj.contained_name,
        hierarchical_name=obj.hierarchical_name,
        parent_tag_name=obj.parent.tag_name if obj.parent else "",
        area_tag_name=obj.area,
        host_tag_name=obj.host,
        template_name=obj.template.name,
        category=obj.category,
        attributes=[_attribute_proto(tag, a, False) for a in obj.template.attributes]
        + [_attribute_proto(tag, a, True) for a in dynamic],
    )


def _attribute_proto(tag: str, attr: AttributeDef, is_dynamic: bool) -> gr.GalaxyAttribute:
    return gr.GalaxyAttribute(
        attribute_name=attr.name,
        full_tag_reference=f"{tag}.{attr.name}",
        data_type=attr.data_type,
        is_array=attr.is_array,
        security_classification=attr.security,
        is_historized=attr.historized,
        is_alarmed=attr.alarmed,
        is_dynamic=is_dynamic,
    )


class DeployWatcher:
    """One WatchDeployEvents call: a bounded queue (oldest dropped when full) and a wake-up."""

    def __init__(self) -> None:
        self.queue: deque[gr.DeployEvent] = deque(maxlen=WATCHER_BUFFER)
        self._wake = asyncio.Event()
        self.stream = OpenStream(self._wake.set)

    def push(self, event: gr.DeployEvent) -> None:
        self.queue.append(event)
        self._wake.set()

    async def wait(self) -> None:
        if not self.queue:
            self._wake.clear()
            await self._wake.wait()


class DeployFeed:
    """The Galaxy's deploy state as events, fanned out to every watcher."""

    def __init__(self, galaxy: Galaxy) -> None:
        self.galaxy = galaxy
        self.sequence = 1  # the current state's event number; restarts with the gateway
        self._watchers: set[DeployWatcher] = set()

    def current(self) -> gr.DeployEvent:
        return gr.DeployEvent(
            sequence=self.sequence,
            time_of_last_deploy=timestamp(self.galaxy.deploy_time_ns),
            time_of_last_deploy_present=True,
            object_count=len(self.galaxy.objects),
            attribute_count=self.galaxy.attribute_count,
        )

    def publish(self) -> gr.DeployEvent:
        self.sequence += 1
        event = self.current()
        for watcher in self._watchers:
            watcher.push(event)
        return event

    def watch(self) -> DeployWatcher:
        watcher = DeployWatcher()
        self._watchers.add(watcher)
        return watcher

    def unwatch(self, watcher: DeployWatcher) -> None:
        self._watchers.discard(watcher)

    def reset(self) -> None:
        self.sequence = 1


class GalaxyRepositoryService:
    def __init__(self, galaxy: Galaxy, keys: KeyRing, feed: DeployFeed, faults: Faults) -> None:
        self._galaxy = galaxy
        self._keys = keys
        self._feed = feed
        self._faults = faults

    async def _check(self, context: grpc.aio.ServicerContext) -> None:
        await self._keys.authorize(context, METADATA_READ)
        if self._faults.galaxy_unreachable:
            await abort(context, grpc.StatusCode.FAILED_PRECONDITION, UNREACHABLE)

    async def TestConnection(
        self, request: gr.TestConnectionRequest, context: grpc.aio.ServicerContext
    ) -> gr.TestConnectionResponse:
        await self._keys.authorize(context, METADATA_READ)
        if self._faults.galaxy_unreachable:
            return gr.TestConnectionResponse(connected=False, message=UNREACHABLE)
        return gr.TestConnectionResponse(
            connected=True, message=f"connected to Galaxy {self._galaxy.name} (simulated)"
        )

    async def GetLastDeployTime(
        self, request: gr.GetLastDeployTimeRequest, context: grpc.aio.ServicerContext
    ) -> gr.GetLastDeployTimeResponse:
        await self._check(context)
        return gr.GetLastDeployTimeResponse(
            time_of_last_deploy=timestamp(self._galaxy.deploy_time_ns),
            time_of_last_deploy_present=True,
        )

    async def DiscoverHierarchy(
        self, request: gr.DiscoverHierarchyRequest, context: grpc.aio.ServicerContext
    ) -> gr.DiscoverHierarchyResponse:
        await self._check(context)
        if request.page_size < 0:
            await abort(context, grpc.StatusCode.INVALID_ARGUMENT, "page_size must not be negative")
        size = min(request.page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        galaxy, offset = self._galaxy, 0
        if request.page_token:
            position = decode_page_token(request.page_token)
            if position is None or position[1] > len(galaxy.objects):
                await abort(
                    context,
                    grpc.StatusCode.INVALID_ARGUMENT,
                    "page_token is not one this gateway issued; pass the "
                    "next_page_token of the previous page, or none for the first",
                )
            generation, offset = position
            if generation != galaxy.generation:
                await abort(
                    context,
                    grpc.StatusCode.FAILED_PRECONDITION,
                    "the Galaxy was redeployed since this page_token was issued; "
                    "start again from the first page",
                )
        page = galaxy.objects[offset : offset + size]
        end = offset + len(page)
        return gr.DiscoverHierarchyResponse(
            objects=[object_proto(o) for o in page],
            total_object_count=len(galaxy.objects),
            next_page_token=(
                encode_page_token(galaxy.generation, end) if end < len(galaxy.objects) else ""
            ),
        )

    async def WatchDeployEvents(
        self, request: gr.WatchDeployEventsRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[gr.WatchDeployEventsResponse]:
        await self._check(context)
        current = self._feed.current()
        watcher = self._feed.watch()
        if request.last_seen_deploy_time != current.time_of_last_deploy:
            watcher.push(current)
        self._faults.streams.add(watcher.stream)
        try:
            while True:
                if watcher.stream.cut:
                    await abort(
                        context,
                        grpc.StatusCode.UNAVAILABLE,
                        "deploy event stream cut (simulated fault)",
                    )
                if watcher.queue:
                    yield gr.WatchDeployEventsResponse(event=watcher.queue.popleft())
                    continue
                await watcher.wait()
        finally:
            self._feed.unwatch(watcher)
            self._faults.streams.discard(watcher.stream)
