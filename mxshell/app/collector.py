"""The garbage collector's settings for a running shell.

The console script pauses the collector for start-up (mxshell.app.launch); once the shell is
ready for its first command (connected, and at a terminal the REPL built), settle()
switches it back on, tuned for what a shell's life looks like: a large, long-lived
start-up heap, then commands that build results of thousands of rows.
"""

from __future__ import annotations

import gc

# Young objects allowed to pile up before the collector looks at them. At CPython's 700 a
# read of 10,000 tags pays for about 30 young and 3 middle collections, and a row of
# values holds no reference cycle for any of them to free; at 10,000 it pays for one or
# two, about a millisecond less per such command. The young generation's objects are
# only the ones made since the last collection, so its size stays small either way.
YOUNG_THRESHOLD = 10_000


def settle() -> None:
    """Start-up is over: move what it built (modules, classes, commands, descriptors,
    which live as long as the shell) out of the collector's sight, or the first
    collection scans all of it (about 35 ms before the first prompt), raise the young
    generation's threshold, and switch the collector on. For the shell's own process:
    the threshold stays raised for as long as it runs."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    gc.enable()
