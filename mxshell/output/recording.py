"""Recording event rows to JSON Lines or CSV files, created readable by their owner only.

`EventRecorder` writes rows where it is called. `BackgroundRecorder` is what commands
use on the event loop: the loop hands it whole batches (a cheap list append and a queue
put per batch), and one writer thread per recording turns them into rows, writes them
in order and flushes the file whenever it has caught up, so file I/O never holds the
loop up.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import csv
import io
import json
import os
import queue
import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from mxshell.output.formatting import format_timestamp
from mxshell.output.jsonable import redact

# The columns of a CSV recording (a JSONL recording writes each row's keys as they are).
COLUMNS = (
    "worker_sequence",
    "event",
    "server_handle",
    "item_handle",
    "item",
    "tag",
    "value",
    "quality",
    "quality_name",
    "timestamp",
    "ok",
    "status",
    "samples",  # an OnBufferedDataChange's samples, as JSON (value etc. are the last one's)
)
FORMATS = (".jsonl", ".csv")


def plain(value: Any, zone: str = "local") -> Any:
    """A JSON-ready form of a value: datetimes as the `timestamps` setting shows them in
    tables (`zone`), durations in seconds, base64 bytes, lists kept."""
    if isinstance(value, datetime):
        return format_timestamp(value, zone)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, list | tuple):
        return [plain(v, zone) for v in value]
    if isinstance(value, dict):  # an OnBufferedDataChange's samples
        return {k: plain(v, zone) for k, v in value.items()}
    return value


def open_private(
    path: Path, *, overwrite: bool = False, append: bool = False, refusal: str = ""
) -> TextIO:
    """Open path for writing, created 0600 (the owner only) where the OS has modes.

    An existing file is refused unless `overwrite` (a mistyped name must not wipe last
    week's recording) or `append` (added to on purpose); a symbolic link is never
    followed, overwrite or not, so a link planted where the recording goes cannot aim
    it at another file. An existing file is narrowed to 0600: it may now hold plant
    data its earlier mode would show. `refusal` says what to do about an existing file.
    """
    if path.is_symlink():
        raise ValueError(f"{path} is a symbolic link; write to the file itself")
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    if append:
        flags |= os.O_APPEND
    else:
        flags |= os.O_TRUNC if overwrite else os.O_EXCL
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise ValueError(f"{path} exists; {refusal or 'add --force to overwrite it'}") from None
    if hasattr(os, "fchmod"):
        os.fchmod(fd, 0o600)
    return io.open(fd, "w", encoding="utf-8", newline="")  # noqa: UP020 - from a descriptor


# The shell's known secret values, asked for at each row (a secret may be set mid-run).
SecretValues = Callable[[], "Collection[str]"]


def check_format(path: str | Path) -> str:
    """'jsonl' or 'csv' from the file's suffix; ValueError for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"record to a .jsonl or .csv file, not {Path(path).name!r}")
    return suffix[1:]


class EventRecorder:
    """Writes one row per event; the format follows the file's suffix (.jsonl or .csv)."""

    def __init__(
        self,
        path: str | Path,
        *,
        overwrite: bool = False,
        secrets: SecretValues | None = None,
        columns: Sequence[str] = COLUMNS,
        timestamps: str = "local",
    ) -> None:
        self.path = Path(path)
        self.timestamps = timestamps  # one shape for the whole file, as it was opened
        self.format = check_format(self.path)
        self.columns = tuple(columns)  # a CSV file's (a recording of several connections
        # starts with a connection column)
        self._file = open_private(self.path, overwrite=overwrite)
        self._secrets = secrets
        self._csv = csv.writer(self._file) if self.format == "csv" else None
        if self._csv is not None:
            self._csv.writerow(self.columns)
        self.count = 0

    def known_secrets(self) -> Collection[str]:
        """The secret values to mask now (asked once per batch, not per row)."""
        return frozenset(self._secrets()) if self._secrets is not None else frozenset()

    def write(self, row: dict[str, Any], secrets: Collection[str] | None = None) -> None:
        known = self.known_secrets() if secrets is None else secrets
        if known:
            # A value that is a secret (a key written to a tag and echoed back by its
            # data change) is masked, as in every other output; other values untouched.
            row = redact(row, known)
        if self._csv is not None:
            zone = self.timestamps
            self._csv.writerow([_csv_cell(plain(row.get(c), zone)) for c in self.columns])
        else:
            line = {k: plain(v, self.timestamps) for k, v in row.items()}
            self._file.write(json.dumps(line) + "\n")
        self.count += 1

    def flush(self) -> None:
        if not self._file.closed:
            self._file.flush()

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()

    @property
    def closed(self) -> bool:
        return self._file.closed


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value)
    return value


