"""Colour at the prompt through the pygments style (issue 22): Bad quality and failures
in the error colour, JSON highlighted; none with NO_COLOR, none when stdout is a pipe."""

from __future__ import annotations

from pathlib import Path

import pexpect

from tests.e2e.conftest import PROMPT, spawn_shell
from tests.test_cli import run_cli

RED = "\x1b[31m"  # the mxshell style's ansired


def test_bad_quality_and_failures_are_red_and_json_is_highlighted_at_the_prompt(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    child = spawn_shell(tmp_path)
    terminal.append(child)
    child.expect(PROMPT)
    child.sendline("read FlowMeter2.RawSignal Tank1.Capacity")
    child.expect_exact(f"{RED}Bad, communication failure (24)")
    child.expect(r"Tank1.Capacity\s+25000\s+Good \(192\)")  # Good stays plain
    child.expect(PROMPT)
    child.sendline("read No.Such.Tag")
    child.expect_exact(RED)  # the failure line in the error colour
    child.expect(PROMPT)
    child.sendline("set output json")
    child.expect(PROMPT)
    child.sendline("status")
    child.expect(r"\x1b\[[0-9;]+m\"command\"")  # a JSON key, coloured by JsonLexer
    child.expect(PROMPT)
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_no_color_turns_colour_off_at_the_prompt(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    child = spawn_shell(tmp_path, NO_COLOR="1")
    terminal.append(child)
    child.expect(PROMPT)
    child.sendline("read FlowMeter2.RawSignal")
    child.expect(r"FlowMeter2.RawSignal\s+\S+\s+Bad, communication failure \(24\)")
    assert RED not in (child.before or "")
    child.expect(PROMPT)
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_piped_output_has_no_escape_codes(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "-c", "read FlowMeter2.RawSignal; read No.Such.Tag")
    assert "Bad, communication failure (24)" in done.stdout
    assert "\x1b" not in done.stdout and "\x1b" not in done.stderr
