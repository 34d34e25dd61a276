"""stream-events, record and smoke against simulated gateways: what the session received,
checked event by event against what was shown and what was written to the files."""

from __future__ import annotations

import asyncio
import csv
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mxshell.contract import mx
from mxshell.gateway import from_mx_value
from mxshell.sim import EmbeddedGateway, SimConfig
from mxshell.testing import ShellRunner
from tests.conftest import eventually
from tests.plugins.conftest import held_by_gateway


class Received:
    """A listener on the session: every event it delivered, as the gateway sent it."""

    def __init__(self) -> None:
        self.events: list[mx.MxEvent] = []

    def __call__(self, batch: Sequence[mx.MxEvent]) -> None:
        self.events.extend(batch)

    def data_changes(self) -> int:
        return sum(1 for e in self.events if e.WhichOneof("event") == "on_data_change")


def as_sent(event: mx.MxEvent) -> dict[str, Any]:
    """The facts of an event straight from the message, independent of the shell's rows."""
    kind = event.WhichOneof("event")
    body = getattr(event, kind)
    facts: dict[str, Any] = {
        "worker_sequence": event.worker_sequence,
        "event": kind,
        "server_handle": body.server_handle,
        "item_handle": body.item_handle,
    }
    if kind == "on_data_change":
        facts["value"] = from_mx_value(body.value)
        facts["quality"] = body.quality
        facts["timestamp"] = body.timestamp.ToDatetime(tzinfo=UTC)
    return facts


# stream-events ------------------------------------------------------------------------


async def test_stream_events_stops_at_max_events_and_shows_each_event(
    mx_shell: ShellRunner,
) -> None:
    # Listening from before the advise, as stream-events shows the advise's first events.
    received = Received()
    mx_shell.session.add_listener(received)
    await mx_shell.run("add-item Tank1.Level --as level; advise level")
    result = await mx_shell.run("stream-events --max-events 5")
    mx_shell.session.remove_listener(received)
    assert result.ok, result.errors
    summary = result.result.as_data()
    assert summary["events"] == 5 and summary["ended"] == "max-events"
    assert summary["sequence_gaps"] == 0
    lines = result.text.splitlines()
    assert len(lines) == 6  # five events and the summary
    shown = [as_sent(e) for e in received.events[:5]]
    for line, event in zip(lines, shown, strict=False):
        assert line.startswith(
            f"[{event['worker_sequence']}] on_data_change Tank1.Level (level) = "
        )
        assert "Good (192)" in line
    assert lines[-1] == "5 event(s), ended by max-events; no worker_sequence gaps"


async def test_stream_events_in_json_is_one_object_per_event_then_the_summary(
    mx_shell: ShellRunner,
) -> None:
    # Listening from before the advise: stream-events shows the advise's first events too
    # (those that arrived before it began), so both see the same events from the start.
    received = Received()
    mx_shell.session.add_listener(received)
    await mx_shell.run("advise Pump1.Speed")
    mx_shell.context.settings.output = "json"
    result = await mx_shell.run("stream-events --max-events 3")
    mx_shell.session.remove_listener(received)
    rows = [json.loads(line) for line in result.text.splitlines()]
    assert len(rows) == 4
    events, summary = rows[:3], rows[3]
    for row, sent in zip(events, received.events, strict=False):
        facts = as_sent(sent)
        assert row["worker_sequence"] == facts["worker_sequence"]
        assert row["tag"] == "Pump1.Speed" and row["value"] == facts["value"]
        assert row["quality"] == 192 and row["quality_name"] == "Good"
        assert row["timestamp"] == facts["timestamp"].strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert summary == {
        "command": "stream-events",
        "ok": True,
        "result": {
            "ended": "max-events",
            "events": 3,
            "events_missed": 0,
            "recorded_to": None,
            "sequence_gaps": 0,
        },
    }


async def test_stream_events_ends_on_its_timeout_when_nothing_happens(
    mx_shell: ShellRunner,
) -> None:
    started = asyncio.get_running_loop().time()
    result = await mx_shell.run("stream-events --timeout 300ms")
    assert result.ok
    assert result.result.as_data()["ended"] == "timeout"
    assert result.text == "0 event(s), ended by timeout; no worker_sequence gaps"
    assert asyncio.get_running_loop().time() - started < 3


