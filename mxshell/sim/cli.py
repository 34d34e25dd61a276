"""The `mxshell-sim` console script: run a simulated gateway until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from mxshell.base.cmdline import StrictArgumentParser, read_pem
from mxshell.sim.auth import ApiKey
from mxshell.sim.config import SimConfig
from mxshell.sim.keys_file import KeysFileError, load_keys_file, warn_if_readable_by_others
from mxshell.sim.model_file import ModelError
from mxshell.sim.server import SimulatedGateway


class UsageError(Exception):
    """A bad command line or input file; reported in one line, exit status 2."""


def _parser() -> argparse.ArgumentParser:
    parser = StrictArgumentParser(
        prog="mxshell-sim",
        description="Run a simulated MXAccess gateway (MxAccessGateway and GalaxyRepository "
        "over gRPC, with reflection and health).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=50051, help="port (0: any free port)")
    keys = parser.add_mutually_exclusive_group()
    keys.add_argument(
        "--api-key-env",
        metavar="VAR",
        help="accept the key held in this environment variable (all scopes)",
    )
    keys.add_argument(
        "--keys-file",
        type=Path,
        metavar="FILE",
        help="JSON or TOML list of {key, scopes, tag_globs, name}",
    )
    galaxy = parser.add_mutually_exclusive_group()
    galaxy.add_argument("--model", type=Path, metavar="FILE", help="Galaxy model JSON file")
    galaxy.add_argument(
        "--generate", type=int, metavar="N", help="generate a Galaxy of about N attributes"
    )
    parser.add_argument("--tls-cert", type=Path, metavar="PEM", help="certificate chain")
    parser.add_argument("--tls-key", type=Path, metavar="PEM", help="private key")
    parser.add_argument(
        "--update-interval",
        type=float,
        default=0.5,
        metavar="SECONDS",
        help="how often moving values change (default 0.5)",
    )
    return parser


def build_config(args: argparse.Namespace) -> tuple[SimConfig, str | None]:
    """The config, and a generated key to show the operator (None when keys were given)."""
    announced = None
    if args.api_key_env:
        secret = os.environ.get(args.api_key_env, "")
        if not secret:
            raise UsageError(f"environment variable {args.api_key_env} is not set or empty")
        keys = [ApiKey.all_scopes(secret, name=args.api_key_env)]
    elif args.keys_file:
        warn_if_readable_by_others(args.keys_file, "keys file")
        keys = load_keys_file(args.keys_file)
    else:
        keys = [ApiKey.generated()]
        announced = keys[0].key
    if (args.tls_cert is None) != (args.tls_key is None):
        raise UsageError("--tls-cert and --tls-key go together")
    if args.tls_key is not None:
        warn_if_readable_by_others(args.tls_key, "TLS private key")
    cert = read_pem(args.tls_cert, "TLS certificate") if args.tls_cert else None
    key = read_pem(args.tls_key, "TLS private key") if args.tls_key else None
    if args.update_interval <= 0:
        raise UsageError("--update-interval must be positive")
    config = SimConfig(
        host=args.host,
        port=args.port,
        api_keys=keys,
        galaxy_model=args.model,
        generate_attributes=args.generate,
        update_interval_s=args.update_interval,
        tls_cert_chain=cert,
        tls_private_key=key,
    )
    return config, announced


def _install_stop_handlers(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: no loop signal handlers
            signal.signal(signum, lambda *_: loop.call_soon_threadsafe(stop.set))


async def serve(config: SimConfig, announced_key: str | None) -> None:
    gateway = SimulatedGateway(config)
    await gateway.start()
    galaxy = gateway.galaxy
    scheme = "TLS" if config.uses_tls else "plaintext"
    print(
        f"mxshell-sim listening on {gateway.endpoint} ({scheme}); Galaxy {galaxy.name}: "
        f"{len(galaxy.objects)} objects, {galaxy.attribute_count} attributes",
        flush=True,
    )
    if announced_key:
        print(f"API key (all scopes, shown once): {announced_key}", flush=True)
    stop = asyncio.Event()
    _install_stop_handlers(asyncio.get_running_loop(), stop)
    try:
        await stop.wait()
    finally:
        await gateway.stop(grace=1)
        print("mxshell-sim stopped", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config, announced = build_config(args)
        asyncio.run(serve(config, announced))
    except KeyboardInterrupt:
        return 0
    except (UsageError, KeysFileError, ModelError, ValueError) as error:
        print(f"mxshell-sim: error: {error}", file=sys.stderr)
        return 2
    except RuntimeError as error:  # grpc: the address could not be bound
        print(f"mxshell-sim: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
