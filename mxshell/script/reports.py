"""Reports of a command file's run, for the tools and people after it:

    --report junit:FILE      JUnit XML: a testsuite per file run, a testcase per check
                             and manual step (and per other command that failed)
    --report markdown:FILE   a commissioning record an engineer can sign
    --report json:FILE       the whole run as one JSON document

A report's folder and file are checked when the shell starts (a missing folder or a file
that cannot be written is a usage error before anything runs); the report is written when
the run ends, however it ends. Values are masked as everywhere else: a secret never
reaches a report.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mxshell.output.formatting import rfc3339
from mxshell.output.jsonable import to_data
from mxshell.output.secrets import scrub
from mxshell.script.manual_steps import Answer
from mxshell.script.record import StepRecord, counts
from mxshell.script.steps import Problem

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

KINDS = ("junit", "markdown", "json")


@dataclass(frozen=True)
class ReportTarget:
    """One --report KIND:FILE."""

    kind: str
    path: Path

    @classmethod
    def parse(cls, text: str) -> ReportTarget:
        """`junit:out/results.xml`; ValueError saying what is wrong."""
        kind, colon, path = text.partition(":")
        if not colon or kind not in KINDS or not path:
            raise ValueError(
                f"--report {text!r}: write it as KIND:FILE, KIND one of {', '.join(KINDS)}"
            )
        return cls(kind, Path(path).expanduser())

    def check_writable(self) -> None:
        """ValueError, naming the file, when it cannot be written: known before the run."""
        folder = self.path.parent
        if not folder.is_dir():
            raise ValueError(f"report {self.path}: the folder {folder} does not exist")
        if self.path.is_dir():
            raise ValueError(f"report {self.path}: is a folder")
        if self.path.exists() and not os.access(self.path, os.W_OK):
            raise ValueError(f"report {self.path}: the file cannot be written (permission)")
        if not self.path.exists() and not os.access(folder, os.W_OK | os.X_OK):
            raise ValueError(f"report {self.path}: the folder {folder} cannot be written")


@dataclass
class RunFacts:
    """What a report tells: the run's records and the facts around them."""

    source: str | None
    started: datetime
    ended: datetime
    status: int
    records: list[StepRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    endpoint: str | None = None
    session_id: str | None = None
    interrupted: bool = False
    secrets: Collection[str] = ()
    connection: str | None = None  # the named connection of one run of a fleet

    @property
    def label(self) -> str:
        label = self.source or "-c"
        return f"{label} on {self.connection}" if self.connection else label

    @property
    def elapsed(self) -> float:
        return max((self.ended - self.started).total_seconds(), 0.0)

    def listed(self) -> list[StepRecord]:
        """What a report lists one by one: checks, manual steps, and any other command
        that failed (a write refused, Ctrl-C): a failure is never left out."""
        return [r for r in self.records if r.kind != "command" or not r.outcome.ok]


def write_reports(
    targets: Sequence[ReportTarget], facts: RunFacts | Sequence[RunFacts]
) -> list[str]:
    """Write every report (of one run, or of a fleet's runs: one per connection); the
    one-line errors of those that could not be written."""
    runs = [facts] if isinstance(facts, RunFacts) else list(facts)
    errors = []
    for target in targets:
        if target.kind == "junit":
            text = junit(*runs)
        elif target.kind == "markdown":
            text = "\n".join(markdown(run) for run in runs)
        elif len(runs) == 1:
            text = as_json(runs[0])
        else:
            text = fleet_json(runs)
        try:
            target.path.write_text(text, encoding="utf-8")
        except OSError as error:
            errors.append(f"report {target.path} could not be written: {error.strerror or error}")
    return errors


# JUnit XML -------------------------------------------------------------------------------


def junit(*runs: RunFacts) -> str:
    """JUnit XML as CI servers read it (the schema of Jenkins' and GitLab's readers): a
    testsuite per run (a fleet's runs: one per connection)."""
    import xml.etree.ElementTree as ET  # here: a shell that writes no report never pays for it

    suites = ET.Element("testsuites", name="mxshell")
    totals = [0, 0, 0]
    for facts in runs:
        tests, failures, errors = _suite(suites, facts)
        totals = [totals[0] + tests, totals[1] + failures, totals[2] + errors]
    suites.set("tests", str(totals[0]))
    suites.set("failures", str(totals[1]))
    suites.set("errors", str(totals[2]))
    elapsed = max(r.ended for r in runs) - min(r.started for r in runs)
    suites.set("time", f"{max(elapsed.total_seconds(), 0.0):.3f}")
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def _suite(suites: ET.Element, facts: RunFacts) -> tuple[int, int, int]:
    """One run's testsuite; its (tests, failures, errors)."""
    import xml.etree.ElementTree as ET

    listed = facts.listed()
    failures = sum(1 for r in listed if not r.outcome.ok and r.kind != "command")
    errors = sum(1 for r in listed if not r.outcome.ok and r.kind == "command")
    errors += len(facts.problems)
    tests = len(listed) + len(facts.problems)
    suite = ET.SubElement(suites, "testsuite", name=facts.label, tests=str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
    suite.set("time", f"{facts.elapsed:.3f}")
    suite.set("timestamp", facts.started.replace(tzinfo=None).isoformat(timespec="seconds"))
    suite.set("hostname", socket.gethostname())
    properties = ET.SubElement(suite, "properties")
    named = (("connection", facts.connection), ("endpoint", facts.endpoint))
    for name, value in (*named, ("session_id", facts.session_id)):
        if value:
            ET.SubElement(properties, "property", name=name, value=value)
    ET.SubElement(properties, "property", name="exit_status", value=str(facts.status))
    for problem in facts.problems:
        case = _case(suite, scrub(problem.message, facts.secrets), problem, problem.line, 0.0)
        error = ET.SubElement(case, "error", message=scrub(str(problem), facts.secrets))
        error.set("type", "problem")
        error.text = "found before the run: nothing was run"
    for record in listed:
        outcome = record.outcome
        name = scrub(record.name, facts.secrets)
        case = _case(suite, name, record.step, record.step.line, outcome.elapsed)
        if outcome.ok:
            continue
        tag = "error" if record.kind == "command" else "failure"
        element = ET.SubElement(case, tag, message=outcome.describe())
        element.set("type", outcome.command)
        element.text = _observed_text(record, facts.secrets)
    return tests, failures, errors


def _case(suite: ET.Element, name: str, where: Any, line: int, elapsed: float) -> ET.Element:
    import xml.etree.ElementTree as ET

    case = ET.SubElement(suite, "testcase", name=name, classname=where.source or "-c")
    case.set("file", where.source or "-c")
    case.set("line", str(line))
    case.set("time", f"{elapsed:.3f}")
    return case


def _observed_text(record: StepRecord, secrets: Collection[str]) -> str:
    data = _data(record, secrets)
    lines = [f"{record.step.where or 'line ' + str(record.step.line)}: {record.outcome.line}"]
    for key in ("item", "expected", "condition", "value", "quality", "timestamp", "answer"):
        if data.get(key) is not None:
            lines.append(f"{key}: {data[key]}")
    return "\n".join(lines)


# Markdown ----------------------------------------------------------------------------------


def markdown(facts: RunFacts) -> str:
    """A commissioning record: the run, each check with what was observed, each manual
    step with its answer, and room to sign."""
    counted = counts(facts.records)
    passed = facts.status == 0
    lines = [
        f"# Commissioning record: {_cell(facts.label)}",
        "",
        "| | |",
        "|---|---|",
        f"| File | {_cell(facts.source or '-c')} |",
        *([f"| Connection | {_cell(facts.connection)} |"] if facts.connection else []),
        f"| Gateway | {_cell(facts.endpoint or 'embedded simulated gateway')} |",
        f"| Session | {_cell(facts.session_id or '-')} |",
        f"| Started | {rfc3339(facts.started)} |",
        f"| Ended | {rfc3339(facts.ended)} |",
        f"| Result | {'PASSED' if passed else 'FAILED'} (exit status {facts.status}) |",
        f"| Checks | {counted['checks_passed']} passed, {counted['checks_failed']} failed |",
    ]
    if facts.interrupted:
        lines.append("| Note | the run was interrupted before its end |")
    checks = [r for r in facts.records if r.kind == "check"]
    lines += ["", "## Checks", ""]
    if checks:
        lines += [
            "| Line | Check | Value | Quality | Timestamp | Result |",
            "|---|---|---|---|---|---|",
        ]
        for record in checks:
            data = _data(record, facts.secrets)
            lines.append(
                f"| {record.step.line} | {_cell(record.name)} | {_cell(data.get('value'))} "
                f"| {_cell(data.get('quality'))} | {_cell(data.get('timestamp'))} "
                f"| {_cell(_result(record, 'pass', facts.secrets))} |"
            )
    else:
        lines.append("No checks ran.")
    steps = [r for r in facts.records if r.kind == "manual"]
    if steps:
        lines += ["", "## Manual steps", "", "| Line | Step | Answer | From | At | Result |"]
        lines.append("|---|---|---|---|---|---|")
        for record in steps:
            data = _data(record, facts.secrets)
            lines.append(
                f"| {record.step.line} | {record.outcome.command}: {_cell(record.name)} "
                f"| {_cell(data.get('answer'))} | {_cell(data.get('source'))} "
                f"| {_cell(data.get('at'))} | {_cell(_result(record, 'done', facts.secrets))} |"
            )
    others = [r for r in facts.records if r.kind == "command" and not r.outcome.ok]
    if others or facts.problems:
        lines += ["", "## Other failures", ""]
        lines += [f"- {_cell(str(p))}" for p in facts.problems]
        lines += [
            f"- line {r.step.line}: {_cell(scrub(r.outcome.describe(), facts.secrets))}"
            for r in others
        ]
    lines += ["", "## Sign-off", "", "| Role | Name | Date | Signature |", "|---|---|---|---|"]
    lines += ["| Commissioning engineer | | | |", "| Witness | | | |", ""]
    return "\n".join(lines)


def _data(record: StepRecord, secrets: Collection[str]) -> dict[str, Any]:
    """A record's data as plain, masked values (empty when it has none)."""
    data = to_data(record.data, secrets)
    return data if isinstance(data, dict) else {}


def _result(record: StepRecord, ok: str, secrets: Collection[str]) -> str:
    return ok if record.outcome.ok else scrub(f"**FAIL**: {record.outcome.error}", secrets)


def _cell(value: Any) -> str:
    """A value as one Markdown table cell: no pipe or newline breaks the table."""
    if value is None:
        return "-"
    text = str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


# JSON ------------------------------------------------------------------------------------


def as_json(facts: RunFacts) -> str:
    """The run as one JSON document: facts, counts, every check, manual step and failed
    command, problems, answers."""
    return json.dumps(to_data(_document(facts), facts.secrets), indent=2, sort_keys=True) + "\n"


def fleet_json(runs: Sequence[RunFacts]) -> str:
    """A fleet's runs as one JSON document: the worst status, and each run's document
    (with its connection) as as_json gives it."""
    document = {"status": max(r.status for r in runs), "runs": [_document(r) for r in runs]}
    secrets = frozenset(s for r in runs for s in r.secrets)
    return json.dumps(to_data(document, secrets), indent=2, sort_keys=True) + "\n"


def _document(facts: RunFacts) -> dict[str, Any]:
    return {
        "source": facts.source,
        "connection": facts.connection,
        "endpoint": facts.endpoint,
        "session_id": facts.session_id,
        "started": facts.started,
        "ended": facts.ended,
        "status": facts.status,
        "interrupted": facts.interrupted,
        **counts(facts.records),
        "commands": [
            {
                "line": r.step.line,
                "source": r.step.source,
                "command": r.outcome.command,
                "kind": r.kind,
                "name": r.name,
                "ok": r.outcome.ok,
                "error": r.outcome.error,
                "started": r.started,
                "elapsed_s": round(r.outcome.elapsed, 6),
                "deferred": r.deferred,
                "result": r.data,
            }
            for r in facts.records
        ],
        "problems": [
            {"source": p.source, "line": p.line, "message": p.message} for p in facts.problems
        ],
        "answers": [a.as_data() for a in facts.answers],
    }
