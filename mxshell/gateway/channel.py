"""Where and how to reach a gateway: endpoint, TLS or plaintext, API key, channel arguments."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import grpc

from mxshell.base.cmdline import read_pem
from mxshell.gateway.errors import UnavailableError

_MIB = 1024 * 1024

# A bulk reply for a million entries runs to tens of megabytes; gRPC's 4 MiB default
# would refuse it. Keepalive pings only while calls are open, and no more often than
# gRPC servers allow by default (5 minutes): more frequent pings on an idle event
# stream make a default server close the connection ("too_many_pings").
DEFAULT_CHANNEL_ARGS: tuple[tuple[str, Any], ...] = (
    ("grpc.max_receive_message_length", 512 * _MIB),
    ("grpc.max_send_message_length", 256 * _MIB),
    ("grpc.keepalive_time_ms", 300_000),
    ("grpc.keepalive_timeout_ms", 20_000),
    ("grpc.keepalive_permit_without_calls", 0),
    ("grpc.primary_user_agent", "mxshell-gateway-client"),
)

_ENDPOINT = re.compile(
    r"^(?:\[(?P<ipv6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9._-]+)):(?P<port>\d+)$"
)


@dataclass(frozen=True)
class ChannelOptions:
    """How to reach a gateway. TLS unless `plaintext` is asked for; the key is never shown."""

    endpoint: str
    api_key: str | None = field(default=None, repr=False)
    plaintext: bool = False
    ca_file: str | None = None
    server_name_override: str | None = None
    options: tuple[tuple[str, Any], ...] = DEFAULT_CHANNEL_ARGS

    def __post_init__(self) -> None:
        match = _ENDPOINT.match(self.endpoint)
        if match is None:
            raise ValueError(
                f"endpoint {self.endpoint!r} is not host:port (for example localhost:5000)"
            )
        if not 0 < int(match["port"]) < 65536:
            raise ValueError(f"endpoint {self.endpoint!r} has no valid port (1..65535)")
        if self.api_key is not None:
            # The message must not quote the key: it is a secret even when malformed.
            if not self.api_key:
                raise ValueError("the API key is empty")
            if not all(" " < ch < "\x7f" for ch in self.api_key):
                raise ValueError("the API key has spaces or characters outside printable ASCII")
        if self.plaintext and (self.ca_file or self.server_name_override):
            raise ValueError("ca_file and server_name_override apply to TLS, not plaintext")
        pairs = self.options.items() if isinstance(self.options, Mapping) else self.options
        object.__setattr__(self, "options", tuple(tuple(pair) for pair in pairs))

    def __repr__(self) -> str:
        key = "<set>" if self.api_key else None
        return (
            f"ChannelOptions(endpoint={self.endpoint!r}, api_key={key}, "
            f"plaintext={self.plaintext}, ca_file={self.ca_file!r}, "
            f"server_name_override={self.server_name_override!r})"
        )

    __str__ = __repr__

    @property
    def tls(self) -> bool:
        return not self.plaintext

    def call_metadata(self) -> tuple[tuple[str, str], ...]:
        """The metadata every call carries: the API key as a bearer token, if there is one."""
        if not self.api_key:
            return ()
        return (("authorization", f"Bearer {self.api_key}"),)

    def channel_args(self) -> list[tuple[str, Any]]:
        args = list(self.options)
        if self.server_name_override:
            args.append(("grpc.ssl_target_name_override", self.server_name_override))
            args.append(("grpc.default_authority", self.server_name_override))
        return args


def is_loopback(endpoint: str) -> bool:
    """Whether HOST:PORT (or [v6]:PORT, or unix:PATH) stays on this machine."""
    import ipaddress

    if endpoint.startswith("unix:"):
        return True
    host = endpoint.rsplit(":", 1)[0] if ":" in endpoint else endpoint
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it may resolve anywhere


# What a CA file must hold: certificates (a private key or a DER file is a mistake).
CA_BLOCK = "CERTIFICATE-----"


def create_channel(options: ChannelOptions) -> grpc.aio.Channel:
    """An aio channel as `options` say: plaintext, or TLS with system roots or ca_file.

    The API key is not attached to the channel (call credentials need TLS): every call
    passes `options.call_metadata()`; GatewayClient does that for all of its calls.
    """
    if options.plaintext:
        return grpc.aio.insecure_channel(options.endpoint, options=options.channel_args())
    root_certificates = read_pem(options.ca_file, "CA file", CA_BLOCK) if options.ca_file else None
    credentials = grpc.ssl_channel_credentials(root_certificates=root_certificates)
    return grpc.aio.secure_channel(options.endpoint, credentials, options=options.channel_args())


def resolve_options(
    endpoint: str | ChannelOptions | None,
    api_key: str | None,
    *,
    plaintext: bool,
    ca_file: str | None,
    server_name_override: str | None,
    options: ChannelOptions | None,
) -> ChannelOptions:
    """ChannelOptions from connect()'s arguments: either a ChannelOptions, or its fields."""
    if isinstance(endpoint, ChannelOptions):
        if options is not None:
            raise TypeError("pass ChannelOptions once: as endpoint or as options")
        options, endpoint = endpoint, None
    if options is not None:
        if endpoint is not None or api_key or plaintext or ca_file or server_name_override:
            raise TypeError("with ChannelOptions, give no other connection arguments")
        return options
    if endpoint is None:
        raise TypeError("connect() needs an endpoint or ChannelOptions")
    return ChannelOptions(
        endpoint,
        api_key=api_key,
        plaintext=plaintext,
        ca_file=ca_file,
        server_name_override=server_name_override,
    )


async def open_channel(options: ChannelOptions, timeout: float | None) -> grpc.aio.Channel:
    """A channel; with a timeout, one that is connected within it (else UnavailableError)."""
    channel = create_channel(options)
    if timeout is not None:
        try:
            await asyncio.wait_for(channel.channel_ready(), timeout)
        except TimeoutError:
            await channel.close()
            raise UnavailableError(
                f"could not connect to {options.endpoint} within {timeout:g} s"
                f" ({'plaintext' if options.plaintext else 'TLS'})"
            ) from None
    return channel
