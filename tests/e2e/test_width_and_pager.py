"""Results at the prompt fit the terminal (80 and 200 columns) and tall ones are paged."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pexpect
import pytest

from tests.e2e.conftest import PROMPT, spawn_shell

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]")
NOTE = (
    "Bearing noise reported on the drive end; check the coupling alignment and grease "
    "before the next start-up END"
)  # a value that makes a table of about 170 columns
BUILTIN = "q quits"  # the built-in pager's status line
NO_PAGER = "/nonexistent/pager"  # a pager that is named but missing: the built-in one


# An external pager as $PAGER names one: it reads the text, says so, and quits on q from
# the terminal (for a machine without less).
FAKE_PAGER = """\
import sys, termios, tty
shown = sys.stdin.read()
print(f"FAKE-PAGER-SHOWING {len(shown.splitlines())} lines", flush=True)
with open("/dev/tty") as keys:
    saved = termios.tcgetattr(keys)
    tty.setcbreak(keys)
    try:
        while keys.read(1) != "q":
            pass
    finally:
        termios.tcsetattr(keys, termios.TCSADRAIN, saved)
"""


def shell(tmp_path: Path, columns: int, rows: int = 24, **env: str) -> pexpect.spawn:
    child = spawn_shell(tmp_path, dimensions=(rows, columns), **{"MXSHELL_PAGER": "", **env})
    child.expect(PROMPT)
    return child


def output_of(child: pexpect.spawn, command: str) -> list[str]:
    """The lines `command` printed at the prompt, colour codes removed."""
    child.sendline(f"echo BEGIN-MARK; {command}; echo END-MARK; echo -")
    child.expect(r"BEGIN-MARK\r\n")
    child.expect(r"END-MARK\r\n")
    raw = child.before
    child.expect(PROMPT)
    # What a terminal shows of each line: after its last carriage return (a long
    # command's spinner, erased, leaves one before the line printed over it) and after its
    # last erase-below (a prompt redrawn and wiped on the line before output came).
    shown = [
        ANSI.sub("", line.rpartition("\x1b[J")[2]).rstrip("\r").rpartition("\r")[2]
        for line in raw.split("\r\n")
    ]
    return [line for line in shown if line]


@pytest.mark.parametrize("columns", [80, 200])
def test_help_is_one_line_per_command_within_the_terminals_width(
    tmp_path: Path, terminal: list[pexpect.spawn], columns: int
) -> None:
    child = shell(tmp_path, columns)
    terminal.append(child)
    output_of(child, "set pager off")
    lines = output_of(child, "help")
    assert len(lines) > 40 and "core" in lines  # family headings
    assert max(len(line) for line in lines) <= columns
    plugins = next(line for line in lines if line.lstrip().startswith("plugins "))
    whole = plugins.endswith("commands and any failure.")
    assert whole == (columns == 200), plugins  # cut with … at 80, whole at 200
    assert plugins.endswith("…") == (columns == 80)


@pytest.mark.parametrize("columns", [80, 200])
def test_a_wide_table_is_cut_at_80_columns_and_whole_at_200(
    tmp_path: Path, terminal: list[pexpect.spawn], columns: int
) -> None:
    child = shell(tmp_path, columns)
    terminal.append(child)
    output_of(child, f"write Pump1.MaintenanceNote '{NOTE}'")
    lines = output_of(child, "read Pump1.MaintenanceNote")
    table = lines[lines.index(next(x for x in lines if x.startswith("tag "))) :]
    assert max(len(line) for line in lines) <= columns  # read's own event lines are cut too
    row = next(line for line in table if line.startswith("Pump1.MaintenanceNote"))
    assert (NOTE in row) == (columns == 200)
    assert ("…" in row) == (columns == 80)
    assert "Good (192)" in row  # the columns after the long one are still there
    output_of(child, "set wrap on")
    lines = output_of(child, "read Pump1.MaintenanceNote")
    wrapped = [line for line in lines if " = " not in line]  # read's own event lines aside
    assert max(len(line) for line in wrapped) <= columns
    assert "…" not in "".join(wrapped)
    assert " ".join(line[23:].split("  ")[0].strip() for line in wrapped[2:]).startswith(
        "Bearing noise"
    )


def test_the_builtin_pager_starts_for_tall_output_not_short_and_q_returns(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    child = shell(tmp_path, 80, PAGER=NO_PAGER)
    terminal.append(child)
    assert output_of(child, "echo short-one") == ["short-one"]  # no pager: straight back
    child.sendline("help")
    child.expect(BUILTIN)
    child.send("q")
    assert output_of(child, "echo back-at-the-prompt") == ["back-at-the-prompt"]
    child.sendline("set pager always")
    child.expect(BUILTIN)  # always: even set's one line
    child.send("q")
    child.expect(PROMPT)
    child.sendline("set pager off")  # said after the change: not paged any more
    child.expect(r"pager  off\r\n")
    child.expect(PROMPT)
    lines = output_of(child, "help")  # off: printed whole, no pager
    assert len(lines) > 40 and BUILTIN not in child.before


def test_an_external_pager_from_PAGER_starts_for_tall_output_and_q_returns(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    if shutil.which("less") is not None:
        # less says this in its prompt line, so the test knows it is less showing the text.
        child = shell(tmp_path, 80, PAGER="less -SRXF", LESS="-PsLESS-IS-PAGING")
        marker = "LESS-IS-PAGING"
    else:  # a machine without less: a pager of the test's own, from $PAGER all the same
        pager = tmp_path / "pager.py"
        pager.write_text(FAKE_PAGER)
        child = shell(tmp_path, 80, PAGER=f"{sys.executable} {pager}")
        marker = r"FAKE-PAGER-SHOWING \d+ lines"
    terminal.append(child)
    child.sendline("help")
    child.expect(marker)
    child.send("q")
    assert output_of(child, "echo back-at-the-prompt") == ["back-at-the-prompt"]


def test_commands_from_c_are_never_paged_nor_cut(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    child = spawn_shell(tmp_path, "-c", "help", dimensions=(24, 80), PAGER=NO_PAGER)
    terminal.append(child)
    child.expect(pexpect.EOF)
    child.close()
    text = ANSI.sub("", child.before)
    assert child.exitstatus == 0 and BUILTIN not in text
    assert max(len(line) for line in text.split("\r\n")) > 80  # whole, for the terminal to fold


def test_backslash_q_leaves_like_exit(tmp_path: Path, terminal: list[pexpect.spawn]) -> None:
    child = shell(tmp_path, 80)
    terminal.append(child)
    child.sendline("\\q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.parametrize("columns", [80, 200])
def test_the_bottom_toolbar_fits_the_terminal_in_whole_fields(
    tmp_path: Path, terminal: list[pexpect.spawn], columns: int
) -> None:
    # A plugin's field makes the whole line wider than 80 columns.
    (tmp_path / "mxtest_wide_field.py").write_text(
        "from mxshell.api import hookimpl\n\n"
        "@hookimpl\n"
        "def register_toolbar_fields(register):\n"
        "    register(lambda: 'historian forwarding to three stores')\n"
    )
    # The toolbar is drawn only once the cursor's row is known: answer its position request.
    child = spawn_shell(
        tmp_path,
        "--plugin",
        "mxtest_wide_field",
        dimensions=(24, columns),
        PROMPT_TOOLKIT_NO_CPR="0",
        PYTHONPATH=str(tmp_path),
    )
    terminal.append(child)
    # The banner first (the prompt is drawn before the shell, whose toolbar may show
    # before the banner lands above it), then the toolbar drawn after it.
    for drawn_next in ("Tab completes", r"ev/s[^\r\n]*"):
        while child.expect([r"\x1b\[6n", drawn_next]) == 0:
            child.send("\x1b[1;1R")
    drawn = ANSI.sub("", child.before + child.after).split("\r")[-1].split("\n")[-1]
    toolbar = drawn[drawn.index("127.0.0.1:") :].rstrip()
    assert len(toolbar) <= columns
    fields = toolbar.split(" | ")
    assert fields[1] == "connected" and "advised 0" in fields
    whole = columns == 200
    assert any(f.startswith("session ") for f in fields) == whole  # the first to give way
    assert ("historian forwarding to three stores" in fields) == whole


def test_read_of_an_objects_attribute_list_fits_80_columns(
    tmp_path: Path, terminal: list[pexpect.spawn]
) -> None:
    child = shell(tmp_path, 80)
    terminal.append(child)
    # A 250-character value; the pause lets the read's own event line arrive in the output.
    lines = output_of(child, "read Pump1._Attributes; sleep 0.5")
    assert any(line.startswith("Pump1._Attributes") for line in lines)
    assert max(len(line) for line in lines) <= 80
