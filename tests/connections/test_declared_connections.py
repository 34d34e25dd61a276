"""Connections the config file declares ([connections.NAME]) but this shell has not
opened: `NAME:Tag` is refused in one line, and `connect NAME` opens the table's gateway.
Run through the console script with a real config file, against gateways in processes of
their own."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import shell_env
from tests.connections.test_many_gateways import LAUNCH, SETPOINT, gateway_write
from tests.sim_processes import KEY, KEY_VARIABLE, SimProcess


@pytest.fixture
def plant() -> Iterator[dict[str, SimProcess]]:
    """north and south, two gateways of the demo plant; north's set point is 77."""
    running = {name: SimProcess().start() for name in ("north", "south")}
    asyncio.run(gateway_write(running["north"], SETPOINT, 77.0))
    yield running
    for sim in running.values():
        sim.stop()


def mxshell(
    tmp_path: Path, plant: dict[str, SimProcess], line: str
) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    tables = "".join(
        f'[connections.{name}]\nendpoint = "{sim.endpoint}"\nplaintext = true\n'
        f'api_key_env = "{KEY_VARIABLE}"\n\n'
        for name, sim in plant.items()
    )
    (config / "config.toml").write_text(tables, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-c", LAUNCH, "--connection", "south", "--on-error", "continue"]
        + ["--format", "csv", "-c", line],
        capture_output=True,
        text=True,
        timeout=120,
        env=shell_env(tmp_path, **{KEY_VARIABLE: KEY}),
        stdin=subprocess.DEVNULL,
    )


def test_a_declared_connection_not_open_is_refused_and_connect_name_opens_it(
    tmp_path: Path, plant: dict[str, SimProcess]
) -> None:
    line = (
        f"read north:{SETPOINT}; watch north:{SETPOINT} --for 0.1; connect north; "
        f"read north:{SETPOINT}; disconnect north; read north:{SETPOINT}"
    )
    run = mxshell(tmp_path, plant, line)
    errors = run.stderr.splitlines()
    not_open = "connection 'north' is not open (open: south); connect north to reach it"
    assert f"read: {not_open}" in errors, run.stderr
    assert f"watch: {not_open}" in errors, run.stderr
    # `connect north` opened the table's gateway: the qualified read reached it.
    assert f"{SETPOINT},77.0" in run.stdout, run.stdout + run.stderr
    closed = "read: connection 'north' is closed (open: south); connect north again to reach it"
    assert closed in errors, run.stderr
    # Nothing went to the current gateway (south) as a tag spelled with a colon.
    assert "unknown tag reference" not in run.stderr
    assert "Traceback" not in run.stderr


def test_a_name_the_config_file_does_not_declare_is_still_part_of_the_reference(
    tmp_path: Path, plant: dict[str, SimProcess]
) -> None:
    run = mxshell(tmp_path, plant, "read east:Tank1.Level")
    assert "unknown tag reference 'east:Tank1.Level'" in run.stderr, run.stderr


async def test_connect_name_alone_opens_a_closed_connection_where_it_went() -> None:
    from mxshell.testing import ShellRunner, simulated_gateway

    with simulated_gateway() as gateway:
        async with ShellRunner.connected(gateway) as shell:
            assert (await shell.run("connect --name lab; write lab:Tank1.Level.Hi 93")).ok
            assert (await shell.run("disconnect lab")).ok
            again = await shell.run("connect lab")  # its own embedded gateway, as before
            assert again.ok, again.errors
            assert shell.runtime.connection.names == ["default", "lab"]
            assert (await shell.run("read lab:Tank1.Level.Hi")).ok
            unknown = await shell.run("connect nowhere")  # no such connection: an endpoint
            assert not unknown.ok and "Traceback" not in unknown.errors
