"""The bench family against simulated gateways: the JSON shape, successes and failures
kept apart, globs through the Galaxy service, and Ctrl-C returning what was measured."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from mxshell_plugins.bench.calls import run_bulk_bench
from mxshell_plugins.bench.stats import histogram, latency_summary

from mxshell.commands import GALAXY, OK, USAGE
from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner
from tests.conftest import eventually

from .conftest import TANKS_KEY, held_by_gateway

SUMMARY_KEYS = {"count", "p50", "p90", "p99", "max"}


class FixedGalaxy:
    """A GalaxyLookup that knows a few tags (the Galaxy plugin's index is not under test)."""

    def __init__(self, tags: list[str]) -> None:
        self.tags = tags
        self.patterns: list[str] = []

    async def glob(self, pattern: str) -> list[str]:
        self.patterns.append(pattern)
        return self.tags

    def resolve(self, reference: str) -> str:
        return reference


async def run_json(shell: ShellRunner, line: str) -> dict[str, Any]:
    shell.context.settings.output = "json"
    result = await shell.run(line)
    assert len(result.out) == 1, result.out + result.err
    data: dict[str, Any] = json.loads(result.out[0])
    assert data["ok"] is True, data
    return data["result"]  # type: ignore[no-any-return]


async def value_of(shell: ShellRunner, tag: str) -> Any:
    shell.context.settings.output = "json"
    result = await shell.run(f"read {tag}")
    return json.loads(result.out[0])["result"]["rows"][0]["value"]


async def test_bench_read_bulk_prints_one_json_object_with_the_figures(
    mx_shell: ShellRunner,
) -> None:
    data = await run_json(
        mx_shell, "bench-read-bulk --tags 25 --iterations 20 --concurrency 3 --warmup 2"
    )
    assert set(data) == {
        "bench", "tags", "iterations", "concurrency", "warmup", "interrupted", "elapsed_s",
        "calls", "tags_ok", "tags_failed", "tags_per_s", "latency_ms", "errors",
    }  # fmt: skip
    assert data["bench"] == "read-bulk"
    assert (data["tags"], data["iterations"], data["concurrency"], data["warmup"]) == (25, 20, 3, 2)
    assert data["calls"] == {"total": 20, "ok": 20, "failed": 0}
    assert (data["tags_ok"], data["tags_failed"]) == (500, 0)
    assert data["tags_per_s"] > 0 and data["interrupted"] is False
    ok, failed = data["latency_ms"]["ok"], data["latency_ms"]["failed"]
    assert set(ok) == set(failed) == SUMMARY_KEYS
    assert ok["count"] == 20 and 0 < ok["p50"] <= ok["p90"] <= ok["p99"] <= ok["max"]
    assert failed == {"count": 0, "p50": None, "p90": None, "p99": None, "max": None}
    assert data["errors"] == {}


async def test_bench_read_bulk_shows_percentiles_and_a_histogram_at_the_prompt(
    mx_shell: ShellRunner,
) -> None:
    result = await mx_shell.run("bench-read-bulk --tags 10 --iterations 30")
    assert result.ok, result.errors
    text = result.text
    assert "read-bulk: 10 tags, concurrency 1; done: 30 of 30 calls" in text
    assert "ok latency: 30 calls, p50 " in text and " p99 " in text
    assert text.count(" ms |") == 10  # the success histogram's ten buckets
    assert "failed latency: none" in text


async def test_calls_refused_by_a_tag_constraint_count_as_failures_only(
    restricted_gateway: EmbeddedGateway,
) -> None:
    # The key may touch Tank*.* only: the plant's first tags mix tanks and other objects.
    async with ShellRunner.connected(restricted_gateway, api_key=TANKS_KEY) as shell:
        data = await run_json(shell, "bench-read-bulk --tags 200 --iterations 5")
    assert data["calls"] == {"total": 5, "ok": 0, "failed": 5}
    assert data["latency_ms"]["ok"]["count"] == 0
    assert data["latency_ms"]["failed"]["count"] == 5
    assert data["tags_ok"] > 0 and data["tags_failed"] > 0
    assert data["tags_ok"] + data["tags_failed"] == 5 * 200
    assert list(data["errors"].values()) == [5]


async def test_a_failed_call_never_lands_in_the_success_latencies(mx_shell: ShellRunner) -> None:
    # Every other call reads a slow device point with a 300 ms limit, so it fails slowly.
    session = mx_shell.session
    handle = (await session.ensure_registration()).gateway_handle
    calls = iter(range(6))

    def alternate() -> Any:
        tags: list[Any] = ["Tank1.Level"]
        if next(calls) % 2:
            tags.append(("PLC1.RemoteIO.Value", 300))
        return session.call(lambda s: s.read_bulk(handle, tags))

    result = await run_bulk_bench("read-bulk", alternate, 1, 6, 1, 0)
    measured = result.latencies
    assert (len(measured.ok), len(measured.failed)) == (3, 3)
    assert all(latency >= 290 for latency in measured.failed)
    assert (measured.tags_ok, measured.tags_failed) == (6, 3)
    assert list(measured.errors.values()) == [3]


async def test_a_glob_goes_through_the_galaxy_service(mx_shell: ShellRunner) -> None:
    galaxy = FixedGalaxy(["Tank1.Level", "Tank2.Level", "Tank1.Capacity"])
    installed = mx_shell.context.services.pop(GALAXY, None)
    mx_shell.context.services[GALAXY] = galaxy
    try:
        data = await run_json(mx_shell, "bench-read-bulk --tags 'Tank*.L*' --iterations 3")
    finally:
        del mx_shell.context.services[GALAXY]
        if installed is not None:
            mx_shell.context.services[GALAXY] = installed
    assert galaxy.patterns == ["Tank*.L*"]
    assert (data["tags"], data["tags_ok"]) == (3, 9)


async def test_a_glob_without_the_galaxy_plugin_is_one_clear_line(mx_shell: ShellRunner) -> None:
    lookup = mx_shell.context.services.pop(GALAXY, None)  # as if the plugin were not installed
    try:
        result = await mx_shell.run("bench-read-bulk --tags 'Tank*' --iterations 3")
    finally:
        if lookup is not None:
            mx_shell.context.services[GALAXY] = lookup
    assert result.errors == (
        "bench-read-bulk: --tags Tank*: a glob needs the Galaxy plugin, which is not loaded; "
        "give a count instead (--tags 1000)"
    )


@pytest.mark.parametrize(
    "arguments",
    [
        "--tags 5 --iterations 0",
        "--tags 5 --iterations 3 --concurrency 0",
        "--tags 0 --iterations 1",
    ],
)
async def test_bench_counts_must_make_sense(mx_shell: ShellRunner, arguments: str) -> None:
    result = await mx_shell.run(f"bench-read-bulk {arguments}")
    assert result.outcomes[0].status == USAGE


async def test_ctrl_c_stops_a_read_bench_and_shows_what_it_measured(
    gateway: EmbeddedGateway, mx_shell: ShellRunner
) -> None:
    mx_shell.context.settings.output = "json"
    running = asyncio.create_task(mx_shell.run("bench-read-bulk --tags 5 --iterations 10000000"))
    session_id = mx_shell.session.session_id
    await eventually(lambda: gateway.gateway._mx.sessions[session_id].registrations, "register")  # noqa: SLF001
    await asyncio.sleep(0.5)
    running.cancel()  # what the REPL does on Ctrl-C
    result = await running
    assert result.outcomes[0].status == OK
    data = json.loads(result.out[0])["result"]
    assert data["interrupted"] is True
    assert 0 < data["calls"]["total"] < 10_000_000
    assert data["latency_ms"]["ok"]["count"] == data["calls"]["ok"] > 0


async def test_bench_write_bulk_writes_values_back_and_removes_its_items(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner
) -> None:
    before = await value_of(own_shell, "Tank1.Level.Hi")
    data = await run_json(own_shell, "bench-write-bulk --tags 12 --iterations 10 --concurrency 2")
    assert data["bench"] == "write-bulk"
    assert data["calls"] == {"total": 10, "ok": 10, "failed": 0}
    assert data["tags_ok"] == 120
    assert held_by_gateway(fresh_gateway, own_shell.session.session_id) == []
    assert await value_of(own_shell, "Tank1.Level.Hi") == before


async def test_ctrl_c_stops_a_write_bench_and_still_removes_its_items(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner
) -> None:
    running = asyncio.create_task(
        own_shell.run("bench-write-bulk --tags 8 --iterations 10000000 --concurrency 2")
    )
    session_id = own_shell.session.session_id
    await eventually(lambda: len(held_by_gateway(fresh_gateway, session_id)) == 8, "the items")
    await asyncio.sleep(0.5)
    running.cancel()
    result = await running
    assert result.ok, result.errors
    assert result.result.interrupted and result.result.latencies.calls > 0
    assert "interrupted after" in result.text
    assert held_by_gateway(fresh_gateway, session_id) == []


async def test_bench_stream_events_measures_the_changes_it_drives(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner
) -> None:
    before = await value_of(own_shell, "Tank1.Level.Hi")
    data = await run_json(own_shell, "bench-stream-events --items 10 --rate 200 --seconds 1")
    assert set(data) == {
        "bench", "items", "rate", "seconds", "interrupted", "elapsed_s", "writes", "events",
        "data_changes", "events_per_s", "data_changes_per_s", "latency_ms", "sequence_gaps",
        "events_missed", "errors",
    }  # fmt: skip
    assert (data["items"], data["rate"], data["seconds"]) == (10, 200.0, 1.0)
    assert data["writes"]["failed"] == 0 and data["writes"]["ok"] >= 100
    assert data["data_changes"] >= 100 and data["events"] >= data["data_changes"]
    latency = data["latency_ms"]
    assert latency["count"] == data["data_changes"] and 0 <= latency["p50"] <= latency["max"]
    assert (data["sequence_gaps"], data["events_missed"]) == (0, 0)
    assert held_by_gateway(fresh_gateway, own_shell.session.session_id) == []
    assert await value_of(own_shell, "Tank1.Level.Hi") == before


async def test_ctrl_c_stops_an_event_bench_with_its_figures(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner
) -> None:
    running = asyncio.create_task(
        own_shell.run("bench-stream-events --items 5 --rate 100 --seconds 600")
    )
    session_id = own_shell.session.session_id
    await eventually(lambda: len(held_by_gateway(fresh_gateway, session_id)) == 5, "the advises")
    await asyncio.sleep(0.5)
    running.cancel()
    result = await running
    assert result.ok, result.errors
    assert result.result.interrupted and result.result.elapsed_s < 60
    assert result.result.data_changes > 0


def test_latency_summary_uses_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert latency_summary(values) == {"count": 100, "p50": 50, "p90": 90, "p99": 99, "max": 100}
    assert latency_summary([]) == {"count": 0, "p50": None, "p90": None, "p99": None, "max": None}


def test_histogram_puts_every_value_in_a_bucket() -> None:
    lines = histogram([1.0, 1.0, 2.0, 10.0], buckets=3)
    assert [int(line.rsplit(" ", 1)[1]) for line in lines] == [3, 0, 1]
    assert histogram([5.0]) and histogram([]) == []
