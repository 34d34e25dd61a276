"""Inputs far too big or not text at all: refused in one line with bounded memory, never
an out-of-memory. The test's own data is written to disk in pieces, never held whole."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import pytest

from mxshell.contract import mx, mx_grpc
from mxshell.session.batches import READ_CALL_ENTRIES
from mxshell.sim import EmbeddedGateway, SimConfig
from mxshell.testing import RunResult, ShellRunner
from tests.conftest import shell_env
from tests.e2e.conftest import LAUNCH

from .conftest import rss_bytes

MIB = 1 << 20
# The shell with a 100 MB file read whole stays well below this; the character scan of a
# 100 MB line (before lines were capped) went past a gigabyte and several minutes.
MAX_CHILD_RSS = 600 * MIB


def run_measured(tmp_path: Path, *args: str) -> tuple[int, str, int, float]:
    """Run mxshell; (exit status, stderr, peak resident bytes, seconds)."""
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, *args],
        env=shell_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, errors, usage.ru_maxrss * 1024, time.monotonic() - started


def test_a_100_mb_command_file_line_is_refused_with_file_and_line(tmp_path: Path) -> None:
    script = tmp_path / "huge.mxsh"
    with script.open("w", encoding="utf-8") as out:
        out.write("echo before\necho ")
        chunk = "x" * MIB
        for _ in range(100):
            out.write(chunk)
        out.write("\necho after\n")
    status, errors, peak, elapsed = run_measured(tmp_path, "-f", str(script))
    print(f"\n100 MB line: exit {status} in {elapsed:.1f}s, peak RSS {peak / MIB:.0f} MiB")
    assert status == 2
    problem, *summary = errors.strip().splitlines()
    assert problem.startswith(f"{script}:2: ") and "characters long" in problem, errors[:500]
    assert len(summary) <= 1 and all(str(script) in line for line in summary), summary
    assert peak < MAX_CHILD_RSS


def test_a_binary_command_file_is_refused_in_one_line(tmp_path: Path) -> None:
    blob = tmp_path / "tags.bin"
    blob.write_bytes(bytes(range(256)) * 4096 + b"\xff\xfe\x00Tank1.Level\n")
    status, errors, peak, _ = run_measured(tmp_path, "-f", str(blob))
    assert status == 2
    problem, *summary = errors.strip().splitlines()
    assert str(blob) in problem and "utf-8" in problem, errors[:500]
    assert len(summary) <= 1 and all(str(blob) in line for line in summary), summary
    assert peak < MAX_CHILD_RSS


@pytest.fixture(scope="module")
def default_gateway() -> Iterator[EmbeddedGateway]:
    with EmbeddedGateway(SimConfig(update_interval_s=0.1)) as gateway:
        yield gateway


def test_a_million_entry_bulk_request_is_refused_whole_and_the_gateway_lives_on(
    default_gateway: EmbeddedGateway,
) -> None:
    metadata = (("authorization", f"Bearer {default_gateway.api_key}"),)
    with grpc.insecure_channel(
        default_gateway.endpoint, options=[("grpc.max_send_message_length", 64 * MIB)]
    ) as channel:
        stub = mx_grpc.MxAccessGatewayStub(channel)
        opened = stub.OpenSession(
            mx.OpenSessionRequest(client_session_name="big"), metadata=metadata
        )
        register = mx.InvokeRequest(
            session_id=opened.session_id, register=mx.RegisterCommand(client_name="big")
        )
        handle = stub.Invoke(register, metadata=metadata).handle
        tags = ["Tank1.Level"] * 1_000_000  # one string, a million references: ~8 MB
        request = mx.InvokeRequest(
            session_id=opened.session_id,
            add_item_bulk=mx.AddItemBulkCommand(server_handle=handle, tag_references=tags),
        )
        try:
            reply = stub.Invoke(request, metadata=metadata, timeout=60)
        except grpc.RpcError as error:
            # Larger than the gateway takes in one message: refused by gRPC, one line.
            assert error.code() is grpc.StatusCode.RESOURCE_EXHAUSTED, error
            assert "\n" not in (error.details() or "")
        else:
            assert reply.protocol_status.code == mx.PROTOCOL_STATUS_CODE_TOO_MANY_ENTRIES
            assert "1000000 entries" in reply.protocol_status.message
        # Nothing was added, and the session still works.
        add = mx.InvokeRequest(
            session_id=opened.session_id,
            add_item=mx.AddItemCommand(server_handle=handle, tag_reference="Tank1.Level"),
        )
        assert stub.Invoke(add, metadata=metadata).handle == 1


# Entry lists for the bulk commands (@FILE), at the command level ------------------------


@pytest.fixture
async def bulk_shell(default_gateway: EmbeddedGateway) -> AsyncIterator[ShellRunner]:
    async with ShellRunner.connected(default_gateway) as shell:
        yield shell


def refusal(result: RunResult, command: str) -> str:
    assert not result.ok
    assert len(result.err) == 1, result.err
    message = result.err[0]
    assert message.startswith(f"{command}: ") and "Traceback" not in message, message
    return message


@pytest.mark.parametrize("command", ["read-bulk", "write-bulk", "add-item-bulk"])
@pytest.mark.parametrize(
    "content",
    [
        bytes(range(256)) * 4096 + b"\xff\xfe\x00Tank1.Level\n",  # not UTF-8
        b"Tank1.Level\n" + b"\x00" * 65536 + b"\nTank2.Level\n",  # UTF-8, but NULs
    ],
    ids=["not-utf8", "nul-bytes"],
)
async def test_a_binary_entry_list_is_refused_in_one_line_and_nothing_is_sent(
    bulk_shell: ShellRunner, tmp_path: Path, command: str, content: bytes
) -> None:
    blob = tmp_path / "tags.bin"
    blob.write_bytes(content)
    message = refusal(await bulk_shell.run(f"{command} @{blob}"), command)
    assert message == f"{command}: cannot read @{blob}: it is not a text file " + (
        "(an entry list is UTF-8 text, one a line)"
    )
    assert (await bulk_shell.run("items")).result.rows == []  # nothing was added


async def test_a_binary_csv_of_writes_is_refused_in_one_line(
    bulk_shell: ShellRunner, tmp_path: Path
) -> None:
    blob = tmp_path / "setpoints.csv"
    blob.write_bytes(b"tag,value\nPump1.Speed.SP,1\n" + bytes(range(128, 256)) * 100)
    message = refusal(await bulk_shell.run(f"write-bulk @{blob}"), "write-bulk")
    assert "is not a text file" in message


async def test_a_million_entry_list_is_refused_after_reading_a_bounded_part_of_it(
    bulk_shell: ShellRunner, tmp_path: Path
) -> None:
    listed = tmp_path / "million.txt"
    with listed.open("w", encoding="utf-8") as out:
        for n in range(1000):
            out.write("".join(f"Tank{n % 4 + 1}.Level\n" for _ in range(1000)))
    before = rss_bytes()
    started = time.monotonic()
    message = refusal(await bulk_shell.run(f"read-bulk @{listed}"), "read-bulk")
    elapsed = time.monotonic() - started
    grown = rss_bytes() - before
    print(f"\n1,000,000-entry @FILE: refused in {elapsed:.2f}s, RSS +{grown / MIB:.0f} MiB")
    assert message == (
        f"read-bulk: @{listed} lists more than 100,000 entries; "
        "split it into files of at most 100,000 and run a command for each"
    )
    assert grown < 200 * MIB  # only the first 100,000 entries were ever held
    assert elapsed < 30
    # A list at the limit goes through, in calls no larger than a read's own limit (the
    # gateway's, 10,000, is larger).
    at_limit = tmp_path / "limit.txt"
    with at_limit.open("w", encoding="utf-8") as out:
        for _ in range(100):
            out.write("Tank1.Level\n" * 1000)
    result = await bulk_shell.run(f"read-bulk @{at_limit} --timeout-ms 5000")
    assert result.ok, result.errors[:500]
    assert result.result.failed == 0
    assert result.result.calls == 100_000 // READ_CALL_ENTRIES


async def test_an_endless_line_in_an_entry_list_is_refused_with_its_line_number(
    bulk_shell: ShellRunner, tmp_path: Path
) -> None:
    listed = tmp_path / "one-line.txt"
    with listed.open("w", encoding="utf-8") as out:
        out.write("Tank1.Level\n")
        for _ in range(20):
            out.write("x" * MIB)
    message = refusal(await bulk_shell.run(f"read-bulk @{listed}"), "read-bulk")
    assert message.startswith(f"read-bulk: {listed}:2: the line is longer than 1,048,576")
