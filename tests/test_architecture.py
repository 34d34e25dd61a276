"""The house's rules, read from the code's own imports with ast (TYPE_CHECKING included):
no import circle, imports only down the layers of docs/architecture.md, command families
that import mxshell.api alone, no hand-written module over about 400 lines."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERATED = "mxshell.contract.mxgateway"


def _module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[0] == "plugins":
        parts[0] = "mxshell_plugins"
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _plugin_files() -> list[Path]:
    """The built-in families (plugins/examples is a separate distribution)."""
    return [f for f in ROOT.joinpath("plugins").rglob("*.py") if "examples" not in f.parts]


def import_graph() -> dict[str, set[str]]:
    """module -> the project modules it imports (anywhere in the file)."""
    files = [*ROOT.joinpath("mxshell").rglob("*.py"), *_plugin_files()]
    modules = {_module_name(f): f for f in files if GENERATED not in _module_name(f)}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                    base = f"{base}.{node.module}" if node.module else base
                # `from pkg import sub` imports the module pkg.sub; `from pkg import Name`
                # imports what pkg's face offers.
                subs = [f"{base}.{alias.name}" for alias in node.names]
                targets = [t for t in subs if t in modules]
                if len(targets) < len(subs):
                    targets.append(base)
            else:
                continue
            found.update(t for t in targets if t in modules and t != name)
        graph[name] = found
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for node in graph:
        if node not in index:
            visit(node)
    return found


# The layers of docs/architecture.md, bottom first. A module may import its own package
# and any package of a lower layer; packages of one layer never import each other.
LAYERS: list[set[str]] = [
    {"mxshell", "mxshell.contract", "mxshell.base", "mxshell.highlight"},
    {"mxshell.gateway", "mxshell.sim"},
    {"mxshell.session"},
    {"mxshell.galaxy"},
    {"mxshell.output"},
    {"mxshell.commands"},
    {"mxshell.script"},
    {"mxshell.shell"},
    {"mxshell.app"},
    {"mxshell.api"},
    {"mxshell.testing"},
    {"mxshell.pytest_plugin"},
    {"mxshell_plugins"},
]
MAX_LINES = 400


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[0] if parts[0] == "mxshell_plugins" else ".".join(parts[:2])


def layer_of(module: str) -> int:
    package = package_of(module)
    return next(i for i, layer in enumerate(LAYERS) if package in layer)


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        for target in targets
        if package_of(module) != package_of(target) and layer_of(target) >= layer_of(module)
    )


def test_every_package_has_a_layer() -> None:
    packages = {package_of(m) for m in import_graph()}
    placed = set().union(*LAYERS)
    assert packages - placed == set()


def test_imports_run_down_the_layers() -> None:
    assert upward_imports(import_graph()) == []


def test_the_layer_test_finds_an_upward_import() -> None:
    graph = {"mxshell.gateway.client": {"mxshell.session.core"}, "mxshell.session.core": set()}
    assert upward_imports(graph) == ["mxshell.gateway.client -> mxshell.session.core"]
    siblings = {"mxshell.sim.server": {"mxshell.gateway.values"}}
    assert upward_imports(siblings) == ["mxshell.sim.server -> mxshell.gateway.values"]


def test_command_families_import_only_the_public_api_and_their_own_package() -> None:
    graph = import_graph()
    offenders = {}
    for module, targets in graph.items():
        if not module.startswith("mxshell_plugins."):
            continue
        family = ".".join(module.split(".")[:2])
        private = sorted(
            t
            for t in targets
            if not (t == "mxshell.api" or t.startswith("mxshell.api."))
            and not (t == family or t.startswith(family + "."))
        )
        if private:
            offenders[module] = private
    assert offenders == {}


def test_no_hand_written_module_is_over_about_400_lines() -> None:
    long = {
        str(f.relative_to(ROOT)): n
        for f in [*ROOT.joinpath("mxshell").rglob("*.py"), *_plugin_files()]
        if GENERATED.replace(".", "/") not in f.as_posix()
        and (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_import_circle_anywhere_in_mxshell_and_plugins() -> None:
    assert circles(import_graph()) == [], "import circles"


def test_the_gateway_client_and_session_do_not_import_each_other() -> None:
    graph = import_graph()
    client, session = "mxshell.gateway.client", "mxshell.gateway.session"
    assert not (client in graph[session] and session in graph[client])


def test_command_families_never_import_the_simulator() -> None:
    graph = import_graph()
    families = {m: t for m, t in graph.items() if m.startswith("mxshell_plugins")}
    offenders = {
        m: sorted(t) for m, t in families.items() if any(x.startswith("mxshell.sim") for x in t)
    }
    assert offenders == {}


def test_the_circle_test_finds_a_circle_when_there_is_one() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_importing_the_simulators_code_table_loads_no_simulator_server() -> None:
    code = (
        "import sys, mxshell.sim.codes; "
        "print(sorted(m for m in sys.modules if m.startswith('mxshell.sim')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert loaded.strip() == "['mxshell.sim', 'mxshell.sim.codes']"


def test_not_connected_is_one_class_for_the_session_and_the_command_layer() -> None:
    from mxshell import api
    from mxshell.commands import NotConnectedError as from_commands
    from mxshell.session import NotConnectedError as from_session

    assert api.NotConnectedError is from_commands is from_session


def documented_layers() -> list[set[str]]:
    """The layer picture of docs/architecture.md: `N  package  what it holds`, a line
    without a number adding to the layer above, `|  package` a sibling in one layer."""
    text = ROOT.joinpath("docs", "architecture.md").read_text(encoding="utf-8")
    picture = text.split("## The layers", 1)[1].split("```", 2)[1]
    layers: list[set[str]] = []
    for line in picture.splitlines():
        words = line.split()
        if not words:
            continue
        if words[0].isdecimal():
            layers.append(set())
            words = words[1:]
        if words and words[0].startswith("mxshell"):
            layers[-1].add(words[0])
        if "|" in words:
            after = words[words.index("|") + 1 :]
            if after and after[0].startswith("mxshell"):
                layers[-1].add(after[0])
    return layers


def test_the_layers_checked_are_the_layers_documented() -> None:
    assert documented_layers() == LAYERS


def test_the_plugin_guide_names_every_public_module_of_the_api() -> None:
    guide = ROOT.joinpath("docs", "plugins.md").read_text(encoding="utf-8")
    modules = sorted(
        f"mxshell.api.{f.stem}"
        for f in ROOT.joinpath("mxshell", "api").glob("*.py")
        if f.stem not in {"__init__", "context", "shell_session"}  # re-exported whole
    )
    assert modules and [m for m in modules if f"`{m}`" not in guide] == []
