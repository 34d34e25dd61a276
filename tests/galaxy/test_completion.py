"""Tag completion through prompt_toolkit's completion API, from the live Galaxy index:
its states, prefix and fuzzy matches, attributes after the dot, relative references, a
deploy, and a tag argument of a plugin the Galaxy plugin knows nothing about."""

from __future__ import annotations

import asyncio
from typing import Any

from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from mxshell.api import hookimpl
from mxshell.commands import GALAXY, arg, command
from mxshell.shell.build import build_repl, prompt_text
from mxshell.shell.repl import Repl
from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner
from tests.conftest import eventually


def completions(shell: ShellRunner, text: str) -> list[Any]:
    repl = build_repl(shell.runtime, history=False)
    completer = repl.hooks.completer
    assert completer is not None
    found = completer.get_completions(Document(text), CompleteEvent(completion_requested=True))
    return list(found)


def texts(shell: ShellRunner, text: str) -> list[str]:
    return [c.text for c in completions(shell, text)]


async def ready(shell: ShellRunner) -> None:
    catalog = shell.context.services[GALAXY]
    build_repl(shell.runtime, history=False)  # the REPL preloads the index
    await eventually(lambda: catalog.state == "ready", what="the Galaxy index")


async def test_completion_says_loading_until_the_index_is_there_then_offers_tags(
    shell: ShellRunner,
) -> None:
    first = completions(shell, "read Tan")
    assert [c.display_text for c in first] == ["loading… (0 objects)"]
    assert first[0].text == "Tan"  # choosing the note changes nothing
    await ready(shell)
    found = texts(shell, "read Tan")
    assert found[:4] == ["Tank1", "Tank2", "Tank3", "Tank4"]
    assert "Tank1.Inlet" in found  # hierarchical names complete too


async def test_attribute_names_complete_after_the_dot_with_type_and_security(
    shell: ShellRunner,
) -> None:
    await ready(shell)
    found = completions(shell, "read Tank1.Level.H")
    assert [c.text for c in found] == ["Tank1.Level.Hi", "Tank1.Level.HiAlarm", "Tank1.Level.HiHi"]
    assert found[0].display_meta_text == "Double · Tune"
    assert texts(shell, "write tank1.cap")[0] == "Tank1.Capacity"
    # A hierarchical name works as the object part too.
    assert "Tank1.Inlet.Open" in texts(shell, "read Tank1.Inlet.O")


async def test_fuzzy_matches_follow_the_prefix_matches(shell: ShellRunner) -> None:
    await ready(shell)
    assert texts(shell, "read cmprsr")[:1] == ["Compressor1"]
    assert "Tank1.Temperature" in texts(shell, "read Tank1.tmprtr")
    assert texts(shell, "read zzzqqq") == []


async def test_relative_references_complete_against_the_current_object(
    shell: ShellRunner,
) -> None:
    await ready(shell)
    assert (await shell.run("cd Pump1")).ok
    found = texts(shell, "read .Spe")
    assert found[:2] == [".Speed", ".Speed.EngUnits"] and ".Speed.SP" in found
    assert all(text.startswith(".") for text in found)
    assert ".Running" in texts(shell, "add-item .Run")


async def test_every_tag_argument_completes_even_a_third_party_plugins(
    gateway: EmbeddedGateway,
) -> None:
    class ThirdParty:
        @hookimpl
        def register_commands(self, register: Any) -> None:
            register(
                command(
                    "trend-of", help="A third party's command.", args=[arg("tag", is_tag=True)]
                )(lambda ctx, tag: tag)
            )

    async with ShellRunner.connected(gateway, plugins=[ThirdParty()]) as shell:
        await ready(shell)
        found = texts(shell, "trend-of Pump2.Spe")
        assert found[0] == "Pump2.Speed" and "Pump2.Speed.SP" in found


async def test_completion_follows_a_deploy_seen_by_deploy_watch(
    own_shell: ShellRunner, fresh_gateway: EmbeddedGateway
) -> None:
    await ready(own_shell)
    assert (await own_shell.run("deploy-watch on")).ok
    assert (await own_shell.run("sim deploy --add 2")).ok
    new = fresh_gateway.gateway.galaxy.objects[-1].tag_name
    await eventually(lambda: new in texts(own_shell, f"read {new}"), what="the new objects")
    assert texts(own_shell, f"read {new}.")  # its attributes complete too


async def test_the_prompt_shows_the_browse_path_and_tab_completes_in_the_repl(
    shell: ShellRunner,
) -> None:
    await ready(shell)
    await shell.run("cd Tank1")
    prompt = "".join(text for _, text in prompt_text(shell.runtime))
    assert prompt == "mxshell:…/Area_Production/Tank1> "
    with create_pipe_input() as pipe:
        hooks = build_repl(shell.runtime, history=False).hooks
        repl = Repl(hooks, input=pipe, output=DummyOutput())  # type: ignore[arg-type]
        task = asyncio.create_task(repl.run())
        for chunk in ["read .Capa", "\t", "\r", "\x04"]:
            pipe.send_text(chunk)
            await asyncio.sleep(0.3)
        await asyncio.wait_for(task, 10)
    # `read .Capa` alone names no tag: the read worked because Tab completed it.
    tables = [line for line in shell.out if line.startswith("tag ")]
    assert tables and "Tank1.Capacity  25000" in tables[-1], shell.out
