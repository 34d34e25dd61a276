"""One timestamp shape per `timestamps` setting (issue 22): a read's table, the line a
data change prints above the prompt, a recording's JSONL line and a script's message show
a time the same way. A snapshot file is data that `snapshot diff` and `restore` read back:
its times are RFC 3339 in UTC, whole, whatever the setting (as --json's are)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mxshell.contract import mx
from mxshell.gateway import to_mx_value
from mxshell.shell.build import event_text
from mxshell.testing import ShellRunner
from tests.conftest import eventually

ANY_TIME = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
SHAPES = {
    "utc": re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z"),
    "local": re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d"),
}


def times_in(text: str) -> list[str]:
    found = [m.group(0) for m in ANY_TIME.finditer(text)]
    assert found, f"no time in {text!r}"
    return found


def a_change() -> mx.OnDataChange:
    event = mx.OnDataChange(server_handle=1, item_handle=1, quality=192)
    event.value.CopyFrom(to_mx_value(48.5, None))
    event.timestamp.FromDatetime(datetime(2025, 1, 6, 8, 0, 1, 250000, tzinfo=UTC))
    return event


@pytest.mark.parametrize("zone", ["utc", "local"])
async def test_every_place_a_time_prints_has_the_settings_one_shape(
    own_shell: ShellRunner, tmp_path: Path, zone: str
) -> None:
    assert (await own_shell.run(f"set timestamps {zone}")).ok
    settings = own_shell.context.settings
    read = await own_shell.run("read Tank1.Capacity")
    assert read.ok, read.errors
    above_prompt = event_text(a_change(), settings)
    script = await own_shell.run("expect Tank1.Capacity == 1 --timeout 1")
    assert not script.ok
    recording = tmp_path / "events.jsonl"
    assert (await own_shell.run(f"record start {recording}")).ok
    assert (await own_shell.run("advise Tank1.Level")).ok
    level = own_shell.session.find("Tank1.Level")
    await eventually(lambda: level.change_count > 0, "a data change")
    assert (await own_shell.run("record stop")).ok
    recorded = json.loads(recording.read_text().splitlines()[0])["timestamp"]
    snapshot = tmp_path / "plant.jsonl"
    assert (await own_shell.run(f"snapshot save {snapshot} Tank1.Capacity")).ok
    head, first = (json.loads(line) for line in snapshot.read_text().splitlines()[:2])
    shown = {
        "table": times_in(read.text),
        "event line": times_in(above_prompt),
        "script message": times_in(script.errors),
        "recording": [recorded],
    }
    for place, times in shown.items():
        for time in times:
            assert SHAPES[zone].fullmatch(time), f"{place}: {time!r} is not the {zone} shape"
    rfc3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00")
    for time in (head["snapshot"]["taken"], first["timestamp"]):
        assert rfc3339.fullmatch(time), f"snapshot: {time!r} is not RFC 3339 UTC"
