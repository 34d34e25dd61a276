"""The MXAccess operations of the persistent session, in the user's terms: registrations,
items (by handle, alias or tag), advises, writes that are never retried, users; and
putting the registrations, items and advises back into a new gateway session."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from mxshell.gateway import Session
from mxshell.gateway.errors import GatewayError
from mxshell.session.completions import CompletionWaiters, WriteCompletion, WriteOutcomeUnknown
from mxshell.session.item_table import ItemLookupError, ItemTable, Registration, TrackedItem
from mxshell.session.parking import LIMIT, ParkedItems
from mxshell.session.state import RestoreReport

DEFAULT_CLIENT_NAME = "mxshell"
DEFAULT_COMPLETE_TIMEOUT_S = 10.0


class ItemOperations:
    """Part of PersistentSession, which provides the item table, the current gateway
    session and `note_failure` (a vanished gateway starts a reconnect)."""

    items: ItemTable
    completions: CompletionWaiters
    parked: ParkedItems
    notify: Callable[[str], None]

    @property
    def gateway(self) -> Session:
        raise NotImplementedError

    def note_failure(self, error: BaseException) -> None:
        raise NotImplementedError

    async def call(self, coro_factory: Callable[[Session], Any]) -> Any:
        """Run coro_factory(gateway session); a vanished gateway starts a reconnect."""
        session = self.gateway
        try:
            return await coro_factory(session)
        except GatewayError as error:
            self.note_failure(error)
            raise

    async def register(self, client_name: str | None = None) -> Registration:
        name = client_name or DEFAULT_CLIENT_NAME
        handle = await self.call(lambda s: s.register(name))
        return self.items.add_registration(name, handle)

    @property
    def registration(self) -> Registration | None:
        """The current registration (the last `register`, or the one made for the first
        item), None before any. Its `gateway_handle` is the server handle bulk calls take;
        a reconnect registers again and updates it in place."""
        return self.items.current

    async def ensure_registration(self, server_handle: int | None = None) -> Registration:
        if server_handle is None and self.items.current is None:
            return await self.register()
        return self.items.registration(server_handle)

    async def unregister(self, server_handle: int | None = None) -> tuple[Registration, int]:
        registration = self.items.registration(server_handle)
        await self.call(lambda s: s.unregister(registration.gateway_handle))
        dropped = self.items.drop_registration(registration)
        self.parked.forget_registration(registration)  # the gateway released them too
        return registration, len(dropped)

    async def add_item(
        self, tag_reference: str, alias: str | None = None, server_handle: int | None = None
    ) -> TrackedItem:
        if alias is not None:
            self.items.check_alias_free(alias)
        registration = await self.ensure_registration(server_handle)
        handle = await self.call(lambda s: s.add_item(registration.gateway_handle, tag_reference))
        self.parked.disown(registration, handle)
        return self.items.add(registration, tag_reference, handle, alias)

    def find(self, reference: str) -> TrackedItem:
        item = self.items.find(reference)
        if item is None:
            raise ItemLookupError(f"no item {reference!r}: add it with add-item, or check items")
        return item

    async def resolve(
        self, reference: str, server_handle: int | None = None, *, lend: bool = False
    ) -> tuple[TrackedItem, bool]:
        """The item a reference names, adding it when it is a tag; True when it was added.
        With `lend` (a write), a tag's item may be one an earlier write of it kept; give it
        back with `park` once the write went (see mxshell.session.parking)."""
        item = self.items.find(reference)
        if item is not None:
            return item, False
        text = self.items.tag_of(reference)
        if lend:
            return await self._lend(text, server_handle), True
        return await self.add_item(text, server_handle=server_handle), True

    async def _lend(self, tag: str, server_handle: int | None) -> TrackedItem:
        registration = await self.ensure_registration(server_handle)
        kept = self.parked.take(registration, tag, self.gateway.session_id)
        if kept is None:
            item = await self.add_item(tag, server_handle=server_handle)
        else:
            item = self.items.add(registration, tag, kept.gateway_handle)
        # Watched from before the write is sent: its OnWriteComplete may come first.
        written = self.completions.notice(registration.gateway_handle, item.gateway_handle)
        self.parked.lent(item, written, self.gateway.session_id)
        return item

    async def park(self, item: TrackedItem) -> None:
        """Give back an item `resolve(lend=True)` added, once its write went: kept, out of
        the item table, for the next write of the tag (removed at once if it was not lent).
        Not connected, a lent item is kept all the same, for the session it was lent in:
        given back after a reattach to it, forgotten with it otherwise."""
        lent = self.parked.returned(item)
        if lent is not None and item.lost is None:
            written, session_id = lent
            self.items.drop(item)
            self.parked.keep(item, session_id, written)
            if len(self.parked) > LIMIT:
                await self.release_parked()
            return
        if lent is not None:
            lent[0].cancel()
        if self._connected() or item.lost is not None:
            await self.remove_item(item)
        else:  # the gateway session is gone: forget it here, so no reconnect restores it
            self.items.drop(item)

    async def _restore(self, session: Session, report: RestoreReport) -> None:
        """Put the registrations, items and advises back into a new gateway session (a
        reconnect), its handles in place of the old; the items writes kept went with the
        old session, and are forgotten before any event of the new one is read."""
        self.parked.forget_other_sessions(session.session_id)
        for registration in list(self.items.registrations.values()):
            self.items.rebind(registration, await session.register(registration.client_name))
            report.registrations += 1
            mine = [i for i in self.items if i.registration is registration]
            results = await session.add_item_bulk(
                registration.gateway_handle, [i.tag_reference for i in mine]
            )
            for item, result in zip(mine, results, strict=True):
                if result.was_successful:
                    self.items.rebind_item(item, result.item_handle)
                    report.items += 1
                else:
                    item.lost = result.error_message or "the gateway refused AddItem"
                    report.lost.append(item.name)
            advised = [i for i in mine if i.advise == "advise" and i.lost is None]
            if advised:
                results = await session.advise_item_bulk(
                    registration.gateway_handle, [i.gateway_handle for i in advised]
                )
                report.advises += len(results) - results.failed
            for item in mine:
                if item.advise == "supervisory" and item.lost is None:
                    await session.advise_supervisory(
                        registration.gateway_handle, item.gateway_handle
                    )
                    report.advises += 1
        self.items.reindex()

    def keeps(self, server_handle: int, item_handle: int) -> bool:
        """Whether the gateway's handles name an item a write kept: the shell's, though
        not in the item table (an event about it is no news from another client)."""
        return self.parked.holds(server_handle, item_handle)

    async def release_parked(self) -> None:
        """Give the kept write items back to the gateway, one RemoveItemBulk per
        registration. A failure is said, not raised: the gateway drops them with the
        session in any case. Not connected, they stay kept (see mxshell.session.parking)."""
        try:
            session_id = self.gateway.session_id
        except GatewayError:
            return
        groups = self.parked.take_all(session_id)
        tried = 0
        try:
            for _, kept in groups:
                tried += 1
                handles = [each.gateway_handle for each in kept]
                try:  # under the server handle they were added with (see KeptItem)
                    await self._remove_items(kept[0].server_handle, handles)
                except GatewayError as error:
                    self.notify(f"could not give back {len(handles)} items writes used: {error}")
                    if not self._connected():
                        break
                finally:
                    for each in kept:
                        each.written.cancel()  # no longer watched (nothing if it came)
        finally:
            # Stopped (Ctrl-C, or the connection lost on the way): the call out may have
            # gone through, so its items are not used again; those after it were never
            # sent and stay kept.
            for _, kept in groups[tried:]:
                self.parked.put_back(kept)
            self.parked.given_back()

    def _connected(self) -> bool:
        try:
            self.gateway  # noqa: B018 - raises when there is no gateway session
        except GatewayError:
            return False
        return True

    async def _remove_items(self, server_handle: int, handles: list[int]) -> None:
        await self.call(lambda s: s.remove_item_bulk(server_handle, handles))

    async def remove_item(self, item: TrackedItem) -> None:
        lent = self.parked.returned(item)  # lent to a write that failed: nothing comes
        if lent is not None:
            lent[0].cancel()
        if item.lost is None:
            await self.call(
                lambda s: s.remove_item(item.registration.gateway_handle, item.gateway_handle)
            )
        self.items.drop(item)

    async def advise(self, item: TrackedItem, supervisory: bool = False) -> None:
        server, handle = item.registration.gateway_handle, item.gateway_handle
        if supervisory:
            await self.call(lambda s: s.advise_supervisory(server, handle))
        else:
            await self.call(lambda s: s.advise(server, handle))
        item.advise = "supervisory" if supervisory else "advise"

    async def unadvise(self, item: TrackedItem) -> None:
        """UnAdvise; an item lost at a reconnect has no handle on the gateway any more (its
        old one may be another item's now): only marked, as remove_item forgets it."""
        if item.lost is None:
            server, handle = item.registration.gateway_handle, item.gateway_handle
            await self.call(lambda s: s.unadvise(server, handle))
        item.advise = "none"

    async def write(
        self,
        item: TrackedItem,
        value: Any,
        *,
        type_name: str | None = None,
        timestamp: datetime | None = None,
        complete: bool = False,
        timeout: float = DEFAULT_COMPLETE_TIMEOUT_S,
    ) -> WriteCompletion | None:
        """Write (or Write2 with a timestamp). A failed write is never retried.

        Returns when the gateway accepted the write (None); with `complete`, when its
        OnWriteComplete arrived (a WriteCompletion, `ok` or not), raising
        WriteOutcomeUnknown when none came within `timeout` seconds or the session was
        lost first."""
        server, handle = item.registration.gateway_handle, item.gateway_handle
        if timestamp is None:
            send = self.call(lambda s: s.write(server, handle, value, type_name=type_name))
        else:
            send = self.call(
                lambda s: s.write2(server, handle, value, timestamp, type_name=type_name)
            )
        if not complete:
            await send
            return None
        return await self._completed(server, handle, send, timeout)

    async def _completed(
        self, server: int, handle: int, send: Awaitable[Any], timeout: float
    ) -> WriteCompletion:
        waiter = self.completions.expect(server, handle)  # before: the event may come first
        try:
            await send
            return await asyncio.wait_for(asyncio.shield(waiter), timeout)
        except TimeoutError:
            raise WriteOutcomeUnknown(
                f"the gateway accepted the write, and no OnWriteComplete came within "
                f"{timeout:g}s: its outcome is unknown (not resent)"
            ) from None
        finally:
            self.completions.forget(server, handle, waiter)

    async def write_secured(
        self,
        item: TrackedItem,
        value: Any,
        *,
        current_user_id: int,
        verifier_user_id: int = 0,
        type_name: str | None = None,
        timestamp: datetime | None = None,
    ) -> None:
        """WriteSecured (or WriteSecured2 with a timestamp), never retried."""
        server, handle = item.registration.gateway_handle, item.gateway_handle
        users = {"current_user_id": current_user_id, "verifier_user_id": verifier_user_id}
        if timestamp is None:
            await self.call(
                lambda s: s.write_secured(server, handle, value, type_name=type_name, **users)
            )
        else:
            await self.call(
                lambda s: s.write_secured2(
                    server, handle, value, timestamp, type_name=type_name, **users
                )
            )

    async def authenticate_user(
        self, user_name: str, password: str, server_handle: int | None = None
    ) -> int:
        registration = await self.ensure_registration(server_handle)
        user_id: int = await self.call(
            lambda s: s.authenticate_user(registration.gateway_handle, user_name, password)
        )
        return user_id
