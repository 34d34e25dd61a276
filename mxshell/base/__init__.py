"""What every layer may use, simulator included: it imports nothing else of mxshell.

`cmdline` (the strict argparse parser every command line uses), `paths` (where config,
history and caches live, private folders, bounded PEM reads), `errors` (the user errors
the shell shows as one clear line).
"""

from __future__ import annotations

from mxshell.base.cmdline import StrictArgumentParser, read_pem
from mxshell.base.errors import (
    CommandConflictError,
    CommandFailed,
    HelpRequested,
    ScriptSyntaxError,
    ShellError,
    UnknownCommandError,
    UsageError,
)
from mxshell.base.paths import make_private_dir

__all__ = [
    "CommandConflictError",
    "CommandFailed",
    "HelpRequested",
    "ScriptSyntaxError",
    "ShellError",
    "StrictArgumentParser",
    "UnknownCommandError",
    "UsageError",
    "make_private_dir",
    "read_pem",
]
