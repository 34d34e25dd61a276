"""The snapshot commands: save the values of many tags to a file, compare two files or a
file and the plant now, and write a file's values back."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mxshell_plugins.snapshot.compare import Difference, Tolerance, compare, counts
from mxshell_plugins.snapshot.files import (
    Snapshot,
    SnapshotFileError,
    TagState,
    file_format,
    read_snapshot,
    write_snapshot,
)
from mxshell_plugins.snapshot.live import read_live, why, write_back

from mxshell.api import (
    CommandFailed,
    CommandSet,
    ShellContext,
    Table,
    UsageError,
    arg,
    flag,
    session_of,
)
from mxshell.api.galaxy import security_name
from mxshell.api.gateway import to_mx_value
from mxshell.api.output import render_result
from mxshell.api.tag_input import references

snapshot = CommandSet("snapshot")

# Classifications a plain Write is refused for: restore lists them and does not send them.
REFUSED = {
    "ViewOnly": "ViewOnly: not writable",
    "SecuredWrite": "SecuredWrite: restore does not write secured attributes; "
    "use write-secured-bulk",
    "VerifiedWrite": "VerifiedWrite: restore does not write verified attributes; "
    "use write-secured-bulk with --verifier",
}


@dataclass
class SnapshotReport:
    """What a snapshot command returns: its table and a summary line; as JSON, the rows
    and the counts."""

    summary: str
    table: Table
    data: dict[str, Any] = field(default_factory=dict)
    settings: Any = None

    def as_text(self, format_value: Any) -> str:
        if not self.table.rows:
            return self.summary
        return f"{render_result(self.table, self.settings)}\n{self.summary}"

    def as_data(self) -> dict[str, Any]:
        return {**self.data, "summary": self.summary}


def _path(name: str) -> Path:
    path = Path(name).expanduser()
    try:
        file_format(path)
    except SnapshotFileError as error:
        raise UsageError(str(error)) from None
    return path


async def _read_file(name: str) -> Snapshot:
    path = _path(name)
    try:
        return await asyncio.to_thread(read_snapshot, path)
    except SnapshotFileError as error:
        raise CommandFailed(str(error)) from None


@snapshot.command(
    "snapshot-save",
    help="Save the value, type, quality and timestamp of many tags to FILE (ReadBulk).\n"
    "FILE.jsonl holds JSON lines, FILE.csv CSV; both start with the endpoint and the "
    "time (see the user guide). A tag that cannot be read is kept with the reason. The "
    "file is created for the owner only (0600); an existing one only with --force.",
    args=[
        arg("file", metavar="FILE", help="the snapshot: FILE.jsonl or FILE.csv"),
        arg(
            "tags",
            nargs="+",
            is_tag=True,
            completer="item",
            metavar="TAG",
            help="a tag reference, @FILE (one per line) or a glob over the Galaxy",
        ),
        flag("--force", help="overwrite FILE if it exists"),
    ],
    needs_session=True,
)
async def snapshot_save(
    ctx: ShellContext, file: str, tags: list[str], force: bool = False
) -> SnapshotReport:
    path = _path(file)
    if path.exists() and not force:
        raise CommandFailed(f"{path} exists; add --force to overwrite it")
    found = list(dict.fromkeys(await references(ctx, tags, resolve=True)))
    states, calls = await read_live(ctx, found)
    taken = datetime.now(UTC).isoformat(timespec="seconds")
    shot = Snapshot(session_of(ctx).endpoint, taken, states)
    try:
        await asyncio.to_thread(write_snapshot, path, shot, overwrite=force)
    except SnapshotFileError as error:
        raise CommandFailed(str(error)) from None
    failed = [s for s in states if not s.ok]
    table = Table(["tag", "status"], [[s.tag, s.status] for s in failed])
    summary = f"snapshot-save: {len(states)} tags to {path}" + (
        f", {len(failed)} could not be read (kept with the reason)" if failed else ""
    )
    data = {"file": str(path), "tags": len(states), "failed": len(failed), "calls": calls}
    return SnapshotReport(summary, table, data, ctx.settings)


DIFF_COLUMNS = ["tag", "change", "before", "after", "detail"]


@snapshot.command(
    "snapshot-diff",
    help="Compare snapshot A with B, or with the live values of its tags now.\n"
    "Lists values that changed (value or type), quality changes, tags added and missing, "
    "and tags read on one side only; timestamps are not compared. Numbers may move by "
    "--tolerance (absolute, or N% of the earlier value). Fails (exit status 1) when "
    "anything differs, so a check can gate on it.",
    args=[
        arg("a", metavar="A", help="a snapshot file (the earlier state)"),
        arg(
            "b",
            metavar="B",
            nargs="?",
            help="a later snapshot file (default: the live values now)",
        ),
        arg("--tolerance", metavar="X", help="how far a number may move: 0.5 or 2%"),
    ],
)
async def snapshot_diff(
    ctx: ShellContext, a: str, b: str | None = None, tolerance: str | None = None
) -> SnapshotReport:
    allowed = Tolerance.parse(tolerance)
    before = await _read_file(a)
    if b is not None:
        after = await _read_file(b)
    else:
        states, _ = await read_live(ctx, [s.tag for s in before.tags])
        after = Snapshot(session_of(ctx).endpoint, "now", states, "live")
    differences = compare(before, after, allowed)
    report = _diff_report(ctx, before, after, differences)
    if differences:
        raise CommandFailed(report.summary.removeprefix("snapshot-diff: "), result=report)
    return report


def _diff_report(
    ctx: ShellContext, before: Snapshot, after: Snapshot, differences: list[Difference]
) -> SnapshotReport:
    kinds = counts(differences)
    rows = [[d.tag, d.change, d.before, d.after, d.detail] for d in differences]
    if differences:
        parts = ", ".join(f"{n} {kind}" for kind, n in kinds.items() if n)
        summary = f"snapshot-diff: {len(differences)} differences ({parts})"
    else:
        summary = f"snapshot-diff: no differences ({len(before.tags)} tags)"
    data = {
        "before": before.name,
        "after": after.name,
        "same": not differences,
        "differences": [d.row() for d in differences],
        "counts": kinds,
    }
    return SnapshotReport(summary, Table(DIFF_COLUMNS, rows), data, ctx.settings)


RESTORE_COLUMNS = ["tag", "value", "live", "type", "action", "status"]


@snapshot.command(
    "snapshot-restore",
    help="Write back the values in FILE that differ from the live ones (WriteBulk).\n"
    "Reads the tags now, lists what it will write, then writes each value once as its "
    "recorded type; a write is never retried. ViewOnly, SecuredWrite and VerifiedWrite "
    "attributes (as the Galaxy declares them) are listed as refused and not sent. "
    "Fails when a write fails. --dry-run lists and writes nothing.",
    args=[
        arg("file", metavar="FILE", help="the snapshot to restore"),
        flag("--dry-run", help="list what would be written and refused; write nothing"),
    ],
    needs_session=True,
)
async def snapshot_restore(ctx: ShellContext, file: str, dry_run: bool = False) -> SnapshotReport:
    recorded = await _read_file(file)
    usable = [s for s in recorded.tags if s.ok and s.type not in (None, "empty")]
    live, _ = await read_live(ctx, [s.tag for s in usable])
    rows: list[list[Any]] = []
    planned: list[tuple[list[Any], TagState]] = []
    for want, now in zip(usable, live, strict=True):
        if now.ok and now.type == want.type and Tolerance().same(want.value, now.value):
            continue
        row = [want.tag, want.value, now.value if now.ok else None, want.type, "", ""]
        rows.append(row)
        refusal = await _refusal(ctx, want.tag)
        if refusal:
            row[4:] = ["refused", refusal]
        else:
            row[4:] = ["would write" if dry_run else "write", ""]
            planned.append((row, want))
    if planned and not dry_run:
        for _, want in planned:
            ctx.notify(f"restore: {want.tag} = {want.value!r} ({want.type})")
        values = [(w.tag, to_mx_value(w.value, w.type)) for _, w in planned]
        results = await write_back(ctx, values)
        for (row, _), result in zip(planned, results, strict=True):
            row[4:] = ["written", "Ok"] if result.ok else ["failed", why(result)]
    return _restore_report(ctx, recorded, rows, dry_run)


async def _refusal(ctx: ShellContext, tag: str) -> str:
    """Why restore will not write tag, '' when it may (unknown to the Galaxy: the gateway
    decides, and its refusal is the entry's status)."""
    galaxy = ctx.services.galaxy
    if galaxy is None:
        return ""
    try:
        info = await galaxy.attribute_info(tag)
    except CommandFailed:
        return ""
    if info is None:
        return ""
    return REFUSED.get(security_name(info.security), "")


def _restore_report(
    ctx: ShellContext, recorded: Snapshot, rows: list[list[Any]], dry_run: bool
) -> SnapshotReport:
    actions = [row[4] for row in rows]
    count = {a: actions.count(a) for a in ("write", "would write", "written", "failed", "refused")}
    if dry_run:
        done = f"{count['would write']} to write, {count['refused']} refused; nothing written"
    else:
        done = f"{count['written']} written, {count['failed']} failed, {count['refused']} refused"
    summary = f"snapshot-restore: {len(recorded.tags)} tags, {len(rows)} differ: {done}"
    table = Table(RESTORE_COLUMNS, rows)
    data = {
        "file": recorded.name,
        "dry_run": dry_run,
        "entries": table.records(),
        "differ": len(rows),
        "written": count["written"],
        "failed": count["failed"],
        "refused": count["refused"],
    }
    report = SnapshotReport(summary, table, data, ctx.settings)
    if count["failed"]:
        raise CommandFailed(summary.removeprefix("snapshot-restore: "), result=report)
    return report
