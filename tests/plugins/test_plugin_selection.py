"""Choosing which plugins load: --no-plugins (built-ins only), --plugin MODULE (a module
by import name, not installed) and the config file's disabled_plugins, at the host level
and through mxshell.testing's ShellRunner."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mxshell.app.plugin_host import PluginSelection, load_plugins
from mxshell.testing import ShellRunner

BUILT_INS = {
    "core",
    "mxaccess",
    "watch",
    "bulk",
    "bench",
    "galaxy",
    "deploywatch",
    "scripting",
    "snapshot",
}

HELLO_PLUGIN = """
    from mxshell.api import command, hookimpl

    __version__ = "0.3.1"

    @command("hello-module", help="Say hello.")
    async def hello_module(ctx):
        return "hello from a module"

    @hookimpl
    def register_commands(register):
        register(hello_module)
"""


@pytest.fixture
def module_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str, str], None]]:
    """Write a module into tmp_path, which is on sys.path: importable, not installed."""
    written: list[str] = []

    def write(name: str, source: str) -> None:
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
        written.append(name)

    monkeypatch.syspath_prepend(str(tmp_path))
    yield write
    for name in written:
        sys.modules.pop(name, None)


def test_the_example_plugin_is_installed_so_the_tests_below_can_hide_it() -> None:
    host = load_plugins()
    assert host.records["trend"].loaded and "trend" in host.registry
    assert host.records["trend"].source == "entry point"


def test_no_plugins_loads_every_built_in_family_and_skips_third_party_ones() -> None:
    notes: list[str] = []
    host = load_plugins(notes.append, selection=PluginSelection(builtins_only=True))
    assert {name for name, r in host.records.items() if r.loaded} == BUILT_INS
    assert "trend" not in host.registry and "read" in host.registry
    (trend,) = host.skipped
    assert (trend.name, trend.status, trend.commands) == ("trend", "skipped (--no-plugins)", [])
    assert notes == []


def test_disabled_plugins_are_not_loaded_and_listed_as_disabled() -> None:
    notes: list[str] = []
    host = load_plugins(notes.append, selection=PluginSelection(disabled=("trend", "bench")))
    assert "trend" not in host.registry and "bench-read" not in host.registry
    assert "trend" not in host.records and "read" in host.registry
    rows = {r["name"]: r for r in host.plugin_table().records()}
    assert rows["trend"]["status"] == rows["bench"]["status"] == "disabled (config)"
    assert rows["trend"]["version"] == "0.1.0" and rows["trend"]["commands"] == []
    assert rows["core"]["status"] == "loaded" and rows["core"]["source"] == "entry point"
    assert notes == []


def test_an_unknown_disabled_name_is_one_warning_and_the_rest_loads() -> None:
    notes: list[str] = []
    host = load_plugins(notes.append, selection=PluginSelection(disabled=("trnd", "trend")))
    assert notes == ["disabled_plugins: no installed plugin is named 'trnd'; ignored"]
    assert "trend" not in host.registry and host.records["core"].loaded


def test_core_cannot_be_disabled() -> None:
    notes: list[str] = []
    host = load_plugins(notes.append, selection=PluginSelection(disabled=("core",)))
    assert host.records["core"].loaded and "exit" in host.registry
    assert notes == ["disabled_plugins: core cannot be disabled (help, exit, connect); loaded"]


def test_a_module_named_by_plugin_is_registered_like_an_entry_point_plugin(
    module_on_path: Callable[[str, str], None],
) -> None:
    module_on_path("mxtest_hello", HELLO_PLUGIN)
    selection = PluginSelection(builtins_only=True, modules=("mxtest_hello",))
    host = load_plugins(selection=selection)
    record = host.records["mxtest_hello"]
    assert (record.source, record.version, record.status) == ("--plugin", "0.3.1", "loaded")
    assert record.commands == ["hello-module"]
    assert host.registry.lookup("hello-module").plugin == "mxtest_hello"
    row = next(r for r in host.plugin_table().records() if r["name"] == "mxtest_hello")
    assert (row["source"], row["status"], row["failure"]) == ("--plugin", "loaded", None)


def test_a_plugin_module_that_cannot_import_is_one_line_and_the_others_load(
    module_on_path: Callable[[str, str], None],
) -> None:
    module_on_path("mxtest_fire", "raise RuntimeError('the plant is on fire')\n")
    module_on_path("mxtest_hello", HELLO_PLUGIN)
    notes: list[str] = []
    modules = ("mxtest_missing", "mxtest_fire", "mxtest_hello")
    host = load_plugins(notes.append, selection=PluginSelection(modules=modules))
    assert notes == [
        "plugin mxtest_missing: failed to import mxtest_missing: "
        "ModuleNotFoundError: No module named 'mxtest_missing'",
        "plugin mxtest_fire: failed to import mxtest_fire: RuntimeError: the plant is on fire",
    ]
    assert host.records["mxtest_fire"].status == "failed"
    assert "hello-module" in host.registry and "trend" in host.registry


def test_a_plugin_module_named_like_a_loaded_plugin_is_refused(
    module_on_path: Callable[[str, str], None],
) -> None:
    module_on_path("mxtest_hello", HELLO_PLUGIN)
    notes: list[str] = []
    host = load_plugins(notes.append, selection=PluginSelection(modules=("mxtest_hello",) * 2))
    assert notes == ["plugin mxtest_hello: another plugin is already named 'mxtest_hello'"]
    assert host.records["mxtest_hello"].loaded
    assert [r.status for r in host.all_records() if r.name == "mxtest_hello"] == [
        "loaded",
        "failed",
    ]


async def test_shell_runner_takes_the_same_knobs_as_the_shell(
    module_on_path: Callable[[str, str], None],
) -> None:
    module_on_path("mxtest_hello", HELLO_PLUGIN)
    runner = ShellRunner(no_plugins=True, plugin_modules=["mxtest_hello"])
    assert (await runner.run("hello-module")).result == "hello from a module"
    hidden = await runner.run("trend Tank1.Level")
    assert not hidden.ok and "unknown command" in (hidden.outcomes[0].error or "")
    disabled = ShellRunner(disabled_plugins=["trend"])
    rows = {r["name"]: r["status"] for r in (await disabled.run("plugins")).result.records()}
    assert rows["trend"] == "disabled (config)" and "mxtest_hello" not in rows
