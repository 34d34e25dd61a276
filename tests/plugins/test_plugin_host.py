"""Loading plugins through real entry points; every kind of plugin failure is reported
in one line and isolated, and a command name is never silently overridden."""

from __future__ import annotations

import importlib.metadata
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mxshell.api import hookimpl
from mxshell.app.plugin_host import PluginHost, load_plugins
from mxshell.commands import CommandContext, CommandFailed, Dispatcher, command, render_json


async def _noop(ctx: CommandContext) -> str:
    return "ran"


def declared(name: str, *aliases: str) -> Any:
    return command(name, help=f"{name}.", aliases=aliases)(_noop)


# real entry points ---------------------------------------------------------------


def test_the_core_plugin_is_found_through_its_entry_point() -> None:
    (entry_point,) = importlib.metadata.entry_points(group="mxshell").select(name="core")
    assert entry_point.value == "mxshell_plugins.core"
    host = load_plugins()
    record = host.records["core"]
    assert (record.source, record.version, record.failure) == ("entry point", "0.1.0", None)
    assert {"help", "exit", "connect", "plugins"} <= set(record.commands)
    assert host.registry.lookup("quit").plugin == "core"


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Install a fake distribution (a real *.dist-info on sys.path) with entry points."""

    def install(dist: str, version: str, entry_points: dict[str, str], **modules: str) -> None:
        info = tmp_path / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
        (info / "entry_points.txt").write_text(f"[mxshell]\n{lines}")
        for module, source in modules.items():
            (tmp_path / f"{module}.py").write_text(textwrap.dedent(source))
            monkeypatch.delitem(sys.modules, module, raising=False)

    monkeypatch.syspath_prepend(str(tmp_path))
    return install


@pytest.fixture(autouse=True)
def _forget_test_modules() -> Iterator[None]:
    yield
    for name in [m for m in sys.modules if m.startswith("mxtest_")]:
        del sys.modules[name]


GOOD_PLUGIN = """
    from mxshell.commands import command
    from mxshell.api import hookimpl

    @command("tank-count", help="Count the tanks.")
    async def tank_count(ctx):
        return 3

    @hookimpl
    def register_commands(register):
        register(tank_count)
