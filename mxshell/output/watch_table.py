"""The live watch's data, without a terminal: the watched items and their rows.

A WatchModel follows the session's event batches and computes rows for the watched
items (value, quality, timestamp, data changes since the watch began, rate over a
sliding window, a "changed recently" flag) for the REPL's live view, for snapshot
tables and for JSON.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from mxshell.gateway import format_quality, quality_is_good
from mxshell.output.formatting import Display, as_duration, format_value
from mxshell.output.results import Table

if TYPE_CHECKING:
    from mxshell.session import EventListener, TrackedItem

RATE_WINDOW_S = 5.0  # the rate is changes over (about) the last this many seconds
MIN_RATE_SPAN_S = 1.0  # so the first event of a watch does not read as a huge rate
HIGHLIGHT_S = 1.0  # a row counts as "changed recently" for this long after a change
VALUE_WIDTH = 40  # the live view cuts longer values (arrays, long strings) to this

# Column names of the live view (people) and of the snapshot table (people and JSON).
VIEW_COLUMNS = ("item", "tag", "value", "quality", "timestamp", "changes", "rate/s")
SNAPSHOT_COLUMNS = ("handle", "alias", "tag", "value", "quality", "timestamp", "changes", "rate")


class EventSource(Protocol):
    """A session whose event batches a watch follows."""

    def add_listener(self, listener: EventListener) -> None: ...

    def remove_listener(self, listener: EventListener) -> None: ...

    @property
    def connected(self) -> bool: ...

    @property
    def state(self) -> Any: ...  # a SessionState: .value is its name


@dataclass(frozen=True)
class WatchRow:
    """One watched item as the view shows it at one moment."""

    handle: int
    alias: str | None
    tag: str
    value: Any
    quality: int | None
    timestamp: datetime | None
    changes: int  # data changes since the watch began
    rate: float  # data changes per second over the sliding window
    recent: bool  # changed within the highlight time
    lost: str | None = None  # why the item could not be restored after a reconnect
    connection: str | None = None  # the named connection, when a watch spans several
    failed: str | None = None  # why a named tag could not be watched (the others are)

    @property
    def name(self) -> str:
        """What the user calls the item: its alias, else #handle ("-": no item)."""
        return "-" if self.failed is not None else self.alias or f"#{self.handle}"

    @property
    def state(self) -> str | None:
        """The quality cell: the quality, else why there is none ("lost", "failed: ...")."""
        if self.failed is not None:
            return f"failed: {self.failed}"
        return "lost" if self.lost is not None else self.quality_text

    @property
    def quality_text(self) -> str | None:
        """Quality name and code, e.g. 'Good (192)'; None before the first value."""
        return format_quality(self.quality) if self.quality is not None else None

    @property
    def uncertain(self) -> bool:
        """A value of Uncertain quality (64-127: the quality bits 01)."""
        return self.failed is None and self.quality is not None and self.quality & 0xC0 == 0x40

    @property
    def bad(self) -> bool:
        """Lost or failed, or a value whose quality is not good (no value yet is not bad)."""
        if self.lost is not None or self.failed is not None:
            return True
        return self.quality is not None and not quality_is_good(self.quality)


@dataclass
class _Watched:
    item: TrackedItem
    baseline: int  # the item's change_count when the watch began
    # (monotonic time, changes) samples: the first is the anchor at or before the window.
    samples: deque[tuple[float, int]] = field(default_factory=deque)
    connection: str | None = None
    duration: bool = False  # an ElapsedTime: its milliseconds shown as a duration

    @property
    def changes(self) -> int:
        return self.item.change_count - self.baseline


