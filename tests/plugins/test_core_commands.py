"""The core plugin's commands, run through the dispatcher with fake shell services."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from mxshell.app.plugin_host import PluginHost
from mxshell.commands import (
    CANCELLED,
    USAGE,
    CommandContext,
    Dispatcher,
    Outcome,
    Text,
    render_json,
    render_text,
)
from mxshell.sim import EmbeddedGateway


async def one(dispatcher: Dispatcher, line: str) -> Outcome:
    (outcome,) = await dispatcher.run_line(line)
    return outcome


async def test_help_lists_every_command_by_family(dispatcher: Dispatcher) -> None:
    outcome = await one(dispatcher, "help")
    assert isinstance(outcome.result, Text)
    rows = json.loads(render_json(outcome))["result"]  # JSON keeps one object per command
    assert {r["family"] for r in rows} == {"core"}
    assert {"help", "exit", "connect", "status", "alias", "history"} <= {r["command"] for r in rows}
    assert next(r for r in rows if r["command"] == "exit")["aliases"] == "quit"
    # People get one line per command under its family's heading, aliases after the name.
    lines = outcome.result.text.splitlines()
    assert lines[0] == "core"
    assert any(line.startswith("  exit, quit  ") for line in lines)
    assert outcome.result.fit == "cut"  # at the prompt, cut to the terminal's width


async def test_help_family_lists_only_that_family(dispatcher: Dispatcher) -> None:
    outcome = await one(dispatcher, "help core")
    assert isinstance(outcome.result, Text)
    assert outcome.result.text.splitlines()[0] == "core"
    assert "help FAMILY" not in outcome.result.text  # the hint is for the whole list


async def test_help_for_a_command_is_generated_from_its_declaration(
    dispatcher: Dispatcher,
) -> None:
    outcome = await one(dispatcher, "help connect")
    assert isinstance(outcome.result, Text)
    assert outcome.result.text.startswith("usage: connect [NAME] [ENDPOINT] [--api-key-env VAR]")
    assert "--plaintext" in outcome.result.text
    assert outcome.result.text == (await one(dispatcher, "connect --help")).result.text
    data = json.loads(render_json(outcome))["result"]
    assert data["name"] == "connect"
    assert next(a for a in data["arguments"] if a["name"] == "api_key")["is_secret"] is True


async def test_help_for_an_unknown_command_suggests(dispatcher: Dispatcher) -> None:
    outcome = await one(dispatcher, "help stauts")
    assert outcome.describe() == "help: unknown command; did you mean status?"


async def test_every_core_command_has_help(dispatcher: Dispatcher, host: PluginHost) -> None:
    for command in host.registry.of_plugin("core"):
        outcome = await one(dispatcher, f"{command.name} --help")
        assert outcome.ok, outcome.describe()
        assert command.summary and command.summary in outcome.result.text


@pytest.mark.parametrize(("line", "status"), [("exit", 0), ("quit 3", 3), ("exit 2; echo x", 2)])
async def test_exit_and_quit_request_exit(
    dispatcher: Dispatcher, context: CommandContext, line: str, status: int
) -> None:
    outcomes = await dispatcher.run_line(line)
    assert len(outcomes) == 1
    assert (context.exit_requested, context.exit_status) == (True, status)


async def test_echo_prints_words_after_quote_removal(dispatcher: Dispatcher) -> None:
    assert (await one(dispatcher, "echo 'a  b' c\\ d \"e\"")).result == "a  b c d e"
    assert (await one(dispatcher, "echo")).result == ""


async def test_sleep_waits_and_is_cancellable(dispatcher: Dispatcher) -> None:
    assert (await one(dispatcher, "sleep 10ms")).ok
    task = asyncio.create_task(dispatcher.run_line("sleep 30"))
    await asyncio.sleep(0.05)
    task.cancel()
    (outcome,) = await asyncio.wait_for(task, 2)
    assert (outcome.command, outcome.status) == ("sleep", CANCELLED)


@pytest.mark.parametrize("line", ["sleep -1", "sleep forever", "sleep 2d", "sleep 999999"])
async def test_sleep_refuses_odd_durations(dispatcher: Dispatcher, line: str) -> None:
    outcome = await one(dispatcher, line)
    assert outcome.status == USAGE


async def test_version_names_the_libraries(dispatcher: Dispatcher) -> None:
    result = (await one(dispatcher, "version")).result
    assert set(result) >= {"mxshell", "python", "grpcio", "protobuf", "prompt_toolkit"}
    assert result["mxshell"] == "0.1.0"


async def test_plugins_lists_name_version_commands_and_failure(dispatcher: Dispatcher) -> None:
    outcome = await one(dispatcher, "plugins")
    (row,) = json.loads(render_json(outcome))["result"]["rows"]
    assert row["name"] == "core" and row["version"] == "0.1.0" and row["failure"] is None
    assert "connect" in row["commands"]
    assert "core" in render_text(outcome, dispatcher.context.settings)


async def test_set_and_show_settings(
    dispatcher: Dispatcher, context: CommandContext, notes: list[str]
) -> None:
    assert (await one(dispatcher, "set output json")).result == {"output": "json"}
    assert context.settings.output == "json"
    assert (await one(dispatcher, "show output")).result == {"output": "json"}
    assert (await one(dispatcher, "show")).result["timestamps"] == "local"
    bad = await one(dispatcher, "set timestamps gmt")
    assert bad.describe() == "set: timestamps: 'gmt' is not one of local, utc"
    # Any other name is a variable (as psql's \\set); a near miss of a setting is said.
    assert (await one(dispatcher, "set colour red")).ok
    assert context.variables["colour"] == "red"
    assert (await one(dispatcher, "set timestamp utc")).ok
    assert context.settings.timestamps == "local" and context.variables["timestamp"] == "utc"
    assert notes == ["set: timestamp is a variable; the setting is called timestamps"]
    no_value = await one(dispatcher, "set output")
    assert no_value.status == USAGE and "set output takes one value" in (no_value.error or "")


async def test_a_near_miss_of_a_setting_is_said_every_time_it_is_set(
    dispatcher: Dispatcher, notes: list[str]
) -> None:
    for value in ("utc", "local"):
        assert (await one(dispatcher, f"set timestamp {value}")).ok
    assert (await one(dispatcher, "set colour red")).ok
    assert notes == ["set: timestamp is a variable; the setting is called timestamps"] * 2


async def test_alias_define_use_list_show_remove(dispatcher: Dispatcher) -> None:
    assert (await one(dispatcher, "alias hi 'echo hello there'")).ok
    assert (await one(dispatcher, "alias greet echo 'dear reader'")).ok
    assert (await one(dispatcher, "hi")).result == "hello there"
    assert (await one(dispatcher, "greet")).result == "dear reader"
    listing = (await one(dispatcher, "alias")).result
    assert listing.records() == [
        {"alias": "greet", "expansion": "echo 'dear reader'"},
        {"alias": "hi", "expansion": "echo hello there"},
    ]
    assert (await one(dispatcher, "alias hi")).result == {"hi": "echo hello there"}
    assert (await one(dispatcher, "help hi")).result.text == "hi is an alias for: echo hello there"
    assert (await one(dispatcher, "alias --remove hi")).ok
    assert (await one(dispatcher, "hi")).describe().startswith("hi: unknown command")
    assert (await one(dispatcher, "alias echo 'status'")).describe() == (
        "alias: 'echo' is already a command; choose another alias name"
    )


async def test_alias_listing_masks_secrets(dispatcher: Dispatcher) -> None:
    assert (await one(dispatcher, "alias prod connect gw:443 --api-key k-777")).ok
    outcome = await one(dispatcher, "alias")
    assert "k-777" not in render_text(outcome, dispatcher.context.settings)
    assert "k-777" not in render_json(outcome)


async def test_history_shows_the_lines_through_the_service(
    dispatcher: Dispatcher, context: CommandContext
) -> None:
    assert (await one(dispatcher, "history")).result.records() == [
        {"#": 1, "line": "help"},
        {"#": 2, "line": "status"},
    ]
    assert (await one(dispatcher, "history 1")).result.rows == [(2, "status")]
    context.services.history = None
    assert (await one(dispatcher, "history")).describe() == (
        "history: command history is not available in this shell"
    )


async def test_connect_passes_only_the_options_given(
    dispatcher: Dispatcher, connection: Any
) -> None:
    outcome = await one(dispatcher, "connect gw.example:443 --ca-file ca.pem")
    assert outcome.ok and outcome.result["state"] == "connected"
    assert connection.calls == [("connect", ("gw.example:443", {"ca_file": "ca.pem"}))]
    assert (await one(dispatcher, "connect")).ok
    assert connection.calls[-1] == ("connect", (None, {}))


async def test_connect_keeps_the_api_key_out_of_every_output(
    dispatcher: Dispatcher, connection: Any
) -> None:
    outcome = await one(dispatcher, "connect gw:443 --api-key k-12345")
    assert connection.calls[-1] == ("connect", ("gw:443", {"api_key": "k-12345"}))
    assert "k-12345" not in outcome.line + render_json(outcome) + repr(outcome)


async def test_connect_refuses_tls_with_plaintext_and_bad_endpoints(
    dispatcher: Dispatcher,
) -> None:
    outcome = await one(dispatcher, "connect gw:1 --tls --plaintext")
    assert outcome.status == USAGE and "exclude each other" in (outcome.error or "")
    outcome = await one(dispatcher, "connect nonsense")
    assert outcome.describe().startswith("connect: endpoint 'nonsense' is not host:port")


async def test_disconnect_reconnect_and_status(dispatcher: Dispatcher, connection: Any) -> None:
    await one(dispatcher, "connect")
    assert (await one(dispatcher, "status")).result["state"] == "connected"
    assert (await one(dispatcher, "reconnect")).result == {
        "state": "connected",
        "restored_items": 2,
    }
    assert (await one(dispatcher, "disconnect")).result["state"] == "disconnected"
    assert [c[0] for c in connection.calls] == ["connect", "reconnect", "disconnect"]


async def test_connection_commands_say_when_the_shell_has_no_connection_control(
    dispatcher: Dispatcher, context: CommandContext
) -> None:
    context.services.connection = None
    for name in ("connect", "disconnect", "reconnect", "status"):
        outcome = await one(dispatcher, name)
        assert outcome.describe() == f"{name}: connection control is not available in this shell"


async def test_help_lists_a_family_and_question_mark_is_help() -> None:
    from mxshell.testing import ShellRunner

    shell = ShellRunner()
    family = await shell.run("help bulk")
    assert family.ok, family.errors
    rows = family.result.as_data()
    assert rows and {r["family"] for r in rows} == {"bulk"}
    assert "read-bulk" in [r["command"] for r in rows]
    asked = await shell.run("? read-bulk")
    assert asked.ok and asked.text.startswith("usage: read-bulk ")
    unknown = await shell.run("help nosuch")
    assert unknown.outcomes[0].exit_status == 2 and "\n" not in unknown.errors


async def test_an_empty_table_says_so() -> None:
    from mxshell.testing import ShellRunner

    shell = ShellRunner()
    listed = await shell.run("items")
    assert listed.text.splitlines()[-1] == "(0 rows)"


async def test_disconnect_says_what_it_dropped(gateway: EmbeddedGateway) -> None:
    from mxshell.testing import ShellRunner

    async with ShellRunner.connected(gateway) as shell:
        await shell.run("add-item Tank1.Level --as level; add-item Tank2.Level")
        result = await shell.run("disconnect")
        assert result.ok, result.errors
        assert "disconnect: dropped 2 item(s) and 1 alias(es)" in result.err
