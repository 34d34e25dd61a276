"""The bench family: bench-read-bulk, bench-write-bulk and bench-stream-events.

Each measures the gateway through the shell's own session (what a user's commands pay),
keeps failed calls apart from successful ones, and returns a result that renders as a
report with histograms at the prompt and as one JSON object under --json. Ctrl-C stops
a bench and returns what was measured so far.

    calls.py    bench-read-bulk, bench-write-bulk
    events.py   bench-stream-events
    tags.py     the tags to measure
    stats.py    percentiles, histograms and the results' shapes
"""

from __future__ import annotations

from mxshell_plugins.bench import calls, events

from mxshell.api import RegisterCommands, hookimpl


@hookimpl
def register_commands(register: RegisterCommands) -> None:
    register(list(calls.bench))
    register(list(events.bench))


# The plugin API this family is written for (`plugins` shows it).
MXSHELL_API = (1, 1)
