"""What the bench commands measure, as results: latency summaries, text histograms, and
the result objects that render as a report at the prompt and as one JSON object."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

HISTOGRAM_BUCKETS = 10
HISTOGRAM_WIDTH = 40
KEPT_ERRORS = 5  # distinct failure messages kept in a result


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of values already sorted."""
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def latency_summary(values: Sequence[float]) -> dict[str, Any]:
    """count, p50, p90, p99 and max in ms (None when nothing was measured)."""
    ordered = sorted(values)
    if not ordered:
        return {"count": 0, "p50": None, "p90": None, "p99": None, "max": None}
    return {
        "count": len(ordered),
        "p50": round(percentile(ordered, 0.5), 3),
        "p90": round(percentile(ordered, 0.9), 3),
        "p99": round(percentile(ordered, 0.99), 3),
        "max": round(ordered[-1], 3),
    }


def summary_line(label: str, summary: dict[str, Any]) -> str:
    if not summary["count"]:
        return f"{label}: none"
    return (
        f"{label}: {summary['count']} calls, p50 {summary['p50']:.2f} ms, "
        f"p90 {summary['p90']:.2f} ms, p99 {summary['p99']:.2f} ms, max {summary['max']:.2f} ms"
    )


def histogram(values: Sequence[float], buckets: int = HISTOGRAM_BUCKETS) -> list[str]:
    """Latencies as text bars, one line per equal-width bucket between min and max."""
    if not values:
        return []
    low, high = min(values), max(values)
    width = (high - low) / buckets or 1.0
    counts = [0] * buckets
    for value in values:
        counts[min(buckets - 1, int((value - low) / width))] += 1
    tallest = max(counts)
    lines = []
    for index, count in enumerate(counts):
        start = low + index * width
        bar = "#" * math.ceil(HISTOGRAM_WIDTH * count / tallest) if count else ""
        lines.append(f"  {start:9.2f} - {start + width:9.2f} ms |{bar:<{HISTOGRAM_WIDTH}}| {count}")
    return lines


@dataclass
class CallLatencies:
    """Each call's latency in ms; a failed call goes to `failed` and never to `ok`."""

    ok: list[float] = field(default_factory=list)
    failed: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    tags_ok: int = 0
    tags_failed: int = 0

    @property
    def calls(self) -> int:
        return len(self.ok) + len(self.failed)

    def succeeded(self, milliseconds: float, tags: int) -> None:
        self.ok.append(milliseconds)
        self.tags_ok += tags

    def failed_call(self, milliseconds: float, error: str, tags_ok: int, tags_failed: int) -> None:
        self.failed.append(milliseconds)
        self.errors[error] += 1
        self.tags_ok += tags_ok
        self.tags_failed += tags_failed


@dataclass
class BulkBenchResult:
    """What bench-read-bulk or bench-write-bulk measured (so far, when interrupted)."""

    bench: str
    tags: int
    iterations: int
    concurrency: int
    warmup: int
    latencies: CallLatencies
    elapsed_s: float
    interrupted: bool = False

    @property
    def tags_per_s(self) -> float:
        return self.latencies.tags_ok / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def as_data(self) -> dict[str, Any]:
        measured = self.latencies
        return {
            "bench": self.bench,
            "tags": self.tags,
            "iterations": self.iterations,
            "concurrency": self.concurrency,
            "warmup": self.warmup,
            "interrupted": self.interrupted,
            "elapsed_s": round(self.elapsed_s, 4),
            "calls": {
                "total": measured.calls,
                "ok": len(measured.ok),
                "failed": len(measured.failed),
            },
            "tags_ok": measured.tags_ok,
            "tags_failed": measured.tags_failed,
            "tags_per_s": round(self.tags_per_s, 1),
            "latency_ms": {
                "ok": latency_summary(measured.ok),
                "failed": latency_summary(measured.failed),
            },
            "errors": dict(measured.errors.most_common(KEPT_ERRORS)),
        }

    def as_text(self, format_value: Callable[[Any], str]) -> str:
        data = self.as_data()
        calls = data["calls"]
        state = "interrupted after" if self.interrupted else "done:"
        lines = [
            f"{self.bench}: {self.tags} tags, concurrency {self.concurrency}; {state} "
            f"{calls['total']} of {self.iterations} calls in {self.elapsed_s:.2f} s "
            f"({calls['ok']} ok, {calls['failed']} failed)",
            f"throughput: {self.tags_per_s:,.0f} tags/s ({data['tags_ok']} tags ok, "
            f"{data['tags_failed']} failed)",
            summary_line("ok latency", data["latency_ms"]["ok"]),
            *histogram(self.latencies.ok),
            summary_line("failed latency", data["latency_ms"]["failed"]),
            *histogram(self.latencies.failed),
        ]
        lines += [f"  {count} x {error}" for error, count in data["errors"].items()]
        return "\n".join(lines)


@dataclass
class StreamBenchResult:
    """What bench-stream-events measured: writes driven, events received, their latency."""

    items: int
    rate: float
    seconds: float
    elapsed_s: float
    writes_ok: int
    writes_failed: int
    events: int
    data_changes: int
    latencies: list[float]
    sequence_gaps: int
    events_missed: int
    interrupted: bool = False
    errors: Counter[str] = field(default_factory=Counter)

    def as_data(self) -> dict[str, Any]:
        per_second = self.elapsed_s if self.elapsed_s > 0 else math.inf
        return {
            "bench": "stream-events",
            "items": self.items,
            "rate": self.rate,
            "seconds": self.seconds,
            "interrupted": self.interrupted,
            "elapsed_s": round(self.elapsed_s, 4),
            "writes": {"ok": self.writes_ok, "failed": self.writes_failed},
            "events": self.events,
            "data_changes": self.data_changes,
            "events_per_s": round(self.events / per_second, 1),
            "data_changes_per_s": round(self.data_changes / per_second, 1),
            "latency_ms": latency_summary(self.latencies),
            "sequence_gaps": self.sequence_gaps,
            "events_missed": self.events_missed,
            "errors": dict(self.errors.most_common(KEPT_ERRORS)),
        }

    def as_text(self, format_value: Callable[[Any], str]) -> str:
        data = self.as_data()
        state = "interrupted after" if self.interrupted else "ran"
        latency = data["latency_ms"]
        lines = [
            f"stream-events: {self.items} items at {self.rate:g} writes/s; {state} "
            f"{self.elapsed_s:.2f} s",
            f"writes: {self.writes_ok} ok, {self.writes_failed} failed",
            f"received: {self.events} events ({data['events_per_s']:,.0f}/s), "
            f"{self.data_changes} data changes of the bench's items "
            f"({data['data_changes_per_s']:,.0f}/s)",
            "end-to-end latency (gateway timestamp to receipt): "
            + (
                f"p50 {latency['p50']:.2f} ms, p90 {latency['p90']:.2f} ms, "
                f"p99 {latency['p99']:.2f} ms, max {latency['max']:.2f} ms"
                if latency["count"]
                else "none"
            ),
            *histogram(self.latencies),
            f"worker_sequence gaps: {self.sequence_gaps} ({self.events_missed} events missed)",
        ]
        lines += [f"  {count} x {error}" for error, count in data["errors"].items()]
        return "\n".join(lines)
