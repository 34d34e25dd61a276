"""The shell's settings, changed by `set NAME VALUE` and shown by `show`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from mxshell.base.errors import UsageError
from mxshell.commands.converters import boolean, integer
from mxshell.commands.plugin_settings import PluginSettings
from mxshell.highlight import DEFAULT_STYLE, style_names, style_problem
from mxshell.output.formats import FORMATS

PAGER_CHOICES = ("on", "off", "always")


def _setting(
    help_text: str,
    choices: tuple[str, ...] | None = None,
    minimum: int | None = None,
    *,
    names: Callable[[], list[str]] | None = None,
    problem: Callable[[str], str | None] | None = None,
) -> Any:
    """A setting's help and limits; `names` lists its values when they are only known at
    run time (completion), `problem` says in one line why a value will not do."""
    return {
        "help": help_text,
        "choices": choices,
        "minimum": minimum,
        "names": names,
        "problem": problem,
    }


@dataclass
class Settings:
    """Everything `set` can change; each field's metadata says what it is for."""

    output: str = field(
        default="table",
        metadata=_setting(
            "how results print: aligned tables, one `column: value` line per cell "
            "(vertical), csv or tsv with a header, one JSON object per command, or values "
            "only, tab separated (plain)",
            choices=FORMATS,
        ),
    )
    wrap: bool = field(
        default=False,
        metadata=_setting(
            "at the prompt, wrap table cells too long for the terminal onto more lines "
            "instead of cutting them with … (files, JSON and CSV always get them whole)"
        ),
    )
    pager: str = field(
        default="on",
        metadata=_setting(
            "at the prompt, show results through a pager ($MXSHELL_PAGER, $PAGER, less, "
            "else a built-in one): on when taller than the terminal, always, or off",
            choices=PAGER_CHOICES,
        ),
    )
    timestamps: str = field(
        default="local",
        metadata=_setting(
            "the zone times print in, one shape everywhere: tables, event lines, watch, "
            "recordings, snapshots (--json output is always RFC 3339 UTC)",
            choices=("local", "utc"),
        ),
    )
    precision: int = field(
        default=6,
        metadata=_setting(
            "significant digits a double prints with (files, CSV and JSON keep them all)",
            minimum=1,
        ),
    )
    debug: bool = field(
        default=False, metadata=_setting("show a traceback when a command or plugin fails")
    )
    timing: bool = field(default=False, metadata=_setting("print how long each command took"))
    stop_on_error: bool = field(
        default=True,
        metadata=_setting("stop the rest of a line (or command file) after a failed command"),
    )
    events: bool = field(
        default=True,
        metadata=_setting("at the prompt, print each advised item's data changes above it"),
    )
    history_size: int = field(
        default=10_000, metadata=_setting("how many lines the history keeps", minimum=0)
    )
    style: str = field(
        default=DEFAULT_STYLE,
        metadata=_setting(
            "the colours of the input line: any installed pygments style "
            f"({DEFAULT_STYLE}, monokai, solarized-dark...; a wrong name lists them all); "
            "NO_COLOR in the environment turns colour off",
            names=style_names,
            problem=style_problem,
        ),
    )
    # The plugins' own settings (API 1.1), `PLUGIN.NAME`: not one of the names above.
    plugins: PluginSettings = field(
        default_factory=PluginSettings, repr=False, compare=False, metadata={"plugins": True}
    )
    event_backlog: int = field(
        default=1_000,
        metadata=_setting(
            "how many events received while no stream-events ran it keeps to show first",
            minimum=0,
        ),
    )

    @classmethod
    def names(cls) -> list[str]:
        """The shell's own settings (the plugins' are in all_names)."""
        return [f.name for f in fields(cls) if not f.metadata.get("plugins")]

    def all_names(self) -> list[str]:
        """The shell's settings, then the plugins' (`PLUGIN.NAME`)."""
        return [*self.names(), *self.plugins.names()]

    def choices_of(self, name: str) -> tuple[str, ...]:
        return self.plugins.choices(name) if name in self.plugins else self.choices(name)

    @classmethod
    def describe(cls, name: str) -> str:
        spec = _field(name).metadata
        text = str(spec["help"])
        if spec["choices"]:
            text += f" ({'|'.join(spec['choices'])})"
        return text

    @classmethod
    def choices(cls, name: str) -> tuple[str, ...]:
        spec = _field(name).metadata
        if spec["choices"]:
            return tuple(spec["choices"])
        if spec["names"]:
            return tuple(spec["names"]())
        return ("on", "off") if _field(name).type in (bool, "bool") else ()

    @classmethod
    def from_config(cls, config: Any) -> Settings:
        """Settings seeded from the config file (any object with matching attributes)."""
        settings = cls()
        for name in cls.names():
            if hasattr(config, name):
                setattr(settings, name, getattr(config, name))
        for name, value in getattr(config, "settings", {}).items():
            if name in cls.names():  # the file's other settings (events, precision...)
                setattr(settings, name, value)
        return settings

    def get(self, name: str) -> Any:
        if name in self.plugins:
            return self.plugins.values[name]
        _field(name, self.plugins.names())
        return getattr(self, name)

    def set(self, name: str, text: str) -> Any:
        """Set a setting from the word typed; raises UsageError naming the bad word."""
        if name in self.plugins:
            return self.plugins.set(name, text)
        spec = _field(name, self.plugins.names())
        kind = spec.type
        try:
            if kind in (bool, "bool"):
                value: Any = boolean(text)
            elif kind in (int, "int"):
                value = integer(text)
            else:
                value = text
        except Exception:  # noqa: BLE001 - the converters' own wording is replaced below
            wanted = "on or off" if kind in (bool, "bool") else "a whole number"
            raise UsageError(f"{name}: {text!r} is not valid; use {wanted}") from None
        choices = spec.metadata["choices"]
        if choices and value not in choices:
            raise UsageError(f"{name}: {text!r} is not one of {', '.join(choices)}")
        check = spec.metadata["problem"]
        if check and (problem := check(value)):
            raise UsageError(f"{name}: {problem}")
        minimum = spec.metadata["minimum"]
        if minimum is not None and value < minimum:
            raise UsageError(f"{name}: {text!r} is below the minimum of {minimum}")
        setattr(self, name, value)
        return value

    def as_dict(self) -> dict[str, Any]:
        return {**{name: getattr(self, name) for name in self.names()}, **self.plugins.values}


def _field(name: str, more: list[str] | None = None) -> Any:
    for candidate in fields(Settings):
        if candidate.name == name and not candidate.metadata.get("plugins"):
            return candidate
    known = ", ".join([*Settings.names(), *(more or [])])
    raise UsageError(f"unknown setting {name!r}; settings: {known}")
