"""The trend command against a simulated gateway, with the fixtures mxshell registers
with pytest (mxshell_runner: a shell without a terminal, connected to mxshell_gateway)."""

from __future__ import annotations

import json
import time

from mxshell.testing import ShellRunner

from mxshell_trend.sparkline import BARS


async def test_trend_draws_one_bar_per_value_of_a_moving_item(mxshell_runner: ShellRunner) -> None:
    result = await mxshell_runner.run("trend Tank3.Agitator.Speed --seconds 1")
    assert result.ok, result.errors
    data = result.result.as_data()
    assert data["count"] >= 3
    assert len(data["sparkline"]) == data["count"] == len(data["values"])
    assert set(data["sparkline"]) <= set(BARS)
    assert data["min"] < data["max"]
    assert result.text.startswith(f"Tank3.Agitator.Speed {data['sparkline']} min ")


async def test_trend_averages_many_values_into_the_width(mxshell_runner: ShellRunner) -> None:
    result = await mxshell_runner.run("trend Tank3.Agitator.Speed -s 1 --width 2")
    assert result.ok, result.errors
    data = result.result.as_data()
    assert data["count"] > 2
    assert len(data["sparkline"]) == 2


async def test_trend_under_json_output_prints_one_object(mxshell_runner: ShellRunner) -> None:
    await mxshell_runner.run("set output json")
    result = await mxshell_runner.run("trend Tank1.Level --seconds 0.5")
    assert result.ok, result.errors
    (line,) = result.out
    printed = json.loads(line)
    assert printed["command"] == "trend" and printed["ok"] is True
    assert printed["result"]["tag"] == "Tank1.Level"
    assert printed["result"]["last"] == printed["result"]["values"][-1]


async def test_trend_gives_back_the_item_it_added(mxshell_runner: ShellRunner) -> None:
    result = await mxshell_runner.run("trend Tank1.Level -s 0.3; items")
    assert result.ok, result.errors
    assert result.result.rows == []


async def test_trend_leaves_the_users_advised_item_advised(mxshell_runner: ShellRunner) -> None:
    ready = await mxshell_runner.run("add-item Tank1.Level --as level; advise level; read level")
    assert ready.ok, ready.errors
    current = ready.result.records()[0]["value"]
    result = await mxshell_runner.run("trend level -s 0.3")
    assert result.ok, result.errors
    assert result.result.as_data()["values"][0] == current
    (item,) = (await mxshell_runner.run("items")).result.records()
    assert (item["alias"], item["advise"]) == ("level", "advise")


async def test_trend_of_an_unknown_tag_fails_in_one_line(mxshell_runner: ShellRunner) -> None:
    result = await mxshell_runner.run("trend Tank1.NoSuchThing -s 5")
    assert not result.ok
    assert result.errors.startswith("trend: cannot trend Tank1.NoSuchThing: AddItem failed")
    assert "unknown tag reference 'Tank1.NoSuchThing'" in result.errors
    assert "\n" not in result.errors


async def test_trend_of_an_unknown_alias_says_so(mxshell_runner: ShellRunner) -> None:
    result = await mxshell_runner.run("trend tank_level")
    assert not result.ok
    assert result.errors == (
        "trend: no item or alias 'tank_level' (a tag reference looks like Tank1.Level)"
    )


async def test_trend_of_text_fails_at_once(mxshell_runner: ShellRunner) -> None:
    started = time.monotonic()
    result = await mxshell_runner.run("trend Tank1.Level.EngUnits --seconds 30")
    assert time.monotonic() - started < 10
    assert result.errors == (
        "trend: Tank1.Level.EngUnits is not numeric: its value is a string, '%'; "
        "trend draws numbers only"
    )


async def test_trend_of_an_array_fails(mxshell_runner: ShellRunner) -> None:
    result = await mxshell_runner.run("trend Tank1.LevelTrend[] -s 30")
    assert not result.ok
    assert "Tank1.LevelTrend[] is not numeric: its value is an array" in result.errors


async def test_a_bad_duration_is_a_usage_error(mxshell_runner: ShellRunner) -> None:
    result = await mxshell_runner.run("trend Tank1.Level --seconds 0")
    (outcome,) = result.outcomes
    assert outcome.exit_status == 2
    assert result.errors == "trend: --seconds must be more than 0 and at most 3600"


async def test_the_shell_finds_the_plugin_through_its_entry_point(
    mxshell_runner: ShellRunner,
) -> None:
    listing = (await mxshell_runner.run("plugins")).result.records()
    (trend,) = [p for p in listing if p["name"] == "trend"]
    assert trend["commands"] == ["trend"] and trend["failure"] is None
    assert trend["version"] == "0.1.0"
    help_text = (await mxshell_runner.run("help trend")).text
    assert "trend ITEM [--seconds N] [--width WIDTH]" in help_text
