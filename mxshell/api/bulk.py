"""Bulk calls on the session for a plugin: many entries per round trip, the item table
kept in step, each entry answered on its own, a write never sent twice. Public under
mxshell.api.API_VERSION."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mxshell.api.context import ShellContext
from mxshell.api.conversion import password_from, refusals
from mxshell.api.shell_session import ShellSession
from mxshell.commands import Settings, Table
from mxshell.output import render_result
from mxshell.session import Registration
from mxshell.session.batches import (
    READ_CALL_ENTRIES,
    READS_IN_FLIGHT,
    BulkRun,
    EntryResult,
    ItemMethod,
    WriteMethod,
    add_items,
    count_failed,
    item_calls,
    read_tags,
)
from mxshell.session.bulk_writes import (
    UsersOf,
    WriteEntry,
    WriteResults,
    write_items,
    write_values,
)


@dataclass(repr=False)
class Credentials:
    """Who makes secured writes (WriteSecuredBulk): the user, and for VerifiedWrite a
    verifier (API 1.2). Passwords as given; `secrets` masks them in any error."""

    user: str
    password: str
    verifier: str | None = None
    verifier_password: str | None = None

    @property
    def secrets(self) -> list[str]:
        return [p for p in (self.password, self.verifier_password) if p]

    @classmethod
    async def asked(cls, ctx: ShellContext, options: Mapping[str, Any]) -> Credentials:
        """From SECURED_ARGS' options (--user, --password-env, --verifier,
        --verifier-password-env): each password from its variable, else asked, hidden."""
        user, verifier = options["user"], options.get("verifier")
        password = await password_from(ctx, options.get("password_env"), user)
        checked = None
        if verifier:
            checked = await password_from(ctx, options.get("verifier_password_env"), verifier)
        return cls(user, password, verifier, checked)


async def user_ids(session: ShellSession, first: int, credentials: Credentials) -> UsersOf:
    """write_items' `users` for a secured write: the user (and verifier) authenticated
    under each registration the write goes through, once each, since a user id holds
    under the server handle that authenticated it only. Under `first` (a server handle)
    now: a wrong password stops the write before anything is sent."""
    known: dict[int, tuple[int, int]] = {}

    async def under(handle: int) -> tuple[int, int]:
        if handle not in known:
            with refusals(credentials.user, credentials.secrets):
                user = await session.authenticate_user(
                    credentials.user, credentials.password, handle
                )
            verifier = 0
            if credentials.verifier and credentials.verifier_password:
                with refusals(credentials.verifier, credentials.secrets):
                    verifier = await session.authenticate_user(
                        credentials.verifier, credentials.verifier_password, handle
                    )
            known[handle] = (user, verifier)
        return known[handle]

    await under(first)

    async def users(registration: Registration) -> tuple[int, int]:
        return await under(registration.handle)

    return users


__all__ = [
    "READS_IN_FLIGHT",
    "READ_CALL_ENTRIES",
    "BulkReport",
    "BulkRun",
    "Credentials",
    "EntryResult",
    "ItemMethod",
    "WriteEntry",
    "WriteMethod",
    "WriteResults",
    "add_items",
    "count_failed",
    "item_calls",
    "read_tags",
    "user_ids",
    "UsersOf",
    "write_items",
    "write_values",
]


@dataclass
class BulkReport:
    """What a bulk command returns: one row per entry and the counts (API 1.1). As text,
    the table and a summary line; as JSON, {"entries": [row objects], "total", "succeeded",
    "failed", "calls"}. Carried by the CommandFailed of a batch that partly failed."""

    command: str
    table: Table
    total: int
    failed: int
    calls: int
    settings: Settings

    def summary(self) -> str:
        total = self.total
        text = f"{self.command}: {total} entries, {total - self.failed} ok, {self.failed} failed"
        return text + (f" ({self.calls} bulk calls)" if self.calls > 1 else "")

    def as_text(self, format_value: Any) -> str:
        return f"{render_result(self.table, self.settings)}\n{self.summary()}"

    def as_data(self) -> dict[str, Any]:
        return {
            "entries": self.table.records(),
            "total": self.total,
            "succeeded": self.total - self.failed,
            "failed": self.failed,
            "calls": self.calls,
        }
