"""The `mxshell` console script: parse the flags, read the config file, run a mode."""

from __future__ import annotations

import os

# gRPC's core logs connection chatter (GOAWAY, fork warnings) to stderr at INFO, which in
# a shell lands in the middle of the user's screen; it reads this before grpc is imported.
# Errors still come through.
os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
# gRPC's fork handlers restart its poller in a forked child, which then dies on EBADF
# when the child closes descriptors before exec (grpc/grpc#43055). The shell never uses
# gRPC in a forked child, so a plugin that starts a subprocess must not pay for them.
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")

import argparse  # noqa: E402
import asyncio  # noqa: E402
import gc  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

from mxshell import __version__  # noqa: E402
from mxshell.app.config import ConfigError, FileConfig, load_config  # noqa: E402
from mxshell.app.connection import ConnectError, Target, check_name  # noqa: E402
from mxshell.app.fleet import is_fleet, run_fleet  # noqa: E402
from mxshell.app.modes import EXIT_USAGE, LaunchOptions, run  # noqa: E402
from mxshell.app.plugin_host import PluginSelection  # noqa: E402
from mxshell.base.cmdline import StrictArgumentParser, read_pem  # noqa: E402
from mxshell.gateway.channel import CA_BLOCK  # noqa: E402
from mxshell.output.formats import FORMATS  # noqa: E402
from mxshell.script.manual_steps import read_answers  # noqa: E402
from mxshell.script.reports import ReportTarget  # noqa: E402


