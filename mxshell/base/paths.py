"""Where mxshell keeps its files: found with platformdirs, so Windows and XDG both work."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "mxshell"


def config_dir() -> Path:
    override = os.environ.get("MXSHELL_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP, appauthor=False))


def data_dir() -> Path:
    override = os.environ.get("MXSHELL_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP, appauthor=False))


def cache_dir() -> Path:
    override = os.environ.get("MXSHELL_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir(APP, appauthor=False))


def entry_point_cache() -> Path:
    return cache_dir() / "entry-points.json"


def config_file() -> Path:
    return config_dir() / "config.toml"


def history_file() -> Path:
    return data_dir() / "history"


def make_private_dir(path: Path) -> None:
    """Create path and any missing parents readable by their owner only (0700 on POSIX).

    mkdir's default mode is 0777 less the umask: under umask 000 the folders holding
    history and caches would be open to every user of the machine.
    """
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue  # another shell starting at the same moment made it
        if os.name == "posix":
            os.chmod(folder, 0o700)  # the mode given to mkdir is masked by the umask
