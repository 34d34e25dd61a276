"""Completion through prompt_toolkit's completion API, from the command declarations."""

from __future__ import annotations

from collections.abc import Iterable

from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from mxshell.commands import CommandContext, CommandRegistry, arg, command, flag
from mxshell.shell.completion import ShellCompleter, Suggestion


async def _noop(ctx: object, **kwargs: object) -> None:
    return None


def make_context() -> CommandContext:
    registry = CommandRegistry()
    registry.add(
        command(
            "write",
            help="Write a value.",
            args=[
                arg("item", help="alias, handle or tag", is_tag=True, completer="item"),
                arg("value", help="the value"),
                arg("--type", help="value type", choices=["bool", "int32", "double"]),
                flag("--verbose", help="say more"),
            ],
        )(_noop)
    )
    registry.add(
        command("set", help="Change a setting.", args=[arg("name", completer="setting")])(_noop)
    )
    return CommandContext(registry=registry)


TAGS = ["Tank1.Level", "Tank1.Temperature", "Tank2.Level"]


def tags(prefix: str) -> Iterable[Suggestion]:
    return [Suggestion(t, meta="Double") for t in TAGS if t.lower().startswith(prefix.lower())]


def complete(text: str) -> list[str]:
    completers = {
        "item": lambda ctx, prefix: [a for a in ("level", "lvl2") if a.startswith(prefix)],
        "setting": lambda ctx, prefix: ["output", "timestamps"],
    }
    completer = ShellCompleter(make_context(), completers, tags)
    found = completer.get_completions(Document(text), CompleteEvent(completion_requested=True))
    return [c.text for c in found]


def test_the_first_word_completes_command_names() -> None:
    assert "write" in complete("wr")
    assert "set" not in complete("wr")


def test_a_tag_argument_offers_aliases_and_galaxy_tags() -> None:
    assert complete("write Tank1.") == ["Tank1.Level", "Tank1.Temperature"]
    assert complete("write l") == ["level", "lvl2"]


def test_option_names_and_enumerated_values_complete() -> None:
    assert complete("write level 3 --t") == ["--type"]
    assert complete("write level 3 --type d") == ["double"]
    assert "--verbose" in complete("write level 3 --")


def test_completion_follows_the_command_after_a_semicolon() -> None:
    assert complete("write a 1; set o") == ["output"]


def test_nothing_is_offered_for_unknown_commands() -> None:
    assert complete("nosuch ") == []
