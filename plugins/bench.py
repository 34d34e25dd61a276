"""The bench family: bench-read-bulk, bench-write-bulk and bench-stream-events.

Each measures the gateway through the shell's own session (what a user's commands pay),
keeps failed calls apart from successful ones, and returns a result that renders as a
report with histograms at the prompt and as one JSON object under --json. Ctrl-C stops
a bench and returns what was measured so far.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import aclosing
from typing import TYPE_CHECKING, Any

from mxshell.app.plugin_host import hookimpl
from mxshell.commands import GALAXY, CommandFailed, CommandSet, UsageError, arg
from mxshell.contract import galaxy as gr
from mxshell.contract import mx, types
from mxshell.gateway import GatewayError, mx_value_kind, to_mx_value
from mxshell.session import PersistentSession

if TYPE_CHECKING:  # bench_stats is imported when a bench runs: start-up need not pay for it
    from mxshell_plugins.bench_stats import BulkBenchResult, CallLatencies, StreamBenchResult

bench = CommandSet("bench")

WRITE_TICK_S = 0.02  # bench-stream-events writes its due changes this often
WRITABLE = frozenset(
    {
        types.SECURITY_CLASSIFICATION_FREE_ACCESS,
        types.SECURITY_CLASSIFICATION_OPERATE,
        types.SECURITY_CLASSIFICATION_TUNE,
    }
)
NUMERIC = frozenset(
    {
        types.MxDataType.MX_DATA_TYPE_INTEGER,
        types.MxDataType.MX_DATA_TYPE_FLOAT,
        types.MxDataType.MX_DATA_TYPE_DOUBLE,
    }
)

TAGS = arg(
    "--tags",
    required=True,
    metavar="N|GLOB",
    help="a count (that many tags picked from the plant's application objects) or a "
    "glob such as Tank*.Level (expanded by the Galaxy plugin)",
)
ITERATIONS = arg("--iterations", type="int", required=True, help="calls to measure")
CONCURRENCY = arg("--concurrency", type="int", default=1, help="calls in flight at once")
WARMUP = arg("--warmup", type="int", default=0, help="calls made first and not measured")


def session_of(ctx: Any) -> PersistentSession:
    session: PersistentSession = ctx.require_session()
    return session


def check_counts(iterations: int, concurrency: int, warmup: int) -> None:
    if iterations < 1:
        raise UsageError("--iterations must be at least 1")
    if concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    if warmup < 0:
        raise UsageError("--warmup cannot be negative")


def stop_cancelling() -> None:
    """Ctrl-C cancelled the bench's task; the bench answers it with what it measured."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        task.uncancel()


# choosing tags -------------------------------------------------------------------------


def readable(attribute: gr.GalaxyAttribute) -> bool:
    return not attribute.is_array and not attribute.attribute_name.startswith("_")


def writable(attribute: gr.GalaxyAttribute) -> bool:
    return readable(attribute) and attribute.security_classification in WRITABLE


def writable_number(attribute: gr.GalaxyAttribute) -> bool:
    return writable(attribute) and attribute.data_type in NUMERIC


async def choose_tags(
    ctx: Any, spec: str, wanted: Callable[[gr.GalaxyAttribute], bool], kind: str
) -> list[str]:
    """The tags `--tags` names: N of the plant's `kind` attributes, or a glob's matches."""
    if not (spec.isascii() and spec.isdigit()):  # '²' is a digit to str.isdigit
        return await glob_tags(ctx, spec)
    count = int(spec)
    if count < 1:
        raise UsageError("--tags must be at least 1 (or a glob)")
    found: list[str] = []
    try:
        galaxy = session_of(ctx).client.galaxy()
        async with aclosing(galaxy.iter_hierarchy(page_size=500)) as objects:
            async for obj in objects:
                # Application objects only: device integration objects may wait on a device.
                if obj.category != gr.GALAXY_OBJECT_CATEGORY_APPLICATION_OBJECT:
                    continue
                found += [a.full_tag_reference for a in obj.attributes if wanted(a)]
                if len(found) >= count:
                    return found[:count]
    except GatewayError as error:
        raise CommandFailed(f"cannot pick tags from the Galaxy Repository: {error}") from None
    raise CommandFailed(f"the Galaxy has only {len(found)} {kind} attributes; ask for fewer")


async def glob_tags(ctx: Any, pattern: str) -> list[str]:
    lookup = ctx.services.get(GALAXY)
    if lookup is None:
        raise CommandFailed(
            f"--tags {pattern}: a glob needs the Galaxy plugin, which is not loaded; "
            "give a count instead (--tags 1000)"
        )
    tags: list[str] = await lookup.glob(pattern)
    if not tags:
        raise CommandFailed(f"--tags {pattern} matches no tag")
    return tags


# measuring bulk calls ------------------------------------------------------------------

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
    failures = [e for e in entries if not e.was_successful]
    if failures:
        ok = len(entries) - len(failures)
        measured.failed_call(elapsed, entry_error(failures[0]), ok, len(failures))
    else:
        measured.succeeded(elapsed, len(entries))


async def run_bulk_bench(
    name: str, call: BulkCall, tags: int, iterations: int, concurrency: int, warmup: int
) -> BulkBenchResult:
    """Warm up, then `iterations` calls by `concurrency` workers; stops early on Ctrl-C."""
    from mxshell_plugins.bench_stats import BulkBenchResult, CallLatencies

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
    ctx: Any, tags: str, iterations: int, concurrency: int = 1, warmup: int = 0
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
    ctx: Any, tags: str, iterations: int, concurrency: int = 1, warmup: int = 0
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
    ctx: Any,
    session: PersistentSession,
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


# events --------------------------------------------------------------------------------


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
    ctx: Any, items: str, rate: float, seconds: float
) -> StreamBenchResult:
    if not rate > 0:
        raise UsageError("--rate must be above 0")
    if not seconds > 0:
        raise UsageError("--seconds must be above 0")
    from mxshell_plugins.bench_stats import StreamBenchResult

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
    session: PersistentSession,
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
    session: PersistentSession,
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
    for entry in written:
        if entry.was_successful:
            result.writes_ok += 1
        else:
            result.writes_failed += 1
            result.errors[entry_error(entry)] += 1


async def restore_values(
    ctx: Any,
    session: PersistentSession,
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


@hookimpl
def register_commands(register: Any) -> None:
    register(list(bench))
