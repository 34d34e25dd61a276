"""Buffered advises: an attribute the model marks buffered delivers OnBufferedDataChange
batches of value/quality/timestamp samples (the current value as a batch of one on
advise, then the samples of several ticks at a time), and OperationComplete says the
buffered advise is in place; the shell's event views, recording, read and watch take
both."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from mxshell.contract import mx
from mxshell.gateway import from_mx_value
from mxshell.sim import EmbeddedGateway
from mxshell.sim.codes import Quality
from mxshell.testing import ShellRunner

BUFFERED = "FlowMeter1.RawFlow"  # a sine, buffered, in the demo plant


def kinds(events: list[mx.MxEvent]) -> list[str]:
    return [str(e.WhichOneof("event")) for e in events]


async def test_a_buffered_advise_sends_batches_of_samples_and_operation_complete(
    client, registered
) -> None:
    session, server = registered
    item = await client.advise(session, server, BUFFERED)
    events = await client.collect(
        client.stream(session), lambda ev: kinds(ev).count("on_buffered_data_change") >= 3
    )
    assert kinds(events)[:2] == ["on_buffered_data_change", "operation_complete"]
    assert "on_data_change" not in kinds(events)
    first, done = events[0].on_buffered_data_change, events[1].operation_complete
    assert (first.item_handle, len(first.samples)) == (item, 1)
    assert (done.item_handle, done.statuses[0].success) == (item, 1)
    batches = [
        e.on_buffered_data_change for e in events[2:] if e.HasField("on_buffered_data_change")
    ]
    assert all(len(b.samples) > 1 for b in batches)  # several ticks' samples at a time
    samples = [s for b in batches for s in b.samples]
    stamps = [s.timestamp.ToNanoseconds() for s in samples]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert all(s.quality == Quality.GOOD and 0 <= from_mx_value(s.value) <= 40 for s in samples)


async def test_the_shell_shows_records_and_reads_buffered_samples(
    sim: EmbeddedGateway, tmp_path: Path
) -> None:
    async with ShellRunner.connected(sim) as shell:
        target = tmp_path / "events.jsonl"
        assert (await shell.run(f"record start {target}")).ok
        assert (await shell.run(f"add-item {BUFFERED} --as flow; advise flow")).ok
        result = await shell.run("stream-events --max-events 4 --timeout 10")
        assert result.ok, result.errors
        lines = result.text.splitlines()
        assert " on_buffered_data_change FlowMeter1.RawFlow (flow) = " in lines[0]
        assert any(" operation_complete FlowMeter1.RawFlow (flow): ok" in line for line in lines)
        assert any(" sample(s): " in line and "; last Good (192)" in line for line in lines)
        read = await shell.run("read flow")
        assert read.ok and isinstance(read.result.records()[0]["value"], float)
        assert shell.session.find("flow").change_count > 1  # each sample counts
        assert (await shell.run("record stop")).ok
        rows = [json.loads(line) for line in target.read_text().splitlines()]
        buffered = [r for r in rows if r["event"] == "on_buffered_data_change"]
        assert buffered and all(r["samples"] and r["tag"] == BUFFERED for r in buffered)
        assert buffered[-1]["value"] == buffered[-1]["samples"][-1]["value"]
        assert any(r["event"] == "operation_complete" and r["ok"] for r in rows)
        table = tmp_path / "events.csv"
        assert (await shell.run(f"record start {table}")).ok
        await shell.run("stream-events --max-events 2 --timeout 10")
        assert (await shell.run("record stop")).ok
        with table.open(newline="") as stream:
            recorded = list(csv.DictReader(stream))
        assert recorded and recorded[0]["event"] == "on_buffered_data_change"
        samples = json.loads(recorded[0]["samples"])
        assert samples and float(recorded[0]["value"]) == samples[-1]["value"]
