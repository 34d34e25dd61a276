"""The prompt is drawn before the shell is assembled (mxshell.app.prompt_first): what a
person at the terminal sees while plugins load and the gateway connects."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import pexpect

from tests.e2e.conftest import PROMPT, spawn_shell
from tests.e2e.test_plugin_failures import install

READY = "Tab completes"  # the banner's last line: the shell is assembled and connected
# A plugin that takes a second and a half to import: the shell is surely still being
# assembled while a test types, however fast the machine.
SLOW_PLUGIN = (
    "import time\n"
    "time.sleep(1.5)\n"
    "from mxshell.api import hookimpl\n\n"
    "@hookimpl\n"
    "def register_commands(register):\n"
    "    pass\n"
)


def slow_shell(tmp_path: Path) -> pexpect.spawn:
    """The shell with SLOW_PLUGIN to load: a window of 1.5 s before it is ready."""
    (tmp_path / "mxtest_slow.py").write_text(SLOW_PLUGIN)
    return spawn_shell(tmp_path, "--plugin", "mxtest_slow", PYTHONPATH=str(tmp_path))


def exit_cleanly(child: pexpect.spawn, tmp_path: Path) -> None:
    """`exit` leaves with status 0, and nothing on the way printed a traceback."""
    child.sendline("exit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in (tmp_path / "terminal.log").read_text()


def first_prompt_then_ready(child: pexpect.spawn) -> None:
    """The prompt comes first, the banner (the shell ready) after it."""
    assert child.expect([PROMPT, READY]) == 0, "the banner came before the prompt"


def test_a_line_typed_as_soon_as_the_prompt_shows_runs_once_the_shell_is_ready(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    child = slow_shell(tmp_path)
    terminal.append(child)
    first_prompt_then_ready(child)
    child.sendline("read Tank1.Level")  # typed while the shell is still being assembled
    child.expect("embedded simulated gateway")
    child.expect(READY)
    child.expect(r"Tank1\.Level\s+[-0-9.]+\s+.*Good")  # run once ready, with its result
    child.expect(PROMPT)
    child.sendline("exit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Tank1.Level" in (tmp_path / "data" / "history").read_text()  # kept, as any line


def test_a_broken_plugin_at_start_is_one_line_under_the_prompt_and_the_shell_works(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    site = tmp_path / "site"
    broken = "raise ImportError('x')\n"
    install(site, "brokenfarm", {"brokenfarm": "mxtest_broken"}, mxtest_broken=broken)
    path = os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])
    child = spawn_shell(tmp_path, PYTHONPATH=path)
    terminal.append(child)
    first_prompt_then_ready(child)
    child.expect("plugin brokenfarm: failed to import mxtest_broken: ImportError: x")
    child.expect(READY)
    child.sendline("echo alive")
    child.expect("alive")
    exit_cleanly(child, tmp_path)


def test_an_unreachable_gateway_at_start_is_one_line_and_the_shell_stays(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    child = spawn_shell(tmp_path, "--endpoint", "127.0.0.1:1", "--plaintext")
    terminal.append(child)
    first_prompt_then_ready(child)
    child.expect("127.0.0.1:1")  # the one line saying it could not connect
    child.expect("not connected: use connect")
    child.sendline("echo still-here")
    child.expect("still-here")
    child.expect(PROMPT)
    exit_cleanly(child, tmp_path)


def test_a_bad_config_file_is_one_line_and_status_2_after_the_prompt(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text("endpoint = [\n")
    child = spawn_shell(tmp_path)
    terminal.append(child)
    child.expect(PROMPT)
    child.expect(r"mxshell: .*config\.toml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "Traceback" not in (tmp_path / "terminal.log").read_text()


def test_tab_completion_works_once_the_shell_is_ready(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    child = spawn_shell(tmp_path)
    terminal.append(child)
    first_prompt_then_ready(child)
    child.expect(READY)
    child.expect(PROMPT)
    child.send("stat")
    child.send("\t")
    child.expect_exact("us")  # Tab completed the rest of the command name
    child.send("\r")
    child.expect(r"state\s+connected")  # `stat` alone would be an unknown command
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_sigterm_at_the_prompt_closes_the_session_and_exits_143(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    child = spawn_shell(tmp_path)
    terminal.append(child)
    child.expect(READY)
    child.expect(PROMPT)
    child.kill(signal.SIGTERM)
    child.expect("terminated \\(SIGTERM\\)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 143


def test_sigterm_while_the_plugins_load_exits_143_with_the_terminal_given_back(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    child = slow_shell(tmp_path)
    terminal.append(child)
    first_prompt_then_ready(child)
    child.kill(signal.SIGTERM)  # before the shell's own handler exists
    child.expect("terminated \\(SIGTERM\\)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 143  # handled: not killed by the signal, raw mode undone
    log = (tmp_path / "terminal.log").read_text()
    assert READY not in log and "Traceback" not in log


def test_ctrl_d_while_a_gateway_hangs_the_connect_leaves_at_once(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    with socket.socket() as silent:  # accepts, never answers: the connect waits
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        endpoint = f"127.0.0.1:{silent.getsockname()[1]}"
        child = spawn_shell(tmp_path, "--endpoint", endpoint, "--plaintext")
        terminal.append(child)
        first_prompt_then_ready(child)
        time.sleep(0.5)  # the shell is assembled up to its connect, which hangs
        started = time.monotonic()
        child.sendcontrol("d")
        child.expect(pexpect.EOF, timeout=8)  # the connect's own timeout is longer
        child.close()
    assert child.exitstatus == 0
    assert time.monotonic() - started < 8
    assert READY not in (tmp_path / "terminal.log").read_text()


def test_ctrl_d_before_the_shell_is_ready_leaves_cleanly_with_status_0(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    child = slow_shell(tmp_path)
    terminal.append(child)
    first_prompt_then_ready(child)
    child.sendcontrol("d")  # at once: the shell is still being assembled
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert READY not in (tmp_path / "terminal.log").read_text()  # no banner after leaving
    assert "Traceback" not in (tmp_path / "terminal.log").read_text()


def test_commands_given_with_c_at_a_terminal_start_as_before_with_no_prompt(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    child = spawn_shell(tmp_path, "-c", "echo one-shot")
    terminal.append(child)
    child.expect("one-shot")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    log = (tmp_path / "terminal.log").read_text()
    assert "mxshell>" not in log and "connecting…" not in log
