"""Names for status categories, detectors, qualities and HRESULTs."""

from __future__ import annotations

import pytest

from mxshell.contract import types
from mxshell.gateway.status import (
    CATEGORY_NAMES,
    DETECTED_BY_NAMES,
    category_name,
    describe_status,
    describe_statuses,
    detected_by_name,
    format_hresult,
    format_quality,
    hresult_failed,
    quality_is_good,
    quality_name,
    status_ok,
)


def test_categories_are_numbered_zero_to_eight_in_mxaccess_order() -> None:
    assert [CATEGORY_NAMES[code] for code in range(9)] == [
        "Ok",
        "Pending",
        "Warning",
        "CommunicationError",
        "ConfigurationError",
        "OperationalError",
        "SecurityError",
        "SoftwareError",
        "OtherError",
    ]
    assert category_name(42) == "category 42"


def test_every_detector_has_a_name() -> None:
    assert set(DETECTED_BY_NAMES.values()) == {
        "unknown",
        "requesting LMX",
        "responding LMX",
        "requesting NMX",
        "responding NMX",
        "requesting automation object",
        "responding automation object",
    }
    assert detected_by_name(99) == "detector 99"


@pytest.mark.parametrize(
    ("quality", "name"),
    [
        (192, "Good"),
        (216, "Good, local override"),
        (64, "Uncertain"),
        (68, "Uncertain, last usable value"),
        (80, "Uncertain, sensor not accurate"),
        (84, "Uncertain, engineering units exceeded"),
        (88, "Uncertain, sub-normal"),
        (0, "Bad"),
        (4, "Bad, configuration error"),
        (8, "Bad, not connected"),
        (12, "Bad, device failure"),
        (16, "Bad, sensor failure"),
        (20, "Bad, last known value"),
        (24, "Bad, communication failure"),
        (28, "Bad, out of service"),
        (32, "Bad, waiting for initial data"),
    ],
)
def test_quality_names(quality: int, name: str) -> None:
    assert quality_name(quality) == name
    assert format_quality(quality) == f"{name} ({quality})"


def test_quality_uses_the_low_byte_and_names_limit_bits() -> None:
    assert quality_name(0xFF00 | 192) == "Good"
    assert quality_name(193) == "Good, low limited"
    assert quality_name(26) == "Bad, communication failure, high limited"
    assert quality_name(0xC4) == "Good"  # an unassigned Good sub-status is still Good
    assert quality_name(0x80) == "Unknown"
    assert format_quality(192) == "Good (192)"
    assert quality_is_good(216) and not quality_is_good(68) and not quality_is_good(0)


@pytest.mark.parametrize(
    ("hresult", "text"),
    [
        (0, "0x00000000 (S_OK)"),
        (-2147024809, "0x80070057 (E_INVALIDARG)"),
        (0x80070057, "0x80070057 (E_INVALIDARG)"),
        (-2147467259, "0x80004005 (E_FAIL)"),
        (-2147024891, "0x80070005 (E_ACCESSDENIED)"),
        (-2147023728, "0x80070490 (ERROR_NOT_FOUND)"),
        (0x80041234 - (1 << 32), "0x80041234"),
    ],
)
def test_hresults_format_in_hex_with_their_name(hresult: int, text: str) -> None:
    assert format_hresult(hresult) == text


def test_hresult_failure_is_the_severity_bit() -> None:
    assert hresult_failed(-2147024809) and hresult_failed(0x80004005)
    assert not hresult_failed(0) and not hresult_failed(1)


def test_status_descriptions_name_category_detector_and_detail() -> None:
    failed = types.MxStatus(success=0, category=6, detected_by=5, detail=1007)
    assert not status_ok(failed)
    assert describe_status(failed) == (
        "SecurityError, detected by responding automation object, detail 1007"
    )
    ok = types.MxStatus(success=1, category=0, detected_by=0, detail=0)
    assert status_ok(ok) and describe_status(ok) == "Ok"
    assert describe_statuses([ok, failed]).startswith("Ok; SecurityError")
    assert describe_statuses([]) == "no status"
