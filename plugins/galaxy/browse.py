"""Browsing the Galaxy like a file system: ls, cd, pwd, tree, find and the others below."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mxshell_plugins.galaxy.lookup import (
    ATTRIBUTE_COLUMNS,
    DEFAULT_FIND_LIMIT,
    PATH_HELP,
    attribute_row,
    catalog_of,
    place,
    reference_of,
)

from mxshell.api import (
    CommandFailed,
    CommandSet,
    ShellContext,
    Table,
    Text,
    UsageError,
    arg,
    flag,
)
from mxshell.api.galaxy import (
    DATA_TYPE_NAMES,
    SECURITY_NAMES,
    AttributeInfo,
    GalaxyPathError,
    ObjectEntry,
    category_name,
    data_type_name,
    glob_attributes,
    glob_objects,
    lookup_name,
    path_text,
    security_name,
    split_glob,
)

galaxy = CommandSet("galaxy")


@galaxy.command(
    "ls",
    help="List an object's child objects (ending in /) and attributes, or the top of "
    "the hierarchy.\nWith -l: the kind, template or data type, security classification, "
    "historized and alarmed of each, and an attribute's origin: `template` (its "
    "template defines it) or `instance` (added on this object, a dynamic attribute).",
    args=[
        arg("path", required=False, help=PATH_HELP, completer="galaxy-path"),
        flag("-l", dest="long", help="one row per entry, with details"),
    ],
    needs_session=True,
)
async def ls(ctx: ShellContext, path: str | None = None, long: bool = False) -> Any:
    index, target = await place(ctx, path)
    children = target.children if target is not None else index.roots
    attributes = target.attributes.attributes if target is not None else ()
    if long:
        rows: list[list[Any]] = [
            [f"{c.tag_name}/", category_name(c.category), c.template, None, None, None, None]
            for c in children
        ]
        rows += [
            [
                a.name,
                "attribute",
                data_type_name(a.data_type, a.is_array),
                security_name(a.security),
                a.historized,
                a.alarmed,
                a.origin,
            ]
            for a in attributes
        ]
        columns = ["name", "kind", "type", "security", "historized", "alarmed", "origin"]
        return Table(columns, rows)
    names = [f"{c.tag_name}/" for c in children] + [a.name for a in attributes]
    where = path_text(index, target) if target is not None else "/"
    return Text(
        "\n".join(names),
        {
            "path": where,
            "objects": [c.tag_name for c in children],
            "attributes": [a.name for a in attributes],
        },
    )


@galaxy.command(
    "cd",
    help="Go to an object (or area) of the hierarchy; `cd` or `cd /` goes to the top, "
    "`cd ..` up, `cd -` back.\nAfterwards `.Level` means CURRENT.Level in every "
    "command that takes a tag reference.",
    args=[arg("path", required=False, help=PATH_HELP, completer="galaxy-path")],
    needs_session=True,
)
async def cd(ctx: ShellContext, path: str | None = None) -> Text:
    catalog = catalog_of(ctx)
    index = await catalog.ready()
    try:
        target = catalog.path.change(index, path or "/")
    except GalaxyPathError as error:
        raise CommandFailed(str(error)) from None
    where = catalog.path.text(index)
    return Text("", {"path": where, "object": target.tag_name if target else None})


@galaxy.command("pwd", help="Show where you are in the hierarchy.", needs_session=True)
async def pwd(ctx: ShellContext) -> Text:
    catalog = catalog_of(ctx)
    index = await catalog.ready()
    where = catalog.path.text(index)
    return Text(where, {"path": where, "object": catalog.path.current})


@galaxy.command(
    "tree",
    help="Show the object hierarchy below a place (default: here), as a tree.",
    args=[
        arg("path", required=False, help=PATH_HELP, completer="galaxy-path"),
        arg("--depth", type="int", help="levels below the place to show (default: all)"),
    ],
    needs_session=True,
)
async def tree(ctx: ShellContext, path: str | None = None, depth: int | None = None) -> Text:
    if depth is not None and depth < 0:
        raise UsageError("--depth must not be negative", "tree [PATH] [--depth N]")
    index, target = await place(ctx, path)
    top = path_text(index, target) if target is not None else "/"
    lines = [top]
    rows: list[dict[str, Any]] = []

    def walk(children: Sequence[ObjectEntry], indent: str, level: int) -> None:
        if depth is not None and level > depth:
            return
        for position, child in enumerate(children):
            last = position == len(children) - 1
            lines.append(f"{indent}{'└── ' if last else '├── '}{child.tag_name}")
            rows.append({"tag_name": child.tag_name, "parent": child.parent, "depth": level})
            walk(child.children, indent + ("    " if last else "│   "), level + 1)

    walk(target.children if target is not None else index.roots, "", 1)
    return Text("\n".join(lines), {"path": top, "objects": rows})


@galaxy.command(
    "attrs",
    help="Show an object's attributes: name, full tag reference, data type, array, "
    "security classification, historized, alarmed, and origin: `template` (the "
    "object's template defines it) or `instance` (added on this object, a dynamic "
    "attribute).",
    args=[arg("object", required=False, help=PATH_HELP, completer="galaxy-path")],
    needs_session=True,
)
async def attrs(ctx: ShellContext, object: str | None = None) -> Table:
    index, target = await place(ctx, object)
    if target is None:
        raise CommandFailed("the top of the hierarchy has no attributes: name an object")
    rows = [attribute_row(target, a) for a in target.attributes.attributes]
    return Table(ATTRIBUTE_COLUMNS, rows, title=path_text(index, target))


@galaxy.command(
    "find",
    help="Find objects or attributes by a shell-style pattern, ignoring case.\n"
    "`find 'Tank*'` matches tag names, and attribute names too (`find Level`, "
    "`find '*Speed*'`); `find 'Tank*.Level*'` matches attributes (the "
    "part before the first dot is the object). --type and --security look at "
    "attributes only (a pattern without a dot then means all of those objects' "
    "attributes). `.Level*` is relative to the current object.",
    args=[
        arg("pattern", metavar="GLOB", help="e.g. Tank*.Level or Pump?"),
        arg("--type", dest="data_type", metavar="T", help="data type, e.g. Double, Boolean"),
        arg("--security", metavar="S", help="security classification, e.g. SecuredWrite"),
        arg(
            "--limit",
            type="int",
            default=DEFAULT_FIND_LIMIT,
            help=f"show at most this many matches (default {DEFAULT_FIND_LIMIT})",
        ),
    ],
    needs_session=True,
)
async def find(
    ctx: ShellContext,
    pattern: str,
    data_type: str | None = None,
    security: str | None = None,
    limit: int = DEFAULT_FIND_LIMIT,
) -> Table:
    if limit < 1:
        raise UsageError("--limit must be at least 1", "find GLOB")
    try:
        wanted_type = lookup_name(DATA_TYPE_NAMES, data_type, "data type") if data_type else None
        wanted_security = (
            lookup_name(SECURITY_NAMES, security, "security classification") if security else None
        )
    except ValueError as error:
        raise UsageError(str(error), "find GLOB [--type T] [--security S]") from None
    catalog = catalog_of(ctx)
    pattern = catalog.resolve(pattern)
    index = await catalog.ready()
    columns = ["reference", "kind", "type", "security"]
    rows: list[list[Any]] = []
    total = 0
    filtered = wanted_type is not None or wanted_security is not None

    def accept(attribute: AttributeInfo) -> bool:
        return (wanted_type is None or attribute.data_type == wanted_type) and (
            wanted_security is None or attribute.security == wanted_security
        )

    attribute_pattern = pattern
    if split_glob(pattern)[1] is None and not filtered:
        for obj in glob_objects(index, pattern):
            total += 1
            if total <= limit:
                rows.append([obj.tag_name, category_name(obj.category), obj.template, None])
        # Without a dot the name may be an attribute's too: `find Level`, `find '*Speed*'`.
        attribute_pattern = f"*.{pattern}"
    for obj, attribute in glob_attributes(index, attribute_pattern, accept):
        total += 1
        if total <= limit:
            rows.append(
                [
                    reference_of(obj, attribute),
                    "attribute",
                    data_type_name(attribute.data_type, attribute.is_array),
                    security_name(attribute.security),
                ]
            )
    if total == 0:
        raise CommandFailed(f"nothing in the Galaxy matches {pattern!r}")
    title = f"first {limit:,} of {total:,} matches (--limit N for more)" if total > limit else None
    return Table(columns, rows, title=title)
