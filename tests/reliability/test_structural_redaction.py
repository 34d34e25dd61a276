"""Redaction hides secrets and nothing else: JSON stays JSON, innocent data stays as it is."""

from __future__ import annotations

import json

from mxshell.output.secrets import REDACTED
from mxshell.testing import ShellRunner


async def test_a_secret_that_equals_a_setpoint_leaves_the_setpoint_and_the_json_whole(
    shell: ShellRunner,
) -> None:
    shell.context.settings.output = "json"
    result = await shell.run("set api_token 1200; write Pump1.Speed.SP 1200; read Pump1.Speed.SP")
    assert result.ok, result.errors
    lines = [json.loads(line) for line in result.out]
    assert lines[0]["result"] == {"api_token": REDACTED}
    assert lines[-1]["result"]["rows"][0]["value"] == 1200.0


async def test_a_secret_holding_json_syntax_breaks_no_line_and_is_masked_as_a_string(
    shell: ShellRunner,
) -> None:
    shell.context.settings.output = "json"
    for secret in ('a"b', "x:y,z", "{", "true", "back\\\\slash", "tab\\there"):
        result = await shell.run(f"set pw --secret '{secret}'; status; echo ${{pw}}")
        lines = [json.loads(line) for line in result.out]
        assert [line["command"] for line in lines] == ["set", "status", "echo"]
        assert lines[2]["result"] == REDACTED
        assert lines[0]["result"] == {"pw": REDACTED}


async def test_capturing_a_read_under_a_secret_name_keeps_quality_tag_and_time_readable(
    shell: ShellRunner,
) -> None:
    shell.context.settings.output = "json"
    await shell.run("write Tank2.Notes 'private-notes-1'")
    result = await shell.run("let token = read Tank2.Notes; read Tank2.Notes Tank1.Level")
    rows = json.loads(result.out[-1])["result"]["rows"]
    assert [row["tag"] for row in rows] == ["Tank2.Notes", "Tank1.Level"]
    assert [row["quality"] for row in rows] == ["Good (192)", "Good (192)"]
    assert rows[0]["value"] == REDACTED and isinstance(rows[1]["value"], float)
    assert all(row["timestamp"] != REDACTED for row in rows)


async def test_a_masked_table_cell_has_a_fixed_width(shell: ShellRunner) -> None:
    short = await shell.run("set pw --secret ab; echo ${pw}")
    long = await shell.run("set pw --secret abcdefghijklmnopqrstuvwxyz0123; echo ${pw}")
    assert short.out[-1] == long.out[-1] == REDACTED
