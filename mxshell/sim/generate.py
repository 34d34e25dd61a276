"""Generated Galaxies for scale tests: about N attributes, built from the demo templates.

Layout: one platform; engines hosting up to 20 areas each; areas holding up to 100
objects that cycle through the demo plant's object templates (10-20 attributes each).
Tag names are numbered (Tank_000123, Area_0042), so they are predictable in tests.
"""

from __future__ import annotations

import itertools
import time

from mxshell.contract import galaxy as gr
from mxshell.sim.galaxy_model import Galaxy
from mxshell.sim.model_file import demo_plant_path, read_model, read_templates

AREAS_PER_ENGINE = 20
OBJECTS_PER_AREA = 100


def generate_galaxy(attribute_count: int) -> Galaxy:
    """A Galaxy with at least `attribute_count` attributes (overshooting by under one object)."""
    templates = read_templates(read_model(demo_plant_path()))
    by_category: dict[int, list] = {}
    for template in templates.values():
        by_category.setdefault(template.category, []).append(template)
    platform_t = by_category[gr.GALAXY_OBJECT_CATEGORY_PLATFORM][0]
    engine_t = by_category[gr.GALAXY_OBJECT_CATEGORY_ENGINE][0]
    area_t = by_category[gr.GALAXY_OBJECT_CATEGORY_AREA][0]
    object_templates = by_category[gr.GALAXY_OBJECT_CATEGORY_APPLICATION_OBJECT]

    galaxy = Galaxy(
        f"Generated{attribute_count}", templates.values(), time.time_ns() // 1000 * 1000
    )
    platform = galaxy.add("GR_Platform", platform_t)
    numbers = {t.name: itertools.count(1) for t in object_templates}
    kinds = itertools.cycle(object_templates)
    engine = area = None
    areas = objects_in_area = 0
    while galaxy.attribute_count < attribute_count:
        if area is None or objects_in_area == OBJECTS_PER_AREA:
            if engine is None or areas % AREAS_PER_ENGINE == 0:
                engine = galaxy.add(
                    f"AppEngine_{areas // AREAS_PER_ENGINE + 1:03d}", engine_t, platform
                )
            areas += 1
            area = galaxy.add(f"Area_{areas:04d}", area_t, engine)
            objects_in_area = 0
            continue
        template = next(kinds)
        base = template.name.lstrip("$")
        galaxy.add(f"{base}_{next(numbers[template.name]):06d}", template, area)
        objects_in_area += 1
    return galaxy
