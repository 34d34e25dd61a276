"""What a run of a command file keeps for its summary and reports: every command's outcome
with where and when it ran, which of them were checks or manual steps, and the counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mxshell.output.outcome import Outcome
from mxshell.output.results import Text
from mxshell.script.steps import Step

# The commands a report lists one by one: checks, and the operator's manual steps.
CHECKS = frozenset({"expect", "wait-for", "assert"})
MANUAL_STEPS = frozenset({"confirm", "pause", "prompt"})


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One command as it ran: the step, its outcome, when it started (UTC)."""

    step: Step
    outcome: Outcome
    started: datetime
    deferred: bool = False

    @property
    def kind(self) -> str:
        """check, manual or command."""
        if self.outcome.command in CHECKS:
            return "check"
        if self.outcome.command in MANUAL_STEPS:
            return "manual"
        return "command"

    @property
    def data(self) -> dict[str, Any]:
        """What the command reported about itself (a check's observed value, a manual
        step's answer): its result's data, on success and on failure alike."""
        result = self.outcome.result
        if isinstance(result, Text) and isinstance(result.data, dict):
            return result.data
        return result if isinstance(result, dict) else {}

    @property
    def name(self) -> str:
        """How a report names it: a check's -m text, a manual step's question, else the
        line as it ran (`wait-for Pump2.Speed.SP == 1450 ±0.5%`), else as typed."""
        data = self.data
        for key in ("message", "text"):
            if isinstance(data.get(key), str) and data[key]:
                return str(data[key])
        condition = data.get("condition", data.get("expected"))
        if isinstance(condition, str):
            # the line as it ran, its ${NAME}s expanded: a loop's checks keep apart
            item = f" {data['item']}" if isinstance(data.get("item"), str) else ""
            return f"{self.outcome.command}{item} {condition}"
        return self.outcome.line


def counts(records: list[StepRecord]) -> dict[str, int]:
    """checks_passed, checks_failed, manual_steps."""
    checks = [r for r in records if r.kind == "check"]
    return {
        "checks_passed": sum(1 for r in checks if r.outcome.ok),
        "checks_failed": sum(1 for r in checks if not r.outcome.ok),
        "manual_steps": sum(1 for r in records if r.kind == "manual"),
    }
