"""`mxshell plugin new NAME [--dir D]`: write a ready plugin distribution to start from.

The files are templates kept as package data in `plugin_template/` (`*.tmpl`, so that
neither ruff, mypy nor pytest reads them as mxshell's own code); `{{key}}` in a file and
`PACKAGE` / `PLUGIN` in a path are filled in from the plugin's name.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from mxshell.base.cmdline import StrictArgumentParser

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# An entry-point name that is also a command prefix and, with `-` as `_`, a module name.
PLUGIN_NAME = re.compile(r"[a-z][a-z0-9_-]*\Z")
TEMPLATE_SUFFIX = ".tmpl"
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
# mxshell's own families: a plugin of one of these names would be refused at start-up.
BUILT_IN_NAMES = frozenset(
    {"core", "mxaccess", "watch", "bulk", "bench", "galaxy", "deploywatch", "scripting", "snapshot"}
)


class ScaffoldError(Exception):
    """Bad input for the scaffold: shown as one line, exit status 2."""


@dataclass(frozen=True)
class PluginNames:
    """Every name the new distribution uses, from the one the user chose."""

    name: str  # the plugin's name: its entry point, `plugins` lists it by this

    @property
    def ident(self) -> str:
        return self.name.replace("-", "_")

    @property
    def module(self) -> str:
        return f"mxshell_{self.ident}"

    @property
    def dist(self) -> str:
        return f"mxshell-{self.name}"

    @property
    def command(self) -> str:
        return f"{self.name}-read"

    @property
    def completer(self) -> str:
        return f"{self.name}-alias"

    def values(self) -> dict[str, str]:
        keys = ("name", "ident", "module", "dist", "command", "completer")
        return {key: getattr(self, key) for key in keys}


def check_name(name: str) -> PluginNames:
    if not PLUGIN_NAME.match(name):
        raise ScaffoldError(
            f"{name!r} is not a plugin name: use lower-case letters, digits, '-' and '_', "
            "starting with a letter (e.g. tankfarm)"
        )
    if name in BUILT_IN_NAMES:
        raise ScaffoldError(f"{name!r} is the name of one of mxshell's built-in plugins")
    return PluginNames(name)


def write_plugin(name: str, directory: Path | None = None) -> tuple[Path, list[Path]]:
    """Write the distribution of plugin `name` into `directory` (./mxshell-NAME by
    default); return the folder and the files written, relative to it."""
    names = check_name(name)
    target = directory if directory is not None else Path(names.dist)
    if target.exists() and not target.is_dir():
        raise ScaffoldError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()):
        raise ScaffoldError(f"{target} exists and is not empty; choose another with --dir")
    rendered = [(path, fill(text, names)) for path, text in template_files(names)]
    written = []
    for relative, text in rendered:
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(relative)
    return target, written


def template_files(names: PluginNames) -> list[tuple[Path, str]]:
    """(path in the new distribution, template text) for each template file."""
    root = resources.files("mxshell.app") / "plugin_template"
    found: list[tuple[Path, str]] = []

    def walk(folder: Traversable, into: Path) -> None:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                if entry.name != "__pycache__":
                    walk(entry, into / target_name(entry.name, names))
            elif entry.name.endswith(TEMPLATE_SUFFIX):
                found.append((into / target_name(entry.name, names), entry.read_text("utf-8")))

    walk(root, Path())
    if not found:
        raise RuntimeError(f"no plugin templates in {root}: mxshell is installed incompletely")
    return found


def target_name(template_name: str, names: PluginNames) -> str:
    """`PACKAGE` is the module, `PLUGIN` the name as an identifier, `gitignore` the
    dotfile (a dotfile in package data is easily lost); `.tmpl` is dropped."""
    stem = template_name.removesuffix(TEMPLATE_SUFFIX)
    if stem == "gitignore":
        return ".gitignore"
    return stem.replace("PACKAGE", names.module).replace("PLUGIN", names.ident)


def fill(text: str, names: PluginNames) -> str:
    values = names.values()

    def value(match: re.Match[str]) -> str:
        return values[match.group(1)]  # a KeyError is a broken template: mxshell's bug

    return PLACEHOLDER.sub(value, text)


class _Parser(StrictArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise ScaffoldError(f"{message} (see {self.prog} --help)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mxshell plugin", description="Tools for writing mxshell plugins.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    new = actions.add_parser(
        "new",
        help="write a new plugin distribution",
        description="Write a ready plugin distribution: pyproject.toml with the entry point, "
        "a command and a completer in src/, a README, and tests against the simulated "
        "gateway. `pip install -e DIR` and `pytest DIR` pass as written.",
    )
    new.add_argument("name", metavar="NAME", help="the plugin's name, e.g. tankfarm")
    new.add_argument("--dir", metavar="D", help="where to write it (./mxshell-NAME)")
    return parser


def main(argv: Sequence[str]) -> int:
    """`mxshell plugin ARGS`: argv is what follows `plugin`."""
    try:
        args = _parser().parse_args(list(argv))
        if args.action is None:
            raise ScaffoldError("say what to do: mxshell plugin new NAME [--dir D]")
        target, written = write_plugin(args.name, Path(args.dir) if args.dir else None)
    except ScaffoldError as error:
        print(f"mxshell plugin: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:
        print(f"mxshell plugin: cannot write the plugin: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote plugin {args.name} to {target}:")
    for path in written:
        print(f"  {path.as_posix()}")
    print(f"next: python -m pip install -e '{target}[test]' && python -m pytest {target}")
    return EXIT_OK
