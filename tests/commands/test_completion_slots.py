"""Completion from the declarations: which slot the cursor is in, and its candidates."""

from __future__ import annotations

from mxshell.commands import (
    CommandContext,
    CommandRegistry,
    arg,
    candidates,
    command,
    completion_slot,
)


def slot_of(registry: CommandRegistry, text: str) -> tuple[str, str, str | None]:
    slot = completion_slot(registry, text)
    return slot.kind, slot.prefix, slot.argument.dest if slot.argument else None


def test_the_first_word_is_a_command(registry: CommandRegistry) -> None:
    assert slot_of(registry, "") == ("command", "", None)
    assert slot_of(registry, "ad") == ("command", "ad", None)
    assert slot_of(registry, "ai x; wr") == ("command", "wr", None)
    assert slot_of(registry, "ai x; ") == ("command", "", None)


def test_positionals_and_option_values(registry: CommandRegistry) -> None:
    assert slot_of(registry, "add-item ") == ("value", "", "tag")
    assert slot_of(registry, "add-item Tank1.Le") == ("value", "Tank1.Le", "tag")
    assert slot_of(registry, "add-item 'Tank 1.Le") == ("value", "Tank 1.Le", "tag")
    assert slot_of(registry, "write T.L ") == ("value", "", "value")
    assert slot_of(registry, "write T.L 3 --mode ") == ("value", "", "mode")
    assert slot_of(registry, "write T.L 3 --verify ") == ("nothing", "", None)
    assert slot_of(registry, "write --mode plain T.") == ("value", "T.", "item")
    assert slot_of(registry, "write T.L 3 --") == ("option", "--", None)
    assert slot_of(registry, "nosuch ") == ("nothing", "", None)


def test_tag_slots_are_marked_for_galaxy_completion(registry: CommandRegistry) -> None:
    slot = completion_slot(registry, "ai Tan")
    assert slot.argument is not None and slot.argument.is_tag


def test_candidates_come_from_names_flags_choices_and_completers(
    registry: CommandRegistry,
) -> None:
    @command(
        "pick",
        help="x",
        args=[arg("fruit", completer="fruit"), arg("--veg", completer=lambda c, t: ["kale"])],
    )
    async def pick(ctx: CommandContext, fruit: str, veg: str | None) -> None:
        return None

    def broken(ctx: CommandContext, text: str) -> list[str]:
        raise RuntimeError("completer bug")

    registry.add(pick, plugin="demo")
    registry.define_alias("wr", "write")
    context = CommandContext(registry)
    completers = {"fruit": lambda ctx, text: ["apple", "apricot", "banana"]}

    def complete(text: str, sources: dict = completers) -> list[str]:  # type: ignore[type-arg]
        return candidates(completion_slot(registry, text), context, sources)

    assert complete("w") == ["wr", "write"]
    assert complete("write T.L 3 --m") == ["--mode"]
    assert complete("write T.L 3 --mode ") == ["plain", "secured"]
    assert complete("pick ap") == ["apple", "apricot"]
    assert complete("pick apple --veg ") == ["kale"]
    assert complete("pick ap", {"fruit": broken}) == []
    assert complete("pick ap", {}) == []
