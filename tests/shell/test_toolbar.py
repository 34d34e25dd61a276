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


def test_at_80_columns_whole_fields_give_way_least_useful_first() -> None:
    status = {
        "endpoint": "gateway-primary.plant.example.com:50051",
        "state": "reconnecting",
        "session_id": "abcdef0123456789",
        "advised_items": 1000,
        "events_per_second": 10000.4,
        "sequence_gaps": 7,
    }
    fields = [lambda: "historian: 3 stores\nforwarding", lambda: "tank farm ok"]
    whole = toolbar_text(status, fields)
    assert len(whole) > 80
    fitted = toolbar_text(status, fields, width=80)
    assert len(fitted) <= 80
    kept = fitted.split(" | ")
    assert set(kept) <= set(whole.split(" | "))  # every field whole, none cut mid-word
    assert kept[:2] == ["gateway-primary.plant.example.com:50051", "reconnecting"]
    assert "session abcdef012345" not in kept  # the session id goes first
    assert "advised 1000" in kept and "gaps 7" in kept
    assert toolbar_text(status, fields, width=20) == "reconnecting"
    assert toolbar_text(status, width=200) == toolbar_text(status)  # room: nothing goes
