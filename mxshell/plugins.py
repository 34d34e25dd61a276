"""The plugin host: pluggy hook specifications, and loading plugins from the `mxshell`
entry-point group with every failure reported in one line and isolated."""

from __future__ import annotations

import importlib.metadata
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pluggy

from mxshell.commands import (
    Command,
    CommandConflictError,
    CommandContext,
    CommandRegistry,
    Completer,
    Table,
)

ENTRY_POINT_GROUP = "mxshell"
hookspec = pluggy.HookspecMarker("mxshell")
hookimpl = pluggy.HookimplMarker("mxshell")

ToolbarField = Callable[[], "str | None"]
Notify = Callable[[str], None]
EventListener = Callable[[Sequence[Any]], None]


class HookSpecs:
    """The hooks a plugin may implement (as module functions marked @hookimpl)."""

    @hookspec
    def register_commands(self, register: Callable[[Command], None]) -> None:
        """Register commands: call register(command) for each Command the plugin declares."""

    @hookspec
    def register_completers(self, register: Callable[[str, Completer], None]) -> None:
        """Register value completers: call register(name, completer) for each."""

    @hookspec
    def register_toolbar_fields(self, register: Callable[[ToolbarField], None]) -> None:
        """Register bottom-toolbar fields: callables returning short text (or None)."""

    @hookspec
    def startup(self, context: Any) -> None:
        """The shell has started: the CommandContext is ready, commands can run."""

    @hookspec
    def shutdown(self, context: Any) -> None:
        """The shell is about to exit."""

    @hookspec
    def session_opened(self, context: Any) -> None:
        """A gateway session was opened (at start, or by connect); context.session is set."""

    @hookspec
    def session_closed(self, context: Any) -> None:
        """The gateway session was closed (disconnect, a new connect, exit)."""

    @hookspec
    def on_event(self, event: Any, context: Any) -> None:
        """Observe one gateway event (an MxEvent) as it arrives; keep it cheap."""


@dataclass
class PluginRecord:
    """One plugin as `plugins` lists it: where it came from and what it brought or broke."""

    name: str
    version: str | None = None
    source: str = "entry point"  # or "direct" for objects registered by code
    commands: list[str] = field(default_factory=list)
    completers: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list, repr=False)
    loaded: bool = False

    @property
    def failure(self) -> str | None:
        return "; ".join(self.failures) if self.failures else None


