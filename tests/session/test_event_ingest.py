"""What the persistent session makes of each batch of events the stream brings: the
worker_sequence gaps, the counters, the items' values and a waiting write's completion.
The batches are made here, so that a gap falls exactly inside one or between two."""

from __future__ import annotations

from mxshell.contract import mx
from mxshell.gateway import ChannelOptions
from mxshell.session import PersistentSession


def completes(*sequences: int, item_handle: int = 7) -> list[mx.MxEvent]:
    done = mx.OnWriteComplete(server_handle=1, item_handle=item_handle)
    return [mx.MxEvent(worker_sequence=s, on_write_complete=done) for s in sequences]


def unopened() -> tuple[PersistentSession, list[str]]:
    notes: list[str] = []
    options = ChannelOptions("127.0.0.1:1", plaintext=True)  # never connected
    return PersistentSession(options, notify=notes.append), notes


def test_a_gap_inside_a_batch_is_counted_and_said() -> None:
    session, notes = unopened()
    session._ingest(completes(1, 2))
    session._ingest(completes(3, 5, 6))  # goes on from 2 and ends at 6, but 4 is missing
    counters = session.counters
    assert (counters.gaps, counters.missed, counters.last_worker_sequence) == (1, 1, 6)
    assert [n for n in notes if "gap" in n] == [
        "worker_sequence gap: events 4..4 were dropped by the gateway (this client fell behind)"
    ]


def test_a_gap_between_batches_is_counted_and_said() -> None:
    session, notes = unopened()
    session._ingest(completes(1, 2, 3))
    session._ingest(completes(6, 7))
    counters = session.counters
    assert (counters.gaps, counters.missed, counters.last_worker_sequence) == (1, 2, 7)
    assert any("events 4..5 were dropped" in note for note in notes)


def test_batches_that_go_on_one_from_another_are_counted_without_a_gap() -> None:
    session, notes = unopened()
    for start in (1, 501, 1001):
        session._ingest(completes(*range(start, start + 500)))
    counters = session.counters
    assert (counters.gaps, counters.missed, counters.last_worker_sequence) == (0, 0, 1500)
    assert (counters.received, counters.write_completes) == (1500, 1500)
    assert notes == []


async def test_data_changes_update_items_and_a_waiting_write_gets_its_completion() -> None:
    session, _ = unopened()
    registration = session.items.add_registration("shell", 1)
    item = session.items.add(registration, "Tank1.Level", 10)
    waiting = session.completions.expect(1, 7)
    session._ingest([*completes(1, 2, item_handle=5), *completes(3)])  # a bulk write's, and one
    assert waiting.done() and waiting.result().ok
    change = mx.OnDataChange(server_handle=1, item_handle=10, quality=192)
    session._ingest([*completes(4), mx.MxEvent(worker_sequence=5, on_data_change=change)])
    assert (item.change_count, item.quality) == (1, 192)
    counters = session.counters
    assert (counters.data_changes, counters.write_completes, counters.gaps) == (1, 4, 0)
