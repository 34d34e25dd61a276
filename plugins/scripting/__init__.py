"""The scripting family: the statements and checks of command files (usable at the
prompt too, except the blocks). The runner itself is mxshell.script.

    capture.py    let, unset
    checks.py     assert, expect, wait-for
    flow.py       if, elif, else, end, for, defer (carried out by the runner)
    manual.py     confirm, pause, prompt
    files.py      source (include), on-error
"""

from __future__ import annotations

from mxshell_plugins.scripting import capture, checks, files, flow, manual

from mxshell.api import RegisterCommands, RegisterCompleter, ShellContext, hookimpl


def complete_variable(ctx: ShellContext, text: str) -> list[str]:
    return sorted(ctx.variables)


@hookimpl
def register_commands(register: RegisterCommands) -> None:
    register(list(capture.scripting))
    register(list(checks.scripting))
    register(list(files.scripting))
    register(list(flow.flow))
    register(list(manual.steps))


@hookimpl
def register_completers(register: RegisterCompleter) -> None:
    register("variable", complete_variable)


# The plugin API this family is written for (`plugins` shows it).
MXSHELL_API = (1, 1)
