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
    SnapshotWriter,
    TagState,
    file_format,
    read_snapshot,
)
from mxshell_plugins.snapshot.live import (
    read_answers,
    read_live,
    read_state,
    why,
    write_back,
)

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
from mxshell.api.bulk import Credentials
from mxshell.api.galaxy import security_name
from mxshell.api.gateway import to_mx_value
from mxshell.api.output import render_result
from mxshell.api.tag_input import references

snapshot = CommandSet("snapshot")

# Classifications a plain Write is refused for: restore lists them and does not send them,
# unless it is given who may write them (--user; VerifiedWrite also --verifier).
REFUSED = {
    "ViewOnly": "ViewOnly: not writable",
    "SecuredWrite": "SecuredWrite: give --user (and --password-env) to write it back",
    "VerifiedWrite": "VerifiedWrite: give --user and --verifier to write it back",
}
SECURED = ("SecuredWrite", "VerifiedWrite")


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


async def snapshot_save(
    ctx: ShellContext, file: str, tags: list[str], force: bool = False
) -> SnapshotReport:
    path = _path(file)
    if path.exists() and not force:
        raise CommandFailed(f"{path} exists; add --force to overwrite it")
    found = list(dict.fromkeys(await references(ctx, tags, resolve=True)))
    taken = datetime.now(UTC).isoformat(timespec="seconds")
    endpoint = session_of(ctx).endpoint
    try:
        writer = SnapshotWriter(
            path, endpoint, taken, len(found), overwrite=force, to_state=read_state
        )
    except SnapshotFileError as error:
        raise CommandFailed(str(error)) from None
    try:
        calls = await read_answers(ctx, found, writer.add)
    except SnapshotFileError as error:
        writer.abort()
        raise CommandFailed(str(error)) from None
    except BaseException:
        writer.abort()
        raise
    writer.close()
    failed = writer.failed
    table = Table(["tag", "status"], [[s.tag, s.status] for s in failed])
    summary = f"snapshot save: {writer.written} tags to {path}" + (
        f", {len(failed)} could not be read (kept with the reason)" if failed else ""
    )
    data = {"file": str(path), "tags": writer.written, "failed": len(failed), "calls": calls}
    return SnapshotReport(summary, table, data, ctx.settings)


DIFF_COLUMNS = ["tag", "change", "before", "after", "detail"]


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
        raise CommandFailed(report.summary.removeprefix("snapshot diff: "), result=report)
    return report


def _diff_report(
    ctx: ShellContext, before: Snapshot, after: Snapshot, differences: list[Difference]
) -> SnapshotReport:
    kinds = counts(differences)
    rows = [[d.tag, d.change, d.before, d.after, d.detail] for d in differences]
    if differences:
        parts = ", ".join(f"{n} {kind}" for kind, n in kinds.items() if n)
        summary = f"snapshot diff: {len(differences)} differences ({parts})"
    else:
        summary = f"snapshot diff: no differences ({len(before.tags)} tags)"
    data = {
        "before": before.name,
        "after": after.name,
        "same": not differences,
        "differences": [d.row() for d in differences],
        "counts": kinds,
    }
    return SnapshotReport(summary, Table(DIFF_COLUMNS, rows), data, ctx.settings)


RESTORE_COLUMNS = ["tag", "value", "live", "type", "action", "status"]


async def snapshot_restore(
    ctx: ShellContext, file: str, dry_run: bool = False, **who: Any
) -> SnapshotReport:
    recorded = await _read_file(file)
    usable = [s for s in recorded.tags if s.ok and s.type not in (None, "empty")]
    live, _ = await read_live(ctx, [s.tag for s in usable])
    rows: list[list[Any]] = []
    planned: dict[bool, list[tuple[list[Any], TagState]]] = {False: [], True: []}
    for want, now in zip(usable, live, strict=True):
        if now.ok and now.type == want.type and Tolerance().same(want.value, now.value):
            continue
        row = [want.tag, want.value, now.value if now.ok else None, want.type, "", ""]
        rows.append(row)
        security = await _security(ctx, want.tag)
        refusal = _refusal(security, who)
        if refusal:
            row[4:] = ["refused", refusal]
        else:
            row[4:] = ["would write" if dry_run else "write", ""]
            planned[security in SECURED].append((row, want))
    if not dry_run:
        credentials = await Credentials.asked(ctx, who) if planned[True] else None
        for secured, entries in planned.items():
            if entries:
                await _write_entries(ctx, entries, credentials if secured else None)
    return _restore_report(ctx, recorded, rows, dry_run)


async def _write_entries(
    ctx: ShellContext, entries: list[tuple[list[Any], TagState]], credentials: Any
) -> None:
    for _, want in entries:
        ctx.notify(f"restore: {want.tag} = {want.value!r} ({want.type})")
    values = [(w.tag, to_mx_value(w.value, w.type)) for _, w in entries]
    results = await write_back(ctx, values, credentials)
    for (row, _), result in zip(entries, results, strict=True):
        row[4:] = ["written", "Ok"] if result.ok else ["failed", why(result)]


