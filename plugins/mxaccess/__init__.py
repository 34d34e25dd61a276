"""The MXAccess family, one module per kind of command, each declaration right above its
handler; handlers call the session and return data (tables, texts with their JSON shape).

    items.py    register, unregister, add-item, remove-item, advise, advise-supervisory,
                unadvise, items
    writes.py   write, write2, write-secured, write-secured2, authenticate-user
    reads.py    read
    events.py   stream-events, smoke
    recording.py record
    backlog.py  the session's events kept for the next stream-events

What other families share with these (the ITEM argument, value conversion, refusals,
events as rows) is public in mxshell.api.items and mxshell.api.conversion.
"""

from __future__ import annotations

from mxshell_plugins.mxaccess import backlog, events, items, reads, recording, writes

from mxshell.api import RegisterCommands, RegisterCompleter, ShellContext, hookimpl
from mxshell.api.items import complete_item


@hookimpl
def register_commands(register: RegisterCommands) -> None:
    register(list(items.mxaccess))
    register(list(writes.mxaccess))
    register(list(reads.mxaccess))
    register(list(events.commands))
    register(list(recording.commands))


@hookimpl
def register_completers(register: RegisterCompleter) -> None:
    register("item", complete_item)


@hookimpl
def session_opened(context: ShellContext) -> None:
    backlog.attach_backlog(context)


@hookimpl
def session_closed(context: ShellContext) -> None:
    # Also called when `use NAME` makes another connection current: a recording goes on
    # while every session it follows is open.
    recording.stop_if_closed(context, "the gateway session closed")


@hookimpl
def shutdown(context: ShellContext) -> None:
    recording.stop_recording(context, None)


# The plugin API this family is written for (`plugins` shows it).
MXSHELL_API = (1, 1)
