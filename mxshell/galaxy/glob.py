"""Shell-style patterns over the Galaxy: `Tank*.Level`, `Pump?.Speed*`, `*.Level.Hi*`.

A pattern with a dot matches attributes: the part before the first dot matches the
object's tag name, the rest the attribute name (where `*` may cross the dots of nested
attributes such as Level.HiHi). A pattern without a dot matches objects. Matching
ignores case. A literal start (`Tank` in `Tank*`) narrows the objects by bisect, and an
attribute pattern is tried once per shared AttributeSet, not once per object.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterator

from mxshell.galaxy.index import AttributeInfo, AttributeSet, GalaxyIndex, ObjectEntry

_WILDCARDS = "*?["

AttributeFilter = Callable[[AttributeInfo], bool]


def compile_glob(pattern: str) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(pattern), re.IGNORECASE)


def split_glob(pattern: str) -> tuple[str, str | None]:
    """(object pattern, attribute pattern or None when the pattern names objects)."""
    head, dot, rest = pattern.partition(".")
    return head, (rest if dot else None)


def glob_objects(index: GalaxyIndex, pattern: str) -> Iterator[ObjectEntry]:
    """Objects whose tag name matches `pattern`, in name order."""
    matcher = compile_glob(pattern).match
    literal = _literal_start(pattern).lower()
    for obj in _objects_from(index, literal):
        if matcher(obj.tag_name):
            yield obj


def glob_attributes(
    index: GalaxyIndex, pattern: str, accept: AttributeFilter | None = None
) -> Iterator[tuple[ObjectEntry, AttributeInfo]]:
    """(object, attribute) for every `Object.Attribute` matching `pattern`, in name order."""
    object_pattern, attribute_pattern = split_glob(pattern)
    if attribute_pattern is None:
        attribute_pattern = "*"
    attribute_matcher = compile_glob(attribute_pattern).match
    # Objects from one template share an AttributeSet: match its names once.
    matches: dict[int, list[AttributeInfo]] = {}

    def matching(attributes: AttributeSet) -> list[AttributeInfo]:
        found = matches.get(id(attributes))
        if found is None:
            found = matches[id(attributes)] = [
                a
                for a in attributes.attributes
                if attribute_matcher(a.name) and (accept is None or accept(a))
            ]
        return found

    for obj in glob_objects(index, object_pattern):
        for attribute in matching(obj.attributes):
            yield obj, attribute


def glob_references(index: GalaxyIndex, pattern: str) -> list[str]:
    """The tag references (`Tank1.Level`) a pattern matches; [] for an object pattern."""
    if split_glob(pattern)[1] is None:
        return []
    # An array attribute as a whole (`Attr[]`): MXAccess refuses its bare name.
    return [
        f"{obj.tag_name}.{a.name}{'[]' if a.is_array else ''}"
        for obj, a in glob_attributes(index, pattern)
    ]


def _literal_start(pattern: str) -> str:
    for position, char in enumerate(pattern):
        if char in _WILDCARDS:
            return pattern[:position]
    return pattern


def _objects_from(index: GalaxyIndex, literal: str) -> Iterator[ObjectEntry]:
    if not literal:
        yield from index.tag_entries
        return
    import bisect

    keys = index.tag_keys
    for position in range(bisect.bisect_left(keys, literal), len(keys)):
        if not keys[position].startswith(literal):
            return
        yield index.tag_entries[position]
