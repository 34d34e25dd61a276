"""expect on a gateway with bulk reads (one ReadBulk, nothing added) and on one without
(the item added, advised, given back): the same verdicts and the same lines on both."""

from __future__ import annotations

import asyncio
import json

from mxshell.commands import CANCELLED
from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner
from tests.conftest import eventually
from tests.plugins.conftest import Reader, held_by_gateway


async def test_a_met_expectation_reads_the_same_on_both_paths(reader: Reader) -> None:
    result = await reader.shell.run("expect Tank1.Capacity == 25000")
    assert result.ok, result.errors
    assert result.text.startswith("ok: Tank1.Capacity == 25000 (value 25000, after ")
    assert held_by_gateway(reader.gateway, reader.shell.session.session_id) == []
    assert len(reader.shell.session.items) == 0


async def test_a_missed_expectation_says_what_it_saw(reader: Reader) -> None:
    said = await reader.shell.run("expect Tank1.Capacity > 30000 -m 'too small'")
    assert said.errors.startswith("expect: too small (Tank1.Capacity is 25000, Good (192), at ")
    assert said.errors.endswith("; expected > 30000)")
    reader.shell.context.settings.output = "json"
    result = await reader.shell.run("expect Tank1.Capacity > 30000 -m 'too small'")
    assert not result.ok and result.outcomes[0].exit_status == 1
    (line,) = [text for text in result.out if '"expect"' in text]
    observed = json.loads(line)["result"]
    assert observed["value"] == 25000 and observed["quality"] == "Good (192)"
    assert observed["timestamp"].endswith("Z")


async def test_an_unknown_tag_and_a_slow_one_fail_in_one_line(reader: Reader) -> None:
    unknown = await reader.shell.run("expect Tank1.Nope == 1")
    assert unknown.errors.startswith(f"expect: MXAccess refused {reader.method} for Tank1.Nope: ")
    assert len(unknown.errors.splitlines()) == 1
    slow = await reader.shell.run("expect PLC1.RemoteIO.Value > 0 --timeout 200ms")
    assert slow.errors == "expect: no value for PLC1.RemoteIO.Value within 0.2s"
    assert held_by_gateway(reader.gateway, reader.shell.session.session_id) == []


async def test_an_advised_item_is_read_from_its_latest_value_on_both(reader: Reader) -> None:
    shell = reader.shell
    assert (await shell.run("add-item Tank1.Capacity --as cap; advise cap")).ok
    assert (await shell.run("expect cap == 25000")).ok
    assert (await shell.run("expect Tank1.Capacity == 25000")).ok
    assert [(i.name, i.advise) for i in shell.session.items] == [("cap", "advise")]


async def test_a_cancelled_expect_gives_back_the_advise_it_made(
    gateway: EmbeddedGateway, mx_shell: ShellRunner
) -> None:
    await mx_shell.run("add-item PLC1.RemoteIO.Value --as remote")
    running = asyncio.create_task(mx_shell.run("expect remote > 0 --timeout 30"))
    session_id = mx_shell.session.session_id
    await eventually(
        lambda: ("PLC1.RemoteIO.Value", True) in held_by_gateway(gateway, session_id),
        "the expect's advise",
    )
    running.cancel()
    result = await running
    assert result.outcomes[0].status == CANCELLED
    assert held_by_gateway(gateway, session_id) == [("PLC1.RemoteIO.Value", False)]
    assert [(i.name, i.advise) for i in mx_shell.session.items] == [("remote", "none")]
