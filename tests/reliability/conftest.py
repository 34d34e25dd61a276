"""Shared pieces of the reliability suites: gateways of a test's own, waiting, resource
figures, and the Hypothesis budget (small by default, larger with MXSHELL_FUZZ_SCALE)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from mxshell.session import PersistentSession
from mxshell.sim import EmbeddedGateway, SimConfig
from mxshell.testing import ShellRunner
from tests.e2e.conftest import terminal  # noqa: F401 - the pty tests' fixture

# Every Hypothesis test here takes its example count from this scale, so the whole
# issue-8 suite stays near a minute on two cores; MXSHELL_FUZZ_SCALE=20 for a long run.
FUZZ_SCALE = float(os.environ.get("MXSHELL_FUZZ_SCALE", "1"))


def fuzz_settings(examples: int) -> settings:
    """Hypothesis settings for `examples` inputs (times the scale), no deadline: sockets
    and a shared two-core machine make per-example timing meaningless."""
    return settings(
        max_examples=max(1, int(examples * FUZZ_SCALE)),
        deadline=None,
        derandomize=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


def rss_bytes() -> int:
    """This process's resident memory, from /proc (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def tenth_ratio(samples: list[int]) -> float:
    """Mean of the last tenth of the samples over the mean of the first tenth."""
    tenth = max(1, len(samples) // 10)
    first = sum(samples[:tenth]) / tenth
    last = sum(samples[-tenth:]) / tenth
    return last / first


@pytest.fixture
def fast_gateway() -> Iterator[EmbeddedGateway]:
    """A gateway of the test's own (restarts, faults) with values moving every 50 ms."""
    with EmbeddedGateway(SimConfig(update_interval_s=0.05)) as running:
        yield running


@pytest.fixture
async def shell(fast_gateway: EmbeddedGateway) -> AsyncIterator[ShellRunner]:
    """A shell connected to fast_gateway, reconnecting with a short backoff."""
    async with ShellRunner.connected(fast_gateway) as runner:
        yield runner


def session_of(shell: ShellRunner) -> PersistentSession:
    session = shell.session
    assert isinstance(session, PersistentSession)
    return session


def moving_tags(config: SimConfig | None = None) -> list[str]:
    """Tags of the simulated plant whose value changes on every tick, with Good quality."""
    from mxshell.sim.server import build_galaxy

    galaxy = build_galaxy(config or SimConfig())
    return [
        f"{obj.tag_name}.{attr.name}"
        for obj in galaxy.objects
        for attr in obj.attributes()
        if attr.generator in ("sine", "ramp", "random_walk", "clock")
        and not attr.is_array
        and attr.quality == "good"
        and attr.delay_ms == 0
    ]
