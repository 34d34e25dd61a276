"""Bulk calls on the persistent session: many entries per round trip, the item table kept
in step, every entry answered on its own.

A batch is sent in chunks no larger than the gateway's `max_bulk_entries` (from
OpenSession), and for writes and item calls smaller when the caller asks for progress
between chunks (a read's chunks are small already). Entries fail
one by one; if the gateway itself fails a chunk (the connection drops, a scope is
missing) after earlier chunks went through, the entries not yet sent are answered as
not sent, and nothing is retried: a write must never go twice.

Writes and item calls go one chunk at a time. Reads change nothing, so a large read
goes out as calls of at most READ_CALL_ENTRIES tags with up to READS_IN_FLIGHT of them
at the gateway at once: it answers the next call while the shell turns the last answer
into rows, instead of the shell's work waiting for all of the gateway's.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from contextlib import aclosing, nullcontext
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from mxshell.gateway import Session
from mxshell.gateway.errors import GatewayError
from mxshell.gateway.verdicts import BulkAnswers
from mxshell.session.item_table import ItemTable, Registration, TrackedItem

Progress = Callable[[int], None]  # called with how many entries were answered so far
ItemMethod = Literal["advise", "unadvise", "remove", "unsubscribe"]
WriteMethod = Literal["write", "write2", "write_secured", "write_secured2"]
Chunk = tuple[Sequence[Any], Sequence[Any]]  # (entries, their answers in order)

READ_CALL_ENTRIES = 2_500  # tags per ReadBulk call at most (the gateway's cap may be lower)
READS_IN_FLIGHT = 4  # ReadBulk calls of one read at the gateway at once, at most


class BatchSession(Protocol):
    """What bulk runs need of a session (the persistent session, or mxshell.api's
    ShellSession): its item table, the live gateway session, and calls through it."""

    @property
    def items(self) -> ItemTable: ...

    @property
    def gateway(self) -> Session: ...

    async def call(self, coro_factory: Callable[[Session], Any]) -> Any: ...


@dataclass(slots=True)
class EntryResult:
    """How one entry went: the item it concerns (when there is one) and the verdict.

    For an entry the gateway answered, `answer` is its own result message (a
    SubscribeResult, BulkWriteResult or BulkReadResult), and `hresult`, `statuses` and
    `message` are read from it when asked: a bulk call answers 10,000 entries, and an
    entry that went well is seldom asked why. An entry the shell did not send has no
    answer, and `refusal` says why."""

    reference: str
    item: TrackedItem | None = None
    ok: bool = False
    answer: Any = None
    refusal: str = ""

    @classmethod
    def refused(cls, reference: str, message: str, item: TrackedItem | None = None) -> EntryResult:
        """An entry the shell itself could not send (no such item, not restored)."""
        return cls(reference, item, False, None, message)

    @property
    def hresult(self) -> int:
        return 0 if self.answer is None else self.answer.hresult

    @property
    def statuses(self) -> Sequence[Any]:
        """The answer's own MxStatus entries (its repeated field, not a copy)."""
        return () if self.answer is None else self.answer.statuses

    @property
    def message(self) -> str:
        return self.refusal if self.answer is None else self.answer.error_message


