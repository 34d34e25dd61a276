"""Bulk calls on the session for a plugin: many entries per round trip, the item table
kept in step, each entry answered on its own, a write never sent twice. Public under
mxshell.api.API_VERSION."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mxshell.commands import Settings, Table
from mxshell.output import render_result
from mxshell.session.batches import (
    READ_CALL_ENTRIES,
    READS_IN_FLIGHT,
    BulkRun,
    EntryResult,
    ItemMethod,
    WriteEntry,
    WriteMethod,
    add_items,
    item_calls,
    read_tags,
    write_items,
)

__all__ = [
    "READS_IN_FLIGHT",
    "READ_CALL_ENTRIES",
    "BulkReport",
    "BulkRun",
    "EntryResult",
    "ItemMethod",
    "WriteEntry",
    "WriteMethod",
    "add_items",
    "item_calls",
    "read_tags",
    "write_items",
]


@dataclass
class BulkReport:
    """What a bulk command returns: one row per entry and the counts (API 1.1). As text,
    the table and a summary line; as JSON, {"entries": [row objects], "total", "succeeded",
    "failed", "calls"}. Carried by the CommandFailed of a batch that partly failed."""

    command: str
    table: Table
    total: int
    failed: int
    calls: int
    settings: Settings

    def summary(self) -> str:
        total = self.total
        text = f"{self.command}: {total} entries, {total - self.failed} ok, {self.failed} failed"
        return text + (f" ({self.calls} bulk calls)" if self.calls > 1 else "")

    def as_text(self, format_value: Any) -> str:
        return f"{render_result(self.table, self.settings)}\n{self.summary()}"

    def as_data(self) -> dict[str, Any]:
        return {
            "entries": self.table.records(),
            "total": self.total,
            "succeeded": self.total - self.failed,
            "failed": self.failed,
            "calls": self.calls,
        }
