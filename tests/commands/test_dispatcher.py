"""The dispatcher: every line ends in Outcomes; failures, crashes and cancels never escape."""

from __future__ import annotations

import asyncio
import sys

import pytest

from mxshell.commands import (
    CANCELLED,
    FAILED,
    OK,
    USAGE,
    CommandContext,
    CommandRegistry,
    Dispatcher,
    Table,
    Text,
    arg,
    command,
)
from mxshell.gateway.errors import PermissionDeniedError


async def test_a_line_runs_each_command_in_order(dispatcher: Dispatcher) -> None:
    outcomes = await dispatcher.run_line("ai Tank1.Level --as lvl; add-item Tank2.Level")
    assert [o.ok for o in outcomes] == [True, True]
    assert outcomes[0].command == "add-item"
    assert outcomes[0].line == "ai Tank1.Level --as lvl"
    assert outcomes[0].result == {"tag": "Tank1.Level", "alias": "lvl", "server_handle": None}
    assert outcomes[1].result["tag"] == "Tank2.Level"
    assert all(o.exit_status == 0 and o.status == OK and o.elapsed >= 0 for o in outcomes)


async def test_blank_and_comment_lines_are_no_ops(dispatcher: Dispatcher) -> None:
    assert await dispatcher.run_line("") == []
    assert await dispatcher.run_line("   # just a note") == []


async def test_an_unknown_command_is_a_usage_failure_with_a_suggestion(
    dispatcher: Dispatcher,
) -> None:
    (outcome,) = await dispatcher.run_line("wrte Tank1.Level 3")
    assert (outcome.ok, outcome.status, outcome.exit_status) == (False, USAGE, 2)
    assert outcome.describe() == "wrte: unknown command; did you mean write?"


async def test_bad_arguments_are_a_usage_failure_naming_the_word(dispatcher: Dispatcher) -> None:
    (outcome,) = await dispatcher.run_line("add-item Tank1.Level extra")
    assert outcome.status == USAGE
    assert outcome.describe().startswith("add-item: unrecognized arguments: extra; usage: add-item")


async def test_an_unterminated_quote_is_a_usage_failure(dispatcher: Dispatcher) -> None:
    (outcome,) = await dispatcher.run_line("add-item 'Tank1.Level")
    assert (outcome.command, outcome.status) == ("", USAGE)
    assert outcome.describe() == "unterminated quote ' (opened at column 10)"


async def test_help_option_is_a_successful_outcome(dispatcher: Dispatcher) -> None:
    (outcome,) = await dispatcher.run_line("ai --help")
    assert outcome.ok and isinstance(outcome.result, Text)
    assert outcome.result.text.startswith("usage: add-item TAG")
    assert outcome.result.as_data()["name"] == "add-item"


async def test_a_shell_error_is_one_line_without_traceback(dispatcher: Dispatcher) -> None:
    (outcome,) = await dispatcher.run_line("fail shell")
    assert (outcome.status, outcome.exit_status) == (FAILED, 1)
    assert outcome.describe() == "fail: the tank is empty"
    assert outcome.traceback is None


async def test_a_plugin_bug_names_plugin_command_and_exception_and_keeps_the_traceback(
    dispatcher: Dispatcher,
) -> None:
    (outcome,) = await dispatcher.run_line("fail bug")
    assert outcome.status == FAILED
    assert outcome.describe() == (
        "plugin demo: command fail failed: ZeroDivisionError: division by zero"
    )
    assert outcome.traceback is not None and "ZeroDivisionError" in outcome.traceback


async def test_a_failure_stops_the_rest_of_the_line(dispatcher: Dispatcher) -> None:
    outcomes = await dispatcher.run_line("fail shell; add-item Tank1.Level")
    assert [o.command for o in outcomes] == ["fail"]
    outcomes = await dispatcher.run_line("fail shell; ai Tank1.Level", stop_on_error=False)
    assert [o.ok for o in outcomes] == [False, True]


async def test_stop_on_error_follows_the_setting(dispatcher: Dispatcher) -> None:
    dispatcher.context.settings.stop_on_error = False
    outcomes = await dispatcher.run_line("fail shell; ai Tank1.Level")
    assert len(outcomes) == 2


async def test_a_command_needing_a_session_fails_at_once_when_disconnected(
    dispatcher: Dispatcher,
) -> None:
    (outcome,) = await dispatcher.run_line("write Tank1.Level 3")
    assert outcome.describe() == "write: not connected to a gateway; use connect"
    dispatcher.context.session = object()
    (outcome,) = await dispatcher.run_line("write Tank1.Level 3")
    assert outcome.ok


async def test_gateway_errors_are_one_clear_line(registry: CommandRegistry) -> None:
    @command("secure-write", help="x")
    async def secure_write(ctx: CommandContext) -> None:
        raise PermissionDeniedError("permission denied (PERMISSION_DENIED): key lacks write")

    registry.add(secure_write, plugin="demo")
    (outcome,) = await Dispatcher(CommandContext(registry)).run_line("secure-write")
    assert outcome.describe() == (
        "secure-write: permission denied (PERMISSION_DENIED): key lacks write"
    )
    assert outcome.traceback is None


