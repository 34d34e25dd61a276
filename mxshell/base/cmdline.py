"""What every command line of mxshell shares: argparse that never guesses an abbreviated
option nor echoes an unknown option's value, and bounded reads of the PEM files that
options name. Standard library only, so that every layer (the simulator included) may
import it."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# A CA bundle or a certificate chain is a few hundred KiB at most; reading more (a device,
# a wrong file) only feeds gRPC's PEM parser something that fills the screen.
MAX_PEM_BYTES = 1024 * 1024


def unknown_option(extras: Sequence[str]) -> str | None:
    """The first unknown option among words no argument took, without its value (the
    value of a mistyped `--api_key=KEY` is the key); None when none is an option."""
    options = [word.partition("=")[0] for word in extras if word.startswith("-")]
    return options[0] if options else None


class StrictArgumentParser(argparse.ArgumentParser):
    """argparse that takes no abbreviated options and never echoes an unknown option's value.

    Prefix matching would read `--api-ke KEY` as some other option and print KEY in its
    error; an unknown `--option=VALUE` would print VALUE. A key must reach no output.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_abbrev=False, **kwargs)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        namespace, extras = super().parse_known_args(args, namespace)
        option = unknown_option(extras)
        if option is not None:
            self.error(f"unknown option {option}")
        return namespace, extras


def read_pem(path: str | Path, what: str, block: str = "") -> bytes:
    """The PEM file an option names, read at most 1 MiB; ValueError in one line for a file
    that cannot be read, is larger, or holds no `-----BEGIN {block}` block."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_PEM_BYTES + 1)
    except OSError as error:
        raise ValueError(f"cannot read {what} {path}: {error.strerror}") from None
    if len(data) > MAX_PEM_BYTES:
        raise ValueError(f"{what} {path} is larger than 1 MiB; expected PEM")
    if f"-----BEGIN {block}".encode() not in data:
        kind = f"BEGIN {block.rstrip('-')}" if block else "BEGIN"
        raise ValueError(f"{what} {path} is not PEM: it holds no {kind} block")
    return data
