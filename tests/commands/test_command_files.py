"""Command files run by the one runner, against the simulated gateway: syntax, variables,
capture, conditions, includes, exit statuses, JSON lines and secrets."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mxshell.commands import ScriptSyntaxError, split_line
from mxshell.commands.lexer import Reference
from mxshell.commands.masking import redact_line
from mxshell.output.secrets import REDACTED
from mxshell.script.runner import ScriptRun
from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner


@pytest.fixture
async def shell(gateway: EmbeddedGateway) -> AsyncIterator[ShellRunner]:
    async with ShellRunner.connected(gateway) as runner:
        yield runner


async def run_file(
    shell: ShellRunner, tmp_path: Path, text: str, *args: str, name: str = "check.mxsh"
) -> ScriptRun:
    path = tmp_path / name
    path.write_text(text)
    return await shell.runtime.scripts.run_file(path, args)


# the language ------------------------------------------------------------------------


def test_references_are_kept_in_words_and_quotes_decide_where_they_count() -> None:
    (segment,) = split_line("""echo ${tank}.Level "at ${ENV:SITE}" '${not}' \\$1 $2""")
    words = segment.words
    assert words[1].parts == (Reference("tank", "${tank}"), ".Level")
    assert words[2].parts == ("at ", Reference("ENV:SITE", "${ENV:SITE}"))
    assert words[3].text == "${not}" and not words[3].parts
    assert words[4].text == "$1" and not words[4].parts
    assert words[5].parts == (Reference("2", "$2"),)


@pytest.mark.parametrize("line", ["echo ${tank", "echo ${}", "echo ${a b}", "echo ${a;b}"])
def test_a_malformed_reference_is_a_syntax_error(line: str) -> None:
    with pytest.raises(ScriptSyntaxError):
        split_line(line)


async def test_comments_semicolons_and_continued_lines(shell: ShellRunner, tmp_path: Path) -> None:
    run = await run_file(
        shell, tmp_path, "# a comment\necho one; echo two  # trailing\necho three \\\n  four\n"
    )
    assert run.status == 0 and run.ran == 3
    assert shell.out == ["one", "two", "three four"]


async def test_variables_file_arguments_environment_and_defaults(
    shell: ShellRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MXSHELL_TEST_SITE", "north")
    text = (
        "set tank Tank1\n"
        "echo ${tank}.Level $1 ${2} ${ENV:MXSHELL_TEST_SITE} ${3:-none} '${tank}'\n"
        'echo "${tank} is; one word"\n'
    )
    run = await run_file(shell, tmp_path, text, "a b", "second")
    assert run.status == 0, shell.errors
    assert shell.out == ["Tank1.Level a b second north none ${tank}", "Tank1 is; one word"]


async def test_let_captures_a_result_and_fields_are_reached_with_dots(
    shell: ShellRunner, tmp_path: Path
) -> None:
    text = (
        "let level = read Tank1.Level\n"
        "echo ${level.tag} ${level.quality}\n"
        "assert ${level.value} >= 0\n"
        "let both = read Tank1.Level Tank2.Level\n"
        "echo ${both.1.tag}\n"
    )
    run = await run_file(shell, tmp_path, text)
    assert run.status == 0, shell.errors
    assert shell.out[0] == "Tank1.Level Good (192)"
    assert shell.out[-1] == "Tank2.Level"
    assert isinstance(shell.context.variables["level"]["value"], float)


async def test_a_missing_field_names_the_fields_there_are(
    shell: ShellRunner, tmp_path: Path
) -> None:
    run = await run_file(shell, tmp_path, "let level = read Tank1.Level\necho ${level.valu}\n")
    assert run.status == 2
    assert shell.err == [
        f"{tmp_path / 'check.mxsh'}:2: echo: ${{level.valu}}: "
        "level has fields tag, value, quality, timestamp, no 'valu'"
    ]


# failure semantics -------------------------------------------------------------------


async def test_the_first_failure_stops_the_file_naming_file_line_and_command(
    shell: ShellRunner, tmp_path: Path
) -> None:
    run = await run_file(
        shell, tmp_path, "echo one\n\nassert 1 > 2 -m 'too small'\necho never\n", name="stop.mxsh"
    )
    assert run.status == 1 and run.ran == 2
    assert shell.out == ["one"]
    assert shell.err == [f"{tmp_path / 'stop.mxsh'}:3: assert: too small (1 > 2 does not hold)"]


async def test_mistakes_are_found_before_anything_runs_with_exit_status_2(
    shell: ShellRunner, tmp_path: Path
) -> None:
    text = (
        "echo never\n"
        "nosuch-command\n"
        "read Tank1.Level --timeout soon\n"
        "echo ${never_set} $1 ${ENV:MXSHELL_SURELY_UNSET}\n"
        'echo "open\n'
        "let x read Tank1.Level\n"
    )
    run = await run_file(shell, tmp_path, text, name="bad.mxsh")
    assert run.status == 2 and run.ran == 0 and shell.out == []
    where = tmp_path / "bad.mxsh"
    messages = [line.removeprefix(f"{where}:") for line in shell.err]
    assert messages[0].startswith("2: nosuch-command: unknown command")
    assert messages[1].startswith("3: read: argument --timeout: 'soon' is not a duration")
    assert messages[2:5] == [
        "4: ${never_set}: no variable 'never_set' is set before this line",
        "4: $1: no argument 1 (none were given)",
        "4: ${ENV:MXSHELL_SURELY_UNSET}: environment variable MXSHELL_SURELY_UNSET is not set",
    ]
    assert messages[5].startswith('5: unterminated quote "')
    assert messages[6] == "6: let: write it as: let NAME = COMMAND [ARGS...]"
    assert shell.err[-1] == f"{where}: 7 problems found; nothing was run"


async def test_on_error_continue_runs_everything_and_ends_with_a_summary(
    shell: ShellRunner, tmp_path: Path
) -> None:
    text = "on-error continue\nassert a == b\necho middle\nexpect Tank1.Capacity < 0\necho end\n"
    run = await run_file(shell, tmp_path, text, name="all.mxsh")
    assert run.status == 1 and run.ran == 5 and run.failed == 2
    assert shell.out == ["middle", "end"]
    assert shell.err[-1] == f"{tmp_path / 'all.mxsh'}: 2 of 5 commands failed (lines 2, 4)"
    assert shell.context.settings.stop_on_error, "on-error lasts until the end of the run"


async def test_exit_in_a_file_ends_it_with_that_status(shell: ShellRunner, tmp_path: Path) -> None:
    run = await run_file(shell, tmp_path, "echo one\nexit 3\necho never\n")
    assert run.status == 3 and shell.out == ["one"]


# conditions against the gateway --------------------------------------------------------


async def test_wait_for_returns_once_the_condition_holds(
    shell: ShellRunner, tmp_path: Path
) -> None:
    text = "wait-for Tank1.Level >= 0 --timeout 5\nwait-for Valve101.Open != false\n"
    run = await run_file(shell, tmp_path, text)
    assert run.status == 0, shell.errors
    assert shell.out[0].startswith("ok: Tank1.Level >= 0 (value ")
    assert not list(shell.session.items), "what wait-for added is removed again"


async def test_wait_for_a_condition_that_never_holds_fails_at_its_timeout(
    shell: ShellRunner, tmp_path: Path
) -> None:
    run = await run_file(
        shell, tmp_path, "wait-for Tank1.Level > 1000 --timeout 0.3 -m 'tank never fills'\n"
    )
    assert run.status == 1
    (line,) = shell.err
    assert line.startswith(
        f"{tmp_path / 'check.mxsh'}:1: wait-for: tank never fills "
        "(> 1000 not met within 0.3s (Tank1.Level is "
    )
    assert not list(shell.session.items)


async def test_expect_reads_once_and_compares_in_the_items_type(
    shell: ShellRunner, tmp_path: Path
) -> None:
    ok = await run_file(
        shell, tmp_path, "expect Pump1.Speed.Max == 1800\nexpect Valve101.Open == on\n"
    )
    assert ok.status == 0, shell.errors
    shell.err.clear()
    bad = await run_file(shell, tmp_path, "expect Valve101.Open < true\n")
    assert bad.status == 1
    assert shell.err == [
        f"{tmp_path / 'check.mxsh'}:1: expect: < does not apply to a boolean; use == or !="
    ]


# includes and source -------------------------------------------------------------------


async def test_an_include_runs_in_place_with_its_own_arguments(
    shell: ShellRunner, tmp_path: Path
) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "greet.mxsh").write_text("echo hello $1\nset greeted yes\n")
    run = await run_file(shell, tmp_path, "include lib/greet.mxsh plant\necho ${greeted}\n")
    assert run.status == 0, shell.errors
    assert shell.out == ["hello plant", "yes"]


async def test_an_include_cycle_is_refused_before_anything_runs(
    shell: ShellRunner, tmp_path: Path
) -> None:
    (tmp_path / "b.mxsh").write_text("echo b\ninclude a.mxsh\n")
    run = await run_file(shell, tmp_path, "echo a\ninclude b.mxsh\n", name="a.mxsh")
    assert run.status == 2 and shell.out == []
    assert (
        shell.err[0]
        == f"{tmp_path / 'b.mxsh'}:2: include cycle refused: a.mxsh -> b.mxsh -> a.mxsh"
    )


async def test_source_at_the_prompt_uses_the_same_runner(
    shell: ShellRunner, tmp_path: Path
) -> None:
    (tmp_path / "ok.mxsh").write_text("echo sourced $1\n")
    (tmp_path / "fails.mxsh").write_text("echo before\nassert 1 == 2\necho after\n")
    result = await shell.run(f"source {tmp_path / 'ok.mxsh'} here")
    assert result.ok and result.out == ["sourced here"]
    assert shell.context.variables.args == ()
    failed = await shell.run(f"source {tmp_path / 'fails.mxsh'}")
    assert not failed.ok and failed.out == ["before"]
    assert failed.err[0] == f"{tmp_path / 'fails.mxsh'}:2: assert: 1 == 2 does not hold"
    assert failed.outcomes[0].describe() == f"source: stopped at {tmp_path / 'fails.mxsh'}:2"


async def test_variables_work_at_the_prompt_too(shell: ShellRunner) -> None:
    result = await shell.run("set tank Tank2; let level = read ${tank}.Level; echo ${level.tag}")
    assert result.ok and result.out == ["Tank2.Level"]
    listed = await shell.run("set")
    assert listed.result["tank"] == "Tank2"
    assert (await shell.run("unset tank")).ok and "tank" not in shell.context.variables


# JSON and secrets ----------------------------------------------------------------------


async def test_json_prints_one_object_per_command_with_its_line(
    shell: ShellRunner, tmp_path: Path
) -> None:
    shell.context.settings.output = "json"
    run = await run_file(
        shell, tmp_path, "echo a\n\nread Tank1.Level\nassert 1 == 2 --message no\n"
    )
    assert run.status == 1
    *objects, summary = [json.loads(line) for line in shell.out]
    assert summary["summary"]["status"] == 1 and summary["summary"]["checks_failed"] == 1
    assert [(o["command"], o["line"], o["ok"]) for o in objects] == [
        ("echo", 1, True),
        ("read", 3, True),
        ("assert", 4, False),
    ]
    assert objects[1]["result"]["rows"][0]["tag"] == "Tank1.Level"
    assert objects[2]["error"] == "no (1 == 2 does not hold)"
    assert {o["source"] for o in objects} == {str(tmp_path / "check.mxsh")}


async def test_a_secret_variable_never_reaches_output_errors_or_json(
    shell: ShellRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MXSHELL_TEST_PLANT_PASSWORD", "hunter2-pw")
    monkeypatch.setenv("MXSHELL_TEST_KEY", "k-0123456789")
    text = (
        "set key --secret ${ENV:MXSHELL_TEST_KEY}\n"
        "echo key ${key} pw ${ENV:MXSHELL_TEST_PLANT_PASSWORD}\n"
        "set\n"
        "on-error continue\n"
        "sleep ${key}\n"
        "write Tank1.Description ${ENV:MXSHELL_TEST_PLANT_PASSWORD} --type int32\n"
    )
    for output in ("table", "json"):
        shell.context.settings.output = output
        shell.out.clear()
        shell.err.clear()
        run = await run_file(shell, tmp_path, text)
        assert run.status == 2 and run.failed == 2
        printed = "\n".join(shell.out + shell.err)
        assert "k-0123456789" not in printed and "hunter2-pw" not in printed
        assert f"key {REDACTED} pw {REDACTED}" in printed or output == "json"
        assert REDACTED in printed
    typed = "set key --secret hunter2-pw"
    assert "hunter2-pw" not in redact_line(typed, shell.context.registry)


async def test_a_captured_result_under_a_secret_name_masks_its_value_fields_only(
    shell: ShellRunner, tmp_path: Path
) -> None:
    # The tag name, quality and timestamp of a read are not what makes it secret: making
    # them secret would mask "Good (192)" and the tag in every later line of the run.
    shell.context.settings.output = "json"
    await shell.run("write Tank2.Notes 'the-notes-secret'")
    text = (
        "let password = read Tank2.Notes\n"
        "echo ${password.tag} ${password.quality}\necho ${password.value}\n"
    )
    run = await run_file(shell, tmp_path, text)
    assert run.status == 0
    lines = [json.loads(line) for line in shell.out[-4:-1]]
    assert lines[0]["result"]["password"]["value"] == REDACTED
    assert lines[0]["result"]["password"]["tag"] == "Tank2.Notes"
    assert lines[1]["result"] == "Tank2.Notes Good (192)"
    assert lines[2]["result"] == REDACTED
    assert "the-notes-secret" not in "\n".join(shell.out[-4:] + shell.err)


async def test_a_variable_used_as_a_secret_option_is_masked_from_the_start(
    shell: ShellRunner, tmp_path: Path
) -> None:
    # `token` is named like a secret; `k` becomes one because the file uses it as --api-key.
    text = "set token abc-not-shown\necho ${token}\nset k xyz-not-shown\necho ${k}\n"
    text += "connect not-an-endpoint --plaintext --api-key ${k}\n"
    run = await run_file(shell, tmp_path, text)
    assert run.ran == 5 and run.status == 1
    printed = "\n".join(shell.out + shell.err)
    assert "abc-not-shown" not in printed and "xyz-not-shown" not in printed
    assert shell.out == [REDACTED, REDACTED]
