"""The bulk half of a gateway Session: the eleven bulk commands, each sent in chunks of
the gateway's max_bulk_entries, and answered entry by entry."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, overload

from google.protobuf.timestamp_pb2 import Timestamp

from mxshell.contract import mx, types
from mxshell.gateway.errors import GatewayError
from mxshell.gateway.protocol import build_request, command_name
from mxshell.gateway.values import ScalarColumn, timestamp_message, to_mx_value
from mxshell.gateway.verdicts import BulkAnswers, CountedReply, failed_among

_Entry = TypeVar("_Entry")
_Result = TypeVar("_Result")

# (item_handle, value) for WriteBulk / WriteSecuredBulk; (item_handle, value, timestamp)
# for Write2Bulk / WriteSecured2Bulk; or a ready mx.WriteBulkEntry.
WriteEntry = tuple[int, Any] | mx.WriteBulkEntry
TimedWriteEntry = tuple[int, Any, datetime] | mx.WriteBulkEntry
# An entry ready for its request: a WriteBulkEntry, or (item_handle, MxValue, Timestamp).
_Prepared = mx.WriteBulkEntry | tuple[int, types.MxValue, Timestamp | None]


@dataclass(frozen=True, slots=True)
class WriteColumns(Sequence[tuple[Any, ...]]):
    """Many writes as columns, the i-th value (and timestamp) to the i-th item handle:
    what a bulk write of 10,000 values hands the session instead of 10,000 entries. The
    values are MxValues (a ScalarColumn, or a list), the timestamps datetimes; each
    request entry is built from them in place, once. It reads as its entries' tuples,
    and a slice is the columns of those entries."""

    handles: Sequence[int]
    values: Sequence[types.MxValue]
    timestamps: Sequence[datetime | None] | None = None

    def __len__(self) -> int:
        return len(self.handles)

    @overload
    def __getitem__(self, index: int) -> tuple[Any, ...]: ...
    @overload
    def __getitem__(self, index: slice) -> WriteColumns: ...
    def __getitem__(self, index: int | slice) -> tuple[Any, ...] | WriteColumns:
        if isinstance(index, slice):
            stamps = None if self.timestamps is None else self.timestamps[index]
            return WriteColumns(self.handles[index], self.values[index], stamps)
        entry = (self.handles[index], self.values[index])
        return entry if self.timestamps is None else (*entry, self.timestamps[index])

    def fill(self, entries: Any) -> None:
        """Add an entry to a request's repeated WriteBulkEntry field for each write."""
        add = entries.add
        if isinstance(self.values, ScalarColumn):  # most bulk writes: one type given
            field = self.values.field
            for handle, value in zip(self.handles, self.values.values, strict=True):
                wire = add()
                wire.item_handle = handle
                setattr(wire.value, field, value)
        else:
            for handle, message in zip(self.handles, self.values, strict=True):
                wire = add()
                wire.item_handle = handle
                wire.value.CopyFrom(message)
        if self.timestamps is not None:
            for wire, moment in zip(entries, self.timestamps, strict=True):
                if moment is not None:
                    wire.timestamp.FromDatetime(moment)  # a naive datetime is taken as UTC


