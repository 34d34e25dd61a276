"""The command reference (docs/reference.md), generated from the command declarations."""

from __future__ import annotations

from mxshell.commands.help import command_help
from mxshell.commands.registry import CommandRegistry

HEADER = """# Command reference

Generated from the command declarations by `python scripts/command_reference.py`;
`tests/test_docs.py` fails when this file and the declarations disagree. Every command
also prints this page with `help COMMAND` or `COMMAND --help`.
"""


def command_reference(registry: CommandRegistry) -> str:
    """Markdown: a section per family, a subsection per command with its full help."""
    parts = [HEADER]
    for family, commands in sorted(registry.families().items(), key=lambda kv: str(kv[0])):
        parts.append(f"\n## {family or 'other'}\n")
        for command in sorted(commands, key=lambda c: c.name):
            parts.append(f"\n### {command.name}\n\n```\n{command_help(command)}\n```\n")
    return "".join(parts)
