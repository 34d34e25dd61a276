"""Capped exponential backoff with jitter, for reconnecting to a gateway."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    initial_s: float = 0.2
    factor: float = 2.0
    cap_s: float = 5.0
    jitter: float = 0.2  # fraction of each delay drawn at random, so many shells spread out

    def delays(self) -> Iterator[float]:
        delay = self.initial_s
        while True:
            spread = delay * self.jitter
            yield max(0.0, delay + random.uniform(-spread, spread))
            delay = min(self.cap_s, delay * self.factor)
