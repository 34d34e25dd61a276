"""if/elif/else/end and for blocks: which branch runs, loops over words and @FILEs,
nesting, and every mismatch found at its FILE:LINE before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from mxshell.testing import ShellRunner
from tests.script.conftest import json_lines, printed, run_file

BRANCHES = """\
if ${level} > 50
  echo high
elif ${level} > 20
  echo middle
else
  echo low
end
echo after
"""


@pytest.mark.parametrize(
    ("level", "shown"), [("80", "high"), ("50", "middle"), ("21", "middle"), ("3", "low")]
)
async def test_the_first_branch_whose_condition_holds_runs_and_only_it(
    shell: ShellRunner, tmp_path: Path, level: str, shown: str
) -> None:
    run = await run_file(shell, tmp_path, f"set level {level}\n{BRANCHES}")
    assert run.status == 0, shell.errors
    assert printed(shell) == [shown, "after"]


async def test_an_if_without_else_whose_condition_fails_runs_nothing(
    shell: ShellRunner, tmp_path: Path
) -> None:
    run = await run_file(shell, tmp_path, "if a == b\n  echo never\nend\necho done\n")
    assert run.status == 0 and printed(shell) == ["done"]


async def test_a_condition_takes_text_and_a_read_value(shell: ShellRunner, tmp_path: Path) -> None:
    text = """\
let sp = read Pump1.Speed.SP
if ${sp.value} >= 0
  echo numeric ${sp.tag}
end
if ${sp.quality} == "Good (192)"
  echo good
end
"""
    run = await run_file(shell, tmp_path, text)
    assert run.status == 0, shell.errors
    assert printed(shell)[-2:] == ["numeric Pump1.Speed.SP", "good"]


async def test_for_runs_its_body_once_per_word_and_keeps_the_last(
    shell: ShellRunner, tmp_path: Path
) -> None:
    text = "for pump in Pump1 Pump2 'Pump 3'\n  echo checking ${pump}\nend\necho last ${pump}\n"
    run = await run_file(shell, tmp_path, text)
    assert run.status == 0, shell.errors
    assert printed(shell) == [
        "checking Pump1",
        "checking Pump2",
        "checking Pump 3",
        "last Pump 3",
    ]


async def test_for_over_a_file_takes_one_word_a_line_relative_to_the_command_file(
    shell: ShellRunner, tmp_path: Path
) -> None:
    (tmp_path / "tanks.txt").write_text("Tank1\n\n# not this one\n  Tank2  \n")
    run = await run_file(shell, tmp_path, "for t in @tanks.txt\n  echo ${t}.Level\nend\n")
    assert run.status == 0, shell.errors
    assert printed(shell) == ["Tank1.Level", "Tank2.Level"]


async def test_a_missing_for_file_fails_at_the_for_line(shell: ShellRunner, tmp_path: Path) -> None:
    run = await run_file(shell, tmp_path, "echo a\nfor t in @nowhere.txt\n  echo ${t}\nend\n")
    assert run.status == 1 and run.failures == [f"{tmp_path / 'check.mxsh'}:2"]
    assert "cannot read" in shell.errors and "nowhere.txt" in shell.errors


async def test_blocks_nest(shell: ShellRunner, tmp_path: Path) -> None:
    text = """\
for a in 1 2 3
  for b in 1 2
    if ${a} == ${b}
      echo same ${a}
    elif ${a} > ${b}
      if ${a} == 3
        echo three over ${b}
      end
    end
  end
