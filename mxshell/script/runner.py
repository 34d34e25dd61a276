"""The one runner of command files: `mxshell -f`, `source` at the prompt, `-c` and stdin.

A file is read and checked whole first (mxshell.script.program); a problem means exit
status 2 and nothing runs. Then its commands run in order through the dispatcher. The
first failure stops the run (`FILE:LINE: command: message`) unless `on-error continue`
(the `stop_on_error` setting) is in effect, in which case all run and a summary follows.
Ctrl-C stops the run at once. With `output` json every command prints one JSON object
carrying its line.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mxshell.commands.dispatch import CANCELLED, OK, Dispatcher, Outcome
from mxshell.output.render import outcome_data, render_text
from mxshell.output.secrets import scrub
from mxshell.script.program import (
    Problem,
    Script,
    ScriptLine,
    Step,
    load_file,
    load_lines,
    load_text,
    read_script,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# The key under which a shell lends its runner to commands (`source`).
Writer = Callable[[str], None]


@dataclass
class ScriptRun:
    """How a run went: its exit status (0 all ran, 1 a command failed, 2 a usage error,
    130 interrupted), how many commands ran and which failed (as FILE:LINE)."""

    status: int = EXIT_OK
    ran: int = 0
    failures: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    interrupted: bool = False
    stopped: bool = False  # at a failure, by on-error stop

    @property
    def failed(self) -> int:
        return len(self.failures)


class ScriptRunner:
    """Loads, checks and runs command files against one dispatcher.

    `show` prints a successful outcome as the shell does at the prompt; `out` and `err`
    take whole lines (JSON objects go to out, failures and summaries to err).
    """

    def __init__(
        self,
        dispatcher: Dispatcher,
        *,
        show: Callable[[Outcome], None],
        out: Writer,
        err: Writer,
    ) -> None:
        self.dispatcher = dispatcher
        self.show = show
        self.out = out
        self.err = err
        self._running: list[str] = []

    @property
    def context(self) -> Any:
        return self.dispatcher.context

    async def load_file(self, path: Path, args: Sequence[str] = ()) -> Script:
        """Read and check a file (and its includes); see Script.problems."""
        context = self.context
        if str(path.resolve()) in self._running:
            return Script(str(path), problems=[Problem(None, 0, f"{path} is already running")])
        return await load_file(path, args, registry=context.registry, variables=context.variables)

    async def load_text(self, text: str, source: str | None, args: Sequence[str] = ()) -> Script:
        context = self.context
        return await load_text(
            text, source, args, registry=context.registry, variables=context.variables
        )

    async def run_file(self, path: Path, args: Sequence[str] = ()) -> ScriptRun:
        return await self.run(await self.load_file(path, args))

    async def run_text(self, text: str, source: str | None, args: Sequence[str] = ()) -> ScriptRun:
        return await self.run(await self.load_text(text, source, args))

    async def run(self, script: Script) -> ScriptRun:
        """Run a loaded script, or report its problems and run nothing."""
        if script.problems:
            return self._refuse(*script.problems, source=script.source)
        context = self.context
        settings, variables = context.settings, context.variables
        saved = (settings.stop_on_error, variables.args)
        self._running.append(str(Path(script.source).resolve()) if script.source else "")
        run = ScriptRun()
        try:
            await self._steps(script.steps, run)
        finally:
            self._running.pop()
            settings.stop_on_error, variables.args = saved
        if run.failed and not run.stopped and not run.interrupted:
            self._summary(script, run)
        return run

    async def _steps(self, steps: list[Step], run: ScriptRun) -> None:
        context = self.context
        for step in steps:
            context.variables.args = step.args
            try:
                outcome = await self.dispatcher.run_segment(step.segment)
            except asyncio.CancelledError:  # between two commands: stop all the same
                _uncancel()
                outcome = Outcome(
                    step.name, step.segment.text, False, error="cancelled", status=CANCELLED
                )
            run.ran += 1
            self._report(step, outcome)
            if outcome.status == CANCELLED:
                run.interrupted = True
                run.status = EXIT_INTERRUPTED
                run.failures.append(step.where)
                return
            if not outcome.ok:
                run.failures.append(step.where)
                run.status = max(run.status, outcome.exit_status)
                if context.settings.stop_on_error:
                    run.stopped = True
                    return
            if context.exit_requested:
                run.status = max(run.status, context.exit_status)
                return

    # output ----------------------------------------------------------------------
    def _report(self, step: Step, outcome: Outcome) -> None:
        settings = self.context.settings
        secrets = self._secrets()
        if settings.output == "json":
            data = outcome_data(outcome, secrets)
            data["line"] = step.line
            if step.source:
                data["source"] = step.source
            self.out(_json(data))
        elif outcome.ok:
            self.show(outcome)
        else:
            text = render_text(outcome, settings, secrets)
            if outcome.status == CANCELLED:
                text = f"{outcome.command}: interrupted (Ctrl-C); the rest of the run is skipped"
            self.err(f"{step.where}: {text}" if step.where else text)

    def _refuse(self, *problems: Problem, source: str | None = None) -> ScriptRun:
        for problem in problems:
            if self.context.settings.output == "json":
                data: dict[str, Any] = {"command": problem.command, "ok": False}
                data.update(error=scrub(problem.message, self._secrets()), line=problem.line)
                if problem.source:
                    data["source"] = problem.source
                self.out(_json(data))
            else:
                self.err(scrub(str(problem), self._secrets()))
        if source:
            count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
            self.err(f"{source}: {count} found; nothing was run")
        return ScriptRun(status=EXIT_USAGE, problems=list(problems))

    def _summary(self, script: Script, run: ScriptRun) -> None:
        label = script.source or "-c"
        text = f"{label}: {run.failed} of {run.ran} command{'s' if run.ran > 1 else ''} failed"
        if script.source:
            own = f"{script.source}:"
            places = [w[len(own) :] if w.startswith(own) else w for w in run.failures]
            more = " ..." if len(places) > 10 else ""
            lines = "lines" if len(places) > 1 else "line"
            text += f" ({lines} {', '.join(places[:10])}{more})"
        self.err(text)

    def _secrets(self) -> frozenset[str]:
        return frozenset(self.context.variables.secret_values())


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _uncancel() -> None:
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        task.uncancel()


async def run_script(
    dispatcher: Dispatcher,
    lines: list[ScriptLine],
    source: str | None,
    *,
    show: Callable[[Outcome], None],
    report: Writer,
) -> ScriptRun:
    """Check and run lines read with read_script, as `mxshell -f` runs a file."""
    runner = ScriptRunner(dispatcher, show=show, out=report, err=report)
    context = dispatcher.context
    script = await load_lines(lines, source, registry=context.registry, variables=context.variables)
    return await runner.run(script)


__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "OK",
    "ScriptRun",
    "ScriptRunner",
    "read_script",
    "run_script",
]
