"""The Galaxy family: the Galaxy Repository (test, last deploy, discover), browsing the
hierarchy like a filesystem (ls, cd, pwd, tree, attrs, find), and the plugin's hooks.

The shell's Galaxy lives in a GalaxyCatalog (mxshell.galaxy) placed in
`ctx.services[GALAXY]`: the bulk commands glob through it, every family's tag arguments
complete from it, and relative references (`.Level` after `cd Tank1`) resolve through it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from mxshell.app.plugin_host import hookimpl
from mxshell.commands import (
    GALAXY,
    PROMPT_PATH,
    TAG_COMPLETION,
    CommandContext,
    CommandFailed,
    CommandSet,
    Completer,
    Table,
    Text,
    UsageError,
    arg,
    flag,
)
from mxshell.contract import galaxy as gr
from mxshell.galaxy import (
    AttributeInfo,
    GalaxyCatalog,
    GalaxyIndex,
    GalaxyPathError,
    ObjectEntry,
    category_name,
    data_type_name,
    glob_attributes,
    glob_objects,
    path_text,
    resolve_path,
    security_name,
)
from mxshell.galaxy.glob import split_glob
from mxshell.galaxy.names import DATA_TYPE_NAMES, SECURITY_NAMES, lookup_name
from mxshell.gateway import GalaxyRepositoryClient

galaxy = CommandSet("galaxy")

MAX_PAGE_SIZE = 5000
DEFAULT_FIND_LIMIT = 1000
PROMPT_PATH_WIDTH = 32
PATH_HELP = "a path such as /GR_Platform/AppEngine1, Tank1, .. or / (default: here)"


def catalog_of(ctx: CommandContext) -> GalaxyCatalog:
    """This shell's catalog (made on first use when the startup hook did not run)."""
    found = ctx.services.get(GALAXY)
    if not isinstance(found, GalaxyCatalog):
        found = ctx.services[GALAXY] = GalaxyCatalog()
    return found


def client_of(ctx: CommandContext) -> GalaxyRepositoryClient:
    """A Galaxy Repository client on the session's channel."""
    client: GalaxyRepositoryClient = ctx.require_session().client.galaxy()
    return client


async def place(ctx: CommandContext, path: str | None) -> tuple[GalaxyIndex, ObjectEntry | None]:
    """The index, and the object a path names from the current place (None: the top)."""
    catalog = catalog_of(ctx)
    index = await catalog.ready()
    try:
        return index, resolve_path(index, catalog.path.here(index), path or ".")
    except GalaxyPathError as error:
        raise CommandFailed(str(error)) from None


def attribute_row(obj: ObjectEntry, attribute: AttributeInfo) -> list[Any]:
    return [
        attribute.name,
        f"{obj.tag_name}.{attribute.name}",
        data_type_name(attribute.data_type, attribute.is_array),
        attribute.is_array,
        security_name(attribute.security),
        attribute.historized,
        attribute.alarmed,
    ]


ATTRIBUTE_COLUMNS = [
    "attribute",
    "tag reference",
    "data type",
    "array",
    "security",
    "historized",
    "alarmed",
]


# the Galaxy Repository (parity with the mxgw CLIs) ----------------------------------


@galaxy.command(
    "galaxy-test-connection",
    help="Check that the gateway can reach the Galaxy Repository database.",
    needs_session=True,
)
async def galaxy_test_connection(ctx: CommandContext) -> Text:
    reply = await client_of(ctx).test_connection_raw()
    if not reply.connected:
        raise CommandFailed(
            f"the gateway cannot reach the Galaxy Repository: {reply.message or 'no reason given'}"
        )
    return Text(reply.message or "connected", {"connected": True, "message": reply.message})


@galaxy.command(
    "galaxy-last-deploy",
    help="Show when the Galaxy was last deployed (RFC 3339, UTC).",
    needs_session=True,
)
async def galaxy_last_deploy(ctx: CommandContext) -> Text:
    deployed = await client_of(ctx).get_last_deploy_time()
    if deployed is None:
        return Text("the Galaxy has never been deployed", {"time_of_last_deploy": None})
    text = deployed.isoformat().replace("+00:00", "Z")
    return Text(text, {"time_of_last_deploy": text})


