"""`record`: every event of the session, or of every open connection, to a file.

A recording started with `record start` is this shell's RECORDING (a PluginState) and
listens to the sessions themselves, so it carries on through automatic reconnects (the
same session objects). It follows every connection, those opened after it started too;
it stops when the last of them is closed (or at exit). Rows are written by a thread of
the recording's own (mxshell.output.recording.BackgroundRecorder).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mxshell_plugins.mxaccess.events import open_recorder

from mxshell.api import (
    CommandFailed,
    CommandSet,
    EventListener,
    PluginState,
    ShellContext,
    ShellSession,
    Text,
    UsageError,
    arg,
    format_value,
    session_of,
)
from mxshell.api.conversion import event_row
from mxshell.api.items import item_of
from mxshell.api.output import RECORD_COLUMNS, BackgroundRecorder

commands = CommandSet("mxaccess")


@dataclass(eq=False)
class Recording:
    """A background recording of every event of the open connections' sessions."""

    recorder: BackgroundRecorder
    followed: list[tuple[ShellSession, EventListener]]
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    stopped_because: str | None = None
    # The connection current when it started; whether rows name their connection (once
    # more than one has been recorded); what stops following the connections.
    first: str | None = None
    named: bool = False
    unfollow: Callable[[], None] | None = None

    def detach(self) -> None:
        for session, listener in self.followed:
            session.remove_listener(listener)
        if self.unfollow is not None:
            self.unfollow()
            self.unfollow = None

    def status(self) -> dict[str, Any]:
        return {
            "recording": self.recorder.failure is None and not self.recorder.closed,
            "file": str(self.recorder.path),
            "format": self.recorder.format,
            "events": self.recorder.queued,
            "written": self.recorder.written,
            "started": self.started,
            "failure": self.recorder.failure,
        }


# The recording `record start` made in this shell, if any.
RECORDING: PluginState[Recording] = PluginState()


def row_of(
    entry: tuple[Any, Any, ShellSession, str | None], qualify_except: str | None = None
) -> dict[str, Any]:
    """A queued (event, item, session, connection) as a row; runs on the recording's
    writer thread. The connection's name leads the row when several are recorded; in a
    CSV file begun without a connection column (`qualify_except`: the connection it began
    on), a later connection's tags are written qualified instead, `north:Tank1.Level`.

    An item unknown when its event arrived is looked up again here: SubscribeBulk's first
    OnDataChange can arrive before its reply has put the item in the table."""
    event, item, session, connection = entry
    row = event_row(event, item if item is not None else item_of(session, event))
    if connection is None:
        return row
    if qualify_except is None:
        return {"connection": connection, **row}
    if connection != qualify_except and row.get("tag"):
        row["tag"] = f"{connection}:{row['tag']}"
    return row


@commands.command(
    "record",
    help="Record every event of the session to a file while you keep working.\n"
    "record start FILE (.jsonl or .csv, created readable by you only; an existing FILE "
    "only with --force, never through a symbolic link), record stop, "
    "record status. The recording carries on through reconnects and follows every "
    "connection, those opened after it started too; it stops when the last one is closed "
    "(or at exit). Once more than one connection is recorded, each row names its "
    "connection (a connection column in CSV when several were open at the start; a CSV "
    "begun on one writes a later connection's tags as NAME:Tag.Attr).",
    args=[
        arg("action", choices=["start", "stop", "status"], help="start, stop or status"),
        arg("file", required=False, metavar="FILE", help="FILE.jsonl or FILE.csv (start)"),
        arg("--force", action="store_true", help="overwrite an existing FILE (start)"),
    ],
)
async def record(
    ctx: ShellContext, action: str, file: str | None = None, force: bool = False
) -> Text:
    if action == "start":
        if file is None:
            raise UsageError("record start needs a FILE (.jsonl or .csv)")
        return await start_recording(ctx, file, overwrite=force)
    if file is not None:
        raise UsageError(f"record {action} takes no FILE")
    current = RECORDING.peek(ctx)
    if action == "status":
        if current is None:
            return Text("not recording", {"recording": False})
        status = current.status()
        return Text(describe_recording(current, status), status)
    if current is None:
        raise CommandFailed("not recording; record start FILE begins a recording")
    await finish(ctx, current)
    status = current.status()
    text = f"recorded {status['written']} event(s) to {status['file']}"
    if status["failure"]:
        text += f" (recording failed: {status['failure']})"
    return Text(text, status)


