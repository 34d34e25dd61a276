"""The core commands: help, exit, echo, sleep, version, plugins, set/show, output-to,
alias, history; and in connections.py connect, use, connections, disconnect, attach,
reconnect and status. A plugin like any other (entry point `core`)."""

from __future__ import annotations

import asyncio
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from mxshell_plugins.core import connections

from mxshell.api import (
    CommandFailed,
    CommandSet,
    RegisterCommands,
    RegisterCompleter,
    Secret,
    ShellContext,
    Table,
    Text,
    UnknownCommandError,
    UsageError,
    arg,
    flag,
    hookimpl,
)
from mxshell.api.commands import (
    CANCELLED,
    USAGE,
    command_page,
    overview,
    quote_words,
    redact_line,
)

core = CommandSet("core")
MAX_SLEEP_S = 24 * 3600


@core.command(
    "help",
    aliases=["?"],
    help="List the commands, a family's commands, or show one command's help.",
    args=[arg("name", required=False, help="A command, alias or family", completer="command")],
)
async def help_command(ctx: ShellContext, name: str | None = None) -> Any:
    if name is None:
        return overview(ctx.registry)
    families = ctx.registry.families()
    if name in families and ctx.registry.get(name) is None:
        return overview(ctx.registry, family=name)
    expansion = ctx.registry.user_aliases.get(name)
    if expansion is not None and ctx.registry.get(name) is None:
        return Text(f"{name} is an alias for: {redact_line(expansion, ctx.registry)}")
    found = ctx.registry.get(name)
    if found is None:
        raise UnknownCommandError(name, ctx.registry.names())
    return command_page(found)


@core.command(
    "exit",
    aliases=["quit"],
    help="Leave the shell (closing the gateway session cleanly); at the prompt \\q too.",
    args=[arg("status", type="int", default=0, help="Exit status for scripts")],
)
async def exit_command(ctx: ShellContext, status: int = 0) -> None:
    ctx.request_exit(status)


@core.command(
    "echo",
    help="Print the words, as typed after quote removal.",
    args=[arg("words", nargs="*", help="Words to print")],
)
async def echo(ctx: ShellContext, words: list[str]) -> str:
    return " ".join(words)


@core.command(
    "sleep",
    help="Wait for a while (Ctrl-C cancels).",
    args=[arg("duration", type="duration", help="Seconds, or 500ms, 2s, 1m")],
)
async def sleep(ctx: ShellContext, duration: float) -> None:
    if not math.isfinite(duration) or not 0 <= duration <= MAX_SLEEP_S:
        raise UsageError(f"cannot sleep {duration:g} s (0 to {MAX_SLEEP_S} s)", "sleep DURATION")
    await asyncio.sleep(duration)


@core.command("version", help="Show the versions of mxshell and the libraries it runs on.")
async def version(ctx: ShellContext) -> dict[str, str | None]:
    versions: dict[str, str | None] = {"mxshell": _version("mxshell")}
    import platform  # only here: it costs start-up time that every shell would pay

    versions["python"] = platform.python_version()
    for package in ("grpcio", "protobuf", "prompt_toolkit", "pluggy"):
        versions[package] = _version(package)
    return versions


@core.command(
    "plugins",
    help=(
        "List every plugin: version, source (entry point or --plugin), status (loaded, "
        "failed, disabled (config), skipped (--no-plugins)), commands and any failure."
    ),
)
async def plugins(ctx: ShellContext) -> Table:
    host = ctx.plugin_host
    if host is None:
        raise CommandFailed("no plugin host in this shell")
    table: Table = host.plugin_table()
    return table


@core.command(
    "set",
    help=(
        "Change a setting or set a variable; without arguments, list the variables.\n"
        "`set output json` changes a setting (the names `show` lists); any other name is a "
        "variable, used as ${NAME}: `set tank Tank1`. `set key --secret ${ENV:PLANT_KEY}` "
        "keeps a secret: masked in output, errors and history. As in psql's \\set, the "
        "setting names are reserved."
    ),
    args=[
        arg(
            "name",
            metavar="NAME",
            required=False,
            help="A setting or a variable",
            completer="setting-name",
        ),
        arg("value", required=False, help="Its new value", completer="setting-value"),
        arg("--secret", metavar="VALUE", secret=True, help="A secret value for a variable"),
    ],
)
async def set_command(
    ctx: ShellContext, name: str | None, value: str | None, secret: str | None = None
) -> Any:
    if name is None:
        return ctx.variables.shown()
    settings = tuple(ctx.settings.all_names())
    if name in settings:
        if value is None or secret is not None:
            raise UsageError(f"set {name} takes one value", "set NAME VALUE")
        return {name: ctx.settings.set(name, value)}
    if (value is None) == (secret is None):
        raise UsageError("give a VALUE or --secret VALUE", "set NAME VALUE")
    near = _setting_near(name, settings)
    if near:
        ctx.notify(f"set: {name} is a variable; the setting is called {near}")
    ctx.variables.define(name, secret if secret is not None else value, secret=secret is not None)
    return Text("", {name: Secret(secret) if secret is not None else value})


@lru_cache(maxsize=256)  # a command file sets the same variables over and over
def _setting_near(name: str, settings: tuple[str, ...]) -> str | None:
    """The setting a variable's name nearly spells (`set stop_on_eror off`), if any."""
    import difflib  # only for a variable: not on every start

    near = difflib.get_close_matches(name, settings, n=1, cutoff=0.85)
    return near[0] if near else None


