"""Generated Galaxies: a million attributes, held compactly, browsable page by page."""

from __future__ import annotations

from mxshell.sim.generate import generate_galaxy


def test_a_million_attribute_galaxy_builds_with_that_many_attributes() -> None:
    galaxy = generate_galaxy(1_000_000)
    assert 1_000_000 <= galaxy.attribute_count < 1_000_100
    assert galaxy.attribute_count == sum(o.attribute_count() for o in galaxy.objects)
    templates = {id(o.template) for o in galaxy.objects}
    assert len(templates) < 20  # attribute definitions are shared, not copied per object
    assert galaxy.resolve("Tank_000001.Level.HiHi").reference == "Tank_000001.Level.HiHi"
    assert galaxy.resolve("area_0001.Description") is not None


async def test_generated_galaxy_pages_through_the_service(start_sim, connect) -> None:
    sim = start_sim(generate_attributes=20_000)
    client = connect(sim)
    first = await client.discover(page_size=300)
    assert len(first.objects) == 300 and first.next_page_token
    assert first.total_object_count == len(sim.gateway.galaxy.objects)
    assert [o.tag_name for o in first.objects[:3]] == ["GR_Platform", "AppEngine_001", "Area_0001"]
    second = await client.discover(page_size=300, page_token=first.next_page_token)
    assert second.objects[0].gobject_id == first.objects[-1].gobject_id + 1
