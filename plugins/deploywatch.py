"""The deploy-watch family: galaxy-watch (a foreground stream of DeployEvents),
deploy-watch on|off|status (a background subscription for the whole session), and
`sim deploy` to trigger a deploy on the simulated gateway.

On every deploy the background subscription prints one line above the prompt, rebuilds
the Galaxy index (when the Galaxy plugin is loaded), moves the browse path up if the
current object went away, and marks the items whose tags no longer exist.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from mxshell.api import (
    CommandFailed,
    CommandSet,
    PluginState,
    RegisterCommands,
    RegisterToolbarField,
    ShellContext,
    Text,
    UsageError,
    arg,
    hookimpl,
)
from mxshell.api.galaxy import (
    DeployFollower,
    GalaxyCatalog,
    GalaxyIndex,
    deploy_row,
    deploy_time_text,
)
from mxshell.api.gateway import galaxy as gr

deploys = CommandSet("deploy-watch")

UNDEPLOYED = "its tag is no longer in the Galaxy (undeployed)"
MAX_SIM_OBJECTS = 10_000


def describe_event(event: gr.DeployEvent) -> str:
    return (
        f"#{event.sequence} at {deploy_time_text(event)}: "
        f"{event.object_count:,} objects, {event.attribute_count:,} attributes"
    )


# galaxy-watch ------------------------------------------------------------------------


@deploys.command(
    "galaxy-watch",
    help="Stream DeployEvents as the Galaxy is deployed, until --max-events, --timeout or "
    "Ctrl-C.\nThe current state comes first, unless --since names it. Each event: sequence, "
    "deploy time (RFC 3339), object and attribute counts. --shutdown-timeout bounds how "
    "long closing the stream may take when it ends (default 5s).",
    args=[
        arg("--max-events", type="int", metavar="N", help="stop after N events"),
        arg("--timeout", type="duration", help="stop after this long (e.g. 10s)"),
        arg(
            "--shutdown-timeout",
            type="duration",
            default=5.0,
            help="how long closing the stream may take (default 5s)",
        ),
        arg(
            "--since",
            metavar="TS",
            help="last deploy time already seen (RFC 3339, e.g. 2026-01-31T12:00:07.5Z)",
        ),
    ],
    needs_session=True,
)
async def galaxy_watch(
    ctx: ShellContext,
    max_events: int | None = None,
    since: str | None = None,
    timeout: float | None = None,
    shutdown_timeout: float = 5.0,
) -> Text:
    if max_events is not None and max_events < 1:
        raise UsageError("--max-events must be at least 1", "galaxy-watch [--max-events N]")
    if (timeout is not None and timeout <= 0) or shutdown_timeout <= 0:
        raise UsageError("--timeout and --shutdown-timeout must be positive", "galaxy-watch")
    last_seen = None
    if since is not None:
        last_seen = Timestamp()
        try:
            last_seen.FromJsonString(since.strip())
        except ValueError:
            raise UsageError(
                f"--since {since!r} is not an RFC 3339 time such as 2026-01-31T12:00:07Z",
                "galaxy-watch [--since TS]",
            ) from None
    client = ctx.require_session().client.galaxy()
    seen = 0
    stream = client.watch_deploy_events(last_seen)

    async def follow() -> str:
        nonlocal seen
        async for event in stream:
            seen += 1
            ctx.emit(Text(describe_event(event), deploy_row(event)))
            if max_events is not None and seen >= max_events:
                return "max-events"
        return "the gateway ended the stream"

    try:
        ended = await asyncio.wait_for(follow(), timeout)
    except TimeoutError:
        ended = "timeout"
    finally:
        try:
            await asyncio.wait_for(stream.aclose(), shutdown_timeout)
        except TimeoutError:
            ctx.notify(f"galaxy-watch: the stream did not close within {shutdown_timeout:g}s")
    return Text(f"{seen} deploy event(s) ({ended})", {"events": seen, "ended": ended})


# deploy-watch ------------------------------------------------------------------------


class DeployWatch:
    """One shell's background deploy subscription, and what it does on each deploy."""

    def __init__(self, ctx: ShellContext) -> None:
        self.ctx = ctx
        self.wanted = False
        self.follower: DeployFollower | None = None
        # Where the last follower got to, by endpoint: a new connection to the same
        # gateway carries on from there, so a deploy while reconnecting is not lost.
        self._left_off: tuple[str, Any, int | None] | None = None
        self._endpoint: str | None = None

    async def start(self) -> None:
        ctx = self.ctx
        session = ctx.require_session()
        follower = DeployFollower(lambda: session.client.galaxy(), self.on_deploy, ctx.notify)
        if self._left_off is not None and self._left_off[0] == session.endpoint:
            follower.resume(*self._left_off[1:])
        await follower.start()
        self.follower, self.wanted = follower, True
        self._endpoint = session.endpoint

    async def stop(self) -> None:
        follower, self.follower = self.follower, None
        self._left_off = None  # `off` then `on` starts afresh
        if follower is not None:
            await follower.stop()

    def remember(self, follower: DeployFollower) -> None:
        """The session closes under a running follower: keep where it got to."""
        if self._endpoint is not None:
            self._left_off = (self._endpoint, follower.last_seen, follower.status.last_sequence)

    async def on_deploy(self, event: gr.DeployEvent, missed: int) -> None:
        ctx = self.ctx
        line = f"Galaxy deployed {describe_event(event)}"
        if missed:
            line += f" (missed {missed} deploy(s) before it)"
        ctx.notify(line)
        catalog = ctx.services.galaxy
        if not isinstance(catalog, GalaxyCatalog) or catalog.index is None and not catalog.eager:
            return
        rebuilt = await catalog.rebuild()
        if rebuilt.moved is not None:
            gone, now = rebuilt.moved
            ctx.notify(f"deploy-watch: {gone} is no longer deployed; now at {now}")
        self.mark_items(rebuilt.index)

    def mark_items(self, index: GalaxyIndex) -> None:
        session = self.ctx.session
        if session is None:
            return
        gone, back = [], []
        for item in session.items:
            exists = index.has_reference(item.tag_reference)
            if not exists and item.lost is None:
                item.lost = UNDEPLOYED
                gone.append(item.name)
            elif exists and item.lost == UNDEPLOYED:
                item.lost = None
                back.append(item.name)
        if gone:
            self.ctx.notify(f"deploy-watch: tags no longer in the Galaxy: {', '.join(gone)}")
        if back:
            self.ctx.notify(f"deploy-watch: tags deployed again: {', '.join(back)}")

    def status(self) -> dict[str, Any]:
        follower = self.follower
        state = "on" if follower is not None and follower.running else "off"
        data: dict[str, Any] = {"deploy_watch": state}
        if follower is not None:
            status = follower.status
            data.update(
                last_sequence=status.last_sequence,
                last_deploy_time=status.last_deploy_time,
                deploys_seen=status.deploys,
                deploys_missed=status.missed,
                resubscribes=status.resubscribes,
            )
            if status.error:
                data["error"] = status.error
        return data