@dataclass
class BulkRun:
    """The state of one batch: its chunk size, calls made and the progress callback."""

    session: BatchSession
    chunk: int = 0  # 0: the gateway's limit
    progress: Progress | None = None
    calls: int = 0
    answered: int = 0
    _calls_before: int = field(default=0, repr=False)
    _failure: str | None = field(default=None, repr=False)  # once set, nothing more is sent

    def begin(self) -> None:
        """A new operation of the batch starts (adding, then writing, say): a gateway
        failure before its first call went through is raised as the whole operation's."""
        self._calls_before = self.calls

    async def chunks(
        self,
        entries: Sequence[Any],
        call: Callable[[Session, Sequence[Any]], Awaitable[Sequence[Any]]],
        not_sent: Callable[[Any, str], Any],
    ) -> Sequence[Any]:
        """call() on each chunk in turn (chunks no larger than the gateway's limit or the
        run's own `chunk`), results in entry order: overlapped() with one call out at a
        time. A gateway failure on the operation's first call is raised; after that, the
        chunk in flight is answered not_sent(entry, "outcome unknown: ...") (the gateway
        may have applied it), the rest "not sent: ...", and no further chunk of this run
        is sent, in any operation. The answer of a run that took one call is that call's
        own (a reply's repeated field, its entries not listed); of several, a BulkAnswers of
        them all, its `failed` added up."""
        parts: list[Sequence[Any]] = []
        calls = self.overlapped(entries, call, not_sent, most=self.chunk, in_flight=1)
        async with aclosing(calls) as answered:
            async for _, part in answered:
                parts.append(part)
        if len(parts) == 1:
            return parts[0]
        joined = [answer for part in parts for answer in part]
        return BulkAnswers(joined, sum(map(count_failed, parts)))

    async def overlapped(
        self,
        entries: Sequence[Any],
        call: Callable[[Session, Sequence[Any]], Awaitable[Sequence[Any]]],
        not_sent: Callable[[Any, str], Any],
        *,
        most: int,
        in_flight: int,
    ) -> AsyncGenerator[Chunk, None]:
        """call() on chunks of at most `most` entries (0: any number) and no more than the
        gateway's limit, with up to `in_flight` calls out at once (more than one only for
        calls that change nothing: reads). Each chunk is yielded with its answers, in entry
        order, as soon as it and those before it are answered. Once any call has failed no
        new call goes out. When the operation's first call fails and no call out with it
        is answered, the failure is raised; otherwise a failed call's chunk is answered
        not_sent(entry, "outcome unknown: ..."), the answers of the other calls out are
        kept, and the entries never sent are "not sent: ...", as is everything later in
        the run. Close it (contextlib.aclosing) to cancel what is still out when leaving
        early."""
        if self._failure is not None:
            self.answered += len(entries)
            yield entries, [not_sent(entry, f"not sent: {self._failure}") for entry in entries]
            return
        limit = self.session.gateway.max_bulk_entries
        size = min([n for n in (limit, most) if n > 0] or [max(len(entries), 1)])
        chunks = [entries[start : start + size] for start in range(0, len(entries), size)]
        out: deque[tuple[Sequence[Any], asyncio.Future[Sequence[Any]]]] = deque()
        failing = False  # a call out has failed, though its turn in order may not have come

        async def send(chunk: Sequence[Any]) -> Sequence[Any]:
            # Marked as the call fails, before anything waiting on it wakes: no new call
            # goes out after a failure, even one noticed in the same pass of the loop.
            nonlocal failing
            try:
                answered: Sequence[Any] = await self.session.call(lambda s: call(s, chunk))
            except Exception:
                failing = True
                raise
            return answered

        sent = 0
        try:
            while True:
                while (
                    sent < len(chunks)
                    and len(out) < in_flight
                    and not failing
                    and self._failure is None
                ):
                    out.append((chunks[sent], asyncio.ensure_future(send(chunks[sent]))))
                    sent += 1
                if not out:
                    break
                chunk, answer = out[0]  # left in `out` until answered: cancelled if we leave
                try:
                    answered = await answer
                except GatewayError as error:
                    first = self.calls == self._calls_before
                    if first and not await _any_answered([other for _, other in out][1:]):
                        raise
                    self._failure = self._failure or str(error)
                    answered = [not_sent(entry, f"outcome unknown: {error}") for entry in chunk]
                    went_through = False
                else:
                    self.calls += 1
                    went_through = True
                out.popleft()
                self.answered += len(chunk)
                if went_through and self.progress is not None:  # progress is answered calls
                    self.progress(self.answered)
                yield chunk, answered
        finally:
            for _, answer in out:
                answer.cancel()
            await asyncio.gather(*(answer for _, answer in out), return_exceptions=True)
        rest = [entry for chunk in chunks[sent:] for entry in chunk]
        if rest:
            self.answered += len(rest)
            yield rest, [not_sent(entry, f"not sent: {self._failure}") for entry in rest]


def count_failed(answers: Sequence[Any]) -> int:
    """How many of a call's answers failed: a gateway Session's BulkAnswers count them as
    they arrive; EntryResults and refusal texts (entries the shell did not send) and
    results listed another way are looked at one by one."""
    if isinstance(answers, BulkAnswers):
        return answers.failed
    return sum(1 for answer in answers if not went_well(answer))


def went_well(answer: Any) -> bool:
    """Whether one answer of a bulk run went well: a gateway result, an EntryResult, or
    the text saying why an entry was not sent."""
    if isinstance(answer, str):
        return False
    return bool(answer.ok if isinstance(answer, EntryResult) else answer.was_successful)


async def _any_answered(calls: Sequence[asyncio.Future[Any]]) -> bool:
    """Whether any of these calls is answered, once all of them are over."""
    if calls:
        await asyncio.wait(calls)
    return any(not call.cancelled() and call.exception() is None for call in calls)