class WatchModel:
    """The items of one watch and their rows; `on_events` is the session listener.

    Counting costs nothing per event: the session already keeps each item's
    change_count and last_change_at (monotonic) as it ingests a batch, so a row's
    changes are the count now minus the count when the watch began.
    """

    def __init__(
        self,
        session: EventSource,
        items: Iterable[TrackedItem],
        *,
        settings: Display | None = None,
        clock: Callable[[], float] = time.monotonic,
        rate_window: float = RATE_WINDOW_S,
        highlight: float = HIGHLIGHT_S,
        connection: str | None = None,
    ) -> None:
        self.session = session
        self.settings = settings
        self.rate_window = rate_window
        self.highlight = highlight
        self._clock = clock  # must tick like time.monotonic: the session stamps with it
        self.started = clock()
        # Keyed by (connection, handle): handles are numbered per session.
        self._watched: dict[tuple[str | None, int], _Watched] = {}
        self._by_item: dict[int, _Watched] = {}  # id(item): its entry
        self.sources: list[tuple[str | None, EventSource]] = []
        self.failed: list[WatchRow] = []  # named tags that could not be watched
        self.add_source(connection, session, items)
        self._total_samples: deque[tuple[float, int]] = deque([(self.started, 0)])
        self.batches = 0  # event batches seen while listening
        self.dirty = True  # set when a batch arrives, cleared by rows()
        self.on_change: Callable[[], None] | None = None  # told of each batch (the view)

    def add_failed(self, connection: str | None, reference: str, reason: str) -> None:
        """A named tag that could not be watched: a row saying why, after the others."""
        self.failed.append(
            WatchRow(0, None, reference, None, None, None, 0, 0.0, False, None, connection, reason)
        )

    def unwatch(self, connection: str | None, item: TrackedItem, reason: str) -> None:
        """An item that could not be watched after all (its advise was refused): a failed
        row saying why, in place of its own."""
        entry = self._watched.pop((connection, item.handle), None)
        if entry is not None:
            self._by_item.pop(id(item), None)
        self.add_failed(connection, item.tag_reference, reason)

    def show_as_duration(self, item: TrackedItem) -> None:
        """The item is an ElapsedTime (the Galaxy says so): its value reads as a duration."""
        entry = self._by_item.get(id(item))
        if entry is not None:
            entry.duration = True

    def add_source(
        self, connection: str | None, session: EventSource, items: Iterable[TrackedItem]
    ) -> None:
        """Watch items of one more connection's session as well (`watch a:X b:Y`)."""
        self.sources.append((connection, session))
        for item in items:  # an item named twice is watched once, in first-named order
            key = (connection, item.handle)
            if key not in self._watched:
                entry = _Watched(item, item.change_count, deque([(self.started, 0)]), connection)
                self._watched[key] = self._by_item[id(item)] = entry

    @property
    def connections(self) -> bool:
        """Whether rows name their connection: the watch spans more than one."""
        return len(self.sources) > 1

    @property
    def view_columns(self) -> tuple[str, ...]:
        return ("connection", *VIEW_COLUMNS) if self.connections else VIEW_COLUMNS

    @property
    def items(self) -> list[TrackedItem]:
        return [entry.item for entry in self._watched.values()]

    def __len__(self) -> int:
        return len(self._watched)

    @property
    def total_changes(self) -> int:
        """Data changes of all watched items since the watch began."""
        return sum(entry.changes for entry in self._watched.values())

    # events ------------------------------------------------------------------------
    def on_events(self, events: Sequence[Any]) -> None:
        """The session listener: note that values may have moved (O(1) per batch)."""
        self.batches += 1
        self.dirty = True
        if self.on_change is not None:
            self.on_change()

    @contextmanager
    def listening(self) -> Iterator[WatchModel]:
        """Follow the sessions' events for the duration of the block."""
        for _, session in self.sources:
            session.add_listener(self.on_events)
        try:
            yield self
        finally:
            for _, session in self.sources:
                session.remove_listener(self.on_events)

    # rows --------------------------------------------------------------------------
    def rows(self) -> list[WatchRow]:
        """Every watched item's row now, in the order the items were named."""
        now = self._clock()
        rows = [self._row(entry, now) for entry in self._watched.values()]
        self.dirty = False
        return rows + self._failed_rows()

    def _failed_rows(self) -> list[WatchRow]:
        named = len(self.sources) > 1
        return [row if named else replace(row, connection=None) for row in self.failed]

    def _row(self, entry: _Watched, now: float) -> WatchRow:
        item, changes = entry.item, entry.changes
        return WatchRow(
            handle=item.handle,
            alias=item.alias,
            tag=item.tag_reference,
            value=as_duration(item.value) if entry.duration else item.value,
            quality=item.quality,
            timestamp=item.timestamp,
            changes=changes,
            rate=self._slide(entry.samples, now, changes),
            recent=item.last_change_at is not None and now - item.last_change_at < self.highlight,
            lost=item.lost,
            connection=entry.connection if len(self.sources) > 1 else None,
        )

    def rate(self) -> float:
        """All watched items' data changes per second over the sliding window."""
        return self._slide(self._total_samples, self._clock(), self.total_changes)

    def _slide(self, samples: deque[tuple[float, int]], now: float, count: int) -> float:
        samples.append((now, count))
        start = now - self.rate_window
        while len(samples) > 2 and samples[1][0] <= start:
            samples.popleft()
        then, before = samples[0]
        return (count - before) / max(now - then, MIN_RATE_SPAN_S)

    def elapsed(self) -> float:
        return self._clock() - self.started

    def waiting_for_first_value(self, items: Iterable[TrackedItem]) -> list[TrackedItem]:
        """Those of `items` that have had no data change since the watch began."""
        waiting = []
        for item in items:
            entry = self._by_item.get(id(item))
            if entry is not None and entry.changes == 0:
                waiting.append(item)
        return waiting

    # output ------------------------------------------------------------------------
    def table(self, title: str | None = None) -> Table:
        """The current rows as a snapshot table (aligned for people, row objects in JSON)."""
        named = self.connections
        rows = [
            [
                *([row.connection] if named else []),
                None if row.failed is not None else row.handle,
                row.alias,
                row.tag,
                row.value,
                row.state,
                row.timestamp,
                row.changes,
                round(row.rate, 2),
            ]
            for row in self.rows()
        ]
        columns = ["connection", *SNAPSHOT_COLUMNS] if named else list(SNAPSHOT_COLUMNS)
        return Table(columns, rows, title=title)

    def snapshot_title(self) -> str:
        """When a snapshot was taken and how busy the watch is, for a line above it."""
        moment = format_value(datetime.now(UTC), self.settings)
        return f"watch {moment}: {len(self)} item(s), {self.rate():.1f} changes/s"

    def summary(self, ended: str) -> dict[str, Any]:
        """What the watch came to, once it is over."""
        return {
            "items": len(self),
            "changes": self.total_changes,
            "seconds": round(self.elapsed(), 3),
            "ended": ended,
        }


