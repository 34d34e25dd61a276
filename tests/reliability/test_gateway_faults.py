"""Faults over real sockets: the gateway restarted while idle, streaming or mid-call, a cut
stream, added latency, a consumer too slow for its buffer, the Galaxy database gone."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Sequence
from typing import Any

import pytest

from mxshell.commands import GALAXY
from mxshell.gateway import (
    DEFAULT_CHANNEL_ARGS,
    ChannelOptions,
    FailedPreconditionError,
)
from mxshell.session import SessionState
from mxshell.session.batches import READS_IN_FLIGHT
from mxshell.shell.build import build_repl
from mxshell.sim import EmbeddedGateway, SimConfig
from mxshell.sim.bulk_calls import BulkCommands
from mxshell.testing import ShellRunner
from tests.conftest import eventually, repl_completions

from .conftest import moving_tags, session_of

RESTORED = re.compile(
    r"reconnected \(session (?P<session>\S+)\): restored (?P<registrations>\d+) registration\(s\), "
    r"(?P<items>\d+) item\(s\), (?P<advises>\d+) advise\(s\)"
    r".*events after worker_sequence (?P<sequence>\d+) of the old session were missed"
)


def restore_notes(shell: ShellRunner) -> list[re.Match[str]]:
    return [m for m in map(RESTORED.search, shell.err) if m is not None]


def point_value(gateway: EmbeddedGateway, reference: str) -> Any:
    """The value the plant holds for a tag, straight from the simulator."""
    return gateway.gateway.runtime.points[reference.lower()].value


async def restarted(gateway: EmbeddedGateway) -> None:
    # On a thread: the simulator's loop does the work, and the shell's loop must keep
    # running meanwhile, as it would with a gateway in another process.
    await asyncio.to_thread(gateway.restart)


async def test_restart_while_idle_restores_everything_and_names_the_missed_sequence_range(
    shell: ShellRunner, fast_gateway: EmbeddedGateway
) -> None:
    session = session_of(shell)
    ok = await shell.run(
        "add-item Tank1.Level --as level; advise level; add-item Pump1.Running --as running; "
        "advise-supervisory Tank1.BatchId"
    )
    assert ok.ok, ok.errors
    level = session.find("level")
    await eventually(lambda: level.change_count >= 3, what="values before the restart")
    old_session = session.session_id

    await restarted(fast_gateway)
    last_sequence = session.counters.last_worker_sequence  # nothing arrives while it is down
    await eventually(lambda: bool(restore_notes(shell)), what="the restore notice")

    assert any(f"connection to {fast_gateway.endpoint} lost" in line for line in shell.err)
    note = restore_notes(shell)[0]
    assert note["session"] == session.session_id != old_session
    assert (note["registrations"], note["items"], note["advises"]) == ("1", "3", "2")
    assert int(note["sequence"]) == last_sequence > 0
    # The aliases and stable handles work on the new gateway session.
    before = level.change_count
    await eventually(lambda: level.change_count > before, what="values after the restart")
    result = await shell.run("unadvise level; remove-item running; items")
    assert result.ok, result.errors
    assert [row[1:4] for row in result.result.rows] == [
        ["level", "Tank1.Level", "none"],
        [None, "Tank1.BatchId", "supervisory"],
    ]


async def test_restart_while_a_stream_is_shown_ends_it_with_a_summary_and_reconnects(
    shell: ShellRunner, fast_gateway: EmbeddedGateway
) -> None:
    assert (await shell.run("add-item Tank1.Level --as level; advise level")).ok
    streaming = asyncio.create_task(shell.run("stream-events --timeout 2s"))
    await eventually(lambda: any("on_data_change" in line for line in shell.out))
    await restarted(fast_gateway)
    result = await asyncio.wait_for(streaming, timeout=15)
    assert result.ok, result.errors
    summary = result.outcomes[0].result.data
    assert summary["ended"] == "timeout" and summary["events"] > 0
    await eventually(lambda: bool(restore_notes(shell)), what="the restore notice")
    # The new gateway session numbers its events from 1 again: not counted as a gap.
    assert summary["sequence_gaps"] == 0
    assert session_of(shell).connected


async def test_a_write_cut_off_by_a_restart_fails_clearly_and_is_never_sent_again(
    shell: ShellRunner, fast_gateway: EmbeddedGateway
) -> None:
    session = session_of(shell)
    assert (await shell.run("add-item Pump1.Speed.SP --as sp; write sp 10 --type double")).ok
    assert point_value(fast_gateway, "Pump1.Speed.SP") == 10.0
    await eventually(lambda: session.counters.write_completes == 1, what="OnWriteComplete")
    events: list[Any] = []
    session.add_listener(lambda batch: events.extend(batch))

    fast_gateway.gateway.faults.latency_ms = 400  # the Write waits in the gateway…
    writing = asyncio.create_task(shell.run("write sp 77 --type double"))
    await asyncio.sleep(0.15)
    await restarted(fast_gateway)  # …and the gateway goes away under it
    fast_gateway.gateway.faults.latency_ms = 0
    result = await asyncio.wait_for(writing, timeout=10)

    assert not result.ok
    message = result.outcomes[0].describe()
    assert message.startswith("write: gateway unavailable (UNAVAILABLE)"), message
    assert "\n" not in message and "Traceback" not in message
    await eventually(lambda: bool(restore_notes(shell)), what="the restore notice")
    await asyncio.sleep(0.3)  # time for a retried write to land, were there one
    assert point_value(fast_gateway, "Pump1.Speed.SP") == 10.0
    completes = [e for e in events if e.WhichOneof("event") == "on_write_complete"]
    assert completes == []
    # The user can write again on purpose, through the same alias.
    assert (await shell.run("write sp 77 --type double")).ok
    assert point_value(fast_gateway, "Pump1.Speed.SP") == 77.0


SETPOINTS = [f"Pump{n}.Speed.SP" for n in (1, 2, 3)]


def one_clear_line(result: Any, command: str) -> str:
    assert not result.ok
    message = result.outcomes[0].describe()
    assert message.startswith(f"{command}: "), message
    assert "\n" not in message and "Traceback" not in message, message
    return str(message)


async def test_write_bulk_cut_off_by_a_restart_fails_in_one_line_and_writes_nothing_again(
    shell: ShellRunner, fast_gateway: EmbeddedGateway
) -> None:
    session = session_of(shell)
    first = await shell.run(
        "write-bulk Pump1.Speed.SP=10 Pump2.Speed.SP=20 Pump3.Speed.SP=30 --type double"
    )
    assert first.ok, first.errors
    # The tags are items now, so the interrupted command makes one call: the WriteBulk.
    assert [row[2] for row in (await shell.run("items")).result.rows] == SETPOINTS
    points = [fast_gateway.gateway.runtime.points[tag.lower()] for tag in SETPOINTS]
    await eventually(lambda: session.counters.write_completes == 3, what="OnWriteComplete")
    stamps = [point.timestamp_ns for point in points]
    events: list[Any] = []
    session.add_listener(lambda batch: events.extend(batch))

    fast_gateway.gateway.faults.latency_ms = 400  # the WriteBulk waits in the gateway…
    writing = asyncio.create_task(
        shell.run("write-bulk Pump1.Speed.SP=77 Pump2.Speed.SP=78 Pump3.Speed.SP=79 --type double")
    )
    await asyncio.sleep(0.15)
    await restarted(fast_gateway)  # …and the gateway goes away under it
    fast_gateway.gateway.faults.latency_ms = 0
    result = await asyncio.wait_for(writing, timeout=15)

    message = one_clear_line(result, "write-bulk")
    assert "UNAVAILABLE" in message, message
    await eventually(lambda: bool(restore_notes(shell)), what="the restore notice")
    assert restore_notes(shell)[0]["items"] == "3"
    await asyncio.sleep(0.5)  # time for a resent WriteBulk to land, were there one
    # The plant holds what the last successful command wrote, and no write touched a
    # point since (a write of any value restamps it).
    assert [point.value for point in points] == [10.0, 20.0, 30.0]
    assert [point.timestamp_ns for point in points] == stamps
    assert [e for e in events if e.WhichOneof("event") == "on_write_complete"] == []
    # The restored items take the same batch again when the user sends it on purpose.
    again = await shell.run(
        "write-bulk Pump1.Speed.SP=77 Pump2.Speed.SP=78 Pump3.Speed.SP=79 --type double"
    )
    assert again.ok, again.errors
    assert [point.value for point in points] == [77.0, 78.0, 79.0]
    await eventually(lambda: len(events) >= 3, what="OnWriteComplete after the rewrite")
    assert session.counters.write_completes == 6


async def test_a_batch_cut_between_its_calls_says_which_entries_are_unknown_and_unsent() -> None:
    # One entry per WriteBulk: the first lands, the second is in flight when the gateway
    # restarts (its outcome cannot be known), and the third must never be sent.
    config = SimConfig(update_interval_s=0.05, max_bulk_entries=1)
    with EmbeddedGateway(config) as gateway:
        async with ShellRunner.connected(gateway) as shell:
            first = await shell.run(
                "write-bulk Pump1.Speed.SP=10 Pump2.Speed.SP=20 Pump3.Speed.SP=30 --type double"
            )
            assert first.ok, first.errors
            gateway.gateway.faults.latency_ms = 1000
            writing = asyncio.create_task(
                shell.run(
                    "write-bulk Pump1.Speed.SP=77 Pump2.Speed.SP=78 Pump3.Speed.SP=79 --type double"
                )
            )
            # Once the first call has landed, the second waits out its second of latency.
            await eventually(
                lambda: point_value(gateway, "Pump1.Speed.SP") == 77.0, what="the first call"
            )
            await asyncio.sleep(0.2)
            await restarted(gateway)
            gateway.gateway.faults.latency_ms = 0
            result = await asyncio.wait_for(writing, timeout=15)
            assert not result.ok
            records = result.result.as_data()["entries"]
            rows = {r["tag"]: " ".join(map(str, r.values())) for r in records}
            assert "outcome unknown" in rows["Pump2.Speed.SP"], rows
            assert "not sent" in rows["Pump3.Speed.SP"], rows
            await asyncio.sleep(0.5)  # time for a stray WriteBulk to land, were there one
            assert point_value(gateway, "Pump1.Speed.SP") == 77.0
            assert point_value(gateway, "Pump3.Speed.SP") == 30.0


async def test_a_read_cut_between_its_calls_says_which_entries_are_unknown_and_unsent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One tag per ReadBulk, READS_IN_FLIGHT calls out at once. The first tag is answered;
    # every other waits at the gateway, so when the first answer lets one more call go
    # out, READS_IN_FLIGHT calls are waiting when the gateway restarts: their outcome is
    # unknown, and the last tag is never sent. Each row says which.
    tags = ["Tank1.Level", "Tank2.Level", "Pump1.Speed", "Pump2.Speed", "Pump3.Speed"]
    tags += ["Pump1.Speed.SP", "Pump2.Speed.SP", "Pump3.Speed.SP"]
    tags = tags[: READS_IN_FLIGHT + 2]
    held = 0
    all_out = threading.Event()
    answer = BulkCommands.read

    async def read(self: BulkCommands, session: Any, key: Any, handle: int, entries: Any) -> Any:
        nonlocal held
        if entries[0].tag_reference != tags[0]:
            held += 1
            if held == READS_IN_FLIGHT:
                all_out.set()
            await asyncio.sleep(30)  # the restart cuts it off long before
        return await answer(self, session, key, handle, entries)

    monkeypatch.setattr(BulkCommands, "read", read)
    config = SimConfig(update_interval_s=0.05, max_bulk_entries=1)
    with EmbeddedGateway(config) as gateway:
        async with ShellRunner.connected(gateway) as shell:
            reading = asyncio.create_task(shell.run("read-bulk " + " ".join(tags)))
            assert await asyncio.to_thread(all_out.wait, 10)
            await restarted(gateway)
            result = await asyncio.wait_for(reading, timeout=15)
    assert not result.ok
    failed = len(tags) - 1
    assert result.errors.splitlines()[-1].startswith(
        f"read-bulk: {failed} of {len(tags)} entries failed"
    )
    rows = [result.result.as_data()["entries"][n] for n in range(len(tags))]
    assert [row["tag"] for row in rows] == tags
    assert rows[0]["ok"] and rows[0]["status"] == "Ok" and isinstance(rows[0]["value"], float)
    for row in rows[1:-1]:
        assert not row["ok"] and row["value"] is None
        assert row["status"].startswith("outcome unknown: "), row
    assert not rows[-1]["ok"] and rows[-1]["status"].startswith("not sent: ")
    assert held == READS_IN_FLIGHT


async def test_read_bulk_cut_off_by_a_restart_fails_in_one_line_and_the_session_recovers(
    shell: ShellRunner, fast_gateway: EmbeddedGateway
) -> None:
    assert (await shell.run("add-item Tank1.Level --as level; advise level")).ok
    fast_gateway.gateway.faults.latency_ms = 400
    reading = asyncio.create_task(shell.run("read-bulk Tank1.Level Tank2.Level Pump1.Speed"))
    await asyncio.sleep(0.15)
    await restarted(fast_gateway)
    fast_gateway.gateway.faults.latency_ms = 0
    result = await asyncio.wait_for(reading, timeout=15)

    assert "UNAVAILABLE" in one_clear_line(result, "read-bulk")
    await eventually(lambda: bool(restore_notes(shell)), what="the restore notice")
    note = restore_notes(shell)[0]
    assert (note["items"], note["advises"]) == ("1", "1")
    # read-bulk leaves no item behind, interrupted or not; the same command works now.
    assert [row[1] for row in (await shell.run("items")).result.rows] == ["level"]
    again = await shell.run("read-bulk Tank1.Level Tank2.Level Pump1.Speed")
    assert again.ok, again.errors
    assert [row[5] for row in again.result.table.rows] == [True, True, True]


async def test_a_cut_stream_without_a_restart_reconnects_and_closes_the_abandoned_session(
    shell: ShellRunner, fast_gateway: EmbeddedGateway
) -> None:
    session = session_of(shell)
    assert (await shell.run("add-item Tank1.Level --as level; advise level")).ok
    level = session.find("level")
    await eventually(lambda: level.change_count >= 2)
    old_session = session.session_id
    cut = fast_gateway.run(fast_gateway.gateway.faults.cut_streams())
    assert cut == 1
    await eventually(lambda: bool(restore_notes(shell)), what="the restore notice")
    assert any("connection to" in line and "UNAVAILABLE" in line for line in shell.err)
    # The gateway session whose stream was cut is closed, not left holding advises.
    assert fast_gateway.gateway.open_session_ids() == [session.session_id]
    assert old_session not in fast_gateway.gateway.open_session_ids()
    before = level.change_count
    await eventually(lambda: level.change_count > before)


async def test_added_latency_slows_commands_but_breaks_nothing(
    shell: ShellRunner, fast_gateway: EmbeddedGateway
) -> None:
    session = session_of(shell)
    assert (await shell.run("add-item Tank1.Level --as level; advise level")).ok
    fast_gateway.gateway.faults.latency_ms = 250
    try:
        started = time.monotonic()
        result = await shell.run("add-item Pump1.Speed.SP --as sp; write sp 12.5; read sp")
        elapsed = time.monotonic() - started
    finally:
        fast_gateway.gateway.faults.latency_ms = 0
    assert result.ok, result.errors
    assert result.result.rows[0][1] == 12.5
    assert elapsed >= 0.25 * 3  # the latency was there: add, write, unadvise at least
    assert session.state is SessionState.CONNECTED
    assert not restore_notes(shell) and not any("lost" in line for line in shell.err)


def small_window(*args: Any, **kwargs: Any) -> ChannelOptions:
    # gRPC's flow-control window grows (BDP probing) to megabytes of events on loopback,
    # which hides a slow consumer from the gateway for a long while; without probing the
    # window stays at 64 KiB and the gateway's buffer overflows within a second.
    return ChannelOptions(
        *args, options=(*DEFAULT_CHANNEL_ARGS, ("grpc.http2.bdp_probe", 0)), **kwargs
    )


async def test_a_consumer_too_slow_for_its_buffer_is_told_every_missed_range(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("mxshell.app.connection.ChannelOptions", small_window)
    config = SimConfig(update_interval_s=0.01, event_buffer_size=100, max_batch_size=20)
    with EmbeddedGateway(config) as gateway:
        async with ShellRunner.connected(gateway) as shell:
            session = session_of(shell)

            def slow_listener(batch: Sequence[Any]) -> None:
                time.sleep(0.01)  # holds the loop: ~2,000 events/s read of ~6,600 offered

            registration = await session.ensure_registration()
            await session.gateway.subscribe_bulk(registration.gateway_handle, moving_tags())
            session.add_listener(slow_listener)
            await eventually(lambda: session.counters.gaps >= 3, timeout=30, what="gaps")
            session.remove_listener(slow_listener)

            found = (re.search(r"events (\d+)\.\.(\d+) were dropped", line) for line in shell.err)
            ranges = [(int(m[1]), int(m[2])) for m in found if m is not None]
            status = (await shell.run("status")).result
            assert status["sequence_gaps"] >= len(ranges) >= 3
            assert sum(b - a + 1 for a, b in ranges) <= status["events_missed"]
            assert all(a <= b for a, b in ranges)
            assert all(b1 < a2 for (_, b1), (a2, _) in zip(ranges, ranges[1:], strict=False))
            # The shell still answers, and stays on the same gateway session.
            assert (await shell.run("echo still here")).text == "still here"
            assert session.connected and not restore_notes(shell)


async def test_an_unreachable_galaxy_database_fails_galaxy_calls_and_spares_mxaccess(
    shell: ShellRunner, fast_gateway: EmbeddedGateway
) -> None:
    # The Galaxy client on the shell's own channel, as the Galaxy plugin reaches it; the
    # commands and completion are the next test.
    session = session_of(shell)
    galaxy = session.client.galaxy()
    assert await galaxy.test_connection()
    fast_gateway.gateway.faults.galaxy_unreachable = True
    try:
        assert await galaxy.test_connection() is False
        try:
            await galaxy.discover_hierarchy()
            raise AssertionError("hierarchy discovery worked without the database")
        except FailedPreconditionError as error:
            assert "Galaxy Repository database unreachable" in str(error)
            assert "\n" not in str(error)
        result = await shell.run("read Tank1.Level Pump1.Running; write Pump1.Speed.SP 33")
        assert result.ok, result.errors
        assert point_value(fast_gateway, "Pump1.Speed.SP") == 33
        assert session.state is SessionState.CONNECTED  # a Galaxy failure is no reconnect
    finally:
        fast_gateway.gateway.faults.galaxy_unreachable = False
    assert len(await galaxy.discover_hierarchy()) > 0


async def test_galaxy_commands_fail_in_one_line_while_mxaccess_and_completion_carry_on(
    shell: ShellRunner, fast_gateway: EmbeddedGateway
) -> None:
    catalog = shell.context.services[GALAXY]
    build_repl(shell.runtime, history=False)  # the REPL preloads the index
    await eventually(lambda: catalog.state == "ready", what="the Galaxy index")
    offered = repl_completions(shell, "read Tank1.Level.H")
    assert offered == ["Tank1.Level.Hi", "Tank1.Level.HiAlarm", "Tank1.Level.HiHi"]
    session = session_of(shell)

    fast_gateway.gateway.faults.galaxy_unreachable = True
    try:
        # The refresh finds the database gone; from then on every command that needs the
        # Galaxy says so in one line rather than answer from an index it cannot check.
        for line, command in [
            ("galaxy-refresh", "galaxy-refresh"),
            ("ls /", "ls"),
            ("find 'Tank*.Level'", "find"),
            ("galaxy-discover", "galaxy-discover"),
            ("read-bulk 'Tank*.Level'", "read-bulk"),
        ]:
            message = one_clear_line(await shell.run(line), command)
            assert "Galaxy Repository database unreachable" in message, message
        assert (await shell.run("galaxy-test-connection")).ok is False
        result = await shell.run(
            "read Tank1.Level Pump1.Running; write Pump1.Speed.SP 33; "
            "read-bulk Tank1.Level Tank2.Level"
        )
        assert result.ok, result.errors
        assert point_value(fast_gateway, "Pump1.Speed.SP") == 33
        assert session.state is SessionState.CONNECTED  # a Galaxy failure is no reconnect
        # Completion keeps offering the index it built before the database went away.
        assert catalog.state == "failed"
        assert repl_completions(shell, "read Tank1.Level.H") == offered
        assert "Compressor1" in repl_completions(shell, "write cmprsr")
    finally:
        fast_gateway.gateway.faults.galaxy_unreachable = False
    assert (await shell.run("galaxy-refresh; ls /")).ok
    assert catalog.state == "ready"


async def test_reconnect_and_status_tell_the_same_story_about_missed_events(
    shell: ShellRunner, fast_gateway: EmbeddedGateway
) -> None:
    session = session_of(shell)
    await shell.run("add-item Tank1.Level --as level; advise level")
    level = session.find("level")
    await eventually(lambda: level.change_count >= 2, what="values before the restart")
    before = session.status()
    await restarted(fast_gateway)
    await eventually(lambda: bool(restore_notes(shell)), what="the restore notice")
    note = next(line for line in shell.err if "were missed" in line)
    after = session.status()
    # The notice says events were missed and names where status counts them.
    assert "reconnect_gaps" in note
    assert after["reconnect_gaps"] == before["reconnect_gaps"] + 1
    assert after["sequence_gaps"] == before["sequence_gaps"] + 1
    assert after["events_missed"] == before["events_missed"]  # dropped events only
