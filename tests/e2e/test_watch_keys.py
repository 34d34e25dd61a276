"""The watch view's keys in a real pseudo-terminal: / filters the rows, q leaves."""

from __future__ import annotations

from pathlib import Path

import pexpect

from mxshell.sim import EmbeddedGateway
from tests.e2e.conftest import PROMPT, spawn_shell
from tests.e2e.test_terminal import KEY_VARIABLE, connect_args, own_gateway  # noqa: F401


def test_slash_filters_the_watch_view_and_q_leaves_it(
    tmp_path: Path,
    terminal: list[pexpect.spawn],
    own_gateway: EmbeddedGateway,  # noqa: F811
) -> None:
    child = spawn_shell(tmp_path, *connect_args(own_gateway), **{KEY_VARIABLE: own_gateway.api_key})
    terminal.append(child)
    child.expect(PROMPT)
    child.sendline("set events off; add-item Tank1.Level --as aaaa; add-item Pump1.Speed --as bbbb")
    child.expect(PROMPT)
    child.sendline("watch aaaa bbbb")
    child.expect_exact("rate/s")
    child.expect_exact("aaaa")
    child.expect_exact("bbbb")  # the second row, drawn once: redraws only write what changed

    child.send("/SPEED")
    # The filter line, as typed, and how many rows it leaves (drawn whole: a new line).
    child.expect(r"filter: SPEED▏(?:\x1b\[[0-9;]*m)*\s+1 of 2 · Enter keeps")
    # The one row left (Pump1.Speed's) is drawn again on the first row's line, in the
    # same frame, above the filter line.
    assert "bbbb" in child.before
    child.send("\r")  # Enter keeps the filter and closes the line
    child.expect_exact("/ edits")

    child.send("q")
    child.expect(r"watched 2 item\(s\) for [\d.]+ s: \d+ change\(s\)")
    child.expect(PROMPT)
    child.sendline("exit")
    child.expect(pexpect.EOF)
