"""Fleet runs: one command file on several named connections at once.

`mxshell -f check.mxsh --connection north --connection south` runs the file once per
connection, each run in a shell of its own (its own variables, session and answers log),
a bounded number at a time. Every line a run prints is prefixed with its connection
(under --json, each object carries a "connection" key instead, so that every line still
parses); each run ends with one summary line, the fleet with one more; the exit status is
the worst of the runs'; a report has one testsuite (section, document) per connection.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, TextIO

from mxshell.app.connection import Target
from mxshell.app.modes import (
    EXIT_FAILED,
    EXIT_TERMINATED,
    LaunchOptions,
    load,
    on_sigterm,
    run_facts,
    settings_for,
    validated,
)
from mxshell.app.runtime import ShellRuntime
from mxshell.script.reports import RunFacts, write_reports
from mxshell.script.steps import Script
from mxshell.shell.plain import ask_plain, at_terminal


def is_fleet(options: LaunchOptions) -> bool:
    """A command file (-f) on more than one named connection. A -c line, stdin and the
    prompt open all the connections in one shell instead (`a:Tank1.Level` reaches a)."""
    return options.file is not None and len(options.connections) > 1


@dataclass
class LegRun:
    """How one connection's run went."""

    connection: str
    status: int
    facts: RunFacts | None = None  # None: it never started (a bad file, no gateway)


async def run_fleet(options: LaunchOptions) -> int:
    """Run the file on every named connection; the worst exit status."""
    names = [name for name, _ in options.connections]
    width = max(len(name) for name in names)
    limit = asyncio.Semaphore(max(options.parallel, 1))
    runtimes: list[ShellRuntime] = []
    # The file is read and checked once, by the first run to start, and its steps shared:
    # a loaded Script is text and structure only, each run expands and dispatches it anew.
    loaded = asyncio.Lock()
    script: list[Script] = []

    async def load_once(runtime: ShellRuntime) -> Script:
        async with loaded:
            if not script:
                script.append(await load(runtime, options))
            return script[0]

    async def leg(name: str, target: Target) -> LegRun:
        async with limit:
            return await _leg(name, target, options, width, runtimes, load_once)

    tasks = [asyncio.ensure_future(leg(name, target)) for name, target in options.connections]
    with _sigterm_stops(runtimes, tasks):
        done = await asyncio.gather(*tasks, return_exceptions=True)
    legs = [_settled(name, found) for name, found in zip(names, done, strict=True)]
    status = max(leg.status for leg in legs)
    facts = [leg.facts for leg in legs if leg.facts is not None]
    if options.reports and facts:
        for error in write_reports(options.reports, facts):
            print(f"mxshell: {error}", file=sys.stderr, flush=True)
            status = status or EXIT_FAILED
    print(_overall(options, legs, status), file=sys.stderr, flush=True)
    return status


def _settled(name: str, found: Any) -> LegRun:
    """A leg's LegRun; one that was cancelled (SIGTERM) is 143, one that broke is said in
    one line and fails."""
    if isinstance(found, LegRun):
        return found
    if isinstance(found, Exception):
        print(f"{name} | mxshell: {type(found).__name__}: {found}", file=sys.stderr, flush=True)
        return LegRun(name, EXIT_FAILED)
    return LegRun(name, EXIT_TERMINATED)


async def _leg(
    name: str,
    target: Target,
    options: LaunchOptions,
    width: int,
    runtimes: list[ShellRuntime],
    load_once: Callable[[ShellRuntime], Awaitable[Script]],
) -> LegRun:
    json_lines = options.output == "json"
    runtime = ShellRuntime(
        settings_for(options),
        out=_prefixed(name, width, lambda: sys.stdout, json_lines),
        err=_prefixed(name, width, lambda: sys.stderr, False),
        plugins=options.plugins,
        plugin_config=options.plugin_config,
        config_source=options.config_source,
        declared=options.declared,
    )
    runtimes.append(runtime)
    runtime.operator.answers, runtime.operator.yes = options.answers, options.yes
    runtime.scripts.defer_timeout = options.defer_timeout
    if at_terminal():
        runtime.operator.ask = ask_plain
    try:
        # This run's own Script around the shared steps: the Galaxy problems validation
        # adds are this connection's, never another's.
        script = replace(await load_once(runtime))
        script.problems = list(script.problems)
        if script.problems:  # said by the run, once per connection
            run = await runtime.scripts.run(script)
            return LegRun(name, run.status, run_facts(runtime, options, script, run, name))
        if not await runtime.start(None, [(name, target)]):
            runtime.err("not run: the gateway could not be reached")
            return LegRun(name, EXIT_FAILED)
        if options.validate:
            await validated(runtime, script)  # problems found: the run says them, runs nothing
        run = await runtime.scripts.run(script)
        facts = run_facts(runtime, options, script, run, name)
    finally:
        await runtime.close()
    runtime.err(f"exit status {run.status}: {run.ran} commands, {run.failed} failed")
    return LegRun(name, run.status, facts)


def _prefixed(
    name: str, width: int, stream: Callable[[], TextIO], json_lines: bool
) -> Callable[[str], None]:
    """A writer that names the connection on every line it prints."""
    label = f"{name:<{width}} | "

    def write(text: str) -> None:
        if json_lines and text.startswith("{"):
            lines = [_with_connection(line, name) for line in text.splitlines()]
        else:
            lines = [label + line for line in text.splitlines() or [""]]
        print("\n".join(lines), file=stream(), flush=True)

    return write


def _with_connection(line: str, name: str) -> str:
    """A JSON object line with "connection" added first; any other line as it is."""
    try:
        data = json.loads(line)
    except ValueError:
        return line
    if not isinstance(data, dict):
        return line
    return json.dumps({"connection": name, **data}, separators=(",", ":"))


def _overall(options: LaunchOptions, legs: list[LegRun], status: int) -> str:
    label = options.file
    parts = [
        f"{leg.connection} {'passed' if leg.status == 0 else f'exit {leg.status}'}" for leg in legs
    ]
    failed = sum(1 for leg in legs if leg.status)
    verdict = "all passed" if not failed else f"{failed} of {len(legs)} failed"
    return (
        f"fleet: {label} on {len(legs)} connections: {verdict} ({', '.join(parts)}); exit {status}"
    )


@contextmanager
def _sigterm_stops(
    runtimes: list[ShellRuntime], tasks: Sequence[asyncio.Future[Any]]
) -> Iterator[None]:
    """SIGTERM ends every run as it ends one file's: cancelled, deferred commands run."""

    def stop() -> None:
        if any(runtime.scripts.terminated for runtime in runtimes):
            return
        print("mxshell: terminated (SIGTERM); finishing the runs", file=sys.stderr, flush=True)
        for runtime in runtimes:
            runtime.scripts.terminated = True
        for task in tasks:
            task.cancel()

    with on_sigterm(asyncio.get_running_loop(), stop):
        yield
