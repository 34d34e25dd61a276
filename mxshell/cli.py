"""The `mxshell` console script (placeholder until the shell lands)."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    print("mxshell: the shell is not built yet; run mxshell-sim for the simulated gateway.")
    return 0
