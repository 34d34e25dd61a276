"""Drawing values as a sparkline: the scale, averaging into the width, flat lines."""

from __future__ import annotations

import pytest

from mxshell_trend.sparkline import BARS, sparkline


def test_the_lowest_value_is_the_lowest_bar_and_the_highest_the_highest() -> None:
    assert sparkline([0, 7, 14, 3.5], 10) == "▁▅█▃"


def test_more_values_than_the_width_are_averaged_in_groups() -> None:
    assert sparkline([0, 0, 10, 10, 20, 20], 3) == "▁▅█"


def test_a_value_that_never_changes_is_a_flat_middle_line() -> None:
    assert sparkline([5.0, 5.0, 5.0], 10) == BARS[4] * 3


def test_no_values_draw_nothing() -> None:
    assert sparkline([], 10) == ""


def test_a_width_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="width of at least 1"):
        sparkline([1.0], 0)
