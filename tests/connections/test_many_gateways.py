"""Several gateways at once: named connections to simulated gateways in processes of their
own (the standalone mxshell-sim), each with its own model or values.

Checked against the gateways themselves (a raw client per port), not only against what
the shell prints."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from junitparser import JUnitXml

from mxshell.gateway import ChannelOptions, GatewayClient, from_mx_value
from mxshell.testing import ShellRunner
from tests.conftest import eventually, shell_env
from tests.sim_processes import KEY, KEY_VARIABLE, SimProcess

LAUNCH = "import sys; from mxshell.app.cli import main; sys.exit(main())"
SETPOINT = "Tank1.Level.Hi"


@pytest.fixture
def sims() -> Iterator[list[SimProcess]]:
    """Three gateways: two of the demo plant, one of a generated Galaxy."""
    running = [
        SimProcess(args=["--update-interval", "0.1"]).start(),
        SimProcess(args=["--update-interval", "0.1"]).start(),
        SimProcess(args=["--generate", "2000", "--update-interval", "0.1"]).start(),
    ]
    yield running
    for sim in running:
        sim.stop()


@pytest.fixture
async def shell(
    sims: list[SimProcess], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[ShellRunner]:
    """A shell with a (current) and b connected to the first two gateways."""
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    runner = ShellRunner()
    for name, sim in zip("ab", sims, strict=False):
        done = await runner.run(f"connect {name} {sim.endpoint} --plaintext --api-key-env SIM_KEY")
        assert done.ok, done.errors
    try:
        yield runner
    finally:
        await runner.runtime.close()


async def gateway_value(sim: SimProcess, tag: str) -> Any:
    """The tag's value read straight from the gateway, not through the shell."""
    options = ChannelOptions(sim.endpoint, api_key=KEY, plaintext=True)
    async with (
        await GatewayClient.connect(options) as client,
        await client.open_session() as session,
    ):
        handle = await session.register("check")
        (result,) = await session.read_bulk(handle, [tag])
        return from_mx_value(result.value)


async def gateway_write(sim: SimProcess, tag: str, value: float) -> None:
    """Another client changes a value on the gateway (and waits until it reads back)."""
    options = ChannelOptions(sim.endpoint, api_key=KEY, plaintext=True)
    async with (
        await GatewayClient.connect(options) as client,
        await client.open_session() as session,
    ):
        server = await session.register("test-writer")
        item = await session.add_item(server, tag)
        await session.write(server, item, value)
    for _ in range(100):
        if await gateway_value(sim, tag) == value:
            return
    raise AssertionError(f"{tag} did not become {value}")


async def test_qualified_reads_and_writes_reach_the_right_gateway(
    shell: ShellRunner, sims: list[SimProcess]
) -> None:
    assert (await shell.run(f"write a:{SETPOINT} 11; write b:{SETPOINT} 22")).ok
    for _ in range(100):  # a write is accepted first and done a moment later
        if await gateway_value(sims[1], SETPOINT) == 22.0:
            break
    assert await gateway_value(sims[0], SETPOINT) == 11.0
    assert await gateway_value(sims[1], SETPOINT) == 22.0

    both = await shell.run(f"read a:{SETPOINT} b:{SETPOINT}")
    table = both.result
    assert table.columns[0] == "connection"
    assert {row[0]: row[2] for row in table.rows} == {"a": 11.0, "b": 22.0}

    # Unqualified references go to the current connection; `use` changes which it is.
    assert (await shell.run(f"read {SETPOINT}")).result.rows[0][1] == 11.0
    assert (await shell.run(f"use b; read {SETPOINT}")).result.rows[0][1] == 22.0
    assert (await shell.run(f"read a:{SETPOINT}")).result.rows[0][1] == 11.0

    listed = (await shell.run("connections")).result
    assert [(r[0], r[1], r[3]) for r in listed.rows] == [
        ("a", False, "connected"),
        ("b", True, "connected"),
    ]
    assert "a:connected b*:connected" in shell.toolbar()


async def test_a_reference_to_no_open_connection_is_one_clear_line(shell: ShellRunner) -> None:
    # `c:` names no connection: the word is a tag reference as typed, which the gateway
    # refuses; `use c` says which connections there are.
    unknown = await shell.run("use c")
    assert not unknown.ok
    assert "no connection named 'c' (open: a, b)" in unknown.errors
    # `c:` names no open connection, so `c:Tank1.Level` is a tag reference as typed, and
    # the current gateway says it has no such tag (the row of a:'s read is still there).
    mixed = await shell.run("read a:Tank1.Level c:Tank1.Level")
    assert not mixed.ok
    assert "unknown tag reference 'c:Tank1.Level'" in mixed.errors


