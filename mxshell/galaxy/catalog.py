"""GalaxyCatalog: the shell's view of the Galaxy, for commands of every family.

It builds a GalaxyIndex from DiscoverHierarchy pages in a background task, keeps
answering from the previous index while a rebuild runs, and swaps the new one in when
it is complete (pgcli's completion refresher, on the shell's own event loop). It is the
GalaxyLookup the bulk commands glob through, the tag resolver for relative references,
and the source of tag completion (which runs on the completer's thread and never waits).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mxshell.base.errors import CommandFailed
from mxshell.galaxy.browse import BrowsePath
from mxshell.galaxy.complete import TagCandidate, complete_reference
from mxshell.galaxy.glob import glob_references
from mxshell.galaxy.index import AttributeInfo, GalaxyIndex, IndexBuilder
from mxshell.gateway import GalaxyRepositoryClient, GatewayError, type_name_for
from mxshell.gateway.errors import FailedPreconditionError

PAGE_SIZE = 1000
INDEX_SLICE = 100  # objects indexed between two turns of the event loop
REDEPLOY_RETRIES = 3
IDLE, LOADING, READY, FAILED = "idle", "loading", "ready", "failed"

ClientSource = Callable[[], GalaxyRepositoryClient]
Notify = Callable[[str], None]


class GalaxyUnavailable(CommandFailed):
    """The Galaxy cannot be read: not connected, still loading, or the gateway refused."""


@dataclass(frozen=True)
class Rebuilt:
    """What a finished rebuild changed for the user."""

    index: GalaxyIndex
    previous: GalaxyIndex | None
    moved: tuple[str, str] | None = None  # (object that went, the browse path now)


def _abandon(task: asyncio.Task[Any]) -> None:
    """A page asked for ahead that will not be read (the build failed or was cancelled):
    cancelled if still on its way, its error (if any) taken so asyncio does not log it."""
    if task.cancel():
        return
    if not task.cancelled():
        task.exception()


class GalaxyCatalog:
    """The Galaxy index (built in the background), the browse path, and lookups over both."""

    def __init__(self) -> None:
        self.index: GalaxyIndex | None = None
        self.state = IDLE
        self.error: str | None = None
        self.path = BrowsePath()
        self.eager = False  # the REPL wants completion: load as soon as a session opens
        self.loaded_objects = 0
        self.loaded_attributes = 0
        self.build_seconds = 0.0
        self._source: ClientSource | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[Rebuilt] | None = None

    # the session ---------------------------------------------------------------
    def attach(self, source: ClientSource) -> None:
        """A session opened: its Galaxy client comes from `source`. Loads now if eager."""
        self.detach()
        self._source = source
        with contextlib.suppress(RuntimeError):
            self._loop = asyncio.get_running_loop()
        if self.eager:
            self.refresh()

    def detach(self) -> None:
        """The session closed: forget its Galaxy (stale names must not complete)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None
        self._source = None
        self.index = None
        self.state, self.error = IDLE, None

    def preload(self) -> None:
        """Build the index in the background now, and whenever a session opens."""
        self.eager = True
        if self._source is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(self._start_if_idle)

    # building ------------------------------------------------------------------
    def refresh(self) -> asyncio.Task[Rebuilt]:
        """Start a rebuild, replacing one in progress; the old index serves meanwhile."""
        if self._source is None:
            raise GalaxyUnavailable("not connected to a gateway; use connect")
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self.state, self.error = LOADING, None
        self.loaded_objects = self.loaded_attributes = 0
        task = asyncio.get_running_loop().create_task(self._build(self._source), name="galaxy")
        task.add_done_callback(self._built)
        self._task = task
        return task

    async def rebuild(self) -> Rebuilt:
        """Rebuild now and wait for it (what a deploy and `galaxy-refresh` do)."""
        try:
            return await self._finished(self.refresh())
        except GatewayError as error:
            raise GalaxyUnavailable(f"cannot read the Galaxy: {error}") from None

    async def ready(self) -> GalaxyIndex:
        """The index, waiting for a load in progress (and starting one if needed)."""
        if self.state == READY and self.index is not None:
            return self.index
        task = self._task
        if task is None or task.done():
            task = self.refresh()
        try:
            return (await self._finished(task)).index
        except GatewayError as error:
            raise GalaxyUnavailable(f"cannot read the Galaxy: {error}") from None

    async def _finished(self, task: asyncio.Task[Rebuilt]) -> Rebuilt:
        # A rebuild that a newer one replaced was cancelled: wait for the newer one.
        while True:
            try:
                return await asyncio.shield(task)
            except asyncio.CancelledError:
                newer = self._task
                if not task.cancelled() or newer is None or newer is task:
                    raise
                task = newer

    async def _build(self, source: ClientSource) -> Rebuilt:
        started = time.perf_counter()
        for attempt in range(REDEPLOY_RETRIES):
            try:
                builder = await self._discover(source())
                break
            except FailedPreconditionError as error:
                # A deploy between two pages invalidates the page token: start again.
                if "redeployed" not in str(error) or attempt == REDEPLOY_RETRIES - 1:
                    raise
        index = builder.finish()
        self.build_seconds = time.perf_counter() - started
        previous = self.index
        moved = self.path.follow_deploy(previous, index) if previous is not None else None
        if previous is None and self.path.current and index.object(self.path.current) is None:
            self.path.current = None
        self.index, self.state = index, READY
        return Rebuilt(index, previous, moved)

    async def _discover(self, client: GalaxyRepositoryClient) -> IndexBuilder:
        """Index the hierarchy page by page. The next page is asked for before this one is
        indexed, so the gateway reads it while the shell indexes rather than after; and
        the loop is let go every INDEX_SLICE objects, so typing at the prompt never waits
        for a whole page."""
        builder = IndexBuilder()
        self.loaded_objects = self.loaded_attributes = 0
        following: asyncio.Task[Any] | None = None
        try:
            page = await client.discover_page(PAGE_SIZE, "")
            while True:
                token = page.next_page_token
                following = (
                    asyncio.create_task(client.discover_page(PAGE_SIZE, token)) if token else None
                )
                objects = page.objects
                for start in range(0, len(objects), INDEX_SLICE):
                    await asyncio.sleep(0)
                    for obj in objects[start : start + INDEX_SLICE]:
                        builder.add(obj)
                    self.loaded_objects = builder.object_count
                    self.loaded_attributes = builder.attribute_count
                if following is None:
                    return builder
                page = await following
        finally:
            if following is not None:
                _abandon(following)

    def _built(self, task: asyncio.Task[Rebuilt]) -> None:
        if task is not self._task or task.cancelled():
            return
        error = task.exception()
        if error is not None:
            self.state, self.error = FAILED, str(error)

    # what commands ask ---------------------------------------------------------
    async def glob(self, pattern: str) -> list[str]:
        """GalaxyLookup: the tag references matching a pattern such as `Tank*.Level`."""
        if self.state == LOADING and self.index is None:
            raise GalaxyUnavailable(
                f"the Galaxy is still loading ({self.loaded_objects:,} objects so far); "
                "try again in a moment"
            )
        index = await self.ready()
        return glob_references(index, self.resolve(pattern))

    async def attribute_type(self, reference: str) -> str | None:
        """GalaxyLookup: the write type of an attribute (`double`, `bool`, `int32[]`...) as
        the Galaxy declares it; None when the Galaxy does not know the tag or cannot be
        read (the caller then goes by the value it knows, or by the text)."""
        try:
            index = await self.ready()
        except (CommandFailed, GatewayError):  # no Galaxy here (scope, network): fall back
            return None
        found = index.attribute(reference)
        if found is None:
            return None
        attribute = found[1]
        return type_name_for(attribute.data_type, attribute.is_array)

    def known_attribute(self, reference: str) -> AttributeInfo | None:
        """The attribute as the index loaded so far knows it, without waiting (None when
        the index is not there yet or has no such tag): for what is drawn as it comes."""
        index = self.index
        found = index.attribute(reference) if index is not None else None
        return None if found is None else found[1]

    async def attribute_info(self, reference: str) -> AttributeInfo | None:
        """GalaxyLookup: an attribute as the Galaxy describes it (type, security...), None
        when the Galaxy has no such tag; GalaxyUnavailable (or a GatewayError) when the
        Galaxy cannot be read."""
        found = (await self.ready()).attribute(reference)
        return None if found is None else found[1]

    def resolve(self, reference: str) -> str:
        """GalaxyLookup: `.Level` after `cd Tank1` is `Tank1.Level`, and so is a bare `Level`
        when it is not a tag itself and the loaded index knows Tank1.Level; others
        unchanged (this never waits for the index)."""
        text = reference.strip()
        if not text.startswith(".") and self.path.current is not None:
            return self._relative(text) or reference
        if not text.startswith(".") or text.startswith("..") or len(text) < 2:
            return reference
        if self.path.current is None:
            raise CommandFailed(
                f"{text} is relative to the current object, and there is none: cd to one first"
            )
        return f"{self.path.current}{text}"

    def _relative(self, text: str) -> str | None:
        index, current = self.index, self.path.current
        if index is None or current is None or not text or index.has_reference(text):
            return None
        candidate = f"{current}.{text}"
        return candidate if index.has_reference(candidate) else None

    # completion (on the completer's thread: never waits) ------------------------
    def complete_tag(self, text: str) -> list[TagCandidate]:
        """Tag references for `text`; a single note while the index is not there."""
        index = self.index
        if index is None:
            return [TagCandidate(text, display=self._not_ready_note(), meta="")]
        relative = text.startswith(".") and self.path.current is not None
        if not relative:
            return complete_reference(index, text)
        base = self.path.current or ""
        found = complete_reference(index, base + text)
        return [
            TagCandidate(c.text[len(base) :], c.display, c.meta)
            for c in found
            if c.text.lower().startswith(base.lower() + ".")
        ]

    def _not_ready_note(self) -> str:
        if self.state == FAILED:
            return "(Galaxy unavailable)"
        if self._source is None:
            return "(not connected)"
        if self.state == IDLE and self._loop is not None:
            self._loop.call_soon_threadsafe(self._start_if_idle)
        return f"loading… ({self.loaded_objects:,} objects)"

    def _start_if_idle(self) -> None:
        if self.state == IDLE and self._source is not None:
            self.refresh()

    def describe_state(self) -> str | None:
        """A few words for the toolbar while the index is not simply there."""
        if self.state == LOADING:
            return f"Galaxy loading… {self.loaded_objects:,} objects"
        if self.state == FAILED:
            return "Galaxy unavailable"
        return None

    def status(self) -> dict[str, Any]:
        index = self.index
        return {
            "state": self.state,
            "objects": index.object_count if index else None,
            "attributes": index.attribute_count if index else None,
            "error": self.error,
            "path": self.path.text(index) if index else (self.path.current or "/"),
        }