async def test_stream_events_rejects_a_bad_max_events(mx_shell: ShellRunner) -> None:
    result = await mx_shell.run("stream-events --max-events 0")
    assert result.outcomes[0].exit_status == 2
    assert result.errors == "stream-events: --max-events must be at least 1"


async def test_stream_events_reports_the_gateways_worker_sequence_gaps() -> None:
    config = SimConfig(update_interval_s=0.01, event_buffer_size=5)
    with EmbeddedGateway(config) as small:
        async with ShellRunner.connected(small) as shell:
            session = shell.session
            # Stop reading while many items change, so that the gateway's buffer overflows.
            await session._stop_stream()  # noqa: SLF001 - the only way to fall behind on cue
            registration = await session.ensure_registration()
            subscribed = await session.gateway.subscribe_bulk(
                registration.gateway_handle,
                ["Tank1.Level", "Tank2.Level", "Pump1.Speed", "Pump2.Speed", "Tank1.Temperature"],
            )
            assert all(r.was_successful for r in subscribed)
            stream = asyncio.create_task(shell.run("stream-events --max-events 8 --timeout 10"))
            await asyncio.sleep(0.5)
            session._stream_task = asyncio.create_task(  # noqa: SLF001
                session._pump_events(session.gateway)  # noqa: SLF001
            )
            result = await stream
            summary = result.result.as_data()
            assert summary["events"] == 8
            assert summary["sequence_gaps"] >= 1 and summary["events_missed"] > 0
            assert f"{summary['events_missed']} event(s) dropped by the gateway" in result.text


async def test_stream_events_records_what_it_shows(mx_shell: ShellRunner, tmp_path: Path) -> None:
    await mx_shell.run("advise Tank2.Level")
    mx_shell.context.settings.output = "json"
    target = tmp_path / "stream.jsonl"
    result = await mx_shell.run(f"stream-events --max-events 4 --record {target}")
    shown = [json.loads(line) for line in result.text.splitlines()[:4]]
    recorded = [json.loads(line) for line in target.read_text().splitlines()]
    assert len(recorded) == 4
    for row, line in zip(recorded, shown, strict=True):
        assert row["worker_sequence"] == line["worker_sequence"]
        assert row["value"] == line["value"] and row["tag"] == "Tank2.Level"
    assert json.loads(result.text.splitlines()[-1])["result"]["recorded_to"] == str(target)
    bad = await mx_shell.run(f"stream-events --max-events 1 --record {tmp_path}/x.txt")
    assert "cannot record to" in bad.text and "record to a .jsonl or .csv file" in bad.text


# record ---------------------------------------------------------------------------------


async def record_some_events(shell: ShellRunner, target: Path) -> list[dict[str, Any]]:
    """record start, advise two tags and write one, record stop: the events the session
    received meanwhile, as the gateway sent them."""
    started = await shell.run(f"record start {target}")
    assert started.ok, started.errors
    received = Received()
    shell.session.add_listener(received)
    # Items first: an event that comes before SubscribeBulk's answer (advise-item-bulk of
    # a tag) names no item yet, so the recording could not name its tag.
    await shell.run("add-item Pump1.Speed.SP --as sp; add-item Tank1.Level")
    await shell.run("advise-item-bulk Tank1.Level sp")
    await eventually(lambda: received.data_changes() >= 8, "eight data changes")
    assert (await shell.run("write sp 1234.5")).ok
    await eventually(
        lambda: any(e.WhichOneof("event") == "on_write_complete" for e in received.events),
        "OnWriteComplete",
    )
    assert (await shell.run("unadvise-item-bulk Tank1.Level sp")).ok
    status = await shell.run("record status")
    assert status.result.as_data()["recording"] is True
    stopped = await shell.run("record stop")
    shell.session.remove_listener(received)
    assert stopped.ok, stopped.errors
    assert stopped.result.as_data()["written"] == len(received.events)
    return [as_sent(e) for e in received.events]


