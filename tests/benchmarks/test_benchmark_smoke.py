"""Each benchmark runs at a tiny size, so the suite notices when one rots."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def run_benchmark(name: str) -> str:
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / name), "--smoke"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def test_event_ingest_benchmark_reports_a_floor_a_figure_and_a_ratio() -> None:
    out = run_benchmark("event_ingest.py")
    assert re.search(r"floor [\d,.]+ events/s, mxshell [\d,.]+ events/s, ratio \d+\.\d\d", out)
    assert re.search(
        r"event ingest with the watch view open on 100 of the items: floor [\d,.]+ events/s, "
        r"mxshell [\d,.]+ events/s, ratio \d+\.\d\d",
        out,
    ), out


def test_startup_benchmark_reports_both_times_and_a_ratio() -> None:
    out = run_benchmark("startup.py")
    assert re.search(r"first prompt .*floor \d+ ms, mxshell \d+ ms, ratio \d+\.\d\d", out)
    assert re.search(r"ready .*floor \d+ ms, mxshell \d+ ms, ratio \d+\.\d\d", out), out


def test_script_dispatch_benchmark_reports_commands_per_second() -> None:
    out = run_benchmark("script_dispatch.py")
    assert re.search(r"script dispatch: 160 commands in [\d.]+ s, [\d,]+ commands/s", out)


def test_read_bulk_benchmark_reports_latencies_client_cpu_and_a_ratio() -> None:
    out = run_benchmark("read_bulk.py")
    # Each path beside its own floor: read-bulk's calls, and bench-read-bulk's one call.
    assert re.search(r"^floor \(raw stub\) ms per read: p50 [\d.]+", out, re.MULTILINE)
    assert re.search(r"^floor, one call \(raw stub\) ms per read: p50 [\d.]+", out, re.MULTILINE)
    for name in ("bench-read-bulk", "read-bulk"):
        assert re.search(rf"client CPU per read of 50 tags, {name} .*ratio \d+\.\d\d", out)
    # The command's own CPU is a goal; with its table rendered (rows built then), a figure.
    assert re.search(r"client CPU .*, read-bulk \(means per read\).*\(goal <= 1\.5\)", out)
    assert re.search(r"client CPU .*, read-bulk and its table rendered .*ratio \d+\.\d\d", out)
    # Beside the goal's floor, one that also reads each answer's verdict.
    checked = (
        r"^against the floor that also reads each entry's was_successful \(informative\): "
        r"floor [\d.]+ ms, ratio [\d.]+$"
    )
    assert re.search(checked, out, re.MULTILINE), out
    assert re.search(
        r"read-bulk of 50 tags .*floor [\d.]+ ms, mxshell [\d.]+ ms, ratio \d+\.\d\d", out
    )


def test_write_bulk_benchmark_reports_latencies_client_cpu_and_a_ratio() -> None:
    out = run_benchmark("write_bulk.py")
    assert re.search(r"^floor \(raw stub\) ms per write: p50 [\d.]+", out, re.MULTILINE)
    assert re.search(r"^bare floor \(raw stub, no event stream\) ms per write: p50", out, re.M)
    assert re.search(r"^mxshell \(write-bulk\) ms per write: p50 [\d.]+", out, re.MULTILINE)
    figure = r"client CPU per write-bulk of 50 values and their OnWriteComplete .*: floor [\d.]+ ms"
    assert re.search(figure + r", mxshell [\d.,]+ ms, ratio \d+\.\d\d \(goal <= 1\.5\)", out), out
    assert re.search(r"^against the bare floor .*: floor [\d.]+ ms, ratio \d+\.\d\d$", out, re.M)


def test_discover_rss_benchmark_reports_peak_memory_and_its_growth() -> None:
    out = run_benchmark("discover_rss.py")
    assert len(re.findall(r"floor paged [\d,]+ attributes; mxshell said: \S", out)) == 2
    assert len(re.findall(r"peak RSS floor [\d.]+ MiB, mxshell .* [\d.]+ MiB, ratio \d", out)) == 2
    assert re.search(r"peak RSS growth 2,000 -> 20,000 attributes: floor [+-][\d.]+%, mxshell", out)


def test_completion_benchmark_reports_percentiles_and_a_ratio_to_the_goal() -> None:
    out = run_benchmark("completion.py")
    assert re.search(r"completion at [\d,]+ attributes .*p50 [\d.]+ ms, p99 [\d.]+ ms", out)
    assert re.search(r"ratio \d+\.\d\d of the goal \(p99 <= 5 ms\)", out)
    build = r"index built over the wire: floor \(raw stub paging\) [\d.]+ s, mxshell [\d.]+ s"
    assert re.search(build + r", ratio \d+\.\d\d \(goal <= 1\.2\)", out), out


def test_expect_lines_benchmark_reports_a_floor_a_figure_and_a_ratio() -> None:
    out = run_benchmark("expect_lines.py")
    figure = r"expect lines \(20 tags\): floor [\d.]+ s, mxshell [\d.]+ s, ratio \d+\.\d\d"
    assert re.search(figure, out), out


def test_long_file_benchmark_reports_peak_memory_and_commands_per_second() -> None:
    out = run_benchmark("long_file.py")
    figure = r"long file \(2,000 echo lines\): floor \(one line\) [\d.]+ MB .* ratio \d+\.\d\d"
    assert re.search(figure, out), out
    assert re.search(r"peak RSS \d+ MB \(goal < 300\), [\d,]+ commands/s", out), out


def test_the_suite_runner_knows_every_benchmark_script() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--list"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    listed = run.stdout.split()
    scripts = {p.stem for p in (ROOT / "benchmarks").glob("*.py")} - {"harness", "run_all"}
    assert scripts <= set(listed), f"run_all.py does not run {sorted(scripts - set(listed))}"


def test_snapshot_save_benchmark_reports_a_floor_a_figure_and_a_ratio() -> None:
    out = run_benchmark("snapshot_save.py")
    figure = r"snapshot save of 50 tags \(2 saves, medians\): floor [\d.]+ ms, mxshell [\d.]+ ms"
    assert re.search(figure + r", ratio \d+\.\d\d \(goal <= 1\.2\)", out), out


def test_fleet_benchmark_reports_the_slowest_single_run_the_fleet_and_a_ratio() -> None:
    out = run_benchmark("fleet.py")
    assert re.search(r"single runs, s: [\d.]+, [\d.]+\n", out), out
    figure = r"fleet run of a 30-line file on 2 gateways vs the slowest single run .*"
    assert re.search(figure + r"ratio \d+\.\d\d \(goal <= 1\.5\)", out), out


def test_watch_view_benchmark_reports_cpu_open_and_closed_and_keypress_p99() -> None:
    out = run_benchmark("watch_view.py")
    assert re.search(
        r"watch view CPU \(50 items, [\d,]+ changes/s watched\): closed \d+\.\d{3} cores, "
        r"open \d+\.\d{3} cores, view cost -?\d+\.\d{3} cores, ratio \d+\.\d\d",
        out,
    ), out
    assert re.search(
        r"watch view keypress echo \(10 keys\): closed p99 [\d.]+ ms, open p99 [\d.]+ ms, "
        r"ratio \d+\.\d\d",
        out,
    ), out


def test_watch_setup_benchmark_reports_the_time_to_the_first_table() -> None:
    out = run_benchmark("watch_setup.py")
    assert re.search(r"watch @FILE --once over 20 tags: first table in [\d,]+ ms \(median", out)
