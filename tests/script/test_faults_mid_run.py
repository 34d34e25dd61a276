"""A gateway that goes away in the middle of a command file: the command in flight fails
in one line, a write's outcome is said to be unknown (never resent), the file stops,
deferred commands run once the session is back (or are reported as not run), and the
reports record it. The standalone mxshell-sim, killed and started again on its port."""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner
from tests.script.conftest import launch, wait_for_line
from tests.sim_processes import KEY
from tests.sim_processes import SimProcess as Sim

MARK = 1111.0  # what the deferred write leaves on the gateway that came back

RUN = (
    f"""\
defer write Pump1.Speed.SP {MARK}
write Pump1.Speed.SP 1234
echo started
"""
    + "".join("read Tank1.Level\nsleep 0.1\n" for _ in range(30))
    + "echo done\n"
)


@pytest.fixture
def sim() -> Iterator[Sim]:
    running = Sim(args=["--update-interval", "0.1"]).start()
    yield running
    running.stop()


async def read_setpoint(port: int) -> float:
    from mxshell.gateway import ChannelOptions, GatewayClient

    options = ChannelOptions(f"127.0.0.1:{port}", api_key=KEY, plaintext=True)
    async with (
        await GatewayClient.connect(options) as client,
        await client.open_session() as session,
    ):
        handle = await session.register("check")
        (result,) = await session.read_bulk(handle, ["Pump1.Speed.SP"])
        from mxshell.gateway import from_mx_value

        return float(from_mx_value(result.value))


@pytest.mark.parametrize("seed", range(50))  # 50 runs, each killed at its own moment
def test_a_gateway_restart_mid_file_is_told_truthfully(tmp_path: Path, sim: Sim, seed: int) -> None:
    script = tmp_path / "long.mxsh"
    script.write_text(RUN)
    report = tmp_path / "run.json"
    child = launch(
        tmp_path,
        f"127.0.0.1:{sim.port}",
        KEY,
        *("--no-validate", "--timeout", "20", "--report", f"json:{report}", "-f", str(script)),
        key_variable="SIM_KEY",
    )
    try:
        wait_for_line(child, "started")
        time.sleep(random.Random(seed).uniform(0.05, 2.0))  # somewhere in the reads
        sim.kill()
        time.sleep(0.5)
        sim.start()
        out, err = child.communicate(timeout=60)
    finally:
        child.kill()
    lines = err.splitlines()
    assert "Traceback" not in err
    if child.returncode == 1:  # a command met the gateway gone: the file stopped there
        failures = [line for line in lines if re.match(rf"{re.escape(str(script))}:\d+: ", line)]
        assert len(failures) == 1, err
        assert "done" not in out
    else:  # the reconnect finished between two commands: nothing failed
        assert child.returncode == 0, err
        shown = out.splitlines()
        assert shown[-2] == "done" and shown[-1].startswith("Write accepted: Pump1.Speed.SP")
    # The deferred write ran once, on the gateway that came back.
    assert asyncio.run(read_setpoint(sim.port)) == MARK
    document = json.loads(report.read_text())
    assert document["status"] == child.returncode
    deferred = [c for c in document["commands"] if c["deferred"]]
    assert deferred == []  # it succeeded: a report lists only checks and failures
    if child.returncode == 1:
        assert [c["ok"] for c in document["commands"]] == [False]


def test_deferred_commands_are_reported_not_run_when_the_gateway_never_comes_back(
    tmp_path: Path, sim: Sim
) -> None:
    script = tmp_path / "gone.mxsh"
    script.write_text(f"defer write Pump1.Speed.SP {MARK}\necho started\nsleep 1\necho end\n")
    child = launch(
        tmp_path,
        f"127.0.0.1:{sim.port}",
        KEY,
        *("--no-validate", "--timeout", "1", "-f", str(script)),
        key_variable="SIM_KEY",
    )
    try:
        wait_for_line(child, "started")
        sim.kill()
        out, err = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == 1
    assert f"{script}:1: deferred write: not run: the gateway did not come back within 1s" in err
    assert "Traceback" not in err


async def test_a_write_the_gateway_dropped_is_an_unknown_outcome(
    fresh_gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(fresh_gateway) as shell:
        assert (await shell.run("add-item Pump1.Speed.SP --as sp")).ok
        fresh_gateway.gateway.faults.latency_ms = 1500  # the write is still in flight...
        writing = asyncio.create_task(shell.run("write sp 777 --type double"))
        await asyncio.sleep(0.5)
        fresh_gateway.restart()  # ...when the gateway goes away
        fresh_gateway.gateway.faults.latency_ms = 0
        result = await writing
    assert not result.ok
    *_, line = result.errors.splitlines()  # after the session's "connection lost" note
    assert line.startswith(("write: gateway unavailable", "write: session not found"))
    assert line.endswith(
        "whether the write to Pump1.Speed.SP took effect is unknown (it was not resent)"
    )
