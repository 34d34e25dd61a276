"""Bulk calls on the session for a plugin: many entries per round trip, the item table
kept in step, each entry answered on its own, a write never sent twice. Public under
mxshell.api.API_VERSION."""

from __future__ import annotations

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
