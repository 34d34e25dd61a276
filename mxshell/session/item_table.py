"""The user's registrations and items, under handles and aliases that outlive a reconnect."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Literal

AdviseState = Literal["none", "advise", "supervisory"]

_ALIAS = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


class ItemLookupError(LookupError):
    """A reference names no known item (the message is for the user)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown item"


@dataclass
class Registration:
    """A Register() the user made; `handle` is stable, `gateway_handle` is today's."""

    handle: int
    client_name: str
    gateway_handle: int


@dataclass
class TrackedItem:
    """An item the user added: its stable handle, alias, tag and latest value."""

    handle: int
    tag_reference: str
    registration: Registration
    gateway_handle: int
    alias: str | None = None
    advise: AdviseState = "none"
    value: Any = None
    quality: int | None = None
    timestamp: datetime | None = None
    change_count: int = 0
    lost: str | None = None  # why the item could not be restored after a reconnect
    # Advised by a command for its own use (read, expect): its data changes are that
    # command's, not events to print above the prompt. Cleared when it is given back.
    borrowed: bool = False
    first_change_at: float | None = field(default=None, repr=False)
    last_change_at: float | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.alias or self.tag_reference


@dataclass
class EarlyValues:
    """What OnDataChange said of an item before the answer that makes it one of the
    table's: SubscribeBulk advises as it adds, and the first value may come first. The
    item takes these when it is added."""

    value: Any = None
    quality: int | None = None
    timestamp: datetime | None = None
    change_count: int = 0
    first_change_at: float | None = None
    last_change_at: float | None = None


_EARLY_FIELDS = [each.name for each in fields(EarlyValues)]


