"""defer: the deferred commands run when the file ends, last first, however it ends;
their ${NAME}s are expanded when deferred; a failing one is reported and makes the
status 1 while the others still run. Ctrl-C and SIGTERM in a real process."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner
from tests.script.conftest import json_lines, launch, printed, run_file, wait_for_line


async def test_deferred_commands_run_last_first_after_a_successful_file(
    shell: ShellRunner, tmp_path: Path
) -> None:
    text = "defer echo first deferred\necho body\ndefer echo second deferred\necho end\n"
    run = await run_file(shell, tmp_path, text)
    assert run.status == 0, shell.errors
    assert printed(shell) == ["body", "end", "second deferred", "first deferred"]


async def test_a_deferred_write_puts_the_setpoint_back_after_a_failed_check(
    shell: ShellRunner, tmp_path: Path
) -> None:
    before = (await shell.run("read Pump1.Speed.SP")).result.records()[0]["value"]
    text = """\
let old = read Pump1.Speed.SP
defer write Pump1.Speed.SP ${old.value}
write Pump1.Speed.SP 777
assert 1 == 2 -m "the check that fails"
echo never
"""
    run = await run_file(shell, tmp_path, text)
    assert run.status == 1 and run.stopped
    after = (await shell.run("read Pump1.Speed.SP")).result.records()[0]["value"]
    assert after == before != 777
    assert "never" not in printed(shell)


async def test_the_values_are_taken_when_the_command_is_deferred(
    shell: ShellRunner, tmp_path: Path
) -> None:
    text = "set v one\ndefer echo ${v}\nset v two\ndefer echo ${v}\n"
    run = await run_file(shell, tmp_path, text)
    assert run.status == 0 and printed(shell) == ["two", "one"]


async def test_deferred_commands_run_after_exit_and_the_status_is_the_exits(
    shell: ShellRunner, tmp_path: Path
) -> None:
    run = await run_file(shell, tmp_path, "defer echo cleaned\nexit 4\necho never\n")
    assert run.status == 4 and printed(shell) == ["cleaned"]


async def test_a_failing_deferred_command_is_reported_the_others_run_and_the_status_is_1(
    shell: ShellRunner, tmp_path: Path
) -> None:
    text = "defer echo still runs\ndefer assert 1 == 2\ndefer echo runs too\necho body\n"
    run = await run_file(shell, tmp_path, text)
    assert run.status == 1
    assert printed(shell) == ["body", "runs too", "still runs"]
    assert f"{tmp_path / 'check.mxsh'}:2: deferred assert: 1 == 2 does not hold" in shell.errors


async def test_defers_in_a_loop_each_keep_their_own_values(
    shell: ShellRunner, tmp_path: Path
) -> None:
    text = "for p in Pump1 Pump2 Pump3\n  defer echo restore ${p}\nend\n"
    run = await run_file(shell, tmp_path, text)
    assert run.status == 0
    assert printed(shell) == ["restore Pump3", "restore Pump2", "restore Pump1"]


async def test_a_deferred_command_is_checked_with_the_file(
    shell: ShellRunner, tmp_path: Path
) -> None:
    run = await run_file(shell, tmp_path, "echo a\ndefer no-such-command\n")
    assert run.status == 2 and run.ran == 0
    assert f"{tmp_path / 'check.mxsh'}:2: no-such-command: unknown command" in shell.errors


async def test_under_json_deferred_outcomes_are_marked(
    json_shell: ShellRunner, tmp_path: Path
) -> None:
    run = await run_file(json_shell, tmp_path, "defer echo bye\necho hi\n")
    assert run.status == 0
    objects = json_lines(json_shell)
    assert [(o["result"], o.get("deferred", False)) for o in objects] == [
        ("hi", False),
        ("bye", True),
    ]


# in a real process: Ctrl-C and SIGTERM ---------------------------------------------------


def start(tmp_path: Path, gateway: EmbeddedGateway, script: Path) -> subprocess.Popen[str]:
    return launch(tmp_path, gateway.endpoint, gateway.api_key, "-f", str(script))


SLOW = """\
defer echo first cleanup
defer echo second cleanup
echo started
sleep 30
echo never
"""


@pytest.mark.parametrize(
    ("sent", "status", "why"),
    [(signal.SIGINT, 130, "interrupted (Ctrl-C)"), (signal.SIGTERM, 143, "terminated (SIGTERM)")],
)
def test_ctrl_c_and_sigterm_run_the_deferred_commands_and_close_the_session(
    tmp_path: Path, fresh_gateway: EmbeddedGateway, sent: int, status: int, why: str
) -> None:
    script = tmp_path / "slow.mxsh"
    script.write_text(SLOW)
    child = start(tmp_path, fresh_gateway, script)
    try:
        wait_for_line(child, "started")
        assert len(fresh_gateway.gateway.open_session_ids()) == 1
        time.sleep(0.3)  # into the sleep
        child.send_signal(sent)
        out, err = child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == status, err
    assert out.splitlines() == ["second cleanup", "first cleanup"]
    assert f"{script}:4: sleep: {why}; the rest of the run is skipped" in err
    assert err.strip().endswith(f"{script}: 1 of 2 commands failed (line 4); {why}")
    assert "Traceback" not in err
    assert fresh_gateway.gateway.open_session_ids() == []


def test_sigterm_is_said_in_one_line(tmp_path: Path, fresh_gateway: EmbeddedGateway) -> None:
    script = tmp_path / "slow.mxsh"
    script.write_text(SLOW)
    child = start(tmp_path, fresh_gateway, script)
    try:
        wait_for_line(child, "started")
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=30)
    finally:
        child.kill()
    assert err.splitlines()[0] == (
        "mxshell: terminated (SIGTERM); finishing the run and closing the session"
    )


def test_a_second_ctrl_c_abandons_the_deferred_commands(
    tmp_path: Path, fresh_gateway: EmbeddedGateway
) -> None:
    script = tmp_path / "stuck.mxsh"
    script.write_text("defer echo never restored\ndefer sleep 30\necho started\nsleep 30\n")
    child = start(tmp_path, fresh_gateway, script)
    try:
        wait_for_line(child, "started")
        time.sleep(0.3)
        child.send_signal(signal.SIGINT)  # stops the sleep; the deferred sleep starts
        time.sleep(1.0)
        child.send_signal(signal.SIGINT)  # abandons the deferred commands
        out, err = child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == 130, err
    assert "never restored" not in out
    assert "Traceback" not in err
