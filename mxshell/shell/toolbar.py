"""The bottom toolbar: endpoint, connection state, session, advised items, event rate."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

# A plugin's field: called with the context when it takes an argument (API 1.1), else
# with none (API 1.0); short text, or None to show nothing just now.
ToolbarField = Callable[..., "str | None"]


def toolbar_text(
    status: dict[str, Any] | None,
    fields: Sequence[ToolbarField] = (),
    context: Any = None,
    others: Sequence[dict[str, Any]] = (),
) -> str:
    """One line; plugin fields that raise or return nothing are left out. With more
    than one connection open (`others`, ConnectionController.rows), each one's name and
    state lead, the current one marked with *."""
    if len(others) > 1:
        marked = [f"{r['name']}{'*' if r['current'] else ''}:{r['state']}" for r in others]
        parts = [" ".join(marked)]
        if status is not None:
            parts.append(f"advised {status.get('advised_items', 0)}")
            parts.append(f"{status.get('events_per_second', 0):.0f} ev/s")
    elif status is None:
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
            text = field(context) if _takes_context(field) else field()
        except Exception:  # noqa: BLE001 - a broken plugin field must not break the prompt
            continue
        if text:
            parts.append(str(text))
    return " | ".join(parts)


@lru_cache(maxsize=256)
def _takes_context(field: ToolbarField) -> bool:
    """Whether a field takes the context: one positional parameter, or more."""
    try:
        parameters = inspect.signature(field).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return any(
        p.kind in positional or p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters
    )
