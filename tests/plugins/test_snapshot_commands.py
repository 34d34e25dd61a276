"""The snapshot family against simulated gateways: save, a value changed, the diff shows
exactly that change, restore puts it back; files, tolerance, refusals, bad input."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from mxshell.testing import ShellRunner

TAGS = "Tank1.Level.Hi Tank1.Mode Pump1.Speed.SP Tank9.Nope"


async def test_save_change_diff_restore_and_diff_clean(
    own_shell: ShellRunner, tmp_path: Path
) -> None:
    shot = tmp_path / "before.jsonl"
    saved = await own_shell.run(f"snapshot save {shot} {TAGS}")
    assert saved.ok, saved.errors
    assert oct(os.stat(shot).st_mode & 0o777) == "0o600"

    assert (await own_shell.run("write Tank1.Level.Hi 77")).ok
    diff = await own_shell.run(f"snapshot diff {shot}")
    assert not diff.ok
    assert diff.outcomes[-1].exit_status == 1
    assert diff.errors == "snapshot: 1 differences (1 changed)"
    data = diff.outcomes[-1].result.as_data()
    assert data["same"] is False
    assert data["differences"] == [
        {
            "tag": "Tank1.Level.Hi",
            "change": "changed",
            "before": 85.0,
            "after": 77.0,
            "detail": "double, by -8",
        }
    ]

    dry = await own_shell.run(f"snapshot restore {shot} --dry-run")
    assert dry.ok, dry.errors
    assert [(r["tag"], r["action"]) for r in dry.result.as_data()["entries"]] == [
        ("Tank1.Level.Hi", "would write")
    ]
    still = await own_shell.run(f"snapshot diff {shot}")
    assert not still.ok  # the dry run wrote nothing

    restored = await own_shell.run(f"snapshot restore {shot}")
    assert restored.ok, restored.errors
    assert restored.result.as_data()["written"] == 1
    assert "restore: Tank1.Level.Hi = 85.0 (double)" in restored.errors  # listed first
    clean = await own_shell.run(f"snapshot diff {shot}")
    assert clean.ok, clean.errors
    assert clean.outcomes[-1].exit_status == 0
    assert clean.result.as_data()["same"] is True


async def test_jsonl_and_csv_parse_back_line_by_line_and_agree(
    mx_shell: ShellRunner, tmp_path: Path
) -> None:
    jsonl, table = tmp_path / "s.jsonl", tmp_path / "s.csv"
    assert (await mx_shell.run(f"snapshot save {jsonl} {TAGS}")).ok
    assert (await mx_shell.run(f"snapshot save {table} {TAGS}")).ok
    lines = [json.loads(line) for line in jsonl.read_text().splitlines()]
    head = lines[0]["snapshot"]
    assert head["endpoint"] == mx_shell.session.endpoint and head["tags"] == 4
    rows = {row["tag"]: row for row in lines[1:]}
    assert rows["Tank1.Mode"]["value"] == "Auto" and rows["Tank1.Mode"]["type"] == "string"
    assert rows["Tank1.Level.Hi"]["quality"] == 192
    # A tag that cannot be read is recorded with the reason, not dropped.
    assert rows["Tank9.Nope"]["ok"] is False
    assert "unknown tag reference" in rows["Tank9.Nope"]["status"]

    cells = list(csv.reader(table.open(newline="")))
    assert cells[0][0] == "#snapshot" and f"endpoint={head['endpoint']}" in cells[0]
    assert cells[1] == ["tag", "value", "type", "quality", "timestamp", "ok", "status"]
    assert [c[0] for c in cells[2:]] == list(rows)
    same = await mx_shell.run(f"snapshot diff {jsonl} {table}")
    assert same.ok, same.errors


async def test_tolerance_absolute_and_percent(own_shell: ShellRunner, tmp_path: Path) -> None:
    shot = tmp_path / "s.csv"
    assert (await own_shell.run(f"snapshot save {shot} Pump1.Speed.SP")).ok
    assert (await own_shell.run("write Pump1.Speed.SP 1210")).ok
    assert not (await own_shell.run(f"snapshot diff {shot} --tolerance 5")).ok
    assert (await own_shell.run(f"snapshot diff {shot} --tolerance 10")).ok
    assert (await own_shell.run(f"snapshot diff {shot} --tolerance 1%")).ok
    assert not (await own_shell.run(f"snapshot diff {shot} --tolerance 0.5%")).ok
    bad = await own_shell.run(f"snapshot diff {shot} --tolerance lots")
    assert bad.outcomes[-1].exit_status == 2
    assert bad.errors.count("\n") == 0 and "--tolerance 'lots'" in bad.errors


async def test_diff_of_two_files_lists_added_missing_and_failed(
    mx_shell: ShellRunner, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert (await mx_shell.run(f"snapshot save {a} Tank1.Mode Tank1.Level.Hi")).ok
    assert (await mx_shell.run(f"snapshot save {b} Tank1.Mode Pump1.Speed.SP")).ok
    diff = await mx_shell.run(f"snapshot diff {a} {b}")
    assert not diff.ok
    changes = [(d["tag"], d["change"]) for d in diff.outcomes[-1].result.as_data()["differences"]]
    assert changes == [("Tank1.Level.Hi", "missing"), ("Pump1.Speed.SP", "added")]


async def test_restore_refuses_view_only_and_secured_entries_in_one_line_each(
    own_shell: ShellRunner, tmp_path: Path
) -> None:
    shot = tmp_path / "s.jsonl"
    header = {"snapshot": {"endpoint": "elsewhere", "taken": "2026-01-01T00:00:00+00:00"}}
    rows = [
        {"tag": "Tank1.Level", "value": 1.5, "type": "double", "quality": 192, "ok": True},
        {"tag": "Tank1.BatchId", "value": "B-0", "type": "string", "quality": 192, "ok": True},
        {"tag": "Tank1.Mode", "value": "Manual", "type": "string", "quality": 192, "ok": True},
    ]
    shot.write_text("\n".join(json.dumps(r) for r in [header, *rows]) + "\n")
    result = await own_shell.run(f"snapshot restore {shot}")
    assert result.ok, result.errors
    entries = {e["tag"]: e for e in result.result.as_data()["entries"]}
    assert entries["Tank1.Level"]["action"] == "refused"
    assert entries["Tank1.Level"]["status"] == "ViewOnly: not writable"
    assert entries["Tank1.BatchId"]["action"] == "refused"
    assert "SecuredWrite" in entries["Tank1.BatchId"]["status"]
    assert "\n" not in entries["Tank1.BatchId"]["status"]
    assert entries["Tank1.Mode"]["action"] == "written"
    assert (await own_shell.run("read Tank1.Mode")).result is not None
    assert "2 refused" in result.text and "1 written" in result.text


async def test_save_refuses_an_existing_file_without_force(
    mx_shell: ShellRunner, tmp_path: Path
) -> None:
    shot = tmp_path / "s.jsonl"
    shot.write_text("keep me\n")
    refused = await mx_shell.run(f"snapshot save {shot} Tank1.Mode")
    assert not refused.ok and "exists; add --force" in refused.errors
    assert shot.read_text() == "keep me\n"
    assert (await mx_shell.run(f"snapshot save {shot} Tank1.Mode --force")).ok
    assert shot.read_text().startswith('{"snapshot"')


async def test_save_never_writes_through_a_symbolic_link(
    mx_shell: ShellRunner, tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("untouched\n")
    link = tmp_path / "s.jsonl"
    link.symlink_to(target)
    result = await mx_shell.run(f"snapshot save {link} Tank1.Mode --force")
    assert not result.ok and "symbolic link" in result.errors
    assert target.read_text() == "untouched\n"


@pytest.mark.parametrize(
    ("line", "status", "words"),
    [
        ("snapshot save s.txt Tank1.Mode", 2, "a snapshot is a .jsonl or .csv file"),
        ("snapshot diff {tmp}/none.jsonl", 1, "no snapshot file"),
        ("snapshot diff {tmp}/bad.jsonl", 1, "bad.jsonl:1: not a snapshot"),
        ("snapshot restore {tmp}/bad.csv", 1, "bad.csv:1: not a snapshot"),
        ("snapshot save {tmp}/s.jsonl", 2, "snapshot save: which tags?"),
        ("snapshot diff {tmp}/a.jsonl {tmp}/b.jsonl {tmp}/c.jsonl", 2, "two snapshots at most"),
        ("snapshot restore {tmp}/bad.csv --force", 2, "snapshot restore takes no --force"),
        ("snapshot list x.jsonl", 2, "invalid choice: 'list'"),
    ],
)
async def test_bad_input_is_one_line(
    mx_shell: ShellRunner, tmp_path: Path, line: str, status: int, words: str
) -> None:
    (tmp_path / "bad.jsonl").write_text('{"tag": "Tank1.Mode"}\n')
    (tmp_path / "bad.csv").write_text("tag,value\n")
    result = await mx_shell.run(line.format(tmp=tmp_path))
    assert result.outcomes[-1].exit_status == status
    assert words in result.errors and "\n" not in result.errors


async def test_restore_writes_secured_and_verified_values_with_the_credentials_given(
    own_shell: ShellRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPERATOR_PW", "operator1")
    monkeypatch.setenv("SUPERVISOR_PW", "supervisor1")
    monkeypatch.setenv("WRONG_PW", "not-the-password")
    who = "--user operator --password-env OPERATOR_PW"
    verified = f"{who} --verifier supervisor --verifier-password-env SUPERVISOR_PW"
    shot = tmp_path / "secured.jsonl"
    secured = "Tank1.BatchId Tank1.DrainValve.Open"
    assert (await own_shell.run(f"write-secured Tank1.BatchId B-1 {who}")).ok
    assert (await own_shell.run(f"snapshot save {shot} {secured}")).ok
    changed = await own_shell.run(
        f"write-secured Tank1.BatchId B-2 {who}; "
        f"write-secured Tank1.DrainValve.Open true {verified}"
    )
    assert changed.ok, changed.errors

    # Only a SecuredWrite user: the verified one stays refused, the secured one is written.
    result = await own_shell.run(f"snapshot restore {shot} {who}")
    entries = {e["tag"]: e for e in result.result.as_data()["entries"]}
    assert entries["Tank1.BatchId"]["action"] == "written", result.errors
    assert entries["Tank1.DrainValve.Open"]["action"] == "refused"
    assert "--verifier" in entries["Tank1.DrainValve.Open"]["status"]

    result = await own_shell.run(f"snapshot restore {shot} {verified}")
    entries = {e["tag"]: e for e in result.result.as_data()["entries"]}
    assert entries == {
        "Tank1.DrainValve.Open": entries["Tank1.DrainValve.Open"]
    }  # BatchId is back already
    assert entries["Tank1.DrainValve.Open"]["action"] == "written", result.errors
    read = await own_shell.run("read Tank1.BatchId Tank1.DrainValve.Open")
    assert [row[1] for row in read.result.rows] == ["B-1", False]

    # A wrong password: one clear line, nothing written, the password never shown.
    assert (await own_shell.run(f"write-secured Tank1.BatchId B-3 {who}")).ok
    wrong = await own_shell.run(f"snapshot restore {shot} --user operator --password-env WRONG_PW")
    assert not wrong.ok
    assert "not-the-password" not in wrong.errors
    assert wrong.err[-1].startswith("snapshot: MXAccess refused AuthenticateUser for operator")
    assert (await own_shell.run("read Tank1.BatchId")).result.rows[0][1] == "B-3"
    usage = await own_shell.run(f"snapshot restore {shot} --verifier supervisor")
    assert usage.outcomes[-1].exit_status == 2 and "--verifier goes with --user" in usage.errors
    misplaced = await own_shell.run(f"snapshot diff {shot} --user operator")
    assert misplaced.outcomes[-1].exit_status == 2
