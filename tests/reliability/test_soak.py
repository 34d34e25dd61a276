"""A compressed soak: thousands of reconnect-and-restore cycles, then a million events,
with memory and open file descriptors flat (last tenth against first tenth)."""

from __future__ import annotations

import time

from mxshell.gateway import ChannelOptions
from mxshell.session import Backoff, PersistentSession
from mxshell.sim import EmbeddedGateway, SimConfig
from tests.conftest import eventually

from .conftest import moving_tags, open_fds, rss_bytes, tenth_ratio

RECONNECT_CYCLES = 1_500
EVENTS = 1_000_000
# Generous: a leak of one channel or a few KB per cycle would still exceed these.
MAX_MEMORY_RATIO = 1.15
MAX_FD_RATIO = 1.05


async def test_reconnect_cycles_leak_neither_memory_nor_descriptors() -> None:
    with EmbeddedGateway(SimConfig(update_interval_s=0.05)) as gateway:
        options = ChannelOptions(gateway.endpoint, api_key=gateway.api_key, plaintext=True)
        session = PersistentSession(options, backoff=Backoff(initial_s=0.01, jitter=0.0))
        await session.open()
        try:
            level = await session.add_item("Tank1.Level", alias="level")
            await session.advise(level)
            await session.add_item("Pump1.Speed.SP", alias="sp")
            memory: list[int] = []
            fds: list[int] = []
            started = time.monotonic()
            for cycle in range(RECONNECT_CYCLES):
                report = await session.reconnect()
                assert report is not None and (report.items, report.advises) == (2, 1)
                if cycle % 10 == 0:
                    memory.append(rss_bytes())
                    fds.append(open_fds())
            elapsed = time.monotonic() - started
            # Every old gateway session was closed, not left behind.
            assert gateway.gateway.open_session_ids() == [session.session_id]
            assert session.find("level").advise == "advise"
        finally:
            await session.close()
    memory_ratio, fd_ratio = tenth_ratio(memory), tenth_ratio(fds)
    print(
        f"\n{RECONNECT_CYCLES} reconnect cycles in {elapsed:.1f}s; memory ratio "
        f"{memory_ratio:.3f} ({memory[0] >> 20} -> {memory[-1] >> 20} MiB); fd ratio "
        f"{fd_ratio:.3f} ({fds[0]} -> {fds[-1]})"
    )
    assert memory_ratio < MAX_MEMORY_RATIO
    assert fd_ratio < MAX_FD_RATIO


async def test_a_million_events_leave_memory_and_descriptors_flat() -> None:
    config = SimConfig(update_interval_s=0.005)
    with EmbeddedGateway(config) as gateway:
        options = ChannelOptions(gateway.endpoint, api_key=gateway.api_key, plaintext=True)
        session = PersistentSession(options)
        await session.open()
        memory: list[int] = []
        fds: list[int] = []
        next_sample = [0]

        def sample(batch: object) -> None:
            if session.counters.received >= next_sample[0]:
                next_sample[0] += EVENTS // 100
                memory.append(rss_bytes())
                fds.append(open_fds())

        try:
            registration = await session.ensure_registration()
            tags = moving_tags() * 8  # each tag added eight times: ~500 items
            await session.gateway.subscribe_bulk(registration.gateway_handle, tags)
            session.add_listener(sample)
            started = time.monotonic()
            await eventually(lambda: session.counters.received >= EVENTS, timeout=60)
            elapsed = time.monotonic() - started
        finally:
            await session.close()
    memory_ratio, fd_ratio = tenth_ratio(memory[1:]), tenth_ratio(fds[1:])
    print(
        f"\n{session.counters.received} events in {elapsed:.1f}s "
        f"({session.counters.received / elapsed:,.0f}/s, {session.counters.gaps} gaps); "
        f"memory ratio {memory_ratio:.3f}; fd ratio {fd_ratio:.3f}"
    )
    assert len(memory) >= 50
    assert memory_ratio < MAX_MEMORY_RATIO
    assert fd_ratio < MAX_FD_RATIO
