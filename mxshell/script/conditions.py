"""Conditions for wait-for, expect and assert: `VALUE OP EXPECTED` with OP among
== != < <= > >=, the expected text read as the type of the value it is compared with."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mxshell.base.errors import CommandFailed, UsageError
from mxshell.commands.converters import boolean
from mxshell.commands.variables import text_of

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
ORDERING = ("<", "<=", ">", ">=")


@dataclass(frozen=True)
class Condition:
    """`OP EXPECTED`, e.g. `> 20` or `== true`, checked against values as they come."""

    op: str
    expected: str

    def __str__(self) -> str:
        return f"{self.op} {self.expected}"

    def holds(self, actual: Any) -> bool:
        """Whether the value meets the condition (never for no value yet).

        Raises CommandFailed when the expected text cannot be read as the value's type
        or the operator makes no sense for it (`<` for a bool).
        """
        if actual is None:
            return False
        expected = _like(actual, self.expected, self.op)
        return OPERATORS[self.op](actual, expected)


def compare_texts(left: str, op: str, right: str) -> bool:
    """`assert`'s comparison: numbers when both sides are numbers, else text (== and !=)."""
    numbers = _number(left), _number(right)
    if numbers[0] is not None and numbers[1] is not None:
        return OPERATORS[op](numbers[0], numbers[1])
    if op in ORDERING:
        raise CommandFailed(f"cannot order {left!r} and {right!r}: {op} compares numbers")
    return OPERATORS[op](left, right)


def _like(actual: Any, text: str, op: str) -> Any:
    """The expected text as a value of the actual value's type."""
    if isinstance(actual, bool):
        if op in ORDERING:
            raise CommandFailed(f"{op} does not apply to a boolean; use == or !=")
        try:
            return boolean(text)
        except Exception:  # noqa: BLE001 - the converter's wording is replaced here
            raise CommandFailed(f"{text!r} is not a boolean (true or false)") from None
    if isinstance(actual, int | float):
        number = _number(text)
        if number is None:
            raise CommandFailed(f"{text!r} is not a number, and the value is {actual!r}")
        return number
    if isinstance(actual, datetime):
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise CommandFailed(f"{text!r} is not an RFC 3339 time") from None
        return moment if moment.tzinfo is not None else moment.astimezone()
    if op in ORDERING:
        raise CommandFailed(f"{op} compares numbers and times, not {text_of(actual)!r}")
    return text if isinstance(actual, str) else _text_form(actual, text)


def _text_form(actual: Any, text: str) -> Any:
    # A list equals the text when it reads the same, as `1,2` or `[1, 2]`; the text is
    # returned (unequal to anything but itself) otherwise.
    if isinstance(actual, list):
        typed = ",".join(text_of(v) for v in actual).replace(" ", "")
        if text.strip().strip("[]").replace(" ", "") == typed:
            return actual
    return text


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class Comparison:
    """A condition on plain values, as `assert` and `if` take it: `LEFT OP RIGHT`."""

    left: str
    op: str
    right: str

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"

    def holds(self) -> bool:
        """Whether it holds; CommandFailed when the two sides cannot be compared."""
        return compare_texts(self.left, self.op, self.right)


def parse_comparison(words: Sequence[str], usage: str = "VALUE OP VALUE") -> Comparison:
    """The words of a condition (after ${NAME} expansion) as a Comparison; UsageError,
    ending with `usage`, when they are not one."""
    if len(words) != 3 or words[1] not in OPERATORS:
        raise UsageError(f"a condition is VALUE OP VALUE, OP one of {' '.join(OPERATORS)}", usage)
    return Comparison(words[0], words[1], words[2])
