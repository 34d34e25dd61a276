"""The event backlog: which events a later stream-events shows, and how many it says
were pushed out; `known` is asked only when the item table is about to change."""

from __future__ import annotations

import json
from types import SimpleNamespace

from mxshell_plugins.mxaccess.backlog import EventBacklog

from mxshell.contract import mx
from mxshell.session.item_table import ItemTable
from mxshell.testing import ShellRunner
from tests.conftest import eventually


def completion(sequence: int, server_handle: int, item_handle: int) -> mx.MxEvent:
    done = mx.OnWriteComplete(server_handle=server_handle, item_handle=item_handle)
    return mx.MxEvent(worker_sequence=sequence, on_write_complete=done)


def backlog_on(table: ItemTable, size: int) -> tuple[EventBacklog, list[mx.MxEvent]]:
    """A backlog whose `known` looks in `table`, and the events it was asked about."""
    asked: list[mx.MxEvent] = []

    def known(event: mx.MxEvent) -> bool:
        asked.append(event)
        body = event.on_write_complete
        return table.by_gateway(body.server_handle, body.item_handle) is not None

    settings = SimpleNamespace(event_backlog=size)
    return EventBacklog(settings, known, table.before_next_change), asked


def visible(backlog: EventBacklog, table: ItemTable) -> list[int]:
    """The worker_sequence of the events stream-events would show (events.py's rule)."""

    def held(event: mx.MxEvent) -> bool:
        body = event.on_write_complete
        return table.by_gateway(body.server_handle, body.item_handle) is not None

    return [e.worker_sequence for e, known in backlog.take()[0] if not known or held(e)]


def test_an_event_is_hidden_only_if_its_item_was_held_on_arrival_and_is_gone_now() -> None:
    table = ItemTable()
    registration = table.add_registration("shell", 1)
    given_back = table.add(registration, "Tank1.Level", 10)
    table.add(registration, "Tank1.Mode", 11)
    backlog, asked = backlog_on(table, 10)
    backlog([completion(1, 1, 10), completion(2, 1, 11), completion(3, 1, 12)])
    assert asked == []  # nothing asked while the table stays as it is
    table.drop(given_back)  # settles first: event 1's item was held when it arrived
    assert len(asked) == 3
    # Item 12 was not the shell's when event 3 arrived; that it is added, then given back
    # later (a gateway may hand the same handles out again) does not hide the event.
    backlog([completion(4, 1, 12)])
    reused = table.add(registration, "Tank1.Temperature", 12)
    table.drop(reused)
    assert visible(backlog, table) == [2, 3, 4]


def test_events_pushed_out_unseen_are_counted_and_never_asked_about() -> None:
    table = ItemTable()
    table.add(table.add_registration("shell", 1), "Tank1.Level", 10)
    backlog, asked = backlog_on(table, 5)
    backlog([completion(1, 1, 10), completion(2, 1, 10), completion(3, 1, 10)])
    table.add_registration("other", 2)  # no item changes: nothing settles
    backlog([completion(s, 1, 10) for s in range(4, 8)])
    backlog([completion(s, 1, 10) for s in range(8, 10)])
    kept, overflowed = backlog.take()
    assert [e.worker_sequence for e, _ in kept] == [5, 6, 7, 8, 9]
    assert overflowed == 4
    assert sorted(e.worker_sequence for e in asked) == [5, 6, 7, 8, 9]


def test_settled_events_go_before_newer_ones_when_the_backlog_is_full() -> None:
    table = ItemTable()
    registration = table.add_registration("shell", 1)
    backlog, _ = backlog_on(table, 4)
    backlog([completion(1, 1, 10), completion(2, 1, 10), completion(3, 1, 10)])
    table.add(registration, "Tank1.Level", 10)  # settles events 1 to 3
    backlog([completion(4, 1, 10), completion(5, 1, 10)])
    kept, overflowed = backlog.take()
    assert ([e.worker_sequence for e, _ in kept], overflowed) == ([2, 3, 4, 5], 1)


def test_resizing_keeps_the_newest_and_give_back_puts_events_first() -> None:
    table = ItemTable()
    backlog, _ = backlog_on(table, 6)
    backlog([completion(s, 1, 10) for s in range(1, 6)])
    backlog.settings.event_backlog = 2  # `set event_backlog 2`
    backlog([completion(6, 1, 10)])
    kept, overflowed = backlog.take()
    assert ([e.worker_sequence for e, _ in kept], overflowed) == ([5, 6], 1)
    backlog([completion(7, 1, 10)])  # paused: a stream-events shows it itself
    backlog.give_back([completion(7, 1, 10)])
    backlog([completion(8, 1, 10)])
    assert [e.worker_sequence for e, _ in backlog.take()[0]] == [7, 8]


async def test_stream_events_leaves_out_the_event_of_an_item_removed_after_it_arrived(
    own_shell: ShellRunner,
) -> None:
    own_shell.context.settings.output = "json"
    ran = await own_shell.run("add-item Tank1.Mode --as mode; add-item Tank1.Capacity --as cap")
    assert ran.ok, ran.errors
    assert (await own_shell.run("advise mode; advise cap")).ok
    session = own_shell.session
    await eventually(lambda: session.counters.data_changes >= 2, "both first values")
    assert (await own_shell.run("remove-item cap")).ok  # its value says nothing now
    streamed = await own_shell.run("stream-events --timeout 500ms")
    assert streamed.ok, streamed.errors
    tags = [json.loads(line).get("tag") for line in streamed.out[:-1]]
    assert tags and set(tags) == {"Tank1.Mode"}
