"""docs/plugins.md documents every hook, each with an example (datasette's habit)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mxshell.app.hookspecs import HookSpecs
from mxshell.app.plugin_host import PluginHost

DOCS = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def hook_names() -> list[str]:
    return sorted(
        name for name in dir(HookSpecs) if hasattr(getattr(HookSpecs, name), "mxshell_spec")
    )


def documented_sections() -> dict[str, str]:
    """The `### name` sections of the Hooks chapter, by name."""
    text = DOCS.read_text(encoding="utf-8")
    chapter = text.split("\n## Hooks\n", 1)[1].split("\n## ", 1)[0]
    parts = re.split(r"(?m)^### (\S+)\s*$", chapter)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_the_hook_list_is_what_the_plugin_manager_knows() -> None:
    specs = {name for name in dir(PluginHost().pm.hook) if not name.startswith("_")}
    assert set(hook_names()) == specs
    assert len(specs) >= 8


@pytest.mark.parametrize("hook", hook_names())
def test_every_hook_is_documented_with_an_example(hook: str) -> None:
    sections = documented_sections()
    assert hook in sections, f"docs/plugins.md has no '### {hook}' section under '## Hooks'"
    assert "@hookimpl" in sections[hook] and f"def {hook}(" in sections[hook], (
        f"the {hook} section of docs/plugins.md needs an example implementation"
    )


def test_no_documented_hook_is_missing_from_the_code() -> None:
    assert sorted(documented_sections()) == hook_names()


def test_every_hook_has_a_one_line_docstring() -> None:
    for name in hook_names():
        doc = getattr(HookSpecs, name).__doc__ or ""
        assert doc.strip() and "\n" not in doc.strip(), name
