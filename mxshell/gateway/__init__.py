"""The async client library for MXAccess gateways: sessions, Galaxy, values, typed errors."""

from __future__ import annotations

from mxshell.gateway import errors
from mxshell.gateway.channel import DEFAULT_CHANNEL_ARGS, ChannelOptions, create_channel
from mxshell.gateway.client import GatewayClient
from mxshell.gateway.errors import (
    ClientClosedError,
    DeadlineExceededError,
    FailedPreconditionError,
    GatewayError,
    InvalidArgumentError,
    MxAccessError,
    PermissionDeniedError,
    ProtocolError,
    SessionNotFoundError,
    UnauthenticatedError,
    UnavailableError,
    translate_rpc_error,
)
from mxshell.gateway.galaxy import GalaxyRepositoryClient
from mxshell.gateway.protocol import command_name
from mxshell.gateway.session import Session
from mxshell.gateway.status import (
    category_name,
    describe_status,
    describe_statuses,
    detected_by_name,
    format_hresult,
    format_quality,
    quality_is_good,
    quality_name,
    status_ok,
)
from mxshell.gateway.value_decode import from_mx_value, mx_value_kind
from mxshell.gateway.value_text import parse_value_text, texts_to_mx_values
from mxshell.gateway.values import TYPE_NAMES, normalize_type_name, to_mx_value, type_name_for
from mxshell.gateway.verdicts import BulkAnswers

__all__ = [
    "DEFAULT_CHANNEL_ARGS",
    "BulkAnswers",
    "TYPE_NAMES",
    "ChannelOptions",
    "ClientClosedError",
    "DeadlineExceededError",
    "FailedPreconditionError",
    "GalaxyRepositoryClient",
    "GatewayClient",
    "GatewayError",
    "InvalidArgumentError",
    "MxAccessError",
    "PermissionDeniedError",
    "ProtocolError",
    "Session",
    "SessionNotFoundError",
    "UnauthenticatedError",
    "UnavailableError",
    "category_name",
    "command_name",
    "create_channel",
    "describe_status",
    "describe_statuses",
    "detected_by_name",
    "errors",
    "format_hresult",
    "format_quality",
    "from_mx_value",
    "mx_value_kind",
    "normalize_type_name",
    "parse_value_text",
    "texts_to_mx_values",
    "quality_is_good",
    "quality_name",
    "status_ok",
    "to_mx_value",
    "translate_rpc_error",
    "type_name_for",
]
