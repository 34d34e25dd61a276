"""Assembling mxshell for the console script: connect, then run the mode the flags chose.

Modes: the REPL (a terminal and no -c/-f), `-c "a; b"`, `-f FILE`, or commands piped
on stdin. Every mode closes the gateway session on the way out.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mxshell import __version__
from mxshell.app import collector
from mxshell.app.connection import Target
from mxshell.app.plugin_host import PluginSelection
from mxshell.app.runtime import ShellRuntime
from mxshell.base import paths
from mxshell.base.errors import ShellError
from mxshell.base.signals import on_sigterm
from mxshell.commands import Settings
from mxshell.gateway import GatewayError
from mxshell.script.reports import ReportTarget, RunFacts, write_reports
from mxshell.script.runner import ScriptRun
from mxshell.script.steps import Script
from mxshell.shell.plain import ask_plain, at_terminal

if TYPE_CHECKING:
    from mxshell.shell.repl import Repl

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_TERMINATED = 0, 1, 2, 143


@dataclass
class LaunchOptions:
    """Everything the flags and the config file decided, flags winning."""

    target: Target
    # --connection NAME (repeatable): named connections, the first current; with -f and
    # more than one, the file runs on each (mxshell.app.fleet).
    connections: list[tuple[str, Target]] = field(default_factory=list)
    parallel: int = 8  # a fleet run's connections at a time
    # Every [connections.NAME] of the config file, opened or not: `connect NAME` opens
    # one, and `NAME:Tag` with one not open is refused.
    declared: dict[str, Target] = field(default_factory=dict)
    output: str = "table"
    timestamps: str = "local"
    history_size: int = 10_000
    debug: bool = False
    commands: str | None = None
    file: str | None = None
    file_args: list[str] = field(default_factory=list)
    on_error: str = "stop"
    answers: dict[str, str] = field(default_factory=dict)
    reports: list[ReportTarget] = field(default_factory=list)
    check_only: bool = False  # --check: check and validate, run nothing
    validate: bool = True  # look the file's tags up in the Galaxy first
    defer_timeout: float = 30.0  # deferred commands wait this long for the gateway
    yes: bool = False
    history: bool = True
    plugins: PluginSelection = field(default_factory=PluginSelection)
    # The config file's [plugins.NAME] tables, and the file (for the warnings they give).
    plugin_config: dict[str, dict[str, Any]] = field(default_factory=dict)
    config_source: str = ""
    # The config file's other shell settings (events, precision, timing...), set first.
    settings: dict[str, Any] = field(default_factory=dict)


def settings_for(options: LaunchOptions) -> Settings:
    settings = Settings()
    for name, value in options.settings.items():
        setattr(settings, name, value)  # checked as `set` checks them when the file was read
    settings.output = options.output
    settings.timestamps = options.timestamps
    settings.debug = options.debug
    settings.history_size = options.history_size
    settings.stop_on_error = options.on_error == "stop"
    return settings


def new_runtime(options: LaunchOptions) -> ShellRuntime:
    """The shell's working parts as the options say (the plugins loaded; nothing connected)."""
    return ShellRuntime(
        settings_for(options),
        plugins=options.plugins,
        plugin_config=options.plugin_config,
        config_source=options.config_source,
        declared=options.declared,
    )


async def run(options: LaunchOptions) -> int:
    runtime = new_runtime(options)
    with sigterm_stops(runtime):
        try:
            return await _run(runtime, options)
        except asyncio.CancelledError:
            if not runtime.scripts.terminated:
                raise
            return EXIT_TERMINATED


def prepared(runtime: ShellRuntime, options: LaunchOptions) -> int | None:
    """What every mode sets before connecting; an exit status if the shell cannot run."""
    if options.target.api_key:
        # A key from --api-key is masked wherever free text could carry it (errors, echo).
        runtime.context.variables.add_secret_value(options.target.api_key)
    runtime.operator.answers, runtime.operator.yes = options.answers, options.yes
    runtime.scripts.defer_timeout = options.defer_timeout
    scripted = options.file is not None or options.commands is not None
    if scripted and at_terminal():
        runtime.operator.ask = ask_plain  # a person is there to answer
    if runtime.host.conflicts:  # each was said in one line as the plugin loaded
        runtime.err("mxshell: two plugins claim the same command; uninstall or fix one")
        return EXIT_USAGE
    return None


async def _run(runtime: ShellRuntime, options: LaunchOptions) -> int:
    status = prepared(runtime, options)
    if status is not None:
        return status
    interactive = options.commands is None and options.file is None and sys.stdin.isatty()
    # A command file is read and checked whole before connecting: a mistake in it is
    # exit status 2 with nothing run.
    script = None if interactive else await load(runtime, options)
    if script is not None and script.problems:
        return _reported(runtime, options, script, await runtime.scripts.run(script))
    connected = await runtime.start(options.target, options.connections)
    try:
        if script is not None and options.check_only:
            return await _check_only(runtime, options, script, connected)
        if not connected and not interactive:
            return EXIT_FAILED
        if script is None:
            return await _repl(runtime, options)
        # A file is validated against the Galaxy first; a -c one-liner is not kept waiting
        # for the Galaxy's index (`--check -c` validates it).
        validate = options.validate and options.commands is None
        if validate and await validated(runtime, script):
            return _reported(runtime, options, script, await runtime.scripts.run(script))
        collector.settle()  # start-up is over: the console script paused the collector
        return _reported(runtime, options, script, await runtime.scripts.run(script))
    finally:
        await runtime.close()