class BulkMethods:
    """The bulk commands of mxshell.gateway.Session, which provides `max_bulk_entries`
    and `_counted` (one Invoke, checked for a refusal of the command as a whole, its
    entries' verdicts counted)."""

    max_bulk_entries: int

    async def _counted(self, request: mx.InvokeRequest) -> CountedReply:
        raise NotImplementedError

    async def _bulk(
        self,
        entries: Sequence[_Entry],
        build: Callable[[Sequence[_Entry]], Any],
        results_of: Callable[[mx.InvokeResponse], Sequence[_Result]],
    ) -> BulkAnswers[_Result]:
        # One command's answer is the reply's repeated field itself: listing it would
        # build a wrapper for each of 10,000 entries at once, each one tracked by the
        # collector, where a caller walking the field makes each in turn and lets it go.
        # How many failed is counted from the reply's bytes (mxshell.gateway.verdicts).
        size = self.max_bulk_entries if self.max_bulk_entries > 0 else max(len(entries), 1)
        parts: list[Sequence[_Result]] = []
        failed = 0
        for start in range(0, len(entries), size):
            chunk = entries[start : start + size]
            command = build(chunk)
            if not isinstance(command, mx.InvokeRequest):
                command = build_request("", "", command)
            reply, succeeded = await self._counted(command)
            answered = results_of(reply)
            if len(answered) != len(chunk):
                raise GatewayError(
                    f"{command_name(command)}: the gateway answered {len(answered)} entries "
                    f"for {len(chunk)}"
                )
            parts.append(answered)
            failed += failed_among(answered, succeeded)
        results = parts[0] if len(parts) == 1 else [result for part in parts for result in part]
        return BulkAnswers(results, failed)

    async def _subscribe_family(
        self, entries: Sequence[Any], build: Callable[[Sequence[Any]], Any]
    ) -> BulkAnswers[mx.SubscribeResult]:
        return await self._bulk(entries, build, lambda reply: reply.subscribe_results.results)

    async def add_item_bulk(
        self, server_handle: int, tag_references: Iterable[str]
    ) -> BulkAnswers[mx.SubscribeResult]:
        return await self._subscribe_family(
            list(tag_references),
            lambda chunk: mx.AddItemBulkCommand(server_handle=server_handle, tag_references=chunk),
        )

    async def advise_item_bulk(
        self, server_handle: int, item_handles: Iterable[int]
    ) -> BulkAnswers[mx.SubscribeResult]:
        return await self._subscribe_family(
            list(item_handles),
            lambda chunk: mx.AdviseItemBulkCommand(server_handle=server_handle, item_handles=chunk),
        )

    async def remove_item_bulk(
        self, server_handle: int, item_handles: Iterable[int]
    ) -> BulkAnswers[mx.SubscribeResult]:
        return await self._subscribe_family(
            list(item_handles),
            lambda chunk: mx.RemoveItemBulkCommand(server_handle=server_handle, item_handles=chunk),
        )

    async def unadvise_item_bulk(
        self, server_handle: int, item_handles: Iterable[int]
    ) -> BulkAnswers[mx.SubscribeResult]:
        return await self._subscribe_family(
            list(item_handles),
            lambda chunk: mx.UnAdviseItemBulkCommand(
                server_handle=server_handle, item_handles=chunk
            ),
        )

    async def subscribe_bulk(
        self, server_handle: int, tag_references: Iterable[str]
    ) -> BulkAnswers[mx.SubscribeResult]:
        """AddItem and Advise for each tag in one round trip."""
        return await self._subscribe_family(
            list(tag_references),
            lambda chunk: mx.SubscribeBulkCommand(
                server_handle=server_handle, tag_references=chunk
            ),
        )

    async def unsubscribe_bulk(
        self, server_handle: int, item_handles: Iterable[int]
    ) -> BulkAnswers[mx.SubscribeResult]:
        """UnAdvise and RemoveItem for each item in one round trip."""
        return await self._subscribe_family(
            list(item_handles),
            lambda chunk: mx.UnsubscribeBulkCommand(
                server_handle=server_handle, item_handles=chunk
            ),
        )

    async def _write_family(
        self, entries: Sequence[_Prepared] | WriteColumns, field: str, **fields: int
    ) -> BulkAnswers[mx.BulkWriteResult]:
        def build(chunk: Sequence[_Prepared] | WriteColumns) -> mx.InvokeRequest:
            # Built inside its request, each entry in place with its value copied once:
            # building entries, then the command, then the request copied 10,000 entries
            # three times (about 20 ms, against 5).
            request = mx.InvokeRequest()
            command = getattr(request, field)
            for name, number in fields.items():
                setattr(command, name, number)
            if isinstance(chunk, WriteColumns):
                chunk.fill(command.entries)
                return request
            add = command.entries.add
            for entry in chunk:
                if isinstance(entry, mx.WriteBulkEntry):
                    add().CopyFrom(entry)
                    continue
                handle, value, stamp = entry
                wire = add()
                wire.item_handle = handle
                wire.value.CopyFrom(value)
                if stamp is not None:
                    wire.timestamp.CopyFrom(stamp)
            return request

        return await self._bulk(entries, build, lambda reply: reply.bulk_write_results.results)

    async def write_bulk(
        self,
        server_handle: int,
        entries: Iterable[WriteEntry] | WriteColumns,
        *,
        user_id: int = 0,
        type_name: str | None = None,
    ) -> BulkAnswers[mx.BulkWriteResult]:
        """Write for each (item_handle, value); values go through to_mx_value first."""
        return await self._write_family(
            _write_entries(entries, type_name, timed=False),
            "write_bulk",
            server_handle=server_handle,
            user_id=user_id,
        )

    async def write2_bulk(
        self,
        server_handle: int,
        entries: Iterable[TimedWriteEntry] | WriteColumns,
        *,
        user_id: int = 0,
        type_name: str | None = None,
    ) -> BulkAnswers[mx.BulkWriteResult]:
        """Write2 for each (item_handle, value, timestamp)."""
        return await self._write_family(
            _write_entries(entries, type_name, timed=True),
            "write2_bulk",
            server_handle=server_handle,
            user_id=user_id,
        )

    async def write_secured_bulk(
        self,
        server_handle: int,
        entries: Iterable[WriteEntry] | WriteColumns,
        *,
        current_user_id: int,
        verifier_user_id: int = 0,
        type_name: str | None = None,
    ) -> BulkAnswers[mx.BulkWriteResult]:
        return await self._write_family(
            _write_entries(entries, type_name, timed=False),
            "write_secured_bulk",
            server_handle=server_handle,
            current_user_id=current_user_id,
            verifier_user_id=verifier_user_id,
        )

    async def write_secured2_bulk(
        self,
        server_handle: int,
        entries: Iterable[TimedWriteEntry] | WriteColumns,
        *,
        current_user_id: int,
        verifier_user_id: int = 0,
        type_name: str | None = None,
    ) -> BulkAnswers[mx.BulkWriteResult]:
        return await self._write_family(
            _write_entries(entries, type_name, timed=True),
            "write_secured2_bulk",
            server_handle=server_handle,
            current_user_id=current_user_id,
            verifier_user_id=verifier_user_id,
        )

    async def read_bulk(
        self, server_handle: int, tags: Iterable[str | tuple[str, int]], timeout_ms: int = 0
    ) -> BulkAnswers[mx.BulkReadResult]:
        """Current values: a tag, or (tag, timeout_ms) to give one its own wait (0 is the
        gateway's default). Advised tags answer from cache (was_cached) undisturbed."""

        def build(chunk: Sequence[str | tuple[str, int]]) -> mx.InvokeRequest:
            # The command built inside its request, its entries added in place and their
            # fields set one by one (a field left 0 is not sent either way): copying a
            # finished command into its request, add(tag_reference=..., timeout_ms=...)
            # and building each entry apart each cost more, which shows at 10,000 tags.
            request = mx.InvokeRequest()
            command = request.read_bulk
            command.server_handle = server_handle
            add = command.entries.add
            for tag in chunk:
                if isinstance(tag, str):
                    add().tag_reference = tag
                    continue
                entry = add()
                entry.tag_reference, wait = tag
                if wait:
                    entry.timeout_ms = wait
            if timeout_ms:  # the default wait, for each tag not given its own
                for entry, tag in zip(command.entries, chunk, strict=True):
                    if isinstance(tag, str):
                        entry.timeout_ms = timeout_ms
            return request

        return await self._bulk(list(tags), build, lambda reply: reply.bulk_read_results.results)


