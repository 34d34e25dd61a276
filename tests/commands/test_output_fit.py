"""Fitting results to the terminal's width: cut with …, or wrapped (`set wrap on`)."""

from __future__ import annotations

from mxshell.commands import Settings
from mxshell.output import Table, Text
from mxshell.output.fit import ELLIPSIS, Fit, column_widths, cut, fit_cells, fit_lines, wrap
from mxshell.output.render import render_result, render_table


def test_cut_keeps_short_text_and_ends_long_text_with_an_ellipsis() -> None:
    assert cut("Speed", 5) == "Speed"
    assert cut("Speedometer", 6) == "Speed…"
    assert len(cut("x" * 400, 80)) == 80
    assert cut("abc", 0) == ""


def test_wrap_breaks_between_words_and_splits_a_word_too_long_for_the_column() -> None:
    assert wrap("the pump is running", 10) == ["the pump", "is running"]
    assert wrap("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert wrap("short", 10) == ["short"]


def test_column_widths_shrink_the_widest_columns_first_and_fill_the_room() -> None:
    assert column_widths([5, 10], 80) == [5, 10]  # fits: untouched
    fitted = column_widths([4, 8, 300, 200], 80)
    assert sum(fitted) + 2 * 3 == 80  # exactly the room
    assert fitted[:2] == [4, 8]  # the narrow columns keep their width
    assert abs(fitted[2] - fitted[3]) <= 1  # the wide ones give way evenly
    assert column_widths([50] * 40, 80) == [4] * 40  # too many columns: the floor


def test_fit_cells_wraps_every_cell_to_the_same_number_of_lines() -> None:
    rows = fit_cells(["a", "one two three"], [3, 7], Fit(20, wrap=True))
    assert rows == [["a", "one two"], ["", "three"]]
    assert fit_cells(["a", "one two three"], [3, 7], Fit(20)) == [["a", "one tw…"]]


def test_a_wide_table_is_cut_to_the_width_and_whole_without_a_fit() -> None:
    table = Table(["name", "value"], [["Pump1.Speed", "v" * 400], ["Pump1.Level", 12.5]])
    settings = Settings()
    fitted = render_table(table, settings, Fit(80))
    assert all(len(line) <= 80 for line in fitted.splitlines())
    assert ELLIPSIS in fitted and "Pump1.Speed" in fitted
    whole = render_table(table, settings)
    assert "v" * 400 in whole  # files, pipes and -c get every value whole


def test_a_wide_table_wraps_under_set_wrap_on_keeping_every_character() -> None:
    table = Table(["name", "value"], [["Pump1.Speed", "v" * 150]])
    text = render_table(table, Settings(), Fit(40, wrap=True))
    lines = text.splitlines()
    assert all(len(line) <= 40 for line in lines)
    assert ELLIPSIS not in text
    assert "".join(line[13:] for line in lines[2:]).count("v") == 150


def test_csv_is_never_cut_even_with_a_fit() -> None:
    settings = Settings()
    settings.output = "csv"
    text = render_result(Table(["v"], [["w" * 300]]), settings, fit=Fit(80))
    assert "w" * 300 in text


def test_a_listing_text_is_cut_line_by_line_and_plain_text_is_left_alone() -> None:
    listing = Text("core\n  help, ?   " + "h" * 200, fit="cut")
    assert all(
        len(line) <= 80 for line in render_result(listing, Settings(), fit=Fit(80)).split("\n")
    )
    message = Text("m" * 200)
    assert render_result(message, Settings(), fit=Fit(80)) == "m" * 200
    assert fit_lines("ab\ncdef", 3) == "ab\ncd…"


def test_a_long_mapping_value_is_cut_at_the_prompt() -> None:
    text = render_result({"description": "d" * 300, "state": "Running"}, Settings(), fit=Fit(80))
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "Running" in text


def test_a_help_page_folds_between_words_under_its_description_column() -> None:
    page = (
        "usage: read-bulk --tags N|GLOB --iterations ITERATIONS [--concurrency C] [--warmup W]\n"
        "\n"
        "options:\n"
        "  --tags N|GLOB     a count (that many tags picked from the plant's objects) or a "
        "glob such as Tank*.Level"
    )
    folded = render_result(Text(page, fit="fold"), Settings(), fit=Fit(60)).split("\n")
    assert all(len(line) <= 60 for line in folded)
    assert " ".join(" ".join(folded).split()) == " ".join(page.split())  # every word kept
    hang = len("usage: read-bulk ")
    assert folded[1][:hang] == " " * hang and folded[1][hang] != " "
    option = folded.index(next(line for line in folded if line.startswith("  --tags")))
    assert folded[option + 1].startswith(" " * 20) and folded[option + 1][20] != " "
    assert render_result(Text(page, fit="fold"), Settings()) == page  # whole without a fit