async def _security(ctx: ShellContext, tag: str) -> str | None:
    """The tag's security classification as the Galaxy says it, None when unknown (the
    gateway decides, and its refusal is the entry's status)."""
    galaxy = ctx.services.galaxy
    if galaxy is None:
        return None
    try:
        info = await galaxy.attribute_info(tag)
    except CommandFailed:
        return None
    return security_name(info.security) if info is not None else None


def _refusal(security: str | None, who: dict[str, Any]) -> str:
    """Why restore will not write a tag of this classification, '' when it may."""
    if security == "SecuredWrite" and who.get("user"):
        return ""
    if security == "VerifiedWrite" and who.get("user") and who.get("verifier"):
        return ""
    return REFUSED.get(security or "", "")


def _restore_report(
    ctx: ShellContext, recorded: Snapshot, rows: list[list[Any]], dry_run: bool
) -> SnapshotReport:
    actions = [row[4] for row in rows]
    count = {a: actions.count(a) for a in ("write", "would write", "written", "failed", "refused")}
    if dry_run:
        done = f"{count['would write']} to write, {count['refused']} refused; nothing written"
    else:
        done = f"{count['written']} written, {count['failed']} failed, {count['refused']} refused"
    summary = f"snapshot restore: {len(recorded.tags)} tags, {len(rows)} differ: {done}"
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
        raise CommandFailed(summary.removeprefix("snapshot restore: "), result=report)
    return report


ACTIONS = ("save", "diff", "restore")


@snapshot.command(
    "snapshot",
    help="Save many tags' values to a file, compare, and write them back.\n"
    "snapshot save FILE TAGS...   read the tags (ReadBulk; words, a Galaxy glob or "
    "@FILE) and write each one's value, type, quality and timestamp to FILE.jsonl (JSON "
    "lines) or FILE.csv, after a header with the endpoint and the time; a tag that "
    "cannot be read is kept with the reason; the file is the owner's only (0600), an "
    "existing one only with --force.\n"
    "snapshot diff A [B]   compare snapshot A with B, or with the live values of its "
    "tags now: changed values or types, quality changes, tags added and missing "
    "(timestamps are not compared); numbers may move by --tolerance (0.5, or 2% of the "
    "earlier value); exit status 1 when anything differs.\n"
    "snapshot restore FILE   read the tags now, list what differs, and write those "
    "values back once each (WriteBulk, as their recorded type; never retried); "
    "ViewOnly attributes are listed as refused and not sent, and so are SecuredWrite and "
    "VerifiedWrite ones unless --user (and for VerifiedWrite --verifier) is given: those are "
    "written with WriteSecuredBulk, the passwords from --password-env / "
    "--verifier-password-env or asked for with hidden input; --dry-run writes nothing.",
    args=[
        arg("action", choices=list(ACTIONS), help="save, diff or restore"),
        arg("file", metavar="FILE", help="the snapshot (A for diff): FILE.jsonl or FILE.csv"),
        arg(
            "rest",
            nargs="*",
            is_tag=True,
            metavar="TAG|B",
            help="save: the tags (a reference, @FILE or a glob); diff: snapshot B",
        ),
        flag("--force", help="save: overwrite FILE if it exists"),
        arg("--tolerance", metavar="X", help="diff: how far a number may move: 0.5 or 2%"),
        flag("--dry-run", help="restore: list what would be written; write nothing"),
        arg("--user", metavar="NAME", help="restore: who writes SecuredWrite values back"),
        arg("--password-env", metavar="VAR", help="restore: variable holding --user's password"),
        arg("--verifier", metavar="NAME", help="restore: who verifies VerifiedWrite values"),
        arg("--verifier-password-env", metavar="VAR", help="restore: the verifier's password"),
    ],
)
async def snapshot_command(
    ctx: ShellContext,
    action: str,
    file: str,
    rest: list[str],
    force: bool = False,
    tolerance: str | None = None,
    dry_run: bool = False,
    **who: Any,
) -> SnapshotReport:
    usage = {
        "save": "snapshot save FILE TAGS... [--force]",
        "diff": "snapshot diff A [B] [--tolerance X]",
        "restore": "snapshot restore FILE [--dry-run] [--user NAME [--verifier NAME]]",
    }[action]
    misplaced = [
        option
        for option, given, owner in (
            ("--force", force, "save"),
            ("--tolerance", tolerance is not None, "diff"),
            ("--dry-run", dry_run, "restore"),
            *((f"--{k.replace('_', '-')}", v is not None, "restore") for k, v in who.items()),
        )
        if given and owner != action
    ]
    if misplaced:
        raise UsageError(f"snapshot {action} takes no {misplaced[0]}", usage)
    if action == "save":
        if not rest:
            raise UsageError("snapshot save: which tags?", usage)
        return await snapshot_save(ctx, file, rest, force)
    if action == "diff":
        if len(rest) > 1:
            raise UsageError("snapshot diff compares two snapshots at most", usage)
        return await snapshot_diff(ctx, file, rest[0] if rest else None, tolerance)
    if rest:
        raise UsageError("snapshot restore takes one FILE", usage)
    if who.get("verifier") and not who.get("user"):
        raise UsageError("--verifier goes with --user", usage)
    return await snapshot_restore(ctx, file, dry_run, **who)
