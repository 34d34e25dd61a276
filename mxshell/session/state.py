"""What the persistent session reports: its state, event counters, what a reconnect
restored, and the one NotConnectedError."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import Enum

from mxshell.gateway.errors import GatewayError


class NotConnectedError(GatewayError):
    """A command needs the gateway while the session is not connected (the one class for
    it: the command layer raises this one too, so `except api.NotConnectedError` sees
    every case)."""

    def __init__(self, message: str = "not connected to a gateway; use connect") -> None:
        super().__init__(message)


class SessionState(Enum):
    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"


@dataclass
class EventCounters:
    received: int = 0
    data_changes: int = 0
    write_completes: int = 0
    gaps: int = 0
    missed: int = 0
    # Reconnects after which the old session's later events are gone: how many is
    # unknowable (the new session's worker_sequence starts again at 1).
    reconnect_gaps: int = 0
    last_worker_sequence: int = 0
    rate: float = 0.0  # events/s, smoothed
    _window_start: float = field(default_factory=time.monotonic, repr=False)
    _window_count: int = field(default=0, repr=False)

    def tick(self, count: int) -> None:
        self.received += count
        self._window_count += count
        now = time.monotonic()
        elapsed = now - self._window_start
        if elapsed >= 1.0:
            self.rate = self._window_count / elapsed
            self._window_start, self._window_count = now, 0

    def current_rate(self) -> float:
        if time.monotonic() - self._window_start > 2.0:
            return 0.0
        return self.rate


@dataclass
class RestoreReport:
    """What a reconnect put back, and what it could not."""

    session_id: str
    registrations: int = 0
    items: int = 0
    advises: int = 0
    lost: list[str] = field(default_factory=list)
    missed_after_sequence: int = 0

    def describe(self) -> str:
        text = (
            f"reconnected (session {self.session_id}): restored {self.registrations} "
            f"registration(s), {self.items} item(s), {self.advises} advise(s)"
        )
        if self.lost:
            text += f"; could not restore: {', '.join(self.lost)}"
        if self.missed_after_sequence:
            text += (
                f"; events after worker_sequence {self.missed_after_sequence} "
                "of the old session were missed (how many is unknown; status counts "
                "this under reconnect_gaps, events_missed counts only dropped events)"
            )
        return text
