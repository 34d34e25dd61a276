"""The simulated Galaxy: templates, deployed objects, tag-reference lookup and deploys.

Objects are compact rows that point at their template; a template holds its attribute
definitions once, so a generated Galaxy of a million attributes stays small. Protos
for DiscoverHierarchy are built per page (see galaxy_service.py), never stored.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mxshell.contract import galaxy as gr
from mxshell.contract import types

if TYPE_CHECKING:
    from mxshell.sim.users import SimUser

# A category -> the categories that can host it (nearest such ancestor is the host).
_HOSTED_BY: dict[int, frozenset[int]] = {
    gr.GALAXY_OBJECT_CATEGORY_APPLICATION_OBJECT: frozenset({gr.GALAXY_OBJECT_CATEGORY_AREA}),
    gr.GALAXY_OBJECT_CATEGORY_AREA: frozenset({gr.GALAXY_OBJECT_CATEGORY_ENGINE}),
    gr.GALAXY_OBJECT_CATEGORY_DEVICE_INTEGRATION_OBJECT: frozenset(
        {gr.GALAXY_OBJECT_CATEGORY_ENGINE}
    ),
    gr.GALAXY_OBJECT_CATEGORY_ENGINE: frozenset({gr.GALAXY_OBJECT_CATEGORY_PLATFORM}),
    gr.GALAXY_OBJECT_CATEGORY_VIEW_ENGINE: frozenset({gr.GALAXY_OBJECT_CATEGORY_PLATFORM}),
    gr.GALAXY_OBJECT_CATEGORY_OTHER: frozenset(
        {gr.GALAXY_OBJECT_CATEGORY_AREA, gr.GALAXY_OBJECT_CATEGORY_ENGINE}
    ),
}
# Objects of these categories contain others by name (Tank1.Inlet); areas and engines don't.
_CONTAINERS = frozenset(
    {
        gr.GALAXY_OBJECT_CATEGORY_APPLICATION_OBJECT,
        gr.GALAXY_OBJECT_CATEGORY_DEVICE_INTEGRATION_OBJECT,
    }
)
# What a deploy may add or remove.
_DEPLOYABLE = _CONTAINERS


@dataclass(frozen=True, eq=False, slots=True)
class AttributeDef:
    """One attribute as a template defines it, with the hints that drive its live value."""

    name: str
    data_type: types.MxDataType
    is_array: bool = False
    security: types.SecurityClassification = types.SECURITY_CLASSIFICATION_OPERATE
    historized: bool = False
    alarmed: bool = False
    generator: str = "static"
    params: Mapping[str, Any] = field(default_factory=dict)
    quality: str = "good"  # good | flaky | uncertain | bad
    delay_ms: int = 0  # how long a fresh advise waits for its first value
    buffered: bool = False  # advisers get OnBufferedDataChange batches of its samples


# Every object has it: the names of its attributes (how runtime clients discover them).
ATTRIBUTE_NAMES = AttributeDef(
    "_Attributes",
    types.MxDataType.MX_DATA_TYPE_STRING,
    is_array=True,
    security=types.SECURITY_CLASSIFICATION_VIEW_ONLY,
)


@dataclass(eq=False, slots=True)
class Template:
    name: str
    category: gr.GalaxyObjectCategory
    attributes: tuple[AttributeDef, ...] = field(repr=False)
    by_name: dict[str, AttributeDef] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_name = {a.name.lower(): a for a in self.attributes}


@dataclass(eq=False, slots=True)
class GObject:
    """A deployed object. `values` overrides its template's initial values by attribute."""

    gobject_id: int
    tag_name: str
    contained_name: str
    hierarchical_name: str
    parent: GObject | None = field(repr=False)
    area: str
    host: str
    template: Template
    extra: dict[str, AttributeDef] | None = field(default=None, repr=False)
    values: Mapping[str, Any] | None = field(default=None, repr=False)

    @property
    def category(self) -> gr.GalaxyObjectCategory:
        return self.template.category

    def attributes(self) -> Iterable[AttributeDef]:
        if self.extra:
            return itertools.chain(self.template.attributes, self.extra.values())
        return self.template.attributes

    def attribute_count(self) -> int:
        return len(self.template.attributes) + (len(self.extra) if self.extra else 0)

    def attribute(self, name: str) -> AttributeDef | None:
        lower = name.lower()
        if self.extra and lower in self.extra:
            return self.extra[lower]
        if lower == "_attributes":
            return ATTRIBUTE_NAMES
        return self.template.by_name.get(lower)

    def initial_value(self, attr: AttributeDef) -> Any:
        if self.values and attr.name.lower() in self.values:
            return self.values[attr.name.lower()]
        return attr.params.get("value")


