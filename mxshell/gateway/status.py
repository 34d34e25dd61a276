"""Names for MXAccess's integer codes: status categories and detectors, qualities, HRESULTs."""

from __future__ import annotations

from collections.abc import Iterable

from mxshell.contract import types

# MXSTATUS_PROXY category codes, in MXAccess's order, and detectedBy codes (which layer
# found the problem), numbered like MXAccess's MxStatusCategory / MxStatusSource with -1
# for unknown. The numbers are unconfirmed against AVEVA's documentation: every
# code-to-name table lives in this module so that a correction is a one-line change.
CATEGORY_NAMES: dict[int, str] = {
    -1: "Unknown",
    0: "Ok",
    1: "Pending",
    2: "Warning",
    3: "CommunicationError",
    4: "ConfigurationError",
    5: "OperationalError",
    6: "SecurityError",
    7: "SoftwareError",
    8: "OtherError",
}

DETECTED_BY_NAMES: dict[int, str] = {
    -1: "unknown",
    0: "requesting LMX",
    1: "responding LMX",
    2: "requesting NMX",
    3: "responding NMX",
    4: "requesting automation object",
    5: "responding automation object",
}

CATEGORY_OK = 0
CATEGORY_COMMUNICATION_ERROR = 3
# What MXAccess answers for an array attribute named without [] or [N] (a live Galaxy).
DETAIL_ARRAY_WITHOUT_INDEX = 1003
CATEGORY_SECURITY_ERROR = 6

# OPC DA qualities by their low byte with the limit bits (the low two) cleared.
QUALITY_NAMES: dict[int, str] = {
    0xC0: "Good",
    0xD8: "Good, local override",
    0x40: "Uncertain",
    0x44: "Uncertain, last usable value",
    0x50: "Uncertain, sensor not accurate",
    0x54: "Uncertain, engineering units exceeded",
    0x58: "Uncertain, sub-normal",
    0x00: "Bad",
    0x04: "Bad, configuration error",
    0x08: "Bad, not connected",
    0x0C: "Bad, device failure",
    0x10: "Bad, sensor failure",
    0x14: "Bad, last known value",
    0x18: "Bad, communication failure",
    0x1C: "Bad, out of service",
    0x20: "Bad, waiting for initial data",
}

# The quality's top two bits; 0x80 is not assigned by OPC DA.
_QUALITY_MAJOR: dict[int, str] = {0xC0: "Good", 0x40: "Uncertain", 0x00: "Bad", 0x80: "Unknown"}
_LIMIT_NAMES: dict[int, str] = {1: "low limited", 2: "high limited", 3: "constant"}

QUALITY_GOOD = 0xC0

# Well-known COM HRESULTs, keyed by their unsigned 32-bit value.
HRESULT_NAMES: dict[int, str] = {
    0x00000000: "S_OK",
    0x00000001: "S_FALSE",
    0x80004001: "E_NOTIMPL",
    0x80004002: "E_NOINTERFACE",
    0x80004003: "E_POINTER",
    0x80004004: "E_ABORT",
    0x80004005: "E_FAIL",
    0x8000FFFF: "E_UNEXPECTED",
    0x8000000A: "E_PENDING",
    0x80070005: "E_ACCESSDENIED",
    0x80070006: "E_HANDLE",
    0x8007000E: "E_OUTOFMEMORY",
    0x80070057: "E_INVALIDARG",
    0x80070490: "ERROR_NOT_FOUND",
    0x8007052E: "ERROR_LOGON_FAILURE",
    0x800705B4: "ERROR_TIMEOUT",
    0x80020005: "DISP_E_TYPEMISMATCH",
    0x80020008: "DISP_E_BADVARTYPE",
    0x8002000A: "DISP_E_OVERFLOW",
    0x8002000B: "DISP_E_BADINDEX",
    0x80010105: "RPC_E_SERVERFAULT",
    0x80010108: "RPC_E_DISCONNECTED",
    0x8001010E: "RPC_E_WRONG_THREAD",
    0x800401FD: "CO_E_OBJNOTCONNECTED",
}


def category_name(category: int) -> str:
    return CATEGORY_NAMES.get(category, f"category {category}")


def detected_by_name(detected_by: int) -> str:
    return DETECTED_BY_NAMES.get(detected_by, f"detector {detected_by}")


def status_ok(status: types.MxStatus) -> bool:
    """MXAccess's own test: a status entry succeeded when `success` is nonzero."""
    return status.success != 0


def statuses_ok(statuses: Iterable[types.MxStatus]) -> bool:
    return all(status.success != 0 for status in statuses)


def describe_status(status: types.MxStatus) -> str:
    """One status entry in words, e.g. 'SecurityError, detected by responding LMX, detail 5'."""
    if status.success != 0 and status.category == CATEGORY_OK and status.detail == 0:
        return "Ok"
    return (
        f"{category_name(status.category)}, detected by {detected_by_name(status.detected_by)}, "
        f"detail {status.detail}"
    )


def describe_statuses(statuses: Iterable[types.MxStatus]) -> str:
    """Every status entry in words, joined by '; ' ('no status' when there is none)."""
    parts = [describe_status(status) for status in statuses]
    return "; ".join(parts) if parts else "no status"


def quality_name(quality: int) -> str:
    """The OPC DA name of a quality, e.g. 'Good' for 192 or 'Bad, not connected' for 8."""
    low = quality & 0xFF
    limit = low & 0x03
    name = QUALITY_NAMES.get(low & 0xFC) or _QUALITY_MAJOR[low & 0xC0]
    if limit:
        name += f", {_LIMIT_NAMES[limit]}"
    return name


def format_quality(quality: int) -> str:
    """A quality's name and code, e.g. 'Good (192)'."""
    return f"{quality_name(quality)} ({quality})"


def quality_is_good(quality: int) -> bool:
    return quality & 0xC0 == QUALITY_GOOD


def hresult_unsigned(hresult: int) -> int:
    """An HRESULT as its unsigned 32-bit value, whether it arrived signed or not."""
    return hresult & 0xFFFFFFFF


def hresult_name(hresult: int) -> str | None:
    return HRESULT_NAMES.get(hresult_unsigned(hresult))


def format_hresult(hresult: int) -> str:
    """An HRESULT in hex with its name when known, e.g. '0x80070057 (E_INVALIDARG)'."""
    text = f"0x{hresult_unsigned(hresult):08X}"
    name = hresult_name(hresult)
    return f"{text} ({name})" if name else text


def hresult_failed(hresult: int) -> bool:
    """COM's FAILED(): the severity bit is set (negative as a signed int32)."""
    return hresult_unsigned(hresult) & 0x80000000 != 0


def array_hint(statuses: Iterable[types.MxStatus], reference: str | None) -> str:
    """How to fix a reference MXAccess refused as a bare array attribute ('' if it was
    refused for another reason): name the whole array, or one element from 1."""
    bare = any(
        s.success == 0
        and s.category == CATEGORY_COMMUNICATION_ERROR
        and s.detail == DETAIL_ARRAY_WITHOUT_INDEX
        for s in statuses
    )
    return array_fix(reference) if bare and reference else ""


def array_fix(reference: str) -> str:
    """How to name an array attribute instead of by its bare name."""
    name = reference.strip()
    return f"name {name}[] for the whole array, or {name}[N] for element N (from 1)"
