"""Reading a keys file strictly: every grant is written out, nothing defaults to everything.

A misspelt field, a string where a list belongs or a missing `scopes` would otherwise
widen what a key may do; each is an error naming the file, the entry and the field.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import tomllib
from pathlib import Path
from typing import Any

from mxshell.sim.auth import ALL_SCOPES, ApiKey

FIELDS = ("key", "name", "scopes", "tag_globs")
REQUIRED = ("key", "scopes", "tag_globs")


class KeysFileError(ValueError):
    """The keys file cannot be used; the message names the file, entry and field."""


def load_keys_file(path: Path) -> list[ApiKey]:
    """The keys the file grants, exactly as written; KeysFileError for anything else."""
    try:
        text = path.read_text(encoding="utf-8")
        data: Any = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (OSError, ValueError) as error:
        raise KeysFileError(f"cannot read keys file {path}: {error}") from None
    if isinstance(data, dict):
        extra = sorted(set(data) - {"keys"})
        if extra:
            raise KeysFileError(f"{path}: unknown top-level field {extra[0]!r} (only 'keys')")
        data = data.get("keys")
    if not isinstance(data, list) or not data:
        raise KeysFileError(f"{path}: expected a non-empty list of keys (or a 'keys' list)")
    keys = [_entry(path, n, entry) for n, entry in enumerate(data, start=1)]
    seen: dict[str, int] = {}
    for n, key in enumerate(keys, start=1):
        if key.key in seen:
            raise KeysFileError(f"{path}: key #{n} repeats the key of key #{seen[key.key]}")
        seen[key.key] = n
    return keys


def _entry(path: Path, n: int, entry: Any) -> ApiKey:
    where = f"{path}: key #{n}"
    if not isinstance(entry, dict):
        raise KeysFileError(f"{where}: expected a table of {', '.join(FIELDS)}")
    unknown = sorted(str(name) for name in set(entry) - set(FIELDS))
    if unknown:
        raise KeysFileError(f"{where}: unknown field {unknown[0]!r} (fields: {', '.join(FIELDS)})")
    for name in REQUIRED:
        if name not in entry:
            hint = ' (use ["*"] for every tag)' if name == "tag_globs" else ""
            raise KeysFileError(f"{where}: missing field {name!r}{hint}")
    key, name = entry["key"], entry.get("name", f"key{n}")
    if not isinstance(key, str) or not key.strip():
        raise KeysFileError(f"{where}: field 'key' must be a non-empty string")
    if not isinstance(name, str):
        raise KeysFileError(f"{where}: field 'name' must be a string")
    scopes = _strings(where, "scopes", entry["scopes"])
    unknown_scopes = sorted(set(scopes) - ALL_SCOPES)
    if unknown_scopes:
        known = ", ".join(sorted(ALL_SCOPES))
        raise KeysFileError(f"{where}: unknown scope {unknown_scopes[0]!r} (scopes: {known})")
    globs = _strings(where, "tag_globs", entry["tag_globs"])
    if not globs:
        raise KeysFileError(f"{where}: field 'tag_globs' is empty (use [\"*\"] for every tag)")
    # ["*"] is the explicit grant of every tag; the key ring reads no globs as that.
    return ApiKey(key, frozenset(scopes), () if "*" in globs else tuple(globs), name)


def _strings(where: str, name: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise KeysFileError(f"{where}: field {name!r} must be a list of non-empty strings")
    return list(value)


def warn_if_readable_by_others(path: Path, what: str) -> None:
    """One line on stderr when a file holding secrets can be read by group or others."""
    if os.name != "posix":
        return  # Windows: ACLs, not mode bits; nothing sound to say from here
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        print(
            f"mxshell-sim: warning: {what} {path} is readable by other users "
            f"(mode {stat.filemode(mode)}); chmod 600 it",
            file=sys.stderr,
        )
