"""Installed plugins are remembered between starts, and found again when an installation
changes: a changed sys.path folder, a damaged cache file or another interpreter means a
fresh scan, never a stale plugin list."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mxshell.app import entrypoints
from mxshell.app.entrypoints import PluginEntry, installed_entries, scan
from mxshell.app.plugin_host import PluginHost

PLANTED = {"name": "planted", "value": "json:dumps", "dist_name": "x", "version": "1"}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache file, with a sys.path folder of the test's own that the test can change."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.setattr(entrypoints, "_SETTLE_NS", 0)
    return tmp_path / "cache" / "entry-points.json"


def plant(cache: Path) -> None:
    """Add an entry only the cache knows of: finding it proves the cache was read."""
    data = json.loads(cache.read_text())
    data["installations"][0]["entries"].append(PLANTED)
    cache.write_text(json.dumps(data))


def touch(folder: str) -> None:
    later = time.time() + 5
    os.utime(folder, (later, later))


def test_a_warm_cache_gives_what_a_scan_gives_without_scanning(cache: Path) -> None:
    scanned = installed_entries(cache)
    assert scanned == scan() and {"core", "bulk", "galaxy"} <= {e.name for e in scanned}
    plant(cache)
    assert installed_entries(cache) == [*scanned, PluginEntry(**PLANTED)]


def test_a_changed_folder_on_sys_path_means_a_fresh_scan(cache: Path) -> None:
    installed_entries(cache)
    plant(cache)
    touch(sys.path[0])  # what installing or removing a package there does
    assert installed_entries(cache) == scan()


def test_a_damaged_or_foreign_cache_file_means_a_scan_and_is_rewritten(cache: Path) -> None:
    for damage in ("{not json", "[]", '{"format": 99}', '{"format": 1, "installations": [1]}'):
        cache.parent.mkdir(exist_ok=True)
        cache.write_text(damage)
        assert installed_entries(cache) == scan()
        assert json.loads(cache.read_text())["format"] == entrypoints.CACHE_FORMAT


def test_a_folder_changed_moments_ago_is_not_trusted_to_a_cache(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(entrypoints, "_SETTLE_NS", 60_000_000_000)
    touch(sys.path[0])
    assert installed_entries(cache) == scan()
    assert not cache.exists()


def test_several_installations_are_remembered_side_by_side(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed_entries(cache)
    plant(cache)
    other = tmp_path / "other"
    other.mkdir()
    with monkeypatch.context() as patched:
        patched.syspath_prepend(str(other))
        installed_entries(cache)  # a second sys.path: scanned and added
        assert len(json.loads(cache.read_text())["installations"]) == 2
    assert PluginEntry(**PLANTED) in installed_entries(cache)  # the first is still there


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_cache_file_is_readable_and_writable_by_its_owner_only(cache: Path) -> None:
    installed_entries(cache)
    assert cache.stat().st_mode & 0o777 == 0o600


def test_an_entry_point_value_names_a_module_or_an_attribute_in_it() -> None:
    assert PluginEntry("a", "json").load() is json
    assert PluginEntry("a", "json:decoder.JSONDecoder [extra]").load() is json.decoder.JSONDecoder
    assert PluginEntry("a", "os.path:join").module == "os.path"


def test_plugins_from_the_cache_load_as_from_a_scan(cache: Path) -> None:
    installed_entries(cache)
    host = PluginHost()
    host.load_entry_points(cache_file=cache)
    records = {r.name: r for r in host.all_records()}
    assert records["core"].loaded and records["core"].version
    assert "read-bulk" in records["bulk"].commands


def test_a_second_start_reads_the_cache_instead_of_the_installed_metadata(tmp_path: Path) -> None:
    folder = tmp_path / "cwd"  # sys.path[0] for `python -c`: settled, as a real one is
    folder.mkdir()
    earlier = time.time() - 60
    os.utime(folder, (earlier, earlier))
    probe = (
        "import sys; from mxshell.app.plugin_host import load_plugins; host = load_plugins(); "
        "print('importlib.metadata' in sys.modules, sorted(host.records))"
    )
    env = dict(os.environ, MXSHELL_CACHE_DIR=str(tmp_path / "cache"))
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe], cwd=folder, env=env, capture_output=True, text=True
        ).stdout.split(" ", 1)
        for _ in range(2)
    ]
    assert runs[0][0] == "True" and runs[1][0] == "False"  # scanned, then remembered
    assert runs[0][1] == runs[1][1] and "'core'" in runs[1][1]
