"""Drawing values as a one-line text sparkline, one block character per value."""

from __future__ import annotations

from collections.abc import Sequence

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float], width: int) -> str:
    """At most `width` characters: the lowest value is ▁, the highest █.

    More values than `width` are averaged in consecutive groups; values that never
    change draw a flat middle line.
    """
    if width < 1:
        raise ValueError("a sparkline needs a width of at least 1")
    points = fit(values, width)
    if not points:
        return ""
    low, high = min(points), max(points)
    if high == low:
        return BARS[len(BARS) // 2] * len(points)
    steps = len(BARS) - 1
    return "".join(BARS[round((p - low) / (high - low) * steps)] for p in points)


def fit(values: Sequence[float], width: int) -> list[float]:
    """The values, or their averages over `width` consecutive groups when there are more."""
    if len(values) <= width:
        return list(values)
    groups = [
        values[i * len(values) // width : (i + 1) * len(values) // width] for i in range(width)
    ]
    return [sum(group) / len(group) for group in groups]
