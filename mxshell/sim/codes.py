"""MXAccess result codes the simulator reports: HRESULTs, MXSTATUS_PROXY fields, qualities.

Every failure the simulated MXAccess layer can report is built here, so the table in
docs/simulator.md has one source. Category numbers follow the domain notes (0-8);
detected-by and detail numbers are the simulator's own (unconfirmed against AVEVA).
"""

from __future__ import annotations

from enum import IntEnum

from mxshell.contract import types


def _hresult(code: int) -> int:
    """An HRESULT written in hex (0x8007...) as the signed int32 the wire carries."""
    return code - (1 << 32) if code >= 1 << 31 else code


S_OK = 0
E_FAIL = _hresult(0x80004005)
E_INVALIDARG = _hresult(0x80070057)
E_HANDLE = _hresult(0x80070006)
E_ACCESSDENIED = _hresult(0x80070005)
E_NOT_FOUND = _hresult(0x80070490)  # HRESULT_FROM_WIN32(ERROR_NOT_FOUND)
E_LOGON_FAILURE = _hresult(0x8007052E)  # HRESULT_FROM_WIN32(ERROR_LOGON_FAILURE)
E_TIMEOUT = _hresult(0x800705B4)  # HRESULT_FROM_WIN32(ERROR_TIMEOUT)


class Category(IntEnum):
    """MXSTATUS_PROXY category."""

    OK = 0
    PENDING = 1
    WARNING = 2
    COMMUNICATION_ERROR = 3
    CONFIGURATION_ERROR = 4
    OPERATIONAL_ERROR = 5
    SECURITY_ERROR = 6
    SOFTWARE_ERROR = 7
    OTHER_ERROR = 8


class DetectedBy(IntEnum):
    """MXSTATUS_PROXY detected_by: which layer found the problem."""

    UNKNOWN = -1
    REQUESTING_LMX = 0
    RESPONDING_LMX = 1
    REQUESTING_NMX = 2
    RESPONDING_NMX = 3
    REQUESTING_AUTOMATION_OBJECT = 4
    RESPONDING_AUTOMATION_OBJECT = 5


class Detail(IntEnum):
    """MXSTATUS_PROXY detail codes the simulator uses (its own numbering)."""

    NONE = 0
    UNKNOWN_TAG = 1001
    BAD_SERVER_HANDLE = 1002
    # CommunicationError 1003: what a live Galaxy answers for an array attribute named
    # without [] or [N] (the domain notes). The simulator's own numbers are the others.
    ARRAY_WITHOUT_INDEX = 1003
    TYPE_MISMATCH = 1004
    NOT_FINITE = 1005
    VIEW_ONLY = 1006
    SECURED_WRITE_REQUIRED = 1007
    VERIFIED_WRITE_REQUIRED = 1008
    USER_NOT_AUTHENTICATED = 1009
    LOGON_FAILED = 1010
    OUTSIDE_TAG_CONSTRAINT = 1011
    READ_TIMEOUT = 1012
    OBJECT_UNDEPLOYED = 1013
    DEVICE_NOT_CONNECTED = 1014
    BAD_ITEM_HANDLE = 1015
    INDEX_OUT_OF_RANGE = 1016
    ROLE_NOT_GRANTED = 1017


class Quality:
    """OPC DA style qualities the simulator produces."""

    GOOD = 192
    GOOD_LOCAL_OVERRIDE = 216
    UNCERTAIN_LAST_USABLE = 68
    UNCERTAIN_SENSOR_NOT_ACCURATE = 80
    BAD = 0
    BAD_CONFIGURATION_ERROR = 4
    BAD_NOT_CONNECTED = 8
    BAD_COMMUNICATION_FAILURE = 24
    BAD_OUT_OF_SERVICE = 28
    BAD_WAITING_FOR_INITIAL_DATA = 32


OK_STATUS = types.MxStatus(success=1, category=Category.OK, detected_by=DetectedBy.REQUESTING_LMX)


class MxError(Exception):
    """An MXAccess failure: the reply carries its HRESULT and one failure status."""

    def __init__(
        self,
        hresult: int,
        category: Category,
        detected_by: DetectedBy,
        detail: Detail,
        message: str,
    ) -> None:
        super().__init__(message)
        self.hresult = hresult
        self.category = category
        self.detected_by = detected_by
        self.detail = detail
        self.message = message

    def status(self) -> types.MxStatus:
        return types.MxStatus(
            success=0, category=self.category, detected_by=self.detected_by, detail=self.detail
        )