async def test_a_failure_of_a_qualified_command_names_its_connection(
    shell: ShellRunner,
) -> None:
    # One connection's command fails in its words, after that connection's name, as
    # each leg of a command over several connections does.
    one = await shell.run("expect b:Tank1.Level.Hi == -5 --timeout 0.2s")
    assert not one.ok
    assert one.errors.startswith("expect: b: Tank1.Level.Hi is ")
    current = await shell.run("expect a:Tank1.Level.Hi == -5 --timeout 0.2s")
    assert current.errors.startswith("expect: a: Tank1.Level.Hi is ")
    unqualified = await shell.run("expect Tank1.Level.Hi == -5 --timeout 0.2s")
    assert unqualified.errors.startswith("expect: Tank1.Level.Hi is ")


async def test_a_reference_to_a_connection_closed_since_says_so(shell: ShellRunner) -> None:
    assert (await shell.run("disconnect b")).ok
    closed = await shell.run("read b:Tank1.Level")
    assert closed.errors == (
        "read: connection 'b' is closed (open: a); connect b again to reach it"
    )
    watched = await shell.run("watch b:Tank1.Level --for 0.1")  # a command of its own routing
    assert "connection 'b' is closed" in watched.errors
    # c was never opened: its prefix is part of a tag reference, as before.
    assert "unknown tag reference 'c:Tank1.Level'" in (await shell.run("read c:Tank1.Level")).errors


async def test_killing_one_gateway_leaves_the_others_flowing_and_it_comes_back_restored(
    shell: ShellRunner, sims: list[SimProcess]
) -> None:
    added = await shell.run("add-item a:Tank1.Level; advise a:#1; add-item b:Tank1.Level")
    assert added.ok, added.errors
    assert (await shell.run("advise b:#1")).ok
    control = shell.runtime.connection
    a, b = control.session_of("a"), control.session_of("b")
    await eventually(lambda: a.counters.received > 0 and b.counters.received > 0, "events")

    sims[0].kill()
    await eventually(lambda: not a.connected, "a notices its gateway went")
    down = await shell.run("read a:Tank2.Level")  # the gateway's failure names a, not b
    assert down.errors.startswith("read: a: "), down.errors
    before = b.counters.received
    read = await shell.run("read b:Tank1.Level")  # b answers while a is down
    assert read.ok, read.errors
    await eventually(lambda: b.counters.received > before + 3, "b's events keep coming")
    toolbar = shell.toolbar()
    assert "a*:" in toolbar and "a*:connected" not in toolbar and "b:connected" in toolbar

    sims[0].start()  # the same port
    await eventually(lambda: a.connected, "a reconnects", timeout=20)
    item = a.items.find("Tank1.Level")
    assert item is not None and item.advise != "none" and item.lost is None
    after = a.counters.received
    await eventually(lambda: a.counters.received > after, "a's restored advise sends events")
    assert (await shell.run("read a:Tank1.Level")).ok


async def test_snapshot_save_change_diff_and_restore_on_one_of_two(
    shell: ShellRunner, sims: list[SimProcess], tmp_path: Path
) -> None:
    saved = tmp_path / "a.jsonl"
    tags = f"a:{SETPOINT} a:Tank1.Level.Lo a:Pump1.Speed.SP"
    assert (await shell.run(f"snapshot save {saved} {tags}")).ok
    header = json.loads(saved.read_text().splitlines()[0])
    assert sims[0].endpoint in json.dumps(header)

    await gateway_write(sims[0], SETPOINT, 93.5)  # someone changes a value on a
    await gateway_write(sims[1], SETPOINT, 12.0)  # and b is not in the snapshot
    diff = await shell.run(f"use a; snapshot diff {saved}")
    outcome = diff.outcomes[-1]
    assert outcome.exit_status == 1
    changes = outcome.result.data["differences"]
    assert [(d["tag"], d["change"], d["after"]) for d in changes] == [(SETPOINT, "changed", 93.5)]

    restored = await shell.run(f"snapshot restore {saved}")
    assert restored.ok, restored.errors
    assert await gateway_value(sims[0], SETPOINT) == 85.0
    assert await gateway_value(sims[1], SETPOINT) == 12.0  # b untouched
    assert (await shell.run(f"snapshot diff {saved}")).outcomes[-1].exit_status == 0


