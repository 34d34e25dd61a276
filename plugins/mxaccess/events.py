"""The MXAccess family's event commands: stream-events and smoke (record: recording.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mxshell_plugins.mxaccess.backlog import BACKLOG, EventBacklog

from mxshell.api import (
    CommandFailed,
    CommandSet,
    GatewayError,
    ShellContext,
    Text,
    UsageError,
    arg,
    format_value,
    session_of,
    until,
)
from mxshell.api.conversion import event_line, event_row, quality_text, refusals
from mxshell.api.items import item_of
from mxshell.api.output import BackgroundRecorder

commands = CommandSet("mxaccess")


async def open_recorder(ctx: ShellContext, path: str, **options: Any) -> BackgroundRecorder:
    try:
        return await BackgroundRecorder.open(
            Path(path).expanduser(),
            secrets=ctx.variables.secret_values,
            timestamps=ctx.settings.timestamps,
            **options,
        )
    except (ValueError, OSError) as error:
        raise CommandFailed(f"cannot record to {path}: {error}") from None


# stream-events ---------------------------------------------------------------------


@commands.command(
    "stream-events",
    help="Show the session's events as they arrive, until --max-events, --timeout or Ctrl-C.\n"
    "One line per event (a JSON object per line under --json), then a summary: how many "
    "events, why the stream ended, and any worker_sequence gaps (events the gateway "
    "dropped because this client fell behind). --record also writes them to a .jsonl or "
    ".csv file.",
    args=[
        arg("--max-events", type="int", help="stop after this many events"),
        arg("--timeout", type="duration", help="stop after this long (e.g. 10s)"),
        arg("--record", metavar="FILE", help="also write the events to FILE.jsonl or FILE.csv"),
        arg("--force", action="store_true", help="overwrite an existing --record FILE"),
        arg(
            "--new-only",
            action="store_true",
            help="only events that arrive from now on, not those received before",
        ),
    ],
    needs_session=True,
)
async def stream_events(
    ctx: ShellContext,
    max_events: int | None = None,
    timeout: float | None = None,
    record: str | None = None,
    force: bool = False,
    new_only: bool = False,
) -> Text:
    if max_events is not None and max_events < 1:
        raise UsageError("--max-events must be at least 1")
    session = session_of(ctx)
    recorder = await open_recorder(ctx, record, overwrite=force) if record else None
    arrived: asyncio.Queue[list[tuple[Any, Any]]] = asyncio.Queue()

    def on_events(batch: Sequence[Any]) -> None:
        arrived.put_nowait([(event, item_of(session, event)) for event in batch])

    backlog = BACKLOG.peek(ctx)
    earlier: list[Any] = []
    if isinstance(backlog, EventBacklog):
        kept, overflowed = backlog.take()
        if new_only:
            kept = []
        elif overflowed:
            ctx.notify(
                f"stream-events: {overflowed} earlier event(s) were not kept (the backlog "
                f"holds {backlog.events.maxlen}; set event_backlog to keep more)"
            )
        # Events of items no longer held (a read's or write's borrowed item, given back)
        # say nothing; one of an item never this shell's (an attached session's other
        # client) is kept.
        earlier = [e for e, known in kept if not known or item_of(session, e) is not None]
    first = earlier[0].worker_sequence - 1 if earlier else session.counters.last_worker_sequence
    gaps = SequenceGaps(first)
    seen, ended = 0, "max-events"
    leftover: list[tuple[Any, Any]] = []
    if earlier:
        on_events(earlier)
    session.add_listener(on_events)
    try:
        async with asyncio.timeout(timeout):
            while max_events is None or seen < max_events:
                batch = await arrived.get()
                for index, (event, item) in enumerate(batch):
                    row = event_row(event, item)
                    gaps.see(row["worker_sequence"])
                    ctx.emit(Text(event_line(row, ctx.settings), row))
                    if recorder is not None:
                        recorder.add([row])
                    seen += 1
                    if seen == max_events:
                        leftover = batch[index + 1 :]  # kept for the next stream-events
                        break
    except TimeoutError:
        ended = "timeout"
    except asyncio.CancelledError:
        ended = "interrupted"  # Ctrl-C is how an open-ended stream is meant to end
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
    finally:
        session.remove_listener(on_events)
        if isinstance(backlog, EventBacklog):
            unshown = [event for batch in [leftover, *_drain(arrived)] for event, _ in batch]
            backlog.give_back(unshown)
        if recorder is not None:
            await recorder.close()
    return stream_summary(seen, ended, gaps, recorder)


def _drain(queue: asyncio.Queue[list[tuple[Any, Any]]]) -> list[list[tuple[Any, Any]]]:
    batches = []
    while not queue.empty():
        batches.append(queue.get_nowait())
    return batches


@dataclass
class SequenceGaps:
    """Counts jumps in worker_sequence; a smaller number means a new gateway session."""

    last: int
    gaps: int = 0
    missed: int = 0

    def see(self, sequence: int) -> None:
        if sequence > self.last + 1:
            self.gaps += 1
            self.missed += sequence - self.last - 1
        self.last = sequence


def stream_summary(
    seen: int, ended: str, gaps: SequenceGaps, recorder: BackgroundRecorder | None
) -> Text:
    data: dict[str, Any] = {
        "events": seen,
        "ended": ended,
        "sequence_gaps": gaps.gaps,
        "events_missed": gaps.missed,
        "recorded_to": str(recorder.path) if recorder else None,
    }
    text = f"{seen} event(s), ended by {ended}; "
    if gaps.gaps:
        text += f"{gaps.gaps} worker_sequence gap(s): {gaps.missed} event(s) dropped by the gateway"
    else:
        text += "no worker_sequence gaps"
    if recorder is not None:
        text += f"; recorded {recorder.written} to {recorder.path}"
        if recorder.failure:
            text += f" (recording failed: {recorder.failure})"
            data["record_failure"] = recorder.failure
    return Text(text, data)


# smoke -----------------------------------------------------------------------------


@commands.command(
    "smoke",
    help="The smoke sequence: register, add, advise, wait for events, clean up.\n"
    "Runs under a registration of its own (mxshell-smoke), unregistered afterwards "
    "whatever happens. Succeeds (exit status 0) only when at least one event arrived.",
    args=[
        arg("--item", required=True, is_tag=True, help="tag reference to advise"),
        arg("--max-events", type="int", default=1, help="events to wait for (default 1)"),
        arg("--timeout", type="duration", default=10.0, help="how long to wait (default 10s)"),
    ],
    needs_session=True,
)
async def smoke(ctx: ShellContext, item: str, max_events: int = 1, timeout: float = 10.0) -> Text:
    if max_events < 1:
        raise UsageError("--max-events must be at least 1")
    session = session_of(ctx)
    tag = ctx.resolve_tag(item)
    previous = session.items.current
    with refusals():
        registration = await session.register("mxshell-smoke")
    try:
        with refusals(tag):
            tracked = await session.add_item(tag, server_handle=registration.handle)
            await session.advise(tracked)
        await until(session, lambda: tracked.change_count >= max_events, timeout)
        received = tracked.change_count
    finally:
        if session.connected:
            try:
                await session.unregister(registration.handle)
            except GatewayError as error:
                handle = registration.handle
                ctx.notify(f"smoke: could not unregister server handle {handle}: {error}")
        else:
            session.items.drop_registration(registration)
        if previous is not None and previous.handle in session.items.registrations:
            session.items.current = previous
    if received == 0:
        raise CommandFailed(f"no event for {tag} within {timeout:g}s")
    value = tracked.value
    shown = repr(value) if isinstance(value, str) else format_value(value, ctx.settings)
    return Text(
        f"smoke ok: {received} event(s) from {tag}; value {shown}, {quality_text(tracked.quality)}",
        {
            "ok": True,
            "item": tag,
            "events": received,
            "value": value,
            "quality": tracked.quality,
            "timestamp": tracked.timestamp,
        },
    )
