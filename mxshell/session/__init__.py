"""The persistent session: a gateway connection that reconnects and restores itself."""

from __future__ import annotations

from mxshell.session.backoff import Backoff
from mxshell.session.completions import WriteCompletion, WriteOutcomeUnknown
from mxshell.session.core import EventListener, PersistentSession
from mxshell.session.item_table import ItemLookupError, ItemTable, Registration, TrackedItem
from mxshell.session.state import EventCounters, NotConnectedError, RestoreReport, SessionState

__all__ = [
    "Backoff",
    "EventCounters",
    "EventListener",
    "ItemLookupError",
    "ItemTable",
    "NotConnectedError",
    "PersistentSession",
    "Registration",
    "RestoreReport",
    "SessionState",
    "TrackedItem",
    "WriteCompletion",
    "WriteOutcomeUnknown",
]
