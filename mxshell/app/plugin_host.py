"""The plugin host: pluggy hook specifications, and loading plugins from the `mxshell`
entry-point group with every failure reported in one line and isolated."""

from __future__ import annotations

import importlib
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pluggy

from mxshell.app.entrypoints import PluginEntry, from_entry_point, installed_entries
from mxshell.app.hookspecs import (
    EventListener,
    HookSpecs,
    Notify,
    RegisterCommands,
    RegisterSetting,
    ToolbarField,
)
from mxshell.app.plugin_records import PluginRecord, declared_api, plugin_table
from mxshell.base import paths
from mxshell.commands import (
    Command,
    CommandConflictError,
    CommandContext,
    CommandRegistry,
    Completer,
    Table,
)
from mxshell.commands.plugin_settings import PluginSetting, PluginSettings, check_declaration

# The package mxshell's own distribution installs its built-in families as (--no-plugins).
BUILTIN_PACKAGE = "mxshell_plugins"


@dataclass(frozen=True)
class PluginSelection:
    """Which plugins a shell loads: --no-plugins, --plugin MODULE and the config file's
    disabled_plugins. The default is every installed plugin."""

    builtins_only: bool = False  # only mxshell's own families: no third-party entry points
    modules: tuple[str, ...] = ()  # modules imported by name and registered as plugins
    disabled: tuple[str, ...] = ()  # entry-point plugin names not to load