async def test_errors_shaped_like_gateway_errors_are_one_line_too(
    registry: CommandRegistry,
) -> None:
    class FakeGatewayError(Exception):
        code = "UNAVAILABLE"

    @command("ping", help="x")
    async def ping(ctx: CommandContext) -> None:
        raise FakeGatewayError("gateway unavailable\n(UNAVAILABLE)")

    registry.add(ping, plugin="demo")
    (outcome,) = await Dispatcher(CommandContext(registry)).run_line("ping")
    assert outcome.describe() == "ping: gateway unavailable (UNAVAILABLE)"


async def test_system_exit_and_sync_handlers(registry: CommandRegistry) -> None:
    @command("bail", help="x")
    async def bail(ctx: CommandContext) -> None:
        sys.exit(3)

    @command("plain", help="x", args=[arg("n", type=int)])
    def plain(ctx: CommandContext, n: int) -> Table:
        return Table(["n"], [[n]])

    registry.add(bail, plugin="demo")
    registry.add(plain, plugin="demo")
    dispatcher = Dispatcher(CommandContext(registry))
    (outcome,) = await dispatcher.run_line("bail")
    assert outcome.status == FAILED and "SystemExit" in (outcome.error or "")
    (outcome,) = await dispatcher.run_line("plain 4")
    assert outcome.ok and outcome.result.rows == [[4]]


@pytest.fixture
def slow_registry(registry: CommandRegistry) -> CommandRegistry:
    started = asyncio.Event()

    @command("wait", help="Wait a long time.")
    async def wait(ctx: CommandContext) -> None:
        started.set()
        await asyncio.sleep(60)

    @command("interrupted", help="Raise KeyboardInterrupt.")
    def interrupted(ctx: CommandContext) -> None:
        raise KeyboardInterrupt

    registry.add(wait, plugin="demo")
    registry.add(interrupted, plugin="demo")
    registry.started = started  # type: ignore[attr-defined]
    return registry


async def test_cancelling_a_running_line_gives_a_cancelled_outcome(
    slow_registry: CommandRegistry,
) -> None:
    dispatcher = Dispatcher(CommandContext(slow_registry))
    task = asyncio.create_task(dispatcher.run_line("wait; ai Tank1.Level"))
    await slow_registry.started.wait()  # type: ignore[attr-defined]
    task.cancel()  # what the REPL does on Ctrl-C
    outcomes = await task
    assert [(o.command, o.status, o.error) for o in outcomes] == [("wait", CANCELLED, "cancelled")]
    assert outcomes[0].exit_status == 1
    assert not task.cancelled()
    (after,) = await dispatcher.run_line("ai Tank1.Level")  # the dispatcher lives on
    assert after.ok


async def test_keyboard_interrupt_inside_a_handler_is_a_cancel(
    slow_registry: CommandRegistry,
) -> None:
    (outcome,) = await Dispatcher(CommandContext(slow_registry)).run_line("interrupted")
    assert outcome.status == CANCELLED


async def test_exit_request_stops_the_line(registry: CommandRegistry) -> None:
    @command("leave", help="x")
    async def leave(ctx: CommandContext) -> None:
        ctx.request_exit(4)

    registry.add(leave, plugin="demo")
    context = CommandContext(registry)
    outcomes = await Dispatcher(context).run_line("leave; ai Tank1.Level")
    assert [o.command for o in outcomes] == ["leave"]
    assert (context.exit_requested, context.exit_status) == (True, 4)


async def test_run_command_takes_words(dispatcher: Dispatcher) -> None:
    outcome = await dispatcher.run_command(["add-item", "Tank 1.Level", "--as", "t"])
    assert outcome.ok and outcome.result["tag"] == "Tank 1.Level"
    assert outcome.line == "add-item 'Tank 1.Level' --as t"


async def test_run_command_without_words_is_a_usage_failure(dispatcher: Dispatcher) -> None:
    outcome = await dispatcher.run_command([])
    assert (outcome.status, outcome.error) == (USAGE, "no command given")


async def test_user_aliases_expand_before_dispatch(dispatcher: Dispatcher) -> None:
    dispatcher.registry.define_alias("lvl", "add-item Tank1.Level")
    (outcome,) = await dispatcher.run_line("lvl --as x")
    assert outcome.command == "add-item"
    assert outcome.result["alias"] == "x"
    assert outcome.line == "lvl --as x"


def test_outcome_repr_leaves_out_the_traceback() -> None:
    from mxshell.commands import Outcome

    outcome = Outcome("x", "x", False, error="boom", status=FAILED, traceback="Traceback ...")
    assert "Traceback" not in repr(outcome)
