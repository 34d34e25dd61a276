"""The Galaxy's users: AuthenticateUser credentials and the roles that let a user write.

As in a Galaxy's security model, a role grants the writes of one security
classification: Operate, Tune or Configure. docs/simulator.md has the tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mxshell.contract import types

# The roles a user may hold, in the order a message lists them.
ROLES: tuple[str, ...] = ("Operate", "Tune", "Configure")

# The role a WriteSecured writer needs, by classification: (classification, role).
# SecuredWrite and VerifiedWrite are operate-level writes that also demand
# authentication; FreeAccess needs no role, and ViewOnly is refused before any role
# is asked for.
REQUIRED_ROLE: dict[int, tuple[str, str]] = {
    types.SECURITY_CLASSIFICATION_OPERATE: ("Operate", "Operate"),
    types.SECURITY_CLASSIFICATION_SECURED_WRITE: ("SecuredWrite", "Operate"),
    types.SECURITY_CLASSIFICATION_VERIFIED_WRITE: ("VerifiedWrite", "Operate"),
    types.SECURITY_CLASSIFICATION_TUNE: ("Tune", "Tune"),
    types.SECURITY_CLASSIFICATION_CONFIGURE: ("Configure", "Configure"),
}


@dataclass(frozen=True)
class SimUser:
    """A user AuthenticateUser knows: a password and the roles granted to it."""

    password: str = field(repr=False)
    roles: frozenset[str] = frozenset({"Operate"})

    def __post_init__(self) -> None:
        if not isinstance(self.password, str):
            raise ValueError("a user's password must be a string")
        object.__setattr__(self, "roles", frozenset(self.roles))  # a list or set will do
        unknown = set(self.roles) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles {sorted(unknown)} (roles are {', '.join(ROLES)})")

    def role_names(self) -> str:
        """The roles as a message lists them: 'Operate, Tune', or 'none'."""
        return ", ".join(r for r in ROLES if r in self.roles) or "none"


# The demo plant's users (its model file carries the same table).
DEFAULT_USERS: dict[str, SimUser] = {
    "operator": SimUser("operator1", frozenset({"Operate"})),
    "supervisor": SimUser("supervisor1", frozenset({"Operate", "Tune"})),
    "engineer": SimUser("engineer1", frozenset({"Operate", "Tune", "Configure"})),
}


def user_table(users: Mapping[str, str | SimUser]) -> dict[str, SimUser]:
    """SimConfig.users as SimUsers: a plain password is a user with the Operate role."""
    table: dict[str, SimUser] = {}
    for name, user in users.items():
        if not isinstance(user, SimUser | str):
            raise ValueError(f"SimConfig.users[{name!r}]: a password string or a SimUser")
        if name.lower() in (known.lower() for known in table):
            raise ValueError(f"SimConfig.users[{name!r}]: listed twice (names ignore case)")
        table[name] = user if isinstance(user, SimUser) else SimUser(user)
    return table


def read_users(specs: Any) -> dict[str, SimUser]:
    """A model file's "users" table: {name: {"password": ..., "roles": [...]}}.

    Raises ValueError naming the user and the field; role names ignore case.
    """
    if not isinstance(specs, dict):
        raise ValueError("'users' must be a table of user name -> {password, roles}")
    users: dict[str, SimUser] = {}
    seen: set[str] = set()
    for name, spec in specs.items():
        where = f"users.{name}"
        if name.lower() in seen:
            raise ValueError(f"{where}: the user is listed twice (names ignore case)")
        seen.add(name.lower())
        if not isinstance(spec, dict):
            raise ValueError(f"{where}: must be a table with 'password' and 'roles'")
        unknown = set(spec) - {"password", "roles"}
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
        password, roles = spec.get("password"), spec.get("roles")
        if not isinstance(password, str) or not password:
            raise ValueError(f"{where}: 'password' must be a non-empty string")
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise ValueError(f"{where}: 'roles' must be a list of role names ({', '.join(ROLES)})")
        canonical = {r.lower(): r for r in ROLES}
        bad = [r for r in roles if r.lower() not in canonical]
        if bad:
            raise ValueError(f"{where}: unknown roles {bad} (roles are {', '.join(ROLES)})")
        users[name] = SimUser(password, frozenset(canonical[r.lower()] for r in roles))
    return users
