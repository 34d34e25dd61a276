"""Running mxshell as a user does: a real process in a real pseudo-terminal (pexpect)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from tests.conftest import shell_env

# Start the console script's main() with this interpreter, whatever is on PATH.
LAUNCH = "import sys; from mxshell.app.launch import main; sys.exit(main())"
# The prompt, with an optional state "(reconnecting)" and the colour codes around it; the
# space after ">" is drawn as a cursor move, so it is not part of the pattern.
PROMPT = r"mxshell(?:\x1b\[[0-9;]*m| \([a-z ]+\))*>"


def spawn_shell(
    tmp_path: Path, *args: str, dimensions: tuple[int, int] = (40, 160), **env: str
) -> pexpect.spawn:
    """The console script in a pseudo-terminal of `dimensions` (rows, columns)."""
    # No cursor position requests unless a test answers them (PROMPT_TOOLKIT_NO_CPR="0").
    environment = shell_env(tmp_path, **{"PROMPT_TOOLKIT_NO_CPR": "1", **env})
    child = pexpect.spawn(
        sys.executable,
        ["-c", LAUNCH, *args],
        env=environment,
        encoding="utf-8",
        timeout=20,
        dimensions=dimensions,
    )
    child.logfile_read = open(tmp_path / "terminal.log", "a")  # noqa: SIM115 - closed below
    return child


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[list[pexpect.spawn]]:
    """Children spawned by a test, killed and logged at its end whatever happened."""
    children: list[pexpect.spawn] = []
    yield children
    for child in children:
        if child.isalive():
            child.terminate(force=True)
        if child.logfile_read:
            child.logfile_read.close()
