"""Bulk writes on the persistent session: WriteBulk, Write2Bulk, WriteSecuredBulk and
WriteSecured2Bulk, one batch per registration, a write never sent twice (see
mxshell.session.batches for how a batch is chunked and what a failed chunk answers).

A write of 10,000 values goes as columns (WriteColumns) and is answered as columns
(WriteResults): no object per entry on the way out, and one per entry on the way back
only when it is asked for.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, overload

from mxshell.contract import types
from mxshell.gateway import Session
from mxshell.gateway.bulk_methods import WriteColumns
from mxshell.gateway.values import ScalarColumn, to_mx_value
from mxshell.gateway.verdicts import BulkAnswers
from mxshell.session.batches import (
    BulkRun,
    EntryResult,
    WriteMethod,
    _by_registration,
    went_well,
)
from mxshell.session.item_table import Registration, TrackedItem

# (user id, verifier id) for a registration: what write_items asks for a secured write.
UsersOf = Callable[[Registration], Awaitable[tuple[int, int]]]


@dataclass
class WriteEntry:
    """One value to write: the item, the MxValue, and for Write2 families a timestamp."""

    item: TrackedItem
    value: Any
    timestamp: datetime | None = None


class WriteResults(Sequence[EntryResult]):
    """How each write went, in the order given: the items and the gateway's answers (its
    BulkWriteResult, or why the shell did not send the entry). An entry's EntryResult is
    made when asked for; `failed` lists the entries that did not go through, found once."""

    def __init__(self, items: Sequence[TrackedItem], answers: Sequence[Any]) -> None:
        self.items, self.answers = items, answers
        if isinstance(answers, BulkAnswers) and not answers.failed:  # most writes
            self.failed: list[int] = []
        else:  # some answered by the gateway, some (texts) by the shell
            self.failed = [i for i, answer in enumerate(answers) if not went_well(answer)]

    def __len__(self) -> int:
        return len(self.answers)

    @overload
    def __getitem__(self, index: int) -> EntryResult: ...
    @overload
    def __getitem__(self, index: slice) -> list[EntryResult]: ...
    def __getitem__(self, index: int | slice) -> EntryResult | list[EntryResult]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        item, answer = self.items[index], self.answers[index]
        if isinstance(answer, str):
            return EntryResult.refused(item.tag_reference, answer, item)
        return EntryResult(item.tag_reference, item, answer.was_successful, answer)


async def write_items(
    run: BulkRun,
    entries: Sequence[WriteEntry],
    method: WriteMethod,
    users: UsersOf | None = None,
) -> Sequence[EntryResult]:
    """WriteBulk, Write2Bulk, WriteSecuredBulk or WriteSecured2Bulk, one batch per
    registration; `users` gives (current user id, verifier id) for a registration, since
    a user id holds under the server handle that authenticated it only."""
    timed = any(entry.timestamp is not None for entry in entries)
    return await write_values(
        run,
        [entry.item for entry in entries],
        [entry.value for entry in entries],
        method,
        users,
        [entry.timestamp for entry in entries] if timed else None,
    )


async def write_values(
    run: BulkRun,
    items: Sequence[TrackedItem],
    values: Sequence[Any],
    method: WriteMethod,
    users: UsersOf | None = None,
    timestamps: Sequence[datetime | None] | None = None,
) -> WriteResults:
    """write_items for values given as columns: the i-th value (an MxValue, or any value
    to_mx_value takes) and timestamp to the i-th item, with no object per entry (a write
    of 10,000 values; a ScalarColumn of them makes no MxValue either)."""
    if not isinstance(values, ScalarColumn):
        values = [_mx_value(index, value) for index, value in enumerate(values)]
    if not items:  # every entry refused before anything could be sent
        return WriteResults([], [])
    first = items[0].registration
    if all(item.registration is first for item in items):  # most writes: one registration
        ids = await users(first) if users is not None else (0, 0)
        run.begin()
        return await _write_group(run, items, values, timestamps, method, ids)
    groups = _by_registration(range(len(items)), items.__getitem__)
    # Every registration's user ids before the first write: authenticating cannot fail
    # the command once some of its writes went through.
    each = {r.handle: await users(r) if users is not None else (0, 0) for r, _ in groups}
    run.begin()  # one operation: a failure after any call went through fails entries only
    answers: list[Any] = [None] * len(items)
    for registration, mine in groups:
        written = await _write_group(
            run,
            [items[index] for index in mine],
            _picked(values, mine),
            None if timestamps is None else [timestamps[index] for index in mine],
            method,
            each[registration.handle],
        )
        for index, answer in zip(mine, written.answers, strict=True):
            answers[index] = answer
    return WriteResults(items, answers)


async def _write_group(
    run: BulkRun,
    items: Sequence[TrackedItem],
    values: Sequence[Any],
    timestamps: Sequence[datetime | None] | None,
    method: WriteMethod,
    ids: tuple[int, int],
) -> WriteResults:
    """The writes to items of one registration, as the user ids given."""
    server = items[0].registration.gateway_handle
    columns = WriteColumns([item.gateway_handle for item in items], values, timestamps)
    answered = await run.chunks(
        columns,
        lambda s, chunk: _write_call(s, method, server, chunk, ids),
        lambda entry, reason: reason,
    )
    return WriteResults(items, answered)


def _mx_value(index: int, value: Any) -> types.MxValue:
    if isinstance(value, types.MxValue):
        return value  # copied once, into its request
    try:
        return to_mx_value(value)
    except ValueError as error:
        raise ValueError(f"write entry {index}: {error}") from None


def _picked(values: Sequence[Any], indexes: Sequence[int]) -> Sequence[Any]:
    if isinstance(values, ScalarColumn):
        return ScalarColumn(values.field, [values.values[index] for index in indexes])
    return [values[index] for index in indexes]


def _write_call(
    s: Session, method: WriteMethod, server: int, chunk: Sequence[Any], ids: tuple[int, int]
) -> Awaitable[Sequence[Any]]:
    current, verifier = ids
    if method == "write":
        return s.write_bulk(server, chunk)
    if method == "write2":
        return s.write2_bulk(server, chunk)
    if method == "write_secured":
        return s.write_secured_bulk(
            server, chunk, current_user_id=current, verifier_user_id=verifier
        )
    return s.write_secured2_bulk(server, chunk, current_user_id=current, verifier_user_id=verifier)
