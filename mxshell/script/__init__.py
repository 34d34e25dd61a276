"""The command-file language: reading a file into steps, checking it whole before its
first command runs, running it, and the conditions `expect`, `assert` and `wait-for` test.

Words and `${NAME}` are the same at the prompt and in a file, so the lexer and the
variables belong to the command model (mxshell.commands) that every line goes through;
what only a file has (includes, `$1`, the whole-file check, FILE:LINE, the runner) and
the conditions live here, above the command model.
"""

from __future__ import annotations

from mxshell.script.conditions import (
    OPERATORS,
    Comparison,
    Condition,
    compare_texts,
    parse_comparison,
)
from mxshell.script.program import load_file, load_lines, read_script
from mxshell.script.runner import ScriptRun, ScriptRunner
from mxshell.script.steps import Script, Step

__all__ = [
    "OPERATORS",
    "Comparison",
    "Condition",
    "Script",
    "ScriptRun",
    "ScriptRunner",
    "Step",
    "compare_texts",
    "load_file",
    "load_lines",
    "parse_comparison",
    "read_script",
]