@galaxy.command(
    "galaxy-discover",
    help="List every deployed object with its attributes, a page at a time.\n"
    "Objects are shown as their page arrives, so memory stays bounded whatever the "
    "Galaxy's size; the toolbar shows the progress. With `set output json`, one JSON "
    "object per line per Galaxy object, attributes included.",
    args=[
        arg(
            "--page-size",
            type="int",
            default=500,
            help=f"objects per page (1 to {MAX_PAGE_SIZE}, default 500)",
        )
    ],
    needs_session=True,
)
async def galaxy_discover(ctx: CommandContext, page_size: int = 500) -> Text:
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise UsageError(f"--page-size must be 1 to {MAX_PAGE_SIZE}", "galaxy-discover")
    client = client_of(ctx)
    started = time.perf_counter()
    objects = attributes = 0
    token = ""
    try:
        while True:
            page = await client.discover_page(page_size, token)
            for obj in page.objects:
                objects += 1
                attributes += len(obj.attributes)
                ctx.emit(discovered_object(obj))
            PROGRESS.update(objects, page.total_object_count)
            token = page.next_page_token
            if not token:
                break
    finally:
        PROGRESS.clear()
    seconds = time.perf_counter() - started
    return Text(
        f"discovered {objects:,} object(s) with {attributes:,} attribute(s) in {seconds:.1f} s",
        {"objects": objects, "attributes": attributes},
    )


def discovered_object(obj: gr.GalaxyObject) -> Text:
    """One line for people; every field, attributes included, for JSON."""
    line = (
        f"{obj.hierarchical_name or obj.tag_name}  {obj.template_name}  "
        f"{category_name(obj.category)}  {len(obj.attributes)} attribute(s)"
    )
    data = {
        "tag_name": obj.tag_name,
        "contained_name": obj.contained_name,
        "hierarchical_name": obj.hierarchical_name,
        "parent_tag_name": obj.parent_tag_name,
        "area_tag_name": obj.area_tag_name,
        "host_tag_name": obj.host_tag_name,
        "template_name": obj.template_name,
        "category": category_name(obj.category),
        "attributes": [
            {
                "attribute_name": a.attribute_name,
                "full_tag_reference": a.full_tag_reference,
                "data_type": data_type_name(a.data_type),
                "is_array": a.is_array,
                "security_classification": security_name(a.security_classification),
                "is_historized": a.is_historized,
                "is_alarmed": a.is_alarmed,
            }
            for a in obj.attributes
        ],
    }
    return Text(line, data)


class Progress:
    """galaxy-discover's progress, for the toolbar."""

    def __init__(self) -> None:
        self.done: int | None = None
        self.total = 0

    def update(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def clear(self) -> None:
        self.done = None

    def text(self) -> str | None:
        if self.done is None:
            return None
        return f"discover {self.done:,}/{self.total:,} objects"


PROGRESS = Progress()


@galaxy.command(
    "galaxy-refresh",
    help="Read the Galaxy again now, for completion and browsing (deploy-watch does it "
    "by itself on every deploy).",
    needs_session=True,
)
async def galaxy_refresh(ctx: CommandContext) -> Text:
    catalog = catalog_of(ctx)
    rebuilt = await catalog.rebuild()
    index = rebuilt.index
    text = (
        f"Galaxy index: {index.object_count:,} object(s), {index.attribute_count:,} "
        f"attribute(s), read in {catalog.build_seconds:.2f} s"
    )
    if rebuilt.moved:
        text += f"; {rebuilt.moved[0]} is no longer deployed, now at {rebuilt.moved[1]}"
    return Text(text, catalog.status())


# browsing ------------------------------------------------------------------------


@galaxy.command(
    "ls",
    help="List an object's child objects (ending in /) and attributes, or the top of "
    "the hierarchy.\nWith -l: the kind, template or data type, security classification, "
    "historized and alarmed of each.",
    args=[
        arg("path", required=False, help=PATH_HELP, completer="galaxy-path"),
        flag("-l", dest="long", help="one row per entry, with details"),
    ],
    needs_session=True,
)
async def ls(ctx: CommandContext, path: str | None = None, long: bool = False) -> Any:
    index, target = await place(ctx, path)
    children = target.children if target is not None else index.roots
    attributes = target.attributes.attributes if target is not None else ()
    if long:
        rows: list[list[Any]] = [
            [f"{c.tag_name}/", category_name(c.category), c.template, None, None, None]
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
            ]
            for a in attributes
        ]
        return Table(["name", "kind", "type", "security", "historized", "alarmed"], rows)
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
async def cd(ctx: CommandContext, path: str | None = None) -> Text:
    catalog = catalog_of(ctx)
    index = await catalog.ready()
    try:
        target = catalog.path.change(index, path or "/")
    except GalaxyPathError as error:
        raise CommandFailed(str(error)) from None
    where = catalog.path.text(index)
    return Text("", {"path": where, "object": target.tag_name if target else None})


