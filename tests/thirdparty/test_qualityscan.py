"""The plugin API 1.1 through a third-party plugin that imports mxshell.api only, loaded
through its entry point: the server handle for one ReadBulk, write completion,
reconnects, plugin settings (show, set, the config file), result types, toolbar fields
with the context, and how `plugins` lists it."""

from __future__ import annotations

import ast
import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mxshell.api import API_VERSION, BulkReport, WriteOutcomeUnknown
from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner
from tests.conftest import eventually, shell_env
from tests.e2e.conftest import LAUNCH

from .conftest import HERE

SCAN = "qscan Tank1.Level FlowMeter2.RawSignal"
SHOW_BOTH = "show qualityscan.threshold; show qualityscan.label"


def test_the_plugin_imports_nothing_of_mxshell_but_the_api() -> None:
    tree = ast.parse((HERE / "mxshell_qualityscan" / "__init__.py").read_text())
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert {name for name in imported if name.startswith("mxshell")} == {"mxshell.api"}


async def test_plugins_lists_it_with_its_distribution_api_hooks_and_commands(
    qualityscan_site: Path, scan_gateway: EmbeddedGateway
) -> None:
    async with ShellRunner.connected(scan_gateway) as shell:
        rows = (await shell.run("plugins")).result.records()
    row = next(r for r in rows if r["name"] == "qualityscan")
    assert row == {
        "name": "qualityscan",
        "distribution": "mxshell-qualityscan",
        "version": "0.3.0",
        "api": "1.1",
        "source": "entry point",
        "status": "loaded",
        "hooks": [
            "register_commands",
            "register_completers",
            "register_settings",
            "register_toolbar_fields",
            "session_reconnected",
        ],
        "commands": ["qscan", "qset", "qstate"],
        "failure": None,
    }
    assert API_VERSION == (1, 7)


async def test_one_readbulk_on_the_current_registration_and_a_public_result_type(
    qualityscan_site: Path, scan_gateway: EmbeddedGateway
) -> None:
    async with ShellRunner.connected(scan_gateway) as shell:
        failed = await shell.run(SCAN)  # threshold 0: one bad tag fails the scan
        assert failed.outcomes[0].exit_status == 1
        assert failed.errors == "qscan: 1 bad tags, more than 0"
        assert isinstance(failed.outcomes[0].result, BulkReport)  # shown before the line
        assert shell.session.registration is not None  # the one the plugin made
        await shell.run("set output json")
        await shell.run("set qualityscan.threshold 1")
        result = await shell.run(SCAN)
        assert result.ok, result.errors
        (line,) = result.out
        data = json.loads(line)["result"]
        assert (data["total"], data["failed"], data["calls"]) == (2, 1, 1)
        assert [(e["tag"], e["scan"]) for e in data["entries"]] == [
            ("Tank1.Level", "Ok"),
            ("FlowMeter2.RawSignal", "bad"),
        ]


async def test_its_settings_show_set_and_refuse_a_wrong_type(
    qualityscan_site: Path, scan_gateway: EmbeddedGateway
) -> None:
    async with ShellRunner.connected(scan_gateway) as shell:
        shown = (await shell.run("show")).result
        assert shown["qualityscan.threshold"] == 0 and shown["qualityscan.label"] == "qscan"
        assert (await shell.run("set qualityscan.threshold 4")).ok
        assert (await shell.run("show qualityscan.threshold")).result == {
            "qualityscan.threshold": 4
        }
        bad = await shell.run("set qualityscan.threshold many")
        assert bad.outcomes[0].exit_status == 2
        assert bad.errors == "set: qualityscan.threshold: 'many' is not valid; use a whole number"
        below = await shell.run("set qualityscan.threshold -1")
        assert "below the minimum of 0" in below.errors
        unknown = await shell.run("show qualityscan.nope")
        assert unknown.outcomes[0].exit_status == 2 and "qualityscan.threshold" in unknown.errors


async def test_a_toolbar_field_gets_the_context(
    qualityscan_site: Path, scan_gateway: EmbeddedGateway
) -> None:
    async with ShellRunner.connected(scan_gateway) as shell:
        assert "bad" not in shell.toolbar()  # nothing scanned yet: the field shows nothing
        await shell.run("set qualityscan.threshold 1")
        await shell.run(SCAN)
        assert shell.toolbar().endswith(" | qscan 1 bad")
        await shell.run("set qualityscan.label scan")
        assert shell.toolbar().endswith(" | scan 1 bad")
        assert shell.toolbar().startswith(scan_gateway.endpoint)


