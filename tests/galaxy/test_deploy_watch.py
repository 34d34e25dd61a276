"""galaxy-watch, deploy-watch and sim deploy: the whole loop against the simulated
gateway, with the current object undeployed, missed deploys, and reconnects."""

from __future__ import annotations

import asyncio
import re

import pytest
from mxshell_plugins.deploywatch import WATCHES

from mxshell.app.connection import Target
from mxshell.sim import EmbeddedGateway, SimConfig
from mxshell.sim.server import SimulatedGateway
from mxshell.testing import ShellRunner
from tests.conftest import eventually

DEPLOY_LINE = re.compile(r"^Galaxy deployed #(\d+) at \S+\.\d+Z: \d+ objects, \d+ attributes")


def deploy_lines(shell: ShellRunner) -> list[str]:
    return [line for line in shell.err if line.startswith("Galaxy deployed")]


async def test_galaxy_watch_streams_the_current_state_then_each_deploy(
    own_shell: ShellRunner, fresh_gateway: EmbeddedGateway
) -> None:
    watching = asyncio.create_task(own_shell.run("galaxy-watch --max-events 2"))
    await eventually(lambda: len(own_shell.out) >= 1, what="the current state")
    fresh_gateway.deploy(add=1)
    result = await asyncio.wait_for(watching, 10)
    assert result.ok
    assert result.out[0] == "#1 at 2025-01-06T08:00:00Z: 34 objects, 427 attributes"
    assert re.match(
        r"#2 at \d{4}-\d\d-\d\dT[\d:]+\.\d+Z: 35 objects, \d+ attributes", result.out[1]
    )
    assert result.out[2] == "2 deploy event(s) (max-events)"


async def test_galaxy_watch_since_the_current_deploy_skips_it(
    own_shell: ShellRunner, fresh_gateway: EmbeddedGateway
) -> None:
    await own_shell.run("set output json")
    watching = asyncio.create_task(
        own_shell.run("galaxy-watch --max-events 1 --since 2025-01-06T08:00:00Z")
    )
    await asyncio.sleep(0.3)
    assert not watching.done()
    fresh_gateway.deploy(remove=1)
    result = await asyncio.wait_for(watching, 10)
    assert '"sequence":2' in result.out[0] and '"object_count":33' in result.out[0]


async def test_galaxy_watch_refuses_a_bad_since_or_count(shell: ShellRunner) -> None:
    for line in ["galaxy-watch --since yesterday", "galaxy-watch --max-events 0"]:
        result = await shell.run(line)
        assert result.outcomes[0].exit_status == 2 and "\n" not in result.errors


async def test_deploy_watch_prints_a_line_per_deploy_and_refreshes_the_index(
    own_shell: ShellRunner,
) -> None:
    assert (await own_shell.run("ls")).ok  # the index is loaded
    on = await own_shell.run("deploy-watch on")
    assert on.text == "deploy-watch on: Galaxy last deployed 2025-01-06T08:00:00Z"
    assert deploy_lines(own_shell) == []  # the current state is no deploy
    deployed = await own_shell.run("sim deploy --add 2 --remove 1")
    assert deployed.ok and deployed.text.startswith("deployed (+2, -1 objects): #2 at ")
    await eventually(lambda: len(deploy_lines(own_shell)) == 1)
    assert DEPLOY_LINE.match(deploy_lines(own_shell)[0])
    status = (await own_shell.run("deploy-watch status")).result
    assert status["deploy_watch"] == "on" and status["last_sequence"] == 2
    await eventually(lambda: own_shell.context.services.galaxy.index.object_count == 35)
    assert (await own_shell.run("deploy-watch off")).text == "deploy-watch off"
    await own_shell.run("sim deploy --add 1")
    await asyncio.sleep(0.3)
    assert len(deploy_lines(own_shell)) == 1


async def test_a_deploy_that_removes_the_current_object_moves_up_and_marks_items(
    own_shell: ShellRunner, fresh_gateway: EmbeddedGateway
) -> None:
    # The newest leaf objects are undeployed first: LabelerDrive1, then Filler2.
    assert (await own_shell.run("cd LabelerDrive1; add-item .Running --as run")).ok
    assert (await own_shell.run("deploy-watch on")).ok
    assert (await own_shell.run("sim deploy --remove 1")).ok
    await eventually(lambda: any("no longer deployed" in line for line in own_shell.err))
    assert (
        "deploy-watch: LabelerDrive1 is no longer deployed; now at "
        "/GR_Platform/AppEngine1/Plant/Area_Packaging" in own_shell.err
    )
    await eventually(lambda: any("tags no longer in the Galaxy" in e for e in own_shell.err))
    assert "deploy-watch: tags no longer in the Galaxy: run" in own_shell.err
    assert (await own_shell.run("pwd")).text == "/GR_Platform/AppEngine1/Plant/Area_Packaging"
    items = await own_shell.run("items")
    assert "lost" in items.text


