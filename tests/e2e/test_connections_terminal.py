"""Two named connections at the prompt, in a real pseudo-terminal: the prompt names the
current one, event lines name theirs, Tab completes a connection's name."""

from __future__ import annotations

from pathlib import Path

import pexpect

from tests.e2e.conftest import PROMPT, spawn_shell

COLOUR = r"(?:\x1b\[[0-9;]*m)*"


def named_prompt(name: str) -> str:
    return rf"mxshell{COLOUR}@{name}{COLOUR}>"


def test_the_prompt_and_event_lines_name_connections_and_tab_completes_them(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    child = spawn_shell(tmp_path)
    terminal.append(child)
    child.expect(PROMPT)
    child.sendline("connect --name lab")
    child.expect(named_prompt("default"))  # two connections: the prompt says which
    child.sendline("use lab")
    child.expect(named_prompt("lab"))
    child.send("read defa\t")  # Tab: the connection's name, to go on with a tag
    child.expect("default:")
    child.send("Tank1.Level.Hi\r")
    child.expect(r"Tank1\.Level\.Hi")
    child.expect(named_prompt("lab"))
    child.sendline("add-item default:Tank1.Level --as level; advise default:level")
    child.expect(r"default:level = \d")  # an event above the prompt names its connection
    child.sendline("exit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