class PluginHost:
    """Builds the plugin manager, loads plugins, and calls hooks one plugin at a time so
    that one plugin's exception is reported and never stops the others or the shell."""

    def __init__(self, notify: Notify | None = None, *, debug: bool = False) -> None:
        self.pm = pluggy.PluginManager("mxshell")
        self.pm.add_hookspecs(HookSpecs)
        self.registry = CommandRegistry()
        self.completers: dict[str, Completer] = {}
        self.toolbar_fields: list[ToolbarField] = []
        # The settings plugins declared, as (plugin name, setting).
        self.settings: list[tuple[str, PluginSetting]] = []
        self.records: dict[str, PluginRecord] = {}
        self.rejected: list[PluginRecord] = []  # entry points whose name was taken
        self.skipped: list[PluginRecord] = []  # not loaded on purpose (disabled, --no-plugins)
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
        self,
        entry_points: Iterable[Any] | None = None,
        *,
        builtins_only: bool = False,
        disabled: Iterable[str] = (),
        cache_file: Path | None = None,
    ) -> None:
        """Load every plugin of the `mxshell` group: `core` first, then by name (and by
        distribution name, so which of two same-named plugins wins does not vary).
        entry_points (PluginEntry or importlib.metadata.EntryPoint objects) defaults to
        the installed ones, remembered in cache_file between starts when one is given.
        builtins_only skips third-party plugins; names in disabled are skipped too
        (except core, which the shell cannot do without), and a name no entry point has
        is reported in one line."""
        if entry_points is None:
            entries = installed_entries(cache_file)
        else:
            entries = [
                e if isinstance(e, PluginEntry) else from_entry_point(e) for e in entry_points
            ]
        unwanted = set(disabled)
        if "core" in unwanted:
            unwanted.discard("core")
            self.notify("disabled_plugins: core cannot be disabled (help, exit, connect); loaded")
        seen: set[str] = set()
        for entry in sorted(entries, key=_load_order):
            seen.add(entry.name)
            if entry.name in unwanted:
                self._skip(entry, "disabled (config)")
            elif builtins_only and not _is_builtin(entry):
                self._skip(entry, "skipped (--no-plugins)")
            else:
                self._load_entry_point(entry)
        for name in sorted(unwanted - seen):
            self.notify(f"disabled_plugins: no installed plugin is named {name!r}; ignored")

    def _skip(self, entry: PluginEntry, why: str) -> None:
        self.skipped.append(PluginRecord(entry.name, entry.version, skipped=why))

    def load_module(self, module_name: str) -> PluginRecord:
        """Import a module by its import name and register it as a plugin of that name,
        as if an entry point named it (--plugin); a failure is reported in one line."""
        if module_name in self.records:
            record = PluginRecord(module_name, source="--plugin")
            self.rejected.append(record)
            self._fail(record, f"another plugin is already named {module_name!r}")
            return record
        record = self.records[module_name] = PluginRecord(module_name, source="--plugin")
        try:
            module = importlib.import_module(module_name)
        except Exception as error:  # noqa: BLE001 - a module that cannot import is skipped
            self._fail(record, f"failed to import {module_name}: {_describe(error)}", error)
            return record
        version = getattr(module, "__version__", None)
        record.version = version if isinstance(version, str) else None
        self._register(module, record)
        return record

    def load(self, selection: PluginSelection, cache_file: Path | None = None) -> None:
        """Load the installed plugins, then the --plugin modules, as selection says."""
        self.load_entry_points(
            builtins_only=selection.builtins_only,
            disabled=selection.disabled,
            cache_file=cache_file,
        )
        for module_name in selection.modules:
            self.load_module(module_name)

    def _load_entry_point(self, entry: PluginEntry) -> None:
        if entry.name in self.records:
            record = PluginRecord(entry.name, entry.version)
            self.rejected.append(record)
            self._fail(
                record,
                f"another plugin is already named {entry.name!r} (from {entry.dist_name or '?'})",
            )
            return
        record = self.records[entry.name] = PluginRecord(entry.name, entry.version, entry.dist_name)
        try:
            plugin = entry.load()
        except Exception as error:  # noqa: BLE001 - a plugin that cannot import is skipped
            self._fail(record, f"failed to import {entry.value}: {_describe(error)}", error)
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
        if not self._api_fits(plugin, record):
            return
        try:
            self.pm.register(plugin, name=record.name)
        except Exception as error:  # noqa: BLE001 - e.g. a hook with the wrong signature
            self._fail(record, f"cannot be registered: {_describe(error)}", error)
            return
        for caller in self.pm.get_hookcallers(plugin) or []:
            if not caller.has_spec():
                self._fail(record, f"implements {caller.name}, which is not an mxshell hook")
            else:
                record.hooks.append(caller.name)
        record.hooks.sort()
        added: list[Command] = []
        try:
            self._call_one(plugin, "register_commands", register=self._command_adder(record, added))
            self._call_one(plugin, "register_completers", register=self._completer_adder(record))
            self._call_one(plugin, "register_toolbar_fields", register=self.toolbar_fields.append)
            self._call_one(plugin, "register_settings", register=self._setting_adder(record))
        except Exception as error:  # noqa: BLE001 - the plugin is unloaded, the shell goes on
            for command in added:
                self.registry.remove(command)
            for name in record.completers:
                self.completers.pop(name, None)
            self.settings = [(p, s) for p, s in self.settings if p != record.name]
            record.commands, record.completers, record.settings = [], [], []
            self.pm.unregister(plugin)
            self._fail(record, f"failed while registering: {_describe(error)}", error)
            return
        record.loaded = True

    def _api_fits(self, plugin: object, record: PluginRecord) -> bool:
        """Whether this mxshell gives the API the plugin says it was written for; a
        failure (and not loaded) when not."""
        record.api, problem = declared_api(plugin)
        if problem:
            self._fail(record, problem)
        return problem is None

    def _command_adder(self, record: PluginRecord, added: list[Command]) -> RegisterCommands:
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

    def _setting_adder(self, record: PluginRecord) -> RegisterSetting:
        def register(setting: PluginSetting) -> None:
            if not isinstance(setting, PluginSetting):
                raise TypeError(f"register_settings takes PluginSetting, not {setting!r}")
            full = check_declaration(record.name, setting)  # a bad type or default: now
            self.settings.append((record.name, setting))
            record.settings.append(full)

        return register

    def declare_settings(self, settings: PluginSettings) -> None:
        """Put the plugins' settings, at their defaults, into a shell's settings."""
        for plugin, setting in self.settings:
            if f"{plugin}.{setting.name}" not in settings:
                settings.declare(plugin, setting)

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
        """Every plugin seen, loaded, failed or skipped, by name."""
        records = [*self.records.values(), *self.rejected, *self.skipped]
        return sorted(records, key=lambda r: r.name)

    def failures(self) -> list[str]:
        """One line per failure of any plugin, as reported when it happened."""
        return [f"plugin {r.name}: {f}" for r in self.all_records() for f in r.failures]

    def plugin_table(self) -> Table:
        """What the `plugins` command shows (see plugin_records.plugin_table)."""
        return plugin_table(self.all_records())

    # calling hooks -------------------------------------------------------------
    def startup(self, context: Any) -> None:
        self.call("startup", context=context)

    def shutdown(self, context: Any) -> None:
        self.call("shutdown", context=context)

    def session_opened(self, context: Any) -> None:
        self.call("session_opened", context=context)

    def session_closed(self, context: Any) -> None:
        self.call("session_closed", context=context)

    def session_reconnected(self, context: Any, restored: list[str], lost: list[str]) -> None:
        self.call("session_reconnected", context=context, restored=restored, lost=lost)

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


def _load_order(entry: PluginEntry) -> tuple[bool, str, str]:
    return (entry.name != "core", entry.name, entry.dist_name or "")


def _is_builtin(entry: PluginEntry) -> bool:
    """One of mxshell's own families: shipped by the mxshell distribution in mxshell_plugins."""
    in_package = entry.module.split(".")[0] == BUILTIN_PACKAGE
    return in_package and (entry.dist_name or "mxshell").lower() == "mxshell"


def _describe(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def load_plugins(
    notify: Notify | None = None,
    *,
    debug: bool = False,
    selection: PluginSelection | None = None,
) -> PluginHost:
    """A PluginHost with the installed plugins loaded (the shell's start-up): all of them,
    or as selection says (--no-plugins, --plugin MODULE, the config's disabled_plugins).
    Which plugins are installed is remembered in the cache folder between starts."""
    host = PluginHost(notify, debug=debug)
    host.load(selection or PluginSelection(), cache_file=paths.entry_point_cache())
    return host
