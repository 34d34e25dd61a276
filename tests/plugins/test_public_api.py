"""mxshell.api, the surface third-party plugins import: its names exist, the example plugin
and the plugin guide use nothing else, and its session helpers behave."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

import mxshell.api as api
from mxshell.commands import TAG_COMPLETION
from mxshell.shell.completion import ShellCompleter, service_tags
from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner
from tests.conftest import eventually

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "plugins" / "examples"
PUBLIC_MODULES = {"mxshell.api", "mxshell.testing"}

# What a plugin needs, by the plugin guide's chapters.
EXPECTED = {
    "hookimpl",  # hooks
    "command", "CommandSet", "arg", "flag", "Argument", "Completer",  # declaring commands
    "CommandContext", "Settings", "ShellSession", "session_of", "borrowed_item",  # the session
    "GatewaySession", "GatewayClient", "GalaxyRepositoryClient", "GALAXY", "GalaxyLookup",
    "Table", "Text", "Secret",  # results
    "ShellError", "CommandFailed", "UsageError", "NotConnectedError", "GatewayError",  # errors
    "MxAccessError", "ItemLookupError",
    "ToolbarField",  # toolbar fields
    "MxEvent", "DeployEvent", "EventListener", "from_mx_value", "quality_name",  # events
    "TrackedItem", "wait_for_value", "API_VERSION",
}  # fmt: skip


def mxshell_imports(source: str, filename: str) -> set[str]:
    """Every mxshell module a piece of Python source imports (mxshell_plugins included)."""
    found = set()
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {n for n in names if n.split(".")[0] in ("mxshell", "mxshell_plugins")}
    return found


def test_every_name_the_api_lists_exists() -> None:
    missing = [name for name in api.__all__ if not hasattr(api, name)]
    assert not missing
    assert len(set(api.__all__)) == len(api.__all__)


def test_the_api_offers_what_the_plugin_guide_promises() -> None:
    assert set(api.__all__) >= EXPECTED, sorted(EXPECTED - set(api.__all__))
    assert api.API_VERSION[0] >= 1


def test_a_tag_argument_is_declared_with_is_tag() -> None:
    declared = api.arg("item", is_tag=True)
    assert declared.is_tag and declared.type_name == "tag"


def test_the_example_plugin_imports_only_the_public_api() -> None:
    sources = sorted(EXAMPLES.rglob("*.py"))
    assert any(p.name == "__init__.py" for p in sources) and any(
        p.name.startswith("test_") for p in sources
    )
    for path in sources:
        private = mxshell_imports(path.read_text(encoding="utf-8"), str(path)) - PUBLIC_MODULES
        assert not private, f"{path.relative_to(ROOT)} imports {sorted(private)}"


def test_the_plugin_guide_imports_only_the_public_api() -> None:
    text = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:python|py)\n(.*?)```", text, re.DOTALL)
    assert len(blocks) >= 10
    used = set()
    for block in blocks:
        used |= mxshell_imports(block, "docs/plugins.md")
    assert used and used <= PUBLIC_MODULES, sorted(used - PUBLIC_MODULES)


async def test_the_shells_session_is_a_shell_session(gateway: EmbeddedGateway) -> None:
    async with ShellRunner.connected(gateway) as shell:
        assert isinstance(shell.session, api.ShellSession)
        assert api.session_of(shell.context) is shell.session


async def test_session_of_without_a_session_is_one_line_for_the_user() -> None:
    shell = ShellRunner(plugins=[])
    with pytest.raises(api.NotConnectedError, match="not connected to a gateway; use connect"):
        api.session_of(shell.context)


async def test_a_borrowed_tag_is_added_advised_and_removed_again(gateway: EmbeddedGateway) -> None:
    async with ShellRunner.connected(gateway) as shell:
        async with api.borrowed_item(shell.context, "Tank1.Level") as item:
            assert item.advise == "advise" and list(shell.session.items) == [item]
        assert list(shell.session.items) == []


async def test_a_borrowed_item_of_the_user_is_left_as_it_was(gateway: EmbeddedGateway) -> None:
    async with ShellRunner.connected(gateway) as shell:
        added = await shell.run("add-item Tank2.Level --as t2")
        assert added.ok, added.errors
        async with api.borrowed_item(shell.context, "t2") as item:
            assert item.alias == "t2" and item.advise == "advise"
        assert [(i.alias, i.advise) for i in shell.session.items] == [("t2", "none")]
        advised = await shell.run("advise t2")
        assert advised.ok, advised.errors
        async with api.borrowed_item(shell.context, "t2", advise=False):
            pass
        assert [(i.alias, i.advise) for i in shell.session.items] == [("t2", "advise")]


async def test_a_borrowed_item_is_given_back_when_the_block_fails(
    gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(gateway) as shell:
        with pytest.raises(api.CommandFailed, match="no good"):
            async with api.borrowed_item(shell.context, "Tank1.Level"):
                raise api.CommandFailed("no good")
        assert list(shell.session.items) == []


async def test_borrowing_a_tag_the_gateway_does_not_know_raises_a_gateway_error(
    gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(gateway) as shell:
        with pytest.raises(api.GatewayError, match="unknown tag reference 'Tank1.Nothing'"):
            async with api.borrowed_item(shell.context, "Tank1.Nothing"):
                pass
        assert list(shell.session.items) == []


async def test_waiting_for_a_value_gives_the_first_one_of_an_advised_item(
    gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(gateway) as shell:
        async with api.borrowed_item(shell.context, "Tank1.Level") as item:
            value = await api.wait_for_value(api.session_of(shell.context), item, timeout=5)
            assert isinstance(value, float) and item.change_count >= 1
        async with api.borrowed_item(shell.context, "Tank1.Level", advise=False) as item:
            with pytest.raises(api.CommandFailed, match="Tank1.Level is not advised"):
                await api.wait_for_value(api.session_of(shell.context), item)


class TagDemo:
    """A third-party plugin with one tag argument, and no completion code of its own."""

    @api.hookimpl
    def register_commands(self, register: object) -> None:
        @api.command("tagdemo-show", help="Show a tag.", args=[api.arg("tag", is_tag=True)])
        async def show(ctx: api.CommandContext, tag: str) -> str:
            return tag

        register(show)  # type: ignore[operator]


async def test_a_plugins_tag_argument_completes_from_the_galaxy(gateway: EmbeddedGateway) -> None:
    async with ShellRunner.connected(gateway, plugins={"tagdemo": TagDemo()}) as shell:
        shell.context.services[TAG_COMPLETION].preload()  # as the REPL does
        completer = ShellCompleter(
            shell.context, shell.host.completers, tags=service_tags(shell.context)
        )

        def offered() -> list[str]:
            document = Document("tagdemo-show Tank1.Le")
            return [c.text for c in completer.get_completions(document, CompleteEvent())]

        await eventually(lambda: "Tank1.Level" in offered(), "Tank1.Level to be offered")
        assert all(text.startswith("Tank1.") for text in offered())