def test_a_fleet_run_of_a_failing_check_on_one_of_three_exits_1_and_says_which(
    sims: list[SimProcess], tmp_path: Path
) -> None:
    import asyncio

    asyncio.run(gateway_write(sims[1], SETPOINT, 40.0))
    check = tmp_path / "check.mxsh"
    check.write_text(f"expect {SETPOINT} == 85 --timeout 2s\necho checked\n", encoding="utf-8")
    report, record, document = (tmp_path / f"fleet.{kind}" for kind in ("xml", "md", "json"))
    named = [f"--connection=north={sims[0].endpoint}", f"--connection=south={sims[1].endpoint}"]
    # The third gateway has another Galaxy: the file's tag is not in it (a problem, exit 2,
    # found before anything runs there). Without it the worst is south's failed check.
    run = subprocess.run(
        [sys.executable, "-c", LAUNCH, "-f", str(check), *named, "--plaintext"]
        + ["--api-key-env", KEY_VARIABLE, "--report", f"junit:{report}"]
        + ["--report", f"markdown:{record}", "--report", f"json:{document}"],
        capture_output=True,
        text=True,
        timeout=120,
        env=shell_env(tmp_path, **{KEY_VARIABLE: KEY}),
        stdin=subprocess.DEVNULL,
    )
    assert run.returncode == 1, run.stderr
    assert "north | checked" in run.stdout and "south | checked" not in run.stdout
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("fleet:") and "south exit 1" in last and "north passed" in last

    suites = {suite.name: suite for suite in JUnitXml.fromfile(str(report))}
    assert set(suites) == {f"{check} on north", f"{check} on south"}
    assert suites[f"{check} on north"].failures == 0
    assert suites[f"{check} on south"].failures == 1
    markdown = record.read_text()
    assert markdown.count("# Commissioning record:") == 2
    assert "| Connection | north |" in markdown and "| Connection | south |" in markdown
    runs = json.loads(document.read_text())
    assert runs["status"] == 1
    assert {(r["connection"], r["status"]) for r in runs["runs"]} == {("north", 0), ("south", 1)}

    third = [*named, f"--connection=east={sims[2].endpoint}"]
    run = subprocess.run(
        [sys.executable, "-c", LAUNCH, "-f", str(check), *third, "--plaintext"]
        + ["--api-key-env", KEY_VARIABLE, "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=shell_env(tmp_path, **{KEY_VARIABLE: KEY}),
        stdin=subprocess.DEVNULL,
    )
    assert run.returncode == 2, run.stderr  # east: the file's tag is not in its Galaxy
    lines = [json.loads(line) for line in run.stdout.splitlines()]  # every line parses
    assert {line["connection"] for line in lines} == {"north", "south", "east"}
    assert "east exit 2" in run.stderr and "south exit 1" in run.stderr

    # One run at a time, east first: its Galaxy's problem is east's alone; north, checked
    # after it against its own Galaxy, runs the file and passes.
    one_by_one = [f"--connection=east={sims[2].endpoint}", named[0], "--parallel", "1"]
    run = subprocess.run(
        [sys.executable, "-c", LAUNCH, "-f", str(check), *one_by_one, "--plaintext"]
        + ["--api-key-env", KEY_VARIABLE],
        capture_output=True,
        text=True,
        timeout=120,
        env=shell_env(tmp_path, **{KEY_VARIABLE: KEY}),
        stdin=subprocess.DEVNULL,
    )
    assert run.returncode == 2, run.stderr
    assert "east exit 2" in run.stderr and "north passed" in run.stderr.splitlines()[-1]
    assert "north | checked" in run.stdout
    assert run.stderr.count("1 problem") == 1, run.stderr  # said by east only


def test_sigterm_ends_every_run_of_a_fleet_with_its_deferred_commands_and_143(
    sims: list[SimProcess], tmp_path: Path
) -> None:
    import signal
    import time

    check = tmp_path / "long.mxsh"
    check.write_text("defer echo put-back\necho started\nsleep 30\necho never\n")
    named = [f"--connection=north={sims[0].endpoint}", f"--connection=south={sims[1].endpoint}"]
    child = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "-f", str(check), *named, "--plaintext"]
        + ["--api-key-env", KEY_VARIABLE, "--no-validate"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=shell_env(tmp_path, **{KEY_VARIABLE: KEY}),
        stdin=subprocess.DEVNULL,
    )
    assert child.stdout is not None
    started: set[str] = set()
    deadline = time.monotonic() + 60
    while started != {"north", "south"} and time.monotonic() < deadline:
        line = child.stdout.readline()
        if line.endswith("| started\n"):
            started.add(line.split()[0])
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 143, err
    assert "north | put-back" in out and "south | put-back" in out and "never" not in out
    assert err.strip().splitlines()[-1].endswith("(north exit 143, south exit 143); exit 143")
