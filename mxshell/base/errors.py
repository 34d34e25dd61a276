"""The shell's user errors: each one is shown to the user as one clear line."""

from __future__ import annotations

from collections.abc import Iterable


class ShellError(Exception):
    """A mistake or failure the user can act on; str(error) is the whole message.

    The message does not start with the command name: the renderer adds it
    (`read: no item 'x'`), and a command file adds `FILE:LINE:` in front of that.
    """

    exit_status = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(ShellError):
    """The words do not fit the command's declaration; the message ends with its usage."""

    exit_status = 2

    def __init__(self, message: str, usage: str | None = None) -> None:
        self.problem = message
        self.usage = usage
        super().__init__(f"{message}; usage: {usage}" if usage else message)


class HelpRequested(Exception):  # noqa: N818 - a signal carrying the help text, not a failure
    """`COMMAND --help` was given: the parser stops and hands back the help text."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class UnknownCommandError(UsageError):
    """The first word names no command, alias or user alias."""

    def __init__(self, name: str, known: Iterable[str] = ()) -> None:
        self.name = name
        import difflib  # only for a mistyped name: not on every start

        self.suggestions = difflib.get_close_matches(name, sorted(set(known)), n=3, cutoff=0.6)
        message = "unknown command"
        if self.suggestions:
            message += f"; did you mean {' or '.join(self.suggestions)}?"
        else:
            message += "; type help for the list of commands"
        super().__init__(message)


class CommandFailed(ShellError):
    """A command ran and could not do what was asked.

    `result` is what it did all the same (a bulk call's table of entries, some of which
    failed): shown before the failure line, and kept in the failure's JSON object.
    """

    def __init__(self, message: str, *, result: object = None) -> None:
        super().__init__(message)
        self.result = result


class ScriptSyntaxError(UsageError):
    """A line of a command file (or of -c) cannot be split into commands."""


class CommandConflictError(ShellError):
    """Two plugins (or one plugin twice) claim the same command name or alias."""

    def __init__(self, name: str, first_plugin: str | None, second_plugin: str | None) -> None:
        self.name = name
        self.first_plugin = first_plugin
        self.second_plugin = second_plugin
        first, second = _plugin_label(first_plugin), _plugin_label(second_plugin)
        if first_plugin == second_plugin:
            text = f"command name {name!r} is declared twice by {first}"
        else:
            text = (
                f"command name {name!r} is claimed by both {first} and {second}; "
                f"the one from {second} was refused"
            )
        super().__init__(text)


def _plugin_label(plugin: str | None) -> str:
    return f"plugin {plugin!r}" if plugin else "the shell itself"