class ItemTable:
    """Registrations and items keyed by stable handle, alias, and the gateway's handles."""

    def __init__(self) -> None:
        self.registrations: dict[int, Registration] = {}
        self.items: dict[int, TrackedItem] = {}
        self._aliases: dict[str, int] = {}
        self._by_gateway: dict[tuple[int, int], TrackedItem] = {}
        # Stable handles of the items of each tag (lower case), oldest first: a bulk
        # command finds 10,000 tags' items, which a walk through every item made quadratic.
        self._by_tag: dict[str, list[int]] = {}
        # What find_all found for each reference as typed; cleared as items or aliases
        # come and go (add, set_alias, drop).
        self._found: dict[str, TrackedItem] = {}
        self._next_item_handle = 1
        self._next_registration_handle = 1
        self.current: Registration | None = None
        self._before_change: list[Callable[[], None]] = []  # see before_next_change
        # Calls out now that add and advise items, by server handle, and what the events
        # of their items said before the answers came (see expecting).
        self._expected: dict[int, int] = {}
        self._early: dict[tuple[int, int], EarlyValues] = {}

    def before_next_change(self, callback: Callable[[], None]) -> None:
        """Call `callback` once, just before the table next changes which item a pair of
        gateway handles names (the event backlog settles what arrived until then)."""
        self._before_change.append(callback)

    def changing(self) -> None:
        """Call the before_next_change callbacks now: which item a pair of gateway handles
        names is about to change (here, or among the items writes kept: session.parking)."""
        callbacks, self._before_change = self._before_change, []
        for callback in callbacks:
            callback()

    # registrations -----------------------------------------------------------
    def add_registration(self, client_name: str, gateway_handle: int) -> Registration:
        registration = Registration(self._next_registration_handle, client_name, gateway_handle)
        self._next_registration_handle += 1
        self.registrations[registration.handle] = registration
        self.current = registration
        return registration

    def registration(self, handle: int | None) -> Registration:
        if handle is None:
            if self.current is None:
                raise ItemLookupError("no registration: use register first")
            return self.current
        try:
            return self.registrations[handle]
        except KeyError:
            raise ItemLookupError(f"no registration with server handle {handle}") from None

    def drop_registration(self, registration: Registration) -> list[TrackedItem]:
        dropped = [i for i in self.items.values() if i.registration is registration]
        for item in dropped:
            self.drop(item)
        del self.registrations[registration.handle]
        if self.current is registration:
            self.current = next(reversed(self.registrations.values()), None)
        return dropped

    @contextmanager
    def expecting(self, registration: Registration) -> Iterator[None]:
        """While a call that adds and advises items of this registration is out (and
        its items are added): the events of items not in the table yet are kept for them."""
        server = registration.gateway_handle
        self._expected[server] = self._expected.get(server, 0) + 1
        try:
            yield
        finally:
            self._expected[server] -= 1
            if not self._expected[server]:
                del self._expected[server]
                for key in [key for key in self._early if key[0] == server]:
                    del self._early[key]

    @staticmethod
    def tag_of(reference: str) -> str:
        """The tag reference to add for a reference that names no item (API 1.7);
        ItemLookupError when it is no tag either (a handle, an alias)."""
        text = reference.strip()
        if text.lstrip("#").isdecimal():
            raise ItemLookupError(f"no item with handle {text}")
        if "." not in text:
            raise ItemLookupError(
                f"no item or alias {text!r} (a tag reference looks like Tank1.Level)"
            )
        return text

    def early(self, server_handle: int, item_handle: int) -> EarlyValues | None:
        """Where an event of an item that is not in the table goes: kept for the item
        while a call that adds items of its registration is out, else None (dropped)."""
        if server_handle not in self._expected:
            return None
        return self._early.setdefault((server_handle, item_handle), EarlyValues())

    # items -------------------------------------------------------------------
    def add(
        self,
        registration: Registration,
        tag_reference: str,
        gateway_handle: int,
        alias: str | None = None,
    ) -> TrackedItem:
        if self._before_change:
            self.changing()
        if alias is not None:
            self.check_alias_free(alias)
        item = TrackedItem(
            self._next_item_handle, tag_reference, registration, gateway_handle, alias
        )
        self._next_item_handle += 1
        self._found.clear()
        self.items[item.handle] = item
        self._by_gateway[(registration.gateway_handle, gateway_handle)] = item
        early = self._early.pop((registration.gateway_handle, gateway_handle), None)
        if early is not None:  # its first events came before it (see expecting)
            for name in _EARLY_FIELDS:
                setattr(item, name, getattr(early, name))
        self._by_tag.setdefault(tag_reference.lower(), []).append(item.handle)
        if alias is not None:
            self._aliases[alias.lower()] = item.handle
        return item

    def check_alias_free(self, alias: str) -> None:
        if not _ALIAS.match(alias):
            raise ItemLookupError(
                f"bad alias {alias!r}: use letters, digits, '_' or '-', starting with a letter"
            )
        if alias.lower() in self._aliases:
            raise ItemLookupError(f"alias {alias!r} is already in use")

    def set_alias(self, item: TrackedItem, alias: str | None) -> None:
        """Give the item another alias (None: none); a refused alias leaves the old one."""
        own = item.alias is not None and alias is not None and alias.lower() == item.alias.lower()
        if alias is not None and not own:
            self.check_alias_free(alias)
        self._found.clear()
        if item.alias is not None:
            self._aliases.pop(item.alias.lower(), None)
        if alias is not None:
            self._aliases[alias.lower()] = item.handle
        item.alias = alias

    def drop(self, item: TrackedItem) -> None:
        self._found.clear()
        if self._before_change:
            self.changing()
        self.items.pop(item.handle, None)
        self._by_gateway.pop((item.registration.gateway_handle, item.gateway_handle), None)
        tag = item.tag_reference.lower()
        same_tag = self._by_tag.get(tag, [])
        if item.handle in same_tag:
            same_tag.remove(item.handle)
            if not same_tag:
                del self._by_tag[tag]
        if item.alias is not None:
            self._aliases.pop(item.alias.lower(), None)

    def find(self, reference: str) -> TrackedItem | None:
        """The item an alias, a stable handle (`7` or `#7`) or a tag reference names."""
        text = reference.strip()
        handle_text = text[1:] if text.startswith("#") else text
        if handle_text.isdecimal():
            return self.items.get(int(handle_text))
        key = text.lower()
        by_alias = self._aliases.get(key)
        if by_alias is not None:
            return self.items.get(by_alias)
        same_tag = self._by_tag.get(key)
        return self.items.get(same_tag[0]) if same_tag else None

    def find_all(self, references: Sequence[str]) -> list[TrackedItem | None]:
        """find() for each of many references (a bulk write's 10,000 tags). A reference
        found before, as typed, is answered from a memo while no item or alias has come
        or gone since (a file written again and again finds its items at once)."""
        found = list(map(self._found.get, references))
        for index in [index for index, item in enumerate(found) if item is None]:
            found[index] = item = self.find(references[index])
            if item is not None:
                self._found[references[index]] = item
        return found

    def by_gateway(self, server_handle: int, item_handle: int) -> TrackedItem | None:
        return self._by_gateway.get((server_handle, item_handle))

    def aliases(self) -> dict[str, int]:
        return {self.items[h].alias or "": h for h in self._aliases.values() if h in self.items}

    # reconnect ---------------------------------------------------------------
    def rebind(self, registration: Registration, gateway_handle: int) -> None:
        """Point a registration at the gateway handle a new session gave it."""
        if self._before_change:
            self.changing()
        registration.gateway_handle = gateway_handle

    def rebind_item(self, item: TrackedItem, gateway_handle: int) -> None:
        if self._before_change:
            self.changing()
        item.gateway_handle = gateway_handle
        item.lost = None

    def reindex(self) -> None:
        if self._before_change:
            self.changing()
        self._by_gateway = {
            (i.registration.gateway_handle, i.gateway_handle): i
            for i in self.items.values()
            if i.lost is None
        }

    def __iter__(self) -> Iterator[TrackedItem]:
        return iter(list(self.items.values()))

    def __len__(self) -> int:
        return len(self.items)

    def advised_count(self) -> int:
        return sum(1 for i in self.items.values() if i.advise != "none" and i.lost is None)
