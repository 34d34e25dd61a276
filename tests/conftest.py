"""Shared fixtures: the simulated gateway on a real loopback socket, and shell helpers."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

# Before grpc is imported: tests fork (pexpect, subprocess) while the in-process simulated
# gateway's threads are busy, and gRPC's fork handlers would restart its poller in the
# child, which dies on EBADF before exec (grpc/grpc#43055).
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")
# The shell remembers installed plugins in its cache folder: a folder of this test run's
# own, never the user's (shells started by the tests inherit it).
if "MXSHELL_CACHE_DIR" not in os.environ:
    os.environ["MXSHELL_CACHE_DIR"] = tempfile.mkdtemp(prefix="mxshell-test-cache-")
    atexit.register(shutil.rmtree, os.environ["MXSHELL_CACHE_DIR"], True)

import pytest  # noqa: E402

from mxshell.sim import EmbeddedGateway, SimConfig  # noqa: E402

# Files the shell writes (history, config) go to a per-test folder, never the user's home.
FAST_TICK = 0.05


@pytest.fixture(scope="session")
def gateway() -> Iterator[EmbeddedGateway]:
    """One simulated gateway per test worker, for tests that leave it as they found it."""
    with EmbeddedGateway(SimConfig(update_interval_s=FAST_TICK)) as running:
        yield running


@pytest.fixture
def fresh_gateway() -> Iterator[EmbeddedGateway]:
    """A gateway of the test's own, for tests that restart it, deploy or inject faults."""
    with EmbeddedGateway(SimConfig(update_interval_s=FAST_TICK)) as running:
        yield running


@pytest.fixture
def shell_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point mxshell's config and data folders at tmp_path, and return tmp_path."""
    monkeypatch.setenv("MXSHELL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("MXSHELL_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def shell_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment for an mxshell subprocess whose files live under tmp_path."""
    env = dict(os.environ)
    env.update(
        MXSHELL_CONFIG_DIR=str(tmp_path / "config"),
        MXSHELL_DATA_DIR=str(tmp_path / "data"),
        PYTHONUNBUFFERED="1",
        TERM="xterm",
        **extra,
    )
    return env


async def eventually(check: Callable[[], bool], what: str = "", timeout: float = 10.0) -> None:
    """Wait (polling) until check() holds; fail naming `what` after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"not within {timeout:g}s: {what or check}")
        await asyncio.sleep(0.01)


def repl_completions(shell: object, text: str) -> list[str]:
    """What Tab offers for `text`, through the REPL's own completer."""
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from mxshell.shell.build import build_repl

    completer = build_repl(shell.runtime, history=False).hooks.completer  # type: ignore[attr-defined]
    assert completer is not None
    event = CompleteEvent(completion_requested=True)
    return [c.text for c in completer.get_completions(Document(text), event)]


@pytest.fixture
def open_umask() -> Iterator[None]:
    """umask 0 for the test: files the shell makes private must be 0600 all the same."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)