@dataclass(frozen=True, slots=True)
class Resolved:
    obj: GObject
    attr: AttributeDef
    reference: str  # canonical TagName.AttributeName (TagName.AttributeName[N] for an element)
    element: int | None = None  # Attr[N]: the element's index as written (from 1)
    bare_array: bool = False  # an array attribute named without [] or [N]
    prop: str | None = None  # Attr.Quality: the property read (canonical spelling)

    @property
    def base(self) -> Resolved:
        """What a derived item follows: the attribute a property belongs to, the whole
        array an element belongs to."""
        if self.prop is not None:
            reference = self.reference[: -len(self.prop) - 1]
            return Resolved(self.obj, self.attr, reference, self.element)
        return Resolved(self.obj, self.attr, self.reference.partition("[")[0])


# Properties of an attribute, read as items of their own (`Tank1.Level.Quality`).
PROPERTIES = {name.lower(): name for name in ("Quality", "TimeStamp", "SecurityClassification")}


# A trailing [] (the whole array) or [N] (one element).
_INDEX = re.compile(r"\[(\d*)\]$")


class Galaxy:
    """Deployed objects in hierarchy order (parents first), with a case-insensitive index."""

    def __init__(self, name: str, templates: Iterable[Template], deploy_time_ns: int) -> None:
        self.name = name
        self.templates = {t.name: t for t in templates}
        self.objects: list[GObject] = []
        self.generation = 0  # bumped by every deploy; page tokens carry it
        self.deploy_time_ns = deploy_time_ns
        self.attribute_count = 0
        # The model file's users table (the Galaxy's security), if it has one.
        self.users: dict[str, SimUser] | None = None
        self._by_tag: dict[str, GObject] = {}
        self._by_hierarchy: dict[str, GObject] = {}
        self._children: dict[int, int] = {}
        self._ids = itertools.count(1)
        # reference as given -> what it resolved to; bulk reads resolve the same tags on
        # every call. Emptied whenever an object is added or removed.
        self._resolved: dict[str, Resolved] = {}

    def add(
        self,
        tag_name: str,
        template: Template,
        parent: GObject | None = None,
        contained_name: str = "",
        extra: dict[str, AttributeDef] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> GObject:
        """Append an object; its parent must be in the Galaxy already."""
        if tag_name.lower() in self._by_tag:
            raise ValueError(f"duplicate tag name {tag_name!r}")
        contained = contained_name or tag_name
        hierarchical = tag_name
        if parent is not None and parent.category in _CONTAINERS:
            hierarchical = f"{parent.hierarchical_name}.{contained}"
        obj = GObject(
            next(self._ids),
            tag_name,
            contained,
            hierarchical,
            parent,
            area=_nearest(parent, frozenset({gr.GALAXY_OBJECT_CATEGORY_AREA})),
            host=_nearest(parent, _HOSTED_BY.get(template.category, frozenset())),
            template=template,
            extra=extra or None,
            values=values or None,
        )
        self.objects.append(obj)
        self._index(obj)
        return obj

    def _index(self, obj: GObject) -> None:
        self._resolved.clear()
        self._by_tag[obj.tag_name.lower()] = obj
        if obj.hierarchical_name != obj.tag_name:
            self._by_hierarchy[obj.hierarchical_name.lower()] = obj
        if obj.parent is not None:
            self._children[obj.parent.gobject_id] = self._children.get(obj.parent.gobject_id, 0) + 1
        self.attribute_count += obj.attribute_count()

    def object(self, tag_name: str) -> GObject | None:
        return self._by_tag.get(tag_name.lower())

    def resolve(self, reference: str) -> Resolved | None:
        """Find `Tag.Attribute` (or `Hierarchical.Name.Attribute`), ignoring case.

        A trailing `[]` names a whole array and `[N]` one element (from 1), on array
        attributes only; an array attribute named bare (no brackets) resolves with
        `bare_array` set, for the caller to refuse (MXAccess does), except `_Attributes`,
        which runtime clients advise bare.
        """
        known = self._resolved.get(reference)
        if known is not None:
            return known
        ref = reference.strip()
        index = _INDEX.search(ref)
        if index:
            ref = ref[: index.start()]
        element = int(index.group(1)) if index and index.group(1) else None
        parts = ref.split(".")
        for split in range(1, len(parts)):
            head, attr_name = ".".join(parts[:split]), ".".join(parts[split:])
            obj = self._by_tag.get(head.lower()) or self._by_hierarchy.get(head.lower())
            attr = obj.attribute(attr_name) if obj else None
            if obj is None or attr is None or (index and not attr.is_array):
                continue
            canonical = f"{obj.tag_name}.{attr.name}"
            if element is not None:
                canonical += f"[{element}]"
            bare = attr.is_array and not index and attr is not ATTRIBUTE_NAMES
            found = Resolved(obj, attr, canonical, element, bare)
            self._resolved[reference] = found
            return found
        head, _, last = ref.rpartition(".")
        prop = PROPERTIES.get(last.lower()) if not index else None
        owner = self.resolve(head) if prop and head else None
        if owner is None or owner.prop is not None:
            return None
        found = Resolved(
            owner.obj, owner.attr, f"{owner.reference}.{prop}", owner.element, False, prop
        )
        self._resolved[reference] = found
        return found

    def deploy_add(self, count: int) -> list[GObject]:
        """Add `count` new application objects, spread over the areas."""
        templates = [t for t in self.templates.values() if t.category in _DEPLOYABLE]
        areas = [o for o in self.objects if o.category == gr.GALAXY_OBJECT_CATEGORY_AREA]
        if count and (not templates or not areas):
            raise ValueError("this Galaxy has no area or object template to deploy into")
        added = []
        for n in range(count):
            template = templates[(self.generation + n) % len(templates)]
            base = template.name.lstrip("$")
            tag = next(
                f"{base}_D{i:03d}"
                for i in itertools.count(1)
                if f"{base}_D{i:03d}".lower() not in self._by_tag
            )
            added.append(self.add(tag, template, areas[n % len(areas)]))
        return added

    def deploy_remove(self, count: int) -> list[GObject]:
        """Undeploy up to `count` leaf objects, newest first."""
        removed: list[GObject] = []
        for obj in reversed(self.objects):
            if len(removed) == count:
                break
            if obj.category in _DEPLOYABLE and not self._children.get(obj.gobject_id):
                removed.append(obj)
                self._unindex(obj)
        gone = {id(o) for o in removed}
        self.objects = [o for o in self.objects if id(o) not in gone]
        return removed

    def _unindex(self, obj: GObject) -> None:
        self._resolved.clear()
        del self._by_tag[obj.tag_name.lower()]
        self._by_hierarchy.pop(obj.hierarchical_name.lower(), None)
        if obj.parent is not None:
            self._children[obj.parent.gobject_id] -= 1
        self.attribute_count -= obj.attribute_count()


def _nearest(start: GObject | None, categories: frozenset[int]) -> str:
    node = start
    while node is not None:
        if node.category in categories:
            return node.tag_name
        node = node.parent
    return ""
