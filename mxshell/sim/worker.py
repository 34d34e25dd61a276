"""MXAccess semantics: what each command does to a session's handles and the runtime.

This is the part a real gateway hands to its COM worker. Failures are raised as
codes.MxError (TagDenied for a tag outside the API key's constraint); the service
turns them into the reply's hresult and statuses.
"""

from __future__ import annotations

import hmac
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from mxshell.contract import mx, types
from mxshell.sim import codes, wire
from mxshell.sim import wire_values as values
from mxshell.sim.auth import WRITE_SECURED, ApiKey
from mxshell.sim.codes import Detail
from mxshell.sim.galaxy_model import Galaxy, Resolved
from mxshell.sim.plant import ElementPoint, PlantRuntime, Point
from mxshell.sim.sessions import Item, Registration, Session
from mxshell.sim.users import REQUIRED_ROLE, SimUser

_WRITE_COMPLETE_OK = mx.OnWriteComplete(statuses=[codes.OK_STATUS]).SerializeToString()


class MxAccessWorker:
    def __init__(self, galaxy: Galaxy, runtime: PlantRuntime, users: dict[str, SimUser]) -> None:
        self.galaxy = galaxy
        self.runtime = runtime
        self._users = {name.lower(): user for name, user in users.items()}
        self._user_ids = {name.lower(): n for n, name in enumerate(users, start=1)}

    # Registrations -----------------------------------------------------------------------

    def register(self, session: Session, client_name: str) -> int:
        return session.register(client_name).server_handle

    def unregister(self, session: Session, server_handle: int) -> None:
        registration = session.registration(server_handle)
        for item in list(registration.items.values()):
            self._release(registration, item)
        del session.registrations[server_handle]

    def close(self, session: Session) -> None:
        for server_handle in list(session.registrations):
            self.unregister(session, server_handle)

    def authenticate_user(
        self, session: Session, server_handle: int, user_name: str, password: str
    ) -> int:
        registration = session.registration(server_handle)
        user = self._users.get(user_name.lower())
        if user is None or not hmac.compare_digest(user.password.encode(), password.encode()):
            raise codes.security(
                codes.E_LOGON_FAILURE, Detail.LOGON_FAILED, "unknown user name or wrong password"
            )
        user_id = self._user_ids[user_name.lower()]
        registration.users[user_id] = user_name.lower()
        return user_id

    # Items and advises ---------------------------------------------------------------------

    def add_item(self, session: Session, key: ApiKey, server_handle: int, reference: str) -> Item:
        registration = session.registration(server_handle)
        point = self.point(key, reference)
        item = Item(
            registration.next_item_handle(), server_handle, reference, point, session.events
        )
        registration.items[item.handle] = item
        return item

    def point(self, key: ApiKey, reference: str) -> Point:
        """The live point of a reference the key may touch (checked before and after lookup)."""
        if not key.allows_tag(reference):
            raise codes.outside_constraint(reference)
        resolved = self.galaxy.resolve(reference)
        if resolved is None:
            raise codes.unknown_tag(reference)
        if not key.allows_tag(resolved.reference):
            raise codes.outside_constraint(reference)
        if resolved.bare_array:
            raise codes.array_without_index(reference.strip())
        if resolved.element is not None:
            array = Resolved(resolved.obj, resolved.attr, resolved.reference.partition("[")[0])
            length = len(self.runtime.point(array).value)
            check_element(resolved.element, length, reference.strip())
        return self.runtime.point(resolved)

    def item(self, session: Session, key: ApiKey, server_handle: int, item_handle: int) -> Item:
        item = session.item(server_handle, item_handle)
        if not key.allows_tag(item.point.reference):
            raise codes.outside_constraint(item.reference)
        return item

    def remove_item(
        self, session: Session, key: ApiKey, server_handle: int, item_handle: int
    ) -> Item:
        item = self.item(session, key, server_handle, item_handle)
        self._release(session.registration(server_handle), item)
        return item

    def _release(self, registration: Registration, item: Item) -> None:
        if item.advised:
            self.runtime.unadvise(item.point, item)
        del registration.items[item.handle]

    def advise(
        self,
        session: Session,
        key: ApiKey,
        server_handle: int,
        item_handle: int,
        supervisory: bool = False,
    ) -> Item:
        item = self.item(session, key, server_handle, item_handle)
        if item.advised:
            self.runtime.unadvise(item.point, item)
        item.advised, item.supervisory = True, supervisory
        self.runtime.advise(item.point, item)
        return item

    def un_advise(
        self, session: Session, key: ApiKey, server_handle: int, item_handle: int
    ) -> Item:
        item = self.item(session, key, server_handle, item_handle)
        if item.advised:
            self.runtime.unadvise(item.point, item)
        item.advised = item.supervisory = False
        return item

    # Writes --------------------------------------------------------------------------------

    def write(
        self,
        session: Session,
        key: ApiKey,
        server_handle: int,
        item_handle: int,
        value: types.MxValue,
        timestamp: Timestamp | None = None,
        secured: tuple[int, int] | None = None,
    ) -> Item:
        """Write (secured=None) or WriteSecured (secured=(current, verifier) user ids)."""
        item = self.item(session, key, server_handle, item_handle)
        point = item.point
        if point.undeployed:
            raise codes.object_undeployed(point.reference)
        if isinstance(point, ElementPoint):  # the array may have shrunk since AddItem
            check_element(point.index, len(point.base.value), point.reference)
        self._check_security(session.registration(server_handle), key, item, secured)
        new_value = values.from_write(
            point.reference, point.attr.data_type, point.attr.is_array, value
        )
        stamp = None
        if timestamp is not None and (timestamp.seconds or timestamp.nanos):
            stamp = timestamp.seconds * 1_000_000_000 + timestamp.nanos
        session.events.push(wire.ON_WRITE_COMPLETE, item.prefix, _WRITE_COMPLETE_OK)
        self.runtime.write(point, new_value, stamp)
        return item

    def _check_security(
        self,
        registration: Registration,
        key: ApiKey,
        item: Item,
        secured: tuple[int, int] | None,
    ) -> None:
        ref, classification = item.point.reference, item.point.attr.security
        supervisory = item.supervisory
        if classification == types.SECURITY_CLASSIFICATION_VIEW_ONLY:
            raise codes.security(
                codes.E_ACCESSDENIED,
                Detail.VIEW_ONLY,
                f"{ref} is ViewOnly: it cannot be written at runtime",
            )
        if secured is None:
            if classification == types.SECURITY_CLASSIFICATION_VERIFIED_WRITE:
                raise codes.security(
                    codes.E_ACCESSDENIED,
                    Detail.VERIFIED_WRITE_REQUIRED,
                    f"{ref} is VerifiedWrite: use WriteSecured with a user and a verifier",
                )
            if classification != types.SECURITY_CLASSIFICATION_SECURED_WRITE:
                return
            if not supervisory:
                raise codes.security(
                    codes.E_ACCESSDENIED,
                    Detail.SECURED_WRITE_REQUIRED,
                    f"{ref} is SecuredWrite: use WriteSecured with an authenticated user",
                )
            # Supervisory advise lets a plain Write through user security; only a key
            # trusted with secured writes may use that door.
            if WRITE_SECURED not in key.scopes:
                raise codes.supervisory_needs_write_secured(ref)
            return
        current, verifier = secured
        if current not in registration.users:
            raise codes.security(
                codes.E_ACCESSDENIED,
                Detail.USER_NOT_AUTHENTICATED,
                f"user id {current} is not authenticated under server handle "
                f"{registration.server_handle}",
            )
        self._check_role(ref, classification, registration.users[current])
        if classification != types.SECURITY_CLASSIFICATION_VERIFIED_WRITE:
            return
        if verifier not in registration.users:
            raise codes.security(
                codes.E_ACCESSDENIED,
                Detail.VERIFIED_WRITE_REQUIRED,
                f"{ref} is VerifiedWrite: verifier user id {verifier} is not authenticated",
            )
        if registration.users[verifier] == registration.users[current]:
            raise codes.security(
                codes.E_ACCESSDENIED,
                Detail.VERIFIED_WRITE_REQUIRED,
                f"{ref} is VerifiedWrite: the verifier must be a different user than the writer",
            )

    def _check_role(self, reference: str, classification: int, user_name: str) -> None:
        """A WriteSecured writer must hold the role its classification asks for."""
        required = REQUIRED_ROLE.get(classification)
        user = self._users[user_name]
        if required is not None and required[1] not in user.roles:
            name, role = required
            raise codes.role_not_granted(reference, name, user_name, user.role_names(), role)

    # Reads ---------------------------------------------------------------------------------

    @staticmethod
    def advised_item(session: Session, point: Point) -> Item | None:
        """An item of this session that advises the point and has had its first value."""
        for adviser in point.advisers:
            if adviser.events is session.events:
                return adviser  # type: ignore[return-value]
        return None


def current_value(point: Point) -> dict[str, Any]:
    """The BulkReadResult fields of a point's current value."""
    return {
        "value": point.mx_value(),
        "quality": point.quality,
        "timestamp": values.timestamp(point.timestamp_ns),
    }


def check_element(index: int, length: int, reference: str) -> None:
    """Attr[N] names an element from 1 to the array's length, or is an MXAccess failure."""
    if not 1 <= index <= length:
        raise codes.index_out_of_range(reference, length)
