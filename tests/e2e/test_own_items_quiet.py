"""A command's own items do not echo as events (issue 22): `read` of an unadvised tag
advises it for a moment, and its data change must not print above its table."""

from __future__ import annotations

from pathlib import Path

import pexpect

from tests.e2e.conftest import PROMPT, spawn_shell


def test_a_reads_own_advise_prints_no_event_line_but_a_users_advise_does(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    child = spawn_shell(tmp_path, NO_COLOR="1")
    terminal.append(child)
    child.expect(PROMPT)
    child.sendline("read Tank1.Capacity Tank1.Level")
    child.expect(r"Tank1.Level\s+[-0-9.]+\s+Good \(192\)")
    child.expect(PROMPT)
    child.sendline("add-item Tank1.Capacity --as cap; advise cap")
    child.expect(r"cap = 25000\s+Good \(192\)")  # a user's advise does print its changes
    child.expect(PROMPT)
    child.sendline("exit")
    child.expect(pexpect.EOF)
    log = (tmp_path / "terminal.log").read_text()
    before_user = log[: log.index("cap = 25000")]
    assert "Tank1.Capacity = " not in before_user and "Tank1.Level = " not in before_user
