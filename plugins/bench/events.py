"""bench-stream-events: the event stream's rate and latency under a write load."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mxshell.api import (
    CommandFailed,
    CommandSet,
    GatewayError,
    ShellContext,
    ShellSession,
    UsageError,
    arg,
    session_of,
)
from mxshell.api.gateway import mx, mx_value_kind, to_mx_value

if TYPE_CHECKING:  # stats is imported when a bench runs: start-up need not pay for it
    from mxshell_plugins.bench.stats import StreamBenchResult
from mxshell_plugins.bench.calls import entry_error, release_items
from mxshell_plugins.bench.tags import (
    WRITE_TICK_S,
    choose_tags,
    stop_cancelling,
    writable_number,
)

bench = CommandSet("bench")


@bench.command(
    "bench-stream-events",
    help="Measure event delivery: advise N items, write them R times a second for S seconds.\n"
    "Counts the events received and each data change's end-to-end latency (the gateway's "
    "timestamp to the shell's receipt; meaningful when both clocks agree, as with the "
    "simulated gateway), and worker_sequence gaps. A count picks writable numeric tags; "
    "their values are restored afterwards. Ctrl-C stops it early.",
    args=[
        arg("--items", required=True, metavar="N|GLOB", help="a count, or a glob of tags"),
        arg("--rate", type="float", required=True, help="writes (data changes) per second"),
        arg("--seconds", type="duration", required=True, help="how long to write, e.g. 10s"),
    ],
    needs_session=True,
)
async def bench_stream_events(
    ctx: ShellContext, items: str, rate: float, seconds: float
) -> StreamBenchResult:
    if not rate > 0:
        raise UsageError("--rate must be above 0")
    if not seconds > 0:
        raise UsageError("--seconds must be above 0")
    from mxshell_plugins.bench.stats import StreamBenchResult

    session = session_of(ctx)
    references = await choose_tags(ctx, items, writable_number, "writable numeric")
    handle = (await session.ensure_registration()).gateway_handle
    current = await session.call(lambda s: s.read_bulk(handle, references))
    subscribed = await session.call(lambda s: s.subscribe_bulk(handle, references))
    ours = {r.item_handle: i for i, r in enumerate(subscribed) if r.was_successful}
    kinds = [mx_value_kind(r.value) for r in current]
    result = StreamBenchResult(len(references), rate, seconds, 0.0, 0, 0, 0, 0, [], 0, 0)

    def on_events(batch: Sequence[mx.MxEvent]) -> None:
        received = time.time_ns()
        result.events += len(batch)
        for event in batch:
            change = event.on_data_change
            if change.server_handle != handle or change.item_handle not in ours:
                continue  # another kind of event, or another item's (oneof unset: zeros)
            result.data_changes += 1
            sent = change.timestamp.seconds * 1_000_000_000 + change.timestamp.nanos
            result.latencies.append((received - sent) / 1e6)

    gaps, missed = session.counters.gaps, session.counters.missed
    await asyncio.sleep(WRITE_TICK_S)  # the advise burst arrives before measuring starts
    session.add_listener(on_events)
    started = time.perf_counter()
    try:
        await drive_writes(session, handle, list(ours), kinds, rate, seconds, result)
    except asyncio.CancelledError:
        stop_cancelling()
        result.interrupted = True
    finally:
        result.elapsed_s = time.perf_counter() - started
        session.remove_listener(on_events)
        result.sequence_gaps = session.counters.gaps - gaps
        result.events_missed = session.counters.missed - missed
        await restore_values(ctx, session, handle, subscribed, current)
        await release_items(ctx, session, handle, list(ours), advised=True)
    return result


async def drive_writes(
    session: ShellSession,
    handle: int,
    item_handles: list[int],
    kinds: list[str],
    rate: float,
    seconds: float,
    result: StreamBenchResult,
) -> None:
    """WriteBulk as many changes as are due every tick, round robin over the items."""
    if not item_handles:
        raise CommandFailed("no item could be advised, so there is nothing to write")
    loop = asyncio.get_running_loop()
    started = loop.time()
    rounds = itertools.cycle(range(len(item_handles)))
    sent = 0
    while (now := loop.time()) - started < seconds:
        due = int(rate * (now - started)) - sent
        if due > 0:
            entries = []
            for _ in range(due):
                index = next(rounds)
                sent += 1
                value = to_mx_value(sent % 1000, kind_or_double(kinds[index]))
                entries.append(mx.WriteBulkEntry(item_handle=item_handles[index], value=value))
            await write_counted(session, handle, entries, result)
        await asyncio.sleep(WRITE_TICK_S)


def kind_or_double(kind: str) -> str:
    return kind if kind in ("int32", "int64", "float", "double") else "double"


async def write_counted(
    session: ShellSession,
    handle: int,
    entries: list[mx.WriteBulkEntry],
    result: StreamBenchResult,
) -> None:
    try:
        written = await session.call(lambda s: s.write_bulk(handle, entries))
    except GatewayError as error:
        result.writes_failed += len(entries)
        result.errors[str(error)] += 1
        return
    result.writes_ok += len(written) - written.failed
    result.writes_failed += written.failed
    if written.failed:
        for entry in written:
            if not entry.was_successful:
                result.errors[entry_error(entry)] += 1


async def restore_values(
    ctx: ShellContext,
    session: ShellSession,
    handle: int,
    subscribed: Sequence[mx.SubscribeResult],
    current: Sequence[mx.BulkReadResult],
) -> None:
    """Write back the values the items had before the bench."""
    entries = [
        mx.WriteBulkEntry(item_handle=item.item_handle, value=value.value)
        for item, value in zip(subscribed, current, strict=True)
        if item.was_successful and value.was_successful
    ]
    if not entries or not session.connected:
        return
    try:
        await session.call(lambda s: s.write_bulk(handle, entries))
    except GatewayError as error:
        ctx.notify(f"could not restore the bench items' values: {error}")
