"""Where `NAME:Tag.Attr` references go: the plan the dispatcher follows, and how the legs'
results come together (the end-to-end behaviour is in tests/connections)."""

from __future__ import annotations

from typing import Any

import pytest

from mxshell.base.errors import CommandFailed, UsageError
from mxshell.commands import CommandContext, CommandRegistry, Table, arg, command
from mxshell.commands.routing import Leg, Routes, merge, split_reference


class Connections:
    """Two open connections, a current; each "session" is just its name."""

    current = "a"
    names = ["a", "b"]
    closed: list[str] = []  # none closed since opened
    declared: list[str] = []  # no config file

    def session_of(self, name: str) -> str:
        if name not in self.names:
            raise ValueError(f"no connection named {name!r}")
        return f"session {name}"


@command("pair", help="Two tags.", args=[arg("first", is_tag=True), arg("second", is_tag=True)])
async def pair(ctx: Any, first: str, second: str) -> None: ...


@command("many", help="Tags.", args=[arg("tags", nargs="+", is_tag=True)])
async def many(ctx: Any, tags: list[str]) -> None: ...


@pytest.fixture
def routes() -> Routes:
    context = CommandContext(CommandRegistry(), session="session a")
    context.services.connection = Connections()  # type: ignore[assignment]
    return Routes(context)


def test_a_name_before_a_colon_is_a_connection_only_when_one_is_open() -> None:
    assert split_reference("b:Tank1.Level", ["a", "b"]) == ("b", "Tank1.Level")
    assert split_reference("c:Tank1.Level", ["a", "b"]) == (None, "c:Tank1.Level")
    assert split_reference("Tank1.Level", ["a", "b"]) == (None, "Tank1.Level")
    assert split_reference("b:", ["a", "b"]) == (None, "b:")


async def test_unqualified_references_need_no_plan(routes: Routes) -> None:
    assert await routes.plan(many, {"tags": ["Tank1.Level", "Pump1.Speed"]}) is None


async def test_references_of_several_connections_split_into_legs(routes: Routes) -> None:
    legs = await routes.plan(many, {"tags": ["b:Tank1.Level", "Pump1.Speed", "a:Tank2.Level"]})
    assert legs is not None
    assert [(leg.connection, leg.arguments["tags"]) for leg in legs] == [
        ("b", ["Tank1.Level"]),
        ("a", ["Pump1.Speed", "Tank2.Level"]),
    ]
    assert [leg.context.session for leg in legs] == ["session b", "session a"]
    assert legs[0].context.tag_resolver is None  # a qualified reference is not relative


async def test_one_argument_cannot_go_to_two_connections(routes: Routes) -> None:
    with pytest.raises(UsageError, match="pair reaches one connection at a time"):
        await routes.plan(pair, {"first": "a:Tank1.Level", "second": "b:Tank1.Level"})
    legs = await routes.plan(pair, {"first": "b:Tank1.Level", "second": "b:Tank2.Level"})
    assert legs is not None and len(legs) == 1
    assert legs[0].arguments == {"first": "Tank1.Level", "second": "Tank2.Level"}


def test_tables_join_under_a_connection_column_and_a_failed_leg_fails_the_whole(
    routes: Routes,
) -> None:
    legs = [Leg("a", routes.context, {}), Leg("b", routes.context, {})]
    joined = merge(legs, [Table(["tag"], [["X"]]), Table(["tag"], [["Y"], ["Z"]])])
    assert joined.columns == ["connection", "tag"]
    assert [list(r) for r in joined.rows] == [["a", "X"], ["b", "Y"], ["b", "Z"]]
    with pytest.raises(CommandFailed, match="b: gateway gone") as failed:
        merge(legs, [Table(["tag"], [["X"]]), CommandFailed("gateway gone")])
    assert [list(r) for r in failed.value.result.rows] == [["a", "X"]]
    with pytest.raises(RuntimeError, match="a bug"):  # not the user's: raised as it is
        merge(legs, [Table(["tag"], [["X"]]), RuntimeError("a bug")])
