"""The public API for mxshell plugins: what a plugin imports, and all it should import.

    from mxshell.api import CommandSet, CommandFailed, arg, hookimpl

Stability. Every name in `__all__` is public and follows `API_VERSION` (semantic
versioning, independent of mxshell's own version): within one major API version a
name keeps its meaning and its documented signature, new names and new optional
arguments only bump the minor version, and a name is removed or changed
incompatibly only in a new major version, after a minor release in which using it
raises a DeprecationWarning. Attributes of these objects that docs/plugins.md does not
document are not covered (for the session, `ShellSession` lists what is; for the
context, `ShellContext`). The modules of this package (`mxshell.api.items`,
`.conversion`, `.tag_input`, `.bulk`, `.gateway`, `.galaxy`, `.output`, `.commands`)
make the same promise, and the built-in families import nothing else. Tests import
`mxshell.testing`, which makes it too. Everything else (`mxshell.commands`,
`mxshell.session`, `mxshell.app`, `mxshell.shell`, `mxshell_plugins`, …) is private to
mxshell and may change in any release.
"""

from __future__ import annotations

from mxshell.api.bulk import BulkReport, EntryResult, WriteEntry
from mxshell.api.context import PluginState, ShellContext
from mxshell.api.items import (
    borrowed_item,
    by_connection,
    give_back,
    session_of,
    until,
    wait_for_value,
)
from mxshell.api.shell_session import EventListener, ShellSession
from mxshell.app.hookspecs import (
    RegisterCommands,
    RegisterCompleter,
    RegisterSetting,
    RegisterToolbarField,
    ToolbarField,
    hookimpl,
)
from mxshell.app.plugin_records import API_VERSION as _HOST_API_VERSION
from mxshell.commands import (
    GALAXY,
    Argument,
    Command,
    CommandContext,
    CommandFailed,
    CommandSet,
    Completer,
    ConnectionControl,
    GalaxyLookup,
    HistoryAccess,
    NotConnectedError,
    Secret,
    Services,
    Settings,
    ShellError,
    Table,
    TagCompletion,
    Text,
    UnknownCommandError,
    UsageError,
    WatchViewRunner,
    arg,
    command,
    flag,
)
from mxshell.commands.plugin_settings import PluginSetting
from mxshell.contract import galaxy as _galaxy
from mxshell.contract import mx as _mx
from mxshell.gateway import (
    GalaxyRepositoryClient,
    GatewayClient,
    GatewayError,
    MxAccessError,
    from_mx_value,
    quality_is_good,
    quality_name,
)
from mxshell.gateway import Session as GatewaySession
from mxshell.output import format_value
from mxshell.session import (
    ItemLookupError,
    ItemTable,
    Registration,
    TrackedItem,
    WriteCompletion,
    WriteOutcomeUnknown,
)

API_VERSION = _HOST_API_VERSION  # (1, 7)

# What on_event receives: one gateway event, a protobuf message of the contract
# (`event.WhichOneof("event")` is on_data_change, on_write_complete, …).
MxEvent = _mx.MxEvent
# A Galaxy deploy as the GalaxyRepository's WatchDeployEvents reports it.
DeployEvent = _galaxy.DeployEvent

__all__ = [
    "API_VERSION",
    "GALAXY",
    "Argument",
    "BulkReport",
    "Command",
    "CommandContext",
    "CommandFailed",
    "CommandSet",
    "Completer",
    "ConnectionControl",
    "DeployEvent",
    "EntryResult",
    "EventListener",
    "GalaxyLookup",
    "GalaxyRepositoryClient",
    "GatewayClient",
    "GatewayError",
    "GatewaySession",
    "HistoryAccess",
    "ItemLookupError",
    "ItemTable",
    "MxAccessError",
    "MxEvent",
    "NotConnectedError",
    "PluginSetting",
    "PluginState",
    "RegisterCommands",
    "RegisterCompleter",
    "RegisterSetting",
    "RegisterToolbarField",
    "Registration",
    "Secret",
    "Services",
    "Settings",
    "ShellContext",
    "ShellError",
    "ShellSession",
    "Table",
    "TagCompletion",
    "Text",
    "ToolbarField",
    "TrackedItem",
    "UnknownCommandError",
    "UsageError",
    "WatchViewRunner",
    "WriteEntry",
    "WriteCompletion",
    "WriteOutcomeUnknown",
    "arg",
    "borrowed_item",
    "command",
    "flag",
    "format_value",
    "from_mx_value",
    "give_back",
    "hookimpl",
    "quality_is_good",
    "quality_name",
    "session_of",
    "by_connection",
    "until",
    "wait_for_value",
]
