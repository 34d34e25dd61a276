"""Docs are part of the feature: the reference matches the declarations, examples run."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# ```python blocks are whole programs and run; ```py blocks are fragments (a hook
# implementation, a line inside a coroutine) and must at least compile.
PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
FRAGMENT = re.compile(r"```py\n(.*?)```", re.DOTALL)


def python_examples() -> list[tuple[str, str]]:
    found = []
    for path in sorted(DOCS.rglob("*.md")):
        for index, block in enumerate(PYTHON_BLOCK.findall(path.read_text())):
            found.append((f"{path.relative_to(DOCS)}#{index + 1}", block))
    return found


def test_the_command_reference_matches_the_declarations() -> None:
    spec = importlib.util.spec_from_file_location(
        "command_reference", ROOT / "scripts" / "command_reference.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.built_in_reference()
    assert (DOCS / "reference.md").read_text() == expected, (
        "docs/reference.md is stale: run python scripts/command_reference.py"
    )
    assert "### read\n" in expected and "### status\n" in expected


def test_every_fragment_in_the_docs_compiles() -> None:
    import ast

    fragments = [
        (p, b) for p in sorted(DOCS.rglob("*.md")) for b in FRAGMENT.findall(p.read_text())
    ]
    assert fragments
    for path, block in fragments:
        compile(block, str(path), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


def test_there_are_python_examples_to_run() -> None:
    assert len(python_examples()) >= 5


@pytest.mark.parametrize(("where", "code"), python_examples(), ids=lambda v: str(v)[:40])
def test_each_python_example_in_the_docs_runs(where: str, code: str, tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(code)
    run = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert run.returncode == 0, f"{where} failed:\n{run.stdout}\n{run.stderr}"


MXSH_BLOCK = re.compile(r"```mxsh\n(.*?)```", re.DOTALL)


def mxsh_examples() -> list[tuple[str, str]]:
    found = []
    for path in sorted(DOCS.rglob("*.md")):
        for index, block in enumerate(MXSH_BLOCK.findall(path.read_text())):
            found.append((f"{path.relative_to(DOCS)}#{index + 1}", block))
    return found


def test_the_user_guide_has_command_examples() -> None:
    assert any(where.startswith("user-guide.md") for where, _ in mxsh_examples())


@pytest.mark.parametrize(("where", "block"), mxsh_examples(), ids=lambda v: str(v)[:40])
async def test_each_command_example_in_the_docs_runs(where: str, block: str) -> None:
    from mxshell.testing import ShellRunner, simulated_gateway

    # A block runs as a command file does (checked whole, stopped at a failure), so
    # blocks may use continued lines, variables and the rest of the file language.
    with simulated_gateway() as gateway:
        async with ShellRunner.connected(gateway) as shell:
            shell.runtime.operator.yes = True  # manual steps run as under --yes
            run = await shell.runtime.scripts.run_text(block, where)
            assert run.status == 0 and run.ran, f"{where} failed: {shell.errors}"


BLOCK_WORDS = ("if", "elif", "else", "end", "for")
EXAMPLE_FILES = sorted((DOCS / "examples").glob("*.mxsh"))


def test_the_example_command_files_cover_commissioning_bulk_writes_and_deploys() -> None:
    names = {path.stem for path in EXAMPLE_FILES}
    assert {"commissioning", "bulk-setpoints", "deploy-watch", "loop-check"} <= names


def test_the_loop_check_example_uses_what_a_loop_check_needs() -> None:
    text = (DOCS / "examples" / "loop-check.mxsh").read_text()
    for needed in ("--tolerance", "--stable", "for ", "defer ", "confirm ", "between", "if "):
        assert needed in text, needed


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
async def test_each_example_command_file_runs_against_the_simulated_gateway(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mxshell.testing import ShellRunner, simulated_gateway

    monkeypatch.chdir(path.parent)  # as its header says: files it names are beside it
    with simulated_gateway() as gateway:  # its own: examples write and deploy
        async with ShellRunner.connected(gateway) as shell:
            shell.runtime.operator.yes = True  # as under --yes: manual steps answered
            run = await shell.runtime.scripts.run_file(path)
            assert run.status == 0 and run.failed == 0, f"{path.name}: {shell.errors}"
            steps = run_steps(path)
            if any(s.split()[0] in ("for", "if") for s in steps):
                assert run.ran >= len([s for s in steps if s.split()[0] not in BLOCK_WORDS])
            else:
                assert run.ran == len(steps), "every command of the example ran"


def run_steps(path: Path) -> list[str]:
    from mxshell.commands import split_line
    from mxshell.script.program import read_script

    return [s.text for line in read_script(path.read_text()) for s in split_line(line.text)]


def test_each_simulator_behaviour_row_names_a_test_that_exists() -> None:
    text = (DOCS / "simulator.md").read_text()
    table = text.split("## Behaviours: what the simulator does of MXAccess", 1)[1]
    table = table.split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    rows = rows[1:]  # the header
    assert len(rows) >= 13
    for row in rows:
        behaviour, simulated, test = (cell.strip() for cell in row.strip("|").split("|"))
        assert simulated.split()[0] in ("yes", "partly", "no"), row
        if simulated == "no":
            assert test == "-", row
            continue
        assert test != "-", f"a simulated behaviour needs its test: {row}"
        path, _, name = test.strip("`").partition("::")
        source = (ROOT / path).read_text()
        assert re.search(rf"def {re.escape(name)}\(", source), f"no test {test} ({behaviour})"
