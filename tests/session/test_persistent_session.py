"""The persistent session against the simulated gateway: items, aliases, events, reconnects."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from mxshell.gateway import ChannelOptions, PermissionDeniedError
from mxshell.session import (
    Backoff,
    ItemLookupError,
    NotConnectedError,
    PersistentSession,
    SessionState,
)
from mxshell.sim import ApiKey, EmbeddedGateway, SimConfig
from tests.conftest import eventually

FAST = Backoff(initial_s=0.05, factor=2.0, cap_s=0.3, jitter=0.0)


def options_for(gw: EmbeddedGateway, api_key: str | None = None) -> ChannelOptions:
    return ChannelOptions(gw.endpoint, api_key=api_key or gw.api_key, plaintext=True)


@pytest.fixture
async def session(gateway: EmbeddedGateway) -> AsyncIterator[PersistentSession]:
    notes: list[str] = []
    opened = PersistentSession(options_for(gateway), notify=notes.append, backoff=FAST)
    opened.notes = notes  # type: ignore[attr-defined]
    await opened.open()
    yield opened
    await opened.close()


async def test_add_item_with_alias_then_advise_by_alias_receives_values(
    session: PersistentSession,
) -> None:
    item = await session.add_item("Tank1.Level", alias="level")
    assert session.find("level") is item
    assert session.find(f"#{item.handle}") is item
    await session.advise(session.find("level"))
    await eventually(lambda: item.change_count >= 2)
    assert isinstance(item.value, float)
    assert item.quality == 192
    assert session.status()["advised_items"] == 1


async def test_resolve_adds_a_tag_once_and_refuses_unknown_aliases(
    session: PersistentSession,
) -> None:
    first, added = await session.resolve("Pump1.Running")
    again, added_again = await session.resolve("pump1.running")
    assert added and not added_again and first is again
    with pytest.raises(ItemLookupError, match="no item or alias 'nosuch'"):
        await session.resolve("nosuch")


async def test_alias_in_use_is_refused_before_the_gateway_is_called(
    session: PersistentSession,
) -> None:
    await session.add_item("Tank1.Level", alias="lvl")
    with pytest.raises(ItemLookupError, match="already in use"):
        await session.add_item("Pump1.Running", alias="LVL")
    assert len(session.items) == 1


async def test_closing_the_session_closes_it_on_the_gateway(gateway: EmbeddedGateway) -> None:
    persistent = PersistentSession(options_for(gateway), backoff=FAST)
    await persistent.open()
    session_id = persistent.session_id
    assert session_id in gateway.gateway.open_session_ids()
    await persistent.close()
    assert session_id not in gateway.gateway.open_session_ids()
    assert persistent.state is SessionState.DISCONNECTED
    with pytest.raises(NotConnectedError, match="not connected"):
        await persistent.add_item("Tank1.Level")


async def test_gateway_restart_restores_items_and_advises_under_the_same_aliases(
    fresh_gateway: EmbeddedGateway,
) -> None:
    notes: list[str] = []
    persistent = PersistentSession(options_for(fresh_gateway), notify=notes.append, backoff=FAST)
    await persistent.open()
    try:
        level = await persistent.add_item("Tank1.Level", alias="level")
        await persistent.advise(level)
        running = await persistent.add_item("Pump1.Running", alias="running")
        old_session = persistent.session_id
        await eventually(lambda: level.change_count >= 1)

        fresh_gateway.restart()
        await eventually(
            lambda: persistent.connected and persistent.session_id != old_session, timeout=10
        )

        assert any("lost" in n for n in notes)
        report = persistent.last_restore
        assert report is not None
        assert (report.registrations, report.items, report.advises) == (1, 2, 1)
        assert any(n.startswith("reconnected") for n in notes)
        before = level.change_count
        await eventually(lambda: level.change_count > before)
        assert persistent.find("running") is running
        await persistent.unadvise(persistent.find("level"))
        assert level.advise == "none"
    finally:
        await persistent.close()


async def test_a_command_while_reconnecting_fails_at_once(fresh_gateway: EmbeddedGateway) -> None:
    persistent = PersistentSession(
        options_for(fresh_gateway), backoff=Backoff(initial_s=30, cap_s=30, jitter=0)
    )
    await persistent.open()
    try:
        # Wait until the event stream is open (a value arrived), so there is one to cut.
        level = await persistent.add_item("Tank1.Level")
        await persistent.advise(level)
        await eventually(lambda: level.change_count >= 1)
        fresh_gateway.run(fresh_gateway.gateway.faults.cut_streams())
        await eventually(lambda: persistent.state is SessionState.RECONNECTING)
        started = asyncio.get_running_loop().time()
        with pytest.raises(NotConnectedError, match="reconnecting"):
            await persistent.add_item("Pump1.Running")
        assert asyncio.get_running_loop().time() - started < 0.5
    finally:
        await persistent.close()


async def test_a_denied_call_does_not_start_a_reconnect() -> None:
    keys = [ApiKey("reader-only-key", frozenset({"session", "read"}), name="reader")]
    with EmbeddedGateway(SimConfig(api_keys=keys, update_interval_s=0.05)) as gw:
        persistent = PersistentSession(options_for(gw, "reader-only-key"), backoff=FAST)
        await persistent.open()
        try:
            item = await persistent.add_item("Pump1.Speed.SP")
            handles = (item.registration.gateway_handle, item.gateway_handle)
            with pytest.raises(PermissionDeniedError) as denied:
                await persistent.call(lambda s: s.write(*handles, 5.0))
            assert "reader-only-key" not in str(denied.value)
            assert persistent.state is SessionState.CONNECTED
        finally:
            await persistent.close()


async def test_sequence_gap_is_counted_and_reported() -> None:
    config = SimConfig(update_interval_s=0.01, event_buffer_size=5)
    with EmbeddedGateway(config) as small:
        notes: list[str] = []
        persistent = PersistentSession(options_for(small), notify=notes.append, backoff=FAST)
        await persistent.open()
        try:
            # Stop reading the stream while many items change, so the buffer overflows.
            await persistent._stop_stream()
            registration = await persistent.ensure_registration()
            results = await persistent.gateway.subscribe_bulk(
                registration.gateway_handle,
                ["Tank1.Level", "Tank2.Level", "Pump1.Speed", "Pump2.Speed", "Tank1.Temperature"],
            )
            assert all(r.was_successful for r in results)
            await asyncio.sleep(0.5)
            persistent._stream_task = asyncio.create_task(
                persistent._pump_events(persistent.gateway)
            )
            await eventually(lambda: persistent.counters.gaps >= 1)
            assert persistent.counters.missed > 0
            assert any("worker_sequence gap" in n for n in notes)
        finally:
            await persistent.close()
