"""A fleet run: one 1,000-line command file across 8 simulated gateways at once, against
the slowest of the same file run on each gateway alone.

Each simulated gateway runs in its own process (the demo plant). The file is what a
commissioning check looks like, in blocks of ten lines: a ReadBulk of five tags, an
`expect` on a live value, a write of a setpoint, a short `sleep` (waiting for the plant),
and six lines of the shell's own (echo, let, assert). Each run is the console script in
a process of its own, timed whole (start-up included): first the file on each gateway
alone (`--connection g0`, one at a time), then all of them as one fleet run (eight
`--connection`s); the connections are a config file's, each with its key variable.
Goal: the fleet within 1.5x the slowest single run (the runs overlap; they do not queue).
Printed beside it: the CPU the fleet run took, the shell's and every simulator's (from
/proc, where there is one), over the machine's cores: a fleet cannot end sooner than that,
however well its runs overlap, so this is what the machine allows.

    python benchmarks/fleet.py [--gateways 8] [--lines 1000] [--rounds 2] [--smoke]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import SimProcess, report, simulator_process  # noqa: E402

LAUNCH = "import sys; from mxshell.app.cli import main; sys.exit(main())"
BLOCK = [
    "read-bulk Tank1.Level Tank1.Level.Hi Tank2.Level Pump1.Speed Pump1.Speed.SP",
    "expect Tank1.Level.Hi > 0 --timeout 5s",
    "write Pump1.Speed.SP 1200 --type double",
    "sleep 0.02",
    "echo block ${line}",
    "let hi = read Tank1.Level.Hi",
    "assert ${hi.value} > 0",
    "echo checked",
    "set line Line2",
    "assert ${line} == Line2",
]


def command_file(folder: Path, lines: int) -> Path:
    body = ["set line Line1"] + [BLOCK[n % len(BLOCK)] for n in range(lines - 1)]
    path = folder / "check.mxsh"
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    return path


@dataclass
class Run:
    wall: float  # s, start-up included
    cpu: float | None  # s of CPU it took: the shell's process and every simulator's


def all_sims_cpu(sims: list[SimProcess]) -> float | None:
    seconds = [sim.cpu_seconds() for sim in sims]
    return None if None in seconds else sum(s for s in seconds if s is not None)


def timed_run(path: Path, sims: list[SimProcess], every: list[SimProcess]) -> Run:
    """One console-script run of the file on the given gateways (a fleet run when more
    than one), named g0, g1, ... in a config file with a key variable each; its wall
    time, and the CPU it took of the shell and of all the simulators (`every`)."""
    env = dict(os.environ)
    config = path.parent / "config"
    config.mkdir(exist_ok=True)
    tables = []
    for n, sim in enumerate(sims):
        env[f"FLEET_KEY_{n}"] = sim.api_key
        tables.append(
            f'[connections.g{n}]\nendpoint = "{sim.endpoint}"\nplaintext = true\n'
            f'api_key_env = "FLEET_KEY_{n}"\n'
        )
    (config / "config.toml").write_text("\n".join(tables), encoding="utf-8")
    env["MXSHELL_CONFIG_DIR"] = str(config)
    command = [sys.executable, "-c", LAUNCH, "-f", str(path), "--no-validate", "--no-history"]
    command += [f"--connection=g{n}" for n in range(len(sims))]
    sims_before, shell_before = all_sims_cpu(every), children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    elapsed = time.perf_counter() - started
    sims_after, shell = all_sims_cpu(every), children_cpu() - shell_before
    if done.returncode != 0:
        raise RuntimeError(f"the run failed ({done.returncode}): {done.stderr[-2000:]}")
    if sims_before is None or sims_after is None:
        return Run(elapsed, None)
    return Run(elapsed, shell + sims_after - sims_before)


def children_cpu() -> float:
    """CPU of the finished child processes so far (the shell's runs)."""
    used = os.times()
    return used.children_user + used.children_system


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateways", type=int, default=8)
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--smoke", action="store_true", help="tiny run, for the test suite")
    args = parser.parse_args()
    gateways, lines, rounds = (2, 30, 1) if args.smoke else (args.gateways, args.lines, args.rounds)
    slowest: list[float] = []
    fleets: list[float] = []
    cores = os.cpu_count() or 1
    with ExitStack() as stack, tempfile.TemporaryDirectory() as folder:
        sims = [stack.enter_context(simulator_process()) for _ in range(gateways)]
        path = command_file(Path(folder), lines)
        for _ in range(rounds):
            singles = [timed_run(path, [sim], sims) for sim in sims]
            slowest.append(max(run.wall for run in singles))
            print(f"single runs, s: {', '.join(f'{run.wall:.2f}' for run in singles)}")
            fleet = timed_run(path, sims, sims)
            fleets.append(fleet.wall)
            print(f"fleet run of {gateways}, s: {fleet.wall:.2f}")
            if fleet.cpu is not None:
                # However well the runs overlap, the fleet cannot end before the machine
                # has done its CPU work: the shell's and every simulator's, on these cores.
                bound = fleet.cpu / cores
                print(
                    f"CPU the fleet run took (shell and simulators): {fleet.cpu:.2f} s, "
                    f"{bound:.2f} s of {cores} cores: at least {bound / slowest[-1]:.2f}x "
                    "the slowest single run on this machine"
                )
    report(
        f"fleet run of a {lines:,}-line file on {gateways} gateways vs the slowest single run "
        f"({rounds} rounds, medians)",
        statistics.median(slowest),
        statistics.median(fleets),
        "s",
        "<= 1.5",
        higher_is_better=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
