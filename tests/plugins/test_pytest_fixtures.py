"""The pytest fixtures mxshell registers for plugin authors: there with no conftest.py,
working under pytest-asyncio's default strict mode, and never shadowing ours."""

from __future__ import annotations

import ast
import importlib.metadata
import textwrap
from pathlib import Path

import pytest

import mxshell.pytest_plugin

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]


def fixture_names(source: str) -> set[str]:
    """Functions decorated as pytest fixtures in a module's source."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(target, ast.Attribute) and target.attr == "fixture":
                    names.add(node.name)
    return names


def test_the_fixtures_are_registered_through_the_pytest11_entry_point() -> None:
    (entry_point,) = importlib.metadata.entry_points(group="pytest11").select(name="mxshell")
    assert entry_point.value == "mxshell.pytest_plugin"


def test_the_fixture_names_are_prefixed_and_used_by_no_conftest_here() -> None:
    ours = fixture_names(Path(mxshell.pytest_plugin.__file__).read_text(encoding="utf-8"))
    assert ours == {"mxshell_gateway", "mxshell_runner"}
    for conftest in [*ROOT.glob("tests/**/conftest.py"), *ROOT.glob("plugins/**/conftest.py")]:
        clash = ours & fixture_names(conftest.read_text(encoding="utf-8"))
        assert not clash, f"{conftest.relative_to(ROOT)} shadows {sorted(clash)}"


def test_a_plugin_authors_suite_gets_the_fixtures_without_a_conftest(
    pytester: pytest.Pytester,
) -> None:
    # No ini file, so pytest-asyncio runs in its default strict mode, as for most authors.
    pytester.makepyfile(
        test_author=textwrap.dedent(
            """
            import pytest

            @pytest.mark.asyncio
            async def test_read(mxshell_runner):
                result = await mxshell_runner.run("read Tank1.Level")
                assert result.ok, result.errors
                assert result.result.records()[0]["quality"] == "Good (192)"

            def test_gateway(mxshell_gateway):
                assert mxshell_gateway.endpoint.startswith(("127.0.0.1:", "localhost:"))
            """
        )
    )
    run = pytester.runpytest_subprocess("-p", "no:xdist", "-p", "no:cacheprovider")
    run.assert_outcomes(passed=2)
