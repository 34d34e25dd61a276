"""Shared parts of the benchmarks: a simulated gateway in its own process, figures, ratios.

The floor for every figure is the raw generated gRPC stub doing the same work against
the same simulator in the same run; a figure is reported as its ratio to that floor.
"""

from __future__ import annotations

import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc

from mxshell.contract import galaxy as gr
from mxshell.contract import galaxy_grpc, mx, mx_grpc

KEY_VARIABLE = "MXSHELL_BENCH_KEY"


@dataclass
class SimProcess:
    endpoint: str
    api_key: str
    pid: int = 0

    def cpu_seconds(self) -> float | None:
        """The simulator process's CPU so far (user + system), where /proc tells it."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    @property
    def metadata(self) -> list[tuple[str, str]]:
        return [("authorization", f"Bearer {self.api_key}")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def simulator_process(*extra: str) -> Iterator[SimProcess]:
    """mxshell-sim in a process of its own, so it does not share the GIL with the client."""
    port, key = free_port(), secrets.token_hex(16)
    env = dict(os.environ, **{KEY_VARIABLE: key, "GRPC_VERBOSITY": "ERROR"})
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mxshell.sim.cli",
            "--port",
            str(port),
            "--api-key-env",
            KEY_VARIABLE,
            *extra,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if "listening" in line:
                break
        else:
            raise RuntimeError("the simulator did not start")
        yield SimProcess(f"127.0.0.1:{port}", key, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


def tag_references(
    sim: SimProcess, count: int, accept: Callable[[Any], bool] = lambda attribute: True
) -> list[str]:
    """The first `count` attribute references of the simulator's Galaxy (raw stub), of
    the attributes `accept` takes (not arrays nor `_` ones in any case)."""
    with grpc.insecure_channel(sim.endpoint) as channel:
        stub = galaxy_grpc.GalaxyRepositoryStub(channel)
        found: list[str] = []
        token = ""
        while len(found) < count:
            page = stub.DiscoverHierarchy(
                gr.DiscoverHierarchyRequest(page_size=500, page_token=token),
                metadata=sim.metadata,
            )
            for obj in page.objects:
                found += [
                    a.full_tag_reference
                    for a in obj.attributes
                    if not a.attribute_name.startswith("_") and not a.is_array and accept(a)
                ]
            token = page.next_page_token
            if not token:
                break
        return found[:count]


def raw_stub(sim: SimProcess) -> tuple[grpc.Channel, mx_grpc.MxAccessGatewayStub]:
    channel = grpc.insecure_channel(sim.endpoint)
    return channel, mx_grpc.MxAccessGatewayStub(channel)


def raw_invoke(
    stub: mx_grpc.MxAccessGatewayStub, sim: SimProcess, session_id: str, **command: object
) -> mx.InvokeResponse:
    return stub.Invoke(mx.InvokeRequest(session_id=session_id, **command), metadata=sim.metadata)


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(values: Sequence[float]) -> str:
    return (
        f"p50 {percentile(values, 0.5):.2f}  p90 {percentile(values, 0.9):.2f}  "
        f"p99 {percentile(values, 0.99):.2f}  max {max(values):.2f}"
    )


def report(
    name: str, floor: float, measured: float, unit: str, goal: str, higher_is_better: bool
) -> float:
    """Print one figure beside its floor; return the ratio (>1 means slower than the floor)."""
    ratio = floor / measured if higher_is_better else measured / floor
    print(
        f"{name}: floor {floor:,.1f} {unit}, mxshell {measured:,.1f} {unit}, "
        f"ratio {ratio:.2f} (goal {goal})"
    )
    return ratio


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


class Timings:
    """ms per call and client CPU ms per call (this process, every thread), for one side
    of a benchmark whose sides take turns."""

    def __init__(self) -> None:
        self.ms: list[float] = []
        self.cpu: list[float] = []

    async def time_async(self, call: Callable[[], Awaitable[Any]]) -> Any:
        cpu, started = time.process_time(), time.perf_counter()
        result = await call()
        self.ms.append((time.perf_counter() - started) * 1000)
        self.cpu.append((time.process_time() - cpu) * 1000)
        return result
