"""The fuzzy scan over object names (mxshell.galaxy.complete.fuzzy_objects) on a small
index built from Galaxy Repository objects: letters in order, any case, each object
once, shortest first."""

from __future__ import annotations

from mxshell.contract import galaxy as gr
from mxshell.galaxy import GalaxyIndex, fuzzy_objects
from mxshell.galaxy.index import IndexBuilder


def index_of(*names: str) -> GalaxyIndex:
    builder = IndexBuilder()
    for name in names:
        builder.add(gr.GalaxyObject(tag_name=name, template_name="$Tank"))
    return builder.finish()


def names(objects: list) -> list[str]:
    return [o.tag_name for o in objects]


def test_letters_in_order_match_anywhere_in_a_name_in_any_case() -> None:
    index = index_of("Tank_000123", "Pump_000123", "Motor_000001", "TANK_9")
    assert names(fuzzy_objects(index, "tk123", 10)) == ["Tank_000123"]
    assert names(fuzzy_objects(index, "AN9", 10)) == ["TANK_9"]
    assert names(fuzzy_objects(index, "zz", 10)) == []


def test_a_name_that_holds_the_letters_twice_is_offered_once() -> None:
    index = index_of("TaTa1", "Tb")
    assert names(fuzzy_objects(index, "ta", 10)) == ["TaTa1"]


def test_shortest_names_come_first_and_the_limit_holds() -> None:
    index = index_of("Tank_1_Outlet", "Tank1", "Tank_12")
    assert names(fuzzy_objects(index, "t1", 10)) == ["Tank1", "Tank_12", "Tank_1_Outlet"]
    assert names(fuzzy_objects(index, "t1", 2)) == ["Tank1", "Tank_12"]


def test_a_name_whose_lower_case_is_longer_does_not_shift_the_names_after_it() -> None:
    # "İ".lower() is two characters: a name's place in the scanned text must count them.
    index = index_of("İİİİİİİİ1", "Pump2", "Valve3")
    assert names(fuzzy_objects(index, "pu2", 10)) == ["Pump2"]
    assert names(fuzzy_objects(index, "va3", 10)) == ["Valve3"]


def test_empty_text_offers_every_object_up_to_the_limit() -> None:
    index = index_of("B", "Aa", "C")
    assert names(fuzzy_objects(index, "", 2)) == ["B", "C"]
