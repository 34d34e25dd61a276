"""Gateway sessions and the MXAccess handles inside them (registrations and items)."""

from __future__ import annotations

import itertools
import secrets
from collections import Counter
from dataclasses import dataclass, field

from mxshell.sim import codes, wire
from mxshell.sim.auth import ApiKey
from mxshell.sim.event_buffer import EventQueue
from mxshell.sim.faults import OpenStream
from mxshell.sim.plant import Point


@dataclass(eq=False)
class Item:
    """An added item: AddItem's handle on one point, advised or not."""

    handle: int
    server_handle: int
    reference: str  # as the client gave it
    point: Point
    events: EventQueue
    prefix: bytes = b""
    advised: bool = False
    supervisory: bool = False
    advise_token: int = 0

    def __post_init__(self) -> None:
        self.prefix = wire.handle_prefix(self.server_handle, self.handle)


@dataclass(eq=False)
class Registration:
    """Register's server handle: its items and the users authenticated under it."""

    server_handle: int
    client_name: str
    items: dict[int, Item] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)  # authenticated user id -> name
    _handles: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def next_item_handle(self) -> int:
        return next(self._handles)

    def item(self, item_handle: int) -> Item:
        item = self.items.get(item_handle)
        if item is None:
            raise codes.bad_item_handle(self.server_handle, item_handle)
        return item


class Session:
    """One OpenSession: its registrations and its event buffer."""

    def __init__(self, client_name: str, buffer_size: int, owner: ApiKey | None = None) -> None:
        self.session_id = secrets.token_hex(16)
        self.client_name = client_name
        # The API key that opened the session: only it may use the session's id.
        self.owner = owner
        self.events = EventQueue(buffer_size)
        self.registrations: dict[int, Registration] = {}
        self._handles = itertools.count(1)
        self.closed = False
        self.stream: OpenStream | None = None  # the StreamEvents call draining the events
        # Invoke calls by command field ("add_item", "subscribe_bulk"): for tests that
        # count a command's round trips.
        self.invoked: Counter[str] = Counter()

    def register(self, client_name: str) -> Registration:
        registration = Registration(next(self._handles), client_name)
        self.registrations[registration.server_handle] = registration
        return registration

    def registration(self, server_handle: int) -> Registration:
        registration = self.registrations.get(server_handle)
        if registration is None:
            raise codes.bad_server_handle(server_handle)
        return registration

    def item(self, server_handle: int, item_handle: int) -> Item:
        return self.registration(server_handle).item(item_handle)

    def items(self) -> list[Item]:
        return [i for r in self.registrations.values() for i in r.items.values()]
