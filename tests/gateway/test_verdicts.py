"""A bulk call's failed entries, counted from the reply's bytes (mxshell.gateway.verdicts)."""

from __future__ import annotations

import pytest

from mxshell.contract import mx
from mxshell.gateway import BulkAnswers, Session
from mxshell.gateway.verdicts import counted_reply, failed_among
from mxshell.session.batches import EntryResult, count_failed

from .conftest import MAX_BULK_ENTRIES

UNKNOWN = "NoSuchObject.Level"


def _read_reply(verdicts: list[bool]) -> mx.InvokeResponse:
    reply = mx.InvokeResponse(correlation_id="c-1", hresult=0)
    reply.protocol_status.code = mx.PROTOCOL_STATUS_CODE_OK
    for index, verdict in enumerate(verdicts):
        entry = reply.bulk_read_results.results.add(
            tag_reference=f"Tank{index}.Level", was_successful=verdict, quality=192
        )
        entry.value.double_value = index * 1.5
        entry.timestamp.seconds = 1_764_800_000 + index
        if not verdict:
            entry.hresult = -2147467259
            entry.statuses.add(success=0, category=7, detail=1003)
            entry.error_message = "no such tag"
    return reply


@pytest.mark.parametrize(
    "verdicts",
    [[], [True] * 5, [False] * 5, [False, True, True, False, True], [True] * 99 + [False]],
)
def test_a_read_replys_successes_are_counted_and_the_reply_parsed_whole(
    verdicts: list[bool],
) -> None:
    reply = _read_reply(verdicts)
    counted = counted_reply(reply.SerializeToString())
    assert counted.succeeded == sum(verdicts)
    assert counted.reply == reply


def test_write_and_subscribe_replies_are_counted_by_their_own_field_numbers() -> None:
    # was_successful is field 2 of a BulkWriteResult, 3 of a SubscribeResult (2 there is
    # the item handle, which must not be taken for a verdict).
    writes = mx.InvokeResponse()
    for handle, verdict in [(7, True), (8, False), (9, True)]:
        writes.bulk_write_results.results.add(item_handle=handle, was_successful=verdict)
    assert counted_reply(writes.SerializeToString()).succeeded == 2
    subscribed = mx.InvokeResponse()
    for handle, verdict in [(1, False), (2, True), (3, False), (4, False)]:
        subscribed.subscribe_results.results.add(item_handle=handle, was_successful=verdict)
    assert counted_reply(subscribed.SerializeToString()).succeeded == 1
    assert counted_reply(mx.InvokeResponse(handle=5).SerializeToString()).succeeded == 0


def test_a_false_written_out_and_fields_this_shell_does_not_know_count_right() -> None:
    # proto3 leaves a false bool out, but a writer may send it (field 2 = 0), and a newer
    # gateway may add fields: neither is counted as a success.
    entry = mx.BulkReadResult(tag_reference="Tank1.Level").SerializeToString()
    unknown_field = b"\xa0\x06\x01"  # field 100, varint 1
    failed_written_out = entry + b"\x10\x00" + unknown_field
    succeeded = mx.BulkReadResult(tag_reference="Tank2.Level", was_successful=True)
    results = b"".join(
        b"\x0a" + bytes([len(body)]) + body
        for body in (failed_written_out, succeeded.SerializeToString())
    )
    data = b"\x72" + bytes([len(results)]) + results  # field 14, the bulk read results
    counted = counted_reply(data)
    assert counted.succeeded == 1
    assert [r.was_successful for r in counted.reply.bulk_read_results.results] == [False, True]


def test_bulk_answers_read_as_their_results() -> None:
    answers = BulkAnswers(["a", "b", "c"], failed=1)
    assert len(answers) == 3 and list(answers) == ["a", "b", "c"] and answers[1:] == ["b", "c"]
    assert answers == ["a", "b", "c"] and answers != ["a", "b"] and answers.failed == 1
    assert repr(answers) == "BulkAnswers(3 results, 1 failed)"


async def test_a_sessions_bulk_calls_count_their_failures_across_chunks(
    session: Session, server_handle: int
) -> None:
    tags = [f"Tank{n}.{attr}" for n in (1, 2, 3) for attr in ("Level", "Volume", "Mode")]
    tags[1] = tags[-1] = UNKNOWN  # a failure in the first chunk and in the last
    assert len(tags) > MAX_BULK_ENTRIES
    added = await session.add_item_bulk(server_handle, tags)
    assert added.failed == 2 == sum(not r.was_successful for r in added)
    read = await session.read_bulk(server_handle, tags, timeout_ms=2000)
    assert read.failed == 2 == sum(not r.was_successful for r in read)
    handles = [r.item_handle for r in added if r.was_successful]
    written = await session.write_bulk(
        server_handle, [(handle, 1.0) for handle in handles] + [(99999, 1.0)], type_name="Double"
    )
    assert [r.was_successful for r in written].count(False) == written.failed
    assert written.failed >= 1
    removed = await session.remove_item_bulk(server_handle, handles)
    assert removed.failed == 0 and len(removed) == len(handles)


def test_a_verdict_written_twice_is_counted_from_the_parsed_entries() -> None:
    # Against the rules, but a count above the entries must not make `failed` negative.
    twice = mx.BulkReadResult(tag_reference="Tank1.Level", was_successful=True)
    body = twice.SerializeToString() + b"\x10\x01"
    counted = counted_reply(b"\x72" + bytes([len(body) + 2]) + b"\x0a" + bytes([len(body)]) + body)
    assert counted.succeeded == 2  # the view saw two trues for one entry
    answered = counted.reply.bulk_read_results.results
    assert len(answered) == 1 and failed_among(answered, counted.succeeded) == 0
    assert failed_among([mx.BulkReadResult(), twice], 1) == 1 and failed_among([], 0) == 0


def test_bulk_answers_are_not_equal_to_text_or_tuples() -> None:
    assert BulkAnswers([], 0) != "" and BulkAnswers(["a"], 0) != ("a",)
    assert BulkAnswers(["a"], 0) == BulkAnswers(["a"], 1)  # as their results compare


def test_count_failed_reads_refusals_entry_results_and_answers() -> None:
    refused = EntryResult.refused("Tank1.Level", "not sent: the gateway went away")
    good = mx.BulkWriteResult(item_handle=1, was_successful=True)
    bad = mx.BulkWriteResult(item_handle=2)
    assert count_failed([refused, "not sent: no item", good, bad]) == 3
    assert count_failed(BulkAnswers([good, bad], failed=1)) == 1
