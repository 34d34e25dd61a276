"""The REPL end to end in a pseudo-terminal, against a simulated gateway on a real socket."""

from __future__ import annotations

from pathlib import Path

import pexpect
import pytest

from mxshell.sim import EmbeddedGateway, SimConfig
from tests.e2e.conftest import PROMPT, spawn_shell

KEY_VARIABLE = "MXSHELL_TEST_KEY"


@pytest.fixture
def own_gateway() -> EmbeddedGateway:
    with EmbeddedGateway(SimConfig(update_interval_s=0.1)) as gateway:
        yield gateway


def connect_args(gateway: EmbeddedGateway) -> list[str]:
    return ["--endpoint", gateway.endpoint, "--plaintext", "--api-key-env", KEY_VARIABLE]


def test_embedded_default_starts_with_a_banner_and_exit_leaves_with_status_0(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    child = spawn_shell(tmp_path)
    terminal.append(child)
    child.expect("embedded simulated gateway")
    child.expect(PROMPT)
    child.sendline("exit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_tab_completion_an_event_above_the_prompt_ctrl_c_and_ctrl_d(
    tmp_path: Path, terminal: list[pexpect.spawn], own_gateway: EmbeddedGateway
) -> None:
    child = spawn_shell(tmp_path, *connect_args(own_gateway), **{KEY_VARIABLE: own_gateway.api_key})
    terminal.append(child)
    child.expect(f"connected to {own_gateway.endpoint}")
    child.expect(PROMPT)
    assert len(own_gateway.gateway.open_session_ids()) == 1

    child.send("stat")
    child.send("\t")
    child.expect_exact("us")  # Tab completed the rest of the command name
    child.send("\r")
    child.expect(r"state\s+connected")  # `stat` alone would be an unknown command
    child.expect(PROMPT)

    child.sendline("add-item Tank1.Level --as level; advise level")
    child.expect(r"level = [-0-9.]+\s+Good \(192\)")  # an OnDataChange printed above the prompt

    child.sendline("set events off")
    child.expect(PROMPT)
    child.sendline("stream-events")
    child.expect("on_data_change")
    child.sendintr()  # Ctrl-C cancels the stream, not the shell
    child.expect("interrupted|cancelled")
    child.expect(PROMPT)
    child.sendline("status")
    child.expect(r"advised_items\s+1")
    child.expect(PROMPT)  # Ctrl-D is a key press only while the prompt is up

    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert own_gateway.gateway.open_session_ids() == []


def test_a_gateway_restart_is_announced_and_the_advise_restored(
    tmp_path: Path, terminal: list[pexpect.spawn], own_gateway: EmbeddedGateway
) -> None:
    child = spawn_shell(tmp_path, *connect_args(own_gateway), **{KEY_VARIABLE: own_gateway.api_key})
    terminal.append(child)
    child.expect(PROMPT)
    child.sendline("set events off; add-item Tank1.Level --as level; advise level; items")
    child.expect(r"level\s+Tank1\.Level\s+advise")
    child.expect(PROMPT)
    own_gateway.restart()
    child.expect("lost")
    child.expect(r"reconnected .*restored 1 registration\(s\), 1 item\(s\), 1 advise\(s\)")
    child.sendline("items")
    child.expect(r"level\s+Tank1\.Level\s+advise")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    screen = (tmp_path / "terminal.log").read_text().lower()
    assert "goaway" not in screen  # gRPC's own log lines stay off the user's screen


def test_secrets_typed_at_the_prompt_never_reach_the_history_file(
    tmp_path: Path, terminal: list[pexpect.spawn], own_gateway: EmbeddedGateway
) -> None:
    child = spawn_shell(tmp_path, "--endpoint", own_gateway.endpoint, "--plaintext")
    terminal.append(child)
    child.expect(PROMPT)
    # The API key typed as an option, and a password typed at a hidden prompt.
    child.sendline(f"connect {own_gateway.endpoint} --plaintext --api-key {own_gateway.api_key}")
    child.expect(r"state\s+connected")
    child.expect(PROMPT)
    child.sendline("write-secured Tank1.Level 5 --user operator")
    child.expect("password for operator")
    child.sendline("operator1-typed-secret")
    child.expect(PROMPT)
    child.sendline("exit")
    child.expect(pexpect.EOF)
    history = (tmp_path / "data" / "history").read_text()
    assert "connect" in history and "write-secured" in history
    assert own_gateway.api_key not in history
    assert "operator1-typed-secret" not in history
    assert (tmp_path / "data" / "history").stat().st_mode & 0o777 == 0o600


def test_at_the_prompt_the_collector_runs_with_start_up_and_the_repl_frozen(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    from mxshell.app.collector import YOUNG_THRESHOLD

    (tmp_path / "mxtest_gc_state.py").write_text(
        "import gc, sys\n"
        "from mxshell.api import command, hookimpl\n\n"
        '@command("gc-state", help="The collector as the shell runs it.")\n'
        "async def gc_state(ctx):\n"
        "    frozen = gc.get_freeze_count()\n"
        "    # A module prompt_toolkit imports for the REPL: frozen, out of the collector's\n"
        "    # sight, once start-up is over.\n"
        "    module = sys.modules['prompt_toolkit.application.application'].__dict__\n"
        "    in_sight = any(o is module for o in gc.get_objects())\n"
        "    return (f'gc on={gc.isenabled()} young={gc.get_threshold()[0]} '\n"
        "            f'frozen={frozen} repl-frozen={not in_sight}')\n\n"
        "@hookimpl\n"
        "def register_commands(register):\n"
        "    register(gc_state)\n"
    )
    child = spawn_shell(tmp_path, "--plugin", "mxtest_gc_state", PYTHONPATH=str(tmp_path))
    terminal.append(child)
    child.expect(PROMPT)
    child.sendline("gc-state")
    child.expect(r"gc on=(\w+) young=(\d+) frozen=(\d+) repl-frozen=(\w+)")
    enabled, young, frozen, repl_frozen = child.match.groups()
    assert (enabled, int(young), repl_frozen) == ("True", YOUNG_THRESHOLD, "True")
    assert int(frozen) > 10_000
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_secrets_run_through_aliases_never_reach_the_history_file(
    tmp_path: Path, terminal: list[pexpect.spawn], own_gateway: EmbeddedGateway
) -> None:
    key = own_gateway.api_key
    child = spawn_shell(tmp_path, "--endpoint", own_gateway.endpoint, "--plaintext")
    terminal.append(child)
    child.expect(PROMPT)
    lines = [
        "alias s set",
        "s password HUNTER2-alias",
        f"alias c 'connect {own_gateway.endpoint} --plaintext --api-key'",
        f"c {key}",
        f"alias k 'connect {own_gateway.endpoint} --plaintext --api-key {key}'",
        "s speed 1200",
    ]
    for line in lines:
        child.sendline(line)
        child.expect(PROMPT)
    child.sendline("history")
    child.expect(PROMPT)
    child.sendline("exit")
    child.expect(pexpect.EOF)
    history = (tmp_path / "data" / "history").read_text()
    assert "HUNTER2-alias" not in history and key not in history
    assert "s password <redacted>" in history and "c <redacted>" in history
    assert "--api-key <redacted>'" in history
    assert "s speed 1200" in history  # ordinary values are kept as typed
    screen = (tmp_path / "terminal.log").read_text()
    assert "HUNTER2-alias" not in screen.split("history", 1)[-1]


def test_the_input_line_is_coloured_by_the_style_setting_and_a_bad_style_is_one_line(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    child = spawn_shell(tmp_path)
    terminal.append(child)
    child.expect(PROMPT)
    child.sendline("set style monokia")
    child.expect(r"style: 'monokia' is not an installed pygments style; styles: [^\r\n]*monokai")
    child.expect(PROMPT)
    child.sendline("set style monokai")
    child.expect(PROMPT)
    child.send("read")  # monokai's function green (#a6e22e), as a 256-colour code
    child.expect(r"\x1b\[[0-9;]*38;5;148[0-9;]*m(?:\x1b\[[0-9;]*m)*r")
    child.send("\r")
    child.expect(PROMPT)
    child.sendline("show style")
    child.expect(r"style\s+monokai")
    child.expect(PROMPT)
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_no_color_keeps_the_input_line_plain_whatever_the_style(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    child = spawn_shell(tmp_path, NO_COLOR="1")
    terminal.append(child)
    child.expect(PROMPT)
    child.sendline("set style monokai")
    child.expect(PROMPT)
    child.send("read Tank1.Level")
    child.expect("Level")
    child.send("\r")
    child.expect(PROMPT)
    child.sendline("exit")
    child.expect(pexpect.EOF)
    child.logfile_read.flush()
    drawn = (tmp_path / "terminal.log").read_text(encoding="utf-8")
    assert "read" in drawn and "38;5;" not in drawn and "\x1b[3" not in drawn  # no colour
