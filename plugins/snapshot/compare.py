"""Two states of the same tags compared: what changed, what came and went, and whether a
number moved by more than the tolerance. Pure: no session, no files."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from mxshell_plugins.snapshot.files import Snapshot, TagState, tags_of

from mxshell.api import UsageError, quality_name


@dataclass(frozen=True)
class Tolerance:
    """How far a number may move and still count as the same: absolute, or a percentage
    of the earlier value."""

    amount: float = 0.0
    percent: bool = False

    @classmethod
    def parse(cls, text: str | None) -> Tolerance:
        if not text:
            return cls()
        word = text.strip()
        percent = word.endswith("%")
        try:
            amount = float(word.removesuffix("%"))
        except ValueError:
            amount = -1.0
        if not math.isfinite(amount) or amount < 0:
            raise UsageError(f"--tolerance {text!r}: give a number >= 0 or a percentage (0.5%)")
        return cls(amount, percent)

    def same(self, before: Any, after: Any) -> bool:
        if _number(before) and _number(after):
            allowed = abs(before) * self.amount / 100 if self.percent else self.amount
            return bool(abs(after - before) <= allowed)
        if isinstance(before, list) and isinstance(after, list):
            return len(before) == len(after) and all(
                self.same(b, a) for b, a in zip(before, after, strict=True)
            )
        return bool(before == after)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Difference:
    """One way a tag differs: changed (value or type), quality, added, missing, failed
    (read on one side and not the other)."""

    tag: str
    change: str
    before: Any = None
    after: Any = None
    detail: str = ""

    def row(self) -> dict[str, Any]:
        return {
            "tag": self.tag,
            "change": self.change,
            "before": self.before,
            "after": self.after,
            "detail": self.detail,
        }


def compare(before: Snapshot, after: Snapshot, tolerance: Tolerance) -> list[Difference]:
    """The differences from before to after, in the order the tags first appear."""
    older, newer = before.by_tag(), after.by_tag()
    found: list[Difference] = []
    for tag in tags_of([before, after]):
        was, now = older.get(tag), newer.get(tag)
        if was is None and now is not None:
            found.append(Difference(tag, "added", None, now.value, _shown_type(now)))
        elif now is None and was is not None:
            found.append(Difference(tag, "missing", was.value, None, _shown_type(was)))
        elif was is not None and now is not None:
            found += _tag_differences(was, now, tolerance)
    return found


def _tag_differences(was: TagState, now: TagState, tolerance: Tolerance) -> list[Difference]:
    tag = was.tag
    if not was.ok or not now.ok:
        if was.ok == now.ok:
            return []  # unreadable on both sides: nothing to compare
        detail = now.status if not now.ok else f"read before: {was.status}"
        return [Difference(tag, "failed", was.value, now.value, detail)]
    found = []
    if was.type != now.type:
        detail = f"type {was.type} -> {now.type}"
        found.append(Difference(tag, "changed", was.value, now.value, detail))
    elif not tolerance.same(was.value, now.value):
        found.append(Difference(tag, "changed", was.value, now.value, _delta(was, now)))
    if was.quality != now.quality:
        found.append(
            Difference(tag, "quality", _quality(was.quality), _quality(now.quality), "quality")
        )
    return found


def _delta(was: TagState, now: TagState) -> str:
    if _number(was.value) and _number(now.value):
        return f"{was.type}, by {now.value - was.value:+.6g}"
    return was.type or ""


def _quality(quality: int | None) -> str | None:
    return None if quality is None else f"{quality_name(quality)} ({quality})"


def _shown_type(state: TagState) -> str:
    return (state.type or "") if state.ok else state.status


def counts(differences: list[Difference]) -> dict[str, int]:
    """How many of each kind, in a fixed order."""
    kinds = ("changed", "quality", "added", "missing", "failed")
    return {k: sum(1 for d in differences if d.change == k) for k in kinds}
