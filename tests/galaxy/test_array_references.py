"""The shell with arrays as MXAccess addresses them: a bare array name is refused with
how to fix it, `Attr[]` and `Attr[N]` read and write, completion and globs name arrays
whole (`Attr[]`)."""

from __future__ import annotations

from mxshell.commands import GALAXY
from mxshell.shell.build import build_repl
from mxshell.testing import ShellRunner
from tests.conftest import eventually, repl_completions


async def test_a_bare_array_name_says_how_to_name_the_array_or_an_element(
    shell: ShellRunner,
) -> None:
    result = await shell.run("read Tank1.LevelTrend")
    assert result.outcomes[0].exit_status == 1
    assert result.errors.endswith(
        "name Tank1.LevelTrend[] for the whole array, or Tank1.LevelTrend[N] for element N (from 1)"
    ), result.errors
    assert "detail 1003" in result.errors and "\n" not in result.errors
    bulk = await shell.run("read-bulk Tank1.LevelTrend Tank1.Level --allow-partial")
    (row,) = [r for r in bulk.result.table.records() if r["tag"] == "Tank1.LevelTrend"]
    assert row["status"].endswith("or Tank1.LevelTrend[N] for element N (from 1)")


async def test_the_whole_array_and_its_elements_read_and_write(own_shell: ShellRunner) -> None:
    whole = (await own_shell.run("read Tank1.LevelTrend[]")).result.records()[0]
    assert whole["value"] == [48.5, 51.0, 53.2, 55.9]
    second = (await own_shell.run("read Tank1.LevelTrend[2]")).result.records()[0]
    assert second["value"] == 51.0
    assert (await own_shell.run("write Filler1.NozzleEnabled[4] true")).ok
    nozzles = await own_shell.run("read Filler1.NozzleEnabled[]")
    assert nozzles.result.records()[0]["value"] == [True, True, True, True]
    outside = await own_shell.run("read Tank1.LevelTrend[0]")
    assert "array elements are numbered from 1 to 4" in outside.errors


async def test_completion_and_globs_name_an_array_whole(shell: ShellRunner) -> None:
    catalog = shell.context.services[GALAXY]
    build_repl(shell.runtime, history=False)  # the REPL preloads the index
    await eventually(lambda: catalog.state == "ready", what="the Galaxy index")
    offered = repl_completions(shell, "read Tank1.LevelT")
    assert offered[0] == "Tank1.LevelTrend[]" and "Tank1.LevelTrend" not in offered
    assert repl_completions(shell, "read Tank1.LevelTrend[")[0] == "Tank1.LevelTrend[]"
    result = await shell.run("read-bulk 'Tank1.LevelT*'")
    assert result.ok, result.errors
    assert [r["tag"] for r in result.result.table.records()] == ["Tank1.LevelTrend[]"]
