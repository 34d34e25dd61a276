"""Recording event rows to JSON Lines or CSV files, created readable by their owner only."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

COLUMNS = ("worker_sequence", "event", "item", "tag", "value", "quality", "timestamp", "ok")


def plain(value: Any) -> Any:
    """A JSON-ready form of a value: RFC 3339 datetimes, base64 bytes, lists kept."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def open_private(path: Path) -> TextIO:
    """Open path for writing, creating it 0600 (the owner only) where the OS has modes."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return io.open(fd, "w", encoding="utf-8", newline="")  # noqa: UP020 - from a descriptor


class EventRecorder:
    """Writes one row per event; the format follows the file's suffix (.jsonl or .csv)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in (".jsonl", ".csv"):
            raise ValueError(f"record to a .jsonl or .csv file, not {self.path.name!r}")
        self.format = suffix[1:]
        self._file = open_private(self.path)
        self._csv = csv.writer(self._file) if self.format == "csv" else None
        if self._csv is not None:
            self._csv.writerow(COLUMNS)
        self.count = 0

    def write(self, row: dict[str, Any]) -> None:
        if self._csv is not None:
            self._csv.writerow([_csv_cell(plain(row.get(c))) for c in COLUMNS])
        else:
            self._file.write(json.dumps({k: plain(v) for k, v in row.items()}) + "\n")
        self.count += 1

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value)
    return value
