"""A small registry of demo commands, and a dispatcher over it, for the command-model tests."""

from __future__ import annotations

from typing import Any

import pytest

from mxshell.commands import (
    Command,
    CommandContext,
    CommandFailed,
    CommandRegistry,
    Dispatcher,
    arg,
    command,
    flag,
)


@command(
    "add-item",
    help="Add an item for a tag reference (does not advise it).\nThe item is not advised.",
    aliases=["ai"],
    family="mxaccess",
    args=[
        arg("tag", help="Tag reference, e.g. Tank1.Level", is_tag=True),
        arg("--as", dest="alias", help="Alias to use for the item"),
        arg("--server-handle", "-s", type="int", help="Registration to use"),
    ],
)
async def _add_item(
    ctx: CommandContext, tag: str, alias: str | None = None, server_handle: int | None = None
) -> dict[str, Any]:
    return {"tag": tag, "alias": alias, "server_handle": server_handle}


@command(
    "write",
    help="Write a value.",
    family="mxaccess",
    needs_session=True,
    args=[
        arg("item", is_tag=True),
        arg("value", type="float"),
        arg("--timeout", "-t", type="duration", default=5.0),
        arg("--mode", choices=["plain", "secured"], default="plain"),
        arg("--password", secret=True, help="For secured writes"),
        flag("--verify", help="Read back"),
    ],
)
async def _write(ctx: CommandContext, **arguments: Any) -> dict[str, Any]:
    return arguments


@command(
    "fail", help="Fail on purpose.", family="demo", args=[arg("how", choices=["shell", "bug"])]
)
async def _fail(ctx: CommandContext, how: str) -> None:
    if how == "shell":
        raise CommandFailed("the tank is empty")
    raise ZeroDivisionError("division by zero")


ADD_ITEM, WRITE, FAIL = _add_item, _write, _fail


def demo_commands() -> list[Command]:
    return [ADD_ITEM, WRITE, FAIL]


@pytest.fixture
def add_item() -> Command:
    return ADD_ITEM


@pytest.fixture
def write() -> Command:
    return WRITE


@pytest.fixture
def registry() -> CommandRegistry:
    registry = CommandRegistry()
    for declared in demo_commands():
        registry.add(declared, plugin="demo")
    return registry


@pytest.fixture
def notes() -> list[str]:
    return []


@pytest.fixture
def context(registry: CommandRegistry, notes: list[str]) -> CommandContext:
    return CommandContext(registry, notify=notes.append)


@pytest.fixture
def dispatcher(context: CommandContext) -> Dispatcher:
    return Dispatcher(context)