class PluginHost:
    """Builds the plugin manager, loads plugins, and calls hooks one plugin at a time so
    that one plugin's exception is reported and never stops the others or the shell."""

    def __init__(self, notify: Notify | None = None, *, debug: bool = False) -> None:
        self.pm = pluggy.PluginManager("mxshell")
        self.pm.add_hookspecs(HookSpecs)
        self.registry = CommandRegistry()
        self.completers: dict[str, Completer] = {}
        self.toolbar_fields: list[ToolbarField] = []
        self.records: dict[str, PluginRecord] = {}
        self.rejected: list[PluginRecord] = []  # entry points whose name was taken
        self.notify: Notify = notify or (lambda text: None)
        self.debug = debug
        self.conflicts: list[str] = []  # refused names; the CLI exits 2 when there are any
        self.hook_failures: dict[tuple[str, str], int] = {}
        self._reported: set[tuple[str, str]] = set()

    def new_context(self, **fields: Any) -> CommandContext:
        """A CommandContext wired to this host's registry (and to the host itself)."""
        return CommandContext(registry=self.registry, plugin_host=self, **fields)

    # loading -------------------------------------------------------------------
    def load_entry_points(
        self, entry_points: Iterable[importlib.metadata.EntryPoint] | None = None
    ) -> None:
        """Load every plugin of the `mxshell` group: `core` first, then by name (and by
        distribution name, so which of two same-named plugins wins does not vary)."""
        if entry_points is None:
            entry_points = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
        for entry_point in sorted(entry_points, key=_load_order):
            self._load_entry_point(entry_point)

    def _load_entry_point(self, entry_point: importlib.metadata.EntryPoint) -> None:
        dist = getattr(entry_point, "dist", None)
        version = getattr(dist, "version", None)
        if entry_point.name in self.records:
            record = PluginRecord(entry_point.name, version)
            self.rejected.append(record)
            dist_name = getattr(dist, "name", "?")
            self._fail(
                record, f"another plugin is already named {entry_point.name!r} (from {dist_name})"
            )
            return
        record = self.records[entry_point.name] = PluginRecord(entry_point.name, version)
        try:
            plugin = entry_point.load()
        except Exception as error:  # noqa: BLE001 - a plugin that cannot import is skipped
            self._fail(record, f"failed to import {entry_point.value}: {_describe(error)}", error)
            return
        self._register(plugin, record)

    def add_plugin(
        self, plugin: object, name: str | None = None, *, version: str | None = None
    ) -> PluginRecord:
        """Register a plugin object (a module or an instance with @hookimpl functions)."""
        name = name or getattr(plugin, "__name__", None) or type(plugin).__name__
        if name in self.records:
            raise ValueError(f"a plugin named {name!r} is already loaded")
        version = version or getattr(plugin, "__version__", None)
        record = self.records[name] = PluginRecord(name, version, source="direct")
        self._register(plugin, record)
        return record

    def _register(self, plugin: object, record: PluginRecord) -> None:
        try:
            self.pm.register(plugin, name=record.name)
        except Exception as error:  # noqa: BLE001 - e.g. a hook with the wrong signature
            self._fail(record, f"cannot be registered: {_describe(error)}", error)
            return
        for caller in self.pm.get_hookcallers(plugin) or []:
            if not caller.has_spec():
                self._fail(record, f"implements {caller.name}, which is not an mxshell hook")
        added: list[Command] = []
        try:
            self._call_one(plugin, "register_commands", register=self._command_adder(record, added))
            self._call_one(plugin, "register_completers", register=self._completer_adder(record))
            self._call_one(plugin, "register_toolbar_fields", register=self.toolbar_fields.append)
        except Exception as error:  # noqa: BLE001 - the plugin is unloaded, the shell goes on
            for command in added:
                self.registry.remove(command)
            for name in record.completers:
                self.completers.pop(name, None)
            record.commands, record.completers = [], []
            self.pm.unregister(plugin)
            self._fail(record, f"failed while registering: {_describe(error)}", error)
            return
        record.loaded = True

    def _command_adder(self, record: PluginRecord, added: list[Command]) -> Callable[[Any], None]:
        def register(commands: Command | Iterable[Command]) -> None:
            for command in [commands] if isinstance(commands, Command) else commands:
                try:
                    self.registry.add(command, plugin=record.name)
                except CommandConflictError as conflict:
                    self._refuse(record, str(conflict))
                    continue
                added.append(command)
                record.commands.append(command.name)

        return register

    def _completer_adder(self, record: PluginRecord) -> Callable[[str, Completer], None]:
        def register(name: str, completer: Completer) -> None:
            if name in self.completers:
                owner = next((r.name for r in self.records.values() if name in r.completers), "?")
                self._refuse(record, f"completer {name!r} is already registered by plugin {owner}")
                return
            self.completers[name] = completer
            record.completers.append(name)

        return register

    def _call_one(self, plugin: object, hook: str, **kwargs: Any) -> None:
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            if impl.plugin is plugin:
                impl.function(**{k: v for k, v in kwargs.items() if k in impl.argnames})

    def _refuse(self, record: PluginRecord, message: str) -> None:
        self.conflicts.append(f"plugin {record.name}: {message}")
        self._fail(record, message)

    def _fail(self, record: PluginRecord, message: str, error: BaseException | None = None) -> None:
        record.failures.append(message)
        line = f"plugin {record.name}: {message}"
        if error is not None:
            trace = "".join(traceback.format_exception(error))
            record.tracebacks.append(trace)
            if self.debug:
                line += "\n" + trace.rstrip()
        self.notify(line)

    # what was loaded -----------------------------------------------------------
    def all_records(self) -> list[PluginRecord]:
        """Every plugin seen, loaded or not, by name."""
        return sorted([*self.records.values(), *self.rejected], key=lambda r: r.name)

    def failures(self) -> list[str]:
        """One line per failure of any plugin, as reported when it happened."""
        return [f"plugin {r.name}: {f}" for r in self.all_records() for f in r.failures]

    def plugin_table(self) -> Table:
        """What the `plugins` command shows: name, version, commands, failure."""
        rows = [(r.name, r.version, list(r.commands), r.failure) for r in self.all_records()]
        return Table(["name", "version", "commands", "failure"], rows)

    # calling hooks -------------------------------------------------------------
    def startup(self, context: Any) -> None:
        self.call("startup", context=context)

    def shutdown(self, context: Any) -> None:
        self.call("shutdown", context=context)

    def session_opened(self, context: Any) -> None:
        self.call("session_opened", context=context)

    def session_closed(self, context: Any) -> None:
        self.call("session_closed", context=context)

    def on_event(self, event: Any, context: Any) -> None:
        self.call("on_event", event=event, context=context)

    def event_listener(self, context: Any) -> EventListener | None:
        """A listener for the session's event batches, or None when no plugin observes events."""
        if not self.pm.hook.on_event.get_hookimpls():
            return None

        def listener(events: Sequence[Any]) -> None:
            impls = self.pm.hook.on_event.get_hookimpls()
            for event in events:
                for impl in impls:
                    self._call_isolated(impl, "on_event", {"event": event, "context": context})

        return listener

    def call(self, hook: str, **kwargs: Any) -> None:
        """Call every implementation of a hook; one that raises is reported once and skipped."""
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            self._call_isolated(impl, hook, kwargs)

    def _call_isolated(self, impl: Any, hook: str, kwargs: dict[str, Any]) -> None:
        try:
            impl.function(**{k: v for k, v in kwargs.items() if k in impl.argnames})
        except Exception as error:  # noqa: BLE001 - a plugin's bug must not stop the shell
            key = (impl.plugin_name, hook)
            self.hook_failures[key] = self.hook_failures.get(key, 0) + 1
            if key in self._reported:
                return
            self._reported.add(key)
            line = f"plugin {impl.plugin_name}: {hook} failed: {_describe(error)}"
            if self.debug:
                line += "\n" + "".join(traceback.format_exception(error)).rstrip()
            self.notify(line + " (further failures of this hook are counted, not shown)")


def _load_order(entry_point: importlib.metadata.EntryPoint) -> tuple[bool, str, str]:
    dist_name = str(getattr(getattr(entry_point, "dist", None), "name", ""))
    return (entry_point.name != "core", entry_point.name, dist_name)


def _describe(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def load_plugins(notify: Notify | None = None, *, debug: bool = False) -> PluginHost:
    """A PluginHost with every installed plugin loaded (the shell's start-up)."""
    host = PluginHost(notify, debug=debug)
    host.load_entry_points()
    return host