def _verdict(reference: str, item: TrackedItem | None, answer: Any) -> EntryResult:
    # Positional: called once per entry, and keywords cost a third more here.
    return EntryResult(reference, item, answer.was_successful, answer)


async def add_items(
    run: BulkRun, registration: Registration, tags: Sequence[str], *, advise: bool
) -> list[EntryResult]:
    """AddItemBulk (or SubscribeBulk when advise) for tags under one registration; each
    tag that the gateway accepted becomes a tracked item."""
    session = run.session
    server = registration.gateway_handle

    def call(s: Session, chunk: Sequence[str]) -> Awaitable[Sequence[Any]]:
        return s.subscribe_bulk(server, chunk) if advise else s.add_item_bulk(server, chunk)

    run.begin()
    # SubscribeBulk advises as it adds: an item's first OnDataChange may come before the
    # answer that makes it an item, and is kept for it until then.
    with session.items.expecting(registration) if advise else nullcontext():
        answers = await run.chunks(tags, call, EntryResult.refused)
        results = []
        for tag, answer in zip(tags, answers, strict=True):
            if isinstance(answer, EntryResult):
                results.append(answer)
                continue
            item = None
            if answer.was_successful:
                item = session.items.add(registration, tag, answer.item_handle)
                item.advise = "advise" if advise else "none"
            results.append(_verdict(tag, item, answer))
    return results


_ITEM_CALLS: dict[str, Callable[[Session, int, Sequence[int]], Awaitable[Sequence[Any]]]] = {
    "advise": lambda s, server, handles: s.advise_item_bulk(server, handles),
    "unadvise": lambda s, server, handles: s.unadvise_item_bulk(server, handles),
    "remove": lambda s, server, handles: s.remove_item_bulk(server, handles),
    "unsubscribe": lambda s, server, handles: s.unsubscribe_bulk(server, handles),
}


async def item_calls(
    run: BulkRun, items: Sequence[TrackedItem], method: ItemMethod
) -> list[EntryResult]:
    """AdviseItemBulk, UnAdviseItemBulk, RemoveItemBulk or UnsubscribeBulk for items of any
    registrations (one batch per registration); the item table follows each verdict."""
    by_item: dict[int, EntryResult] = {}
    run.begin()
    for registration, mine in _by_registration(items):
        server = registration.gateway_handle
        answers = await run.chunks(
            [i.gateway_handle for i in mine],
            lambda s, chunk, server=server: _ITEM_CALLS[method](s, server, chunk),  # type: ignore[misc]
            lambda handle, reason: reason,
        )
        for item, answer in zip(mine, answers, strict=True):
            if isinstance(answer, str):
                by_item[item.handle] = EntryResult.refused(item.tag_reference, answer, item)
                continue
            by_item[item.handle] = _verdict(item.tag_reference, item, answer)
            if answer.was_successful:
                _follow(run.session, item, method)
    return [by_item[i.handle] for i in items]


def _follow(session: BatchSession, item: TrackedItem, method: ItemMethod) -> None:
    if method == "advise":
        item.advise = "advise"
    elif method == "unadvise":
        item.advise = "none"
    else:
        session.items.drop(item)


def read_tags(
    run: BulkRun, registration: Registration, tags: Sequence[str], timeout_ms: int = 0
) -> AsyncGenerator[Chunk, None]:
    """ReadBulk for tags, each waiting up to timeout_ms (0: the gateway's default) for its
    value; no item is added or left behind. Yields (tags, answers) a call at a time, in
    order (calls overlap: see BulkRun.overlapped, and close the iterator when leaving
    early); for each tag, the gateway's own BulkReadResult, or the EntryResult refusing
    an entry the shell did not send. (Not an EntryResult for each: a read of 10,000 tags
    goes straight to its rows.)"""
    server = registration.gateway_handle
    run.begin()
    return run.overlapped(
        tags,
        lambda s, chunk: s.read_bulk(server, chunk, timeout_ms),
        EntryResult.refused,
        most=READ_CALL_ENTRIES,
        in_flight=READS_IN_FLIGHT,
    )


def _by_registration(
    entries: Sequence[Any], item_of: Callable[[Any], TrackedItem] = lambda item: item
) -> list[tuple[Registration, list[Any]]]:
    groups: dict[int, tuple[Registration, list[Any]]] = {}
    for entry in entries:
        registration = item_of(entry).registration
        groups.setdefault(registration.handle, (registration, []))[1].append(entry)
    return list(groups.values())
