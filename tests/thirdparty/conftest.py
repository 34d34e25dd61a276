"""Install tests/thirdparty/mxshell_qualityscan as a third-party plugin is installed: a
distribution (dist-info with an `mxshell` entry point) in a folder on sys.path, found by
the shell's entry-point scan like anything pip installed, not registered by the test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from mxshell.sim import EmbeddedGateway, SimConfig

HERE = Path(__file__).resolve().parent
DIST = "mxshell_qualityscan-0.3.0.dist-info"


def install(site: Path) -> Path:
    """The plugin and its distribution's metadata in `site` (a folder for sys.path)."""
    site.mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        HERE / "mxshell_qualityscan",
        site / "mxshell_qualityscan",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    info = site / DIST
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: mxshell-qualityscan\nVersion: 0.3.0\n"
        "Requires-Dist: mxshell>=0.1\n"
    )
    (info / "entry_points.txt").write_text("[mxshell]\nqualityscan = mxshell_qualityscan\n")
    (info / "top_level.txt").write_text("mxshell_qualityscan\n")
    return site


@pytest.fixture
def qualityscan_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The plugin installed for this process (and for children given PYTHONPATH=site)."""
    site = install(tmp_path / "site")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("MXSHELL_CACHE_DIR", str(tmp_path / "cache"))
    return site


@pytest.fixture
def scan_gateway() -> Iterator[EmbeddedGateway]:
    """A gateway of the tests' own: they write, cut streams and restart it."""
    with EmbeddedGateway(SimConfig(update_interval_s=0.05)) as gateway:
        yield gateway
