"""A recording follows connections opened after it started: their events are recorded,
each row naming its connection once more than one is recorded. Two gateways in processes
of their own, each with its own set point."""

from __future__ import annotations

import csv
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mxshell.testing import ShellRunner
from tests.conftest import eventually
from tests.connections.test_many_gateways import (  # noqa: F401 - the fixture
    SETPOINT,
    gateway_write,
    sims,
)
from tests.sim_processes import KEY, KEY_VARIABLE, SimProcess


@pytest.fixture
async def on_a(
    sims: list[SimProcess],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[ShellRunner]:
    """A shell with a alone connected; a's set point is 11 and b's 22."""
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    await gateway_write(sims[0], SETPOINT, 11.0)
    await gateway_write(sims[1], SETPOINT, 22.0)
    runner = ShellRunner()
    done = await runner.run(f"connect a {sims[0].endpoint} --plaintext --api-key-env SIM_KEY")
    assert done.ok, done.errors
    try:
        yield runner
    finally:
        await runner.runtime.close()


async def record_both(shell: ShellRunner, plant: list[SimProcess], target: Path) -> None:
    """record start on a alone, then connect b and advise the set point on both."""
    assert (await shell.run(f"record start {target}")).ok
    opened = await shell.run(f"connect b {plant[1].endpoint} --plaintext --api-key-env SIM_KEY")
    assert opened.ok, opened.errors
    for name in "ab":
        added = await shell.run(f"add-item {name}:{SETPOINT}; advise {name}:#1")
        assert added.ok, added.errors
    control = shell.runtime.connection
    b = control.session_of("b")
    listening = len(b._listeners)
    await eventually(
        lambda: all(
            (item := control.session_of(n).items.find(SETPOINT)) is not None and item.change_count
            for n in "ab"
        ),
        "both set points' first values",
    )
    stopped = await shell.run("record stop")
    assert stopped.ok, stopped.errors
    assert len(b._listeners) == listening - 1  # the recording let go of b's session


async def test_a_connection_opened_later_is_recorded_with_its_name(
    on_a: ShellRunner,
    sims: list[SimProcess],  # noqa: F811
    tmp_path: Path,
) -> None:
    target = tmp_path / "both.jsonl"
    await record_both(on_a, sims, target)
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    values = {
        (row.get("connection"), row["value"])
        for row in rows
        if row.get("tag") == SETPOINT and row["event"] == "on_data_change"
    }
    assert values == {("a", 11.0), ("b", 22.0)}, rows


async def test_a_csv_begun_on_one_connection_qualifies_a_later_ones_tags(
    on_a: ShellRunner,
    sims: list[SimProcess],  # noqa: F811
    tmp_path: Path,
) -> None:
    target = tmp_path / "both.csv"
    await record_both(on_a, sims, target)
    with target.open(newline="") as text:
        rows = list(csv.DictReader(text))
    assert "connection" not in rows[0]
    changes = {(r["tag"], float(r["value"])) for r in rows if r["event"] == "on_data_change"}
    assert changes == {(SETPOINT, 11.0), (f"b:{SETPOINT}", 22.0)}, rows


async def test_a_recording_goes_on_until_the_last_connection_closes(
    on_a: ShellRunner,
    sims: list[SimProcess],  # noqa: F811
    tmp_path: Path,
) -> None:
    assert (await on_a.run(f"record start {tmp_path / 'r.jsonl'}")).ok
    assert (await on_a.run(f"connect b {sims[1].endpoint} --plaintext --api-key-env SIM_KEY")).ok
    assert (await on_a.run("disconnect")).ok  # a, the current one: b is left, recorded
    assert (await on_a.run("record status")).result.as_data()["recording"] is True
    assert (await on_a.run("disconnect")).ok
    assert "record: stopped recording" in on_a.errors
