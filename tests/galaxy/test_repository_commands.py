"""galaxy-test-connection, galaxy-last-deploy, galaxy-discover and galaxy-refresh, with
their failures: no metadata:read scope, an unreachable Galaxy database, an empty Galaxy,
and bounded memory on a large generated Galaxy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mxshell.sim import ApiKey, EmbeddedGateway, SimConfig
from mxshell.testing import ShellRunner
from tests.conftest import shell_env


async def test_galaxy_test_connection_and_last_deploy(shell: ShellRunner) -> None:
    tested = await shell.run("galaxy-test-connection")
    assert tested.ok and tested.text == "connected to Galaxy DemoPlant (simulated)"
    await shell.run("set timestamps utc")
    deployed = await shell.run("galaxy-last-deploy")
    assert deployed.text == "2025-01-06 08:00:00.000Z"  # the shape tables show times in
    await shell.run("set output json")
    data = json.loads((await shell.run("galaxy-last-deploy")).text)["result"]
    assert data == {"time_of_last_deploy": "2025-01-06T08:00:00.000000Z"}  # JSON: RFC 3339


async def test_galaxy_discover_streams_every_object_then_a_summary(shell: ShellRunner) -> None:
    result = await shell.run("galaxy-discover --page-size 7")
    assert result.ok
    assert len(result.out) == 34 + 1
    assert result.out[0].startswith("GR_Platform  $WinPlatform  platform  ")
    assert "Tank1.Inlet  $Valve  application object  10 attribute(s)" in result.out
    tank3 = next(line for line in result.out if line.startswith("Tank3  "))
    assert tank3.endswith(" attribute(s), 1 added on the instance")
    assert result.out[-1].startswith("discovered 34 object(s) with 427 attribute(s)")


async def test_galaxy_discover_in_json_is_one_object_per_line_with_attributes(
    shell: ShellRunner,
) -> None:
    await shell.run("set output json")
    result = await shell.run("galaxy-discover")
    rows = [json.loads(line) for line in result.out]
    tank = next(r for r in rows if r.get("tag_name") == "Tank1")
    assert tank["parent_tag_name"] == "Area_Production"
    level = next(a for a in tank["attributes"] if a["attribute_name"] == "Level")
    assert level == {
        "attribute_name": "Level",
        "full_tag_reference": "Tank1.Level",
        "data_type": "Double",
        "is_array": False,
        "security_classification": "ViewOnly",
        "is_historized": True,
        "is_alarmed": True,
        "is_dynamic": False,
    }
    tank3 = next(r for r in rows if r.get("tag_name") == "Tank3")
    dynamic = [a["attribute_name"] for a in tank3["attributes"] if a["is_dynamic"]]
    assert dynamic == ["Agitator.Speed"]
    assert rows[-1]["result"] == {"objects": 34, "attributes": 427}


async def test_a_bad_page_size_is_a_usage_error(shell: ShellRunner) -> None:
    result = await shell.run("galaxy-discover --page-size 0")
    assert result.outcomes[0].exit_status == 2
    assert result.errors.startswith("galaxy-discover: --page-size must be 1 to 5000")


async def test_an_unreachable_galaxy_database_fails_each_command_in_one_line(
    own_shell: ShellRunner, fresh_gateway: EmbeddedGateway
) -> None:
    fresh_gateway.gateway.faults.galaxy_unreachable = True
    for line in ["galaxy-test-connection", "galaxy-last-deploy", "galaxy-discover", "ls"]:
        result = await own_shell.run(line)
        assert not result.ok and result.outcomes[0].exit_status == 1, line
        assert "Galaxy Repository database unreachable" in result.errors
        assert "\n" not in result.errors and "Traceback" not in result.errors
    # MXAccess goes on, and the Galaxy comes back once the database does.
    assert (await own_shell.run("read Tank1.Level")).ok
    fresh_gateway.gateway.faults.galaxy_unreachable = False
    assert (await own_shell.run("cd Tank1; pwd")).ok


async def test_a_key_without_metadata_read_is_refused_without_leaking_it() -> None:
    secret = "reader-key-do-not-leak-1234"
    keys = [ApiKey(secret, frozenset({"session", "read"}), name="reader")]
    with EmbeddedGateway(SimConfig(api_keys=keys, update_interval_s=0.05)) as gateway:
        async with ShellRunner.connected(gateway, api_key=secret) as shell:
            for line in ["galaxy-test-connection", "galaxy-discover", "find 'Tank*'", "cd Tank1"]:
                result = await shell.run(line)
                assert not result.ok, line
                assert "PERMISSION_DENIED" in result.errors or "permission" in result.errors
                assert secret not in result.errors and "\n" not in result.errors
            watch = await shell.run("deploy-watch on")
            assert not watch.ok and secret not in watch.errors
            assert (await shell.run("read Tank1.Level")).ok


async def test_an_empty_galaxy_lists_nothing_and_finds_nothing(tmp_path: Path) -> None:
    model = tmp_path / "empty.json"
    model.write_text(json.dumps({"galaxy": "Empty", "templates": {}, "objects": []}))
    with EmbeddedGateway(SimConfig(galaxy_model=model, update_interval_s=0.05)) as gateway:
        async with ShellRunner.connected(gateway) as shell:
            listed = await shell.run("ls")
            assert listed.ok and listed.text == ""
            assert (await shell.run("tree")).text == "/"
            discovered = await shell.run("galaxy-discover")
            assert discovered.out == [discovered.out[-1]]
            assert discovered.out[-1].startswith("discovered 0 object(s)")
            assert (await shell.run("find 'Tank*'")).errors.startswith("find: nothing")
            assert (await shell.run("cd Tank1")).errors == "cd: no object 'Tank1' in the Galaxy"


async def test_galaxy_refresh_reads_the_galaxy_again(
    own_shell: ShellRunner, fresh_gateway: EmbeddedGateway
) -> None:
    assert (await own_shell.run("ls")).ok
    fresh_gateway.deploy(add=1)
    before = await own_shell.run("find '*_D001'")
    assert not before.ok  # the index is the one read before the deploy
    refreshed = await own_shell.run("galaxy-refresh")
    assert refreshed.text.startswith("Galaxy index: 35 object(s)")
    assert (await own_shell.run("find '*_D001'")).ok


def discover_peak_rss_kib(attributes: int, tmp_path: Path) -> int:
    """Peak RSS of `mxshell -c galaxy-discover` against a generated Galaxy, in a child."""
    key = "rss-test-key"
    env = shell_env(tmp_path, MXSHELL_TEST_KEY=key, GRPC_VERBOSITY="ERROR")
    sim = subprocess.Popen(
        [sys.executable, "-m", "mxshell.sim.cli", "--port", "0", "--api-key-env",
         "MXSHELL_TEST_KEY", "--generate", str(attributes)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert sim.stdout is not None
        line = next(line for line in sim.stdout if "listening" in line)
        endpoint = next(word for word in line.split() if word.count(":") == 1 and "." in word)
        measure = (
            "import resource, subprocess, sys\n"
            "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
            "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        )
        run = subprocess.run(
            [sys.executable, "-c", measure, sys.executable, "-m", "mxshell.app.cli",
             "--endpoint", endpoint, "--plaintext", "--api-key-env", "MXSHELL_TEST_KEY",
             "--no-history", "-c", "galaxy-discover --page-size 500"],
            env=env, capture_output=True, text=True, timeout=300, check=True,
        )  # fmt: skip
        status, kib = run.stdout.split()
        assert status == "0", run.stderr
        return int(kib)
    finally:
        sim.terminate()
        sim.wait(timeout=30)


def test_galaxy_discover_memory_stays_bounded_as_the_galaxy_grows_tenfold(
    tmp_path: Path,
) -> None:
    small = discover_peak_rss_kib(20_000, tmp_path)
    large = discover_peak_rss_kib(200_000, tmp_path)
    # Holding 200k attributes would add far more than this; a page at a time adds ~none.
    assert large / small < 1.15, (small, large)