def _write_entries(
    entries: Iterable[Any], type_name: str | None, *, timed: bool
) -> Sequence[_Prepared] | WriteColumns:
    """Each entry as it goes on the wire, every value converted (and checked) before
    anything is sent: a ready WriteBulkEntry as it is, else (item handle, MxValue, the
    Timestamp of a timed write or None). An MxValue is taken as it is (copied once, into
    its request), and so are WriteColumns, whose values are MxValues already."""
    if isinstance(entries, WriteColumns):  # its values are MxValues: no type_name to apply
        stamps = entries.timestamps
        if timed and (stamps is None or None in stamps):
            raise ValueError("a timed write needs a timestamp for every entry")
        if not timed and stamps is not None and any(stamp is not None for stamp in stamps):
            raise ValueError("a write without a time takes no timestamps (Write2Bulk does)")
        return entries
    built: list[_Prepared] = []
    for index, entry in enumerate(entries):
        if isinstance(entry, mx.WriteBulkEntry):
            built.append(entry)
            continue
        try:
            if timed:
                item_handle, value, moment = entry
                stamp: Timestamp | None = timestamp_message(moment)
            else:
                item_handle, value = entry
                stamp = None
            if not isinstance(value, types.MxValue):
                value = to_mx_value(value, type_name)
        except ValueError as error:
            raise ValueError(f"write entry {index}: {error}") from None
        built.append((item_handle, value, stamp))
    return built
