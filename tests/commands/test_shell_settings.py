"""Settings: set by name from the word typed, checked, shown."""

from __future__ import annotations

import pytest

from mxshell.app.config import FileConfig
from mxshell.commands import Settings, UsageError


def test_settings_are_set_from_words_and_converted() -> None:
    settings = Settings()
    assert settings.set("output", "json") == "json"
    assert settings.set("debug", "on") is True
    assert settings.set("history_size", "50") == 50
    assert settings.as_dict()["output"] == "json"


@pytest.mark.parametrize(
    ("name", "word", "message"),
    [
        ("output", "xml", "output: 'xml' is not one of table, vertical, csv, tsv, json, plain"),
        ("timestamps", "gmt", "timestamps: 'gmt' is not one of local, utc"),
        ("debug", "maybe", "debug: 'maybe' is not valid; use on or off"),
        ("history_size", "lots", "history_size: 'lots' is not valid; use a whole number"),
        ("history_size", "-1", "history_size: '-1' is below the minimum of 0"),
        ("colour", "red", "unknown setting 'colour'"),
    ],
)
def test_bad_values_name_the_bad_word(name: str, word: str, message: str) -> None:
    settings = Settings()
    with pytest.raises(UsageError, match=message):
        settings.set(name, word)
    assert settings == Settings()


def test_settings_start_from_the_config_file() -> None:
    settings = Settings.from_config(FileConfig(output="json", timestamps="utc", history_size=5))
    assert (settings.output, settings.timestamps, settings.history_size) == ("json", "utc", 5)


def test_every_setting_is_described_with_its_choices() -> None:
    for name in Settings.names():
        assert Settings.describe(name)
    assert Settings.choices("output") == ("table", "vertical", "csv", "tsv", "json", "plain")
    assert Settings.choices("debug") == ("on", "off")