"""


def test_plugins_from_other_distributions_load_with_their_version(
    installed: Callable[..., None],
) -> None:
    installed("mxshell-tankfarm", "1.2.3", {"tankfarm": "mxtest_good"}, mxtest_good=GOOD_PLUGIN)
    host = load_plugins()
    assert host.records["tankfarm"].version == "1.2.3"
    assert host.records["tankfarm"].commands == ["tank-count"]
    assert host.registry.lookup("tank-count").family == "tankfarm"
    assert host.records["core"].failure is None


def test_a_plugin_raising_on_import_is_reported_and_skipped(
    installed: Callable[..., None],
) -> None:
    installed(
        "mxshell-broken",
        "0.0.1",
        {"broken": "mxtest_broken", "missing": "mxtest_not_there", "tankfarm": "mxtest_good"},
        mxtest_broken="raise RuntimeError('the plant is on fire')\n",
        mxtest_good=GOOD_PLUGIN,
    )
    notes: list[str] = []
    host = load_plugins(notes.append)
    assert host.records["broken"].failure == (
        "failed to import mxtest_broken: RuntimeError: the plant is on fire"
    )
    assert host.records["missing"].failure == (
        "failed to import mxtest_not_there: ModuleNotFoundError: No module named 'mxtest_not_there'"
    )
    assert host.records["tankfarm"].failure is None  # the others load regardless
    assert "tank-count" in host.registry
    assert notes == [
        "plugin broken: failed to import mxtest_broken: RuntimeError: the plant is on fire",
        "plugin missing: failed to import mxtest_not_there: ModuleNotFoundError: "
        "No module named 'mxtest_not_there'",
    ]
    assert all("\n" not in note for note in notes)
    assert "Traceback" in host.records["broken"].tracebacks[0]


def test_debug_adds_the_traceback_to_a_load_failure(installed: Callable[..., None]) -> None:
    installed(
        "mxshell-broken",
        "0.0.1",
        {"broken": "mxtest_broken2"},
        mxtest_broken2="raise RuntimeError('boom')\n",
    )
    notes: list[str] = []
    load_plugins(notes.append, debug=True)
    (note,) = notes
    assert note.startswith("plugin broken: failed to import mxtest_broken2: RuntimeError: boom\n")
    assert "Traceback (most recent call last)" in note


def test_a_plugin_taking_a_core_name_is_refused_even_if_its_name_sorts_first(
    installed: Callable[..., None],
) -> None:
    installed(
        "aaa-dist",
        "1.0",
        {"aaa": "mxtest_thief"},
        mxtest_thief="""
        from mxshell.commands import command
        from mxshell.api import hookimpl

        @command("status", help="Not the real status.")
        async def status(ctx):
            return "stolen"

        @command("ping", help="Ping.")
        async def ping(ctx):
            return "pong"

        @hookimpl
        def register_commands(register):
            register([status, ping])
    """,
    )
    host = load_plugins()
    assert host.registry.lookup("status").plugin == "core"  # never overridden
    assert host.registry.lookup("ping").plugin == "aaa"  # its other commands stay
    assert host.conflicts == [
        "plugin aaa: command name 'status' is claimed by both plugin 'core' and plugin 'aaa'; "
        "the one from plugin 'aaa' was refused"
    ]
    assert host.records["aaa"].commands == ["ping"]


def test_two_distributions_with_one_plugin_name(installed: Callable[..., None]) -> None:
    installed("first-dist", "1.0", {"tankfarm": "mxtest_good"}, mxtest_good=GOOD_PLUGIN)
    installed("second-dist", "2.0", {"tankfarm": "mxtest_good"})
    host = load_plugins()
    assert host.records["tankfarm"].failure is None
    assert host.failures() == [
        "plugin tankfarm: another plugin is already named 'tankfarm' (from second-dist)"
    ]
    rows = [r for r in host.plugin_table().records() if r["name"] == "tankfarm"]
    assert sorted(r["version"] for r in rows) == ["1.0", "2.0"]


# plugins registered directly ----------------------------------------------------


class RaisesWhileRegistering:
    @hookimpl
    def register_commands(self, register: Any) -> None:
        register(declared("half-done"))
        raise RuntimeError("forgot a table")

    @hookimpl
    def on_event(self, event: Any) -> None:
        raise AssertionError("an unloaded plugin must not be called")


def test_a_plugin_raising_while_registering_is_unloaded_whole(
    host: PluginHost, notes: list[str]
) -> None:
    record = host.add_plugin(RaisesWhileRegistering(), "flaky")
    assert record.failure == "failed while registering: RuntimeError: forgot a table"
    assert not record.loaded and record.commands == []
    assert "half-done" not in host.registry
    assert notes == ["plugin flaky: failed while registering: RuntimeError: forgot a table"]
    assert host.event_listener(host.new_context()) is None


class Explodes:
    @hookimpl
    def register_commands(self, register: Any) -> None:
        @command("explode", help="Raise.")
        async def explode(ctx: CommandContext) -> None:
            raise ValueError("bad valve")

        @command("refuse", help="Fail cleanly.")
        async def refuse(ctx: CommandContext) -> None:
            raise CommandFailed("valve is locked")

        register([explode, refuse])


async def test_a_plugin_raising_inside_a_command_is_reported_and_the_shell_lives_on(
    host: PluginHost,
) -> None:
    host.add_plugin(Explodes(), "valves")
    dispatcher = Dispatcher(host.new_context())
    (outcome,) = await dispatcher.run_line("explode")
    assert outcome.describe() == "plugin valves: command explode failed: ValueError: bad valve"
    assert "ValueError: bad valve" in (outcome.traceback or "")
    assert '"ok": false' in render_json(outcome)
    (outcome,) = await dispatcher.run_line("refuse")
    assert outcome.describe() == "refuse: valve is locked"
    (outcome,) = await dispatcher.run_line("echo still here")
    assert outcome.result == "still here"


class Observer:
    def __init__(self) -> None:
        self.events: list[Any] = []
        self.calls: list[str] = []

    @hookimpl
    def on_event(self, event: Any, context: Any) -> None:
        self.events.append(event)

    @hookimpl
    def startup(self, context: Any) -> None:
        self.calls.append("startup")

    @hookimpl
    def session_opened(self, context: Any) -> None:
        self.calls.append("session_opened")


class BrokenObserver:
    @hookimpl
    def on_event(self, event: Any) -> None:
        raise KeyError(event)

    @hookimpl
    def startup(self) -> None:
        raise RuntimeError("no config")

    @hookimpl
    def session_opened(self, context: Any) -> None:
        raise RuntimeError("cannot watch")

    @hookimpl
    def session_closed(self, context: Any) -> None:
        raise RuntimeError("cannot stop")

    @hookimpl
    def shutdown(self, context: Any) -> None:
        raise RuntimeError("cannot flush")


def test_a_plugin_raising_in_on_event_is_reported_once_and_others_still_see_events(
    host: PluginHost, notes: list[str]
) -> None:
    observer = Observer()
    host.add_plugin(BrokenObserver(), "broken")
    host.add_plugin(observer, "observer")
    listener = host.event_listener(host.new_context())
    assert listener is not None
    listener(["e1", "e2"])
    listener(["e3"])
    assert observer.events == ["e1", "e2", "e3"]
    assert notes == [
        "plugin broken: on_event failed: KeyError: 'e1' "
        "(further failures of this hook are counted, not shown)"
    ]
    assert host.hook_failures[("broken", "on_event")] == 3


def test_lifecycle_hooks_are_isolated_per_plugin(host: PluginHost, notes: list[str]) -> None:
    observer = Observer()
    host.add_plugin(BrokenObserver(), "broken")
    host.add_plugin(observer, "observer")
    context = host.new_context()
    host.startup(context)
    host.session_opened(context)
    host.session_closed(context)
    host.shutdown(context)
    host.on_event("e", context)
    assert observer.calls == ["startup", "session_opened"]
    assert [n.split(":")[1].strip() for n in notes] == [
        "startup failed",
        "session_opened failed",
        "session_closed failed",
        "shutdown failed",
        "on_event failed",
    ]


def test_no_event_listener_when_no_plugin_observes_events(host: PluginHost) -> None:
    assert host.event_listener(host.new_context()) is None


class Completes:
    @hookimpl
    def register_completers(self, register: Any) -> None:
        register("tank", lambda ctx, text: ["Tank1"])
        register("command", lambda ctx, text: [])  # core's

    @hookimpl
    def register_toolbar_fields(self, register: Any) -> None:
        register(lambda: "alarms 0")


def test_completers_and_toolbar_fields_register_with_conflicts_refused(
    host: PluginHost,
) -> None:
    record = host.add_plugin(Completes(), "tanks")
    assert record.completers == ["tank"]
    assert host.completers["command"] is not None and "tank" in host.completers
    assert host.conflicts == [
        "plugin tanks: completer 'command' is already registered by plugin core"
    ]
    assert [field() for field in host.toolbar_fields] == ["alarms 0"]


class Misspelled:
    @hookimpl
    def register_command(self, register: Any) -> None:  # not a hook: register_commands
        raise AssertionError("never called")


class WrongSignature:
    @hookimpl
    def on_event(self, event: Any, context: Any, extra: Any) -> None:
        raise AssertionError("never called")


def test_hook_mistakes_are_reported(host: PluginHost) -> None:
    assert host.add_plugin(Misspelled(), "typo").failure == (
        "implements register_command, which is not an mxshell hook"
    )
    failure = host.add_plugin(WrongSignature(), "wrong").failure or ""
    assert failure.startswith("cannot be registered: PluginValidationError")


def test_the_plugins_command_lists_failures(host: PluginHost) -> None:
    host.add_plugin(RaisesWhileRegistering(), "flaky")
    table = host.plugin_table()
    assert [r["name"] for r in table.records()] == ["core", "flaky"]
    assert table.records()[1]["failure"] == "failed while registering: RuntimeError: forgot a table"


def test_adding_two_plugins_under_one_name_is_refused(host: PluginHost) -> None:
    with pytest.raises(ValueError, match="already loaded"):
        host.add_plugin(Observer(), "core")


@pytest.mark.parametrize(
    ("declared", "failure"),
    [
        ((1, 8), "written for plugin API 1.8; this mxshell offers 1.7"),
        ((2, 0), "written for plugin API 2.0; this mxshell offers 1.7"),
        ("1.1", "MXSHELL_API must be a (major, minor) pair, not '1.1'"),
    ],
)
def test_a_plugin_written_for_an_api_this_shell_cannot_give_is_not_loaded(
    declared: object, failure: str
) -> None:
    import types

    @hookimpl
    def register_commands(register: Any) -> None:
        raise AssertionError("a plugin that does not fit is never asked")

    plugin = types.SimpleNamespace(MXSHELL_API=declared, register_commands=register_commands)
    host = PluginHost()
    record = host.add_plugin(plugin, "future")
    assert (record.status, record.failure) == ("failed", failure)
    row = next(r for r in host.plugin_table().records() if r["name"] == "future")
    assert row["failure"] == failure and row["hooks"] == []


def test_a_plugin_for_this_api_lists_its_api_and_hooks() -> None:
    import types

    @hookimpl
    def startup(context: Any) -> None:
        pass

    host = PluginHost()
    host.add_plugin(types.SimpleNamespace(MXSHELL_API=(1, 0), startup=startup), "older")
    row = next(r for r in host.plugin_table().records() if r["name"] == "older")
    assert (row["api"], row["hooks"], row["status"]) == ("1.0", ["startup"], "loaded")
