"""Items a write added for a tag the user does not hold, kept for the next write of it.

A `write` to a tag that is not one of the user's items has to add one (AddItem), and the
item is not the user's: it never shows in `items` and is never restored. Giving it back
at once (RemoveItem) made every such write three calls; a command file that writes the
same setpoint in a loop paid for it on every line. So the item is kept here, out of the
item table, and the next write of the same tag under the same registration uses it
again. Kept items go back to the gateway in one RemoveItemBulk per registration when the
shell is idle (after a line at the prompt, before the session closes) or when more than
LIMIT are kept.

An item is used again only once its last write's OnWriteComplete has arrived, so a later
write waiting for its own OnWriteComplete can never be given an earlier one (one whose
watch ended with the connection is not used again: the completion may still come after
a reattach). Kept items belong to one gateway session: a reconnect to a new one, or an
Unregister, took them away on the gateway's side, and they are forgotten without a call,
at the reconnect itself (their handles are the old session's: the new one may give the
same numbers to other items). While the shell is not connected they stay kept (a
reattach to the same session, one another client opened, still has them). One that
became a user's item (a gateway that hands out one handle per tag) is forgotten, not
given back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from mxshell.session.item_table import ItemTable, Registration, TrackedItem

LIMIT = 100


@dataclass
class KeptItem:
    tag_reference: str
    registration: Registration
    gateway_handle: int
    session_id: str  # the gateway session the handles mean something in
    # The registration's server handle then: a reconnect rebinds the registration to the
    # new session's, and events of this item named the old one.
    server_handle: int
    written: asyncio.Future[object]  # done when the last write's OnWriteComplete came


class ParkedItems:
    """The kept items of one persistent session; see the module docstring."""

    def __init__(self, table: ItemTable) -> None:
        # Told before a kept item stops being the shell's: the event backlog settles first.
        self._table = table
        self._kept: list[KeptItem] = []
        # The gateway's (server handle, item handle) of each, for the events that name them.
        self._pairs: set[tuple[int, int]] = set()
        # The completion watch of each item lent out now, by (registration, gateway handle).
        self._lent: dict[tuple[int, int], tuple[asyncio.Future[object], str]] = {}

    def __len__(self) -> int:
        return len(self._kept)

    def holds(self, server_handle: int, item_handle: int) -> bool:
        """Whether the gateway's handles name a kept item (its events are the shell's)."""
        return (server_handle, item_handle) in self._pairs

    def take(self, registration: Registration, tag: str, session_id: str) -> KeptItem | None:
        """A kept item of this tag and registration, ready to be written again (its last
        write's OnWriteComplete came), taken out of the kept ones; None if there is none."""
        self.forget_other_sessions(session_id)
        key = tag.lower()
        for kept in self._kept:
            same = kept.registration is registration and kept.tag_reference.lower() == key
            if same and _came(kept.written):
                self._table.changing()
                self._kept.remove(kept)
                self._pairs.discard(_pair(kept))
                return kept
        return None

    def lent(self, item: TrackedItem, written: asyncio.Future[object], session_id: str) -> None:
        """`item` of gateway session `session_id` goes out to one write; `written` is done
        by its OnWriteComplete."""
        written.add_done_callback(_seen)  # a failed watch (the session went) is not an error
        self._lent[(item.registration.handle, item.gateway_handle)] = (written, session_id)

    def returned(self, item: TrackedItem) -> tuple[asyncio.Future[object], str] | None:
        """The completion watch of a lent item coming back, and the gateway session it
        was lent in (None if it was not lent)."""
        return self._lent.pop((item.registration.handle, item.gateway_handle), None)

    def keep(self, item: TrackedItem, session_id: str, written: asyncio.Future[object]) -> None:
        self.forget_other_sessions(session_id)
        registration = item.registration
        kept = KeptItem(
            item.tag_reference,
            registration,
            item.gateway_handle,
            session_id,
            registration.gateway_handle,
            written,
        )
        self._kept.append(kept)
        self._pairs.add(_pair(kept))

    def disown(self, registration: Registration, gateway_handle: int) -> None:
        """The gateway gave this handle to an item of the user's (a gateway that hands out
        one handle per tag): it is no longer ours to give back."""
        self._drop(
            lambda kept: kept.registration is registration and kept.gateway_handle == gateway_handle
        )

    def forget_registration(self, registration: Registration) -> None:
        """Unregister released the registration's items on the gateway."""
        self._drop(lambda kept: kept.registration is registration)

    def forget_other_sessions(self, session_id: str | None) -> None:
        """Kept items of an earlier gateway session went with it. Called at the reconnect
        (ItemOperations._restore), before the new session's events come: it may hand out
        the same handle numbers, and its events are no kept item's."""
        self._drop(lambda kept: kept.session_id != session_id)

    def take_all(self, session_id: str) -> list[tuple[Registration, list[KeptItem]]]:
        """Every kept item of this gateway session, to give back, by registration (one the
        user now holds too is forgotten instead). Events naming them stay the shell's until
        `given_back`: the last write's OnWriteComplete may come while they are being given
        back. Those that could not be tried go back with `put_back`."""
        self.forget_other_sessions(session_id)
        self._drop(
            lambda kept: self._table.by_gateway(kept.server_handle, kept.gateway_handle) is not None
        )
        grouped: dict[int, tuple[Registration, list[KeptItem]]] = {}
        for kept in self._kept:
            grouped.setdefault(kept.registration.handle, (kept.registration, []))[1].append(kept)
        self._kept = []
        return list(grouped.values())

    def put_back(self, kept: list[KeptItem]) -> None:
        """Items take_all took and nothing tried to give back (the release was stopped)."""
        self._kept.extend(kept)

    def given_back(self) -> None:
        """What take_all took is gone from the gateway: no longer the shell's."""
        self._table.changing()
        self._pairs = {_pair(kept) for kept in self._kept}

    def _drop(self, which: Callable[[KeptItem], bool]) -> None:
        if any(which(kept) for kept in self._kept):
            self._table.changing()
        staying = []
        for kept in self._kept:
            if which(kept):
                kept.written.cancel()  # no longer watched (nothing if it came)
                self._pairs.discard(_pair(kept))
            else:
                staying.append(kept)
        self._kept = staying


def _pair(kept: KeptItem) -> tuple[int, int]:
    return kept.server_handle, kept.gateway_handle


def _came(written: asyncio.Future[object]) -> bool:
    """Whether a kept item's last OnWriteComplete came (not a watch that ended unanswered)."""
    return written.done() and not written.cancelled() and written.exception() is None


def _seen(future: asyncio.Future[object]) -> None:
    if not future.cancelled():
        future.exception()  # asked, so a session lost while it waited is no warning
