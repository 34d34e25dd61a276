"""Finding the installed plugins' entry points, remembered between starts.

Scanning every installed distribution's metadata, and importing `importlib.metadata`
(with `email`, `zipfile` and `csv`) to do it, costs about 15 ms of each start. What the
scan finds changes only when a package is installed or removed, and an installer then
adds or removes a folder in one of the folders on `sys.path`, which moves that folder's
modification time. So the scan's result is kept in the cache folder under a key made of
the interpreter, `sys.path` and those folders' modification times, and read instead of
scanning while the key still matches. A changed key, a missing or unreadable cache file,
anything unexpected in it: the shell scans, as it would with no cache at all.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

GROUP = "mxshell"
CACHE_FORMAT = 1
KEPT_INSTALLATIONS = 8
# A folder changed this recently may change again within its timestamp's granularity
# (two seconds on FAT) without its time moving: a key taken now could miss that change.
_SETTLE_NS = 2_000_000_000


@dataclass(frozen=True)
class PluginEntry:
    """One entry point of the `mxshell` group and the distribution that ships it."""

    name: str
    value: str  # "package.module" or "package.module:attribute"
    dist_name: str | None = None
    version: str | None = None

    @property
    def module(self) -> str:
        return self.value.partition(":")[0].strip()

    def load(self) -> Any:
        """Import the module and return the object the entry point names."""
        target: Any = importlib.import_module(self.module)
        attributes = self.value.partition(":")[2].split("[")[0].strip()
        for attribute in filter(None, attributes.split(".")):
            target = getattr(target, attribute)
        return target


def installed_entries(cache_file: Path | None = None) -> list[PluginEntry]:
    """Every installed entry point of the `mxshell` group: from cache_file while the
    installed packages are unchanged, else by scanning (and cache_file is rewritten)."""
    if cache_file is None:
        return scan()
    key = _installation_key()
    cached = _read(cache_file, key)
    if cached is not None:
        return cached
    entries = scan()
    if _settled(key):
        _write(cache_file, key, entries)
    return entries


def scan() -> list[PluginEntry]:
    """The entry points of the group, read from every installed distribution's metadata."""
    import importlib.metadata  # only here: its import is most of what the cache saves

    return [from_entry_point(entry) for entry in importlib.metadata.entry_points(group=GROUP)]


def from_entry_point(entry_point: Any) -> PluginEntry:
    """A PluginEntry for an importlib.metadata.EntryPoint (its distribution read once)."""
    dist = getattr(entry_point, "dist", None)
    dist_name = version = None
    if dist is not None:
        # `dist.name` and `dist.version` would each parse the whole METADATA file.
        metadata = dist.metadata
        dist_name, version = metadata["Name"], metadata["Version"]
    return PluginEntry(entry_point.name, entry_point.value, dist_name, version)


def _installation_key() -> list[Any]:
    """What the installed packages depend on: the interpreter, and each folder on
    sys.path with its modification time (None when it is not there)."""
    return [sys.version, sys.prefix, [[folder, _modified_ns(folder)] for folder in sys.path]]


def _modified_ns(folder: str) -> int | None:
    try:
        return os.stat(folder or ".").st_mtime_ns
    except OSError:
        return None


def _settled(key: list[Any]) -> bool:
    newest = max((modified or 0 for _, modified in key[2]), default=0)
    return time.time_ns() - newest > _SETTLE_NS


def _read(cache_file: Path, key: list[Any]) -> list[PluginEntry] | None:
    try:
        for known in _known(cache_file):
            if known["key"] == key:
                return [PluginEntry(**entry) for entry in known["entries"]]
    except (ValueError, TypeError, KeyError, AttributeError):
        pass  # written by another version, or damaged: scan instead
    return None


def _known(cache_file: Path) -> list[dict[str, Any]]:
    """The installations the cache remembers, most recently scanned first."""
    try:
        data = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
        return []
    known = data.get("installations")
    return known if isinstance(known, list) else []


def _write(cache_file: Path, key: list[Any], entries: Iterable[PluginEntry]) -> None:
    # Several installations are remembered: the console script, `python -m`, a test
    # run and a benchmark each see a different sys.path, and would otherwise take turns
    # throwing each other's out.
    ours = {"key": key, "entries": [asdict(e) for e in entries]}
    others = [k for k in _known(cache_file) if isinstance(k, dict) and k.get("key") != key]
    data = {"format": CACHE_FORMAT, "installations": [ours, *others][:KEPT_INSTALLATIONS]}
    partial = cache_file.with_name(f"{cache_file.name}.{os.getpid()}.tmp")
    try:
        from mxshell.base.paths import make_private_dir  # platformdirs: only when writing

        make_private_dir(cache_file.parent)
        # The cache names modules the shell will import: only its owner may write it.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            json.dump(data, stream)
        os.replace(partial, cache_file)  # whole or not at all, even with two shells starting
    except OSError:
        partial.unlink(missing_ok=True)  # a read-only cache folder: scan next time as well
