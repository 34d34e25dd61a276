"""Showing outcomes: aligned text for people, one deterministic JSON object for machines."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mxshell.output.fit import Fit, column_widths, cut, fit_cells, fit_lines, fold_lines
from mxshell.output.formats import ROW_FORMATS, render_rows
from mxshell.output.formatting import Display, format_value, whole
from mxshell.output.jsonable import Secrets, redact, redact_result, result_data, to_data
from mxshell.output.results import Table, Text, renders_itself
from mxshell.output.secrets import scrub

if TYPE_CHECKING:
    from mxshell.output.outcome import Outcome

__all__ = [
    "format_value",
    "outcome_data",
    "redact",
    "render",
    "render_json",
    "render_result",
    "render_table",
    "render_text",
    "to_data",
]


def render(
    outcome: Outcome, settings: Display, secrets: Secrets = frozenset(), fit: Fit | None = None
) -> str:
    """The outcome as the `output` setting asks: text, rows or one line of JSON.

    `secrets` are the values known to be secret: masked in the outcome's data before it is
    rendered (see `redact`), so the text or JSON around them is never touched. `fit` (at
    the prompt only) cuts or wraps table cells to the terminal's width."""
    if settings.output == "json":
        return render_json(outcome, secrets)
    return render_text(outcome, settings, secrets, fit)


def outcome_data(outcome: Outcome, secrets: Secrets = frozenset()) -> dict[str, Any]:
    """The JSON object for one command: {command, ok, result} or {command, ok, error}, the
    latter with the result too when the command failed after doing part of its work."""
    if outcome.ok:
        return {
            "command": outcome.command,
            "ok": True,
            "result": result_data(outcome.result, secrets),
        }
    error = scrub(outcome.error, secrets) if outcome.error else outcome.error
    data = {"command": outcome.command, "ok": False, "error": error}
    if outcome.result is not None:
        data["result"] = result_data(outcome.result, secrets)
    return data


def render_json(outcome: Outcome, secrets: Secrets = frozenset()) -> str:
    """Exactly one JSON object on one line; keys sorted, so equal outcomes print equally."""
    return json.dumps(
        outcome_data(outcome, secrets), sort_keys=True, ensure_ascii=False, allow_nan=False
    )


def render_text(
    outcome: Outcome, settings: Display, secrets: Secrets = frozenset(), fit: Fit | None = None
) -> str:
    """What a person sees: the result, or the one-line failure ('' when there is nothing)."""
    if outcome.ok:
        text = render_result(outcome.result, settings, secrets, fit)
    else:
        text = scrub(outcome.describe(), secrets)  # free text: masked where secrets stand
        if outcome.traceback:
            text += (
                f"\n{scrub(outcome.traceback.rstrip(), secrets)}"
                if settings.debug
                else (" (set debug on to see the traceback)")
            )
    return text  # `set timing on`: the shell says the time on its own line (stderr)


def render_result(
    result: Any, settings: Display, secrets: Secrets = frozenset(), fit: Fit | None = None
) -> str:
    """A handler's result as text: tables aligned, mappings as key/value lines; or in
    one of the row formats (vertical, csv, tsv, plain) with the same cells. Only `table`
    text is fitted to the terminal: the row formats are for reading back whole."""
    if settings.output in ROW_FORMATS:
        redacted = redact_result(result, secrets)
        # csv and tsv are for programs: every digit, every item (vertical and plain are read)
        shown = whole(settings) if settings.output in ("csv", "tsv") else settings
        return render_rows(redacted, settings.output, lambda value: _cell(value, shown))
    if type(result) is Text:  # its data is for JSON: what shows is its text alone
        return _text(Text(scrub(result.text, secrets), fit=result.fit), settings, "", fit)
    return _text(redact_result(result, secrets), settings, indent="", fit=fit)


def render_table(table: Table, settings: Display, fit: Fit | None = None) -> str:
    """Aligned columns; with `fit`, the widest columns give way until a row fits the
    terminal, their cells cut with … (or wrapped onto more lines, `set wrap on`)."""
    cells = [[_cell(value, settings) for value in row] for row in table.rows]
    header = [str(column) for column in table.columns]
    widths = [len(h) for h in header]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    if fit is not None:
        widths = column_widths(widths, fit.width)
        header = [cut(h, w) for h, w in zip(header, widths, strict=True)]
        cells = [line for row in cells for line in fit_cells(row, widths, fit)]
    numeric = [
        bool(table.rows)
        and all(_is_number(row[i]) or row[i] is None for row in table.rows)
        and any(_is_number(row[i]) for row in table.rows)
        for i in range(len(header))
    ]
    lines = [table.title] if table.title else []
    lines.append(_row(header, widths, [False] * len(header)))
    lines.append("  ".join("-" * w for w in widths))
    lines += [_row(row, widths, numeric) for row in cells]
    if not cells:
        lines.append("(0 rows)")  # as psql says it: an empty result, not a missing one
    return "\n".join(lines)


def _text(value: Any, settings: Display, indent: str, fit: Fit | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Table):
        return render_table(value, settings, fit)
    if isinstance(value, Text):
        if not value.fit or fit is None:
            return value.text
        if value.fit == "fold":
            return fold_lines(value.text, fit.width)
        return fit_lines(value.text, fit.width)  # one line per thing: cut, never wrapped
    if type(value) is dict:  # most results of all; before the slow runtime-Protocol check
        return _mapping(value, settings, indent, fit)
    if renders_itself(value):
        return value.as_text(lambda v: format_value(v, settings))
    if isinstance(value, Mapping):
        return _mapping(value, settings, indent, fit)
    if isinstance(value, list):
        if value and all(isinstance(v, Mapping) for v in value):
            columns = list(dict.fromkeys(k for v in value for k in v))
            rows = [[v.get(c) for c in columns] for v in value]
            return render_table(Table([str(c) for c in columns], rows), settings, fit)
        return "\n".join(_text(v, settings, indent, fit) for v in value)
    return format_value(value, settings)


def _mapping(
    value: Mapping[Any, Any], settings: Display, indent: str, fit: Fit | None = None
) -> str:
    if not value:
        return ""
    width = max(len(str(k)) for k in value) + 2
    lines = []
    for key, item in value.items():
        label = f"{indent}{str(key).ljust(width)}"
        if isinstance(item, Mapping) and item:
            lines.append(f"{indent}{key}:")
            lines.append(_mapping(item, settings, indent + "  ", fit))
        elif isinstance(item, list) and any(isinstance(v, Mapping | list) for v in item):
            lines.append(f"{indent}{key}:")
            nested = _text(item, settings, indent + "  ", fit)
            lines += [f"{indent}  {line}" for line in nested.splitlines()]
        elif isinstance(item, list):
            lines.append(label + (", ".join(format_value(v, settings) for v in item) or "-"))
        else:
            lines.append(label + _cell(item, settings))
    if fit is not None and not fit.wrap:  # a long value is cut as a table's cell is
        lines = [cut(line, fit.width) for line in lines]
    return "\n".join(lines)


def _cell(value: Any, settings: Display) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={format_value(v, settings)}" for k, v in value.items())
    return " ".join(format_value(value, settings).splitlines())


def _row(cells: list[str], widths: list[int], numeric: list[bool]) -> str:
    parts = [
        c.rjust(w) if right else c.ljust(w)
        for c, w, right in zip(cells, widths, numeric, strict=True)
    ]
    return "  ".join(parts).rstrip()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
