"""What a run of a command file keeps for its summary and reports: every command's outcome
with where and when it ran, which of them were checks or manual steps, and the counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mxshell.commands.lexer import Segment
from mxshell.output.outcome import Outcome
from mxshell.output.results import Text
from mxshell.script.steps import Problem, Step

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


@dataclass
class ScriptRun:
    """How a run went: its exit status (0 all ran, 1 a command failed, 2 a usage error,
    130 interrupted, 143 terminated, or what `exit N` said), how many commands ran and
    which failed (as FILE:LINE)."""

    status: int = 0
    ran: int = 0
    failures: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    interrupted: bool = False
    stopped: bool = False  # at a failure, by on-error stop
    exited: bool = False  # by `exit N`: the status is N
    # `defer`red commands, last registered last: (where it was registered, the command).
    deferred: list[tuple[Step, Segment]] = field(default_factory=list)
    # The checks, manual steps and failed commands as they ran (see keep), for the
    # summary and the reports; when the run began and ended.
    records: list[StepRecord] = field(default_factory=list)
    started: datetime | None = None
    ended: datetime | None = None

    @property
    def failed(self) -> int:
        return len(self.failures)

    def keep(self, record: StepRecord) -> None:
        """Keep what the summary and reports tell: checks, manual steps and failures (a
        million `echo` lines keep nothing)."""
        if record.kind != "command" or not record.outcome.ok:
            self.records.append(record)
