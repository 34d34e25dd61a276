"""The `mxshell-sim` console script (being built)."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    return 0
