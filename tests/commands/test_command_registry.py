"""The registry: lookup by name and alias, conflicts refused, the user's aliases."""

from __future__ import annotations

import pytest

from mxshell.commands import (
    Command,
    CommandConflictError,
    CommandRegistry,
    UnknownCommandError,
    UsageError,
    command,
)


async def _noop(ctx: object) -> None:
    return None


def declared(name: str, *aliases: str) -> Command:
    return command(name, help=f"{name} things.", aliases=aliases)(_noop)


def test_commands_are_found_by_name_and_alias(registry: CommandRegistry) -> None:
    assert registry.lookup("add-item").name == "add-item"
    assert registry.lookup("ai") is registry.lookup("add-item")
    assert "ai" in registry and "nothing" not in registry


def test_an_unknown_command_suggests_close_names(registry: CommandRegistry) -> None:
    with pytest.raises(UnknownCommandError) as caught:
        registry.lookup("add-iten")
    assert str(caught.value) == "unknown command; did you mean add-item?"
    assert caught.value.exit_status == 2


def test_an_unknown_command_without_close_names_points_at_help(registry: CommandRegistry) -> None:
    with pytest.raises(UnknownCommandError, match="type help"):
        registry.lookup("zzzzzz")


def test_two_plugins_claiming_a_name_is_an_error_naming_both() -> None:
    registry = CommandRegistry()
    first = registry.add(declared("status"), plugin="core")
    with pytest.raises(CommandConflictError) as caught:
        registry.add(declared("status"), plugin="extras")
    message = str(caught.value)
    assert "'status'" in message and "'core'" in message and "'extras'" in message
    assert registry.lookup("status") is first  # never a silent override


def test_an_alias_clashing_with_another_plugins_name_is_a_conflict() -> None:
    registry = CommandRegistry()
    registry.add(declared("read"), plugin="mxaccess")
    with pytest.raises(CommandConflictError, match="'read'.*'mxaccess'.*'bulk'"):
        registry.add(declared("read-bulk", "read"), plugin="bulk")
    assert registry.get("read-bulk") is None  # nothing of the refused command is kept


def test_one_plugin_declaring_a_name_twice_is_a_conflict() -> None:
    registry = CommandRegistry()
    registry.add(declared("watch"), plugin="galaxy")
    with pytest.raises(CommandConflictError, match="declared twice by plugin 'galaxy'"):
        registry.add(declared("watch"), plugin="galaxy")


def test_families_group_commands_sorted(registry: CommandRegistry) -> None:
    families = registry.families()
    assert list(families) == ["demo", "mxaccess"]
    assert [c.name for c in families["mxaccess"]] == ["add-item", "write"]


def test_a_command_without_family_takes_its_plugins_name() -> None:
    registry = CommandRegistry()
    registry.add(declared("ping"), plugin="netcheck")
    assert registry.lookup("ping").family == "netcheck"


def test_user_alias_expands_in_first_position_only(registry: CommandRegistry) -> None:
    registry.define_alias("lvl", "add-item Tank1.Level --as")
    assert registry.expand(["lvl", "level"]) == ["add-item", "Tank1.Level", "--as", "level"]
    assert registry.expand(["add-item", "lvl"]) == ["add-item", "lvl"]
    assert "lvl" in registry.names()


def test_user_aliases_chain_but_loops_are_refused(registry: CommandRegistry) -> None:
    registry.define_alias("a1", "add-item")
    registry.define_alias("a2", "a1 Tank1.Level")
    assert registry.expand(["a2"]) == ["add-item", "Tank1.Level"]
    registry.define_alias("x", "y")
    with pytest.raises(UsageError, match="alias loop: y -> x -> y"):
        registry.define_alias("y", "x")
    assert "y" not in registry.user_aliases


def test_an_alias_cannot_hide_a_command(registry: CommandRegistry) -> None:
    with pytest.raises(UsageError, match="already a command"):
        registry.define_alias("ai", "write")


def test_alias_names_and_expansions_are_checked(registry: CommandRegistry) -> None:
    with pytest.raises(UsageError, match="not a valid alias name"):
        registry.define_alias("no spaces", "write")
    with pytest.raises(UsageError, match="empty"):
        registry.define_alias("blank", "  # nothing")
    with pytest.raises(UsageError, match="more than one command"):
        registry.define_alias("two", "a; b")


def test_removing_an_alias(registry: CommandRegistry) -> None:
    registry.define_alias("w", "write")
    registry.remove_alias("w")
    assert registry.user_aliases == {}
    with pytest.raises(UsageError, match="no alias 'w'"):
        registry.remove_alias("w")
