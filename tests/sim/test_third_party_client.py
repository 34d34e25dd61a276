"""A gRPC client that is not the project's: `buf curl` (the dev extras' buf-bin) finds the
simulator's services through server reflection, v1 and v1alpha, with no descriptors of
ours, and drives part of a session with them: open, register, add and write an array
element, read the array back, close."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sysconfig
from collections.abc import Iterator
from typing import Any

import pytest

from mxshell.sim import EmbeddedGateway, SimConfig

MX = "mxgateway.v1.MxAccessGateway"
NOZZLES = "Filler2.NozzleEnabled"  # Boolean[] (Tune), [true, true, true, false]


def buf_cli() -> str:
    scripts = sysconfig.get_path("scripts")
    buf = shutil.which("buf", path=os.pathsep.join([scripts, os.environ.get("PATH", "")]))
    assert buf, "the buf CLI comes with the dev extras (buf-bin); install .[dev]"
    return buf


@pytest.fixture(scope="module")
def gateway() -> Iterator[EmbeddedGateway]:
    with EmbeddedGateway(SimConfig(update_interval_s=0.05)) as sim:
        yield sim


def curl(*args: str, reflect: str = "grpc-v1") -> subprocess.CompletedProcess[str]:
    command = [
        buf_cli(),
        "curl",
        "--protocol",
        "grpc",
        "--http2-prior-knowledge",
        "--reflect-protocol",
        reflect,  # no fallback: this version of reflection must answer
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def call(gateway: EmbeddedGateway, method: str, body: dict[str, Any]) -> dict[str, Any]:
    run = curl(
        "-H",
        f"authorization: Bearer {gateway.api_key}",
        "-d",
        json.dumps(body),
        f"http://{gateway.endpoint}/{MX}/{method}",
    )
    assert run.returncode == 0, run.stderr
    reply: dict[str, Any] = json.loads(run.stdout)
    return reply


@pytest.mark.parametrize("reflect", ["grpc-v1", "grpc-v1alpha"])
def test_buf_curl_lists_the_services_through_either_reflection(
    gateway: EmbeddedGateway, reflect: str
) -> None:
    run = curl("--list-methods", f"http://{gateway.endpoint}", reflect=reflect)
    assert run.returncode == 0, run.stderr
    methods = run.stdout.split()
    assert (
        f"{MX}/Invoke" in methods and "mxgateway.v1.GalaxyRepository/DiscoverHierarchy" in methods
    )
    assert "grpc.reflection.v1.ServerReflection/ServerReflectionInfo" in methods


def test_buf_curl_drives_a_session_with_an_array_element(gateway: EmbeddedGateway) -> None:
    opened = call(gateway, "OpenSession", {"clientSessionName": "buf"})
    session = opened["sessionId"]
    assert "bulk-read-commands" in opened["capabilities"]

    def invoke(**command: Any) -> dict[str, Any]:
        return call(gateway, "Invoke", {"sessionId": session, **command})

    server = invoke(register={"clientName": "buf"})["handle"]
    element = invoke(addItem={"serverHandle": server, "tagReference": "Filler2.NozzleEnabled[2]"})
    written = invoke(
        write={
            "serverHandle": server,
            "itemHandle": element["handle"],
            "value": {"boolValue": False},
        }
    )
    assert written.get("hresult", 0) == 0 and written["statuses"][0]["success"] == 1
    read = invoke(readBulk={"serverHandle": server, "entries": [{"tagReference": f"{NOZZLES}[]"}]})
    (entry,) = read["bulkReadResults"]["results"]
    assert entry["wasSuccessful"] and entry["value"]["boolArray"]["values"] == [
        True,
        False,
        True,
        False,
    ]
    bare = invoke(addItem={"serverHandle": server, "tagReference": "Filler2.NozzleEnabled"})
    assert bare["statuses"][0]["category"] == 3 and bare["statuses"][0]["detail"] == 1003
    assert call(gateway, "CloseSession", {"sessionId": session}) == {}


def test_buf_curl_replays_the_recorded_sessions_opening_calls() -> None:
    """The recorded session's calls up to its first advise (open, register, add items
    with their failures), made by buf curl through reflection, answer as recorded."""
    from mxshell.sim import ApiKey

    from .test_replay import HRESULTS, SESSION_FILE

    recorded = json.loads(SESSION_FILE.read_text())
    keys = {name: f"replay-{name}-key-0123456789" for name in recorded["keys"]}
    api_keys = [
        ApiKey(keys[name], frozenset(spec["scopes"]), name=name)
        for name, spec in recorded["keys"].items()
    ]
    with EmbeddedGateway(SimConfig(api_keys=api_keys)) as sim:
        saved: dict[str, Any] = {}
        steps = recorded["steps"]
        opening = steps[: next(i for i, s in enumerate(steps) if s["do"] == "advise")]
        assert [s["do"] for s in opening][:3] == ["open_session", "register", "register"]
        for step in opening:
            key = keys[step.get("key", "owner")]
            if step["do"] == "open_session":
                run = _curl_json(sim, key, "OpenSession", {"clientSessionName": "buf"})
                saved[step["save"]] = run["sessionId"]
                continue
            command = {
                "register": lambda s: {"register": {"clientName": s["name"]}},
                "add_item": lambda s: {
                    "addItem": {"serverHandle": saved["server"], "tagReference": s["tag"]}
                },
            }[step["do"]](step)
            expect = step.get("expect", {})
            run = _curl(sim, key, "Invoke", {"sessionId": saved["session"], **command})
            if "grpc" in expect:
                assert run.returncode != 0 and expect["grpc"].lower() in run.stderr.lower()
                continue
            assert run.returncode == 0, run.stderr
            reply = json.loads(run.stdout)
            if "hresult" in expect:
                hresult = HRESULTS[expect["hresult"]]
                status = reply["statuses"][0]
                assert reply["hresult"] == hresult, step
                assert (status["category"], status["detail"]) == (
                    expect["category"],
                    expect["detail"],
                ), step
            else:
                assert reply.get("hresult", 0) == 0 and reply["statuses"][0]["success"] == 1
                if "save" in step:
                    saved[step["save"]] = reply["handle"]
        assert {"session", "server", "level"} <= set(saved)


def _curl(sim: EmbeddedGateway, key: str, method: str, body: dict[str, Any]) -> Any:
    return curl(
        "-H",
        f"authorization: Bearer {key}",
        "-d",
        json.dumps(body),
        f"http://{sim.endpoint}/{MX}/{method}",
    )


def _curl_json(sim: EmbeddedGateway, key: str, method: str, body: dict[str, Any]) -> Any:
    run = _curl(sim, key, method, body)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)
