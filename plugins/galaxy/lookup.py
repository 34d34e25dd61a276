"""What the Galaxy commands share: this shell's catalog and repository client, a
place in the hierarchy, an attribute as a row, path completion and the prompt's path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from mxshell.api import (
    CommandFailed,
    GalaxyRepositoryClient,
    ShellContext,
)
from mxshell.api.galaxy import (
    AttributeInfo,
    GalaxyCatalog,
    GalaxyIndex,
    GalaxyPathError,
    ObjectEntry,
    data_type_name,
    resolve_path,
    security_name,
)

MAX_PAGE_SIZE = 5000
DEFAULT_FIND_LIMIT = 1000
PROMPT_PATH_WIDTH = 32
PATH_HELP = "a path such as /GR_Platform/AppEngine1, Tank1, .. or / (default: here)"


def catalog_of(ctx: ShellContext) -> GalaxyCatalog:
    """This shell's catalog (made on first use when the startup hook did not run)."""
    found = ctx.services.galaxy
    if not isinstance(found, GalaxyCatalog):
        found = ctx.services.galaxy = GalaxyCatalog()
    return found


def client_of(ctx: ShellContext) -> GalaxyRepositoryClient:
    """A Galaxy Repository client on the session's channel."""
    client: GalaxyRepositoryClient = ctx.require_session().client.galaxy()
    return client


async def place(ctx: ShellContext, path: str | None) -> tuple[GalaxyIndex, ObjectEntry | None]:
    """The index, and the object a path names from the current place (None: the top)."""
    catalog = catalog_of(ctx)
    index = await catalog.ready()
    try:
        return index, resolve_path(index, catalog.path.here(index), path or ".")
    except GalaxyPathError as error:
        raise CommandFailed(str(error)) from None


def reference_of(obj: ObjectEntry, attribute: AttributeInfo) -> str:
    """The tag reference to use: an array as a whole (`Tank1.LevelTrend[]`), as MXAccess
    refuses an array's bare name."""
    return f"{obj.tag_name}.{attribute.name}{'[]' if attribute.is_array else ''}"


def attribute_row(obj: ObjectEntry, attribute: AttributeInfo) -> list[Any]:
    return [
        attribute.name,
        reference_of(obj, attribute),
        data_type_name(attribute.data_type, attribute.is_array),
        attribute.is_array,
        security_name(attribute.security),
        attribute.historized,
        attribute.alarmed,
        attribute.origin,
    ]


ATTRIBUTE_COLUMNS = [
    "attribute",
    "tag reference",
    "data type",
    "array",
    "security",
    "historized",
    "alarmed",
    "origin",
]


def complete_path(ctx: ShellContext, text: str) -> Iterable[str]:
    """Child objects of the place typed so far, and tag names anywhere by prefix."""
    catalog = ctx.services.galaxy
    index = catalog.index if isinstance(catalog, GalaxyCatalog) else None
    if index is None or not isinstance(catalog, GalaxyCatalog):
        return []
    head, slash, tail = text.rpartition("/")
    try:
        base = resolve_path(index, catalog.path.here(index), head + slash if slash else ".")
    except GalaxyPathError:
        return []
    children = base.children if base is not None else index.roots
    lower = tail.lower()
    found = [f"{head}{slash}{c.tag_name}" for c in children if c.key.startswith(lower)]
    if not slash:
        found += [o.tag_name for o in index.objects_with_prefix(text, 50)]
    return found


def prompt_path(catalog: GalaxyCatalog) -> Callable[[], str | None]:
    def text() -> str | None:
        index = catalog.index
        if catalog.path.current is None or index is None:
            return None
        full = catalog.path.text(index)
        if len(full) <= PROMPT_PATH_WIDTH:
            return full
        return "…/" + "/".join(full.rsplit("/", 2)[-2:])

    return text
