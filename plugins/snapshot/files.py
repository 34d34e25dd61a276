"""Snapshot files: what `snapshot save` writes and `diff` / `restore` read back.

JSON lines (.jsonl): the first line is {"snapshot": {"endpoint", "taken", "tags"}}, then
one object per tag: {"tag", "value", "type", "quality", "timestamp", "ok", "status"}.
CSV (.csv): the first row is `#snapshot,endpoint=HOST:PORT,taken=TIME,tags=N`, the second
the column names tag,value,type,quality,timestamp,ok,status, then one row per tag. A
value is kept so that it reads back exactly as its type: in JSON as itself (a time as
RFC 3339, bytes as hex), in CSV as text (a list as a JSON list). A tag that could not
be read has ok false, no value and the reason in status.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from mxshell.api.gateway import parse_value_text
from mxshell.api.output import open_private

COLUMNS = ["tag", "value", "type", "quality", "timestamp", "ok", "status"]
CSV_MARK = "#snapshot"
FORMATS = (".jsonl", ".csv")
MAX_BYTES = 256 * 1024 * 1024  # a snapshot of 100,000 tags is a few MiB


class SnapshotFileError(ValueError):
    """A snapshot file that cannot be written or read, said in one line."""


@dataclass
class TagState:
    """One tag as a snapshot holds it (or as it reads live now)."""

    tag: str
    value: Any = None
    type: str | None = None
    quality: int | None = None
    timestamp: str | None = None
    ok: bool = True
    status: str = "Ok"


@dataclass
class Snapshot:
    endpoint: str
    taken: str
    tags: list[TagState] = field(default_factory=list)
    name: str = ""  # the file it came from, or 'live'

    def by_tag(self) -> dict[str, TagState]:
        return {state.tag: state for state in self.tags}


def file_format(path: str | Path) -> str:
    """'jsonl' or 'csv' from the file's suffix; SnapshotFileError for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise SnapshotFileError(f"a snapshot is a .jsonl or .csv file, not {Path(path).name!r}")
    return suffix[1:]


def plain(value: Any) -> Any:
    """A value as JSON holds it: a time as RFC 3339, bytes as hex, lists kept."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def value_text(value: Any) -> str:
    """A recorded value as text that parse_value_text reads back for its type."""
    value = plain(value)
    if isinstance(value, list):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def typed_value(value: Any, type_name: str | None) -> Any:
    """The Python value a recorded one stands for, as its recorded type reads it (a
    time as a datetime, a float32 as the float it was); None for no value."""
    if value is None or type_name in (None, "empty"):
        return None
    text = value if isinstance(value, str) else value_text(value)
    return parse_value_text(text, type_name)


def write_snapshot(path: Path, snapshot: Snapshot, *, overwrite: bool) -> None:
    """Write the file (created 0600, never through a symbolic link)."""
    kind = file_format(path)
    try:
        out = open_private(path, overwrite=overwrite)
    except ValueError as error:
        raise SnapshotFileError(str(error)) from None
    except OSError as error:
        raise SnapshotFileError(f"cannot write {path}: {error.strerror}") from None
    with out:
        if kind == "jsonl":
            head = {"endpoint": snapshot.endpoint, "taken": snapshot.taken}
            out.write(json.dumps({"snapshot": {**head, "tags": len(snapshot.tags)}}) + "\n")
            for state in snapshot.tags:
                row = {c: getattr(state, c) for c in COLUMNS}
                out.write(json.dumps({**row, "value": plain(state.value)}) + "\n")
        else:
            writer = csv.writer(out)
            writer.writerow(
                [
                    CSV_MARK,
                    f"endpoint={snapshot.endpoint}",
                    f"taken={snapshot.taken}",
                    f"tags={len(snapshot.tags)}",
                ]
            )
            writer.writerow(COLUMNS)
            for s in snapshot.tags:
                value = value_text(s.value) if s.ok else ""
                quality = "" if s.quality is None else s.quality
                writer.writerow(
                    [s.tag, value, s.type or "", quality, s.timestamp or "", s.ok, s.status]
                )


def read_snapshot(path: Path) -> Snapshot:
    """A snapshot file read back; SnapshotFileError naming FILE:LINE when it is not one."""
    kind = file_format(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise SnapshotFileError(f"{path} is over {MAX_BYTES // 2**20} MiB")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SnapshotFileError(f"no snapshot file {path}") from None
    except UnicodeDecodeError:
        raise SnapshotFileError(f"{path} is not UTF-8 text") from None
    except OSError as error:
        raise SnapshotFileError(f"cannot read {path}: {error.strerror}") from None
    snapshot = _read_jsonl(path, text) if kind == "jsonl" else _read_csv(path, text)
    snapshot.name = str(path)
    return snapshot


def _read_jsonl(path: Path, text: str) -> Snapshot:
    lines = text.splitlines()
    try:
        head = json.loads(lines[0])["snapshot"] if lines else None
    except (json.JSONDecodeError, KeyError, TypeError):
        head = None
    if not isinstance(head, dict):
        raise SnapshotFileError(f'{path}:1: not a snapshot (no {{"snapshot": ...}} first line)')
    snapshot = Snapshot(str(head.get("endpoint", "")), str(head.get("taken", "")))
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            state = _state(row)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise SnapshotFileError(f"{path}:{number}: not a snapshot entry ({error})") from None
        snapshot.tags.append(state)
    return snapshot


def _read_csv(path: Path, text: str) -> Snapshot:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or not rows[0] or rows[0][0] != CSV_MARK:
        raise SnapshotFileError(f"{path}:1: not a snapshot (no {CSV_MARK} first row)")
    head = dict(cell.partition("=")[::2] for cell in rows[0][1:])
    if len(rows) < 2 or rows[1] != COLUMNS:
        raise SnapshotFileError(f"{path}:2: the columns must be {','.join(COLUMNS)}")
    snapshot = Snapshot(head.get("endpoint", ""), head.get("taken", ""))
    for number, cells in enumerate(rows[2:], start=3):
        if not cells:
            continue
        if len(cells) != len(COLUMNS):
            raise SnapshotFileError(f"{path}:{number}: {len(cells)} cells, not {len(COLUMNS)}")
        row: dict[str, Any] = dict(zip(COLUMNS, cells, strict=True))
        row["ok"] = row["ok"] == "True"
        row["quality"] = int(row["quality"]) if row["quality"] else None
        try:
            state = _state(row)
        except (KeyError, ValueError) as error:
            raise SnapshotFileError(f"{path}:{number}: not a snapshot entry ({error})") from None
        snapshot.tags.append(state)
    return snapshot


def _state(row: dict[str, Any]) -> TagState:
    ok = bool(row.get("ok", True))
    type_name = row.get("type") or None
    value = typed_value(row.get("value"), type_name) if ok else None
    quality = row.get("quality")
    return TagState(
        str(row["tag"]),
        value,
        type_name,
        None if quality is None else int(quality),
        row.get("timestamp") or None,
        ok,
        str(row.get("status") or ("Ok" if ok else "failed")),
    )


def tags_of(snapshots: Sequence[Snapshot]) -> list[str]:
    """Every tag the snapshots name, in first-seen order."""
    return list(dict.fromkeys(s.tag for snap in snapshots for s in snap.tags))
