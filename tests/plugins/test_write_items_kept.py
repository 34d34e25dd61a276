"""A write to a tag the shell does not hold keeps the item it added for the next write of
the tag (mxshell.session.parking): out of `items`, used again only after its last write's
OnWriteComplete came, given back when the shell is idle, and forgotten with the gateway
session it belonged to."""

from __future__ import annotations

import asyncio
import json

import pytest

from mxshell.api.items import using_item
from mxshell.gateway import Session, UnavailableError
from mxshell.session import operations
from mxshell.session.item_table import ItemTable
from mxshell.session.parking import ParkedItems
from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner
from tests.conftest import eventually
from tests.plugins.conftest import held_by_gateway

SP = "Pump1.Speed.SP"
# A write, and time for its OnWriteComplete to come before the next line.
WRITES = "\n".join(f"write {SP} {value} --type double\nsleep 0.1" for value in (1, 2, 3))


async def run_file(shell: ShellRunner, text: str) -> None:
    """Lines as a command file runs them: the shell is not idle between them."""
    run = await shell.runtime.scripts.run_text(text, None)
    assert (run.ran, run.failed) == (text.count("\n") + 1, 0), shell.errors


async def test_a_file_writing_one_tag_again_and_again_adds_its_item_once(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner
) -> None:
    session = own_shell.session
    await run_file(own_shell, WRITES)
    # Three writes, one item on the gateway (one AddItem), none in the user's table.
    assert held_by_gateway(fresh_gateway, session.session_id) == [(SP, False)]
    assert len(session.items) == 0
    assert (await own_shell.run(f"read {SP}")).result.records()[0]["value"] == 3.0
    # That line left the shell idle: the kept item went back.
    assert held_by_gateway(fresh_gateway, session.session_id) == []
    assert len(session.parked) == 0


async def test_a_line_at_the_prompt_gives_back_what_its_writes_kept(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner
) -> None:
    written = await own_shell.run(f"write {SP} 5 --type double; write Tank1.Level.Hi 90")
    assert written.ok, written.errors
    assert held_by_gateway(fresh_gateway, own_shell.session.session_id) == []


async def test_an_item_whose_write_has_not_completed_is_not_lent_again() -> None:
    table = ItemTable()
    registration = table.add_registration("mxshell", 1)
    item = table.add(registration, SP, 7)
    parked = ParkedItems(table)
    written: asyncio.Future[object] = asyncio.get_running_loop().create_future()
    parked.lent(item, written, "s1")
    assert parked.returned(item) == (written, "s1")
    table.drop(item)
    parked.keep(item, "s1", written)
    assert parked.take(registration, SP.lower(), "s1") is None  # its completion is due
    written.set_result(None)
    kept = parked.take(registration, SP.lower(), "s1")
    assert kept is not None and kept.gateway_handle == 7
    assert parked.take(registration, SP, "s1") is None  # taken: lent to one write at a time


async def test_a_write_waiting_for_its_completion_gets_its_own(own_shell: ShellRunner) -> None:
    # A kept item goes to a later write only after the earlier write's OnWriteComplete:
    # a write that waits for its own can never be handed the one before.
    await run_file(own_shell, f"write {SP} 1 --type double")
    session = own_shell.session
    await eventually(lambda: session.counters.write_completes == 1, "the first write's")
    item, added = await session.resolve(SP, lend=True)
    assert added and len(session.parked) == 0  # the kept one, lent again
    done = await session.write(item, 2.0, type_name="double", complete=True, timeout=5)
    assert done is not None and done.ok
    await session.park(item)
    assert len(session.parked) == 1


async def test_kept_items_go_with_their_gateway_session(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner
) -> None:
    session = own_shell.session
    await run_file(own_shell, WRITES)
    old = session.session_id
    await session.reconnect()
    assert session.session_id != old
    await own_shell.runtime.release_parked()  # nothing to give back: no call, no complaint
    assert len(session.parked) == 0
    assert not [line for line in own_shell.err if "give back" in line]
    await run_file(own_shell, WRITES)  # a new item in the new session, kept again
    assert held_by_gateway(fresh_gateway, session.session_id) == [(SP, False)]


async def test_a_reconnect_forgets_the_handles_of_the_items_kept_in_the_old_session(
    own_shell: ShellRunner,
) -> None:
    # stream-events asks keeps() whether an event is the shell's own: right after a
    # reconnect, the old session's kept items are no longer, though the new session may
    # give the same handle numbers to other items (the simulated gateway counts from 1).
    session = own_shell.session
    await run_file(own_shell, f"write {SP} 1 --type double")
    server = session.registration.gateway_handle if session.registration else 0
    held = [(server, handle) for handle in range(1, 10) if session.keeps(server, handle)]
    assert len(held) == 1 and len(session.parked) == 1
    await session.reconnect()
    assert not session.keeps(*held[0])
    assert len(session.parked) == 0
    added = await session.add_item(SP)  # the new session's item, with the old numbers
    assert (added.registration.gateway_handle, added.gateway_handle) == held[0]