end
"""
    run = await run_file(shell, tmp_path, text)
    assert run.status == 0, shell.errors
    assert printed(shell) == ["same 1", "same 2", "three over 1", "three over 2"]


async def test_a_failure_inside_a_loop_stops_the_file_at_its_line(
    shell: ShellRunner, tmp_path: Path
) -> None:
    text = "for t in 1 2 3\n  assert ${t} < 2\n  echo ok ${t}\nend\necho never\n"
    run = await run_file(shell, tmp_path, text)
    assert run.status == 1 and run.stopped
    assert printed(shell) == ["ok: 1 < 2", "ok 1"]
    assert f"{tmp_path / 'check.mxsh'}:2: assert: 2 < 2 does not hold" in shell.errors


async def test_under_on_error_continue_a_loop_runs_every_word(
    shell: ShellRunner, tmp_path: Path
) -> None:
    text = "on-error continue\nfor t in 1 2 3\n  assert ${t} != 2\nend\n"
    run = await run_file(shell, tmp_path, text)
    assert run.status == 1 and run.failed == 1 and run.ran == 4


async def test_a_condition_that_cannot_be_compared_fails_at_the_if_line(
    shell: ShellRunner, tmp_path: Path
) -> None:
    run = await run_file(shell, tmp_path, "set x abc\nif ${x} > 3\n  echo never\nend\n")
    assert run.status == 1
    assert f"{tmp_path / 'check.mxsh'}:2: if: cannot order 'abc' and '3'" in shell.errors


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("if 1 == 1\n  echo x\n", "1: if without end in this file"),
        ("for a in 1\n  echo x\n", "1: for without end in this file"),
        ("echo x\nend\n", "2: end without if or for in this file"),
        ("echo x\nelse\n", "2: else without if or for in this file"),
        ("for a in 1\nelse\nend\n", "2: else belongs to an if, and this block is a for"),
        ("if 1 == 1\nelse\nelif 2 == 2\nend\n", "3: elif after else"),
        ("if 1 ==\nend\n", "1: if: a condition is VALUE OP VALUE"),
        ("if 1 is 1\nend\n", "1: if: a condition is VALUE OP VALUE"),
        ("for 9x in 1 2\nend\n", "1: for: write it as: for NAME in WORD..."),
        ("for x of 1 2\nend\n", "1: for: write it as: for NAME in WORD..."),
    ],
)
async def test_a_malformed_block_is_a_problem_at_its_line_and_nothing_runs(
    shell: ShellRunner, tmp_path: Path, text: str, problem: str
) -> None:
    run = await run_file(shell, tmp_path, "echo should-not-run\n" + text)
    assert run.status == 2 and run.ran == 0
    assert printed(shell) == []
    line, _, message = problem.partition(": ")
    assert f"{tmp_path / 'check.mxsh'}:{int(line) + 1}: {message}" in shell.errors


async def test_a_block_opens_and_closes_in_one_file(shell: ShellRunner, tmp_path: Path) -> None:
    (tmp_path / "closes.mxsh").write_text("echo inside\nend\n")
    (tmp_path / "opens.mxsh").write_text("if 1 == 1\necho opened\n")
    text = "if 1 == 1\ninclude closes.mxsh\nend\ninclude opens.mxsh\necho after\n"
    run = await run_file(shell, tmp_path, text)
    assert run.status == 2 and run.ran == 0
    assert f"{tmp_path / 'closes.mxsh'}:2: end without if or for in this file" in shell.errors
    assert f"{tmp_path / 'opens.mxsh'}:1: if without end in this file" in shell.errors


async def test_an_included_file_runs_inside_the_block_that_includes_it(
    shell: ShellRunner, tmp_path: Path
) -> None:
    (tmp_path / "pump.mxsh").write_text("if $1 == Pump2\n  echo second $1\nend\n")
    text = "for p in Pump1 Pump2\n  include pump.mxsh ${p}\nend\n"
    run = await run_file(shell, tmp_path, text)
    assert run.status == 0, shell.errors
    assert printed(shell) == ["second Pump2"]


async def test_block_lines_print_nothing_under_json(
    json_shell: ShellRunner, tmp_path: Path
) -> None:
    run = await run_file(json_shell, tmp_path, "for a in x y\n  echo ${a}\nend\n")
    assert run.status == 0
    assert [(o["command"], o["line"], o["result"]) for o in json_lines(json_shell)] == [
        ("echo", 2, "x"),
        ("echo", 2, "y"),
    ]


async def test_typed_at_the_prompt_a_block_word_says_where_it_belongs(
    shell: ShellRunner,
) -> None:
    result = await shell.run("if 1 == 1")
    assert not result.ok
    assert result.errors == (
        "if: if is a statement of command files (mxshell -f FILE, source FILE); "
        "usage: if COND ... [elif COND ...] [else ...] end"
    )
