"""The console script's flags, config file and non-interactive modes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mxshell.app.cli import main, parse_launch
from mxshell.app.config import ConfigError, FileConfig, load_config
from mxshell.sim import EmbeddedGateway
from tests.conftest import shell_env

LAUNCH = "import sys; from mxshell.app.cli import main; sys.exit(main())"


def run_cli(
    tmp_path: Path, *args: str, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", LAUNCH, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=shell_env(tmp_path, **env),
    )


def one_command_module(folder: Path, module: str, command: str, body: str) -> None:
    """A plugin module in folder declaring one command whose body is the given lines."""
    (folder / f"{module}.py").write_text(
        "from mxshell.api import command, hookimpl\n\n"
        f'@command("{command}", help="A test command.")\n'
        "async def run(ctx):\n"
        f"{body}\n\n"
        "@hookimpl\n"
        "def register_commands(register):\n"
        "    register(run)\n"
    )


def test_tls_and_plaintext_together_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--endpoint", "gw:5001", "--tls", "--plaintext"]) == 2
    err = capsys.readouterr().err
    assert "not allowed with argument" in err and err.count("\n") == 1


def test_a_remote_endpoint_is_tls_unless_plaintext_is_asked_for() -> None:
    assert parse_launch(["--endpoint", "gw:5001"], FileConfig()).target.plaintext is False
    assert parse_launch(["--endpoint", "gw:5001", "--plaintext"], FileConfig()).target.plaintext


def test_flags_override_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('endpoint = "plant:5001"\noutput = "json"\napi_key_env = "PLANT_KEY"\n')
    config = load_config(path)
    options = parse_launch(["--endpoint", "other:5002"], config)
    assert options.target.endpoint == "other:5002"
    assert options.target.api_key_env == "PLANT_KEY"
    assert options.output == "json"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('output = "yaml"', "output must be one of table, vertical, csv, tsv, json, plain"),
        ('api_key = "s3cret"', "api_key does not belong in a file"),
        ("history_size = 'many'", "history_size must be a whole number"),
        ("endpoint = ", "Invalid value"),
        ('disabled_plugins = "trend"', "disabled_plugins must be a list"),
        ("disabled_plugins = [1]", "disabled_plugins must be a list of names"),
        ('style = "monokia"', "style: 'monokia' is not an installed pygments style; styles: "),
    ],
)
def test_a_bad_config_file_is_one_clear_error_naming_the_file(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(path) in str(error.value) and problem in str(error.value)
    assert "s3cret" not in str(error.value)


def test_an_unknown_config_key_is_a_warning_naming_the_file_and_start_up_goes_on(
    tmp_path: Path,
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('colour = 1\noutput = "json"\n[plugins]\ntrend = 3\n')
    config = load_config(path)
    assert config.output == "json"  # the rest of the file still counts
    assert config.warnings == [
        f"{path}: unknown setting 'colour' ignored (known: endpoint, plaintext, tls, ca_file, "
        "server_name_override, api_key_env, output, timestamps, history_size, "
        "disabled_plugins, wrap, pager, precision, debug, timing, stop_on_error, events, "
        "style, event_backlog, and [connections.NAME] and [plugins.NAME] tables)",
        f"{path}: plugins.trend must be a [plugins.trend] table; ignored",
    ]


def test_dash_c_runs_commands_and_exits_with_the_worst_status(tmp_path: Path) -> None:
    ok = run_cli(tmp_path, "-c", "echo hello; version")
    assert ok.returncode == 0, ok.stderr
    assert "hello" in ok.stdout
    failed = run_cli(tmp_path, "--no-validate", "-c", "read No.Such.Tag --timeout 1")
    assert failed.returncode == 1
    assert failed.stderr.strip().splitlines()[-1].startswith("read: ")
    assert "Traceback" not in failed.stderr
    usage = run_cli(tmp_path, "-c", "read")
    assert usage.returncode == 2


def test_commands_piped_on_stdin_run_as_a_file_and_stop_at_the_first_failure(
    tmp_path: Path,
) -> None:
    run = run_cli(
        tmp_path, "--no-validate", stdin="echo one\nread No.Such.Tag --timeout 1\necho never\n"
    )
    assert run.returncode == 1
    assert "one" in run.stdout and "never" not in run.stdout
    assert run.stderr.startswith("<stdin>:2: read: ")


def test_piped_commands_are_checked_whole_before_any_runs(tmp_path: Path) -> None:
    run = run_cli(tmp_path, stdin="echo one\nnosuch-command\necho never\n")
    assert run.returncode == 2
    assert run.stdout == ""
    assert "<stdin>:2: nosuch-command: unknown command" in run.stderr


def test_json_mode_prints_one_object_per_command(tmp_path: Path) -> None:
    import json

    run = run_cli(tmp_path, "--json", "-c", "echo a; echo b")
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [line["command"] for line in lines] == ["echo", "echo"]
    assert all(line["ok"] for line in lines)


def test_an_unreachable_endpoint_fails_in_one_line(tmp_path: Path) -> None:
    run = run_cli(tmp_path, "--endpoint", "127.0.0.1:1", "--plaintext", "-c", "status")
    assert run.returncode == 1
    assert run.stderr.strip().count("\n") == 0, run.stderr
    assert run.stderr.startswith("cannot connect to 127.0.0.1:1")


def test_a_missing_api_key_variable_is_named(tmp_path: Path) -> None:
    run = run_cli(
        tmp_path, "--endpoint", "127.0.0.1:1", "--api-key-env", "NO_SUCH_VAR_X", "-c", "status"
    )
    assert run.returncode == 1
    assert "NO_SUCH_VAR_X is not set" in run.stderr


# command files -------------------------------------------------------------------------


def test_a_command_file_gets_its_arguments_and_exits_0_1_or_2(tmp_path: Path) -> None:
    script = tmp_path / "check.mxsh"
    script.write_text("echo tank $1\nexpect ${1}.Capacity == ${2}\necho done\n")
    ok = run_cli(tmp_path, "-f", str(script), "Tank1", "25000")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines()[0] == "tank Tank1" and "done" in ok.stdout
    failed = run_cli(tmp_path, "-f", str(script), "Tank1", "1")
    assert failed.returncode == 1 and "done" not in failed.stdout
    assert failed.stderr.startswith(f"{script}:2: expect: Tank1.Capacity is 25000")
    usage = run_cli(tmp_path, "-f", str(script), "Tank1")
    assert usage.returncode == 2 and usage.stdout == ""
    assert usage.stderr.splitlines() == [
        f"{script}:2: ${{2}}: no argument 2 (1 was given)",
        f"{script}: 1 problem found; nothing was run",
    ]


def test_on_error_continue_and_json_lines_for_a_file(tmp_path: Path) -> None:
    import json

    script = tmp_path / "all.mxsh"
    script.write_text("assert 1 == 2\necho still here\n")
    run = run_cli(tmp_path, "--json", "--on-error", "continue", "-f", str(script))
    assert run.returncode == 1
    *objects, summary = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(o["line"], o["ok"]) for o in objects] == [(1, False), (2, True)]
    assert objects[0]["error"] == "1 == 2 does not hold" and objects[1]["result"] == "still here"
    assert summary == {
        "summary": {
            "source": str(script),
            "commands_run": 2,
            "commands_failed": 1,
            "checks_passed": 0,
            "checks_failed": 1,
            "manual_steps": 0,
            "failures": [f"{script}:1"],
            "problems": 0,
            "interrupted": False,
            "status": 1,
        }
    }
    assert run.stderr.strip() == f"{script}: 1 of 2 commands failed (line 1)"


def test_ctrl_c_stops_a_file_and_closes_the_gateway_session(
    tmp_path: Path, fresh_gateway: EmbeddedGateway
) -> None:
    import signal
    import time

    script = tmp_path / "slow.mxsh"
    script.write_text("advise Tank1.Level\necho started\nsleep 60\necho never\n")
    env = shell_env(tmp_path, MXSHELL_TEST_KEY=fresh_gateway.api_key)
    endpoint = ["--endpoint", fresh_gateway.endpoint, "--plaintext", "--api-key-env"]
    child = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, *endpoint, "MXSHELL_TEST_KEY", "-f", str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert child.stdout is not None
        while "started" not in child.stdout.readline():
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
        assert len(fresh_gateway.gateway.open_session_ids()) == 1
        time.sleep(0.2)  # into the sleep
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=20)
    finally:
        child.kill()
    assert child.returncode == 130
    assert "never" not in out and "Traceback" not in err
    assert err.strip().splitlines()[-2:] == [
        f"{script}:3: sleep: interrupted (Ctrl-C); the rest of the run is skipped",
        f"{script}: 1 of 3 commands failed (line 3); interrupted (Ctrl-C)",
    ]
    assert fresh_gateway.gateway.open_session_ids() == []


# choosing plugins ----------------------------------------------------------------------


def plugin_rows(run: subprocess.CompletedProcess[str]) -> dict[str, dict[str, object]]:
    """The `plugins` rows of a `--json -c ...; plugins` run, by name."""
    import json

    (listing,) = [o for o in map(json.loads, run.stdout.splitlines()) if o["command"] == "plugins"]
    return {row["name"]: row for row in listing["result"]["rows"]}


def test_plugin_loads_a_module_by_import_name_without_installing_it(tmp_path: Path) -> None:
    import json

    hello = '    return "hello from --plugin"'
    one_command_module(tmp_path, "mxtest_cli_hello", "hello-cli", hello)
    args = ["--plugin", "mxtest_cli_hello", "--json", "-c", "hello-cli; plugins"]
    run = run_cli(tmp_path, *args, PYTHONPATH=str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.splitlines()[0])["result"] == "hello from --plugin"
    row = plugin_rows(run)["mxtest_cli_hello"]
    assert (row["source"], row["status"], row["commands"]) == ("--plugin", "loaded", ["hello-cli"])
    assert run.stderr == ""


def test_two_plugins_claiming_one_command_say_so_once_each_and_exit_2(tmp_path: Path) -> None:
    one_command_module(tmp_path, "mxtest_cli_twin_a", "twin", '    return "a"')
    one_command_module(tmp_path, "mxtest_cli_twin_b", "twin", '    return "b"')
    args = ["--plugin", "mxtest_cli_twin_a", "--plugin", "mxtest_cli_twin_b", "-c", "twin"]
    run = run_cli(tmp_path, *args, PYTHONPATH=str(tmp_path))
    assert run.returncode == 2
    lines = run.stderr.splitlines()
    assert len(lines) == 2, run.stderr  # the conflict once, then what to do
    assert lines[0].startswith("plugin mxtest_cli_twin_b: ") and "twin" in lines[0]
    assert lines[1] == "mxshell: two plugins claim the same command; uninstall or fix one"


def test_a_plugin_module_that_cannot_import_is_one_line_and_the_shell_runs(
    tmp_path: Path,
) -> None:
    run = run_cli(tmp_path, "--plugin", "mxtest_no_such_module", "-c", "echo alive")
    assert run.returncode == 0
    assert run.stdout.strip() == "alive"
    assert run.stderr.splitlines() == [
        "plugin mxtest_no_such_module: failed to import mxtest_no_such_module: "
        "ModuleNotFoundError: No module named 'mxtest_no_such_module'"
    ]


def test_no_plugins_hides_the_installed_example_plugin(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "-c", "help trend").returncode == 0  # installed: it is there
    hidden = run_cli(tmp_path, "--no-plugins", "-c", "trend Tank1.Level --seconds 1")
    assert hidden.returncode == 2
    assert "trend: unknown command" in hidden.stderr and "Traceback" not in hidden.stderr
    listing = run_cli(tmp_path, "--no-plugins", "--json", "-c", "plugins")
    rows = plugin_rows(listing)
    assert rows["trend"]["status"] == "skipped (--no-plugins)"
    assert rows["mxaccess"]["status"] == "loaded" and "read" in rows["mxaccess"]["commands"]


def test_the_config_file_disables_plugins_and_warns_about_unknown_names(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text('disabled_plugins = ["trend", "trnd"]\n')
    run = run_cli(tmp_path, "--json", "-c", "plugins")
    assert run.returncode == 0, run.stderr
    assert plugin_rows(run)["trend"]["status"] == "disabled (config)"
    assert run.stderr.splitlines() == [
        "disabled_plugins: no installed plugin is named 'trnd'; ignored"
    ]
    gone = run_cli(tmp_path, "-c", "trend Tank1.Level --seconds 1")
    assert gone.returncode == 2 and "trend: unknown command" in gone.stderr


def test_plugin_flags_and_the_config_list_reach_the_launch_options(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('disabled_plugins = ["bench"]\n')
    argv = ["--no-plugins", "--plugin", "a.b", "--plugin", "c"]
    selection = parse_launch(argv, load_config(path)).plugins
    assert (selection.builtins_only, selection.modules, selection.disabled) == (
        True,
        ("a.b", "c"),
        ("bench",),
    )
    assert parse_launch([], FileConfig()).plugins.modules == ()


def test_once_connected_the_collector_runs_with_start_up_frozen_and_a_raised_threshold(
    tmp_path: Path,
) -> None:
    import json

    from mxshell.app.collector import YOUNG_THRESHOLD

    state = (
        "    import gc\n    return [gc.isenabled(), gc.get_threshold()[0], gc.get_freeze_count()]"
    )
    one_command_module(tmp_path, "mxtest_cli_gc", "gc-state", state)
    args = ["--plugin", "mxtest_cli_gc", "--json", "-c", "gc-state"]
    run = run_cli(tmp_path, *args, PYTHONPATH=str(tmp_path))
    assert run.returncode == 0, run.stderr
    enabled, threshold, frozen = json.loads(run.stdout.splitlines()[0])["result"]
    assert enabled and threshold == YOUNG_THRESHOLD
    assert frozen > 10_000  # start-up's modules, classes and descriptors


def test_a_setting_in_the_config_file_reaches_the_running_shell(tmp_path: Path) -> None:
    """`events off` and the rest can be made permanent (issue 22)."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text("events = false\nprecision = 3\n")
    done = run_cli(tmp_path, "--format", "json", "-c", "show events; show precision")
    assert done.returncode == 0, done.stderr
    shown = [json.loads(line)["result"] for line in done.stdout.splitlines()]
    assert shown == [{"events": False}, {"precision": 3}]