def matching(rows: Sequence[WatchRow], text: str) -> list[WatchRow]:
    """The rows whose item name or tag (or connection) holds `text`, ignoring case."""
    needle = text.casefold()
    if not needle:
        return list(rows)
    return [
        row
        for row in rows
        if needle in row.name.casefold()
        or needle in row.tag.casefold()
        or (row.connection is not None and needle in row.connection.casefold())
    ]


def sorted_rows(rows: list[WatchRow], column: str | None, reverse: bool) -> list[WatchRow]:
    """The rows ordered by a view column (None: the order the items were named)."""
    if column is None:
        return rows[::-1] if reverse else rows
    return sorted(rows, key=_SORT_KEYS[column], reverse=reverse)


def _value_key(row: WatchRow) -> tuple[int, Any]:
    # Values of one watch mix numbers, strings and nothing yet: numbers first, in order,
    # then everything else by its text, then rows with no value.
    value = row.value
    if value is None:
        return (2, "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value)
    return (1, str(value))


_NO_TIME = datetime.min.replace(tzinfo=UTC)
_SORT_KEYS: dict[str, Callable[[WatchRow], Any]] = {
    "connection": lambda row: row.connection or "",
    "item": lambda row: row.name.casefold(),
    "tag": lambda row: row.tag.casefold(),
    "value": _value_key,
    "quality": lambda row: -1 if row.quality is None else row.quality,
    "timestamp": lambda row: _NO_TIME if row.timestamp is None else _aware(row.timestamp),
    "changes": lambda row: row.changes,
    "rate/s": lambda row: row.rate,
}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def view_cells(row: WatchRow, settings: Display | None) -> list[str]:
    """A row's cells for the live view, in its model's view_columns order, each on one
    line (the connection first when the watch spans several)."""
    value = " ".join(format_value(row.value, settings).splitlines())
    if len(value) > VALUE_WIDTH:
        value = value[: VALUE_WIDTH - 1] + "…"
    quality = row.state or "-"
    return [
        *([row.connection] if row.connection is not None else []),
        row.name,
        row.tag,
        value,
        quality,
        format_value(row.timestamp, settings),
        str(row.changes),
        f"{row.rate:.1f}",
    ]
