"""The verdict of one bulk entry: read from the gateway's answer, or the shell's refusal."""

from __future__ import annotations

from mxshell.contract import mx, types
from mxshell.session.batches import EntryResult


def test_an_answered_entry_gives_the_answers_own_verdict() -> None:
    answer = mx.BulkReadResult(
        tag_reference="Tank9.Level",
        was_successful=False,
        hresult=-2147024809,
        statuses=[types.MxStatus(success=0, category=3, detail=17)],
        error_message="no such tag",
    )
    result = EntryResult("Tank9.Level", None, answer.was_successful, answer)
    assert not result.ok
    assert result.hresult == -2147024809
    assert result.statuses == answer.statuses
    assert [s.detail for s in result.statuses] == [17]
    assert result.message == "no such tag"
    assert result.answer is answer


def test_an_entry_that_went_well_keeps_its_success_statuses() -> None:
    answer = mx.BulkReadResult(
        tag_reference="Tank1.Level", was_successful=True, statuses=[types.MxStatus(success=1)]
    )
    result = EntryResult("Tank1.Level", None, True, answer)
    assert result.ok and result.hresult == 0 and result.message == ""
    assert [s.success for s in result.statuses] == [1]


def test_a_refused_entry_has_no_answer_and_says_why() -> None:
    result = EntryResult.refused("Tank1.Level", "not sent: the connection dropped")
    assert not result.ok and result.answer is None
    assert result.message == "not sent: the connection dropped"
    assert result.hresult == 0
    assert list(result.statuses) == []
