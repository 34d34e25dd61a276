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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mxshell.base.errors import CommandFailed, ShellError, UsageError
from mxshell.commands.dispatch import CANCELLED, FAILED, OK, USAGE, Dispatcher, Outcome
from mxshell.commands.lexer import Segment
from mxshell.commands.registry import quote_words
from mxshell.output.render import outcome_data, render_text
from mxshell.output.secrets import scrub
from mxshell.script.blocks import Block, Node, branch_holds, for_words
from mxshell.script.program import INCLUDE_WORDS, load_file, load_lines, load_text, read_script
from mxshell.script.record import ScriptRun, StepRecord, counts
from mxshell.script.steps import Problem, Script, ScriptLine, Step

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143
DEFER_TIMEOUT_S = 30.0
# The key under which a shell lends its runner to commands (`source`).
Writer = Callable[[str], None]


class ScriptRunner:
    """Loads, checks and runs command files against one dispatcher.

    `show` prints a successful outcome as the shell does at the prompt; `out` and `err`
    take whole lines (JSON objects go to out, failures and summaries to err);
    `failed_out` takes a failure's JSON object (out if not given: `output-to` sends
    results to a file and leaves failures on the terminal).
    """

    def __init__(
        self,
        dispatcher: Dispatcher,
        *,
        show: Callable[[Outcome], None],
        out: Writer,
        err: Writer,
        failed_out: Writer | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.show = show
        self.out = out
        self.err = err
        self.failed_out = failed_out or out
        self._running: list[str] = []
        # Set by the shell when SIGTERM asked it to stop: the run ends as if interrupted,
        # deferred commands run, and the status is 143.
        self.terminated = False
        # How long deferred commands wait for a gateway that went away to come back.
        self.defer_timeout = DEFER_TIMEOUT_S

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
        run = ScriptRun(started=datetime.now(UTC))
        try:
            await self._nodes(script.body, run)
            await self._deferred(run)
        finally:
            run.ended = datetime.now(UTC)
            self._running.pop()
            continued = not settings.stop_on_error
            settings.stop_on_error, variables.args = saved
        if self.terminated:
            run.status = EXIT_TERMINATED
        if run.interrupted or (run.failed and not run.stopped) or (continued and run.ran):
            self._summary(script, run)
        self._json_summary(script.source, run)
        return run

    # running ---------------------------------------------------------------------
    async def _nodes(self, nodes: Sequence[Node], run: ScriptRun) -> bool:
        """Run the nodes in order; False when the run is to end (stop, exit, Ctrl-C)."""
        for node in nodes:
            if isinstance(node, Block):
                if not await self._block(node, run):
                    return False
                continue
            for step in node:
                if not await self._step(step, run):
                    return False
        return True

    async def _block(self, block: Block, run: ScriptRun) -> bool:
        self.context.variables.args = block.head.args  # its file's $1...
        try:
            if block.kind == "for":
                name, words = await for_words(block.head, self.context.variables)
                for word in words:
                    self.context.variables[name] = word
                    if not await self._nodes(block.branches[0].body, run):
                        return False
                return True
            for branch in block.branches:
                if branch.head.name == "else" or branch_holds(branch.head, self.context.variables):
                    return await self._nodes(branch.body, run)
            return True
        except ShellError as error:
            return self._statement_failed(block.head, error, run)

    async def _step(self, step: Step, run: ScriptRun) -> bool:
        context = self.context
        context.variables.args = step.args
        if step.name == "defer":
            return self._defer(step, run)
        if step.name in INCLUDE_WORDS:
            return await self._include(step, run)
        started = datetime.now(UTC)
        try:
            outcome = await self.dispatcher.run_segment(step.segment)
        except asyncio.CancelledError:  # between two commands: stop all the same
            _uncancel()
            outcome = Outcome(step.name, step.text, False, error="cancelled", status=CANCELLED)
        run.keep(StepRecord(step, outcome, started))
        run.ran += 1
        self._report(step, outcome)
        if outcome.status == CANCELLED:
            run.interrupted = True
            run.status = EXIT_INTERRUPTED
            run.failures.append(step.where)
            return False
        if not outcome.ok:
            run.failures.append(step.where)
            run.status = max(run.status, outcome.exit_status)
            if context.settings.stop_on_error:
                run.stopped = True
                return False
        if context.exit_requested:
            # `exit N` is the file's own word on how it went, failures before it or not.
            run.status, run.exited = context.exit_status, True
            return False
        return True

    def _defer(self, step: Step, run: ScriptRun) -> bool:
        try:
            expanded = self.context.variables.expand_segment(step.segment)
        except ShellError as error:
            return self._statement_failed(step, error, run)
        words = expanded.words[1:]
        run.deferred.append((step, Segment(words, quote_words([w.text for w in words]), 0)))
        return True

    async def _include(self, step: Step, run: ScriptRun) -> bool:
        """An include whose words hold ${NAME}: read and checked when the run reaches it."""
        try:
            words = self.context.variables.expand_segment(step.segment).values[1:]
            if not words:
                raise UsageError("which file?", "include FILE [ARGS...]")
            base = Path(step.source).parent if step.source else Path.cwd()
            script = await self.load_file(base / Path(words[0]).expanduser(), words[1:])
            if script.problems:
                self._refuse(*script.problems, source=script.source, summary=False)
                raise CommandFailed(f"{words[0]}: nothing of it was run")
        except ShellError as error:
            return self._statement_failed(step, error, run)
        return await self._nodes(script.body, run)

    async def _deferred(self, run: ScriptRun) -> None:
        """The deferred commands, last first, however the run ended; a second Ctrl-C (or
        a cancellation while they run) abandons the rest."""
        deferred, run.deferred = run.deferred, []
        _uncancel()
        if deferred and not await self._gateway_back():
            for step, segment in reversed(deferred):
                text = (
                    f"deferred {segment.values[0]}: not run: the gateway did not come back "
                    f"within {self.defer_timeout:g}s"
                )
                self.err(f"{step.where}: {text}" if step.where else text)
                failed = Outcome(segment.values[0], segment.text, False, error=text)
                run.keep(StepRecord(step, failed, datetime.now(UTC), deferred=True))
                run.failures.append(step.where)
            run.status = run.status or EXIT_FAILED
            return
        for index, (step, segment) in enumerate(reversed(deferred)):
            started = datetime.now(UTC)
            try:
                outcome = await self.dispatcher.run_segment(segment)
            except asyncio.CancelledError:
                outcome = Outcome(segment.values[0], segment.text, False, status=CANCELLED)
            if outcome.status == CANCELLED:
                left = len(deferred) - index
                self.err(f"{step.where or 'defer'}: {left} deferred command(s) abandoned (Ctrl-C)")
                run.status = run.status or EXIT_FAILED
                return
            self._report(step, outcome, deferred=True)
            run.keep(StepRecord(step, outcome, started, deferred=True))
            if not outcome.ok:
                run.failures.append(step.where)
                run.status = run.status or EXIT_FAILED

    async def _gateway_back(self) -> bool:
        """Whether the session is connected, waiting up to defer_timeout for a reconnect
        (a gateway restarted mid-run); True when there is no session to wait for."""
        session = self.context.session
        if session is None or session.connected:
            return True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.defer_timeout
        self.err(f"waiting up to {self.defer_timeout:g}s for the gateway to run deferred commands")
        while loop.time() < deadline:
            await asyncio.sleep(0.1)
            if self.context.session is None:
                return False
            if self.context.session.connected:
                return True
        return False

    def _statement_failed(self, step: Step, error: ShellError, run: ScriptRun) -> bool:
        """A statement of the file itself (if, for, defer, include) failed at its line."""
        status = USAGE if isinstance(error, UsageError) else FAILED
        failed = Outcome(step.name, step.text, False, error=str(error), status=status)
        self._report(step, failed)
        run.keep(StepRecord(step, failed, datetime.now(UTC)))
        run.failures.append(step.where)
        run.status = max(run.status, error.exit_status)
        if self.context.settings.stop_on_error:
            run.stopped = True
            return False
        return True

    # output ----------------------------------------------------------------------
    def _report(self, step: Step, outcome: Outcome, *, deferred: bool = False) -> None:
        settings = self.context.settings
        if settings.output == "json":
            data = outcome_data(outcome, self._secrets())
            data["line"] = step.line
            if step.source:
                data["source"] = step.source
            if deferred:
                data["deferred"] = True
            (self.out if outcome.ok else self.failed_out)(_json(data))
        elif outcome.ok:
            self.show(outcome)
        else:
            text = render_text(outcome, settings, self._secrets())
            if outcome.status == CANCELLED:
                why = "terminated (SIGTERM)" if self.terminated else "interrupted (Ctrl-C)"
                text = f"{outcome.command}: {why}; the rest of the run is skipped"
            if deferred:
                text = f"deferred {text}"
            self.err(f"{step.where}: {text}" if step.where else text)

    def _refuse(
        self, *problems: Problem, source: str | None = None, summary: bool = True
    ) -> ScriptRun:
        """Report problems found before a run; nothing of it runs. `summary` False for a
        file read in the middle of a run (its includer's summary comes at the end)."""
        for problem in problems:
            if self.context.settings.output == "json":
                data: dict[str, Any] = {"command": problem.command, "ok": False}
                data.update(error=scrub(problem.message, self._secrets()), line=problem.line)
                if problem.source:
                    data["source"] = problem.source
                self.failed_out(_json(data))
            else:
                self.err(scrub(str(problem), self._secrets()))
        if source:
            count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
            self.err(f"{source}: {count} found; nothing was run")
        refused = ScriptRun(status=EXIT_USAGE, problems=list(problems))
        if summary:
            self._json_summary(source, refused)
        return refused

    def _summary(self, script: Script, run: ScriptRun) -> None:
        """One line at the end of a run that did not stop at its first failure: how many
        commands ran and failed, and where; under --json one summary object as well."""
        label = script.source or "-c"
        commands = f"{run.ran} command{'s' if run.ran != 1 else ''}"
        if run.failed:
            text = f"{label}: {run.failed} of {commands} failed"
        else:
            text = f"{label}: all {commands} passed"
        own = f"{script.source}:"
        places = [w[len(own) :] if script.source and w.startswith(own) else w for w in run.failures]
        if script.source and places:
            more = " ..." if len(places) > 10 else ""
            lines = "lines" if len(places) > 1 else "line"
            text += f" ({lines} {', '.join(places[:10])}{more})"
        if run.interrupted:
            why = "terminated (SIGTERM)" if self.terminated else "interrupted (Ctrl-C)"
            text += f"; {why}"
        self.err(text)

    def _json_summary(self, source: str | None, run: ScriptRun) -> None:
        """Under --json, the last line of a file's run (-f, stdin, source; not -c): how it
        went, as one object."""
        if self.context.settings.output != "json" or source is None:
            return
        summary = {
            "source": source,
            "commands_run": run.ran,
            "commands_failed": run.failed,
            **counts(run.records),
            "failures": run.failures,
            "problems": len(run.problems),
            "interrupted": run.interrupted,
            "status": run.status,
        }
        self.out(_json({"summary": summary}))

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
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "OK",
    "ScriptRun",
    "ScriptRunner",
    "read_script",
    "run_script",
]
