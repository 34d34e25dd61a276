"""The Galaxy held in memory: objects, their attributes, and sorted name arrays to search.

Built once from DiscoverHierarchy pages (IndexBuilder), then never changed: a rebuild
makes a new GalaxyIndex and the catalog swaps it in, so readers on other threads (the
completer) need no lock. Sized for a million attributes:

- objects built from the same template share one AttributeSet (the attribute list is
  interned by content), so a million attributes cost a few thousand distinct records;
- tag names sit in one sorted list for bisect (prefix completion, glob prefixes) and in
  newline-joined blocks that one regex scans (fuzzy completion, a block at a time).
"""

from __future__ import annotations

import bisect
import sys
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter

from mxshell.contract import galaxy as gr

FUZZY_BLOCK = 2048  # names per fuzzy-scan block: the unit the time budget is checked in


@dataclass(frozen=True, slots=True)
class AttributeInfo:
    """One attribute as the Galaxy Repository describes it (shared between objects)."""

    name: str
    data_type: int
    is_array: bool
    security: int
    historized: bool
    alarmed: bool
    # Added on the instance (a dynamic, user-defined attribute), not from the template.
    dynamic: bool = False

    @property
    def origin(self) -> str:
        """Where the attribute comes from: `template` or `instance`."""
        return "instance" if self.dynamic else "template"


class AttributeSet:
    """An object's attributes sorted by name, with lower-case keys for bisect."""

    __slots__ = ("attributes", "keys", "_by_key")

    def __init__(self, attributes: Iterable[AttributeInfo]) -> None:
        ordered = sorted(attributes, key=lambda a: a.name.lower())
        self.attributes: tuple[AttributeInfo, ...] = tuple(ordered)
        self.keys: list[str] = [a.name.lower() for a in ordered]
        self._by_key = dict(zip(self.keys, ordered, strict=True))

    def __len__(self) -> int:
        return len(self.attributes)

    def get(self, name: str) -> AttributeInfo | None:
        return self._by_key.get(name.lower())

    def with_prefix(self, prefix: str) -> Iterator[AttributeInfo]:
        """Attributes whose name starts with `prefix` (any case), in name order."""
        lower = prefix.lower()
        start = bisect.bisect_left(self.keys, lower)
        for position in range(start, len(self.keys)):
            if not self.keys[position].startswith(lower):
                return
            yield self.attributes[position]


@dataclass(eq=False, slots=True)
class ObjectEntry:
    """A deployed object: where it sits in the hierarchy, and its attributes."""

    tag_name: str
    contained_name: str
    hierarchical_name: str
    parent: str  # the parent's tag name, "" at the top
    area: str
    template: str
    category: int
    attributes: AttributeSet = field(repr=False)
    # () until the object has a child: an empty list for each of 80,000 leaves is 4 MiB.
    children: list[ObjectEntry] | tuple[()] = field(default=(), repr=False)

    @property
    def key(self) -> str:
        return self.tag_name.lower()


class FuzzyBlock:
    """Tag names in lower case joined by newlines (one regex scans them all), and where
    each line starts. Lower case, so the scan's pattern can start with a plain letter,
    which the regex engine looks for with a fast search rather than trying every line."""

    __slots__ = ("text", "entries", "starts")

    def __init__(self, entries: list[ObjectEntry]) -> None:
        self.entries = entries
        self.text = "\n".join(o.key for o in entries)
        # Offsets as machine integers (4 bytes each, not a Python int of 28 and its
        # pointer): bisect reads an array as it reads a list.
        self.starts = array("I")
        position = 0
        for obj in entries:
            self.starts.append(position)
            position += len(obj.key) + 1

    def entry_at(self, offset: int) -> ObjectEntry:
        return self.entries[bisect.bisect_right(self.starts, offset) - 1]


