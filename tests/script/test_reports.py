"""--report junit:/markdown:/json: written at the end of every run however it ends, read
back with the parsers other tools use (junitparser as a CI server reads JUnit, json),
and refused at start-up when they could not be written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from junitparser import Error, Failure, JUnitXml

from mxshell.sim import EmbeddedGateway
from tests.conftest import shell_env
from tests.script.conftest import LAUNCH, launch, wait_for_line

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"

CHECKS = """\
set password --secret s3cret-value-42
expect Tank1.Capacity > 0 -m "capacity is configured"
expect Tank1.Capacity < 0 -m "capacity is negative"
assert 102 == 100 --tolerance 2%
for pump in Pump1 Pump2
  expect ${pump}.Speed.Max == 1800
end
confirm "Pumps sound normal?" --id field
prompt reading "Gauge reads?" --id gauge
write NoSuch.Tag 1
echo password ${password}
"""


def run_cli(
    tmp_path: Path, gateway: EmbeddedGateway, *args: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", LAUNCH, "--endpoint", gateway.endpoint, "--plaintext"]
        + ["--api-key-env", "MX_KEY", *args],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        env=shell_env(tmp_path, MX_KEY=gateway.api_key),
    )


@pytest.fixture
def reported(
    tmp_path: Path, gateway: EmbeddedGateway
) -> tuple[subprocess.CompletedProcess[str], Path]:
    script = tmp_path / "site-acceptance.mxsh"
    script.write_text(CHECKS)
    answers = tmp_path / "answers.toml"
    answers.write_text('field = true\ngauge = "12.5"\n')
    run = run_cli(
        tmp_path,
        gateway,
        "--no-validate",  # the unknown tag is to fail at run time, as an error in the reports
        "--on-error",
        "continue",
        "--answers",
        str(answers),
        "--report",
        f"junit:{tmp_path / 'results.xml'}",
        "--report",
        f"markdown:{tmp_path / 'record.md'}",
        "--report",
        f"json:{tmp_path / 'run.json'}",
        "-f",
        str(script),
    )
    return run, script


def test_junit_loads_in_junitparser_with_a_testcase_per_check_and_manual_step(
    reported: tuple[subprocess.CompletedProcess[str], Path], tmp_path: Path
) -> None:
    run, script = reported
    assert run.returncode == 1, run.stderr
    xml = JUnitXml.fromfile(str(tmp_path / "results.xml"))
    (suite,) = list(xml)
    assert suite.name == str(script)
    cases = {case.name: case for case in suite}
    assert list(cases) == [
        "capacity is configured",
        "capacity is negative",
        "assert 102 == 100 ±2%",
        "expect Pump1.Speed.Max == 1800",
        "expect Pump2.Speed.Max == 1800",
        "Pumps sound normal?",
        "Gauge reads?",
        "write NoSuch.Tag 1",
    ]
    assert all(case.classname == str(script) for case in suite)
    failed = cases["capacity is negative"]
    (failure,) = failed.result
    assert isinstance(failure, Failure)
    assert failure.message.startswith("expect: capacity is negative (Tank1.Capacity is 25000")
    assert "value: 25000" in failure.text and "quality: Good (192)" in failure.text
    assert "timestamp: " in failure.text
    (error,) = cases["write NoSuch.Tag 1"].result
    assert isinstance(error, Error)
    assert cases["capacity is configured"].result == []
    assert suite.tests == 8 and suite.failures == 1 and suite.errors == 1
    assert failed._elem.get("line") == "3"  # noqa: SLF001 - the attribute CI links to


def test_the_markdown_record_lists_checks_with_what_was_seen_and_answers(
    reported: tuple[subprocess.CompletedProcess[str], Path],
    tmp_path: Path,
    gateway: EmbeddedGateway,
) -> None:
    record = (tmp_path / "record.md").read_text()
    assert record.startswith("# Commissioning record: ")
    assert f"| Gateway | {gateway.endpoint} |" in record
    assert "| Result | FAILED (exit status 1) |" in record
    assert "| Checks | 4 passed, 1 failed |" in record
    rows = [line for line in record.splitlines() if line.startswith("| 3 |")]
    assert rows and "25000" in rows[0] and "Good (192)" in rows[0] and "**FAIL**" in rows[0]
    assert "| confirm: Pumps sound normal? | yes | answers |" in record
    assert "| prompt: Gauge reads? | 12.5 | answers |" in record
    assert "## Sign-off" in record
    for line in record.splitlines():
        if line.startswith("|"):
            assert line.count("|") - line.count("\\|") in (3, 5, 7), line  # no broken rows


def test_the_json_report_is_the_whole_run_and_keeps_secrets_out(
    reported: tuple[subprocess.CompletedProcess[str], Path], tmp_path: Path
) -> None:
    document = json.loads((tmp_path / "run.json").read_text())
    assert document["status"] == 1 and document["checks_failed"] == 1
    assert [c["command"] for c in document["commands"]][:3] == ["expect", "expect", "assert"]
    assert [a["answer"] for a in document["answers"]] == ["yes", "12.5"]
    for path in ("run.json", "record.md", "results.xml"):
        assert "s3cret-value-42" not in (tmp_path / path).read_text(), path


def test_the_loop_check_example_runs_with_junit_and_markdown_reports(
    tmp_path: Path, gateway: EmbeddedGateway
) -> None:
    run = run_cli(
        tmp_path,
        gateway,
        "--yes",
        "--report",
        f"junit:{tmp_path / 'loop.xml'}",
        "--report",
        f"markdown:{tmp_path / 'loop.md'}",
        "-f",
        str(EXAMPLES / "loop-check.mxsh"),
    )
    assert run.returncode == 0, run.stderr
    (suite,) = list(JUnitXml.fromfile(str(tmp_path / "loop.xml")))
    assert suite.failures == 0 and suite.errors == 0 and suite.tests >= 10
    assert "expect Pump3.Speed between 0 and 1800.0" not in [c.name for c in suite]
    assert "| Result | PASSED (exit status 0) |" in (tmp_path / "loop.md").read_text()


def test_a_report_is_written_after_ctrl_c_too(tmp_path: Path, gateway: EmbeddedGateway) -> None:
    import signal
    import time

    script = tmp_path / "slow.mxsh"
    script.write_text('expect Tank1.Capacity > 0 -m "before"\necho started\nsleep 30\n')
    report = f"junit:{tmp_path / 'r.xml'}"
    child = launch(
        tmp_path, gateway.endpoint, gateway.api_key, "--report", report, "-f", str(script)
    )
    try:
        wait_for_line(child, "started")
        time.sleep(0.3)
        child.send_signal(signal.SIGINT)
        child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == 130
    (suite,) = list(JUnitXml.fromfile(str(tmp_path / "r.xml")))
    names = [case.name for case in suite]
    assert names == ["before", "sleep 30"]
    assert suite.errors == 1  # the interrupted command


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("junit:{tmp}/missing/r.xml", "the folder {tmp}/missing does not exist"),
        ("junit:{tmp}", "is a folder"),
        ("xml:{tmp}/r.xml", "write it as KIND:FILE, KIND one of junit, markdown, json"),
    ],
)
def test_a_report_that_cannot_be_written_is_refused_at_start_up(
    tmp_path: Path, target: str, message: str
) -> None:
    run = subprocess.run(
        [sys.executable, "-c", LAUNCH, "--report", target.format(tmp=tmp_path), "-c", "echo hi"],
        capture_output=True,
        text=True,
        timeout=60,
        env=shell_env(tmp_path),
    )
    assert run.returncode == 2 and run.stdout == ""
    assert message.format(tmp=tmp_path) in run.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_report_the_disk_refuses_is_said_and_the_run_is_not_lost(
    tmp_path: Path, gateway: EmbeddedGateway
) -> None:
    run = run_cli(tmp_path, gateway, "--report", "json:/dev/full", "-c", "echo the run itself")
    assert run.stdout.strip() == "the run itself"
    assert run.returncode == 1
    assert run.stderr.strip() == (
        "mxshell: report /dev/full could not be written: No space left on device"
    )
