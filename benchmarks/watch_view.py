"""The watch view at scale: the shell's CPU and keypress echo with `watch` open and closed.

The simulator runs in its own process with N attributes changing every --update-interval
(1,000 at 0.1 s: 10,000 changes/s). The shell runs in a pseudo-terminal, as a user's
would, with the N items advised. Closed: at the prompt (event lines off), the shell's CPU
over some seconds, then the delay between a key press and its echo. Open: the same with
`watch` showing the N items, the keys typed into its filter line. Goals: the view costs
under a quarter of one core (open CPU minus closed) and keypress p99 stays under 50 ms.

    python benchmarks/watch_view.py [--items 1000] [--seconds 10] [--keys 200] [--smoke]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import pexpect

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    KEY_VARIABLE,
    SimProcess,
    percentile,
    simulator_process,
    tag_references,
)

from mxshell.sim.model_file import demo_plant_path  # noqa: E402

LAUNCH = "import sys; from mxshell.app.launch import main; sys.exit(main())"
PROMPT = r"mxshell(?:\x1b\[[0-9;]*m| \([a-z ]+\))*>"
TICKS = os.sysconf("SC_CLK_TCK")
CURSOR = "▏"  # the watch view's filter line ends in it, and nothing else draws it


def every_tick_attributes() -> set[str]:
    """Attribute names of the demo templates whose value moves at every simulator tick."""
    names: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for name, spec in node.items():
                if (
                    isinstance(spec, dict)
                    and spec.get("gen") in ("random_walk", "clock")
                    and not {"every_s", "period_s", "delay_ms"} & spec.keys()
                ):
                    names.add(name)
                walk(spec)
        elif isinstance(node, list):
            for each in node:
                walk(each)

    walk(json.loads(demo_plant_path().read_text()))
    return names


def moving_tag_references(sim: SimProcess, count: int) -> list[str]:
    """The first `count` references of the generated Galaxy that change at every tick."""
    moving = every_tick_attributes()
    return tag_references(sim, count, lambda a: a.attribute_name in moving)


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def drain(child: pexpect.spawn, seconds: float) -> None:
    """Read what the shell draws for `seconds` (a terminal that stops reading stalls it)."""
    end = time.perf_counter() + seconds
    while (left := end - time.perf_counter()) > 0:
        with contextlib.suppress(pexpect.TIMEOUT):
            child.read_nonblocking(1 << 16, timeout=min(left, 0.05))


def cpu_per_second(child: pexpect.spawn, seconds: float) -> float:
    before, started = cpu_seconds(child.pid), time.perf_counter()
    drain(child, seconds)
    return (cpu_seconds(child.pid) - before) / (time.perf_counter() - started)


def echo_delays(child: pexpect.spawn, keys: int, at_prompt: bool) -> list[float]:
    """Milliseconds from each key press to its echo, keys typed about 20 a second."""
    delays = []
    for n in range(keys):
        if at_prompt:
            key, echo = "x", "x"
        else:  # "." keeps every row matching; backspace takes it away again
            key, echo = (".", "." + CURSOR) if n % 2 == 0 else ("\x7f", CURSOR)
        started = time.perf_counter()
        child.send(key)
        child.expect_exact(echo, timeout=10)
        delays.append((time.perf_counter() - started) * 1000)
        if at_prompt and n % 20 == 19:
            child.send("\x15")  # Ctrl-U: a fresh line now and then
        drain(child, 0.05)
    return delays


def spawn(sim: SimProcess, folder: Path) -> pexpect.spawn:
    env = dict(
        os.environ,
        **{KEY_VARIABLE: sim.api_key},
        MXSHELL_CONFIG_DIR=str(folder / "config"),
        MXSHELL_DATA_DIR=str(folder / "data"),
        PROMPT_TOOLKIT_NO_CPR="1",
        TERM="xterm",
    )
    args = ["-c", LAUNCH, "--endpoint", sim.endpoint, "--plaintext", "--no-history"]
    child = pexpect.spawn(
        sys.executable,
        [*args, "--api-key-env", KEY_VARIABLE],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 160),
    )
    child.searchwindowsize = 4096
    child.delaybeforesend = None  # pexpect sleeps 50 ms before each send unless told not to
    return child


def measure(sim: SimProcess, tags: list[str], seconds: float, keys: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        setup = folder / "setup.mxsh"
        setup.write_text(f"set pager off\nset events off\nsubscribe-bulk {' '.join(tags)}\n")
        child = spawn(sim, folder)
        try:
            child.expect(PROMPT)
            child.sendline(f"source {setup}")
            child.expect(PROMPT)
            drain(child, 1.0)  # the advise burst passes
            closed_cpu = cpu_per_second(child, seconds)
            closed_keys = echo_delays(child, keys, at_prompt=True)
            child.send("\x15")
            child.sendline("watch")
            child.expect_exact("rate/s")
            drain(child, 1.0)
            open_cpu = cpu_per_second(child, seconds)
            child.send("/")
            child.expect_exact(CURSOR)
            open_keys = echo_delays(child, keys, at_prompt=False)
            child.send("\x1b")
            drain(child, 0.2)
            child.send("q")
            child.expect(r"watched \d+ item\(s\) for ([\d.]+) s: (\d+) change")
            seconds_watched, changes = (float(g) for g in child.match.groups())
            child.expect(PROMPT)
            child.sendline("exit")
            child.expect(pexpect.EOF)
        finally:
            child.close(force=True)
    return {
        "closed_cpu": closed_cpu,
        "open_cpu": open_cpu,
        "closed_keys": closed_keys,
        "open_keys": open_keys,
        "rate": changes / seconds_watched,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--update-interval", default="0.1", help="simulator tick (s)")
    parser.add_argument("--smoke", action="store_true", help="tiny run, for the test suite")
    args = parser.parse_args()
    items, seconds, keys = (50, 1.0, 10) if args.smoke else (args.items, args.seconds, args.keys)
    with simulator_process(
        "--generate", str(max(items * 15, 1000)), "--update-interval", args.update_interval
    ) as sim:
        tags = moving_tag_references(sim, items)
        got = measure(sim, tags, seconds, keys)
    closed, opened = float(got["closed_cpu"]), float(got["open_cpu"])  # type: ignore[arg-type]
    closed_p99 = percentile(got["closed_keys"], 0.99)  # type: ignore[arg-type]
    open_p99 = percentile(got["open_keys"], 0.99)  # type: ignore[arg-type]
    print(
        f"watch view CPU ({len(tags)} items, {got['rate']:,.0f} changes/s watched): "
        f"closed {closed:.3f} cores, open {opened:.3f} cores, "
        f"view cost {opened - closed:.3f} cores, ratio {opened / max(closed, 1e-3):.2f} "
        f"(goal: view cost < 0.25 core)"
    )
    print(
        f"watch view keypress echo ({len(got['open_keys'])} keys): "  # type: ignore[arg-type]
        f"closed p99 {closed_p99:.1f} ms, open p99 {open_p99:.1f} ms, "
        f"ratio {open_p99 / max(closed_p99, 1e-3):.2f} (goal: open p99 < 50 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
