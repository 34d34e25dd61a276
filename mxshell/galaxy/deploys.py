"""DeployFollower: a WatchDeployEvents subscription for the whole session (`deploy-watch`).

The first event of a subscription is the Galaxy's current state: it is the baseline,
not a deploy. Every later event is a deploy and goes to `on_deploy`, with how many
deploys the sequence numbers say were missed. When the stream breaks (a reconnect, a
gateway restart) the follower subscribes again with the last deploy time it saw, so the
gateway sends the current state only if it changed meanwhile: that is a deploy too.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from mxshell.base.errors import CommandFailed
from mxshell.contract import galaxy as gr
from mxshell.galaxy.catalog import GalaxyUnavailable
from mxshell.gateway import GalaxyRepositoryClient, GatewayError
from mxshell.gateway.errors import PermissionDeniedError, UnauthenticatedError
from mxshell.session import Backoff

ClientSource = Callable[[], GalaxyRepositoryClient]
OnDeploy = Callable[[gr.DeployEvent, int], Awaitable[None]]
Notify = Callable[[str], None]


def deploy_time_text(event: gr.DeployEvent) -> str:
    """The deploy time in RFC 3339 with fractional seconds, or `never`."""
    if not event.time_of_last_deploy_present:
        return "never"
    return event.time_of_last_deploy.ToJsonString()


def deploy_row(event: gr.DeployEvent) -> dict[str, Any]:
    return {
        "sequence": event.sequence,
        "time_of_last_deploy": deploy_time_text(event),
        "object_count": event.object_count,
        "attribute_count": event.attribute_count,
    }


@dataclass
class FollowerStatus:
    running: bool = False
    last_sequence: int | None = None
    last_deploy_time: str | None = None
    deploys: int = 0
    missed: int = 0
    resubscribes: int = 0
    error: str | None = field(default=None)


class DeployFollower:
    """Follows deploys in a background task until stopped; see the module docstring."""

    def __init__(
        self,
        source: ClientSource,
        on_deploy: OnDeploy,
        notify: Notify,
        backoff: Backoff | None = None,
    ) -> None:
        self._source = source
        self._on_deploy = on_deploy
        self._notify = notify
        self._backoff = backoff or Backoff(initial_s=0.2, factor=2.0, cap_s=5.0)
        self._last_seen: Timestamp | None = None
        self._task: asyncio.Task[None] | None = None
        self._baseline = asyncio.Event()
        self.status = FollowerStatus()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def last_seen(self) -> Timestamp | None:
        """The deploy time of the newest state seen (None before the first)."""
        return self._last_seen

    def resume(self, last_seen: Timestamp | None, last_sequence: int | None) -> None:
        """Carry on from an earlier follower of the same gateway (before start): deploys
        after `last_seen` are reported, not taken as the baseline."""
        if last_seen is None:
            return
        self._last_seen, self.status.last_sequence = last_seen, last_sequence
        self._baseline.set()

    async def start(self, timeout: float = 5.0) -> None:
        """Subscribe, and wait (up to `timeout`) until the current state has arrived, so
        that a deploy right after this returns is reported."""
        if self.running:
            return
        self.status.running, self.status.error = True, None
        self._task = asyncio.create_task(self._follow(), name="deploy-watch")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._baseline.wait(), timeout)
        if self._task.done():
            self._task = None
            raise GalaxyUnavailable(f"cannot watch deploys: {self.status.error}")

    async def stop(self) -> None:
        task, self._task = self._task, None
        self.status.running = False
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _follow(self) -> None:
        delays = iter(self._backoff.delays())
        while True:
            try:
                galaxy = self._source()
                async for event in galaxy.watch_deploy_events(self._last_seen):
                    delays = iter(self._backoff.delays())
                    await self._take(event)
            except GatewayError as error:
                if not self._baseline.is_set() or isinstance(
                    error, PermissionDeniedError | UnauthenticatedError
                ):
                    # The first subscription failed, or the key may not read the Galaxy:
                    # retrying would not help. The error goes to `on`, or is said once.
                    self.status.running, self.status.error = False, str(error)
                    if self._baseline.is_set():
                        self._notify(f"deploy-watch stopped: {error}")
                    self._baseline.set()
                    return
                if self.status.resubscribes % 10 == 0:
                    self._notify(f"deploy-watch: subscription lost ({error}); resubscribing")
            self.status.resubscribes += 1
            await asyncio.sleep(next(delays, 5.0))

    async def _take(self, event: gr.DeployEvent) -> None:
        status = self.status
        baseline = self._last_seen is None
        missed = 0
        if status.last_sequence is not None and event.sequence > status.last_sequence + 1:
            missed = event.sequence - status.last_sequence - 1
        # A lower sequence means the gateway restarted its numbering: nothing was missed.
        status.last_sequence = event.sequence
        status.last_deploy_time = deploy_time_text(event)
        if event.time_of_last_deploy_present:
            seen = Timestamp()
            seen.CopyFrom(event.time_of_last_deploy)
            self._last_seen = seen
        if baseline:
            self._baseline.set()
            return
        status.deploys += 1
        status.missed += missed
        try:
            await self._on_deploy(event, missed)
        except (GatewayError, CommandFailed) as error:
            self._notify(f"deploy-watch: could not refresh after deploy {event.sequence}: {error}")
