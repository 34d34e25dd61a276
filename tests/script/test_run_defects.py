"""What running real checklists found: include with ${NAME}, exit N under on-error
continue, the summary when everything passed, a JSON summary on Ctrl-C, $1 for commands
piped on stdin."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner
from tests.conftest import shell_env
from tests.script.conftest import LAUNCH, launch, printed, run_file


def run_cli(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", LAUNCH, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=shell_env(tmp_path),
    )


async def test_include_takes_variables_in_its_path_and_arguments(
    shell: ShellRunner, tmp_path: Path
) -> None:
    (tmp_path / "units").mkdir()
    (tmp_path / "units" / "pump.mxsh").write_text("echo checking $1 at ${site}\n")
    text = "set site North\nset dir units\ninclude ${dir}/pump.mxsh ${site}-P1\n"
    run = await run_file(shell, tmp_path, text)
    assert run.status == 0, shell.errors
    assert printed(shell) == ["checking North-P1 at North"]


async def test_an_included_file_read_late_is_still_checked_whole_before_it_runs(
    shell: ShellRunner, tmp_path: Path
) -> None:
    (tmp_path / "late.mxsh").write_text("echo first\nno-such-command\n")
    text = "set name late\ninclude ${name}.mxsh\necho after\n"
    run = await run_file(shell, tmp_path, text)
    assert run.status == 1 and printed(shell) == []
    assert f"{tmp_path / 'late.mxsh'}:2: no-such-command: unknown command" in shell.errors
    assert f"{tmp_path / 'check.mxsh'}:2: include: late.mxsh: nothing of it was run" in (
        shell.errors
    )


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("on-error continue\nassert 1 == 2\nexit 0\necho never\n", 0),
        ("on-error continue\nexit 5\necho never\n", 5),
        ("on-error continue\nassert 1 == 2\nexit 3\necho never\n", 3),
    ],
)
async def test_exit_n_is_the_status_under_on_error_continue(
    shell: ShellRunner, tmp_path: Path, text: str, status: int
) -> None:
    run = await run_file(shell, tmp_path, text)
    assert run.status == status and run.exited and "never" not in printed(shell)


async def test_a_summary_says_when_every_command_passed_under_continue(
    shell: ShellRunner, tmp_path: Path
) -> None:
    run = await run_file(shell, tmp_path, "on-error continue\necho a\necho b\n")
    assert run.status == 0
    assert shell.errors.splitlines()[-1] == f"{tmp_path / 'check.mxsh'}: all 3 commands passed"


async def test_a_json_summary_closes_a_continued_run(
    json_shell: ShellRunner, tmp_path: Path
) -> None:
    run = await run_file(json_shell, tmp_path, "on-error continue\nassert 1 == 2\necho b\n")
    assert run.status == 1
    summary = json.loads(printed(json_shell)[-1])
    assert summary["summary"]["commands_failed"] == 1 and summary["summary"]["commands_run"] == 3
    assert summary["summary"]["checks_failed"] == 1


def test_ctrl_c_under_json_ends_with_a_summary_object(
    tmp_path: Path, fresh_gateway: EmbeddedGateway
) -> None:
    script = tmp_path / "slow.mxsh"
    script.write_text("echo started\nsleep 30\necho never\n")
    endpoint, key = fresh_gateway.endpoint, fresh_gateway.api_key
    child = launch(tmp_path, endpoint, key, "--json", "-f", str(script))
    try:
        assert child.stdout is not None
        first = json.loads(child.stdout.readline())
        assert first["result"] == "started"
        time.sleep(0.3)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == 130
    objects = [json.loads(line) for line in out.splitlines()]
    assert objects[-1] == {
        "summary": {
            "source": str(script),
            "commands_run": 2,
            "commands_failed": 1,
            "checks_passed": 0,
            "checks_failed": 0,
            "manual_steps": 0,
            "failures": [f"{script}:2"],
            "problems": 0,
            "interrupted": True,
            "status": 130,
        }
    }


def test_commands_piped_on_stdin_take_arguments(tmp_path: Path) -> None:
    run = run_cli(tmp_path, "Tank1", "two words", stdin="echo $1 / ${2} / ${3:-none}\n")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["Tank1 / two words / none"]


def test_arguments_with_c_are_still_refused(tmp_path: Path) -> None:
    run = run_cli(tmp_path, "-c", "echo hi", "stray")
    assert run.returncode == 2
    assert run.stderr.startswith("mxshell: unexpected argument 'stray'")


async def test_a_late_include_with_problems_prints_no_summary_of_its_own_under_json(
    json_shell: ShellRunner, tmp_path: Path
) -> None:
    (tmp_path / "late.mxsh").write_text("nosuch-command\n")
    run = await run_file(json_shell, tmp_path, "set name late\ninclude ${name}.mxsh\n")
    assert run.status == 1
    objects = [json.loads(line) for line in printed(json_shell)]
    summaries = [o for o in objects if "summary" in o]
    assert summaries == [objects[-1]]
    assert summaries[0]["summary"]["source"] == str(tmp_path / "check.mxsh")


async def test_a_files_backslash_q_ends_it_as_exit_does() -> None:
    from mxshell.testing import ShellRunner

    shell = ShellRunner()
    run = await shell.runtime.scripts.run_text("echo one\n\\q\necho never\n", "q.mxsh")
    assert run.status == 0 and run.exited
    assert shell.out == ["one"]
