"""The data changes printed above the prompt read as the tables do (issue 22): `true`, not
`True`; text without quotes; the time in the `timestamps` zone."""

from __future__ import annotations

from datetime import UTC, datetime

from mxshell.commands import Settings
from mxshell.contract import mx
from mxshell.gateway import to_mx_value
from mxshell.shell.build import event_text


def change(value: object, type_name: str | None = None) -> mx.OnDataChange:
    event = mx.OnDataChange(server_handle=1, item_handle=1, quality=192)
    event.value.CopyFrom(to_mx_value(value, type_name))
    event.timestamp.FromDatetime(datetime(2025, 1, 6, 8, 0, 1, 250000, tzinfo=UTC))
    return event


def test_an_event_line_shows_values_as_a_table_does() -> None:
    utc = Settings(timestamps="utc")
    assert event_text(change(True), utc) == "true  Good (192)  2025-01-06 08:00:01.250Z"
    assert event_text(change("Idle"), utc).startswith("Idle  Good (192)")
    assert event_text(change(48.5), utc).startswith("48.5  Good")
    assert "True" not in event_text(change(True), Settings())
