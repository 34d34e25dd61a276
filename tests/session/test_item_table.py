"""The item table finds items by alias, stable handle and tag reference."""

from __future__ import annotations

import pytest

from mxshell.session import ItemLookupError, ItemTable


def test_a_tag_reference_finds_its_oldest_item_whatever_the_case() -> None:
    table = ItemTable()
    registration = table.add_registration("mxshell", 1)
    first = table.add(registration, "Tank_001.Level", 10)
    second = table.add(registration, "tank_001.level", 11)
    table.add(registration, "Tank_002.Level", 12)
    assert table.find("TANK_001.LEVEL") is first
    table.drop(first)
    assert table.find("Tank_001.Level") is second  # the next item of the same tag
    table.drop(second)
    assert table.find("Tank_001.Level") is None
    assert table.find("Tank_002.Level") is not None


def test_dropping_a_registration_forgets_its_items_tags() -> None:
    table = ItemTable()
    registration = table.add_registration("mxshell", 1)
    for number in range(3):
        table.add(registration, f"Pump_{number:03d}.Speed", 100 + number)
    table.drop_registration(registration)
    assert [table.find(f"Pump_{n:03d}.Speed") for n in range(3)] == [None, None, None]


def test_find_all_finds_what_find_finds_for_every_kind_of_reference() -> None:
    table = ItemTable()
    registration = table.add_registration("mxshell", 1)
    level = table.add(registration, "Tank_001.Level", 10, alias="lvl")
    table.add(registration, "Tank_001.Level.Hi", 11, alias="Tank_002")
    table.add(registration, "7Seg.Display", 12)
    references = [
        "Tank_001.Level",
        "TANK_001.LEVEL",
        " Tank_001.Level ",
        "lvl",
        "LVL",
        "TANK_002",  # an alias
        "1",
        "#2",
        "#99",
        "7Seg.Display",
        "",
        "Tank_009.Level",
    ]
    found = table.find_all(references)
    assert found == [table.find(reference) for reference in references]
    assert found[:4] == [level] * 4
    assert found[5] is not None and found[5].tag_reference == "Tank_001.Level.Hi"
    assert found[9] is not None and found[-1] is None


def test_find_all_forgets_what_it_found_once_items_or_aliases_change() -> None:
    table = ItemTable()
    registration = table.add_registration("mxshell", 1)
    first = table.add(registration, "Tank_001.Level", 10)
    assert table.find_all(["Tank_001.Level", "lvl"]) == [first, None]
    second = table.add(registration, "Tank_001.Level.Hi", 11)
    table.set_alias(second, "lvl")  # an alias that now names an item
    assert table.find_all(["Tank_001.Level", "lvl"]) == [first, second]
    table.drop(first)
    newer = table.add(registration, "tank_001.level", 12)
    assert table.find_all(["Tank_001.Level", "lvl"]) == [newer, second]
    table.set_alias(second, None)
    assert table.find_all(["lvl"]) == [None]


def test_an_alias_refused_leaves_the_items_old_one_in_place() -> None:
    table = ItemTable()
    registration = table.add_registration("mxshell", 1)
    level = table.add(registration, "Tank_001.Level", 10, alias="lvl")
    table.add(registration, "Tank_002.Level", 11, alias="other")
    for refused in ("bad alias!", "OTHER"):
        with pytest.raises(ItemLookupError):
            table.set_alias(level, refused)
        assert level.alias == "lvl" and table.find("lvl") is level
    table.set_alias(level, "LVL")  # its own alias in another case is not taken by another
    assert table.find("lvl") is level and level.alias == "LVL"


def test_tag_of_gives_the_tag_to_add_or_says_why_a_reference_is_none() -> None:
    assert ItemTable.tag_of("  Tank1.Level ") == "Tank1.Level"
    with pytest.raises(ItemLookupError, match="no item with handle #7"):
        ItemTable.tag_of("#7")
    with pytest.raises(ItemLookupError, match=r"no item or alias 'lvl' \(a tag reference"):
        ItemTable.tag_of("lvl")