class TagDenied(MxError):
    """The API key's tag constraint excludes the tag: PERMISSION_DENIED for one-tag commands."""


def unknown_tag(reference: str) -> MxError:
    return MxError(
        E_NOT_FOUND,
        Category.CONFIGURATION_ERROR,
        DetectedBy.RESPONDING_LMX,
        Detail.UNKNOWN_TAG,
        f"unknown tag reference {reference!r}",
    )


def bad_server_handle(handle: int) -> MxError:
    return MxError(
        E_HANDLE,
        Category.OPERATIONAL_ERROR,
        DetectedBy.REQUESTING_LMX,
        Detail.BAD_SERVER_HANDLE,
        f"no registration with server handle {handle}",
    )


def bad_item_handle(server_handle: int, item_handle: int) -> MxError:
    return MxError(
        E_HANDLE,
        Category.OPERATIONAL_ERROR,
        DetectedBy.REQUESTING_LMX,
        Detail.BAD_ITEM_HANDLE,
        f"no item with handle {item_handle} under server handle {server_handle}",
    )


def type_mismatch(reference: str, expected: str, got: str) -> MxError:
    return MxError(
        E_INVALIDARG,
        Category.OPERATIONAL_ERROR,
        DetectedBy.RESPONDING_AUTOMATION_OBJECT,
        Detail.TYPE_MISMATCH,
        f"{reference} is {expected}: a value of kind {got} cannot be written to it",
    )


def not_finite(reference: str) -> MxError:
    return MxError(
        E_INVALIDARG,
        Category.OPERATIONAL_ERROR,
        DetectedBy.REQUESTING_LMX,
        Detail.NOT_FINITE,
        f"NaN and infinities cannot be written ({reference})",
    )


def security(hresult: int, detail: Detail, message: str) -> MxError:
    return MxError(
        hresult, Category.SECURITY_ERROR, DetectedBy.RESPONDING_AUTOMATION_OBJECT, detail, message
    )


def outside_constraint(reference: str) -> TagDenied:
    return TagDenied(
        E_ACCESSDENIED,
        Category.SECURITY_ERROR,
        DetectedBy.REQUESTING_LMX,
        Detail.OUTSIDE_TAG_CONSTRAINT,
        f"tag {reference!r} is outside this API key's tag constraint",
    )


def supervisory_needs_write_secured(reference: str) -> TagDenied:
    return TagDenied(
        E_ACCESSDENIED,
        Category.SECURITY_ERROR,
        DetectedBy.REQUESTING_LMX,
        Detail.SECURED_WRITE_REQUIRED,
        f"{reference} is SecuredWrite: a supervisory write bypasses user security and needs "
        "an API key with the 'write-secured' scope",
    )


def read_timeout(reference: str, timeout_ms: int) -> MxError:
    return MxError(
        E_TIMEOUT,
        Category.COMMUNICATION_ERROR,
        DetectedBy.RESPONDING_NMX,
        Detail.READ_TIMEOUT,
        f"no value for {reference} within {timeout_ms} ms",
    )


def object_undeployed(reference: str) -> MxError:
    return MxError(
        E_NOT_FOUND,
        Category.CONFIGURATION_ERROR,
        DetectedBy.RESPONDING_LMX,
        Detail.OBJECT_UNDEPLOYED,
        f"the object of {reference} was undeployed",
    )


def array_without_index(reference: str) -> MxError:
    return MxError(
        E_FAIL,
        Category.COMMUNICATION_ERROR,
        DetectedBy.RESPONDING_LMX,
        Detail.ARRAY_WITHOUT_INDEX,
        f"{reference} is an array attribute named without an index",
    )


def index_out_of_range(reference: str, length: int) -> MxError:
    return MxError(
        E_INVALIDARG,
        Category.CONFIGURATION_ERROR,
        DetectedBy.RESPONDING_LMX,
        Detail.INDEX_OUT_OF_RANGE,
        f"{reference}: array elements are numbered from 1 to {length}",
    )


def role_not_granted(
    reference: str, classification: str, user: str, roles: str, needed: str
) -> MxError:
    return security(
        E_ACCESSDENIED,
        Detail.ROLE_NOT_GRANTED,
        f"{reference} is {classification}: user {user!r} (roles: {roles}) lacks the {needed} role",
    )