_STOP = object()
RowFactory = Callable[[Any], dict[str, Any]]


class BackgroundRecorder:
    """An EventRecorder fed from the event loop and written by a thread of its own.

    `add(entries)` queues a batch (any objects `to_row` turns into row dicts; rows
    themselves when `to_row` is None) and returns at once. The thread writes batches in
    the order they were added. `close()` (async) or `close_now()` (from a synchronous
    hook, e.g. at shutdown) writes what is still queued, then closes the file. If
    writing fails (disk full, a row that cannot be written) the recording stops: the
    reason is kept in `failure` and `on_failure` is called on the loop.
    """

    def __init__(
        self,
        recorder: EventRecorder,
        to_row: RowFactory | None = None,
        *,
        on_failure: Callable[[str], None] | None = None,
    ) -> None:
        self.recorder = recorder
        self.to_row = to_row
        self.on_failure = on_failure
        self.queued = 0  # entries handed over (counted on the loop)
        self.failure: str | None = None
        self._loop = asyncio.get_running_loop() if on_failure is not None else None
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(
            target=self._run, name=f"recorder {recorder.path.name}", daemon=True
        )
        self._stopping = False
        self._thread.start()

    @classmethod
    async def open(
        cls,
        path: str | Path,
        to_row: RowFactory | None = None,
        *,
        on_failure: Callable[[str], None] | None = None,
        overwrite: bool = False,
        secrets: SecretValues | None = None,
        columns: Sequence[str] = COLUMNS,
        timestamps: str = "local",
    ) -> BackgroundRecorder:
        """Create the file (in a thread) and start the writer; ValueError for a bad suffix,
        an existing file without `overwrite`, or a symbolic link."""
        check_format(path)
        recorder = await asyncio.to_thread(
            lambda: EventRecorder(
                path, overwrite=overwrite, secrets=secrets, columns=columns, timestamps=timestamps
            )
        )
        return cls(recorder, to_row, on_failure=on_failure)

    @property
    def path(self) -> Path:
        return self.recorder.path

    @property
    def format(self) -> str:
        return self.recorder.format

    @property
    def written(self) -> int:
        """Rows written to the file so far (by the thread)."""
        return self.recorder.count

    @property
    def closed(self) -> bool:
        return self._stopping

    def add(self, entries: Sequence[Any] | Iterable[Any]) -> None:
        """Queue a batch for writing; cheap, never blocks. Ignored once closed."""
        if self._stopping or self.failure is not None:
            return
        batch = entries if isinstance(entries, list) else list(entries)
        if batch:
            self.queued += len(batch)
            self._queue.put(batch)

    async def close(self) -> None:
        """Write what is queued and close the file, waiting in a thread."""
        self._stop()
        await asyncio.to_thread(self._thread.join)

    def close_now(self, timeout: float = 10.0) -> None:
        """close() for synchronous callers: blocks until the backlog is written."""
        self._stop()
        self._thread.join(timeout)

    def _stop(self) -> None:
        if not self._stopping:
            self._stopping = True
            self._queue.put(_STOP)

    # the writer thread -------------------------------------------------------------
    def _run(self) -> None:
        try:
            while True:
                batch = self._queue.get()
                if batch is _STOP:
                    break
                if self.failure is None:
                    self._write(batch)
                if self._queue.empty():
                    self.recorder.flush()
        except OSError as error:
            self._fail(f"{type(error).__name__}: {error}")
        finally:
            try:
                self.recorder.close()
            except OSError as error:
                self._fail(f"{type(error).__name__}: {error}")

    def _write(self, batch: list[Any]) -> None:
        to_row = self.to_row
        try:
            known = self.recorder.known_secrets()
            for entry in batch:
                self.recorder.write(to_row(entry) if to_row is not None else entry, known)
        except (OSError, ValueError, TypeError) as error:
            self._fail(f"{type(error).__name__}: {error}")

    def _fail(self, reason: str) -> None:
        if self.failure is not None:
            return
        self.failure = reason
        if self.on_failure is not None and self._loop is not None:
            # A closed loop raises RuntimeError: the failure is still kept.
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self.on_failure, reason)
