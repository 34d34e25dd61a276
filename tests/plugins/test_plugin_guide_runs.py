"""Every Python block of docs/plugins.md runs against the simulated gateway.

Whole programs (```python) run as scripts in tests/test_docs.py. The fragments (```py)
run here: a hook or a declaration is put in a plugin module of its own (with the few
names the guide's text defines around it), loaded into a shell connected to a
simulated gateway, and driven through connect, commands, a write, a reconnect, the
toolbar and exit, which must raise nothing and report no plugin failure. The guide's
test examples run with pytest in a child process, against the guide's own `tankfarm`
plugin installed through an entry point, as its reader would run them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

from mxshell.sim import EmbeddedGateway, SimConfig
from mxshell.testing import ShellRunner
from tests.conftest import eventually

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
FRAGMENT = re.compile(r"```py\n(.*?)```", re.DOTALL)
PROGRAM = re.compile(r"```python\n(.*?)```", re.DOTALL)
# What the guide's text defines around its fragments (its `tankfarm` set, the lists its
# hooks fill): each fragment's module starts with these.
PRELUDE = """\
from mxshell.api import *  # noqa: F403
from mxshell.api import CommandSet, PluginSetting, RegisterCommands, arg, flag, hookimpl

tankfarm = CommandSet("tankfarm")
TASKS = []
ACTIVE_ALARMS = set()
WRITES = []
"""


def fragments() -> list[str]:
    return FRAGMENT.findall(GUIDE.read_text(encoding="utf-8"))


def plugin_fragments() -> list[tuple[int, str]]:
    return [(i, code) for i, code in enumerate(fragments()) if "def test_" not in code]


def guide_tests() -> list[str]:
    return [code for code in fragments() if "def test_" in code]


def test_the_guide_has_fragments_of_each_kind() -> None:
    assert len(plugin_fragments()) >= 10
    assert len(guide_tests()) >= 2


def fragment_module(index: int, code: str) -> types.ModuleType:
    module = types.ModuleType(f"plugin_guide_fragment_{index}")
    exec(compile(PRELUDE + code, f"docs/plugins.md py block {index + 1}", "exec"), module.__dict__)
    if not hasattr(module, "register_commands") and list(module.tankfarm):
        # A declaration alone: registered as the guide's register_commands would.
        @module.hookimpl
        def register_commands(register: object) -> None:
            register(list(module.tankfarm))  # type: ignore[operator]

        module.register_commands = register_commands
    return module


@pytest.fixture(scope="module")
def guide_gateway() -> EmbeddedGateway:
    with EmbeddedGateway(SimConfig(update_interval_s=0.05)) as gateway:
        yield gateway


@pytest.mark.parametrize(("index", "code"), plugin_fragments(), ids=lambda v: str(v)[:30])
async def test_each_fragment_runs_as_a_plugin_against_the_simulator(
    index: int, code: str, guide_gateway: EmbeddedGateway
) -> None:
    module = fragment_module(index, code)
    name = f"guide{index}"
    async with ShellRunner.connected(guide_gateway, plugins={name: module}) as shell:
        row = next(r for r in (await shell.run("plugins")).result.records() if r["name"] == name)
        assert (row["status"], row["failure"]) == ("loaded", None), row
        for command in row["commands"]:
            assert (await shell.run(f"{command} --help")).ok
        if "tank-fill" in row["commands"]:
            result = await shell.run("tank-fill Tank2 80 --mode fast --pump Pump2")
            assert result.ok, result.errors
            assert result.result["write"] == "Ok"
        write = await shell.run("add-item Pump1.Speed.SP --as sp; advise sp; write sp 1210")
        assert write.ok, write.errors
        await eventually(lambda: shell.session.counters.write_completes >= 1, "OnWriteComplete")
        assert (await shell.run("reconnect")).ok
        shell.toolbar()
        if "on_event" in row["hooks"]:
            await eventually(lambda: bool(module.WRITES), "the on_event hook saw the write")
        if "register_settings" in row["hooks"]:
            assert (await shell.run(f"set {name}.threshold 4")).ok
        if "session_opened" in row["hooks"]:
            assert f"tankfarm: watching {guide_gateway.endpoint}" in shell.err
        if "startup" in row["hooks"] and "setdefault" in code:
            assert shell.context.variables["site"] == "north"
    failures = [line for line in shell.err if line.startswith(f"plugin {name}")]
    assert failures == [] and shell.host.hook_failures == {}, (failures, shell.err)
    if "shutdown" in row["hooks"]:
        assert all(task.done() or task.cancelling() for task in module.TASKS)


def tankfarm_plugin() -> str:
    """The guide's tankfarm plugin: the first program's plugin part, and tank-fill."""
    first = PROGRAM.findall(GUIDE.read_text(encoding="utf-8"))[0]
    plugin = first.split("\nasync def main")[0]
    plugin = plugin.replace("from mxshell.testing import ShellRunner, simulated_gateway\n", "")
    fill = next(code for code in fragments() if '"tank-fill"' in code)
    fill = fill.replace('tankfarm = CommandSet("tankfarm")\n', "")
    return plugin + "\n\n" + fill


def install_tankfarm(site: Path) -> None:
    package = site / "mxshell_tankfarm"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(tankfarm_plugin())
    info = site / "mxshell_tankfarm-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: mxshell-tankfarm\nVersion: 0.1.0\n"
    )
    (info / "entry_points.txt").write_text("[mxshell]\ntankfarm = mxshell_tankfarm\n")


@pytest.mark.xdist_group("pytest-in-a-child")
def test_the_guides_test_examples_pass_with_pytest(tmp_path: Path) -> None:
    site = tmp_path / "site"
    install_tankfarm(site)
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    for number, code in enumerate(guide_tests(), start=1):
        (project / "tests" / f"test_guide_{number}.py").write_text(code)
    (project / "pytest.ini").write_text("[pytest]\nasyncio_mode = auto\n")
    env = dict(os.environ)
    env.update(
        PYTHONPATH=os.pathsep.join([str(site), *sys.path]),
        MXSHELL_CACHE_DIR=str(tmp_path / "cache"),
        MXSHELL_CONFIG_DIR=str(tmp_path / "config"),
        MXSHELL_DATA_DIR=str(tmp_path / "data"),
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    passed = re.search(r"(\d+) passed", run.stdout)
    assert passed and int(passed.group(1)) >= 5, run.stdout[-2000:]
