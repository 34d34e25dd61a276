"""The user's config file (TOML, in the platform's config folder); flags override it."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from mxshell.base import paths
from mxshell.base.errors import UsageError
from mxshell.commands.settings import Settings
from mxshell.output.formats import FORMATS


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class NamedConnection:
    """A [connections.NAME] table: where the gateway is and how to reach it. A key is
    never in the file, only the name of the variable that holds it (api_key_env)."""

    endpoint: str
    plaintext: bool = False
    tls: bool = False
    ca_file: str | None = None
    server_name_override: str | None = None
    api_key_env: str | None = None


@dataclass
class FileConfig:
    endpoint: str | None = None
    plaintext: bool = False
    tls: bool = False
    ca_file: str | None = None
    server_name_override: str | None = None
    api_key_env: str | None = None
    output: str = "table"
    timestamps: str = "local"
    history_size: int = 10_000
    # Installed plugins (entry-point names, as `plugins` lists them) not to load.
    disabled_plugins: list[str] = field(default_factory=list)
    # [plugins.NAME] tables: a plugin's own settings, applied once plugins are loaded.
    plugins: dict[str, dict[str, Any]] = field(default_factory=dict)
    # [connections.NAME] tables: named gateways, opened with --connection NAME.
    connections: dict[str, NamedConnection] = field(default_factory=dict)
    # Every other shell setting (`events = false`, `precision = 4`...): the names `show`
    # lists, checked by the same declaration `set` uses (mxshell.commands.Settings).
    settings: dict[str, Any] = field(default_factory=dict)
    # Where it was read from, and what in it was ignored (one line each, said at start).
    source: str = ""
    warnings: list[str] = field(default_factory=list)


_CHOICES = {"output": FORMATS, "timestamps": ("local", "utc")}


def load_config(path: Path | None = None) -> FileConfig:
    """Read the config file; a missing file is the defaults, a bad one a ConfigError."""
    path = path or paths.config_file()
    if not path.exists():
        return FileConfig()
    import tomllib  # only when there is a file: most starts have none, and it costs time

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
        raise ConfigError(f"{path}: {error}") from None
    if "api_key" in data:
        raise ConfigError(
            f"{path}: api_key does not belong in a file; name a variable with api_key_env"
        )
    own = [f.name for f in fields(FileConfig) if f.name not in _NOT_KEYS]
    shell_settings = [name for name in Settings.names() if name not in own]
    known = [*own, *shell_settings]
    config = FileConfig(source=str(path))
    for key, value in data.items():
        if key == "plugins":
            config.plugins = _plugin_tables(path, value, config.warnings)
        elif key == "connections":
            config.connections = _connection_tables(path, value)
        elif key in shell_settings:
            config.settings[key] = _setting(path, key, value)
        elif key not in known:
            # A key of a newer mxshell, or a typo: said, and start-up goes on.
            config.warnings.append(
                f"{path}: unknown setting {key!r} ignored (known: {', '.join(known)}, "
                "and [connections.NAME] and [plugins.NAME] tables)"
            )
        else:
            _check(path, key, value, getattr(config, key))
            setattr(config, key, value)
    return config


_NOT_KEYS = ("plugins", "connections", "source", "warnings", "settings")


def _setting(path: Path, key: str, value: Any) -> Any:
    """A shell setting's value from the file, checked as `set KEY VALUE` checks it."""
    if isinstance(value, bool):
        text = "on" if value else "off"
    elif isinstance(value, int | str):
        text = str(value)
    else:
        raise ConfigError(f"{path}: {key} must be a string, a number or true/false")
    try:
        return Settings().set(key, text)
    except UsageError as error:
        raise ConfigError(f"{path}: {error}") from None


_KINDS = {int: "a whole number", bool: "true or false", str: "a string", list: "a list"}


def _plugin_tables(path: Path, value: Any, warnings: list[str]) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict):
        warnings.append(f"{path}: plugins must be a table of [plugins.NAME] tables; ignored")
        return {}
    tables: dict[str, dict[str, Any]] = {}
    for name, table in value.items():
        if isinstance(table, dict):
            tables[name] = table
        else:
            warnings.append(f"{path}: plugins.{name} must be a [plugins.{name}] table; ignored")
    return tables


def _connection_tables(path: Path, value: Any) -> dict[str, NamedConnection]:
    """[connections.NAME] tables; a mistake in one is an error (a gateway is reached with
    them: better to say so than to connect somewhere else)."""
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: connections must be [connections.NAME] tables")
    known = [f.name for f in fields(NamedConnection)]
    found = {}
    for name, table in value.items():
        where = f"{path}: connections.{name}"
        if not isinstance(table, dict):
            raise ConfigError(f"{where} must be a [connections.{name}] table")
        if "api_key" in table:
            raise ConfigError(f"{where}: api_key does not belong in a file; use api_key_env")
        unknown = sorted(set(table) - set(known))
        if unknown:
            raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(known)})")
        if not isinstance(table.get("endpoint"), str):
            raise ConfigError(f'{where}: endpoint = "HOST:PORT" is needed')
        for key, default in (("plaintext", False), ("tls", False)):
            if not isinstance(table.get(key, default), bool):
                raise ConfigError(f"{where}: {key} must be true or false")
        for key in ("ca_file", "server_name_override", "api_key_env"):
            if not isinstance(table.get(key, ""), str):
                raise ConfigError(f"{where}: {key} must be a string")
        found[name] = NamedConnection(**table)
    return found


def _check(path: Path, key: str, value: Any, default: Any) -> None:
    expected = type(default) if default is not None else str
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        wanted = _KINDS.get(expected, expected.__name__)
        raise ConfigError(f"{path}: {key} must be {wanted}, not {value!r}")
    if expected is list and not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{path}: {key} must be a list of names, not {value!r}")
    if key in _CHOICES and value not in _CHOICES[key]:
        raise ConfigError(f"{path}: {key} must be one of {', '.join(_CHOICES[key])}")
