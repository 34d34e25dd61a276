"""Settings: set by name from the word typed, checked, shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from mxshell.app.config import ConfigError, FileConfig, load_config
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
        ("style", "nosuch", "style: 'nosuch' is not an installed pygments style; styles: "),
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


def test_the_style_is_any_installed_pygments_style_and_completes_to_them() -> None:
    settings = Settings()
    assert settings.style == "mxshell"
    assert settings.set("style", "monokai") == "monokai" and settings.style == "monokai"
    assert {"monokai", "mxshell", "default"} <= set(Settings.choices("style"))


def test_the_style_can_be_made_permanent_in_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('style = "monokai"\n')
    assert Settings.from_config(load_config(path)).style == "monokai"


def test_a_bad_style_is_one_line_that_names_the_installed_styles() -> None:
    with pytest.raises(UsageError) as raised:
        Settings().set("style", "monokia")
    message = str(raised.value)
    assert "\n" not in message and "monokai" in message and "solarized-dark" in message


@pytest.mark.parametrize("name", Settings.names())
def test_every_setting_is_accepted_at_the_prompt_and_in_the_config_file(
    tmp_path: Path, name: str
) -> None:
    """One declaration for both: a value `set` takes is a value the file takes."""
    choices = Settings.choices(name)
    field_type = type(getattr(Settings(), name))
    word = choices[-1] if choices else ("7" if field_type is int else "x")
    at_prompt = Settings()
    value = at_prompt.set(name, word)
    in_file = value if not isinstance(value, str) else f'"{value}"'
    path = tmp_path / "config.toml"
    path.write_text(f"{name} = {str(in_file).lower() if isinstance(value, bool) else in_file}\n")
    config = load_config(path)
    assert config.warnings == []
    assert getattr(Settings.from_config(config), name) == value


def test_events_off_can_be_made_permanent_and_a_bad_value_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("events = false\nprecision = 4\n")
    settings = Settings.from_config(load_config(path))
    assert (settings.events, settings.precision) == (False, 4)
    path.write_text("precision = 0\n")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value) == f"{path}: precision: '0' is below the minimum of 1"
