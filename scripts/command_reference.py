"""Write docs/reference.md from the installed plugins' command declarations.

Usage: python scripts/command_reference.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

from mxshell.app.plugin_host import load_plugins
from mxshell.commands.reference import command_reference
from mxshell.commands.registry import CommandRegistry

TARGET = Path(__file__).resolve().parent.parent / "docs" / "reference.md"
# The built-in families; third-party plugins installed beside them stay out of the docs.
BUILT_IN = "mxshell_plugins."


def built_in_reference() -> str:
    built_in = CommandRegistry()
    for command in load_plugins().registry:
        if getattr(command.handler, "__module__", "").startswith(BUILT_IN):
            built_in.add(command, command.plugin)
    return command_reference(built_in)


if __name__ == "__main__":
    text = built_in_reference()
    if "--check" in sys.argv:
        sys.exit(0 if TARGET.read_text() == text else 1)
    TARGET.write_text(text)
    print(f"wrote {TARGET}")
