"""Validation before anything is written: the whole-file check plus the Galaxy, with
--check (run nothing) and before every normal run (--no-validate skips it), through the
real console script against the simulated gateway."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mxshell.sim import EmbeddedGateway, SimConfig
from mxshell.testing import ShellRunner
from tests.conftest import FAST_TICK, shell_env
from tests.script.conftest import LAUNCH

BAD = """\
set tank Tank1
write Pump1.Speed.SP 1234
read ${tank}.Level Tank9.Level
write Pump1.Speed.SP fast
write Tank1.Level 5
write-bulk Pump1.Speed.SP=100 Nope.X=1
read-bulk @tags.txt
echo never
"""


@pytest.fixture
def own_gateway() -> EmbeddedGateway:
    with EmbeddedGateway(SimConfig(update_interval_s=FAST_TICK)) as gateway:
        yield gateway


def run_cli(
    tmp_path: Path, gateway: EmbeddedGateway | None, *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    where = (
        ["--endpoint", gateway.endpoint, "--plaintext", "--api-key-env", "MX_KEY"]
        if gateway is not None
        else ["--endpoint", "127.0.0.1:9", "--plaintext"]
    )
    return subprocess.run(
        [sys.executable, "-c", LAUNCH, *where, *args],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        env=shell_env(tmp_path, MX_KEY=gateway.api_key if gateway else ""),
        cwd=cwd or tmp_path,  # a command's @FILE is relative to it, at run and in the check
    )


async def setpoint(gateway: EmbeddedGateway) -> float:
    async with ShellRunner.connected(gateway) as shell:
        return float((await shell.run("read Pump1.Speed.SP")).result.records()[0]["value"])


def bad_file(tmp_path: Path) -> Path:
    (tmp_path / "tags.txt").write_text("Tank1.Level\n# a comment\nNoSuch.Thing\n")
    script = tmp_path / "bad.mxsh"
    script.write_text(BAD)
    return script


def problems_of(script: Path) -> list[str]:
    return [
        f"{script}:3: read: no tag 'Tank9.Level' in the Galaxy",
        f"{script}:4: write: 'fast' cannot be written to Pump1.Speed.SP, a double",
        f"{script}:5: write: Tank1.Level is ViewOnly: a write to it is refused",
        f"{script}:6: write-bulk: no tag 'Nope.X' in the Galaxy",
        f"{script}:7: read-bulk: tags.txt:3: no tag 'NoSuch.Thing' in the Galaxy",
        f"{script}: 5 problems found; nothing was run",
    ]


@pytest.mark.parametrize("mode", [["--check"], []])
async def test_problems_the_galaxy_shows_stop_the_file_before_its_first_write(
    tmp_path: Path, own_gateway: EmbeddedGateway, mode: list[str]
) -> None:
    before = await setpoint(own_gateway)
    script = bad_file(tmp_path)
    run = run_cli(tmp_path, own_gateway, *mode, "-f", str(script))
    assert run.returncode == 2, run.stderr
    assert run.stderr.splitlines() == problems_of(script)
    assert run.stdout == ""
    assert await setpoint(own_gateway) == before  # line 2's write never went


def test_no_validate_leaves_the_unknown_tag_to_the_run(
    tmp_path: Path, own_gateway: EmbeddedGateway
) -> None:
    script = tmp_path / "late.mxsh"
    script.write_text("echo first\nread Tank9.Level\necho never\n")
    run = run_cli(tmp_path, own_gateway, "--no-validate", "-f", str(script))
    assert run.returncode == 1
    assert run.stdout.splitlines()[0] == "first"
    assert f"{script}:2: read: " in run.stderr and "Tank9.Level" in run.stderr


def test_words_known_only_at_run_time_are_left_to_the_run(
    tmp_path: Path, own_gateway: EmbeddedGateway
) -> None:
    script = tmp_path / "runtime.mxsh"
    script.write_text(
        "let sp = read Pump1.Speed.SP\n"
        "write Pump1.Speed.SP ${sp.value}\n"
        "for p in Pump1 Pump2\n  read ${p}.Speed.SP\nend\n"
        "set name Pump1\nread ${name}.Speed.SP\n"
        "add-item Pump1.Speed.SP --as sp1\nread sp1\n"
    )
    run = run_cli(tmp_path, own_gateway, "--check", "-f", str(script))
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip() == (
        f"{script}: checked, with its tags against the Galaxy: no problems found; nothing was run"
    )


def test_a_clean_file_checks_and_runs_nothing(tmp_path: Path, own_gateway: EmbeddedGateway) -> None:
    script = tmp_path / "clean.mxsh"
    script.write_text("write Pump1.Speed.SP 1300\nexpect Pump1.Speed.SP == 1300\n")
    run = run_cli(tmp_path, own_gateway, "--check", "-f", str(script))
    assert run.returncode == 0 and run.stdout == ""


def test_an_entry_file_is_read_where_the_run_reads_it_and_as_it_does(
    tmp_path: Path, own_gateway: EmbeddedGateway
) -> None:
    # The command file lives in one folder, the run starts in another: `read-bulk
    # @tags.txt` reads the working directory's tags.txt, and so does the check.
    files, start = tmp_path / "files", tmp_path / "start"
    files.mkdir()
    start.mkdir()
    (files / "tags.txt").write_text("Tank1.Level\n")
    (start / "tags.txt").write_text("Tank1.Level\nNoSuch.Thing\n")
    (start / "typed.csv").write_text("tag,value,type\nTank1.Level,5,double\n")
    (start / "broken.txt").write_text("Pump1.Speed.SP=1300\nPump1.Speed.SP\n")
    script = files / "entries.mxsh"
    script.write_text("read-bulk @tags.txt\nwrite2-bulk @typed.csv\nwrite-bulk @broken.txt\n")
    run = run_cli(tmp_path, own_gateway, "--check", "-f", str(script), cwd=start)
    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        f"{script}:1: read-bulk: tags.txt:2: no tag 'NoSuch.Thing' in the Galaxy",
        f"{script}:2: write2-bulk: typed.csv:2: Tank1.Level is ViewOnly: a write to it is refused",
        f"{script}:3: write-bulk: broken.txt:2: 'Pump1.Speed.SP' is not TAG=VALUE "
        "(e.g. Tank1.Level.Hi=90)",
        f"{script}: 3 problems found; nothing was run",
    ]


def test_arrays_are_checked_as_mxaccess_addresses_them(
    tmp_path: Path, own_gateway: EmbeddedGateway
) -> None:
    script = tmp_path / "arrays.mxsh"
    script.write_text(
        "read Tank1.LevelTrend\n"  # the bare name of an array: MXAccess refuses it
        "read Tank1.LevelTrend[2]\nread Pump1._Attributes\n"
        "write Filler1.NozzleEnabled[2] false\nwrite Filler1.NozzleEnabled[] true,false\n"
        "write Filler1.NozzleEnabled[3] maybe\n"
    )
    run = run_cli(tmp_path, own_gateway, "--check", "-f", str(script))
    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        f"{script}:1: read: Tank1.LevelTrend is an array: name Tank1.LevelTrend[] for the "
        "whole array, or Tank1.LevelTrend[N] for element N (from 1)",
        f"{script}:6: write: 'maybe' cannot be written to Filler1.NozzleEnabled[3], a bool",
        f"{script}: 2 problems found; nothing was run",
    ]


def test_check_without_a_gateway_still_checks_the_file(tmp_path: Path) -> None:
    script = tmp_path / "offline.mxsh"
    script.write_text("read Tank9.Level\nnosuch-command\n")
    run = run_cli(tmp_path, None, "--check", "-f", str(script))
    assert run.returncode == 2
    assert f"{script}:2: nosuch-command: unknown command" in run.stderr
    script.write_text("read Tank9.Level\n")
    run = run_cli(tmp_path, None, "--check", "-f", str(script))
    assert run.returncode == 0
    assert "(no gateway: tags not looked up)" in run.stderr


def test_check_and_no_validate_together_are_refused(tmp_path: Path) -> None:
    run = run_cli(tmp_path, None, "--check", "--no-validate", "-c", "echo hi")
    assert run.returncode == 2
    assert run.stderr.strip() == "mxshell: --check and --no-validate cannot be used together"


def test_a_dash_c_line_is_validated_only_with_check(
    tmp_path: Path, own_gateway: EmbeddedGateway
) -> None:
    run = run_cli(tmp_path, own_gateway, "-c", "echo first; read Tank9.Level --timeout 1")
    assert run.returncode == 1 and run.stdout.splitlines()[0] == "first"  # it ran
    run = run_cli(tmp_path, own_gateway, "--check", "-c", "echo first; read Tank9.Level")
    assert run.returncode == 2 and run.stdout == ""
    assert "read: no tag 'Tank9.Level' in the Galaxy" in run.stderr
