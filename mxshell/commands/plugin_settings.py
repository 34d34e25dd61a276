"""Settings a plugin declares (API 1.1): `PLUGIN.NAME`, beside the shell's own.

A plugin's `register_settings` hook declares them (name, type, default, help); they show
in `show`, change with `set PLUGIN.NAME VALUE`, and start from the config file's
`[plugins.PLUGIN]` table. A key the table has and the plugin does not declare, a value of
the wrong type, a table for a plugin that is not loaded: each is one warning naming the
file and the key, and start-up goes on with the default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mxshell.base.errors import UsageError
from mxshell.commands.converters import boolean, integer

SETTING_TYPES: dict[type, str] = {bool: "on or off", int: "a whole number", float: "a number"}


@dataclass(frozen=True)
class PluginSetting:
    """A setting a plugin declares: its name (the plugin's name is put before it), its
    type (str, int, float or bool), its default, a line of help, and optionally the
    values it may take or its minimum."""

    name: str
    type: type
    default: Any
    help: str
    choices: tuple[str, ...] | None = None
    minimum: float | None = None

    def convert(self, text: str) -> Any:
        """The value a typed word stands for; UsageError naming the word if none."""
        try:
            if self.type is bool:
                value: Any = boolean(text)
            elif self.type is int:
                value = integer(text)
            elif self.type is float:
                value = float(text)
            else:
                value = text
        except Exception:  # noqa: BLE001 - the converters' own wording is replaced
            raise UsageError(f"{text!r} is not valid; use {SETTING_TYPES[self.type]}") from None
        self.check(value)
        return value

    def check(self, value: Any) -> None:
        if self.choices and value not in self.choices:
            raise UsageError(f"{value!r} is not one of {', '.join(self.choices)}")
        if self.minimum is not None and value < self.minimum:
            raise UsageError(f"{value!r} is below the minimum of {self.minimum:g}")


def check_declaration(plugin: str, setting: PluginSetting) -> str:
    """A declared setting's full name; ValueError for a type or default it cannot have."""
    if setting.type not in (str, *SETTING_TYPES):
        raise ValueError(f"setting {setting.name!r}: type must be str, int, float or bool")
    full = f"{plugin}.{setting.name}"
    if setting.default is not None:
        try:
            setting.check(setting.default)
        except UsageError as error:
            raise ValueError(f"setting {full}: its default {error}") from None
    return full


class PluginSettings:
    """The plugins' settings and their values, by full name (`qualityscan.threshold`)."""

    def __init__(self) -> None:
        self.specs: dict[str, PluginSetting] = {}
        self.values: dict[str, Any] = {}

    def declare(self, plugin: str, setting: PluginSetting) -> str:
        """Add a plugin's setting at its default; its full name. ValueError if taken."""
        full = check_declaration(plugin, setting)
        if full in self.specs:
            raise ValueError(f"setting {full} is declared twice")
        self.specs[full] = setting
        self.values[full] = setting.default
        return full

    def names(self) -> list[str]:
        return sorted(self.specs)

    def __contains__(self, name: object) -> bool:
        return name in self.specs

    def describe(self, name: str) -> str:
        spec = self.specs[name]
        return spec.help + (f" ({'|'.join(spec.choices)})" if spec.choices else "")

    def choices(self, name: str) -> tuple[str, ...]:
        spec = self.specs[name]
        if spec.choices:
            return spec.choices
        return ("on", "off") if spec.type is bool else ()

    def set(self, name: str, text: str) -> Any:
        try:
            value = self.specs[name].convert(text)
        except UsageError as error:
            raise UsageError(f"{name}: {error}") from None
        self.values[name] = value
        return value

    def load(self, tables: Mapping[str, Any], source: str, warn: Callable[[str], None]) -> None:
        """Values from the config file's [plugins.NAME] tables; anything that does not
        fit is one warning (the file and the key) and the default stays."""
        plugins = {name.partition(".")[0] for name in self.specs}
        for plugin, table in tables.items():
            if plugin not in plugins:
                warn(f"{source}: [plugins.{plugin}]: no loaded plugin declares settings; ignored")
                continue
            for key, value in table.items():
                full = f"{plugin}.{key}"
                spec = self.specs.get(full)
                if spec is None:
                    known = ", ".join(
                        n.partition(".")[2] for n in self.names() if n.startswith(f"{plugin}.")
                    )
                    warn(f"{source}: [plugins.{plugin}] {key}: unknown setting (known: {known})")
                    continue
                try:
                    self.values[full] = _from_file(spec, value)
                except UsageError as error:
                    warn(f"{source}: [plugins.{plugin}] {key}: {error}; the default stays")


def _from_file(spec: PluginSetting, value: Any) -> Any:
    """A TOML value as the setting's type: a float setting takes an integer too."""
    if spec.type is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, spec.type) or (spec.type is int and isinstance(value, bool)):
        wanted = SETTING_TYPES.get(spec.type, "text")
        raise UsageError(f"{value!r} is not {wanted}")
    spec.check(value)
    return value
