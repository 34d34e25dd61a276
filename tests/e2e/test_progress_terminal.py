"""A long command shows a spinner at the prompt, in a real pseudo-terminal."""

from __future__ import annotations

from pathlib import Path

import pexpect

from tests.e2e.conftest import PROMPT, spawn_shell


def test_a_long_command_spins_at_the_prompt_but_not_under_json(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    child = spawn_shell(tmp_path)
    terminal.append(child)
    child.expect(PROMPT)
    child.sendline("sleep 1.8")
    child.expect(r"[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] 1\.\d s")
    child.expect(PROMPT)
    child.sendline("set output json; sleep 1.8; echo done")
    child.expect('"done"')
    assert "⠋" not in (child.before or "")
    child.sendline("exit")
    child.expect(pexpect.EOF)
