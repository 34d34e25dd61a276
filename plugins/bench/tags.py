"""What the bench commands share: the tags to measure, chosen from the plant or a glob."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import aclosing
from typing import TYPE_CHECKING

from mxshell.api import (
    CommandFailed,
    GatewayError,
    ShellContext,
    UsageError,
    arg,
    session_of,
)
from mxshell.api.gateway import galaxy as gr
from mxshell.api.gateway import types

if TYPE_CHECKING:  # stats is imported when a bench runs: start-up need not pay for it
    pass


WRITE_TICK_S = 0.02  # bench-stream-events writes its due changes this often
WRITABLE = frozenset(
    {
        types.SECURITY_CLASSIFICATION_FREE_ACCESS,
        types.SECURITY_CLASSIFICATION_OPERATE,
        types.SECURITY_CLASSIFICATION_TUNE,
    }
)
NUMERIC = frozenset(
    {
        types.MxDataType.MX_DATA_TYPE_INTEGER,
        types.MxDataType.MX_DATA_TYPE_FLOAT,
        types.MxDataType.MX_DATA_TYPE_DOUBLE,
    }
)

TAGS = arg(
    "--tags",
    required=True,
    metavar="N|GLOB",
    help="a count (that many tags picked from the plant's application objects) or a "
    "glob such as Tank*.Level (expanded by the Galaxy plugin)",
)
ITERATIONS = arg("--iterations", type="int", required=True, help="calls to measure")
CONCURRENCY = arg("--concurrency", type="int", default=1, help="calls in flight at once")
WARMUP = arg("--warmup", type="int", default=0, help="calls made first and not measured")


def check_counts(iterations: int, concurrency: int, warmup: int) -> None:
    if iterations < 1:
        raise UsageError("--iterations must be at least 1")
    if concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    if warmup < 0:
        raise UsageError("--warmup cannot be negative")


def stop_cancelling() -> None:
    """Ctrl-C cancelled the bench's task; the bench answers it with what it measured."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        task.uncancel()


def readable(attribute: gr.GalaxyAttribute) -> bool:
    return not attribute.is_array and not attribute.attribute_name.startswith("_")


def writable(attribute: gr.GalaxyAttribute) -> bool:
    return readable(attribute) and attribute.security_classification in WRITABLE


def writable_number(attribute: gr.GalaxyAttribute) -> bool:
    return writable(attribute) and attribute.data_type in NUMERIC


async def choose_tags(
    ctx: ShellContext, spec: str, wanted: Callable[[gr.GalaxyAttribute], bool], kind: str
) -> list[str]:
    """The tags `--tags` names: N of the plant's `kind` attributes, or a glob's matches."""
    if not (spec.isascii() and spec.isdigit()):  # '²' is a digit to str.isdigit
        return await glob_tags(ctx, spec)
    count = int(spec)
    if count < 1:
        raise UsageError("--tags must be at least 1 (or a glob)")
    found: list[str] = []
    try:
        galaxy = session_of(ctx).client.galaxy()
        async with aclosing(galaxy.iter_hierarchy(page_size=500)) as objects:
            async for obj in objects:
                # Application objects only: device integration objects may wait on a device.
                if obj.category != gr.GALAXY_OBJECT_CATEGORY_APPLICATION_OBJECT:
                    continue
                found += [a.full_tag_reference for a in obj.attributes if wanted(a)]
                if len(found) >= count:
                    return found[:count]
    except GatewayError as error:
        raise CommandFailed(f"cannot pick tags from the Galaxy Repository: {error}") from None
    raise CommandFailed(f"the Galaxy has only {len(found)} {kind} attributes; ask for fewer")


async def glob_tags(ctx: ShellContext, pattern: str) -> list[str]:
    lookup = ctx.services.galaxy
    if lookup is None:
        raise CommandFailed(
            f"--tags {pattern}: a glob needs the Galaxy plugin, which is not loaded; "
            "give a count instead (--tags 1000)"
        )
    tags: list[str] = await lookup.glob(pattern)
    if not tags:
        raise CommandFailed(f"--tags {pattern} matches no tag")
    return tags
