"""Single commands agree with their bulk forms, and with what mxgw-py users expect."""

from __future__ import annotations

import json

import pytest

from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner

from .conftest import held_by_gateway


@pytest.mark.parametrize("command", ["write", "write-bulk"])
async def test_write_and_write_bulk_convert_to_the_type_the_galaxy_declares(
    own_shell: ShellRunner, command: str
) -> None:
    def line(tag: str, value: str) -> str:
        return f"write {tag} {value}" if command == "write" else f"write-bulk {tag}={value}"

    # A Boolean attribute takes 1/0; a Time attribute takes an RFC 3339 time.
    for tag, text, shown in [
        ("Pump1.Cmd", "0", False),
        ("Pump1.Cmd", "1", True),
        ("Tank1.LastCleaned", "2026-01-31T12:00:00Z", "2026-01-31T12:00:00.000000Z"),
    ]:
        result = await own_shell.run(line(tag, text))
        assert result.ok, result.errors
        own_shell.context.settings.output = "json"
        read = await own_shell.run(f"read {tag}")
        own_shell.context.settings.output = "table"
        assert json.loads(read.out[-1])["result"]["rows"][0]["value"] == shown


@pytest.mark.parametrize("command", ["write Pump1.Speed.SP 92,5", "write-bulk Pump1.Speed.SP=92,5"])
async def test_a_value_that_cannot_fit_is_refused_locally_naming_type_and_example(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner, command: str
) -> None:
    result = await own_shell.run(command)
    assert not result.ok
    assert "is declared a double, e.g. 92.5; nothing was sent" in result.errors
    assert held_by_gateway(fresh_gateway, own_shell.session.session_id) == []


async def test_write_gives_back_the_item_it_added_so_items_shows_nothing_stale(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner
) -> None:
    result = await own_shell.run("write Pump1.Speed.SP 1234")
    assert result.ok, result.errors
    assert own_shell.session.items.find("Pump1.Speed.SP") is None
    assert held_by_gateway(fresh_gateway, own_shell.session.session_id) == []
    # An item the user added stays: the write borrowed nothing.
    await own_shell.run("add-item Pump1.Speed.SP --as sp; write sp 1235")
    assert own_shell.session.items.find("sp") is not None


async def test_read_takes_globs_as_read_bulk_does(mx_shell: ShellRunner) -> None:
    mx_shell.context.settings.output = "json"
    glob = await mx_shell.run("read 'Tank*.Capacity'")
    bulk = await mx_shell.run("read-bulk 'Tank*.Capacity'")
    read_tags = [row["tag"] for row in json.loads(glob.out[-1])["result"]["rows"]]
    bulk_tags = [row["tag"] for row in json.loads(bulk.out[-1])["result"]["entries"]]
    assert read_tags == bulk_tags and len(read_tags) >= 2