async def start_recording(ctx: ShellContext, file: str, *, overwrite: bool = False) -> Text:
    session = session_of(ctx)
    current = RECORDING.peek(ctx)
    if current is not None:
        path = current.recorder.path
        raise CommandFailed(f"already recording to {path}; record stop first")

    def failed(reason: str) -> None:
        recording.detach()
        ctx.notify(f"record: recording to {recording.recorder.path} stopped: {reason}")

    control = ctx.services.connection
    several = control is not None and len(control.names) > 1
    columns = ("connection", *RECORD_COLUMNS) if several else RECORD_COLUMNS
    first = control.current if control is not None else None
    qualify_except = first if not several and file.lower().endswith(".csv") else None
    recorder = await open_recorder(
        ctx,
        file,
        to_row=lambda entry: row_of(entry, qualify_except),
        on_failure=failed,
        overwrite=overwrite,
        columns=columns,
    )
    recording = Recording(recorder, [], first=first, named=several)
    if control is None:  # a shell of one session: it alone
        listener = _queue_to(recording, session, None)
        session.add_listener(listener)
        recording.followed.append((session, listener))
    else:
        recording.unfollow = control.follow_every_connection(
            lambda name, each: _queue_to(recording, each, name)
        )
    RECORDING.put(ctx, recording)
    status = recording.status()
    return Text(
        f"recording every event to {recorder.path} ({recorder.format}); record stop ends it",
        status,
    )


def _queue_to(recording: Recording, session: ShellSession, name: str | None) -> EventListener:
    """The listener queueing one connection's events; a connection other than the one
    the recording began on makes every row name its connection from then on."""
    if name is not None and name != recording.first:
        recording.named = True
    recorder = recording.recorder

    def listener(batch: Sequence[Any]) -> None:
        label = name if recording.named else None
        recorder.add([(event, item_of(session, event), session, label) for event in batch])

    return listener


def describe_recording(recording: Recording, status: dict[str, Any]) -> str:
    since = format_value(recording.started)
    if status["failure"]:
        return f"recording to {status['file']} failed: {status['failure']}"
    return (
        f"recording to {status['file']} since {since}: {status['events']} event(s), "
        f"{status['written']} written"
    )


async def finish(ctx: ShellContext, recording: Recording) -> None:
    recording.detach()
    if RECORDING.peek(ctx) is recording:
        RECORDING.clear(ctx)
    await recording.recorder.close()


def stop_if_closed(context: ShellContext, reason: str) -> None:
    """stop_recording, once no session the recording follows is left open: the last
    connection closed (or, in a shell of one session, that session)."""
    found = RECORDING.peek(context)
    if found is None:
        return
    control = context.services.connection
    if found.unfollow is not None and control is not None:
        if not control.names:
            stop_recording(context, reason)
    elif any(session.closed for session, _ in found.followed):
        stop_recording(context, reason)


def stop_recording(context: ShellContext, reason: str | None) -> None:
    """From a synchronous hook: stop the context's recording, if any, writing its backlog."""
    recording = RECORDING.clear(context)
    if recording is None:
        return
    recording.detach()
    recording.recorder.close_now()
    if reason is not None:
        context.notify(
            f"record: stopped recording to {recording.recorder.path} "
            f"({recording.recorder.written} event(s)): {reason}"
        )
