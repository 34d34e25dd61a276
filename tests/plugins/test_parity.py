"""Single commands agree with their bulk forms, and with what mxgw-py users expect."""

from __future__ import annotations

import asyncio
import json

import pytest

from mxshell.gateway import Session
from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner
from tests.conftest import eventually

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


async def test_the_seeds_mxgw_py_sequence_runs_as_mxshell_commands(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner
) -> None:
    # mxgw-py: open-session, register, add-item, advise, stream-events --max-events 1,
    # write, close. The shell opened its session on connect.
    own_shell.context.settings.output = "json"

    async def step(line: str) -> dict:
        result = await own_shell.run(line)
        assert result.ok, (line, result.errors)
        return json.loads(result.out[-1])["result"]

    opened = await step("status")
    assert opened["state"] == "connected" and opened["session_id"]
    registered = await step("register python-client")
    assert registered["server_handle"] >= 1
    added = await step("add-item Pump1.Speed.SP --as sp")
    assert added["rows"][0]["tag"] == "Pump1.Speed.SP"
    await step("advise sp")
    # The advise's first OnDataChange arrived before stream-events began: it is shown.
    streamed = await own_shell.run("stream-events --max-events 1 --timeout 5s")
    assert streamed.ok, streamed.errors
    event = json.loads(streamed.out[0])
    assert (event["event"], event["tag"]) == ("on_data_change", "Pump1.Speed.SP")
    written = await step("write sp 123")
    assert (written["tag"], written["value"], written["type"]) == (
        "Pump1.Speed.SP",
        123.0,
        "double",
    )
    session_id = opened["session_id"]
    closed = await step("disconnect")
    assert closed["state"] == "disconnected"
    assert session_id not in fresh_gateway.gateway._mx.sessions  # noqa: SLF001 - sim state


async def test_attach_uses_another_clients_session_and_leaving_does_not_close_it(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner, theirs: Session
) -> None:
    own_shell.context.settings.output = "json"
    attached = await own_shell.run(f"attach {theirs.session_id}")
    assert attached.ok, attached.errors
    status = json.loads(attached.out[-1])["result"]
    assert (status["session_id"], status["attached"]) == (theirs.session_id, True)
    # The other client's advise reaches this shell's stream: it is one session.
    handle = await theirs.register("other")
    item = await theirs.add_item(handle, "Tank1.Capacity")
    await theirs.advise(handle, item)
    streamed = await own_shell.run("stream-events --max-events 1 --timeout 5s")
    assert streamed.ok, (streamed.errors, streamed.out, own_shell.session.status())
    assert json.loads(streamed.out[0])["event"] == "on_data_change", streamed.out
    left = await own_shell.run("disconnect")
    assert left.ok
    assert theirs.session_id in fresh_gateway.gateway._mx.sessions  # noqa: SLF001
    assert await theirs.register("still-open") > 0
    missing = await own_shell.run("attach 0123456789abcdef")
    assert not missing.ok
    again = await own_shell.run(
        f"connect {fresh_gateway.endpoint} --plaintext --api-key {fresh_gateway.api_key} "
        f"--session-id {theirs.session_id}"
    )
    assert again.ok, again.errors
    assert json.loads(again.out[-1])["result"]["attached"] is True
    closed = await own_shell.run("disconnect --close")
    assert closed.ok, closed.errors
    assert json.loads(closed.out[-1])["result"]["state"] == "disconnected", closed.out
    assert theirs.session_id not in fresh_gateway.gateway._mx.sessions  # noqa: SLF001


async def test_an_attached_sessions_events_from_the_other_client_wait_in_the_backlog(
    own_shell: ShellRunner, theirs: Session
) -> None:
    # The other client's item is not this shell's: its event is news, not an item this
    # shell gave back. Arriving before stream-events starts, it waits in the backlog.
    own_shell.context.settings.output = "json"
    assert (await own_shell.run(f"attach {theirs.session_id}")).ok
    handle = await theirs.register("other")
    item = await theirs.add_item(handle, "Tank1.Capacity")
    await theirs.advise(handle, item)
    session = own_shell.session
    await eventually(lambda: session.counters.data_changes >= 1, "the advise's first value")
    streamed = await own_shell.run("stream-events --max-events 1 --timeout 1s")
    assert streamed.ok, streamed.errors
    row = json.loads(streamed.out[0])
    assert (row["event"], row["item_handle"]) == ("on_data_change", item)


async def test_stream_events_shows_the_backlog_says_when_it_overflowed_and_new_only_skips_it(
    own_shell: ShellRunner,
) -> None:
    own_shell.context.settings.output = "json"
    await own_shell.run("set event_backlog 2")
    await own_shell.run("add-item Tank1.Capacity --as cap; add-item Tank1.Mode --as mode")
    await own_shell.run("add-item Pump1.Speed.SP --as sp; advise cap; advise mode; advise sp")
    await asyncio.sleep(0.3)  # their first values arrive before any stream-events
    shown = await own_shell.run("stream-events --max-events 2 --timeout 2s")
    assert shown.ok, shown.errors
    assert any("earlier event(s) were not kept" in line for line in own_shell.err)
    tags = [json.loads(line)["tag"] for line in shown.out[:2]]
    assert len(tags) == 2 and set(tags) <= {"Tank1.Capacity", "Tank1.Mode", "Pump1.Speed.SP"}
    await own_shell.run("write sp 777")
    await asyncio.sleep(0.3)
    skipped = await own_shell.run("stream-events --new-only --timeout 300ms")
    assert json.loads(skipped.out[-1])["result"]["events"] == 0


async def test_an_attached_session_knows_the_gateways_capabilities_for_bulk_commands(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner, theirs: Session
) -> None:
    assert (await own_shell.run(f"attach {theirs.session_id}")).ok
    read = await own_shell.run("read-bulk Tank1.Capacity")
    assert read.ok, read.errors
    sessions = set(fresh_gateway.gateway._mx.sessions)  # noqa: SLF001 - the sim's state
    assert sessions == {theirs.session_id}  # no probe session left behind
