"""The block and cleanup statements of command files, declared here so that help, the
command reference and the whole-file check know their words: if, elif, else, end, for,
defer. The runner (mxshell.script.runner) carries them out; typed at the prompt they say
where they belong."""

from __future__ import annotations

from mxshell.api import CommandSet, ShellContext, UsageError, arg

flow = CommandSet("scripting")

COND = arg(
    "condition",
    metavar="COND",
    nargs="...",
    help="VALUE OP VALUE, as assert takes it (OP: == != < <= > >=)",
)


def _file_only(name: str, usage: str) -> UsageError:
    return UsageError(
        f"{name} is a statement of command files (mxshell -f FILE, source FILE)", usage
    )


@flow.command(
    "if",
    help="Run the lines up to elif, else or end only when COND holds.\n"
    "COND takes every form assert takes, its ${NAME}s expanded when the if is reached. "
    "A block opens and closes in the same file; blocks nest.",
    args=[COND],
)
async def if_statement(ctx: ShellContext, condition: list[str]) -> None:
    raise _file_only("if", "if COND ... [elif COND ...] [else ...] end")


@flow.command(
    "elif",
    help="Another branch of an if: tested when no branch before it ran.",
    args=[COND],
)
async def elif_statement(ctx: ShellContext, condition: list[str]) -> None:
    raise _file_only("elif", "if COND ... elif COND ... end")


@flow.command("else", help="The branch of an if that runs when no other did.")
async def else_statement(ctx: ShellContext) -> None:
    raise _file_only("else", "if COND ... else ... end")


@flow.command("end", help="The end of an if or a for block.")
async def end_statement(ctx: ShellContext) -> None:
    raise _file_only("end", "if COND ... end, or for NAME in WORD... end")


@flow.command(
    "for",
    help="Run the lines up to end once per word, with ${NAME} set to it.\n"
    "for NAME in @FILE takes the words from a file, one a line (blank lines and # "
    "comments skipped, read when the for is reached). NAME keeps the last word afterwards.",
    args=[
        arg("name", metavar="NAME", help="the variable set to each word"),
        arg("keyword", metavar="in", choices=["in"], help="the word in"),
        arg("words", metavar="WORD", nargs="*", help="the words, or @FILE"),
    ],
)
async def for_statement(ctx: ShellContext, name: str, keyword: str, words: list[str]) -> None:
    raise _file_only("for", "for NAME in WORD... end")


@flow.command(
    "defer",
    help="Run COMMAND when the command file ends, however it ends: last deferred first.\n"
    "Success, a failure, exit, Ctrl-C or SIGTERM: the deferred commands run (a second "
    "Ctrl-C abandons them). Its ${NAME}s are expanded now, so `defer write "
    "Pump1.Speed.SP ${old.value}` puts back the value read before. A deferred command "
    "that fails is reported and makes the exit status 1; the others still run.",
    args=[arg("words", metavar="COMMAND", nargs="...", help="the command and its arguments")],
)
async def defer(ctx: ShellContext, words: list[str]) -> None:
    raise _file_only("defer", "defer COMMAND [ARGS...]")