@galaxy.command("pwd", help="Show where you are in the hierarchy.", needs_session=True)
async def pwd(ctx: CommandContext) -> Text:
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
async def tree(ctx: CommandContext, path: str | None = None, depth: int | None = None) -> Text:
    if depth is not None and depth < 0:
        raise UsageError("--depth must not be negative", "tree [PATH] [--depth N]")
    index, target = await place(ctx, path)
    top = path_text(index, target) if target is not None else "/"
    lines = [top]
    rows: list[dict[str, Any]] = []

    def walk(children: list[ObjectEntry], indent: str, level: int) -> None:
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
    "security classification, historized, alarmed.",
    args=[arg("object", required=False, help=PATH_HELP, completer="galaxy-path")],
    needs_session=True,
)
async def attrs(ctx: CommandContext, object: str | None = None) -> Table:
    index, target = await place(ctx, object)
    if target is None:
        raise CommandFailed("the top of the hierarchy has no attributes: name an object")
    rows = [attribute_row(target, a) for a in target.attributes.attributes]
    return Table(ATTRIBUTE_COLUMNS, rows, title=path_text(index, target))


@galaxy.command(
    "find",
    help="Find objects or attributes by a shell-style pattern, ignoring case.\n"
    "`find 'Tank*'` matches tag names; `find 'Tank*.Level*'` matches attributes (the "
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
    ctx: CommandContext,
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
    if split_glob(pattern)[1] is None and not filtered:
        for obj in glob_objects(index, pattern):
            total += 1
            if total <= limit:
                rows.append([obj.tag_name, category_name(obj.category), obj.template, None])
    else:

        def accept(attribute: AttributeInfo) -> bool:
            return (wanted_type is None or attribute.data_type == wanted_type) and (
                wanted_security is None or attribute.security == wanted_security
            )

        for obj, attribute in glob_attributes(index, pattern, accept):
            total += 1
            if total <= limit:
                rows.append(
                    [
                        f"{obj.tag_name}.{attribute.name}",
                        "attribute",
                        data_type_name(attribute.data_type, attribute.is_array),
                        security_name(attribute.security),
                    ]
                )
    if total == 0:
        raise CommandFailed(f"nothing in the Galaxy matches {pattern!r}")
    title = f"first {limit:,} of {total:,} matches (--limit N for more)" if total > limit else None
    return Table(columns, rows, title=title)


# completion and prompt ---------------------------------------------------------------


def complete_path(ctx: CommandContext, text: str) -> Iterable[str]:
    """Child objects of the place typed so far, and tag names anywhere by prefix."""
    catalog = ctx.services.get(GALAXY)
    index = catalog.index if isinstance(catalog, GalaxyCatalog) else None
    if index is None or catalog is None:
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


# hooks -------------------------------------------------------------------------------
_toolbar_catalogs: list[GalaxyCatalog] = []  # the toolbar field has no context: the latest


@hookimpl
def register_commands(register: Callable[[Any], None]) -> None:
    register(list(galaxy))


@hookimpl
def register_completers(register: Callable[[str, Completer], None]) -> None:
    register("galaxy-path", complete_path)


@hookimpl
def register_toolbar_fields(register: Callable[[Callable[[], str | None]], None]) -> None:
    register(PROGRESS.text)
    register(lambda: _toolbar_catalogs[-1].describe_state() if _toolbar_catalogs else None)


@hookimpl
def startup(context: CommandContext) -> None:
    catalog = catalog_of(context)
    context.services[TAG_COMPLETION] = catalog
    context.services[PROMPT_PATH] = prompt_path(catalog)
    context.tag_resolver = catalog.resolve
    _toolbar_catalogs[:] = [catalog]


@hookimpl
def session_opened(context: CommandContext) -> None:
    catalog = catalog_of(context)
    session = context.session
    catalog.attach(lambda: session.client.galaxy())
    if context.tag_resolver is None:
        context.tag_resolver = catalog.resolve


@hookimpl
def session_closed(context: CommandContext) -> None:
    catalog_of(context).detach()