class _Parser(StrictArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise ConfigError(f"{message} (see mxshell --help)")


# `mxshell plugin ...` as the first word is the plugin tools (mxshell.app.scaffold), not
# an argument for commands piped on stdin: checked before the shell's own flags.
PLUGIN_TOOLS = "plugin"

KEY_ON_COMMAND_LINE = (
    "mxshell: warning: a key given with --api-key is visible to other users of this machine "
    "(process lists, shell history); --api-key-env VAR is the safe form"
)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mxshell",
        description="An interactive shell for MXAccess gateways. Without --endpoint it starts "
        "its embedded simulated gateway and connects to it.",
    )
    parser.add_argument("--endpoint", metavar="HOST:PORT", help="gateway to connect to")
    tls = parser.add_mutually_exclusive_group()
    tls.add_argument("--plaintext", action="store_true", default=None, help="no TLS (ask for it)")
    tls.add_argument("--tls", action="store_true", default=None, help="TLS (the default)")
    parser.add_argument("--ca-file", metavar="FILE", help="CA certificates (PEM) to trust")
    parser.add_argument("--server-name-override", metavar="NAME", help="TLS name to expect")
    key = parser.add_mutually_exclusive_group()
    key.add_argument(
        "--api-key-env", metavar="VAR", help="environment variable holding the API key (safe)"
    )
    key.add_argument(
        "--api-key",
        metavar="KEY",
        help="the API key itself (other users of the machine can see it; prefer --api-key-env)",
    )
    parser.add_argument(
        "--session-id",
        metavar="ID",
        help="attach to a gateway session another client opened (left open on exit)",
    )
    parser.add_argument(
        "--connection",
        dest="connections",
        action="append",
        default=[],
        metavar="NAME",
        help="open the config file's [connections.NAME] (or NAME=HOST:PORT, with the TLS and "
        "key flags); repeatable: the first is current, and -f runs the file on each",
    )
    parser.add_argument(
        "--fleet",
        nargs="+",
        default=[],
        metavar="NAME",
        help="the same as one --connection per NAME",
    )
    parser.add_argument(
        "--parallel",
        type=int,
        default=8,
        metavar="N",
        help="a fleet run (-f with several connections) runs N connections at a time (8)",
    )
    parser.add_argument("-c", dest="commands", metavar="COMMANDS", help='run "a; b" and exit')
    parser.add_argument("-f", dest="file", metavar="FILE", help="run a command file and exit")
    parser.add_argument(
        "file_args", nargs="*", metavar="ARG", help="arguments ($1…) for -f FILE or for stdin"
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument(
        "--format",
        choices=FORMATS,
        metavar="FORMAT",
        help=f"how results print ({', '.join(FORMATS)}); the config file's output otherwise",
    )
    output.add_argument("--json", action="store_true", help="one JSON object per command")
    parser.add_argument(
        "--on-error",
        choices=("stop", "continue"),
        default="stop",
        help="in a command file: stop at the first failure (default) or run on",
    )
    parser.add_argument(
        "--answers",
        metavar="FILE",
        help="answers to confirm, pause and prompt (TOML or JSON, by --id or text)",
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        help="answer yes to every confirm, go on at every pause, take each prompt's --default",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long a file's deferred commands wait for a gateway that went away (30)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="check the command file (and its tags against the Galaxy) and run nothing",
    )
    parser.add_argument(
        "--no-validate",
        action="store_true",
        help="skip looking the file's tags up in the Galaxy before it runs",
    )
    parser.add_argument(
        "--report",
        dest="reports",
        action="append",
        default=[],
        metavar="KIND:FILE",
        help="also write a report of the run: junit:FILE, markdown:FILE or json:FILE (repeatable)",
    )
    parser.add_argument("--no-history", action="store_true", help="keep no history file")
    parser.add_argument("--debug", action="store_true", help="tracebacks for failures")
    parser.add_argument(
        "--no-plugins",
        action="store_true",
        help="load only the built-in families, no third-party plugins",
    )
    parser.add_argument(
        "--plugin",
        dest="plugin_modules",
        action="append",
        default=[],
        metavar="MODULE",
        help="also load this module (an import name) as a plugin; repeatable",
    )
    parser.add_argument("--version", action="version", version=f"mxshell {__version__}")
    return parser


def parse_launch(argv: Sequence[str], config: FileConfig) -> LaunchOptions:
    args = _parser().parse_args(list(argv))
    if args.file_args and (args.commands is not None or (not args.file and sys.stdin.isatty())):
        raise ConfigError(
            f"unexpected argument {args.file_args[0]!r} "
            "(arguments follow -f FILE, or go with commands piped on stdin)"
        )
    reports = []
    for text in args.reports:
        try:
            report = ReportTarget.parse(text)
            report.check_writable()
        except ValueError as error:
            raise ConfigError(str(error)) from None
        reports.append(report)
    answers = None
    if args.answers:
        try:
            answers = read_answers(Path(args.answers).expanduser())
        except ValueError as error:
            raise ConfigError(str(error)) from None
    if args.commands is not None and args.file is not None:
        raise ConfigError("-c and -f cannot be used together")
    if args.check and args.no_validate:
        raise ConfigError("--check and --no-validate cannot be used together")
    endpoint = args.endpoint or config.endpoint
    # A flag beats the config file; --tls beats a config file's plaintext = true.
    plaintext = bool(args.plaintext) or (config.plaintext and not args.tls)
    target = Target(
        endpoint=endpoint,
        plaintext=plaintext and endpoint is not None,
        tls=bool(args.tls) or (config.tls and not args.plaintext),
        ca_file=args.ca_file or (config.ca_file if endpoint else None),
        server_name_override=args.server_name_override
        or (config.server_name_override if endpoint else None),
        api_key_env=None if args.api_key else (args.api_key_env or config.api_key_env),
        api_key=args.api_key,
        session_id=args.session_id,
    )
    if target.ca_file:
        try:
            read_pem(target.ca_file, "CA file", CA_BLOCK)  # bad: a usage error, nothing started
        except ValueError as error:
            raise ConfigError(str(error)) from None
    named = _named_connections(args, config, target)
    if args.api_key is not None:
        print(KEY_ON_COMMAND_LINE, file=sys.stderr)
    return LaunchOptions(
        target=target,
        connections=named,
        declared={name: Target(**vars(table)) for name, table in config.connections.items()},
        parallel=args.parallel,
        output="json" if args.json else (args.format or config.output),
        timestamps=config.timestamps,
        history_size=config.history_size,
        settings=config.settings,
        debug=args.debug,
        commands=args.commands,
        file=args.file,
        file_args=list(args.file_args),
        on_error=args.on_error,
        answers=answers or {},
        reports=reports,
        check_only=args.check,
        defer_timeout=args.timeout,
        validate=not args.no_validate,
        yes=args.yes,
        history=not args.no_history,
        plugins=PluginSelection(
            builtins_only=args.no_plugins,
            modules=tuple(args.plugin_modules),
            disabled=tuple(config.disabled_plugins),
        ),
        plugin_config=config.plugins,
        config_source=config.source,
    )


def _named_connections(
    args: argparse.Namespace, config: FileConfig, flags: Target
) -> list[tuple[str, Target]]:
    """--connection and --fleet: the config file's [connections.NAME] tables, or
    NAME=HOST:PORT reached as the command line's flags say."""
    wanted = [*args.connections, *args.fleet]
    if wanted and args.endpoint:
        raise ConfigError("--endpoint and --connection cannot be used together")
    named: list[tuple[str, Target]] = []
    for text in wanted:
        name, equals, endpoint = text.partition("=")
        check_name(name)
        if any(name == seen for seen, _ in named):
            raise ConfigError(f"connection {name!r} is named twice")
        if equals:
            named.append((name, replace(flags, endpoint=endpoint, plaintext=bool(args.plaintext))))
            continue
        table = config.connections.get(name)
        if table is None:
            known = ", ".join(config.connections) or "none"
            source = config.source or "the config file"
            raise ConfigError(
                f"--connection {name}: {source} has no [connections.{name}] (known: {known}); "
                "or give it as NAME=HOST:PORT"
            )
        named.append((name, Target(**vars(table))))
    return named


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [PLUGIN_TOOLS]:
        from mxshell.app.scaffold import main as plugin_tools  # only for this: no shell

        return plugin_tools(argv[1:])
    try:
        config = load_config()
        for warning in config.warnings:
            print(f"mxshell: warning: {warning}", file=sys.stderr)
        options = parse_launch(argv, config)
    except (ConfigError, ConnectError) as error:
        print(f"mxshell: {error}", file=sys.stderr)
        return EXIT_USAGE
    collecting = gc.isenabled()
    # Start-up makes tens of thousands of long-lived objects (modules, commands, protobuf
    # descriptors) and the collector's passes over them free nothing: they cost about 5%
    # of the time to the first prompt. mxshell.app.modes.run switches it on once connected.
    gc.disable()
    try:
        return asyncio.run(run_fleet(options) if is_fleet(options) else run(options))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`, a closed pager): as any Unix filter, stop quietly.
        # Python's flush of stdout at exit would say it again, so stdout goes to devnull.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a filter its reader closed
    finally:
        if collecting:
            gc.enable()