async def test_missed_deploys_are_reported_from_the_sequence_gap(
    own_shell: ShellRunner, fresh_gateway: EmbeddedGateway
) -> None:
    assert (await own_shell.run("deploy-watch on")).ok
    faults = fresh_gateway.gateway.faults
    faults.galaxy_unreachable = True  # resubscribing fails until the database is back
    fresh_gateway.run(faults.cut_streams())
    fresh_gateway.deploy(add=1)
    fresh_gateway.deploy(add=1)
    fresh_gateway.deploy(add=1)
    faults.galaxy_unreachable = False
    await eventually(lambda: len(deploy_lines(own_shell)) == 1, what="the resubscription")
    assert deploy_lines(own_shell)[0].startswith("Galaxy deployed #4 at ")
    assert deploy_lines(own_shell)[0].endswith("(missed 2 deploy(s) before it)")
    assert (await own_shell.run("deploy-watch status")).result["deploys_missed"] == 2


async def test_deploy_watch_survives_a_gateway_restart_without_repeating_the_state(
    own_shell: ShellRunner, fresh_gateway: EmbeddedGateway
) -> None:
    assert (await own_shell.run("deploy-watch on")).ok
    assert (await own_shell.run("sim deploy --add 1")).ok
    await eventually(lambda: len(deploy_lines(own_shell)) == 1)
    fresh_gateway.restart()
    await eventually(lambda: own_shell.session.connected, what="the reconnect")
    await eventually(
        lambda: WATCHES.of(own_shell.context).follower.status.resubscribes >= 1,
        what="the resubscription",
    )
    await asyncio.sleep(0.5)
    assert len(deploy_lines(own_shell)) == 1  # the last seen deploy time was passed
    fresh_gateway.deploy(add=1)
    await eventually(lambda: len(deploy_lines(own_shell)) == 2, what="the deploy after it")
    assert (await own_shell.run("deploy-watch status")).result["deploy_watch"] == "on"


async def test_deploy_watch_on_an_unreachable_galaxy_fails_in_one_line(
    own_shell: ShellRunner, fresh_gateway: EmbeddedGateway
) -> None:
    fresh_gateway.gateway.faults.galaxy_unreachable = True
    result = await own_shell.run("deploy-watch on")
    assert not result.ok
    assert result.errors.startswith("deploy-watch: cannot watch deploys: ")
    assert "Galaxy Repository database unreachable" in result.errors
    assert "\n" not in result.errors
    assert (await own_shell.run("deploy-watch")).result["deploy_watch"] == "off"


async def test_sim_deploy_needs_the_simulated_gateway(shell: ShellRunner) -> None:
    bad = await shell.run("sim deploy --add -1")
    assert bad.outcomes[0].exit_status == 2
    # A simulated gateway this process serves but not as an EmbeddedGateway: unreachable
    # for `sim`, as a real gateway would be.
    foreign = SimulatedGateway(SimConfig(update_interval_s=0.05))
    await foreign.start()
    try:
        runner = ShellRunner()
        target = Target(foreign.endpoint, plaintext=True, api_key=foreign.config.keys[0].key)
        assert await runner.runtime.start(target)
        try:
            result = await runner.run("sim deploy --add 1")
            assert not result.ok
            assert result.errors.startswith(f"sim: {foreign.endpoint} is not a simulated")
        finally:
            await runner.runtime.close()
    finally:
        await foreign.stop()


async def test_a_deploy_right_after_disconnect_and_connect_is_reported(
    own_shell: ShellRunner, fresh_gateway: EmbeddedGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The new connection's subscription starts in the background; a deploy made before
    # it is up must still be reported, not taken as the new starting state.
    monkeypatch.setenv("MXSHELL_TEST_KEY", fresh_gateway.api_key)
    again = f"connect {fresh_gateway.endpoint} --plaintext --api-key-env MXSHELL_TEST_KEY"
    result = await own_shell.run(f"deploy-watch on; disconnect; {again}; sim deploy --add 2")
    assert result.ok, result.errors
    await eventually(lambda: len(deploy_lines(own_shell)) == 1, what="the deploy line")
    status = (await own_shell.run("deploy-watch status")).result
    assert status["deploy_watch"] == "on" and status["deploys_seen"] == 1


async def test_deploy_watch_off_then_on_starts_afresh(own_shell: ShellRunner) -> None:
    assert (await own_shell.run("deploy-watch on; sim deploy --add 1")).ok
    await eventually(lambda: len(deploy_lines(own_shell)) == 1, what="the first deploy line")
    assert (await own_shell.run("deploy-watch off; sim deploy --add 1; deploy-watch on")).ok
    await asyncio.sleep(0.3)
    assert len(deploy_lines(own_shell)) == 1  # the deploy made while off is the new start


async def test_galaxy_watch_stops_at_its_timeout_and_says_why(own_shell: ShellRunner) -> None:
    result = await asyncio.wait_for(own_shell.run("galaxy-watch --timeout 300ms"), 10)
    assert result.ok, result.errors
    assert result.out[0].startswith("#1 at ")  # the current state, then nothing more
    assert result.out[-1] == "1 deploy event(s) (timeout)"
    bad = await own_shell.run("galaxy-watch --shutdown-timeout 0")
    assert not bad.ok and "must be positive" in bad.errors
