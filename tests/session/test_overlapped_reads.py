"""BulkRun.overlapped: a large read as several calls at the gateway at once, answered in
entry order, and what a failure part way leaves behind.

The calls here are plain coroutines run through a real PersistentSession on the
simulated gateway, so their timing and failures can be set one by one; the reads that
go over the wire are tested in tests/plugins/test_bulk_commands.py and
tests/reliability/test_gateway_faults.py.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Sequence
from contextlib import aclosing
from typing import Any

import pytest

from mxshell.gateway import ChannelOptions, Session
from mxshell.gateway.errors import GatewayError
from mxshell.session import PersistentSession
from mxshell.session.bulk import BulkRun, EntryResult
from mxshell.sim import EmbeddedGateway


@pytest.fixture
async def session(gateway: EmbeddedGateway) -> AsyncIterator[PersistentSession]:
    options = ChannelOptions(gateway.endpoint, api_key=gateway.api_key, plaintext=True)
    opened = PersistentSession(options, notify=lambda text: None)
    await opened.open()
    yield opened
    await opened.close()


class Gateway:
    """Calls that answer each entry with its own name upper-cased after a delay, counting
    how many are out at once; `fail` names the calls (1-based, in sending order) that
    raise instead, and `hold` those that wait until released."""

    def __init__(self, fail: Sequence[int] = (), hold: Sequence[int] = ()) -> None:
        self.fail, self.hold = set(fail), set(hold)
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
            await asyncio.sleep(random.uniform(0, 0.01))  # calls finish out of order
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
    gateway = Gateway()
    answers = await collect(run, entries, gateway)
    assert answers == [entry.upper() for entry in entries]
    assert [len(chunk) for chunk in gateway.sent] == [3, 3, 3, 2]
    assert gateway.most_out == 2  # never more than in_flight at the gateway
    assert run.calls == 4 and answered == [3, 6, 9, 11]


async def test_the_gateways_own_cap_and_a_progress_chunk_make_the_calls_smaller(
    session: PersistentSession,
) -> None:
    gateway = Gateway()
    run = BulkRun(session, chunk=2)
    await collect(run, [f"tag{n}" for n in range(5)], gateway)
    assert [len(chunk) for chunk in gateway.sent] == [2, 2, 1]


async def test_a_failure_on_the_first_call_is_raised_and_the_calls_out_are_cancelled(
    session: PersistentSession,
) -> None:
    gateway = Gateway(fail=[1], hold=[2])
    run = BulkRun(session)
    with pytest.raises(GatewayError, match="call 1 failed"):
        await collect(run, [f"tag{n}" for n in range(9)], gateway)
    assert gateway.cancelled == 1 and gateway.out == 0
    assert len(gateway.sent) == 2  # the third call was never made


async def test_a_later_failure_keeps_the_answers_out_and_sends_nothing_more(
    session: PersistentSession,
) -> None:
    # Calls of 3, two out at once: call 2 fails while call 3 is out; call 3's answers are
    # kept, call 2's entries' outcome is unknown, and the last three are never sent.
    gateway = Gateway(fail=[2])
    run = BulkRun(session)
    answers = await collect(run, [f"tag{n}" for n in range(12)], gateway)
    assert len(gateway.sent) == 3
    assert answers[:3] == ["TAG0", "TAG1", "TAG2"] and answers[6:9] == ["TAG6", "TAG7", "TAG8"]
    assert [a.message for a in answers[3:6]] == ["outcome unknown: call 2 failed"] * 3
    assert [a.message for a in answers[9:]] == ["not sent: call 2 failed"] * 3
    assert run.answered == 12 and run.calls == 2
    # The run sends nothing more in any later operation either.
    run.begin()
    later = await collect(run, ["tag12"], gateway)
    assert [a.message for a in later] == ["not sent: call 2 failed"] and len(gateway.sent) == 3


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
