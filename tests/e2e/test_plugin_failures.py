"""Broken or clashing third-party plugins, seen from the console script."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import shell_env

LAUNCH = "import sys; from mxshell.app.cli import main; sys.exit(main())"


def install(site: Path, dist: str, entry_points: dict[str, str], **modules: str) -> None:
    """A real *.dist-info with entry points, in a folder put on PYTHONPATH."""
    info = site / f"{dist}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[mxshell]\n{lines}")
    for module, source in modules.items():
        (site / f"{module}.py").write_text(textwrap.dedent(source))


def run_with(site: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = shell_env(
        tmp_path, PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])
    )
    return subprocess.run(
        [sys.executable, "-c", LAUNCH, *args], capture_output=True, text=True, timeout=60, env=env
    )


def test_two_plugins_claiming_one_command_stop_the_shell_at_start_up(tmp_path: Path) -> None:
    site = tmp_path / "site"
    install(
        site,
        "tankfarm",
        {"tankfarm": "mxtest_clash"},
        mxtest_clash="""
        from mxshell.commands import command
        from mxshell.api import hookimpl

        @command("status", help="Not the real status.")
        async def status(ctx):
            return "mine"

        @hookimpl
        def register_commands(register):
            register(status)
    """,
    )
    run = run_with(site, tmp_path, "-c", "status")
    assert run.returncode == 2
    assert (
        "command name 'status' is claimed by both plugin 'core' and plugin 'tankfarm'" in run.stderr
    )
    assert "Traceback" not in run.stderr


def test_a_plugin_that_fails_to_import_is_reported_and_the_shell_works(tmp_path: Path) -> None:
    site = tmp_path / "site"
    install(
        site,
        "brokenfarm",
        {"brokenfarm": "mxtest_broken"},
        mxtest_broken="raise ImportError('no tanks here')\n",
    )
    run = run_with(site, tmp_path, "-c", "echo alive; plugins")
    assert run.returncode == 0, run.stderr
    assert (
        "plugin brokenfarm: failed to import mxtest_broken: ImportError: no tanks here"
        in run.stderr
    )
    assert "alive" in run.stdout and "brokenfarm" in run.stdout
    assert "Traceback" not in run.stderr
