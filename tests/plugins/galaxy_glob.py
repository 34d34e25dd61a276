"""A small real GalaxyLookup for tests of commands that take tag globs: it asks the
gateway's Galaxy Repository for the hierarchy once and matches patterns against the
full tag references (what the Galaxy plugin does, without its index and browse path)."""

from __future__ import annotations

import fnmatch

from mxshell.commands import GALAXY
from mxshell.gateway import GalaxyRepositoryClient
from mxshell.testing import ShellRunner


class RepositoryGlob:
    def __init__(self, repository: GalaxyRepositoryClient) -> None:
        self.repository = repository
        self.tags: list[str] | None = None
        self.patterns: list[str] = []

    async def glob(self, pattern: str) -> list[str]:
        self.patterns.append(pattern)
        if self.tags is None:
            objects = await self.repository.discover_hierarchy()
            self.tags = sorted(a.full_tag_reference for o in objects for a in o.attributes)
        wanted = pattern.lower()
        return [tag for tag in self.tags if fnmatch.fnmatchcase(tag.lower(), wanted)]

    def resolve(self, reference: str) -> str:
        return reference

    async def attribute_info(self, reference: str) -> None:
        return None  # no declared types here: what `watch` shows as durations needs them


def lend_galaxy(shell: ShellRunner) -> RepositoryGlob:
    """Place a RepositoryGlob on the shell's connection under the GALAXY service."""
    lookup = RepositoryGlob(shell.session.client.galaxy())
    shell.context.services[GALAXY] = lookup
    return lookup