async def test_a_kept_items_handles_are_those_of_the_session_it_was_kept_in() -> None:
    # A reconnect rebinds the registration to the new session's server handle: the kept
    # item's events named the old one, and forgetting it forgets that pair.
    table = ItemTable()
    registration = table.add_registration("mxshell", 1)
    item = table.add(registration, SP, 7)
    parked = ParkedItems(table)
    written: asyncio.Future[object] = asyncio.get_running_loop().create_future()
    parked.keep(item, "s1", written)
    table.rebind(registration, 2)
    assert parked.holds(1, 7) and not parked.holds(2, 7)
    parked.forget_other_sessions("s2")
    assert not parked.holds(1, 7)


async def test_unregister_forgets_the_items_it_released(own_shell: ShellRunner) -> None:
    await run_file(own_shell, f"write {SP} 1 --type double\nunregister")
    assert len(own_shell.session.parked) == 0
    assert (await own_shell.run(f"write {SP} 2 --type double")).ok
    assert not [line for line in own_shell.err if "give back" in line]


async def test_more_than_the_limit_go_back_at_once(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(operations, "LIMIT", 2)
    session = own_shell.session
    await run_file(own_shell, f"write {SP} 1 --type double\nwrite Tank1.Level.Hi 90")
    assert len(held_by_gateway(fresh_gateway, session.session_id)) == 2
    await run_file(own_shell, "write Tank1.Level.Lo 10")
    assert held_by_gateway(fresh_gateway, session.session_id) == []


async def test_leaving_an_attached_session_gives_back_what_writes_kept(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner, theirs: Session
) -> None:
    # The gateway drops a session's items when the session closes, but an attached
    # session stays open for the client that opened it: the shell gives its own back.
    assert (await own_shell.run(f"attach {theirs.session_id}")).ok
    await run_file(own_shell, WRITES)
    assert held_by_gateway(fresh_gateway, theirs.session_id) == [(SP, False)]
    await own_shell.session.close()
    assert theirs.session_id in fresh_gateway.gateway._mx.sessions  # noqa: SLF001 - sim state
    assert held_by_gateway(fresh_gateway, theirs.session_id) == []


async def test_the_completions_of_kept_items_are_not_news_in_stream_events(
    own_shell: ShellRunner,
) -> None:
    # They are the shell's own writes' (as a given-back item's are), not another client's.
    session = own_shell.session
    await run_file(own_shell, WRITES)
    await eventually(lambda: session.counters.write_completes == 3, "three OnWriteComplete")
    own_shell.context.settings.output = "json"
    streamed = await own_shell.run("stream-events --timeout 100ms")
    assert streamed.ok, streamed.errors
    assert [json.loads(line)["result"]["events"] for line in streamed.out] == [0]


async def test_a_refused_write_gives_its_item_back_and_leaves_nothing_watched(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner
) -> None:
    # MXAccess refuses the value at once: no OnWriteComplete will come, so nothing may
    # stay watching for one (the event stream would be read event by event for ever).
    session = own_shell.session
    refused = await own_shell.run("write Tank1.Capacity lots --type string")
    assert "MXAccess refused Write" in refused.errors
    assert held_by_gateway(fresh_gateway, session.session_id) == []
    await asyncio.sleep(0)  # a cancelled watch leaves the waiters on the next turn
    assert not session.completions


async def test_a_cut_keeps_them_for_the_attached_session_and_gives_them_back_there(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner, theirs: Session
) -> None:
    # An attached session outlives a cut: a line that ends while the shell reconnects
    # must not forget the items kept in it, or they would stay there for good.
    assert (await own_shell.run(f"attach {theirs.session_id}")).ok
    session = own_shell.session  # attach made a new one
    await run_file(own_shell, f"write {SP} 1 --type double")
    session._connection_lost("test: the stream is cut")  # noqa: SLF001 - a real reconnect
    await own_shell.run("echo while reconnecting")
    assert len(session.parked) == 1
    await eventually(lambda: session.connected, "attached again")
    assert session.session_id == theirs.session_id
    await own_shell.run("echo idle")
    assert held_by_gateway(fresh_gateway, theirs.session_id) == []
    assert len(session.parked) == 0


async def test_an_item_whose_completion_watch_ended_with_the_connection_is_not_lent() -> None:
    # After a reattach to the same session its earlier OnWriteComplete may still come:
    # a later write waiting for its own could be handed that one.
    table = ItemTable()
    registration = table.add_registration("mxshell", 1)
    parked = ParkedItems(table)
    written: asyncio.Future[object] = asyncio.get_running_loop().create_future()
    item = table.add(registration, SP, 7)
    table.drop(item)  # kept: out of the item table
    parked.keep(item, "s1", written)
    written.set_exception(ConnectionError("the session was lost"))
    assert parked.take(registration, SP, "s1") is None
    assert [len(kept) for _, kept in parked.take_all("s1")] == [1]  # still given back


async def test_an_item_the_user_now_holds_is_forgotten_not_given_back() -> None:
    # A gateway that hands out one handle per tag gives the user's add-item the handle a
    # write kept: giving it back would remove the user's item.
    table = ItemTable()
    registration = table.add_registration("mxshell", 1)
    parked = ParkedItems(table)
    written: asyncio.Future[object] = asyncio.get_running_loop().create_future()
    written.set_result(None)
    item = table.add(registration, SP, 7)
    table.drop(item)
    parked.keep(item, "s1", written)
    table.add(registration, SP, 7)  # the user's, by a bulk add (which does not disown)
    assert parked.take_all("s1") == []
    assert len(parked) == 0


async def test_a_release_stopped_midway_keeps_what_it_had_not_sent(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = own_shell.session
    await run_file(
        own_shell, f"write {SP} 1 --type double\nregister second\nwrite Tank1.Level.Hi 90"
    )
    assert len(session.parked) == 2
    await eventually(lambda: session.counters.write_completes == 2, "both completions")
    out = asyncio.Event()

    async def held(server_handle: int, handles: list[int]) -> None:
        out.set()  # the first RemoveItemBulk is out when Ctrl-C comes
        await asyncio.sleep(30)

    monkeypatch.setattr(session, "_remove_items", held)
    release = asyncio.create_task(session.release_parked())
    await out.wait()
    release.cancel()
    with pytest.raises(asyncio.CancelledError):
        await release
    # The call that was out may have gone through: its item is not used again. The other
    # was never sent: still kept, and given back next time.
    assert len(session.parked) == 1
    monkeypatch.undo()
    await own_shell.run("echo idle")
    assert len(session.parked) == 0
    assert [tag for tag, _ in held_by_gateway(fresh_gateway, session.session_id)] == [SP]


async def test_a_cut_during_a_release_keeps_what_it_had_not_sent(
    fresh_gateway: EmbeddedGateway,
    own_shell: ShellRunner,
    theirs: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The first RemoveItemBulk finds the gateway gone: the shell reconnects, and the
    # second registration's items, never sent, stay kept for the attached session.
    assert (await own_shell.run(f"attach {theirs.session_id}")).ok
    session = own_shell.session
    await run_file(own_shell, f"write {SP} 1 --type double\nregister two\nwrite Tank1.Level.Hi 90")
    await eventually(lambda: session.counters.write_completes == 2, "both completions")

    async def cut(server_handle: int, handles: list[int]) -> None:
        session._connection_lost("test: cut while giving back")  # noqa: SLF001
        raise UnavailableError("the gateway went away")

    monkeypatch.setattr(session, "_remove_items", cut)
    await session.release_parked()
    assert len(session.parked) == 1
    assert "could not give back 1 items" in "\n".join(own_shell.err)
    monkeypatch.undo()
    await eventually(lambda: session.connected, "attached again")
    await own_shell.run("echo idle")
    # The first call's outcome was unknown: that item is not used again (here it was
    # never removed); the other went back once the shell was attached again.
    assert held_by_gateway(fresh_gateway, theirs.session_id) == [(SP, False)]
    assert len(session.parked) == 0


async def test_a_write_cut_off_keeps_its_item_for_the_attached_session(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner, theirs: Session
) -> None:
    # The connection goes while a write has its item: given back while the shell
    # reconnects, the item is kept for the session it was lent in, and goes back to it
    # once the shell is attached again (forgotten locally, it stayed there for good).
    assert (await own_shell.run(f"attach {theirs.session_id}")).ok
    session = own_shell.session
    ctx = own_shell.context
    async with using_item(ctx, SP, borrow=True) as item:
        await session.write(item, 1.0, type_name="double", complete=True, timeout=5)
        session._connection_lost("test: cut while the write has its item")  # noqa: SLF001
    assert not session.connected and len(session.parked) == 1
    assert session.parked._lent == {}  # noqa: SLF001 - nothing left lent
    await eventually(lambda: session.connected, "attached again")
    await own_shell.run("echo idle")
    assert held_by_gateway(fresh_gateway, theirs.session_id) == []
    assert len(session.parked) == 0
