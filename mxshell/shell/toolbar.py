"""The bottom toolbar: endpoint, connection state, session, advised items, event rate."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

# A plugin's field: called with the context when it takes an argument (API 1.1), else
# with none (API 1.0); short text, or None to show nothing just now.
ToolbarField = Callable[..., "str | None"]


SEPARATOR = " | "
# What gives way first when the line is wider than the terminal (a higher number goes
# sooner): the state stays longest, then where, then what is advised and gaps.
_STATE, _ENDPOINT, _ADVISED, _GAPS, _RATE, _PLUGIN, _SESSION = range(7)


def toolbar_text(
    status: dict[str, Any] | None,
    fields: Sequence[ToolbarField] = (),
    context: Any = None,
    width: int | None = None,
    others: Sequence[dict[str, Any]] = (),
) -> str:
    """One line; plugin fields that raise or return nothing are left out. With `width`,
    whole fields are dropped, least useful first, until the line fits: a field is never
    cut in the middle of a word. With more than one connection open (`others`,
    ConnectionController.rows), each one's name and state lead, the current one starred."""
    if len(others) > 1:
        marked = [f"{r['name']}{'*' if r['current'] else ''}:{r['state']}" for r in others]
        parts = [(_STATE, " ".join(marked))]
        if status is not None:
            parts.append((_ADVISED, f"advised {status.get('advised_items', 0)}"))
            parts.append((_RATE, f"{status.get('events_per_second', 0):.0f} ev/s"))
    elif status is None:
        parts = [(_STATE, "not connected")]
    else:
        session = status.get("session_id") or "-"
        parts = [
            (_ENDPOINT, f"{status.get('endpoint', '?')}"),
            (_STATE, f"{status.get('state', '?')}"),
            (_SESSION, f"session {session[:12]}"),
            (_ADVISED, f"advised {status.get('advised_items', 0)}"),
            (_RATE, f"{status.get('events_per_second', 0):.0f} ev/s"),
        ]
        if status.get("sequence_gaps"):
            parts.append((_GAPS, f"gaps {status['sequence_gaps']}"))
    for field in fields:
        try:
            text = field(context) if _takes_context(field) else field()
        except Exception:  # noqa: BLE001 - a broken plugin field must not break the prompt
            continue
        if text:
            parts.append((_PLUGIN, " ".join(str(text).split())))  # one line, whatever it said
    if width is not None:
        parts = _fitted(parts, width)
    return SEPARATOR.join(text for _, text in parts)


def _fitted(parts: list[tuple[int, str]], width: int) -> list[tuple[int, str]]:
    kept = list(parts)
    while len(kept) > 1 and len(SEPARATOR.join(t for _, t in kept)) > width:
        # The least useful field goes; of equals (plugin fields), the last one.
        worst = max(range(len(kept)), key=lambda i: (kept[i][0], i))
        del kept[worst]
    return kept


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
