"""`output-to`: results to a file instead of the terminal, until `output-to off` or for
one command, in the current format, owner-only, never through a link, never a secret."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from mxshell.commands import format_value
from mxshell.testing import ShellRunner
from tests.test_cli import run_cli

READ = "read Tank1.Level Tank2.Level"


def csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text())))


async def test_one_commands_results_go_to_the_file_and_parse_back(
    mx_shell: ShellRunner, tmp_path: Path
) -> None:
    target = tmp_path / "levels.csv"
    await mx_shell.run("set output csv")
    run = await mx_shell.run(f"output-to {target} {READ}")
    assert run.ok, run.errors
    assert run.text == "" and run.errors == ""  # nothing on the terminal
    rows = csv_rows(target)
    assert rows[0] == ["tag", "value", "quality", "timestamp"]
    assert [row[0] for row in rows[1:]] == ["Tank1.Level", "Tank2.Level"]
    assert all(row[2] == "Good (192)" for row in rows[1:])
    after = await mx_shell.run("show output")
    assert after.text == "key,value\noutput,csv"  # the next command is on the terminal again


async def test_the_file_holds_the_cells_the_terminal_would_show(
    mx_shell: ShellRunner, tmp_path: Path
) -> None:
    target = tmp_path / "setpoint.txt"
    await mx_shell.run("set output tsv")
    await mx_shell.run(f"output-to {target}")
    run = await mx_shell.run("version")
    await mx_shell.run("output-to off")
    assert run.ok and run.text == ""
    data = run.result
    expected = [["key", "value"], *[[k, format_value(v)] for k, v in data.items()]]
    assert list(csv.reader(io.StringIO(target.read_text()), dialect="excel-tab")) == expected


async def test_everything_until_off_is_appended_in_the_current_format(
    mx_shell: ShellRunner, tmp_path: Path
) -> None:
    target = tmp_path / "session.txt"
    run = await mx_shell.run(
        f"output-to {target}; echo first; set output plain; show output; echo last; "
        "output-to off; echo back"
    )
    assert run.ok, run.errors
    assert run.text == "back"
    # `set` says what it set: a result like any other, so it is in the file too.
    assert target.read_text() == "first\noutput\tplain\noutput\tplain\nlast\n"


async def test_output_to_alone_is_off_as_psqls_backslash_o(
    mx_shell: ShellRunner, tmp_path: Path
) -> None:
    target = tmp_path / "a.txt"
    run = await mx_shell.run(f"output-to {target}; echo in; output-to; echo out")
    assert run.ok and run.text == "out" and target.read_text() == "in\n"
    assert mx_shell.runtime.output_files.target is None


async def test_failures_stay_on_the_terminal_and_a_failed_command_leaves_no_file(
    mx_shell: ShellRunner, tmp_path: Path
) -> None:
    target = tmp_path / "never.txt"
    run = await mx_shell.run(f"output-to {target} sleep 999999")
    assert not run.ok and run.outcomes[0].exit_status == 2
    assert "cannot sleep" in run.errors and run.errors.count("\n") == 0
    assert not target.exists()
    kept = tmp_path / "kept.txt"
    run = await mx_shell.run(f"output-to {kept}; sleep 999999")
    assert "cannot sleep" in run.errors and kept.read_text() == ""
    await mx_shell.run("output-to off")


async def test_json_output_to_a_file_is_one_object_a_line(
    mx_shell: ShellRunner, tmp_path: Path
) -> None:
    target = tmp_path / "out.jsonl"
    await mx_shell.run("set output json")
    run = await mx_shell.run(f"output-to {target} {READ}")
    assert run.ok
    (line,) = target.read_text().splitlines()
    data = json.loads(line)
    assert data["command"] == "read" and len(data["result"]["rows"]) == 2
    # The output-to command's own outcome is on the terminal.
    assert json.loads(run.text)["command"] == "output-to"


async def test_a_secret_is_masked_in_the_file_as_on_the_terminal(
    mx_shell: ShellRunner, tmp_path: Path
) -> None:
    target = tmp_path / "secret.txt"
    await mx_shell.run("set pw --secret hunter2-plant")
    run = await mx_shell.run(f"output-to {target}; echo the key is ${{pw}}; set; output-to off")
    assert run.ok, run.errors
    text = target.read_text()
    assert "hunter2-plant" not in text and "the key is" in text


async def test_the_file_is_the_owners_only(
    mx_shell: ShellRunner, tmp_path: Path, open_umask: None
) -> None:
    target = tmp_path / "private.txt"
    await mx_shell.run(f"output-to {target} echo plant data")
    assert target.stat().st_mode & 0o777 == 0o600
    older = tmp_path / "older.txt"
    older.write_text("before\n")
    older.chmod(0o666)
    await mx_shell.run(f"output-to --append {older} echo after")
    assert older.stat().st_mode & 0o777 == 0o600
    assert older.read_text() == "before\nafter\n"


async def test_an_existing_file_needs_force_or_append(
    mx_shell: ShellRunner, tmp_path: Path
) -> None:
    target = tmp_path / "last-week.txt"
    target.write_text("last week\n")
    refused = await mx_shell.run(f"output-to {target} echo new")
    assert not refused.ok and target.read_text() == "last week\n"
    assert refused.errors == (
        f"output-to: {target} exists; add --force to overwrite it or --append to add to it"
    )
    assert (await mx_shell.run(f"output-to --append {target} echo more")).ok
    assert target.read_text() == "last week\nmore\n"
    assert (await mx_shell.run(f"output-to --force {target} echo new")).ok
    assert target.read_text() == "new\n"
    refused = await mx_shell.run(f"output-to {target}")
    assert not refused.ok and mx_shell.runtime.output_files.target is None


async def test_a_symbolic_link_is_never_followed(mx_shell: ShellRunner, tmp_path: Path) -> None:
    aimed_at = tmp_path / "precious.txt"
    aimed_at.write_text("precious\n")
    link = tmp_path / "out.txt"
    link.symlink_to(aimed_at)
    for line in (f"output-to --force {link} echo x", f"output-to --append {link}"):
        run = await mx_shell.run(line)
        assert not run.ok and "symbolic link" in run.errors
    assert aimed_at.read_text() == "precious\n"


async def test_a_bad_path_is_one_line_and_output_stays_where_it_was(
    mx_shell: ShellRunner, tmp_path: Path
) -> None:
    kept = tmp_path / "kept.txt"
    await mx_shell.run(f"output-to {kept}")
    for bad in (tmp_path / "no" / "such" / "dir.txt", tmp_path):
        run = await mx_shell.run(f"output-to {bad} echo x")
        assert not run.ok and run.errors.count("\n") == 0
        assert run.errors.startswith(f"output-to: cannot write {bad}: ")
    assert mx_shell.runtime.output_files.target == kept
    await mx_shell.run("output-to off")


@pytest.mark.parametrize(
    "line",
    [
        "output-to --force --append out.txt",
        "output-to off echo x",
        "output-to --force off",
    ],
)
async def test_usage_mistakes_are_one_line_and_exit_status_2(
    mx_shell: ShellRunner, tmp_path: Path, line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = await mx_shell.run(line)
    assert not run.ok and run.outcomes[0].exit_status == 2 and run.errors.count("\n") == 0
    assert not (tmp_path / "out.txt").exists()


async def test_a_streamed_snapshot_goes_to_the_file_too(
    mx_shell: ShellRunner, tmp_path: Path
) -> None:
    target = tmp_path / "watch.csv"
    await mx_shell.run("set output csv")
    run = await mx_shell.run(f"output-to {target} watch Tank1.Level --once")
    assert run.ok, run.errors
    assert run.text == ""
    rows = csv_rows(target)
    assert rows[0][:3] == ["handle", "alias", "tag"]
    assert [row[2] for row in rows[1:]] == ["Tank1.Level"]


def test_output_to_through_the_real_command_line(tmp_path: Path) -> None:
    target = tmp_path / "levels.csv"
    run = run_cli(tmp_path, "--format", "csv", "-c", f"output-to {target} {READ}; echo done")
    assert run.returncode == 0, run.stderr
    assert run.stdout == "done\n"
    rows = csv_rows(target)
    assert rows[0] == ["tag", "value", "quality", "timestamp"]
    assert [row[0] for row in rows[1:]] == ["Tank1.Level", "Tank2.Level"]
    assert all(len(row) == 4 and float(row[1]) >= 0 for row in rows[1:])


def test_under_json_a_command_lines_failure_stays_on_the_terminal(tmp_path: Path) -> None:
    target = tmp_path / "run.jsonl"
    line = f"output-to {target}; echo a; read Nope.Nope"
    run = run_cli(tmp_path, "--json", "-c", line)
    assert run.returncode == 1
    (failure,) = [json.loads(text) for text in run.stdout.splitlines()]
    assert failure["command"] == "read" and failure["ok"] is False
    written = [json.loads(text) for text in target.read_text().splitlines()]
    assert [(d["command"], d["ok"]) for d in written] == [("output-to", True), ("echo", True)]


async def test_a_file_keeps_every_digit_the_prompt_rounds(
    mx_shell: ShellRunner, tmp_path: Path
) -> None:
    await mx_shell.run("set precision 3")
    shown = await mx_shell.run("read Tank1.Level")
    level = shown.result.rows[0][1]
    assert format_value(level, mx_shell.context.settings) in shown.text  # rounded on screen
    target = tmp_path / "level.txt"
    assert (await mx_shell.run(f"output-to {target} read Tank1.Level")).ok
    written = target.read_text()
    assert len(written.split("Tank1.Level", 1)[1].split()[0]) > 5  # more than 3 digits
    appended = tmp_path / "levels.txt"  # everything until off, to a file, is whole too
    assert (await mx_shell.run(f"output-to {appended}; read Tank1.Level")).ok
    await mx_shell.run("output-to off")
    last = appended.read_text().splitlines()[-1]
    assert len(last.split()[1]) > 5