async def test_a_write_returns_the_gateways_onwritecomplete(
    qualityscan_site: Path, scan_gateway: EmbeddedGateway
) -> None:
    async with ShellRunner.connected(scan_gateway) as shell:
        result = await shell.run("qset Pump1.Speed.SP 1333")
        assert result.ok, result.errors
        assert result.text == "Pump1.Speed.SP: Ok"
        refused = await shell.run("qset Tank1.Level 5")  # ViewOnly: refused, not completed
        assert refused.outcomes[0].exit_status == 1
        assert "ViewOnly" in refused.errors and "\n" not in refused.errors
        assert (await shell.run("read Pump1.Speed.SP")).result.records()[0]["value"] == 1333.0


async def test_a_write_whose_completion_never_comes_is_unknown_and_not_resent(
    qualityscan_site: Path, scan_gateway: EmbeddedGateway
) -> None:
    async with ShellRunner.connected(scan_gateway) as shell:
        session = shell.session
        item, _ = await session.resolve("Pump1.Speed.SP")
        scan_gateway.gateway.faults.latency_ms = 400  # the Write waits in the gateway…
        pending = asyncio.create_task(session.write(item, 1444.0, complete=True, timeout=5))
        await asyncio.sleep(0.1)
        assert scan_gateway.run(scan_gateway.gateway.faults.cut_streams()) >= 1  # …stream gone
        with pytest.raises(WriteOutcomeUnknown, match="its outcome is unknown"):
            await pending
        scan_gateway.gateway.faults.latency_ms = 0
        assert point_value(scan_gateway, "Pump1.Speed.SP") == 1444.0  # it was taken, once
        await eventually(lambda: session.connected, "the session back")
        async with ShellRunner.connected(scan_gateway) as other:
            assert (await other.run("qset Pump1.Speed.SP 1500")).ok
        await asyncio.sleep(0.3)  # time for a resent write to land, were there one
        assert point_value(scan_gateway, "Pump1.Speed.SP") == 1500.0


def point_value(gateway: EmbeddedGateway, reference: str) -> object:
    return gateway.gateway.runtime.points[reference.lower()].value


async def test_session_reconnected_fires_for_reconnect_and_for_a_lost_gateway(
    qualityscan_site: Path, scan_gateway: EmbeddedGateway
) -> None:
    async with ShellRunner.connected(scan_gateway) as shell:
        await shell.run("add-item Tank1.Level --as level")
        await shell.run("add-item Pump1.Speed.SP")
        assert (await shell.run("reconnect")).ok
        seen = (await shell.run("qstate")).result["reconnects"]
        assert seen == [[["level", "Pump1.Speed.SP"], []]]
        # The automatic one: the new session's event stream is cut once it is open.
        faults = scan_gateway.gateway.faults
        await eventually(lambda: scan_gateway.run(faults.cut_streams()) >= 1, "a stream to cut")
        await eventually(lambda: len(_state(shell)) == 2, "a second reconnect")
        assert _state(shell)[1] == (["level", "Pump1.Speed.SP"], [])
        # Registered again in the new gateway session: the plugin's bulk call still works.
        await shell.run("set qualityscan.threshold 1")
        assert (await shell.run(SCAN)).ok


def _state(shell: ShellRunner) -> list[object]:
    from mxshell_qualityscan import STATE  # the plugin's own state, as it keeps it

    return list(STATE.of(shell.context).reconnects)


def test_the_config_file_sets_its_settings_and_warns_of_what_does_not_fit(
    qualityscan_site: Path, tmp_path: Path
) -> None:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir()
    config.write_text(
        "[plugins.qualityscan]\nthreshold = 2\ncolour = 'red'\nlabel = 5\n[plugins.nosuch]\nx = 1\n"
    )
    env = shell_env(tmp_path, PYTHONPATH=os.pathsep.join([str(qualityscan_site), *sys.path]))
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            LAUNCH,
            "--json",
            "-c",
            "show qualityscan.threshold; show qualityscan.label",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    results = [json.loads(line)["result"] for line in run.stdout.splitlines()]
    assert results == [{"qualityscan.threshold": 2}, {"qualityscan.label": "qscan"}]
    assert run.stderr.splitlines() == [
        f"{config}: [plugins.qualityscan] colour: unknown setting (known: label, threshold)",
        f"{config}: [plugins.qualityscan] label: 5 is not text; the default stays",
        f"{config}: [plugins.nosuch]: no loaded plugin declares settings; ignored",
    ]
