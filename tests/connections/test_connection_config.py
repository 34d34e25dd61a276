"""Named connections from the config file ([connections.NAME]) and the command line
(--connection NAME, NAME=HOST:PORT, --fleet), and their completion."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mxshell.app.cli import parse_launch
from mxshell.app.config import ConfigError, FileConfig, load_config
from mxshell.app.connection import ConnectError
from mxshell.shell.completion import service_tags
from mxshell.testing import ShellRunner, simulated_gateway
from tests.conftest import eventually

TABLES = """
[connections.north]
endpoint = "gw-north:5001"
api_key_env = "NORTH_KEY"
ca_file = "/etc/ssl/plant-ca.pem"

[connections.south]
endpoint = "gw-south:5001"
plaintext = true
"""


def config_with(tmp_path: Path, text: str) -> FileConfig:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_connections_come_from_their_tables_in_the_order_named(tmp_path: Path) -> None:
    config = config_with(tmp_path, TABLES)
    options = parse_launch(["--connection", "south", "--connection", "north"], config)
    (first, south), (second, north) = options.connections
    assert (first, south.endpoint, south.plaintext) == ("south", "gw-south:5001", True)
    assert (second, north.endpoint, north.plaintext) == ("north", "gw-north:5001", False)
    assert (north.api_key_env, north.ca_file) == ("NORTH_KEY", "/etc/ssl/plant-ca.pem")
    fleet = parse_launch(["--fleet", "north", "south"], config)
    assert [name for name, _ in fleet.connections] == ["north", "south"]


def test_a_connection_on_the_command_line_takes_the_flags(tmp_path: Path) -> None:
    argv = ["--connection", "lab=127.0.0.1:5001", "--plaintext", "--api-key-env", "LAB_KEY"]
    ((name, lab),) = parse_launch(argv, FileConfig()).connections
    assert (name, lab.endpoint, lab.plaintext, lab.api_key_env) == (
        "lab",
        "127.0.0.1:5001",
        True,
        "LAB_KEY",
    )


@pytest.mark.parametrize(
    ("text", "argv", "said"),
    [
        (TABLES, ["--connection", "east"], "has no [connections.east] (known: north, south)"),
        (TABLES, ["--connection", "north", "--fleet", "north"], "'north' is named twice"),
        (TABLES, ["--connection", "north", "--endpoint", "x:1"], "cannot be used together"),
        (
            '[connections.north]\nendpoint = "gw:1"\napi_key = "k-123"\n',
            [],
            "api_key does not belong in a file",
        ),
        ('[connections.north]\nendpont = "gw:1"\n', [], "unknown key 'endpont'"),
        ("[connections.north]\nplaintext = true\n", [], 'endpoint = "HOST:PORT" is needed'),
        ('[connections.north]\nendpoint = "gw:1"\ntls = "yes"\n', [], "tls must be true or false"),
    ],
)
def test_a_bad_connection_is_one_clear_error(
    tmp_path: Path, text: str, argv: list[str], said: str
) -> None:
    with pytest.raises((ConfigError, ConnectError)) as error:
        parse_launch(argv, config_with(tmp_path, text))
    assert said in str(error.value)
    assert "k-123" not in str(error.value)


def test_a_connection_name_is_a_word() -> None:
    with pytest.raises(ConnectError, match="cannot name a connection"):
        parse_launch(["--connection", "9lives=gw:1"], FileConfig())


@pytest.fixture
async def shell(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ShellRunner]:
    """A shell on one simulated gateway (default), and `lab_connect` for a second one."""
    with simulated_gateway() as first, simulated_gateway() as second:
        monkeypatch.setenv("LAB_KEY", second.api_key)
        async with ShellRunner.connected(first) as runner:
            runner.lab_connect = (  # type: ignore[attr-defined]
                f"connect lab {second.endpoint} --plaintext --api-key-env LAB_KEY"
            )
            yield runner


async def test_completion_offers_connections_then_that_connections_galaxy(
    shell: ShellRunner,
) -> None:
    tags = service_tags(shell.context)
    assert not any(s.text.endswith(":") for s in tags("T"))  # one connection: no names
    opened = await shell.run(shell.lab_connect)  # type: ignore[attr-defined]
    assert opened.ok, opened.errors
    names = [s.text for s in tags("") if s.meta == "connection"]
    assert names == ["default:", "lab:"]
    assert [s.text for s in tags("la") if s.meta == "connection"] == ["lab:"]

    def lab_completes() -> bool:
        return any(s.text == "lab:Tank1.Level" for s in tags("lab:Tank1.Le"))

    await eventually(lab_completes, "lab's Galaxy completes under its name")
    assert all(s.text.startswith("lab:") for s in tags("lab:Tank1.Le"))


async def test_a_files_qualified_tags_are_checked_against_their_connections_galaxy(
    shell: ShellRunner,
) -> None:
    from mxshell.app.modes import validated

    assert (await shell.run(shell.lab_connect)).ok  # type: ignore[attr-defined]
    text = (
        "read lab:Tank1.Level.Hi default:Tank1.Level Tank1.Level\n"
        "read lab:Tank1.Nope\n"
        "read later:Tank1.Nope\n"  # a connection the file would open: not asked
    )
    script = await shell.runtime.scripts.load_text(text, "check.mxsh")
    assert await validated(shell.runtime, script)
    assert [str(p) for p in script.problems] == [
        "check.mxsh:2: read: no tag 'lab:Tank1.Nope' in the Galaxy"
    ]


async def test_closing_the_current_connection_makes_the_next_one_current_and_says_so() -> None:
    with simulated_gateway() as first:
        async with ShellRunner.connected(first) as shell:
            assert (await shell.run("connect --name lab; use lab")).ok
            closed = await shell.run("disconnect")
            assert "lab closed; the current connection is now default" in closed.errors
            assert shell.runtime.connection.names == ["default"]
            assert (await shell.run("read Tank1.Level.Hi")).ok  # default's session now
            left = await shell.run("disconnect lab")
            assert not left.ok and "no connection named 'lab' (open: default)" in left.errors


async def test_use_switches_without_closing_a_recording_or_piling_up_listeners(
    shell: ShellRunner, tmp_path: Path
) -> None:
    assert (await shell.run(shell.lab_connect)).ok  # type: ignore[attr-defined]
    control = shell.runtime.connection
    default, lab = control.session_of("default"), control.session_of("lab")
    assert (await shell.run(f"record start {tmp_path / 'both.jsonl'}")).ok
    assert (await shell.run("use lab; use default")).ok  # settle what a switch attaches
    before = (len(default._listeners), len(lab._listeners))
    for _ in range(3):
        assert (await shell.run("use lab; use default")).ok
    assert (len(default._listeners), len(lab._listeners)) == before
    status = await shell.run("record status")
    assert status.result.as_data()["recording"] is True, status.errors
    assert "stopped recording" not in shell.errors
    assert (await shell.run("disconnect lab")).ok  # the rest goes on being recorded
    assert (await shell.run("record status")).result.as_data()["recording"] is True
    assert (await shell.run("disconnect")).ok  # the current session closed: it stops
    assert "record: stopped recording" in shell.errors


async def test_disconnect_name_shows_what_closed_not_the_current_one(shell: ShellRunner) -> None:
    assert (await shell.run(shell.lab_connect)).ok  # type: ignore[attr-defined]
    closed = await shell.run("disconnect lab")
    assert closed.result == {"connection": "lab", "state": "disconnected", "current": "default"}


def test_a_fleet_run_that_broke_is_said_and_fails_and_a_cancelled_one_is_143(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import asyncio

    from mxshell.app.fleet import LegRun, _settled

    assert _settled("north", LegRun("north", 0)).status == 0
    broke = _settled("south", OSError("disk full"))
    assert broke.status == 1 and "south | mxshell: OSError: disk full" in capsys.readouterr().err
    assert _settled("east", asyncio.CancelledError()).status == 143
