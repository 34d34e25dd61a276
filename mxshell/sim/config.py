"""SimConfig: everything a simulated gateway is started with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mxshell.sim.auth import ApiKey
from mxshell.sim.users import DEFAULT_USERS, SimUser, user_table

__all__ = ["DEFAULT_USERS", "SimConfig"]


@dataclass
class SimConfig:
    """How to run a simulated gateway. Defaults suit an embedded, local demo."""

    host: str = "127.0.0.1"
    port: int = 0  # 0: pick a free port
    api_keys: list[ApiKey] | None = None  # None: one random key with every scope
    galaxy_model: Path | None = None  # None: the shipped demo plant
    generate_attributes: int | None = None  # set: generate a Galaxy of about this size
    event_buffer_size: int = 10_000  # per session; overflow drops the oldest events
    max_batch_size: int = 500  # events per StreamEventsResponse
    max_bulk_entries: int = 10_000
    # What OpenSession announces; a gateway without the bulk tokens is an older one.
    capabilities: tuple[str, ...] = ("bulk-read-commands", "bulk-write-commands", "batched-events")
    update_interval_s: float = 0.5
    # AuthenticateUser's users: name -> SimUser, or a plain password (the Operate role).
    # None: the model file's "users" table, else DEFAULT_USERS.
    users: Mapping[str, str | SimUser] | None = field(default=None, repr=False)
    tls_cert_chain: bytes | None = field(default=None, repr=False)
    tls_private_key: bytes | None = field(default=None, repr=False)
    default_read_timeout_ms: int = 2000

    def __post_init__(self) -> None:
        if self.api_keys is None:
            self.api_keys = [ApiKey.generated()]
        if self.event_buffer_size < 1 or self.max_batch_size < 1:
            raise ValueError("event_buffer_size and max_batch_size must be at least 1")
        if self.users is not None:
            user_table(self.users)  # a bad entry is a ValueError here, not at AuthenticateUser
        if self.update_interval_s <= 0:
            raise ValueError("update_interval_s must be positive")
        if (self.tls_cert_chain is None) != (self.tls_private_key is None):
            raise ValueError("TLS needs both tls_cert_chain and tls_private_key")

    @property
    def keys(self) -> list[ApiKey]:
        return list(self.api_keys or ())

    @property
    def uses_tls(self) -> bool:
        return self.tls_cert_chain is not None and self.tls_private_key is not None
