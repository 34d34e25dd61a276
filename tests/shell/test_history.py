"""The history file: created owner-only, and secrets never reach it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from mxshell.shell.history import SecretSafeHistory


def mask_passwords(line: str) -> str | None:
    if "--password" in line:
        return None
    return line.replace("hunter2", "***")


def test_history_file_is_created_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "data" / "history"
    SecretSafeHistory(path, mask_passwords)
    assert path.exists()
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_existing_loose_history_file_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "history"
    path.write_text("")
    path.chmod(0o644)
    SecretSafeHistory(path, mask_passwords)
    expected = 0o600 if os.name == "posix" else stat.S_IMODE(path.stat().st_mode)
    assert stat.S_IMODE(path.stat().st_mode) == expected


def test_redacted_lines_never_reach_the_file(tmp_path: Path) -> None:
    path = tmp_path / "history"
    history = SecretSafeHistory(path, mask_passwords)
    history.append_string("authenticate-user bob --password hunter2")
    history.append_string("echo hunter2")
    history.append_string("status")
    text = path.read_text()
    assert "hunter2" not in text
    assert "echo ***" in text and "status" in text
    assert history.entries()[-2:] == ["echo ***", "status"]
    # A fresh history over the same file sees only what was kept.
    again = SecretSafeHistory(path, mask_passwords)
    assert again.entries() == ["echo ***", "status"]
