"""The --json output shape of the MXAccess and bulk commands, compared with golden files.

Each golden file (tests/plugins/goldens/*.json) lists command lines and the JSON objects
they printed, run in order on a fresh simulated gateway against attributes whose values
hold still (configuration values and setpoints). What the wall clock decides is
normalised: timestamps and start times become "<time>", the test's folder "<tmp>".

To regenerate after an intended change of shape, run the test with the variable set,
then read the diff before committing it:

    MXSHELL_UPDATE_GOLDENS=1 .venv/bin/python -m pytest -n 0 tests/plugins/test_json_goldens.py
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest

from mxshell.commands import GALAXY, Settings
from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner

GOLDENS = Path(__file__).parent / "goldens"
UPDATE = os.environ.get("MXSHELL_UPDATE_GOLDENS") == "1"
PASSWORD_ENV = "GOLDEN_OPERATOR_PASSWORD"
STAMP = "2026-01-31T12:00:00Z"
WALL_CLOCK_KEYS = {"timestamp", "started"}

MXACCESS_LINES = [
    "register golden",
    "add-item Tank1.Capacity --as cap",
    "advise cap",
    "advise-supervisory Tank1.Mode",
    "read cap Tank1.Mode",
    "items",
    "read Pump1.Speed.SP Tank9.Level",
    "write Pump1.Speed.SP 1250.5",
    f"write2 Pump1.Speed.SP 1300 --timestamp {STAMP} --type double",
    f"write-secured Filler1.RecipeName Cola --user operator --password-env {PASSWORD_ENV}",
    f"write-secured2 Filler1.RecipeName Lemon --timestamp {STAMP} --user operator "
    f"--password-env {PASSWORD_ENV}",
    f"authenticate-user operator --password-env {PASSWORD_ENV}",
    "write Tank1.Capacity lots",
    "unadvise cap",
    "remove-item cap",
    "unregister",
    "record start <tmp>/golden.jsonl",
    "record status",
    "record stop",
    "stream-events --timeout 100ms",
    "smoke --item Tank1.Capacity",
]

BULK_LINES = [
    "add-item-bulk Tank1.Capacity Tank9.Level --allow-partial",
    "subscribe-bulk Tank1.Mode Pump1.Speed.SP",
    "advise-item-bulk 1 nosuch",
    "read-bulk Tank1.Capacity Tank1.Mode Tank9.Level --timeout-ms 500 --allow-partial",
    "write-bulk Pump1.Speed.SP=1250.5 Tank1.Level=5",
    f"write2-bulk Pump1.Speed.SP=1300 --timestamp {STAMP}",
    f"write-secured-bulk Filler1.RecipeName=Cola --user operator --password-env {PASSWORD_ENV}",
    f"write-secured2-bulk Filler1.RecipeName=Lemon --timestamp {STAMP} --user operator "
    f"--password-env {PASSWORD_ENV}",
    "unadvise-item-bulk 1 Tank1.Mode",
    "unsubscribe-bulk Pump1.Speed.SP",
    "remove-item-bulk 1 Tank1.Mode",
    "read-bulk 'Tank*.Level'",
]


def normalised(value: Any, tmp: str) -> Any:
    if isinstance(value, dict):
        return {
            key: "<time>" if key in WALL_CLOCK_KEYS and item is not None else normalised(item, tmp)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [normalised(item, tmp) for item in value]
    if isinstance(value, str):
        return value.replace(tmp, "<tmp>")
    return value


async def transcript(shell: ShellRunner, lines: list[str], tmp: Path) -> list[dict[str, Any]]:
    found = []
    for line in lines:
        result = await shell.run(line.replace("<tmp>", str(tmp)))
        assert not result.errors, f"{line}: {result.errors}"
        output = [normalised(json.loads(text), str(tmp)) for text in result.out]
        found.append({"line": line, "output": output})
    return found


def compare(name: str, found: list[dict[str, Any]]) -> None:
    path = GOLDENS / f"{name}.json"
    text = json.dumps(found, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if UPDATE:
        path.write_text(text)
        return
    assert path.exists(), f"no golden file {path}: run with MXSHELL_UPDATE_GOLDENS=1"
    expected = json.loads(path.read_text())
    for want, got in zip(expected, found, strict=True):
        assert got == want, f"{name}: {want['line']!r} printed another shape"


@pytest.fixture
async def json_shell(fresh_gateway: EmbeddedGateway, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv(PASSWORD_ENV, "operator1")
    settings = Settings()
    settings.output = "json"
    async with ShellRunner.connected(fresh_gateway, settings) as shell:
        shell.context.services.pop(GALAXY, None)  # globs: the message for a shell without one
        yield shell


async def test_mxaccess_json_output_matches_the_golden_file(
    json_shell: ShellRunner, tmp_path: Path
) -> None:
    found = await transcript(json_shell, MXACCESS_LINES, tmp_path)
    # A stream that sees events: one JSON line per event, then the summary.
    added = await json_shell.run("add-item Tank1.Capacity --as cap")
    assert added.ok, added.errors
    mark = len(json_shell.out)
    stream = asyncio.create_task(json_shell.runtime.run_line("stream-events --max-events 1"))
    await asyncio.sleep(0.2)
    await json_shell.session.advise(json_shell.session.find("cap"))
    await stream
    output = [normalised(json.loads(t), str(tmp_path)) for t in json_shell.out[mark:]]
    found.append({"line": "stream-events --max-events 1 (while cap is advised)", "output": output})
    compare("mxaccess", found)


async def test_bulk_json_output_matches_the_golden_file(
    json_shell: ShellRunner, tmp_path: Path
) -> None:
    compare("bulk", await transcript(json_shell, BULK_LINES, tmp_path))


def test_the_golden_files_name_every_bulk_command() -> None:
    from mxshell_plugins.bulk import items, reads, writes

    golden = json.loads((GOLDENS / "bulk.json").read_text())
    covered = {entry["line"].split()[0] for entry in golden}
    declared = [*items.bulk, *writes.bulk, *reads.bulk]
    assert covered == {command.name for command in declared}
