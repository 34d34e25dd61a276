"""A third-party plugin, as an author would write it from docs/plugins.md alone: scan tags
for bad quality in one ReadBulk, write a value and wait for the gateway's word on it.

It imports mxshell.api and nothing else of mxshell. The suite installs it like any
third-party plugin (a distribution with an `mxshell` entry point on sys.path; see
tests/thirdparty/conftest.py) and tests the plugin API 1.1 through it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mxshell.api import (
    BulkReport,
    CommandFailed,
    CommandSet,
    PluginSetting,
    PluginState,
    RegisterCommands,
    RegisterCompleter,
    RegisterSetting,
    RegisterToolbarField,
    ShellContext,
    Table,
    Text,
    hookimpl,
    quality_is_good,
    quality_name,
    session_of,
)
from mxshell.api import arg as argument

__version__ = "0.3.0"
MXSHELL_API = (1, 1)

qualityscan = CommandSet("qualityscan")


@dataclass
class ScanState:
    """What the plugin keeps per shell: the last scan's bad tags, and the reconnects seen."""

    bad: list[str] = field(default_factory=list)
    reconnects: list[tuple[list[str], list[str]]] = field(default_factory=list)


STATE: PluginState[ScanState] = PluginState(lambda ctx: ScanState())


@qualityscan.command(
    "qscan",
    help="Read tags in one ReadBulk and list those whose quality is not Good.",
    args=[argument("tags", nargs="+", is_tag=True, help="tag references")],
    needs_session=True,
)
async def qscan(ctx: ShellContext, tags: list[str]) -> BulkReport:
    session = session_of(ctx)
    registration = await session.ensure_registration()
    server = registration.gateway_handle  # the server handle a bulk call takes
    results = await session.call(lambda gateway: gateway.read_bulk(server, tags))
    rows, bad = [], []
    for result in results:
        good = result.was_successful and quality_is_good(result.quality)
        if not good:
            bad.append(result.tag_reference)
        quality = quality_name(result.quality) if result.was_successful else "-"
        rows.append([result.tag_reference, quality, "Ok" if good else "bad"])
    STATE.of(ctx).bad = bad
    table = Table(["tag", "quality", "scan"], rows)
    report = BulkReport("qscan", table, len(rows), len(bad), 1, ctx.settings)
    threshold = ctx.settings.get("qualityscan.threshold")
    if len(bad) > threshold:
        raise CommandFailed(f"{len(bad)} bad tags, more than {threshold}", result=report)
    return report


@qualityscan.command(
    "qset",
    help="Write a value and wait for its OnWriteComplete.",
    args=[
        argument("item", is_tag=True, help="an item or tag"),
        argument("value", help="the value"),
        argument("--timeout", type="duration", default=5.0, help="wait this long (5s)"),
    ],
    needs_session=True,
)
async def qset(ctx: ShellContext, item: str, value: str, timeout: float = 5.0) -> Text:
    session = session_of(ctx)
    tracked, _ = await session.resolve(item)
    completion = await session.write(tracked, float(value), complete=True, timeout=timeout)
    assert completion is not None  # complete=True always gives one (or raises)
    if not completion.ok:
        raise CommandFailed(f"{tracked.name}: the gateway did not take it: {completion.text}")
    return Text(f"{tracked.name}: {completion.text}", {"item": tracked.name, "status": "Ok"})


@qualityscan.command("qstate", help="What the plugin saw of reconnects.")
async def qstate(ctx: ShellContext) -> dict[str, object]:
    state = STATE.of(ctx)
    return {"bad": state.bad, "reconnects": [list(pair) for pair in state.reconnects]}


def complete_tag(ctx: ShellContext, text: str) -> list[str]:
    return [tag for tag in ("Tank1.Level", "FlowMeter2.RawSignal") if tag.startswith(text)]


@hookimpl
def register_commands(register: RegisterCommands) -> None:
    register(list(qualityscan))


@hookimpl
def register_completers(register: RegisterCompleter) -> None:
    register("qualityscan-tag", complete_tag)


@hookimpl
def register_settings(register: RegisterSetting) -> None:
    register(PluginSetting("threshold", int, 0, "bad tags a scan accepts", minimum=0))
    register(PluginSetting("label", str, "qscan", "what the toolbar field says"))


@hookimpl
def register_toolbar_fields(register: RegisterToolbarField) -> None:
    def field_text(ctx: ShellContext) -> str | None:
        bad = STATE.of(ctx).bad
        return f"{ctx.settings.get('qualityscan.label')} {len(bad)} bad" if bad else None

    register(field_text)


@hookimpl
def session_reconnected(context: ShellContext, restored: list[str], lost: list[str]) -> None:
    STATE.of(context).reconnects.append((restored, lost))