# The deploy watch of each shell, made on first use.
WATCHES: PluginState[DeployWatch] = PluginState(DeployWatch)


def watch_of(ctx: ShellContext) -> DeployWatch:
    return WATCHES.of(ctx)


@deploys.command(
    "deploy-watch",
    help="Follow Galaxy deploys in the background: on, off, or status (the default).\n"
    "Each deploy prints one line above the prompt, refreshes completion and the browse "
    "path, and marks items whose tags no longer exist; missed deploys are reported. "
    "The subscription survives reconnects.",
    args=[arg("action", choices=["on", "off", "status"], default="status", help="what to do")],
)
async def deploy_watch(ctx: ShellContext, action: str = "status") -> Any:
    watch = watch_of(ctx)
    if action == "on":
        if watch.follower is None or not watch.follower.running:
            await watch.stop()
            await watch.start()
        status = watch.status()
        return Text(f"deploy-watch on: Galaxy last deployed {status['last_deploy_time']}", status)
    if action == "off":
        watch.wanted = False
        await watch.stop()
        return Text("deploy-watch off", watch.status())
    return watch.status()


# sim deploy --------------------------------------------------------------------------


@deploys.command(
    "sim",
    help="Act on the simulated gateway this shell is connected to: `sim deploy` deploys "
    "the Galaxy again, adding and undeploying objects.\nOnly with the simulated gateway "
    "(the embedded one, or one running in this process).",
    args=[
        arg("action", choices=["deploy"], help="what to do"),
        arg("--add", type="int", default=0, metavar="N", help="objects to add (default 0)"),
        arg("--remove", type="int", default=0, metavar="N", help="leaf objects to undeploy"),
    ],
    needs_session=True,
)
async def sim(ctx: ShellContext, action: str, add: int = 0, remove: int = 0) -> Text:
    for name, count in (("--add", add), ("--remove", remove)):
        if not 0 <= count <= MAX_SIM_OBJECTS:
            raise UsageError(f"{name} must be 0 to {MAX_SIM_OBJECTS}", "sim deploy")
    deploy = simulator_of(ctx)
    try:
        event = await asyncio.to_thread(deploy, add, remove)
    except ValueError as error:
        raise CommandFailed(str(error)) from None
    return Text(f"deployed (+{add}, -{remove} objects): {describe_event(event)}", deploy_row(event))


def simulator_of(ctx: ShellContext) -> Callable[[int, int], Any]:
    """The deploy call of the simulated gateway the shell is connected to, through the
    connection (a command family never imports the simulator itself)."""
    session = ctx.require_session()
    deploy = ctx.connection().deploy_simulator()
    if deploy is None:
        raise CommandFailed(
            f"{session.endpoint} is not a simulated gateway of this shell: "
            "sim works only with the embedded simulator (connect with no endpoint)"
        )
    return deploy


# hooks -------------------------------------------------------------------------------
_toolbar_watches: list[DeployWatch] = []


@hookimpl
def register_commands(register: RegisterCommands) -> None:
    register(list(deploys))


@hookimpl
def register_toolbar_fields(register: RegisterToolbarField) -> None:
    def field() -> str | None:
        watch = _toolbar_watches[-1] if _toolbar_watches else None
        if watch is None or watch.follower is None or not watch.follower.running:
            return None
        return "deploy-watch on"

    register(field)


@hookimpl
def startup(context: ShellContext) -> None:
    _toolbar_watches[:] = [watch_of(context)]


@hookimpl
def session_opened(context: ShellContext) -> None:
    watch = watch_of(context)
    if watch.wanted:
        # A new connection (maybe to another gateway): subscribe again from scratch.
        asyncio.get_running_loop().create_task(_resubscribe(watch))


@hookimpl
def session_closed(context: ShellContext) -> None:
    watch = watch_of(context)
    follower, watch.follower = watch.follower, None
    if follower is not None:
        watch.remember(follower)
        asyncio.get_running_loop().create_task(follower.stop())


async def _resubscribe(watch: DeployWatch) -> None:
    try:
        await watch.start()
    except CommandFailed as error:
        watch.ctx.notify(f"deploy-watch: {error}")


# The plugin API this family is written for (`plugins` shows it).
MXSHELL_API = (1, 1)
