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
from collections.abc import Callable, Sequence
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


class SnapshotWriter:
    """Writes a snapshot as its tags are read: the file is created (0600, never through a
    symbolic link) and its header written before the first read, and each call's answers
    are made rows (`to_state`) and written as they come, while the next calls are out at
    the gateway. `close()` ends the file; `failed` holds the tags that could not be read;
    `abort()` removes a file left half written (a snapshot is whole or not at all)."""

    def __init__(
        self,
        path: Path,
        endpoint: str,
        taken: str,
        count: int,
        *,
        overwrite: bool,
        to_state: Callable[[str, Any], TagState],
    ) -> None:
        self.path, self.kind, self.to_state = path, file_format(path), to_state
        self.written = 0
        self.failed: list[TagState] = []
        try:
            self._out = open_private(path, overwrite=overwrite)
        except ValueError as error:
            raise SnapshotFileError(str(error)) from None
        except OSError as error:
            raise SnapshotFileError(f"cannot write {path}: {error.strerror}") from None
        self._csv = csv.writer(self._out) if self.kind == "csv" else None
        if self._csv is None:
            head = {"endpoint": endpoint, "taken": taken, "tags": count}
            self._out.write(json.dumps({"snapshot": head}) + "\n")
        else:
            mark = [CSV_MARK, f"endpoint={endpoint}", f"taken={taken}", f"tags={count}"]
            self._csv.writerows([mark, COLUMNS])

    def add(self, tags: Sequence[str], answers: Any) -> None:
        """One call's answers, as rows in the file; SnapshotFileError if it cannot be
        written (the read stops there)."""
        states = [self.to_state(t, a) for t, a in zip(tags, answers, strict=True)]
        self.failed += [s for s in states if not s.ok]
        self.written += len(states)
        try:
            self._write(states)
        except (OSError, ValueError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise SnapshotFileError(f"cannot write {self.path}: {reason}") from None

    def close(self) -> None:
        self._out.close()

    def abort(self) -> None:
        self._out.close()
        self.path.unlink(missing_ok=True)

    def _write(self, states: Sequence[TagState]) -> None:
        if self._csv is None:
            dumps = json.dumps
            self._out.write(
                "".join(
                    dumps(
                        {
                            "tag": s.tag,
                            "value": plain(s.value),
                            "type": s.type,
                            "quality": s.quality,
                            "timestamp": s.timestamp,
                            "ok": s.ok,
                            "status": s.status,
                        }
                    )
                    + "\n"
                    for s in states
                )
            )
            return
        self._csv.writerows(
            [
                s.tag,
                value_text(s.value) if s.ok else "",
                s.type or "",
                "" if s.quality is None else s.quality,
                s.timestamp or "",
                s.ok,
                s.status,
            ]
            for s in states
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
