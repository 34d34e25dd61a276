"""Attributes from the template or added on the instance (dynamic), as discovery says."""

from __future__ import annotations

import json

import pytest

from mxshell.sim.model_file import ModelError, load_model


async def test_discovery_marks_attributes_added_on_the_instance_dynamic(client) -> None:
    page = await client.discover(0, "")
    by_tag = {o.tag_name: o for o in page.objects}
    dynamic = {a.full_tag_reference: a.is_dynamic for o in by_tag.values() for a in o.attributes}
    assert dynamic["Tank3.Agitator.Speed"] is True
    assert dynamic["FlowMeter2.RawSignal"] is True
    assert dynamic["Pump3.Speed.Manual"] is True
    assert dynamic["Tank3.Level"] is False and dynamic["Tank1.Level"] is False
    # Every other Tank3 attribute is its template's; the instance's come after them.
    tank3 = [a.attribute_name for a in by_tag["Tank3"].attributes if a.is_dynamic]
    assert tank3 == ["Agitator.Speed"]
    assert by_tag["Tank3"].attributes[-1].attribute_name == "Agitator.Speed"
    assert not any(a.is_dynamic for a in by_tag["Tank1"].attributes)


def test_model_file_refuses_an_instance_attribute_that_redefines_a_template_one(
    tmp_path,
) -> None:
    model = {
        "templates": {
            "$Area": {"category": "area", "attributes": {}},
            "$Tank": {
                "category": "application_object",
                "attributes": {"Level": {"type": "Double"}},
            },
        },
        "objects": [
            {"tag": "Area1", "template": "$Area"},
            {
                "tag": "Tank1",
                "template": "$Tank",
                "parent": "Area1",
                "attributes": {"level": {"type": "Integer"}},
            },
        ],
    }
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model))
    with pytest.raises(ModelError, match=r"Tank1.*adds 'level', which template \$Tank defines"):
        load_model(path)
