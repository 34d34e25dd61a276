"""Peak memory of discovering the whole Galaxy: 100k attributes against 1M.

The shell must stream the hierarchy a page at a time, so its peak RSS should hardly grow
with the Galaxy (goal: growth < 10% from 100k to 1M attributes). The simulator runs in
its own process; each measurement is a fresh child process whose peak RSS is read from
the kernel after it exits. mxshell's figure is `galaxy-discover` (plugins/galaxy.py) run
with -c when that command is installed, else the client library's streaming path
(GalaxyRepositoryClient.iter_hierarchy). The floor is the raw stub paging through
DiscoverHierarchy, keeping nothing.

    python benchmarks/discover_rss.py [--sizes 100000 1000000] [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from pathlib import Path

import grpc

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import KEY_VARIABLE, SimProcess, simulator_process  # noqa: E402

from mxshell.contract import galaxy as gr  # noqa: E402
from mxshell.contract import galaxy_grpc  # noqa: E402

PAGE_SIZE = 500
LAUNCH = "import sys; from mxshell.app.launch import main; sys.exit(main())"  # the console script
# Runs a command; prints its exit status and peak RSS in KiB (the kernel's figure for the
# finished child), then the last line the command printed (proof that it did the work).
MEASURE = (
    "import resource, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, text=True)\n"
    "last = ''\n"
    "for last in child.stdout:\n"
    "    pass\n"
    "print(child.wait(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "print(last.strip())\n"
)


def peak_rss_kib(command: list[str], sim: SimProcess) -> tuple[int, str]:
    """The command's peak RSS in KiB, and the last line it printed."""
    env = dict(os.environ, **{KEY_VARIABLE: sim.api_key, "GRPC_VERBOSITY": "ERROR"})
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    figures, _, last = run.stdout.partition("\n")
    status, kib = figures.split()
    if status != "0" or not last.strip():
        raise RuntimeError(f"{command} failed (status {status}, printed {last!r}): {run.stderr}")
    return int(kib), last.strip()


def galaxy_discover_installed() -> bool:
    from mxshell.app.plugin_host import load_plugins

    host = load_plugins(lambda text: None)
    return host.new_context().registry.get("galaxy-discover") is not None


def shell_command(sim: SimProcess, use_command: bool) -> list[str]:
    if use_command:
        return [
            sys.executable,
            "-c",
            LAUNCH,
            "--endpoint",
            sim.endpoint,
            "--plaintext",
            "--api-key-env",
            KEY_VARIABLE,
            "-c",
            f"galaxy-discover --page-size {PAGE_SIZE}",
        ]
    return [sys.executable, __file__, "--child", "client", sim.endpoint]


# the children --------------------------------------------------------------------------


def child_raw(endpoint: str) -> int:
    """Page through the hierarchy with the raw stub, counting attributes."""
    metadata = [("authorization", f"Bearer {os.environ[KEY_VARIABLE]}")]
    attributes, token = 0, ""
    with grpc.insecure_channel(endpoint) as channel:
        stub = galaxy_grpc.GalaxyRepositoryStub(channel)
        while True:
            page = stub.DiscoverHierarchy(
                gr.DiscoverHierarchyRequest(page_size=PAGE_SIZE, page_token=token),
                metadata=metadata,
            )
            attributes += sum(len(obj.attributes) for obj in page.objects)
            token = page.next_page_token
            if not token:
                return attributes


async def child_client(endpoint: str) -> int:
    """The client library's streaming discover path, counting attributes."""
    from mxshell.gateway import ChannelOptions, GalaxyRepositoryClient

    options = ChannelOptions(endpoint, api_key=os.environ[KEY_VARIABLE], plaintext=True)
    attributes = 0
    async with await GalaxyRepositoryClient.connect(options) as galaxy:
        async for obj in galaxy.iter_hierarchy(page_size=PAGE_SIZE):
            attributes += len(obj.attributes)
    return attributes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[100_000, 1_000_000])
    parser.add_argument("--smoke", action="store_true", help="tiny run, for the test suite")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "ENDPOINT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, endpoint = args.child
        count = child_raw(endpoint) if kind == "raw" else asyncio.run(child_client(endpoint))
        print(count)
        return 0
    sizes = [2_000, 20_000] if args.smoke else args.sizes
    use_command = galaxy_discover_installed()
    path = "galaxy-discover" if use_command else "client iter_hierarchy (no galaxy-discover yet)"
    figures = []
    for size in sizes:
        with simulator_process("--generate", str(size)) as sim:
            floor, counted = peak_rss_kib(
                [sys.executable, __file__, "--child", "raw", sim.endpoint], sim
            )
            shell, said = peak_rss_kib(shell_command(sim, use_command), sim)
        figures.append((size, floor, shell))
        print(f"  floor paged {int(counted):,} attributes; mxshell said: {said}")
        print(
            f"discover {size:,} attributes: peak RSS floor {floor / 1024:.1f} MiB, "
            f"mxshell ({path}) {shell / 1024:.1f} MiB, ratio {shell / floor:.2f}"
        )
    (small, small_floor, small_shell), (large, large_floor, large_shell) = figures
    growth, floor_growth = large_shell / small_shell - 1, large_floor / small_floor - 1
    print(
        f"peak RSS growth {small:,} -> {large:,} attributes: floor {floor_growth:+.1%}, "
        f"mxshell {growth:+.1%} (goal < 10%)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
