"""The wheel builds and carries the console scripts, the bindings and every source file."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# One worker builds the wheel once for all of these (two builds at once in one source
# tree would trip over each other's build/ folder).
pytestmark = pytest.mark.xdist_group("wheel")


# The wheel is built from a copy of the source tree: setuptools writes build/ and
# *.egg-info next to the sources, and a build in the live tree trips over anything else
# that touches them (an editable install, another build) at the same moment.
LEFT_OUT = shutil.ignore_patterns(
    ".git", ".venv", ".v", "build", "dist", "*.egg-info", "__pycache__", ".*_cache"
)


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    source = tmp_path_factory.mktemp("source") / "mxshell"
    shutil.copytree(ROOT, source, ignore=LEFT_OUT)
    out = tmp_path_factory.mktemp("wheel")
    run = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--wheel-dir", str(out), "-q"],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    (path,) = out.glob("mxshell-*.whl")
    return zipfile.ZipFile(path)


def _dist_info(wheel: zipfile.ZipFile, name: str) -> str:
    (member,) = [n for n in wheel.namelist() if n.endswith(f".dist-info/{name}")]
    return wheel.read(member).decode()


def test_wheel_declares_both_console_scripts(wheel: zipfile.ZipFile) -> None:
    entry_points = _dist_info(wheel, "entry_points.txt")
    assert "mxshell = mxshell.app.launch:main" in entry_points
    assert "mxshell-sim = mxshell.sim.cli:main" in entry_points


def test_wheel_carries_the_generated_bindings_and_typing_marker(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for module in ("types", "mxaccess", "galaxy"):
        assert f"mxshell/contract/mxgateway/v1/{module}_pb2.py" in names
        assert f"mxshell/contract/mxgateway/v1/{module}_pb2.pyi" in names
    assert "mxshell/contract/mxgateway/v1/mxaccess_pb2_grpc.py" in names
    assert "mxshell/py.typed" in names


def test_wheel_carries_every_source_file_under_its_import_name(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    expected = {p.relative_to(ROOT).as_posix() for p in (ROOT / "mxshell").rglob("*.py")}
    expected |= {
        "mxshell_plugins/" + p.relative_to(ROOT / "plugins").as_posix()
        for p in (ROOT / "plugins").glob("*.py")
    }
    missing = sorted(expected - names)
    assert not missing, f"not in the wheel (list the package in pyproject.toml): {missing}"
    assert not any(n.startswith("plugins/") for n in names), "bare top-level plugins package"


def test_wheel_license_is_a_valid_spdx_expression(wheel: zipfile.ZipFile) -> None:
    metadata = _dist_info(wheel, "METADATA")
    assert "License-Expression: Apache-2.0" in metadata


def test_wheel_leaves_out_the_example_plugins(wheel: zipfile.ZipFile) -> None:
    # plugins/examples/* are distributions of their own, installed separately.
    strays = [n for n in wheel.namelist() if "/examples/" in n or "mxshell_trend" in n]
    assert not strays, f"example plugins in the mxshell wheel: {strays}"


def test_wheel_registers_the_pytest_fixtures(wheel: zipfile.ZipFile) -> None:
    entry_points = _dist_info(wheel, "entry_points.txt")
    assert "[pytest11]\nmxshell = mxshell.pytest_plugin" in entry_points


def test_wheel_carries_the_plugin_templates(wheel: zipfile.ZipFile) -> None:
    # `mxshell plugin new` reads them from the installed package, not from a checkout.
    template = ROOT / "mxshell" / "app" / "plugin_template"
    expected = {p.relative_to(ROOT).as_posix() for p in template.rglob("*.tmpl") if p.is_file()}
    assert len(expected) >= 4
    missing = sorted(expected - set(wheel.namelist()))
    assert not missing, f"not in the wheel (see package-data in pyproject.toml): {missing}"
