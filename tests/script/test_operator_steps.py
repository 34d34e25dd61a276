"""confirm, pause and prompt: answered from --answers (by --id or text), --yes, or the
terminal; without them a clear FILE:LINE failure; every answer kept with its time."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mxshell.script.manual_steps import OperatorDesk, read_answers
from mxshell.testing import ShellRunner
from tests.conftest import shell_env
from tests.script.conftest import LAUNCH, json_lines, printed, run_file

STEPS = """\
confirm "Is Pump 1 running?" --id pump1
pause "Open valve V12, then press Enter"
prompt reading "Gauge PI-101 reads?" --default 12.5
echo gauge ${reading}
"""


def desk(shell: ShellRunner) -> OperatorDesk:
    return shell.runtime.operator


async def test_without_a_terminal_or_answers_a_manual_step_fails_at_its_line(
    shell: ShellRunner, tmp_path: Path
) -> None:
    run = await run_file(shell, tmp_path, STEPS)
    assert run.status == 1 and run.ran == 1
    assert shell.errors.splitlines()[0] == (
        f"{tmp_path / 'check.mxsh'}:1: confirm: no terminal to ask 'Is Pump 1 running?': "
        "give --answers FILE (an answer under --id pump1) or --yes"
    )


async def test_yes_confirms_goes_on_and_takes_the_default(
    shell: ShellRunner, tmp_path: Path
) -> None:
    desk(shell).yes = True
    run = await run_file(shell, tmp_path, STEPS)
    assert run.status == 0, shell.errors
    assert printed(shell)[-1] == "gauge 12.5"
    assert [(a.step, a.value, a.source) for a in desk(shell).log] == [
        ("confirm", "yes", "yes"),
        ("pause", "", "yes"),
        ("prompt", "12.5", "default"),
    ]


async def test_yes_gives_no_value_to_a_prompt_without_a_default(
    shell: ShellRunner, tmp_path: Path
) -> None:
    desk(shell).yes = True
    run = await run_file(shell, tmp_path, 'prompt serial "Serial number?"\n')
    assert run.status == 1
    assert "no terminal to ask 'Serial number?': give --answers FILE" in shell.errors


async def test_answers_by_id_or_by_text_and_no_fails_the_confirm(
    shell: ShellRunner, tmp_path: Path
) -> None:
    desk(shell).answers = {
        "pump1": "no",
        "Open valve V12, then press Enter": "",
        "Gauge PI-101 reads?": "13.1",
    }
    run = await run_file(shell, tmp_path, STEPS)
    assert run.status == 1 and run.ran == 1
    assert f"{tmp_path / 'check.mxsh'}:1: confirm: not confirmed: Is Pump 1 running?" in (
        shell.errors
    )
    desk(shell).answers["pump1"] = "y"
    run = await run_file(shell, tmp_path, STEPS)
    assert run.status == 0, shell.errors
    assert printed(shell)[-1] == "gauge 13.1"


async def test_answers_are_kept_with_their_time_and_carried_in_json(
    json_shell: ShellRunner, tmp_path: Path
) -> None:
    desk(json_shell).answers = {"pump1": "yes", "Gauge PI-101 reads?": "9"}
    desk(json_shell).yes = True
    before = datetime.now(UTC)
    run = await run_file(json_shell, tmp_path, STEPS)
    assert run.status == 0
    steps = [o for o in json_lines(json_shell) if o["command"] in ("confirm", "pause", "prompt")]
    assert [(o["result"]["answer"], o["result"]["source"]) for o in steps] == [
        ("yes", "answers"),
        ("", "yes"),
        ("9", "answers"),
    ]
    assert all(before <= a.at <= datetime.now(UTC) for a in desk(json_shell).log)
    assert steps[0]["result"]["id"] == "pump1"


async def test_a_prompt_into_a_secret_name_is_a_secret(shell: ShellRunner, tmp_path: Path) -> None:
    desk(shell).answers = {"Operator password?": "hunter2-xyz"}
    text = 'prompt password "Operator password?"\necho typed ${password}\n'
    run = await run_file(shell, tmp_path, text)
    assert run.status == 0, shell.errors
    assert "hunter2-xyz" not in "\n".join(shell.out + shell.err)
    assert desk(shell).log[-1].as_data(secret=True)["answer"] == "<redacted>"


async def test_the_terminal_is_asked_again_until_yes_or_no(
    shell: ShellRunner, tmp_path: Path
) -> None:
    typed = iter(["maybe", "", "y"])
    asked: list[str] = []

    async def ask(question: str) -> str:
        asked.append(question)
        return next(typed)

    desk(shell).ask = ask
    run = await run_file(shell, tmp_path, 'confirm "Ready?"\n')
    assert run.status == 0, shell.errors
    assert asked == ["Ready? [y/n] "] * 3


async def test_under_json_the_terminal_is_not_asked(
    json_shell: ShellRunner, tmp_path: Path
) -> None:
    async def ask(question: str) -> str:
        raise AssertionError("asked under --json")

    desk(json_shell).ask = ask
    run = await run_file(json_shell, tmp_path, 'pause "Look at the pump"\n')
    assert run.status == 1
    assert json_lines(json_shell)[0]["error"].startswith("no terminal to ask 'Look at the pump'")


def test_answers_files_in_toml_and_json(tmp_path: Path) -> None:
    toml = tmp_path / "answers.toml"
    toml.write_text('pump1 = true\n"Gauge reads?" = 12.5\nvalve = "open"\n')
    assert read_answers(toml) == {"pump1": "yes", "Gauge reads?": "12.5", "valve": "open"}
    as_json = tmp_path / "answers.json"
    as_json.write_text(json.dumps({"pump1": False, "count": 3}))
    assert read_answers(as_json) == {"pump1": "no", "count": "3"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "a.toml",
            "pump1 = [1, 2]\n",
            "the answer to 'pump1' must be text, a number or true/false",
        ),
        ("a.toml", "pump1 = \n", "is not valid TOML"),
        ("a.json", "[1, 2]", "expected a table of step id or text = answer"),
        ("a.json", "{", "is not valid JSON"),
    ],
)
def test_a_bad_answers_file_is_one_line_and_exit_status_2(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    answers = tmp_path / name
    answers.write_text(content)
    run = subprocess.run(
        [sys.executable, "-c", LAUNCH, "--answers", str(answers), "-c", "echo hi"],
        capture_output=True,
        text=True,
        timeout=60,
        env=shell_env(tmp_path),
    )
    assert run.returncode == 2
    assert run.stdout == ""
    (line,) = run.stderr.splitlines()
    assert line.startswith(f"mxshell: answers file {answers}") and message in line


def test_answers_and_yes_from_the_command_line(tmp_path: Path) -> None:
    script = tmp_path / "steps.mxsh"
    script.write_text(STEPS)
    answers = tmp_path / "answers.toml"
    answers.write_text('pump1 = "yes"\n')
    run = subprocess.run(
        [sys.executable, "-c", LAUNCH, "--answers", str(answers), "--yes", "-f", str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        env=shell_env(tmp_path),
        stdin=subprocess.DEVNULL,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == "gauge 12.5"
