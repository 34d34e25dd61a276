"""Choosing the pager, and when output is tall enough to need one."""

from __future__ import annotations

import shutil

import pytest

from mxshell.shell.pager import LESS, pager_command, screen_lines


@pytest.fixture
def no_pager_variables(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("MXSHELL_PAGER", raising=False)
    monkeypatch.delenv("PAGER", raising=False)
    return monkeypatch


def test_mxshell_pager_wins_over_pager(no_pager_variables: pytest.MonkeyPatch) -> None:
    python = shutil.which("python") or shutil.which("python3")
    assert python is not None
    no_pager_variables.setenv("PAGER", "more")
    no_pager_variables.setenv("MXSHELL_PAGER", f"{python} -c 'import sys'")
    assert pager_command() == [python, "-c", "import sys"]


def test_a_named_pager_that_is_missing_gives_the_builtin_one(
    no_pager_variables: pytest.MonkeyPatch,
) -> None:
    no_pager_variables.setenv("PAGER", "/nonexistent/pager -x")
    assert pager_command() is None


def test_without_variables_less_where_it_is_installed_else_the_builtin(
    no_pager_variables: pytest.MonkeyPatch, tmp_path: object
) -> None:
    expected = LESS if shutil.which("less") else None
    assert pager_command() == expected
    no_pager_variables.setenv("PATH", str(tmp_path))  # no less on this PATH
    assert pager_command() is None


def test_screen_lines_counts_each_fold_of_a_long_line() -> None:
    assert screen_lines("a\nb", 80) == 2
    assert screen_lines("x" * 81, 80) == 2
    assert screen_lines("x" * 80 + "\n\n", 80) == 3
