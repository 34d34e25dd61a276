"""The gateway as a plugin may use it beyond the session: the contract's messages, value
conversion and MXAccess statuses. Public under mxshell.api.API_VERSION."""

from __future__ import annotations

from mxshell.contract import galaxy, mx, types
from mxshell.gateway import (
    TYPE_NAMES,
    BulkAnswers,
    GalaxyRepositoryClient,
    GatewayClient,
    GatewayError,
    MxAccessError,
    describe_status,
    format_quality,
    from_mx_value,
    mx_value_kind,
    parse_value_text,
    quality_is_good,
    quality_name,
    to_mx_value,
)
from mxshell.gateway.status import (
    CATEGORY_SECURITY_ERROR,
    array_hint,
    hresult_name,
    hresult_unsigned,
)
from mxshell.gateway.value_decode import kind_value, timestamp_datetime, utc_datetime, utc_text
from mxshell.gateway.values import INT32_MAX, INT32_MIN, ScalarColumn

__all__ = [
    "CATEGORY_SECURITY_ERROR",
    "INT32_MAX",
    "BulkAnswers",
    "ScalarColumn",
    "INT32_MIN",
    "TYPE_NAMES",
    "GalaxyRepositoryClient",
    "GatewayClient",
    "GatewayError",
    "MxAccessError",
    "array_hint",
    "describe_status",
    "format_quality",
    "from_mx_value",
    "galaxy",
    "hresult_name",
    "hresult_unsigned",
    "kind_value",
    "mx",
    "mx_value_kind",
    "parse_value_text",
    "quality_is_good",
    "quality_name",
    "timestamp_datetime",
    "to_mx_value",
    "types",
    "utc_datetime",
    "utc_text",
]
