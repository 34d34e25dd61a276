"""The eleven bulk commands: one MXAccess call per entry, every entry answered on its own.

A bad entry (unknown tag, bad item handle, a tag outside the key's constraint, a wrong
value) fails alone with was_successful = false; only a bad server handle fails the
whole command, since no entry can run without a registration.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import TypeVar

from mxshell.contract import mx
from mxshell.sim import codes
from mxshell.sim.auth import ApiKey
from mxshell.sim.plant import Point
from mxshell.sim.sessions import Item, Session
from mxshell.sim.worker import MxAccessWorker, current_value

K = TypeVar("K")
_OK = [codes.OK_STATUS]


def _subscribe_results(
    keys: Iterable[K],
    run: Callable[[K], Item],
    reference_of: Callable[[K], str],
) -> list[mx.SubscribeResult]:
    results = []
    for key in keys:
        try:
            item = run(key)
        except codes.MxError as error:
            results.append(
                mx.SubscribeResult(
                    tag_reference=reference_of(key),
                    item_handle=key if isinstance(key, int) else 0,
                    was_successful=False,
                    hresult=error.hresult,
                    statuses=[error.status()],
                    error_message=error.message,
                )
            )
        else:
            results.append(
                mx.SubscribeResult(
                    tag_reference=item.reference,
                    item_handle=item.handle,
                    was_successful=True,
                    statuses=_OK,
                )
            )
    return results


class BulkCommands:
    def __init__(self, worker: MxAccessWorker, default_read_timeout_ms: int) -> None:
        self.worker = worker
        self.default_read_timeout_ms = default_read_timeout_ms

    def _reference(self, session: Session, server_handle: int) -> Callable[[int], str]:
        items = session.registration(server_handle).items
        return lambda handle: items[handle].reference if handle in items else ""

    def add_item(
        self, session: Session, key: ApiKey, server_handle: int, references: list[str]
    ) -> list[mx.SubscribeResult]:
        session.registration(server_handle)
        return _subscribe_results(
            references, lambda ref: self.worker.add_item(session, key, server_handle, ref), str
        )

    def subscribe(
        self, session: Session, key: ApiKey, server_handle: int, references: list[str]
    ) -> list[mx.SubscribeResult]:
        session.registration(server_handle)

        def add_and_advise(reference: str) -> Item:
            item = self.worker.add_item(session, key, server_handle, reference)
            return self.worker.advise(session, key, server_handle, item.handle)

        return _subscribe_results(references, add_and_advise, str)

    def advise(
        self, session: Session, key: ApiKey, server_handle: int, handles: list[int]
    ) -> list[mx.SubscribeResult]:
        reference = self._reference(session, server_handle)
        return _subscribe_results(
            handles, lambda h: self.worker.advise(session, key, server_handle, h), reference
        )

    def un_advise(
        self, session: Session, key: ApiKey, server_handle: int, handles: list[int]
    ) -> list[mx.SubscribeResult]:
        reference = self._reference(session, server_handle)
        return _subscribe_results(
            handles, lambda h: self.worker.un_advise(session, key, server_handle, h), reference
        )

    def remove_item(
        self, session: Session, key: ApiKey, server_handle: int, handles: list[int]
    ) -> list[mx.SubscribeResult]:
        reference = self._reference(session, server_handle)
        return _subscribe_results(
            handles, lambda h: self.worker.remove_item(session, key, server_handle, h), reference
        )

    def unsubscribe(
        self, session: Session, key: ApiKey, server_handle: int, handles: list[int]
    ) -> list[mx.SubscribeResult]:
        reference = self._reference(session, server_handle)

        def unadvise_and_remove(handle: int) -> Item:
            self.worker.un_advise(session, key, server_handle, handle)
            return self.worker.remove_item(session, key, server_handle, handle)

        return _subscribe_results(handles, unadvise_and_remove, reference)

    def write(
        self,
        session: Session,
        key: ApiKey,
        server_handle: int,
        entries: Iterable[mx.WriteBulkEntry],
        with_timestamps: bool,
        secured: tuple[int, int] | None = None,
    ) -> list[mx.BulkWriteResult]:
        session.registration(server_handle)
        results = []
        for entry in entries:
            stamp = entry.timestamp if with_timestamps and entry.HasField("timestamp") else None
            try:
                self.worker.write(
                    session, key, server_handle, entry.item_handle, entry.value, stamp, secured
                )
            except codes.MxError as error:
                results.append(
                    mx.BulkWriteResult(
                        item_handle=entry.item_handle,
                        was_successful=False,
                        hresult=error.hresult,
                        statuses=[error.status()],
                        error_message=error.message,
                    )
                )
            else:
                results.append(
                    mx.BulkWriteResult(
                        item_handle=entry.item_handle, was_successful=True, statuses=_OK
                    )
                )
        return results

    async def read(
        self, session: Session, key: ApiKey, server_handle: int, entries: Iterable[mx.ReadBulkEntry]
    ) -> list[mx.BulkReadResult]:
        """Cached values for advised tags; others as a fresh advise would deliver them."""
        session.registration(server_handle)
        rows: list[tuple[mx.ReadBulkEntry, Point | codes.MxError, bool, int]] = []
        longest_wait_ms = 0
        for entry in entries:
            try:
                point = self.worker.point(key, entry.tag_reference)
            except codes.MxError as error:
                rows.append((entry, error, False, 0))
                continue
            cached = self.worker.advised_item(session, point) is not None
            if not cached:
                self.worker.runtime.refresh(point)
            timeout = entry.timeout_ms if entry.timeout_ms > 0 else self.default_read_timeout_ms
            wait = 0 if cached else min(point.attr.delay_ms, timeout)
            longest_wait_ms = max(longest_wait_ms, wait)
            rows.append((entry, point, cached, timeout))
        if longest_wait_ms:
            await asyncio.sleep(longest_wait_ms / 1000)
        return [
            _read_result(entry, outcome, cached, timeout)
            for entry, outcome, cached, timeout in rows
        ]


def _read_result(
    entry: mx.ReadBulkEntry, outcome: Point | codes.MxError, cached: bool, timeout_ms: int
) -> mx.BulkReadResult:
    # (Tags of undeployed objects no longer resolve: they fail as unknown tags.)
    if isinstance(outcome, Point):
        if cached or outcome.attr.delay_ms <= timeout_ms:
            return mx.BulkReadResult(
                tag_reference=entry.tag_reference,
                was_successful=True,
                was_cached=cached,
                statuses=_OK,
                **current_value(outcome),
            )
        outcome = codes.read_timeout(entry.tag_reference, timeout_ms)
    return mx.BulkReadResult(
        tag_reference=entry.tag_reference,
        was_successful=False,
        hresult=outcome.hresult,
        statuses=[outcome.status()],
        error_message=outcome.message,
    )
