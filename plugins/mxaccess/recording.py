"""`record`: every event of the session, or of every open connection, to a file.

A recording started with `record start` is this shell's RECORDING (a PluginState) and
listens to the sessions themselves, so it carries on through automatic reconnects (the
same session objects); it stops when the current session is closed (disconnect, connect
elsewhere, exit). Rows are written by a thread of the recording's own
(mxshell.output.recording.BackgroundRecorder).
"""

from __future__ import annotations

from collections.abc import Sequence
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

    def detach(self) -> None:
        for session, listener in self.followed:
            session.remove_listener(listener)

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


def row_of(entry: tuple[Any, Any, ShellSession, str | None]) -> dict[str, Any]:
    """A queued (event, item, session, connection) as a row; runs on the recording's
    writer thread. The connection's name leads the row when several are recorded.

    An item unknown when its event arrived is looked up again here: SubscribeBulk's first
    OnDataChange can arrive before its reply has put the item in the table."""
    event, item, session, connection = entry
    row = event_row(event, item if item is not None else item_of(session, event))
    return row if connection is None else {"connection": connection, **row}


@commands.command(
    "record",
    help="Record every event of the session to a file while you keep working.\n"
    "record start FILE (.jsonl or .csv, created readable by you only; an existing FILE "
    "only with --force, never through a symbolic link), record stop, "
    "record status. The recording carries on through reconnects, and stops when the "
    "session is closed (disconnect, connect elsewhere, exit). With several connections "
    "open, it records those open when it starts, each row naming its connection; closing "
    "one of them leaves the others recorded.",
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

    sessions = _recorded_sessions(ctx, session)
    columns = RECORD_COLUMNS if len(sessions) == 1 else ("connection", *RECORD_COLUMNS)
    recorder = await open_recorder(
        ctx, file, to_row=row_of, on_failure=failed, overwrite=overwrite, columns=columns
    )
    recording = Recording(recorder, [])
    for name, each in sessions:
        listener = _queue_to(recorder, each, name)
        each.add_listener(listener)
        recording.followed.append((each, listener))
    RECORDING.put(ctx, recording)
    status = recording.status()
    return Text(
        f"recording every event to {recorder.path} ({recorder.format}); record stop ends it",
        status,
    )


def _recorded_sessions(
    ctx: ShellContext, current: ShellSession
) -> list[tuple[str | None, ShellSession]]:
    """The sessions a recording follows: every open connection's when there are several
    (named), else the current one's."""
    control = ctx.services.connection
    if control is None or len(control.names) < 2:
        return [(None, current)]
    return [(name, control.session_of(name)) for name in control.names]


def _queue_to(
    recorder: BackgroundRecorder, session: ShellSession, name: str | None
) -> EventListener:
    def listener(batch: Sequence[Any]) -> None:
        recorder.add([(event, item_of(session, event), session, name) for event in batch])

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
    """stop_recording, once one of the sessions the recording follows is closed."""
    found = RECORDING.peek(context)
    if found is not None and any(session.closed for session, _ in found.followed):
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
