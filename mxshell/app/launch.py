"""The `mxshell` console script: start the shell with the garbage collector paused.

Start-up imports and builds tens of thousands of long-lived objects (modules, protobuf
descriptors, commands) and the collector's passes over them free nothing: pausing it
before the first import is a few percent of the time to the first prompt.
mxshell.app.modes.run switches it back on as soon as the connection is up.
"""

from __future__ import annotations

import gc


def main() -> int:
    collecting = gc.isenabled()
    gc.disable()
    try:
        from mxshell.app.cli import main as run

        return run()
    finally:
        if collecting:
            gc.enable()
