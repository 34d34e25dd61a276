"""The bottom toolbar: endpoint, connection state, session, advised items, event rate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

ToolbarField = Callable[[], "str | None"]


def toolbar_text(status: dict[str, Any] | None, fields: Sequence[ToolbarField] = ()) -> str:
    """One line; plugin fields that raise or return nothing are left out."""
    if status is None:
        parts = ["not connected"]
    else:
        session = status.get("session_id") or "-"
        parts = [
            f"{status.get('endpoint', '?')}",
            f"{status.get('state', '?')}",
            f"session {session[:12]}",
            f"advised {status.get('advised_items', 0)}",
            f"{status.get('events_per_second', 0):.0f} ev/s",
        ]
        if status.get("sequence_gaps"):
            parts.append(f"gaps {status['sequence_gaps']}")
    for field in fields:
        try:
            text = field()
        except Exception:  # noqa: BLE001 - a broken plugin field must not break the prompt
            continue
        if text:
            parts.append(str(text))
    return " | ".join(parts)
