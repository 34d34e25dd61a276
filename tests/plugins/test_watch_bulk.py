"""`watch` over many tags sets up and gives back in a few bulk calls, counted on the
simulated gateway itself, and leaves the gateway holding what it held before."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from mxshell.commands import WATCH_VIEW
from mxshell.output.watch_table import WatchModel
from mxshell.session import PersistentSession
from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner
from tests.conftest import eventually
from tests.plugins.conftest import held_by_gateway, invoked_by_gateway

# The calls that set up or give back one item at a time: a bulk watch makes none.
UNARY = {"add_item", "advise", "un_advise", "remove_item"}


def plant_tags(gateway: EmbeddedGateway, count: int) -> list[str]:
    """`count` scalar attributes of the demo plant that have a value at once."""
    tags = [
        f"{o.tag_name}.{a.name}"
        for o in gateway.gateway.galaxy.objects
        for a in o.attributes()
        if not a.is_array and not a.name.startswith("_")
    ]
    assert len(tags) >= count
    return tags[:count]


def tag_file(tmp_path: Path, tags: list[str], name: str = "tags.txt") -> Path:
    path = tmp_path / name
    path.write_text("# watched\n" + "\n".join(tags) + "\n", encoding="utf-8")
    return path


class Calls:
    """The Invoke calls one session made on its gateway since the last look, by command."""

    def __init__(self, gateway: EmbeddedGateway, session: PersistentSession) -> None:
        self.gateway, self.session_id = gateway, session.session_id or ""
        self.seen = invoked_by_gateway(gateway, self.session_id)

    def since(self) -> dict[str, int]:
        now = invoked_by_gateway(self.gateway, self.session_id)
        made = {name: n - self.seen.get(name, 0) for name, n in now.items()}
        self.seen = now
        return {name: n for name, n in made.items() if n}


class HoldingView:
    """A watch_view service that runs `meanwhile` while the view would be open."""

    def __init__(self, meanwhile: Callable[[WatchModel], Awaitable[None]]) -> None:
        self.meanwhile = meanwhile
        self.advise_states: list[list[str]] = []

    async def __call__(self, model: WatchModel, *, duration: float | None = None) -> str:
        self.advise_states.append([i.advise for i in model.items])
        await self.meanwhile(model)
        return "quit"


async def test_a_watch_of_a_200_line_file_makes_a_handful_of_calls_and_leaves_nothing(
    gateway: EmbeddedGateway, tmp_path: Path
) -> None:
    tags = plant_tags(gateway, 200)
    async with ShellRunner.connected(gateway) as shell:
        assert (await shell.run("register")).ok
        calls = Calls(gateway, shell.session)
        result = await shell.run(f"watch @{tag_file(tmp_path, tags)} --once --timeout 2s")
        assert result.ok, result.errors
        records = result.result.records()
        assert [r["tag"] for r in records] == tags
        assert sum(r["value"] is not None for r in records) >= 190  # a few start slow
        # 3 calls where there were 600: added, advised, then unadvised and removed.
        assert calls.since() == {"add_item_bulk": 1, "advise_item_bulk": 1, "unsubscribe_bulk": 1}
        assert held_by_gateway(gateway, shell.session.session_id or "") == []
        assert list(shell.session.items) == []


async def test_held_items_are_advised_in_one_call_and_left_as_they_were(
    gateway: EmbeddedGateway, tmp_path: Path
) -> None:
    async with ShellRunner.connected(gateway) as shell:
        await shell.run("add-item Tank1.Level --as level; advise level")
        await shell.run("add-item Pump1.Speed --as speed")
        session_id = shell.session.session_id or ""
        before = held_by_gateway(gateway, session_id)
        assert before == [("Pump1.Speed", False), ("Tank1.Level", True)]
        calls = Calls(gateway, shell.session)

        async def meanwhile(model: WatchModel) -> None:
            watched = held_by_gateway(gateway, session_id)
            assert watched == sorted(
                [("Pump1.Speed", True), ("Tank1.Level", True), ("Tank2.Level", True)]
                + [("Tank3.Level", True)]
            )

        view = HoldingView(meanwhile)
        shell.context.services[WATCH_VIEW] = view
        listed = tag_file(tmp_path, ["level", "Tank2.Level", "speed", "Tank3.Level"])
        result = await shell.run(f"watch @{listed} tank2.level")  # named twice, added once
        assert result.ok, result.errors
        assert result.text.endswith("removed 2 item(s) it added, unadvised 1 item(s) it advised")
        assert view.advise_states == [["advise"] * 4]
        assert calls.since() == {
            "add_item_bulk": 1,
            "advise_item_bulk": 1,
            "unsubscribe_bulk": 1,
            "un_advise_item_bulk": 1,
        }
        assert held_by_gateway(gateway, session_id) == before
        assert [(i.name, i.advise) for i in shell.session.items] == [
            ("level", "advise"),
            ("speed", "none"),
        ]
        await shell.run("remove-item level; remove-item speed")


async def test_a_refused_tag_among_a_files_good_ones_gets_its_row_and_its_line(
    gateway: EmbeddedGateway, tmp_path: Path
) -> None:
    listed = tag_file(tmp_path, ["Tank1.Level", "Tank9.Nope", "Pump1.Speed", "Tank2.Level"])
    async with ShellRunner.connected(gateway) as shell:
        assert (await shell.run("register")).ok
        calls = Calls(gateway, shell.session)
        result = await shell.run(f"watch @{listed} --once")
        assert result.outcomes[-1].exit_status == 1
        refusal = (
            "AddItem failed: HRESULT 0x80070490 (ERROR_NOT_FOUND); status: ConfigurationError, "
            "detected by responding LMX, detail 1001 (unknown tag reference 'Tank9.Nope')"
        )  # what the one-item AddItem said, word for word
        assert result.err == [
            f"watch: Tank9.Nope: {refusal}; watching the others",
            "watch: 1 of 4 tag(s) could not be watched",
        ]
        records = result.outcomes[-1].result.records()
        assert [r["tag"] for r in records] == [
            "Tank1.Level",
            "Pump1.Speed",
            "Tank2.Level",
            "Tank9.Nope",
        ]
        assert records[-1]["handle"] is None and records[-1]["quality"] == f"failed: {refusal}"
        assert not UNARY & calls.since().keys()
        assert held_by_gateway(gateway, shell.session.session_id or "") == []


async def test_keep_leaves_the_files_items_added_and_advised(
    gateway: EmbeddedGateway, tmp_path: Path
) -> None:
    tags = plant_tags(gateway, 30)
    async with ShellRunner.connected(gateway) as shell:
        assert (await shell.run("register")).ok
        calls = Calls(gateway, shell.session)
        result = await shell.run(f"watch @{tag_file(tmp_path, tags)} --once --keep")
        assert result.ok, result.errors
        assert calls.since() == {"add_item_bulk": 1, "advise_item_bulk": 1}
        held = held_by_gateway(gateway, shell.session.session_id or "")
        assert held == sorted((tag, True) for tag in tags)
        assert [(i.tag_reference, i.advise) for i in shell.session.items] == [
            (tag, "advise") for tag in tags
        ]
        assert (await shell.run("unsubscribe-bulk " + " ".join(tags))).ok


async def test_an_item_gone_from_the_gateway_is_one_line_when_the_watch_gives_back(
    gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(gateway) as shell:

        async def meanwhile(model: WatchModel) -> None:
            # The same gateway session removes one of the watch's items behind its back.
            item = shell.session.items.find("Tank2.Level")
            assert item is not None
            server = item.registration.gateway_handle
            await shell.session.gateway.remove_item(server, item.gateway_handle)

        shell.context.services[WATCH_VIEW] = HoldingView(meanwhile)
        result = await shell.run("watch Tank1.Level Tank2.Level Pump1.Speed")
        assert result.ok, result.errors
        (line,) = [text for text in result.err if "could not" in text]
        assert line.startswith("watch: could not remove Tank2.Level: UnAdvise/RemoveItem failed: ")
        assert held_by_gateway(gateway, shell.session.session_id or "") == []
        # The shell still holds what the gateway refused to give back: it says so, above.
        assert [i.tag_reference for i in shell.session.items] == ["Tank2.Level"]


@pytest.fixture
async def two(
    gateway: EmbeddedGateway, fresh_gateway: EmbeddedGateway, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[ShellRunner]:
    """A shell with a (current) on the shared gateway and b on one of its own."""
    runner = ShellRunner()
    for name, sim in (("a", gateway), ("b", fresh_gateway)):
        monkeypatch.setenv(f"KEY_{name.upper()}", sim.api_key)
        line = f"connect {name} {sim.endpoint} --plaintext --api-key-env KEY_{name.upper()}"
        done = await runner.run(line)
        assert done.ok, done.errors
    try:
        yield runner
    finally:
        await runner.runtime.close()


async def test_each_connection_of_a_watch_makes_its_own_few_calls(
    two: ShellRunner, gateway: EmbeddedGateway, fresh_gateway: EmbeddedGateway, tmp_path: Path
) -> None:
    control = two.runtime.connection
    a, b = control.session_of("a"), control.session_of("b")
    tags = plant_tags(gateway, 40)
    lines = [f"b:{tag}" for tag in tags[:15]] + tags[15:]
    calls = {"a": Calls(gateway, a), "b": Calls(fresh_gateway, b)}
    result = await two.run(f"watch @{tag_file(tmp_path, lines)} --once")
    assert result.ok, result.errors
    connections = [r["connection"] for r in result.result.records()]
    assert connections.count("b") == 15 and connections.count("a") == 25
    made = {"register": 1, "add_item_bulk": 1, "advise_item_bulk": 1, "unsubscribe_bulk": 1}
    assert {name: c.since() for name, c in calls.items()} == {"a": made, "b": made}
    assert held_by_gateway(gateway, a.session_id or "") == []
    assert held_by_gateway(fresh_gateway, b.session_id or "") == []


async def test_a_watch_that_ends_cut_off_forgets_its_items_locally(
    fresh_gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(fresh_gateway) as shell:

        async def meanwhile(model: WatchModel) -> None:
            fresh_gateway.stop()
            for _ in range(200):
                if not shell.session.connected:
                    return
                await asyncio.sleep(0.01)

        shell.context.services[WATCH_VIEW] = HoldingView(meanwhile)
        await shell.run("add-item Pump1.Speed --as speed")
        await shell.run("watch Tank1.Level speed")
        assert [(i.name, i.advise) for i in shell.session.items] == [("speed", "none")]


async def test_a_held_item_the_gateway_will_not_advise_gets_a_failed_row_in_place_of_its_own(
    gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(gateway) as shell:
        await shell.run("add-item Pump1.Speed --as speed")
        speed = shell.session.find("speed")
        # The gateway forgets the item behind the shell's back: its handle is stale.
        await shell.session.gateway.remove_item(
            speed.registration.gateway_handle, speed.gateway_handle
        )
        result = await shell.run("watch speed Tank1.Level --once")
        assert result.outcomes[-1].exit_status == 1
        (line, summary) = result.err
        assert line.startswith("watch: Pump1.Speed: Advise failed: HRESULT 0x80070006 (E_HANDLE)")
        assert line.endswith("; watching the others")
        assert summary == "watch: 1 of 2 tag(s) could not be watched"
        records = result.outcomes[-1].result.records()
        assert [(r["tag"], r["handle"]) for r in records] == [
            ("Tank1.Level", 2),
            ("Pump1.Speed", None),
        ]
        assert records[0]["quality"] == "Good (192)"
        assert records[1]["quality"].startswith("failed: Advise failed: ")
        assert [(i.name, i.advise) for i in shell.session.items] == [("speed", "none")]
        assert held_by_gateway(gateway, shell.session.session_id or "") == []


async def test_ctrl_c_while_the_gateway_adds_waits_for_its_answer_and_gives_back_all(
    fresh_gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(fresh_gateway) as shell:
        assert (await shell.run("register")).ok
        calls = Calls(fresh_gateway, shell.session)
        fresh_gateway.gateway.faults.latency_ms = 300  # the AddItemBulk is out a while
        task = asyncio.create_task(shell.run("watch Tank1.Level Pump1.Speed Tank2.Level"))
        await asyncio.sleep(0.15)
        task.cancel()  # what the REPL does on Ctrl-C
        result = await task
        assert result.outcomes[0].status == "cancelled"
        # The add went through on the gateway: the watch learnt of it and gave all back.
        assert calls.since() == {"add_item_bulk": 1, "remove_item_bulk": 1}
        assert held_by_gateway(fresh_gateway, shell.session.session_id or "") == []
        assert list(shell.session.items) == []


async def test_an_item_lost_at_a_reconnect_is_forgotten_and_the_others_given_back(
    fresh_gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(fresh_gateway) as shell:

        async def meanwhile(model: WatchModel) -> None:
            # The newest leaf object is undeployed, then the gateway restarts: the shell
            # reconnects to a new session where LabelerDrive1.Running cannot be restored.
            fresh_gateway.deploy(remove=1)
            fresh_gateway.restart()
            running = shell.session.items.find("LabelerDrive1.Running")
            assert running is not None
            await eventually(
                lambda: shell.session.connected and running.lost is not None, "the restore"
            )

        shell.context.services[WATCH_VIEW] = HoldingView(meanwhile)
        result = await shell.run("watch Tank1.Level LabelerDrive1.Running Pump1.Speed")
        assert result.ok, result.errors
        assert not [line for line in result.err if line.startswith("watch: could not")]
        calls = invoked_by_gateway(fresh_gateway, shell.session.session_id or "")
        assert calls.get("unsubscribe_bulk") == 1 and not UNARY & calls.keys()
        assert held_by_gateway(fresh_gateway, shell.session.session_id or "") == []
        assert list(shell.session.items) == []


async def test_unadvising_an_item_lost_at_a_reconnect_makes_no_call(
    fresh_gateway: EmbeddedGateway,
) -> None:
    # Its old handle may be another item's in the new session: UnAdvise would hit that one.
    async with ShellRunner.connected(fresh_gateway) as shell:
        assert (await shell.run("add-item LabelerDrive1.Running; advise LabelerDrive1.Running")).ok
        running = shell.session.items.find("LabelerDrive1.Running")
        assert running is not None
        fresh_gateway.deploy(remove=1)
        fresh_gateway.restart()
        await eventually(
            lambda: shell.session.connected and running.lost is not None, "the restore"
        )
        before = dict(invoked_by_gateway(fresh_gateway, shell.session.session_id or ""))
        await shell.session.unadvise(running)
        assert running.advise == "none"
        after = invoked_by_gateway(fresh_gateway, shell.session.session_id or "")
        assert after == before
