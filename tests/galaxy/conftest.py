"""Shells on simulated gateways for the Galaxy and deploy-watch families."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner


@pytest.fixture
async def shell(gateway: EmbeddedGateway) -> AsyncIterator[ShellRunner]:
    """A shell on the shared gateway: for tests that do not deploy."""
    async with ShellRunner.connected(gateway) as runner:
        yield runner


@pytest.fixture
async def own_shell(fresh_gateway: EmbeddedGateway) -> AsyncIterator[ShellRunner]:
    """A shell on a gateway of the test's own: for tests that deploy or inject faults."""
    async with ShellRunner.connected(fresh_gateway) as runner:
        yield runner
