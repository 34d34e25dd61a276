"""bench-read-bulk and bench-write-bulk: the latency and throughput of bulk calls."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from mxshell.api import (
    CommandSet,
    GatewayError,
    ShellContext,
    ShellSession,
    session_of,
)
from mxshell.api.bulk import count_failed
from mxshell.api.gateway import mx

if TYPE_CHECKING:  # stats is imported when a bench runs: start-up need not pay for it
    from mxshell_plugins.bench.stats import BulkBenchResult, CallLatencies
from mxshell_plugins.bench.tags import (
    CONCURRENCY,
    ITERATIONS,
    TAGS,
    WARMUP,
    check_counts,
    choose_tags,
    readable,
    stop_cancelling,
    writable,
)

bench = CommandSet("bench")


BulkCall = Callable[[], Awaitable[Sequence[Any]]]


def entry_error(entry: Any) -> str:
    return entry.error_message or f"HRESULT 0x{entry.hresult & 0xFFFFFFFF:08X}"


async def timed_call(call: BulkCall, measured: CallLatencies | None) -> None:
    """One bulk call; a call with any failed entry, or that raised, counts as failed."""
    started = time.perf_counter()
    try:
        entries = await call()
    except GatewayError as error:
        if measured is not None:
            elapsed = (time.perf_counter() - started) * 1000
            measured.failed_call(elapsed, str(error) or type(error).__name__, 0, 0)
        return
    elapsed = (time.perf_counter() - started) * 1000
    if measured is None:
        return
    failed = count_failed(entries)
    if failed:
        first = next(entry for entry in entries if not entry.was_successful)
        measured.failed_call(elapsed, entry_error(first), len(entries) - failed, failed)
    else:
        measured.succeeded(elapsed, len(entries))


async def run_bulk_bench(
    name: str, call: BulkCall, tags: int, iterations: int, concurrency: int, warmup: int
) -> BulkBenchResult:
    """Warm up, then `iterations` calls by `concurrency` workers; stops early on Ctrl-C."""
    from mxshell_plugins.bench.stats import BulkBenchResult, CallLatencies

    measured = CallLatencies()
    result = BulkBenchResult(name, tags, iterations, concurrency, warmup, measured, 0.0)
    started = time.perf_counter()
    turns = itertools.count()

    async def worker() -> None:
        while next(turns) < iterations:
            await timed_call(call, measured)

    workers: list[asyncio.Task[None]] = []
    try:
        for _ in range(warmup):
            await timed_call(call, None)
        started = time.perf_counter()
        workers = [asyncio.create_task(worker()) for _ in range(min(concurrency, iterations))]
        await asyncio.gather(*workers)
    except asyncio.CancelledError:
        stop_cancelling()
        result.interrupted = True
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    result.elapsed_s = time.perf_counter() - started
    return result


@bench.command(
    "bench-read-bulk",
    help="Measure ReadBulk: each call's latency, successes and failures apart, and tags/s.\n"
    "Every call reads all the tags in one ReadBulk; a call with any failed entry counts as "
    "failed. Shows p50/p90/p99/max and a histogram (one JSON object under --json). Ctrl-C "
    "stops it and shows what was measured so far.",
    args=[TAGS, ITERATIONS, CONCURRENCY, WARMUP],
    needs_session=True,
)
async def bench_read_bulk(
    ctx: ShellContext, tags: str, iterations: int, concurrency: int = 1, warmup: int = 0
) -> BulkBenchResult:
    check_counts(iterations, concurrency, warmup)
    session = session_of(ctx)
    references = await choose_tags(ctx, tags, readable, "readable")
    registration = await session.ensure_registration()
    handle = registration.gateway_handle

    def read() -> Awaitable[Sequence[mx.BulkReadResult]]:
        return session.call(lambda s: s.read_bulk(handle, references))

    return await run_bulk_bench("read-bulk", read, len(references), iterations, concurrency, warmup)


@bench.command(
    "bench-write-bulk",
    help="Measure WriteBulk: each call's latency, successes and failures apart, and tags/s.\n"
    "The tags are read once and every call writes each tag's current value back, so the "
    "plant is left as it was; a count picks writable (Operate/Tune/FreeAccess) tags. The "
    "items are added for the bench and removed after it. Ctrl-C stops it early.",
    args=[TAGS, ITERATIONS, CONCURRENCY, WARMUP],
    needs_session=True,
)
async def bench_write_bulk(
    ctx: ShellContext, tags: str, iterations: int, concurrency: int = 1, warmup: int = 0
) -> BulkBenchResult:
    check_counts(iterations, concurrency, warmup)
    session = session_of(ctx)
    references = await choose_tags(ctx, tags, writable, "writable")
    handle = (await session.ensure_registration()).gateway_handle
    current = await session.call(lambda s: s.read_bulk(handle, references))
    added = await session.call(lambda s: s.add_item_bulk(handle, references))
    entries = [
        mx.WriteBulkEntry(item_handle=item.item_handle, value=value.value)
        for item, value in zip(added, current, strict=True)
    ]

    def write() -> Awaitable[Sequence[mx.BulkWriteResult]]:
        return session.call(lambda s: s.write_bulk(handle, entries))

    try:
        return await run_bulk_bench(
            "write-bulk", write, len(references), iterations, concurrency, warmup
        )
    finally:
        await release_items(ctx, session, handle, [a.item_handle for a in added if a.item_handle])


async def release_items(
    ctx: ShellContext,
    session: ShellSession,
    handle: int,
    item_handles: list[int],
    advised: bool = False,
) -> None:
    """Remove the bench's own items again; a gateway that went away took them already."""
    if not item_handles or not session.connected:
        return
    try:
        if advised:
            await session.call(lambda s: s.unsubscribe_bulk(handle, item_handles))
        else:
            await session.call(lambda s: s.remove_item_bulk(handle, item_handles))
    except GatewayError as error:
        ctx.notify(f"could not remove the bench's {len(item_handles)} items: {error}")