@core.command(
    "show",
    help="Show the settings, or one of them.",
    args=[
        arg(
            "name",
            metavar="NAME",
            required=False,
            help="The setting (the shell's, or a plugin's PLUGIN.NAME)",
            completer="setting-only",
        )
    ],
)
async def show(ctx: ShellContext, name: str | None = None) -> dict[str, Any]:
    if name is None:
        return ctx.settings.as_dict()
    return {name: ctx.settings.get(name)}


@core.command(
    "output-to",
    help=(
        "Send results to a file instead of the terminal, in the current output format.\n"
        "`output-to FILE` sends every result there until `output-to off` (psql's \\o); "
        "`output-to FILE COMMAND ...` sends one command's (psql's \\g); `output-to` alone "
        "is `output-to off`. Failures stay on the terminal. The file is readable by you "
        "only and never written through a symbolic link; an existing file needs --force "
        "(overwrite) or --append. Options go before FILE. A word and not `>`, which "
        "compares in assert and if."
    ),
    args=[
        arg(
            "file", metavar="FILE", required=False, help="The file; off (or nothing): the terminal"
        ),
        arg("words", metavar="COMMAND", nargs="...", help="One command whose results go there"),
        flag("--force", help="Overwrite an existing file"),
        flag("--append", help="Add to an existing file"),
    ],
)
async def output_to(
    ctx: ShellContext,
    file: str | None = None,
    words: list[str] | None = None,
    force: bool = False,
    append: bool = False,
) -> Any:
    usage = "output-to [--force|--append] FILE [COMMAND ...] | output-to off"
    files = ctx.services.output_files
    if files is None:
        raise CommandFailed("output to a file is not available in this shell")
    if force and append:
        raise UsageError("--force and --append exclude each other", usage)
    if file is None or file == "off":
        if words or force or append:
            raise UsageError(f"output-to {file or ''} takes nothing more".strip(), usage)
        closed = files.stop()  # as psql's \o without a file: back to the terminal
        return Text("", {"results_to": "terminal", "closed": str(closed) if closed else None})
    try:
        if not words:
            files.start(Path(file), force=force, append=append)
            return Text("", {"results_to": file})
        outcome = await files.run_to(Path(file), words, force=force, append=append)
    except ValueError as error:  # a path that cannot be written, an existing file
        raise CommandFailed(str(error)) from None
    if outcome.status == CANCELLED:
        raise asyncio.CancelledError
    if not outcome.ok:
        raise (UsageError if outcome.status == USAGE else CommandFailed)(outcome.describe())
    return Text("", {"results_to": file, "command": outcome.command})


@core.command(
    "alias",
    help=(
        "List, show, define or remove your aliases.\n"
        "`alias rl 'read Tank1.Level'` makes `rl` stand for those words at the start of a "
        "command; `alias` lists them; `alias --remove rl` removes one."
    ),
    args=[
        arg("name", required=False, help="The alias", completer="alias"),
        arg("expansion", nargs="...", help="What it stands for (options included)"),
        flag("--remove", "-r", help="Remove the alias"),
    ],
)
async def alias(
    ctx: ShellContext, name: str | None, expansion: list[str], remove: bool = False
) -> Any:
    registry = ctx.registry
    if remove:
        if name is None or expansion:
            raise UsageError("--remove takes just the alias name", "alias --remove NAME")
        registry.remove_alias(name)
        return None
    if name is None:
        rows = [(n, redact_line(e, registry)) for n, e in registry.user_aliases.items()]
        return Table(["alias", "expansion"], rows)
    if not expansion:
        if name not in registry.user_aliases:
            raise CommandFailed(f"no alias {name!r}")
        return {name: redact_line(registry.user_aliases[name], registry)}
    text = expansion[0] if len(expansion) == 1 else quote_words(expansion)
    registry.define_alias(name, text)
    return None


@core.command(
    "history",
    help="Show the lines typed so far (secrets are never kept).",
    args=[arg("count", type="int", required=False, help="Only the last COUNT lines")],
)
async def history(ctx: ShellContext, count: int | None = None) -> Table:
    entries = ctx.history().entries()
    first = 0 if count is None else max(len(entries) - max(count, 0), 0)
    return Table(["#", "line"], [(i + 1, entries[i]) for i in range(first, len(entries))])


def _version(package: str) -> str | None:
    import importlib.metadata  # only here: it costs several ms of every start otherwise

    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


# hooks --------------------------------------------------------------------------
@hookimpl
def register_commands(register: RegisterCommands) -> None:
    for declared in [*core, *connections.core]:
        register(declared)


@hookimpl
def register_completers(register: RegisterCompleter) -> None:
    from mxshell_plugins.core.completers import (
        complete_alias,
        complete_command,
        complete_setting_name,
        complete_setting_only,
        complete_setting_value,
    )

    register("command", complete_command)
    register("connection", connections.complete_connection)
    register("alias", complete_alias)
    register("setting-name", complete_setting_name)
    register("setting-value", complete_setting_value)
    register("setting-only", complete_setting_only)


# The plugin API this family is written for (`plugins` shows it).
MXSHELL_API = (1, 1)
