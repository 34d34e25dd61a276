"""The snapshot family: the values of many tags saved to a file, compared, written back.

files.py     the snapshot file (JSON lines or CSV, a header with endpoint and time)
compare.py   differences between two states, with a tolerance for numbers
live.py      the plant now: ReadBulk of many tags, WriteBulk of values to restore
commands.py  snapshot save, snapshot diff, snapshot restore (one command)
"""

from __future__ import annotations

from mxshell_plugins.snapshot import commands

from mxshell.api import RegisterCommands, hookimpl


@hookimpl
def register_commands(register: RegisterCommands) -> None:
    register(list(commands.snapshot))


# The plugin API this family is written for (`plugins` shows it).
MXSHELL_API = (1, 1)
