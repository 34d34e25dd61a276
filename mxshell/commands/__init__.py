"""The command model: declaring commands, parsing lines, dispatching and rendering them.

Nothing here touches the terminal; the REPL (mxshell.shell) and command files drive it.
"""

from __future__ import annotations

from mxshell.base.errors import (
    CommandConflictError,
    CommandFailed,
    HelpRequested,
    ScriptSyntaxError,
    ShellError,
    UnknownCommandError,
    UsageError,
)
from mxshell.commands.complete import CompletionSlot, candidates, completion_slot
from mxshell.commands.context import CommandContext, Notify
from mxshell.commands.dispatch import (
    CANCELLED,
    FAILED,
    OK,
    USAGE,
    Dispatcher,
    Outcome,
    user_message,
)
from mxshell.commands.lexer import Segment, Word, split_line, split_words
from mxshell.commands.masking import redact_line
from mxshell.commands.model import (
    Argument,
    Command,
    CommandSet,
    Completer,
    Handler,
    arg,
    command,
    flag,
)
from mxshell.commands.registry import CommandRegistry, quote_words
from mxshell.commands.services import (
    ASK_SECRET,
    CONNECTION,
    GALAXY,
    HISTORY,
    PROMPT_PATH,
    SCRIPTS,
    TAG_COMPLETION,
    WATCH_VIEW,
    AskSecret,
    ConnectionControl,
    GalaxyLookup,
    HistoryAccess,
    PromptPath,
    ScriptFiles,
    Services,
    TagCompletion,
    WatchViewRunner,
)
from mxshell.commands.settings import Settings
from mxshell.commands.variables import Variables
from mxshell.output.render import (
    format_value,
    outcome_data,
    redact,
    render,
    render_json,
    render_result,
    render_text,
    to_data,
)
from mxshell.output.results import Renderable, Table, Text
from mxshell.output.secrets import REDACTED, Secret, scrub
from mxshell.session import NotConnectedError

__all__ = [
    "CANCELLED",
    "CONNECTION",
    "GALAXY",
    "FAILED",
    "HISTORY",
    "OK",
    "PROMPT_PATH",
    "SCRIPTS",
    "AskSecret",
    "PromptPath",
    "ScriptFiles",
    "Services",
    "REDACTED",
    "TAG_COMPLETION",
    "USAGE",
    "ASK_SECRET",
    "WATCH_VIEW",
    "Argument",
    "Command",
    "CommandConflictError",
    "CommandContext",
    "CommandFailed",
    "CommandRegistry",
    "CommandSet",
    "Completer",
    "CompletionSlot",
    "ConnectionControl",
    "GalaxyLookup",
    "Dispatcher",
    "Handler",
    "HelpRequested",
    "HistoryAccess",
    "NotConnectedError",
    "Notify",
    "Outcome",
    "Renderable",
    "ScriptSyntaxError",
    "Secret",
    "Segment",
    "Settings",
    "ShellError",
    "Table",
    "TagCompletion",
    "Text",
    "UnknownCommandError",
    "UsageError",
    "Variables",
    "WatchViewRunner",
    "Word",
    "arg",
    "candidates",
    "command",
    "completion_slot",
    "flag",
    "format_value",
    "outcome_data",
    "quote_words",
    "redact",
    "redact_line",
    "render",
    "render_json",
    "render_result",
    "render_text",
    "scrub",
    "split_line",
    "split_words",
    "to_data",
    "user_message",
]
