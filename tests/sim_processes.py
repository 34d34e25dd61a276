"""Simulated gateways in processes of their own (the standalone mxshell-sim), on ports
that outlive them: killed and started again, they come back where the shell looks."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Sequence

SIM = [sys.executable, "-m", "mxshell.sim.cli"]
KEY = "sim-process-key-0123456789"
KEY_VARIABLE = "SIM_KEY"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SimProcess:
    """mxshell-sim in its own process: `start`, `kill` (SIGKILL), `stop`."""

    def __init__(self, port: int | None = None, args: Sequence[str] = ()) -> None:
        self.port = port or free_port()
        self.chosen = port is None  # a port of its own: another may be chosen if taken
        self.args = list(args)
        self.process: subprocess.Popen[str] | None = None

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> SimProcess:
        for _ in range(3):
            with tempfile.TemporaryFile("w+") as errors:
                self.process = subprocess.Popen(
                    [*SIM, "--port", str(self.port), "--api-key-env", KEY_VARIABLE, *self.args],
                    stdout=subprocess.PIPE,
                    stderr=errors,
                    text=True,
                    env={**os.environ, KEY_VARIABLE: KEY},
                )
                assert self.process.stdout is not None
                banner = self.process.stdout.readline()
                if re.search(r"listening on \S+", banner):
                    self.chosen = False  # started again, it comes back where it was
                    return self
                self.process.wait(timeout=10)
                errors.seek(0)
                said = errors.read()
            # Another test's process took the port between free_port() and the bind: a
            # port this process chose itself may be chosen again (a restart's may not).
            if not (self.chosen and "Address already in use" in said):
                break
            self.port = free_port()
        raise AssertionError(f"mxshell-sim did not start: {banner!r} {said[-500:]}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
