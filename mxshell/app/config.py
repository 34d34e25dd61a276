"""The user's config file (TOML, in the platform's config folder); flags override it."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from mxshell.base import paths


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file and the problem."""


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


_CHOICES = {"output": ("table", "json"), "timestamps": ("local", "utc")}


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
    known = {f.name: f for f in fields(FileConfig)}
    config = FileConfig()
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"{path}: unknown setting {key!r} (known: {', '.join(known)})")
        _check(path, key, value, getattr(config, key))
        setattr(config, key, value)
    return config


def _check(path: Path, key: str, value: Any, default: Any) -> None:
    expected = type(default) if default is not None else str
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise ConfigError(f"{path}: {key} must be a {expected.__name__}, not {value!r}")
    if expected is list and not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{path}: {key} must be a list of names, not {value!r}")
    if key in _CHOICES and value not in _CHOICES[key]:
        raise ConfigError(f"{path}: {key} must be one of {', '.join(_CHOICES[key])}")
