"""API keys: bearer-token authentication, scopes and tag constraints.

Keys are looked up by their SHA-256 digest, so the secret itself is never a dict key
and never part of a message: error texts say which scope or tag failed, not which key.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import grpc

from mxshell.sim.rpc import abort

SESSION = "session"
READ = "read"
WRITE = "write"
WRITE_SECURED = "write-secured"
METADATA_READ = "metadata:read"
ALL_SCOPES = frozenset({SESSION, READ, WRITE, WRITE_SECURED, METADATA_READ})

# Invoke command (the InvokeRequest oneof field) -> the scope it needs.
COMMAND_SCOPES: dict[str, str] = {
    "register": SESSION,
    "unregister": SESSION,
    **dict.fromkeys(
        (
            "add_item",
            "remove_item",
            "advise",
            "advise_supervisory",
            "un_advise",
            "add_item_bulk",
            "advise_item_bulk",
            "remove_item_bulk",
            "un_advise_item_bulk",
            "subscribe_bulk",
            "unsubscribe_bulk",
            "read_bulk",
        ),
        READ,
    ),
    **dict.fromkeys(("write", "write2", "write_bulk", "write2_bulk"), WRITE),
    **dict.fromkeys(
        (
            "write_secured",
            "write_secured2",
            "write_secured_bulk",
            "write_secured2_bulk",
            "authenticate_user",
        ),
        WRITE_SECURED,
    ),
}


@dataclass(frozen=True)
class ApiKey:
    """A gateway API key. Its repr shows the name and scopes, never the secret."""

    key: str = field(repr=False)
    scopes: frozenset[str]
    tag_globs: tuple[str, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "scopes", frozenset(self.scopes))
        object.__setattr__(self, "tag_globs", tuple(self.tag_globs))

    def __repr__(self) -> str:
        globs = f", tag_globs={list(self.tag_globs)!r}" if self.tag_globs else ""
        return f"ApiKey(name={self.name!r}, scopes={sorted(self.scopes)!r}{globs})"

    __str__ = __repr__

    @classmethod
    def all_scopes(cls, key: str, name: str = "") -> ApiKey:
        return cls(key=key, scopes=ALL_SCOPES, name=name)

    @classmethod
    def generated(cls) -> ApiKey:
        """A new key with every scope, for a simulator given none. It never starts with
        `-`, which a command line would read as an option (`--api-key -x…` is refused)."""
        return cls.all_scopes(f"mxsim-{secrets.token_urlsafe(24)}", name="generated")

    def allows_tag(self, reference: str) -> bool:
        """Whether the tag constraint admits the reference (no globs: every tag)."""
        return not self.tag_globs or _glob_pattern(self.tag_globs).match(reference) is not None


@lru_cache(maxsize=64)
def _glob_pattern(globs: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(fnmatch.translate(g) for g in globs), re.IGNORECASE)


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


class KeyRing:
    """The keys a gateway accepts, and the per-call checks against them."""

    def __init__(self, keys: Iterable[ApiKey]) -> None:
        self._by_digest = {_digest(k.key): k for k in keys}

    def identify(self, metadata: Sequence[tuple[str, str | bytes]] | None) -> ApiKey | None:
        for name, value in metadata or ():
            if name.lower() != "authorization" or not isinstance(value, str):
                continue
            scheme, _, secret = value.strip().partition(" ")
            if scheme.lower() == "bearer" and secret.strip():
                return self._by_digest.get(_digest(secret.strip()))
        return None

    async def authenticate(self, context: grpc.aio.ServicerContext) -> ApiKey:
        """The caller's key; a call without a known key is aborted UNAUTHENTICATED."""
        metadata = context.invocation_metadata()
        key = self.identify(metadata)
        if key is None:
            has_header = any(n.lower() == "authorization" for n, _ in metadata or ())
            reason = (
                "unknown API key"
                if has_header
                else ("missing API key: send 'authorization: Bearer <key>' metadata")
            )
            await abort(context, grpc.StatusCode.UNAUTHENTICATED, reason)
        return key

    async def authorize(self, context: grpc.aio.ServicerContext, scope: str) -> ApiKey:
        """The caller's key if it carries the scope; else the call is aborted."""
        key = await self.authenticate(context)
        await require_scope(context, key, scope)
        return key


async def require_scope(context: grpc.aio.ServicerContext, key: ApiKey, scope: str) -> None:
    """Abort PERMISSION_DENIED unless the key carries the scope."""
    if scope not in key.scopes:
        label = f" ({key.name})" if key.name else ""
        await abort(
            context,
            grpc.StatusCode.PERMISSION_DENIED,
            f"this API key{label} lacks the {scope!r} scope",
        )
