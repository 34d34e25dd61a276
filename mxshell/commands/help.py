"""Help generated from the declarations: the command list, one command's page, its data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mxshell.output.results import Text

if TYPE_CHECKING:
    from mxshell.commands.arguments import Argument, CommandBook, Declared

_HELP_LINE = ("-h, --help", "Show this help.")
_NAME_WIDTH = 22  # a longer name with its aliases runs into its summary's space


def overview(registry: CommandBook, family: str | None = None) -> Text:
    """Every command (or one family's) under its family's heading, one line each: name,
    aliases and summary (cut to the terminal's width at the prompt). JSON gets the rows."""
    families = {
        name: commands
        for name, commands in registry.families().items()
        if family is None or name == family
    }
    labels = {
        command.name: ", ".join([command.name, *command.aliases])
        for commands in families.values()
        for command in commands
    }
    width = min(max((len(label) for label in labels.values()), default=0), _NAME_WIDTH) + 2
    lines: list[str] = []
    for name, commands in families.items():
        lines += ["", name] if lines else [name]
        lines += [
            f"  {labels[c.name].ljust(width)}{_first_sentence(c.summary)}".rstrip()
            for c in commands
        ]
    if family is None and lines:
        lines += ["", "help FAMILY lists a family's commands; help COMMAND shows one."]
    rows = [
        {"family": name, "command": c.name, "aliases": ", ".join(c.aliases), "summary": c.summary}
        for name, commands in families.items()
        for c in commands
    ]
    return Text("\n".join(lines), rows, fit="cut")


def _first_sentence(summary: str) -> str:
    # The list says what a command is for; `help COMMAND` has the rest.
    head, dot, rest = summary.partition(". ")
    return head + "." if dot and rest else summary


def command_page(command: Declared) -> Text:
    """`help COMMAND` and `COMMAND --help`: the text for people, the declaration for JSON."""
    return Text(command_help(command), reference(command), fit="fold")


def command_help(command: Declared) -> str:
    lines = [f"usage: {command.usage()}", ""]
    if command.summary:
        lines.append(command.summary)
    if command.description:
        lines += ["", command.description]
    positionals = [(a.display, _describe(a)) for a in command.positionals]
    options = [(_option_label(a), _describe(a)) for a in command.options] + [_HELP_LINE]
    width = max(len(label) for label, _ in positionals + options) + 2
    if positionals:
        lines += ["", "arguments:"]
        lines += [f"  {label.ljust(width)}{text}".rstrip() for label, text in positionals]
    lines += ["", "options:"]
    lines += [f"  {label.ljust(width)}{text}".rstrip() for label, text in options]
    lines.append("")
    if command.aliases:
        lines.append(f"aliases: {', '.join(command.aliases)}")
    owner = f"family: {command.family or 'other'}"
    if command.plugin:
        owner += f" (plugin {command.plugin})"
    if command.needs_session:
        owner += "; needs a gateway session"
    lines.append(owner)
    return "\n".join(lines)


def reference(command: Declared) -> dict[str, Any]:
    """The declaration as plain data, for `help COMMAND` in JSON and for docs."""
    return {
        "name": command.name,
        "aliases": list(command.aliases),
        "family": command.family,
        "plugin": command.plugin,
        "summary": command.summary,
        "description": command.description,
        "usage": command.usage(),
        "needs_session": command.needs_session,
        "arguments": [_argument_data(a) for a in command.arguments],
    }


def _option_label(argument: Argument) -> str:
    label = ", ".join(sorted(argument.flags, key=len))
    return f"{label} {argument.display}" if argument.takes_value else label


def _describe(argument: Argument) -> str:
    parts = [argument.help.strip()] if argument.help.strip() else []
    if argument.is_tag:
        parts.append("(a tag reference)")
    if argument.choices:
        parts.append(f"(one of: {', '.join(str(c) for c in argument.choices)})")
    elif argument.type_name not in ("str", "tag", "flag", "count"):
        parts.append(f"({argument.type_name})")
    if argument.default not in (None, False, 0, ()) and not argument.secret:
        parts.append(f"[default: {argument.default}]")
    if argument.is_option and argument.required:
        parts.append("(required)")
    return " ".join(parts)


def _argument_data(argument: Argument) -> dict[str, Any]:
    return {
        "name": argument.dest,
        "flags": list(argument.flags),
        "help": argument.help,
        "type": argument.type_name,
        "nargs": argument.nargs,
        "choices": list(argument.choices) if argument.choices is not None else None,
        "default": None if argument.secret else argument.default,
        "required": argument.required,
        "is_tag": argument.is_tag,
        "is_secret": argument.secret,
        "completer": argument.completer if isinstance(argument.completer, str) else None,
    }
