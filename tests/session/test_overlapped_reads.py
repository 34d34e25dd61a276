"""BulkRun.overlapped: a large read as several calls at the gateway at once, answered in
entry order, and what a failure part way leaves behind.

The calls here are plain coroutines run through a real PersistentSession on the
simulated gateway, so their timing and failures can be set one by one; the reads that
go over the wire are tested in tests/plugins/test_bulk_commands.py and
tests/reliability/test_gateway_faults.py.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Sequence
from contextlib import aclosing
from typing import Any

import pytest

from mxshell.gateway import ChannelOptions, Session
from mxshell.gateway.errors import GatewayError
from mxshell.session import PersistentSession
from mxshell.session.batches import BulkRun, EntryResult
from mxshell.sim import EmbeddedGateway, SimConfig


@pytest.fixture
async def session(gateway: EmbeddedGateway) -> AsyncIterator[PersistentSession]:
    options = ChannelOptions(gateway.endpoint, api_key=gateway.api_key, plaintext=True)
    opened = PersistentSession(options, notify=lambda text: None)
    await opened.open()
    yield opened
    await opened.close()


class Gateway:
    """Calls that answer each entry with its own name upper-cased, counting how many are
    out at once. Calls are named by number (1-based, in sending order): `fail` raise
    instead of answering, `hold` wait until released, and `slow` take 50 ms (the others
    answer at once), so calls can finish out of order."""

    def __init__(
        self, fail: Sequence[int] = (), hold: Sequence[int] = (), slow: Sequence[int] = ()
    ) -> None:
        self.fail, self.hold, self.slow = set(fail), set(hold), set(slow)
        self.sent: list[list[str]] = []
        self.out = self.most_out = 0
        self.cancelled = 0
        self.released = asyncio.Event()

    async def __call__(self, session: Session, chunk: Sequence[str]) -> list[str]:
        assert isinstance(session, Session)
        self.sent.append(list(chunk))
        number = len(self.sent)
        self.out += 1
        self.most_out = max(self.most_out, self.out)
        try:
            if number in self.hold:
                await self.released.wait()
            await asyncio.sleep(0.05 if number in self.slow else 0)
            if number in self.fail:
                raise GatewayError(f"call {number} failed")
            return [entry.upper() for entry in chunk]
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.out -= 1


async def collect(run: BulkRun, entries: Sequence[str], gateway: Gateway) -> list[Any]:
    answers: list[Any] = []
    async with aclosing(
        run.overlapped(entries, gateway, EntryResult.refused, most=3, in_flight=2)
    ) as chunks:
        async for chunk, answered in chunks:
            assert len(chunk) == len(answered)
            answers += answered
    return answers


async def test_a_read_goes_as_calls_of_at_most_most_entries_answered_in_entry_order(
    session: PersistentSession,
) -> None:
    entries = [f"tag{n}" for n in range(11)]
    answered: list[int] = []
    run = BulkRun(session, progress=answered.append)
    gateway = Gateway(slow=[1, 3])  # calls 2 and 4 are answered before 1 and 3
    answers = await collect(run, entries, gateway)
    assert answers == [entry.upper() for entry in entries]
    assert [len(chunk) for chunk in gateway.sent] == [3, 3, 3, 2]
    assert gateway.most_out == 2  # never more than in_flight at the gateway
    assert run.calls == 4 and answered == [3, 6, 9, 11]


async def test_a_progress_chunk_does_not_split_a_read_further(
    session: PersistentSession,
) -> None:
    # Each call of a read reports progress already; `chunk` is for calls made one at a time.
    gateway = Gateway()
    run = BulkRun(session, chunk=2)
    await collect(run, [f"tag{n}" for n in range(5)], gateway)
    assert [len(chunk) for chunk in gateway.sent] == [3, 2]


async def test_a_failure_on_the_first_call_is_raised_when_no_call_out_is_answered(
    session: PersistentSession,
) -> None:
    gateway = Gateway(fail=[1, 2])
    run = BulkRun(session)
    with pytest.raises(GatewayError, match="call 1 failed"):
        await collect(run, [f"tag{n}" for n in range(9)], gateway)
    assert len(gateway.sent) == 2 and gateway.out == 0  # the third call was never made


async def test_a_failure_on_the_first_call_keeps_the_answers_of_the_calls_out(
    session: PersistentSession,
) -> None:
    gateway = Gateway(fail=[1], slow=[1])  # call 2 is answered before call 1 fails
    run = BulkRun(session)
    answers = await collect(run, [f"tag{n}" for n in range(9)], gateway)
    assert [a.message for a in answers[:3]] == ["outcome unknown: call 1 failed"] * 3
    assert answers[3:6] == ["TAG3", "TAG4", "TAG5"]
    assert [a.message for a in answers[6:]] == ["not sent: call 1 failed"] * 3
    assert len(gateway.sent) == 2 and run.calls == 1


async def test_a_later_failure_keeps_the_answers_out_and_sends_nothing_more(
    session: PersistentSession,
) -> None:
    # Calls of 3, two out at once: call 2 fails while call 3 is out; call 3's answers are
    # kept, call 2's entries' outcome is unknown, and the last three are never sent.
    gateway = Gateway(fail=[2], slow=[2])  # call 3 goes out before call 2 fails
    progress: list[int] = []
    run = BulkRun(session, progress=progress.append)
    answers = await collect(run, [f"tag{n}" for n in range(12)], gateway)
    assert len(gateway.sent) == 3 and progress == [3, 9]  # answered calls only
    assert answers[:3] == ["TAG0", "TAG1", "TAG2"] and answers[6:9] == ["TAG6", "TAG7", "TAG8"]
    assert [a.message for a in answers[3:6]] == ["outcome unknown: call 2 failed"] * 3
    assert [a.message for a in answers[9:]] == ["not sent: call 2 failed"] * 3
    assert run.answered == 12 and run.calls == 2
    # The run sends nothing more in any later operation either.
    run.begin()
    later = await collect(run, ["tag12"], gateway)
    assert [a.message for a in later] == ["not sent: call 2 failed"] and len(gateway.sent) == 3


async def test_no_call_goes_out_after_one_failed_in_the_same_turn(
    session: PersistentSession,
) -> None:
    # Calls 1 and 2 are released together: call 1's answer and call 2's failure arrive
    # in one pass of the loop, and call 3 must not go out on the strength of call 1.
    gateway = Gateway(fail=[2], hold=[1, 2])
    reading = asyncio.create_task(collect(BulkRun(session), [f"t{n}" for n in range(9)], gateway))
    while len(gateway.sent) < 2:
        await asyncio.sleep(0.01)
    gateway.released.set()
    answers = await reading
    assert len(gateway.sent) == 2
    assert answers[:3] == ["T0", "T1", "T2"]
    assert [a.message for a in answers[3:6]] == ["outcome unknown: call 2 failed"] * 3
    assert [a.message for a in answers[6:]] == ["not sent: call 2 failed"] * 3


async def test_leaving_early_cancels_the_calls_still_out(session: PersistentSession) -> None:
    gateway = Gateway(hold=[2])
    run = BulkRun(session)
    chunks = run.overlapped(
        [f"tag{n}" for n in range(9)], gateway, EntryResult.refused, most=3, in_flight=2
    )
    async with aclosing(chunks):
        async for _chunk, answered in chunks:
            assert answered == ["TAG0", "TAG1", "TAG2"]
            break
    assert gateway.cancelled >= 1 and gateway.out == 0


async def test_cancelling_the_reader_cancels_the_calls_still_out(
    session: PersistentSession,
) -> None:
    gateway = Gateway(hold=[1, 2])
    reading = asyncio.create_task(collect(BulkRun(session), ["a", "b", "c", "d"], gateway))
    while len(gateway.sent) < 2:
        await asyncio.sleep(0.01)
    reading.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reading
    assert gateway.cancelled == 2 and gateway.out == 0


async def test_calls_that_fail_together_leave_no_unretrieved_exception(
    session: PersistentSession, caplog: pytest.LogCaptureFixture
) -> None:
    gateway = Gateway(fail=[2, 3], slow=[2])  # call 3 fails first, out of turn
    answers = await collect(BulkRun(session), [f"tag{n}" for n in range(12)], gateway)
    assert [getattr(a, "message", a) for a in answers[::3]] == [
        "TAG0",
        "outcome unknown: call 2 failed",
        "outcome unknown: call 3 failed",
        "not sent: call 2 failed",
    ]
    assert len(gateway.sent) == 3  # nothing went out once call 3 had failed
    gc.collect()
    await asyncio.sleep(0)
    assert "never retrieved" not in caplog.text


async def test_nothing_to_read_makes_no_call(session: PersistentSession) -> None:
    gateway = Gateway()
    assert await collect(BulkRun(session), [], gateway) == []
    assert gateway.sent == []


async def test_a_gateway_limit_below_most_makes_the_calls_smaller() -> None:
    with EmbeddedGateway(SimConfig(max_bulk_entries=2)) as small:
        options = ChannelOptions(small.endpoint, api_key=small.api_key, plaintext=True)
        opened = PersistentSession(options, notify=lambda text: None)
        await opened.open()
        try:
            gateway = Gateway()
            await collect(BulkRun(opened), ["a", "b", "c", "d", "e"], gateway)
            assert [len(chunk) for chunk in gateway.sent] == [2, 2, 1]
        finally:
            await opened.close()
