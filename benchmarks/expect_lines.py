"""Expect lines: a command file of N `expect` lines on N distinct tags, against the raw stub.

Each `expect TAG --quality any` adds the tag, advises it, waits for its first
OnDataChange, then unadvises and removes it: the floor makes exactly those calls with
the raw stub (AddItem, Advise, the first OnDataChange off StreamEvents, UnAdvise,
RemoveItem), one tag after another, against the same simulator in its own process.
Goal: ratio <= 1.3.

    python benchmarks/expect_lines.py [--tags 1000] [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import queue
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    SimProcess,
    Stopwatch,
    raw_invoke,
    raw_stub,
    report,
    simulator_process,
    tag_references,
)

from mxshell.app.connection import Target  # noqa: E402
from mxshell.app.runtime import ShellRuntime  # noqa: E402
from mxshell.contract import mx  # noqa: E402


def floor(sim: SimProcess, tags: list[str]) -> float:
    """Seconds the raw stub takes for the calls the expect lines make."""
    channel, stub = raw_stub(sim)
    opened = stub.OpenSession(
        mx.OpenSessionRequest(client_session_name="floor"), metadata=sim.metadata
    )
    session = opened.session_id
    server = raw_invoke(stub, sim, session, register=mx.RegisterCommand(client_name="bench")).handle
    changes: queue.Queue[int] = queue.Queue()
    stream = stub.StreamEvents(mx.StreamEventsRequest(session_id=session), metadata=sim.metadata)

    def pump() -> None:
        try:
            for response in stream:
                for event in response.events:
                    if event.WhichOneof("event") == "on_data_change":
                        changes.put(event.on_data_change.item_handle)
        except Exception:  # noqa: BLE001 - the stream is cancelled at the end
            return

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    watch = Stopwatch()
    for tag in tags:
        item = raw_invoke(
            stub, sim, session, add_item=mx.AddItemCommand(server_handle=server, tag_reference=tag)
        ).handle
        raw_invoke(
            stub, sim, session, advise=mx.AdviseCommand(server_handle=server, item_handle=item)
        )
        while changes.get(timeout=10) != item:
            pass
        raw_invoke(
            stub, sim, session, un_advise=mx.UnAdviseCommand(server_handle=server, item_handle=item)
        )
        raw_invoke(
            stub,
            sim,
            session,
            remove_item=mx.RemoveItemCommand(server_handle=server, item_handle=item),
        )
    elapsed = watch.elapsed
    stream.cancel()
    stub.CloseSession(mx.CloseSessionRequest(session_id=session), metadata=sim.metadata)
    channel.close()
    return elapsed


async def shell(sim: SimProcess, tags: list[str]) -> float:
    """Seconds the command-file runner takes for the expect lines (connected already)."""
    runtime = ShellRuntime(out=lambda text: None, err=lambda text: None)
    target = Target(endpoint=sim.endpoint, plaintext=True, api_key=sim.api_key)
    if not await runtime.start(target):
        raise SystemExit("could not connect")
    try:
        text = "\n".join(f"expect {tag} --quality any" for tag in tags)
        script = await runtime.scripts.load_text(text, "expect.mxsh")
        watch = Stopwatch()
        run = await runtime.scripts.run(script)
        elapsed = watch.elapsed
        if run.failed or run.ran != len(tags):
            raise SystemExit(f"{run.failed} of {run.ran} expect lines failed")
        return elapsed
    finally:
        await runtime.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", type=int, default=1000)
    parser.add_argument("--smoke", action="store_true", help="a few tags, for the test suite")
    args = parser.parse_args()
    count = 20 if args.smoke else args.tags
    with simulator_process("--generate", str(max(count * 4, 2000))) as sim:
        tags = tag_references(sim, count)
        raw = floor(sim, tags)
        measured = asyncio.run(shell(sim, tags))
    report(f"expect lines ({len(tags)} tags)", raw, measured, "s", "<= 1.3", False)
    print(f"expect lines: {len(tags) / measured:,.0f} expect/s through the runner")
    return 0


if __name__ == "__main__":
    sys.exit(main())
