"""Command files: lines run in order through the dispatcher, failures named FILE:LINE."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from mxshell.commands.dispatch import USAGE, Dispatcher, Outcome
from mxshell.commands.render import outcome_data


@dataclass(frozen=True)
class ScriptLine:
    """One logical line of a command file and the number of its first physical line."""

    number: int
    text: str


def read_script(text: str) -> list[ScriptLine]:
    """Split a file into logical lines, joining lines that end in a backslash."""
    lines: list[ScriptLine] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        if raw.endswith("\\") and not raw.endswith("\\\\"):
            pending.append(raw[:-1])
            continue
        pending.append(raw)
        lines.append(ScriptLine(start, " ".join(p.strip() for p in pending)))
        pending = []
    if pending:
        lines.append(ScriptLine(start, " ".join(p.strip() for p in pending)))
    return lines


@dataclass
class ScriptRun:
    """How a file went: its exit status (0 all ran, 1 a command failed, 2 usage error)."""

    status: int = 0
    ran: int = 0
    failed: int = 0


async def run_script(
    dispatcher: Dispatcher,
    lines: list[ScriptLine],
    source: str,
    *,
    show: Callable[[Outcome], None],
    report: Callable[[str], None],
    on_error: str = "stop",
    json_output: bool = False,
) -> ScriptRun:
    """Run the lines in order; stop at the first failure unless on_error is "continue"."""
    run = ScriptRun()
    for line in lines:
        outcomes = await dispatcher.run_line(line.text, stop_on_error=on_error == "stop")
        for outcome in outcomes:
            run.ran += 1
            if outcome.ok:
                show(outcome)
                continue
            run.failed += 1
            run.status = max(run.status, 2 if outcome.status == USAGE else 1)
            if json_output:
                data = outcome_data(outcome)
                data.update(source=source, line=line.number)
                report(json.dumps(data, sort_keys=True, separators=(",", ":")))
            else:
                report(f"{source}:{line.number}: {outcome.describe()}")
        if run.failed and on_error == "stop":
            break
        if dispatcher.context.exit_requested:
            run.status = max(run.status, dispatcher.context.exit_status)
            break
    return run