async def test_record_to_jsonl_holds_every_event_the_session_received(
    own_shell: ShellRunner, tmp_path: Path
) -> None:
    target = tmp_path / "events.jsonl"
    sent = await record_some_events(own_shell, target)
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    assert len(rows) == len(sent)
    tags = {own_shell.session.find("Tank1.Level").gateway_handle: "Tank1.Level"}
    tags[own_shell.session.find("sp").gateway_handle] = "Pump1.Speed.SP"
    for row, facts in zip(rows, sent, strict=True):
        for key in ("worker_sequence", "event", "server_handle", "item_handle"):
            assert row[key] == facts[key]
        assert row["tag"] == tags[facts["item_handle"]]
        if facts["event"] == "on_data_change":
            assert row["value"] == facts["value"]
            assert row["quality"] == facts["quality"]
            assert datetime.fromisoformat(row["timestamp"]) == to_millis(facts["timestamp"])
        else:
            assert row["ok"] is True
    assert any(r["event"] == "on_write_complete" and r["item"] == "sp" for r in rows)
    assert (target.stat().st_mode & 0o777) == 0o600


def to_millis(moment: datetime) -> datetime:
    """A recording's times have the shape tables show: milliseconds."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


async def test_record_to_csv_holds_every_event_the_session_received(
    own_shell: ShellRunner, tmp_path: Path
) -> None:
    target = tmp_path / "events.csv"
    sent = await record_some_events(own_shell, target)
    with target.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(sent)
    for row, facts in zip(rows, sent, strict=True):
        assert int(row["worker_sequence"]) == facts["worker_sequence"]
        assert row["event"] == facts["event"]
        assert int(row["item_handle"]) == facts["item_handle"]
        if facts["event"] == "on_data_change":
            assert float(row["value"]) == facts["value"]
            assert int(row["quality"]) == facts["quality"]
            assert datetime.fromisoformat(row["timestamp"]) == to_millis(facts["timestamp"])


async def test_record_refuses_a_second_start_and_a_stop_without_start(
    mx_shell: ShellRunner, tmp_path: Path
) -> None:
    assert (await mx_shell.run("record status")).text == "not recording"
    never = await mx_shell.run("record stop")
    assert never.errors == "record: not recording; record start FILE begins a recording"
    assert (await mx_shell.run(f"record start {tmp_path}/a.jsonl")).ok
    again = await mx_shell.run(f"record start {tmp_path}/b.jsonl")
    assert again.errors == f"record: already recording to {tmp_path}/a.jsonl; record stop first"
    assert (await mx_shell.run("record stop")).ok
    no_file = await mx_shell.run("record start")
    assert no_file.outcomes[0].exit_status == 2


# smoke ----------------------------------------------------------------------------------


async def test_smoke_succeeds_when_an_event_arrives_and_cleans_up(
    gateway: EmbeddedGateway, mx_shell: ShellRunner
) -> None:
    await mx_shell.run("register mine")
    result = await mx_shell.run("smoke --item Tank1.Level")
    assert result.ok, result.errors
    assert result.outcomes[0].exit_status == 0
    data = result.result.as_data()
    assert data["events"] >= 1 and data["quality"] == 192 and data["item"] == "Tank1.Level"
    assert result.text.startswith("smoke ok: ")
    assert held_by_gateway(gateway, mx_shell.session.session_id) == []
    assert [r.client_name for r in mx_shell.session.items.registrations.values()] == ["mine"]
    assert mx_shell.session.items.current.client_name == "mine"


async def test_smoke_of_an_unknown_tag_fails_and_cleans_up(
    gateway: EmbeddedGateway, mx_shell: ShellRunner
) -> None:
    result = await mx_shell.run("smoke --item Tank9.Level --timeout 1s")
    assert not result.ok
    assert result.outcomes[0].exit_status == 1
    assert result.errors.startswith("smoke: MXAccess refused AddItem for Tank9.Level")
    assert held_by_gateway(gateway, mx_shell.session.session_id) == []
    assert mx_shell.session.items.registrations == {}


async def test_smoke_without_events_in_time_fails() -> None:
    # A point that answers only after 3 s: no event within 300 ms.
    with EmbeddedGateway(SimConfig(update_interval_s=0.05)) as gateway:
        async with ShellRunner.connected(gateway) as shell:
            result = await shell.run("smoke --item PLC1.RemoteIO.Value --timeout 300ms")
            assert result.outcomes[0].exit_status == 1
            assert result.errors == "smoke: no event for PLC1.RemoteIO.Value within 0.3s"
            assert held_by_gateway(gateway, shell.session.session_id) == []
