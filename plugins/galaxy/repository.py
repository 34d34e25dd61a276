"""The Galaxy Repository commands (parity with the mxgw CLIs): galaxy-test-connection,
galaxy-last-deploy, galaxy-discover, galaxy-refresh.
"""

from __future__ import annotations

import time

from mxshell_plugins.galaxy.lookup import MAX_PAGE_SIZE, catalog_of, client_of

from mxshell.api import (
    CommandFailed,
    CommandSet,
    ShellContext,
    Text,
    UsageError,
    arg,
)
from mxshell.api.galaxy import (
    category_name,
    data_type_name,
    security_name,
)
from mxshell.api.gateway import galaxy as gr
from mxshell.api.output import format_value

galaxy = CommandSet("galaxy")


@galaxy.command(
    "galaxy-test-connection",
    help="Check that the gateway can reach the Galaxy Repository database.",
    needs_session=True,
)
async def galaxy_test_connection(ctx: ShellContext) -> Text:
    reply = await client_of(ctx).test_connection_raw()
    if not reply.connected:
        raise CommandFailed(
            f"the gateway cannot reach the Galaxy Repository: {reply.message or 'no reason given'}"
        )
    return Text(reply.message or "connected", {"connected": True, "message": reply.message})


@galaxy.command(
    "galaxy-last-deploy",
    help="Show when the Galaxy was last deployed (as the timestamps setting says).",
    needs_session=True,
)
async def galaxy_last_deploy(ctx: ShellContext) -> Text:
    deployed = await client_of(ctx).get_last_deploy_time()
    if deployed is None:
        return Text("the Galaxy has never been deployed", {"time_of_last_deploy": None})
    return Text(format_value(deployed, ctx.settings), {"time_of_last_deploy": deployed})


@galaxy.command(
    "galaxy-discover",
    help="List every deployed object with its attributes, a page at a time.\n"
    "Objects are shown as their page arrives, so memory stays bounded whatever the "
    "Galaxy's size; the toolbar shows the progress. With `set output json`, one JSON "
    "object per line per Galaxy object, attributes included; an attribute's "
    "is_dynamic is true when it was added on the instance rather than defined by the "
    "object's template.",
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
async def galaxy_discover(ctx: ShellContext, page_size: int = 500) -> Text:
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
    dynamic = sum(a.is_dynamic for a in obj.attributes)
    if dynamic:
        line += f", {dynamic} added on the instance"
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
                "is_dynamic": a.is_dynamic,
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
async def galaxy_refresh(ctx: ShellContext) -> Text:
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
