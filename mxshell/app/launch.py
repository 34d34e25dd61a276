"""The `mxshell` console script: start the shell with the garbage collector paused.

Start-up imports and builds tens of thousands of long-lived objects (modules, protobuf
descriptors, commands) and the collector's passes over them free nothing: pausing it
before the first import is a few percent of the time to the first prompt.
mxshell.app.modes switches it back on as soon as the connection is up (and at a terminal,
the REPL built). At a terminal with no -c/-f the prompt is drawn first
(mxshell.app.prompt_first), before anything else is imported.
"""

from __future__ import annotations

import gc


def main() -> int:
    collecting = gc.isenabled()
    gc.disable()
    try:
        import sys

        from mxshell.app.prompt_first import main as prompt_first
        from mxshell.app.prompt_first import wanted

        if wanted(sys.argv[1:]):  # a person at a terminal: the prompt before the rest
            return prompt_first(sys.argv[1:])
        from mxshell.app.cli import main as run

        return run()
    finally:
        if collecting:
            gc.enable()
