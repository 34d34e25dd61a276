"""Files the shell writes (history, recordings) are the owner's only, even under a
permissive umask and when an older file was world-readable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mxshell.shell.history import SecretSafeHistory
from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_history_is_created_and_kept_owner_only(tmp_path: Path, open_umask: None) -> None:
    fresh = tmp_path / "new" / "history"
    SecretSafeHistory(fresh, lambda line: line).append_string("status")
    older = tmp_path / "history"
    older.write_text("+status\n")
    older.chmod(0o644)
    SecretSafeHistory(older, lambda line: line).append_string("items")
    assert (mode(fresh), mode(older)) == (0o600, 0o600)


async def test_recordings_are_owner_only(
    tmp_path: Path, open_umask: None, fast_gateway: EmbeddedGateway
) -> None:
    older = tmp_path / "old.csv"
    older.write_text("left from before\n")
    older.chmod(0o666)
    async with ShellRunner.connected(fast_gateway) as shell:
        result = await shell.run(
            f"advise Tank1.Level; record start {tmp_path / 'events.jsonl'}; "
            f"stream-events --max-events 2 --record {older} --force; record stop"
        )
        assert result.ok, result.errors
    assert (mode(tmp_path / "events.jsonl"), mode(older)) == (0o600, 0o600)
    assert "left from before" not in older.read_text()


@pytest.mark.skipif(os.name != "posix", reason="mode bits are POSIX")
def test_the_shells_folders_are_created_owner_only_under_an_open_umask(
    tmp_path: Path, open_umask: None
) -> None:
    from mxshell.app.entrypoints import _write

    data = tmp_path / "data" / "mxshell"
    SecretSafeHistory(data / "history", lambda line: line).append_string("status")
    cache = tmp_path / "cache" / "mxshell"
    _write(cache / "entry-points.json", ["test"], [])
    for folder in (data, data.parent, cache, cache.parent):
        assert mode(folder) == 0o700, folder


async def test_a_recording_never_overwrites_without_force_nor_follows_a_link(
    tmp_path: Path, fast_gateway: EmbeddedGateway
) -> None:
    kept = tmp_path / "last-week.jsonl"
    kept.write_text("last week's events\n")
    target = tmp_path / "elsewhere.jsonl"
    target.write_text("not a recording\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    async with ShellRunner.connected(fast_gateway) as shell:
        refused = await shell.run(f"record start {kept}")
        assert not refused.ok and "exists; add --force" in refused.errors
        assert kept.read_text() == "last week's events\n"
        for command in (f"record start {link}", f"record start {link} --force"):
            through_link = await shell.run(command)
            assert not through_link.ok and "symbolic link" in through_link.errors
        streamed = await shell.run(f"stream-events --max-events 1 --record {kept}")
        assert not streamed.ok and "--force" in streamed.errors
        forced = await shell.run(f"record start {kept} --force; record stop")
        assert forced.ok, forced.errors
    assert target.read_text() == "not a recording\n"
    assert "last week" not in kept.read_text()


async def test_a_secret_written_to_a_tag_is_masked_in_the_recording_and_other_values_kept(
    tmp_path: Path, fast_gateway: EmbeddedGateway
) -> None:
    import json

    path = tmp_path / "events.jsonl"
    async with ShellRunner.connected(fast_gateway) as shell:
        result = await shell.run(
            "set pw --secret Hunter2-pass; advise Tank1.Notes; "
            f"record start {path}; write Tank1.Notes ${{pw}}; wait-for Tank1.Notes == ${{pw}}; "
            "write Tank1.Notes plain-note; wait-for Tank1.Notes == plain-note; record stop"
        )
        assert result.ok, result.errors
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    values = [row.get("value") for row in rows if row.get("tag") == "Tank1.Notes"]
    assert "<redacted>" in values and "plain-note" in values
    assert "Hunter2-pass" not in path.read_text()
