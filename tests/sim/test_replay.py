"""A recorded session of documented MXAccess calls, replayed against the simulator.

tests/sim/replay/mxaccess_session.json holds the calls (register, items, advises, a
buffered advise, writes of every security classification with and without users, array
elements, property items, an undeploy, the session's owner and a key's scopes) and what
the gateway answers: each reply's HRESULT and status, or its gRPC code, and the events
each call brings, matched field by field. Every reply and every event is checked; an
event the session did not expect fails the replay.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import grpc
import pytest

from mxshell.contract import mx
from mxshell.gateway import from_mx_value, to_mx_value
from mxshell.sim import ApiKey, EmbeddedGateway, codes

from .conftest import Client

SESSION_FILE = Path(__file__).parent / "replay" / "mxaccess_session.json"
HRESULTS = {
    name: getattr(codes, name)
    for name in ("E_FAIL", "E_NOT_FOUND", "E_INVALIDARG", "E_ACCESSDENIED", "E_LOGON_FAILURE")
}


class Replay:
    def __init__(self, sim: EmbeddedGateway, clients: dict[str, Client]) -> None:
        self.sim = sim
        self.clients = clients
        self.saved: dict[str, Any] = {"newest": sim.gateway.galaxy.objects[-1].tag_name}
        self.stream: Any = None
        self.events: list[mx.MxEvent] = []

    def handle(self, name: str) -> int:
        return int(self.saved[name])

    async def step(self, step: dict[str, Any]) -> None:
        client = self.clients[step.get("key", "owner")]
        do = step["do"]
        try:
            reply = await self.call(client, do, step)
        except grpc.aio.AioRpcError as error:
            expected = step.get("expect", {}).get("grpc")
            assert expected == error.code().name, f"{step}: {error.code().name} {error.details()}"
            return
        assert "grpc" not in step.get("expect", {}), f"{step}: expected a refusal, got {reply}"
        if isinstance(reply, mx.InvokeResponse):
            self.check_reply(step, reply)
        await self.check_events(step)

    async def call(self, client: Client, do: str, step: dict[str, Any]) -> Any:
        session = self.saved.get("session", "")
        server = self.saved.get("server", 0)
        if do == "open_session":
            self.saved[step["save"]] = await client.open_session("replay")
            self.stream = client.stream(self.saved["session"])
            return None
        if do == "close_session":
            return await client.mx.CloseSession(
                mx.CloseSessionRequest(session_id=session), metadata=client.metadata
            )
        if do == "undeploy":
            await asyncio.to_thread(self.sim.deploy, remove=1)
            return None
        item = self.handle(step["item"]) if "item" in step else 0
        command: dict[str, Any]
        if do == "register":
            command = {"register": mx.RegisterCommand(client_name=step["name"])}
        elif do == "unregister":
            command = {"unregister": mx.UnregisterCommand(server_handle=server)}
        elif do == "add_item":
            tag = step["tag"].replace("{newest}", self.saved["newest"])
            command = {"add_item": mx.AddItemCommand(server_handle=server, tag_reference=tag)}
        elif do == "advise":
            command = {"advise": mx.AdviseCommand(server_handle=server, item_handle=item)}
        elif do == "unadvise":
            command = {"un_advise": mx.UnAdviseCommand(server_handle=server, item_handle=item)}
        elif do == "write":
            value = to_mx_value(step["value"], step.get("type"))
            command = {
                "write": mx.WriteCommand(server_handle=server, item_handle=item, value=value)
            }
        elif do == "write_secured":
            command = {
                "write_secured": mx.WriteSecuredCommand(
                    server_handle=server,
                    item_handle=item,
                    value=to_mx_value(step["value"], step.get("type")),
                    current_user_id=self.user(step["user"]),
                    verifier_user_id=self.user(step.get("verifier", 0)),
                )
            }
        elif do == "authenticate_user":
            command = {
                "authenticate_user": mx.AuthenticateUserCommand(
                    server_handle=server, user_name=step["user"], password=step["password"]
                )
            }
        else:
            raise AssertionError(f"unknown step {do!r}")
        reply = await client.invoke(session, **command)
        if "save" in step and reply.hresult == 0:
            self.saved[step["save"]] = reply.user_id if do == "authenticate_user" else reply.handle
        return reply

    def user(self, who: str | int) -> int:
        return self.handle(who) if isinstance(who, str) else int(who)

    def check_reply(self, step: dict[str, Any], reply: mx.InvokeResponse) -> None:
        expect = step.get("expect")
        if expect is None:
            assert reply.hresult == 0, f"{step}: {reply}"
            assert [s.success for s in reply.statuses] == [1], f"{step}: {reply}"
            return
        assert reply.hresult == HRESULTS[expect["hresult"]], f"{step}: {reply}"
        (status,) = reply.statuses
        found = (status.success, status.category, status.detail)
        assert found == (0, expect["category"], expect["detail"]), f"{step}: {reply}"

    async def check_events(self, step: dict[str, Any]) -> None:
        """The events the step brings, in order; nothing else of its items."""
        wanted = step.get("events", [])
        if not wanted:
            return

        def enough(events: list[mx.MxEvent]) -> bool:
            return len(self.matching(events, wanted)) >= len(wanted)

        got = await Client.collect(self.stream, enough, timeout=10)
        self.events += got
        matched = self.matching(got, wanted)
        assert len(matched) == len(wanted), f"{step}: wanted {wanted}, got {got}"
        for event, want in zip(matched, wanted, strict=True):
            self.check_event(step, event, want)

    def matching(self, events: list[mx.MxEvent], wanted: list[dict[str, Any]]) -> list[Any]:
        items = {self.handle(w["item"]) for w in wanted}
        return [e for e in events if getattr(e, e.WhichOneof("event")).item_handle in items]

    def check_event(self, step: dict[str, Any], event: mx.MxEvent, want: dict[str, Any]) -> None:
        kind = event.WhichOneof("event")
        body = getattr(event, kind)
        assert kind == want["event"], f"{step}: {event}"
        assert body.item_handle == self.handle(want["item"]), f"{step}: {event}"
        if "quality" in want:
            assert body.quality == want["quality"], f"{step}: {event}"
        if "value" in want:
            assert from_mx_value(body.value) == want["value"], f"{step}: {event}"
        if "ok" in want:
            assert all(s.success for s in body.statuses) == want["ok"], f"{step}: {event}"
        if "samples" in want:
            assert len(body.samples) == want["samples"], f"{step}: {event}"


@pytest.fixture
def replay_sim(start_sim) -> EmbeddedGateway:
    keys = json.loads(SESSION_FILE.read_text())["keys"]
    return start_sim(
        api_keys=[
            ApiKey(f"replay-{name}-key-0123456789", frozenset(spec["scopes"]), name=name)
            for name, spec in keys.items()
        ]
    )


async def test_the_recorded_session_replays_against_the_simulator(
    replay_sim: EmbeddedGateway, connect
) -> None:
    recorded = json.loads(SESSION_FILE.read_text())
    clients = {
        name: connect(replay_sim, f"replay-{name}-key-0123456789") for name in recorded["keys"]
    }
    replay = Replay(replay_sim, clients)
    for step in recorded["steps"]:
        await replay.step(step)
    assert len(recorded["steps"]) >= 40 and len(replay.events) >= 15
