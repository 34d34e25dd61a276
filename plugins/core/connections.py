"""The connection commands: connect, use, connections, disconnect, attach, reconnect and
status. A shell may hold several named connections (`connect NAME HOST:PORT`); the first,
unnamed one is `default`, and one is current: unqualified tag references go to it, a
reference written `NAME:Tag.Attr` goes to the connection NAME.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mxshell.api import CommandFailed, CommandSet, ShellContext, Table, UsageError, arg, flag

core = CommandSet("core")


@core.command(
    "connect",
    help=(
        "Connect to a gateway and open a session.\n"
        "`connect HOST:PORT` replaces the current connection; `connect NAME HOST:PORT` "
        "opens the connection NAME beside it (or replaces NAME's), reached with "
        "`NAME:Tag.Attr` or made current with `use NAME`; `connect NAME` alone opens NAME "
        "again where it went, or where the config file's [connections.NAME] says. Without "
        "an endpoint, the "
        "embedded simulated gateway (`connect --name lab` for it under a name). TLS is "
        "the default for a remote endpoint; plaintext only with --plaintext."
    ),
    args=[
        arg("first", metavar="NAME", required=False, help="host:port, or a name and then it"),
        arg("second", metavar="ENDPOINT", required=False, help="host:port of the gateway"),
        arg("--api-key-env", metavar="VAR", help="Environment variable holding the API key"),
        arg("--api-key", secret=True, metavar="KEY", help="The API key (prefer --api-key-env)"),
        flag("--plaintext", help="No TLS (only when you mean it)"),
        flag("--tls", help="Insist on TLS"),
        arg("--ca-file", metavar="FILE", help="CA certificate bundle for TLS"),
        arg("--server-name-override", metavar="NAME", help="TLS server name to expect"),
        arg("--session-id", metavar="ID", help="attach to this session instead of opening one"),
        arg("--name", metavar="NAME", help="the connection's name (as `connect NAME ...`)"),
    ],
)
async def connect(
    ctx: ShellContext,
    first: str | None = None,
    second: str | None = None,
    name: str | None = None,
    **options: Any,
) -> dict[str, Any]:
    if options.get("tls") and options.get("plaintext"):
        raise UsageError("--tls and --plaintext exclude each other", "connect [ENDPOINT] ...")
    endpoint = first
    if second is not None:  # connect NAME HOST:PORT
        if name is not None:
            raise UsageError("give the name once", "connect NAME HOST:PORT")
        name, endpoint = first, second
    control = ctx.connection()
    given = {k: v for k, v in options.items() if v not in (None, False)}
    if name is not None:
        given["name"] = name
    return await _report(control.connect(endpoint, **given), control.status)


@core.command(
    "use",
    help="Make the connection NAME current: unqualified tag references go to it.",
    args=[arg("name", help="a connection's name (connections lists them)", completer="connection")],
)
async def use(ctx: ShellContext, name: str) -> dict[str, Any]:
    control = ctx.connection()
    return await _report(control.use(name), control.status)


@core.command(
    "connections",
    help="List the open connections: name, endpoint, state, session, advised items, events/s "
    "(the current one marked).",
)
async def connections(ctx: ShellContext) -> Table:
    rows = ctx.connection().rows()
    columns = ["name", "current", "endpoint", "state", "session", "advised", "events/s"]
    return Table(
        columns,
        [
            [
                r["name"],
                r["current"],
                r["endpoint"],
                r["state"],
                r["session"],
                r["advised"],
                r["events_per_second"],
            ]
            for r in rows
        ],
    )


@core.command(
    "disconnect",
    help="Close a gateway session and its connection (the current one, or NAME).\n"
    "A session this shell attached to (attach, --session-id) is left open for the client "
    "that opened it; --close closes it on the gateway too.",
    args=[
        arg("name", required=False, help="the connection to close", completer="connection"),
        flag("--close", help="also close a session this shell attached to"),
    ],
)
async def disconnect(ctx: ShellContext, name: str | None = None, close: bool = False) -> Any:
    control = ctx.connection()
    try:
        session = control.session_of(name) if name is not None else ctx.session
    except ValueError as error:
        raise CommandFailed(str(error)) from None
    items = list(session.items) if session is not None else []
    aliases = sum(1 for item in items if item.alias)
    call = control.disconnect(close=close, name=name) if name else control.disconnect(close=close)
    report = await _report(call, control.status)
    label = f"{name}: " if name is not None else ""
    if items:  # said, not silent: the items and their aliases are gone with the session
        ctx.notify(f"{label}disconnect: dropped {len(items)} item(s) and {aliases} alias(es)")
    if name is not None and name != control.current:  # what closed, not what is current
        return {"connection": name, "state": "disconnected", "current": control.current}
    return report


@core.command(
    "attach",
    help="Use a gateway session another client opened (same gateway, same API key).\n"
    "As mxgw CLIs' --session-id: this shell streams its events and works in it. Leaving "
    "it (disconnect, connect elsewhere, exit) does not close it; disconnect --close does.",
    args=[arg("session_id", metavar="SESSION_ID", help="the session's id (status shows it)")],
)
async def attach(ctx: ShellContext, session_id: str) -> dict[str, Any]:
    control = ctx.connection()
    return await _report(control.attach(session_id), control.status)


@core.command(
    "reconnect",
    help="Drop the gateway session and open a new one, restoring items and advises.",
)
async def reconnect(ctx: ShellContext) -> dict[str, Any]:
    control = ctx.connection()
    return await _report(control.reconnect(), control.status)


@core.command(
    "status",
    help="Show the connection, session, capabilities, advised items and event counters.",
)
async def status(ctx: ShellContext) -> dict[str, Any]:
    return ctx.connection().status()


async def _report(call: Any, status_of: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The status after a connection change (or the dict the control returned)."""
    try:
        result = await call
    except ValueError as error:  # e.g. an endpoint that is not host:port
        raise CommandFailed(str(error)) from None
    return result if isinstance(result, dict) else status_of()


def complete_connection(ctx: ShellContext, text: str) -> list[str]:
    return ctx.connection().names
