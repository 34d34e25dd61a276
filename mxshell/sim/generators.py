"""Value generators: what moves an attribute's value between writes.

Kinds (an attribute's `gen` in the model file): static, setpoint (both hold what was
last written), ramp, sine, random_walk, counter, cycle (through a list of values) and
clock (the current time). Moving kinds are sampled by the runtime's single ticker, and
only while someone advises the attribute.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from typing import Any


class Generator:
    """Holds a value; moving subclasses compute a new one at each sample."""

    moving = False

    def __init__(self, value: Any) -> None:
        self.value = value

    def sample(self, now_s: float) -> Any:
        return self.value

    def hold(self, value: Any, now_s: float) -> None:
        """A write landed: static values keep it; a walk or a counter continues from it."""
        self.value = value


class Ramp(Generator):
    moving = True

    def __init__(self, low: float, high: float, period_s: float, phase: float) -> None:
        super().__init__(low)
        self.low, self.span, self.period_s, self.phase = low, high - low, period_s, phase

    def sample(self, now_s: float) -> float:
        return self.low + self.span * ((now_s / self.period_s + self.phase) % 1.0)


class Sine(Ramp):
    def sample(self, now_s: float) -> float:
        angle = 2 * math.pi * (now_s / self.period_s + self.phase)
        return self.low + self.span * (0.5 + 0.5 * math.sin(angle))


class RandomWalk(Generator):
    moving = True

    def __init__(
        self, start: float, low: float, high: float, step: float, rng: random.Random
    ) -> None:
        super().__init__(start)
        self.low, self.high, self.step = low, high, step
        self._rng = rng  # shared: a Random per point would cost 2.5 kB each

    def sample(self, now_s: float) -> float:
        moved = self.value + self._rng.uniform(-self.step, self.step)
        self.value = min(self.high, max(self.low, moved))
        return self.value


class Counter(Generator):
    """start + step for every `every_s` seconds since the runtime started."""

    moving = True

    def __init__(self, start: int, step: int, every_s: float, since_s: float) -> None:
        super().__init__(start)
        self.step, self.every_s, self.since_s = step, every_s, since_s

    def sample(self, now_s: float) -> int:
        return int(self.value + self.step * int((now_s - self.since_s) / self.every_s))

    def hold(self, value: Any, now_s: float) -> None:
        self.value, self.since_s = value, now_s


class Cycle(Generator):
    moving = True

    def __init__(self, values: Sequence[Any], period_s: float, phase: float) -> None:
        super().__init__(values[0])
        self.values, self.period_s, self.phase = tuple(values), period_s, phase

    def sample(self, now_s: float) -> Any:
        return self.values[
            int(now_s / self.period_s + self.phase * len(self.values)) % len(self.values)
        ]


class Clock(Generator):
    moving = True

    def sample(self, now_s: float) -> int:
        return int(now_s * 1e6) * 1000


_WALKS = random.Random(192)


def make_generator(
    kind: str,
    params: Mapping[str, Any],
    initial: Any,
    seed: int,
    since_s: float,
    rng: random.Random = _WALKS,
) -> Generator:
    """The generator for one attribute; `seed` spreads phases so twins don't move in step."""
    phase = (seed % 997) / 997
    low, high = float(params.get("low", 0.0)), float(params.get("high", 100.0))
    period = float(params.get("period_s", 30.0))
    if kind in ("static", "setpoint"):
        return Generator(initial)
    if kind == "ramp":
        return Ramp(low, high, period, phase)
    if kind == "sine":
        return Sine(low, high, period, phase)
    if kind == "random_walk":
        start = float(initial) if initial is not None else (low + high) / 2
        return RandomWalk(start, low, high, float(params.get("step", (high - low) / 50)), rng)
    if kind == "counter":
        every = float(params.get("every_s", 1.0))
        return Counter(int(initial or 0), int(params.get("step", 1)), every, since_s)
    if kind == "cycle":
        return Cycle(params["values"], period, phase)
    if kind == "clock":
        return Clock(initial)
    raise ValueError(f"unknown generator {kind!r}")


GENERATOR_KINDS = frozenset(
    {"static", "setpoint", "ramp", "sine", "random_walk", "counter", "cycle", "clock"}
)
