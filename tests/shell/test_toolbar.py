"""The bottom toolbar: connection facts, and plugin fields that may fail."""

from __future__ import annotations

from mxshell.shell.toolbar import toolbar_text


def test_toolbar_shows_endpoint_state_session_advised_items_and_rate() -> None:
    status = {
        "endpoint": "127.0.0.1:5000",
        "state": "connected",
        "session_id": "abcdef0123456789",
        "advised_items": 3,
        "events_per_second": 41.6,
        "sequence_gaps": 0,
    }
    text = toolbar_text(status)
    assert text == "127.0.0.1:5000 | connected | session abcdef012345 | advised 3 | 42 ev/s"


def test_gaps_and_plugin_fields_are_added_and_a_failing_field_is_left_out() -> None:
    def broken() -> str:
        raise RuntimeError("plugin bug")

    status = {"endpoint": "e", "state": "reconnecting", "session_id": None, "sequence_gaps": 2}
    text = toolbar_text(status, [lambda: "tank farm ok", broken, lambda: None])
    assert text.endswith("| gaps 2 | tank farm ok")
    assert toolbar_text(None) == "not connected"
