"""Browsing the hierarchy like a filesystem: the current object, and paths to others.

A path is tag names joined by `/`: `/GR_Platform/AppEngine1/Plant`, `Tank1`, `..`, `/`,
`-` (the previous place). Since a tag name is unique in the Galaxy, a relative path whose
first name is not a child of the current object starts from that object wherever it is,
so `cd Tank1` and `ls Tank1/Valve101` work from anywhere. The place is kept as a tag
name, so it survives an index rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass

from mxshell.galaxy.index import GalaxyIndex, ObjectEntry


class GalaxyPathError(LookupError):
    """A path names nothing in the Galaxy (the message is for the user)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "no such object"


@dataclass
class BrowsePath:
    """Where the user is: a tag name, or None at the top of the hierarchy."""

    current: str | None = None
    previous: str | None = None

    def here(self, index: GalaxyIndex) -> ObjectEntry | None:
        return index.object(self.current) if self.current else None

    def text(self, index: GalaxyIndex) -> str:
        """The current place as an absolute path."""
        obj = self.here(index)
        return path_text(index, obj) if obj is not None else "/"

    def change(self, index: GalaxyIndex, path: str) -> ObjectEntry | None:
        """Go to `path` (`-` goes back); returns the object now current (None: the top)."""
        if path.strip() == "-":
            target = index.object(self.previous) if self.previous else None
            if self.previous and target is None:
                raise GalaxyPathError(f"{self.previous} is no longer in the Galaxy")
        else:
            target = resolve_path(index, self.here(index), path)
        self.previous = self.current
        self.current = target.tag_name if target is not None else None
        return target

    def follow_deploy(self, before: GalaxyIndex, after: GalaxyIndex) -> tuple[str, str] | None:
        """After a rebuild: if the current object is gone, move to its nearest ancestor
        that is still there; (the object that went, the new path), or None if all is well."""
        if self.current is None or after.object(self.current) is not None:
            return None
        gone = self.current
        old = before.object(gone)
        chain = before.path_of(old)[:-1] if old is not None else []
        survivor = next((o for o in reversed(chain) if after.object(o.tag_name)), None)
        self.current = survivor.tag_name if survivor is not None else None
        return gone, self.text(after)


def path_text(index: GalaxyIndex, obj: ObjectEntry) -> str:
    return "/" + "/".join(o.tag_name for o in index.path_of(obj))


def resolve_path(index: GalaxyIndex, start: ObjectEntry | None, path: str) -> ObjectEntry | None:
    """The object `path` names from `start` (None: the top); GalaxyPathError if none."""
    text = path.strip()
    if not text or text == ".":
        return start
    if not text.startswith("/") and "/" not in text and text != "..":
        child = _child(index, start, text)
        if child is not None:
            return child
        found = index.object(text)
        if found is None:
            raise GalaxyPathError(f"no object {text!r} in the Galaxy")
        return found
    node = None if text.startswith("/") else start
    first = True
    for part in (p for p in text.split("/") if p and p != "."):
        if part == "..":
            node = index.object(node.parent) if node is not None and node.parent else None
            first = False
            continue
        child = _child(index, node, part)
        if child is None and first and not text.startswith("/"):
            child = index.object(part)  # tag names are unique: Tank1/Inlet from anywhere
        first = False
        if child is None:
            where = path_text(index, node) if node is not None else "/"
            raise GalaxyPathError(f"no object {part!r} under {where}")
        node = child
    return node


def _child(index: GalaxyIndex, node: ObjectEntry | None, name: str) -> ObjectEntry | None:
    lower = name.lower()
    for child in node.children if node is not None else index.roots:
        if child.key == lower or child.contained_name.lower() == lower:
            return child
    return None
