"""Conditions for wait-for, expect, assert and if: `OP EXPECTED` with OP among
== != < <= > >=, or `between LOW HIGH` (inclusive), the expected text read as the type of
the value it is compared with; `--tolerance T` (a number, or N% of EXPECTED) with == and
!= on numbers; and the quality a value must have (good, uncertain, bad or any)."""

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


BETWEEN = "between"
QUALITY_CLASSES = ("good", "uncertain", "bad", "any")
# OPC DA's quality classes, by the top two bits: Good (192, and 216 Good local override),
# Uncertain (64...), Bad (0...); 0x80 is not assigned and counts as bad.
_QUALITY_CLASS = {0xC0: "good", 0x40: "uncertain", 0x00: "bad", 0x80: "bad"}


def quality_class(quality: int) -> str:
    """good, uncertain or bad, from a quality code (192 and 216 are both good)."""
    return _QUALITY_CLASS[quality & 0xC0]


def quality_accepted(quality: int | None, wanted: str) -> bool:
    """Whether a value of this quality meets `--quality wanted` (None: no value yet)."""
    if wanted == "any":
        return True
    return quality is not None and quality_class(quality) == wanted


@dataclass(frozen=True)
class Tolerance:
    """How far from the expected value still counts as equal: an amount, or a percent
    of the expected value."""

    amount: float
    percent: bool = False

    @classmethod
    def parse(cls, text: str) -> Tolerance:
        number = _number(text[:-1] if text.endswith("%") else text)
        if number is None or number < 0:
            raise UsageError(
                f"--tolerance {text!r}: give a number (0.5) or a percent of the value (2%)"
            )
        return cls(number, text.endswith("%"))

    def allowed(self, expected: float) -> float:
        return abs(expected) * self.amount / 100 if self.percent else self.amount

    def __str__(self) -> str:
        return f"{self.amount:g}%" if self.percent else f"{self.amount:g}"


@dataclass(frozen=True)
class Condition:
    """`OP EXPECTED` (`> 20`, `== true`, `== 50 ±2%`) or `between LOW HIGH`, checked
    against an item's values as they come."""

    op: str
    expected: str
    high: str | None = None  # between's HIGH
    tolerance: Tolerance | None = None

    def __str__(self) -> str:
        if self.op == BETWEEN:
            return f"between {self.expected} and {self.high}"
        text = f"{self.op} {self.expected}"
        return f"{text} ±{self.tolerance}" if self.tolerance else text

    def holds(self, actual: Any) -> bool:
        """Whether the value meets the condition (never for no value yet).

        Raises CommandFailed when the expected text cannot be read as the value's type
        or the operator makes no sense for it (`<` for a bool, a tolerance on text).
        """
        if actual is None:
            return False
        if self.op == BETWEEN or self.tolerance is not None:
            if isinstance(actual, bool) or not isinstance(actual, int | float):
                what = "between" if self.op == BETWEEN else "--tolerance"
                raise CommandFailed(f"{what} compares numbers, and the value is {actual!r}")
            return _numeric_holds(float(actual), self)
        expected = _like(actual, self.expected, self.op)
        return OPERATORS[self.op](actual, expected)


def _numeric_holds(actual: float, condition: Condition) -> bool:
    expected = _number(condition.expected)
    if condition.op == BETWEEN:
        high = _number(condition.high or "")
        if expected is None or high is None:
            raise CommandFailed(
                f"between takes numbers: {condition.expected!r} and {condition.high!r}"
            )
        return expected <= actual <= high
    if expected is None:
        raise CommandFailed(f"{condition.expected!r} is not a number, and the value is {actual!r}")
    assert condition.tolerance is not None
    near = abs(actual - expected) <= condition.tolerance.allowed(expected)
    return near if condition.op == "==" else not near


def parse_condition(words: Sequence[str], tolerance: str | None, usage: str) -> Condition:
    """`OP VALUE` or `between LOW HIGH` (and a --tolerance) as a Condition; UsageError
    ending with `usage` when the words are not one."""
    if words and words[0] == BETWEEN:
        if len(words) != 3:
            raise UsageError("between takes two values: between LOW HIGH", usage)
        if tolerance is not None:
            raise UsageError("--tolerance goes with == and !=, not between", usage)
        low, high = _number(words[1]), _number(words[2])
        if low is not None and high is not None and low > high:
            raise UsageError(f"between {words[1]} {words[2]}: LOW is above HIGH", usage)
        return Condition(BETWEEN, words[1], words[2])
    if len(words) != 2 or words[0] not in OPERATORS:
        raise UsageError(
            f"a condition is OP VALUE (OP one of {' '.join(OPERATORS)}) or between LOW HIGH",
            usage,
        )
    if tolerance is not None and words[0] not in ("==", "!="):
        raise UsageError(f"--tolerance goes with == and !=, not {words[0]}", usage)
    return Condition(
        words[0], words[1], tolerance=Tolerance.parse(tolerance) if tolerance else None
    )


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
    """A condition on plain values, as `assert` and `if` take it: `LEFT OP RIGHT [--tolerance
    T]` or `VALUE between LOW HIGH`."""

    left: str
    condition: Condition

    def __str__(self) -> str:
        return f"{self.left} {self.condition}"

    def holds(self) -> bool:
        """Whether it holds; CommandFailed when the two sides cannot be compared."""
        condition = self.condition
        if condition.op == BETWEEN or condition.tolerance is not None:
            number = _number(self.left)
            if number is None:
                what = "between" if condition.op == BETWEEN else "--tolerance"
                raise CommandFailed(f"{what} compares numbers, and {self.left!r} is not one")
            return _numeric_holds(number, condition)
        return compare_texts(self.left, condition.op, condition.expected)


def parse_comparison(words: Sequence[str], usage: str = "VALUE OP VALUE") -> Comparison:
    """The words of a condition (after ${NAME} expansion) as a Comparison:
    `VALUE OP VALUE [--tolerance T]` or `VALUE between LOW HIGH`; UsageError, ending with
    `usage`, when they are not one."""
    rest, tolerance = _take_tolerance(list(words), usage)
    shaped = (len(rest) == 3 and rest[1] in OPERATORS) or (len(rest) == 4 and rest[1] == BETWEEN)
    if not shaped:
        raise UsageError(
            f"a condition is VALUE OP VALUE (OP one of {' '.join(OPERATORS)}) "
            "or VALUE between LOW HIGH",
            usage,
        )
    return Comparison(rest[0], parse_condition(rest[1:], tolerance, usage))


def _take_tolerance(words: list[str], usage: str) -> tuple[list[str], str | None]:
    """The words without `--tolerance T` (or `--tolerance=T`), and T."""
    for index, word in enumerate(words):
        if word == "--tolerance":
            if index + 1 >= len(words):
                raise UsageError("--tolerance needs a value", usage)
            return words[:index] + words[index + 2 :], words[index + 1]
        if word.startswith("--tolerance="):
            return words[:index] + words[index + 1 :], word.partition("=")[2]
    return words, None
