"""Results as rows for the `output` formats besides `table` and `json`.

vertical (one `column: value` line per cell, records apart, as psql's \\x), csv and tsv
(the csv module, header first) and plain (values only, tab separated, for pipelines).
Every cell is the text `table` shows for it, so a value reads the same in every format.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mxshell.output.results import Table, renders_itself

# Every name `set output` and `--format` take; json and table are rendered in render.py.
FORMATS = ("table", "vertical", "csv", "tsv", "json", "plain")
ROW_FORMATS = ("vertical", "csv", "tsv", "plain")

Cell = Callable[[Any], str]


def render_rows(value: Any, output: str, cell: Cell) -> str:
    """`value` (already redacted) in one of ROW_FORMATS; `cell` makes a value a cell's text.

    A Table is its columns and rows; a list of mappings a table of their keys; a mapping
    `key`/`value` rows; a Text (or any text result) is its text, as it stands."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if output == "vertical" and isinstance(value, Mapping):
        return _vertical([str(k) for k in value], [[cell(v) for v in value.values()]], one=True)
    shape = _shape(value)
    if shape is None:
        if renders_itself(value):
            return value.as_text(cell)
        if isinstance(value, list):
            return "\n".join(filter(None, (render_rows(v, output, cell) for v in value)))
        return cell(value)
    columns, rows = shape
    cells = [[cell(v) for v in row] for row in rows]
    if output == "vertical":
        return _vertical(columns, cells)
    if output == "plain":
        return "\n".join("\t".join(_flat(c) for c in row) for row in cells)
    buffer = io.StringIO()
    dialect = "excel-tab" if output == "tsv" else "excel"
    writer = csv.writer(buffer, dialect=dialect, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(cells)
    return buffer.getvalue().rstrip("\n")


def _shape(value: Any) -> tuple[list[str], Sequence[Sequence[Any]]] | None:
    if isinstance(value, Table):
        return [str(c) for c in value.columns], value.rows
    if isinstance(value, Mapping):
        return ["key", "value"], [(str(k), v) for k, v in value.items()]
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        columns = list(dict.fromkeys(str(k) for v in value for k in v))
        rows = [[{str(k): x for k, x in v.items()}.get(c) for c in columns] for v in value]
        return columns, rows
    return None


def _vertical(columns: list[str], rows: list[list[str]], *, one: bool = False) -> str:
    """psql's expanded display; a mapping is one record, without a RECORD line."""
    if not rows:
        return "(0 rows)"
    width = max((len(c) for c in columns), default=0)
    records = []
    for number, row in enumerate(rows, start=1):
        lines = [] if one else [f"-[ RECORD {number} ]-"]
        lines += [f"{c.ljust(width)}: {v}".rstrip() for c, v in zip(columns, row, strict=True)]
        records.append("\n".join(lines))
    return "\n".join(records)


def _flat(text: str) -> str:
    # A tab or a line break inside a value would split it into two fields or rows.
    return " ".join(text.replace("\t", " ").splitlines())