class GalaxyIndex:
    """Every deployed object by tag name (and hierarchical name), searchable by prefix."""

    def __init__(
        self,
        objects: list[ObjectEntry],
        deploy_time: datetime | None = None,
    ) -> None:
        self.deploy_time = deploy_time
        # Each object's lower-case key made once and shared by the map and the sorted list
        # (at 1M attributes, a second string per object is about 5 MiB).
        keyed = sorted(((o.key, o) for o in objects), key=itemgetter(0))
        self.by_tag: dict[str, ObjectEntry] = dict(keyed)
        self.by_hierarchy: dict[str, ObjectEntry] = {
            o.hierarchical_name.lower(): o for o in objects if o.hierarchical_name != o.tag_name
        }
        self.roots: list[ObjectEntry] = []
        for obj in objects:
            parent = self.by_tag.get(obj.parent.lower()) if obj.parent else None
            if parent is None:
                self.roots.append(obj)
            elif parent.children:
                parent.children.append(obj)
            else:
                parent.children = [obj]  # a leaf keeps the shared empty tuple: most are leaves
        self.tag_keys: list[str] = [key for key, _ in keyed]
        ordered = [obj for _, obj in keyed]
        self.tag_entries: list[ObjectEntry] = ordered
        # Hierarchical names (Tank1.Inlet) complete too; few objects have one.
        self.alias_keys: list[str] = sorted(self.by_hierarchy)
        self.fuzzy_blocks: list[FuzzyBlock] = [
            FuzzyBlock(ordered[i : i + FUZZY_BLOCK]) for i in range(0, len(ordered), FUZZY_BLOCK)
        ]
        self.object_count = len(objects)
        self.attribute_count = sum(len(o.attributes) for o in objects)

    @classmethod
    def empty(cls) -> GalaxyIndex:
        return cls([])

    def object(self, name: str) -> ObjectEntry | None:
        """The object a tag name or hierarchical name (any case) names."""
        lower = name.lower()
        return self.by_tag.get(lower) or self.by_hierarchy.get(lower)

    def attribute(self, reference: str) -> tuple[ObjectEntry, AttributeInfo] | None:
        """The object and attribute of `Object.Attribute` (hierarchical names work too)."""
        text = reference.strip().removesuffix("[]")
        dot = text.find(".")
        while dot > 0:
            obj = self.object(text[:dot])
            found = obj.attributes.get(text[dot + 1 :]) if obj is not None else None
            if obj is not None and found is not None:
                return obj, found
            dot = text.find(".", dot + 1)
        return None

    def has_reference(self, reference: str) -> bool:
        return self.attribute(reference) is not None

    def objects_with_prefix(self, prefix: str, limit: int) -> list[ObjectEntry]:
        """Up to `limit` objects whose tag name starts with `prefix` (any case), by name."""
        lower = prefix.lower()
        found: list[ObjectEntry] = []
        start = bisect.bisect_left(self.tag_keys, lower)
        for position in range(start, len(self.tag_keys)):
            if len(found) >= limit or not self.tag_keys[position].startswith(lower):
                break
            found.append(self.tag_entries[position])
        return found

    def aliases_with_prefix(self, prefix: str, limit: int) -> list[ObjectEntry]:
        """Objects whose hierarchical name (when it differs) starts with `prefix`."""
        lower = prefix.lower()
        found: list[ObjectEntry] = []
        start = bisect.bisect_left(self.alias_keys, lower)
        for key in self.alias_keys[start:]:
            if len(found) >= limit or not key.startswith(lower):
                break
            found.append(self.by_hierarchy[key])
        return found

    def path_of(self, obj: ObjectEntry) -> list[ObjectEntry]:
        """The chain from the top of the hierarchy down to `obj`."""
        chain = [obj]
        seen = {obj.key}
        while chain[-1].parent:
            parent = self.by_tag.get(chain[-1].parent.lower())
            if parent is None or parent.key in seen:
                break
            seen.add(parent.key)
            chain.append(parent)
        chain.reverse()
        return chain


class IndexBuilder:
    """Takes GalaxyObject protos one at a time (as pages arrive) and makes a GalaxyIndex."""

    def __init__(self) -> None:
        self.objects: list[ObjectEntry] = []
        self.attribute_count = 0
        self._attributes: dict[tuple[object, ...], AttributeInfo] = {}
        self._sets: dict[tuple[int, ...], AttributeSet] = {}
        self._strings: dict[str, str] = {}

    def _shared(self, text: str) -> str:
        # Areas, templates and parents repeat across thousands of objects: keep one copy.
        return self._strings.setdefault(text, text)

    def add(self, proto: gr.GalaxyObject) -> ObjectEntry:
        infos = []
        for a in proto.attributes:
            key = (
                a.attribute_name,
                a.data_type,
                a.is_array,
                a.security_classification,
                a.is_historized,
                a.is_alarmed,
                a.is_dynamic,
            )
            info = self._attributes.get(key)
            if info is None:
                info = AttributeInfo(
                    sys.intern(a.attribute_name),
                    a.data_type,
                    a.is_array,
                    a.security_classification,
                    a.is_historized,
                    a.is_alarmed,
                    a.is_dynamic,
                )
                self._attributes[key] = info
            infos.append(info)
        # Each info is interned above (one per distinct description), so their ids name
        # the list: hashing ids is C work, where hashing the infos would run each frozen
        # dataclass's generated __hash__ (half of indexing a page took that).
        signature = tuple(map(id, infos))
        attribute_set = self._sets.get(signature)
        if attribute_set is None:
            attribute_set = self._sets[signature] = AttributeSet(infos)
        tag = proto.tag_name
        entry = ObjectEntry(
            tag_name=tag,
            contained_name=tag if proto.contained_name == tag else proto.contained_name,
            hierarchical_name=(
                tag if proto.hierarchical_name in ("", tag) else proto.hierarchical_name
            ),
            parent=self._shared(proto.parent_tag_name),
            area=self._shared(proto.area_tag_name),
            template=self._shared(proto.template_name),
            category=proto.category,
            attributes=attribute_set,
        )
        self.objects.append(entry)
        self.attribute_count += len(attribute_set)
        return entry

    @property
    def object_count(self) -> int:
        return len(self.objects)

    def finish(self, deploy_time: datetime | None = None) -> GalaxyIndex:
        return GalaxyIndex(self.objects, deploy_time)