async def validated(runtime: ShellRuntime, script: Script) -> bool:
    """Look the file's tags up in the Galaxy; True when that found problems (they are
    added to the script, which then runs nothing). Without a Galaxy it says so and lets
    the file run."""
    # Here, not at the top: the REPL and -c never validate, and start-up is measured.
    from mxshell.script.validation import ConnectionTags, GalaxyTags, validate

    galaxy = runtime.context.services.galaxy
    if galaxy is None:
        return False
    context = runtime.context
    try:
        lookup = ConnectionTags(runtime.routes, GalaxyTags(galaxy))
        problems = await validate(script, context.registry, context.variables, lookup)
    except (ShellError, GatewayError) as error:
        runtime.err(f"mxshell: the tags were not checked against the Galaxy: {error}")
        return False
    script.problems.extend(problems)
    return bool(problems)


async def _check_only(
    runtime: ShellRuntime, options: LaunchOptions, script: Script, connected: bool
) -> int:
    """--check: the whole-file check and, with a gateway, the Galaxy; nothing runs."""
    if connected and await validated(runtime, script):
        return _reported(runtime, options, script, await runtime.scripts.run(script))
    label = script.source or "-c"
    galaxy = (
        ", with its tags against the Galaxy" if connected else " (no gateway: tags not looked up)"
    )
    runtime.err(f"{label}: checked{galaxy}: no problems found; nothing was run")
    return EXIT_OK


def _reported(runtime: ShellRuntime, options: LaunchOptions, script: Script, run: ScriptRun) -> int:
    """Write the run's reports (--report); a report that could not be written is said in
    one line and makes a passing run's status 1 (the run itself is on stdout)."""
    if not options.reports:
        return run.status
    errors = write_reports(options.reports, run_facts(runtime, options, script, run))
    for error in errors:
        runtime.err(f"mxshell: {error}")
    return run.status or (EXIT_FAILED if errors else 0)


def run_facts(
    runtime: ShellRuntime,
    options: LaunchOptions,
    script: Script,
    run: ScriptRun,
    connection: str | None = None,
) -> RunFacts:
    """What the reports tell of one run."""
    session = runtime.session
    return RunFacts(
        source=script.source,
        started=run.started or datetime.now(UTC),
        ended=run.ended or datetime.now(UTC),
        status=run.status,
        records=run.records,
        problems=run.problems,
        answers=list(runtime.operator.log),
        endpoint=session.endpoint if session is not None else options.target.endpoint,
        session_id=session.session_id if session is not None else None,
        interrupted=run.interrupted,
        secrets=frozenset(runtime.context.variables.secret_values()),
        connection=connection,
    )


@contextmanager
def sigterm_stops(runtime: ShellRuntime, task: asyncio.Task[Any] | None = None) -> Iterator[None]:
    """SIGTERM (a service stop, `kill`, a CI timeout) ends the shell as Ctrl-C ends a
    command file, said in one line: the running command is cancelled, deferred commands
    run, the gateway session is closed, and the exit status is 143."""
    loop = asyncio.get_running_loop()
    task = task or asyncio.current_task()  # the one to cancel: the mode's

    def stop() -> None:
        if runtime.scripts.terminated or task is None:
            return
        runtime.scripts.terminated = True
        runtime.err("mxshell: terminated (SIGTERM); finishing the run and closing the session")
        task.cancel()

    with on_sigterm(loop, stop):
        yield


async def load(runtime: ShellRuntime, options: LaunchOptions) -> Script:
    scripts = runtime.scripts
    if options.commands is not None:
        return await scripts.load_text(options.commands, None)
    if options.file is not None:
        return await scripts.load_file(Path(options.file), options.file_args)
    text = await asyncio.to_thread(sys.stdin.read)
    return await scripts.load_text(text, "<stdin>", options.file_args)


async def _repl(runtime: ShellRuntime, options: LaunchOptions) -> int:
    repl = ready_repl(runtime, options)
    await repl.run()
    return runtime.context.exit_status if runtime.exit_requested else EXIT_OK


def ready_repl(runtime: ShellRuntime, options: LaunchOptions, repl: Repl | None = None) -> Repl:
    """The REPL for a connected (or not) runtime, its banner said; `repl`: a prompt already
    drawn (mxshell.app.prompt_first), which takes the shell's completion, toolbar and lines."""
    from mxshell.shell.build import build_repl

    repl = build_repl(runtime, history=options.history, repl=repl)
    runtime.screen = repl.screen  # results at the prompt: fitted, and paged when tall
    runtime.out(banner(runtime))
    # Start-up is over once the REPL is built (prompt_toolkit is imported for it): what
    # it all made is frozen with the rest.
    collector.settle()
    return repl


def banner(runtime: ShellRuntime) -> str:
    status = runtime.connection.status()
    if status.get("state") != "connected":
        where = "not connected: use connect [HOST:PORT]"
    elif status.get("embedded"):
        where = f"connected to the embedded simulated gateway at {status['endpoint']} (demo plant)"
    else:
        where = f"connected to {status['endpoint']}"
    return (
        f"mxshell {__version__}: {where}\n"
        "Try: help | status | read Tank1.Level | add-item Tank1.Level --as level; advise level\n"
        "Tab completes; Ctrl-C cancels a running command; Ctrl-D leaves."
    )


__all__ = [
    "banner",
    "load",
    "new_runtime",
    "on_sigterm",
    "paths",
    "prepared",
    "ready_repl",
    "run",
    "run_facts",
    "settings_for",
    "sigterm_stops",
    "validated",
]
