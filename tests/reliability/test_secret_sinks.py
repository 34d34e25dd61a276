"""The API key and write-secured passwords never show: not in the terminal (with --debug
and JSON output), history, any file the shell writes, exception text, a repr, or the
process title. Every sink is collected and grepped for every secret."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from mxshell.sim import ApiKey, EmbeddedGateway, SimConfig
from mxshell.testing import ShellRunner
from tests.e2e.conftest import PROMPT, spawn_shell

KEY = "mxk-Sinkcheck-7Q2vX9"
WRONG_KEY = "mxk-Wrongkey-4R8pL1"
PASSWORD = "Pw-Sinkcheck-5T3nB7"
WRONG_PASSWORD = "Pw-Wrongguess-8K1mZ4"
VERIFIER_PASSWORD = "Pw-Verifier-2H6cJ9"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SECRETS = (KEY, WRONG_KEY, PASSWORD, WRONG_PASSWORD, VERIFIER_PASSWORD)


@pytest.fixture
def keyed_gateway() -> Iterator[EmbeddedGateway]:
    config = SimConfig(
        update_interval_s=0.1,
        api_keys=[ApiKey.all_scopes(KEY, name="ops")],
        users={"operator": PASSWORD, "supervisor": VERIFIER_PASSWORD},
    )
    with EmbeddedGateway(config) as gateway:
        yield gateway


def leaked(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def test_no_secret_reaches_the_terminal_history_files_or_process_title(
    tmp_path: Path, terminal: list[pexpect.spawn], keyed_gateway: EmbeddedGateway
) -> None:
    endpoint = keyed_gateway.endpoint
    child = spawn_shell(
        tmp_path,
        *("--debug", "--endpoint", endpoint, "--plaintext", "--api-key-env", "MX_KEY"),
        MX_KEY=KEY,
        MX_PASSWORD=PASSWORD,
        MX_VERIFIER_PASSWORD=VERIFIER_PASSWORD,
        MX_WRONG_PASSWORD=WRONG_PASSWORD,
    )
    terminal.append(child)
    child.expect(PROMPT)
    titles = [Path(f"/proc/{child.pid}/cmdline").read_bytes().decode(errors="replace")]

    # A key typed at the prompt, right and wrong (the wrong one fails with an error).
    typed = [
        f"connect {endpoint} --plaintext --api-key {WRONG_KEY}",
        f"connect {endpoint} --plaintext --api-key={KEY}",
        f"echo --password {PASSWORD}; echo --api_key {KEY}",
    ]
    child.sendline(typed[0])
    child.expect("UNAUTHENTICATED")
    child.expect(PROMPT)
    child.sendline(typed[1])
    child.expect(r"state\s+connected")
    child.expect(PROMPT)
    # Passwords at the hidden prompt, from variables, and a wrong one (an error, --debug).
    child.sendline("write-secured Tank1.BatchId B-1 --user operator")
    child.expect("password for operator")
    child.sendline(PASSWORD)
    child.expect("WriteSecured accepted")
    child.expect(PROMPT)
    child.sendline("authenticate-user operator --password-env MX_WRONG_PASSWORD")
    child.expect("LOGON_FAILURE")
    child.expect(PROMPT)
    child.sendline(
        "write-secured Tank1.DrainValve.Open true --user operator --password-env MX_PASSWORD "
        "--verifier supervisor --verifier-password-env MX_VERIFIER_PASSWORD"
    )
    child.expect("verified by supervisor")
    child.expect(PROMPT)
    # The same in JSON, a mistyped secret option, and a crash-free failure with --debug.
    child.sendline("set output json")
    child.expect(PROMPT)
    child.sendline("authenticate-user operator --password-env MX_WRONG_PASSWORD; status")
    child.expect(r'"ok"(?:\x1b\[[0-9;]*m|:| )*false')  # JSON is highlighted at a terminal
    child.expect(PROMPT)
    child.sendline(typed[2])
    child.expect(PROMPT)
    child.sendline("history")
    child.expect(PROMPT)
    titles.append(Path(f"/proc/{child.pid}/cmdline").read_bytes().decode(errors="replace"))
    child.sendline("exit")
    child.expect(pexpect.EOF)
    child.close()

    # What the user typed is echoed as typed (the terminal draws the line being edited):
    # that is not the shell telling anyone. Everything else on the screen is.
    screen = ANSI.sub("", (tmp_path / "terminal.log").read_text())
    for line in typed:
        screen = screen.replace(line, "<typed>")
    assert "<typed>" in screen and "--api-key <redacted>" in screen  # `history` showed it
    assert leaked(screen) == [], "the terminal showed a secret"
    assert leaked("\n".join(titles)) == [], "the process title showed a secret"
    written = [p for p in (tmp_path / "data").rglob("*") if p.is_file()]
    written += [p for p in (tmp_path / "config").rglob("*") if p.is_file()]
    assert any(p.name == "history" for p in written)
    for path in written:
        assert leaked(path.read_text(errors="replace")) == [], f"{path} holds a secret"
        assert path.stat().st_mode & 0o077 == 0, f"{path} is readable by others"


async def test_no_secret_in_any_repr_outcome_or_exception_text(
    keyed_gateway: EmbeddedGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MX_PASSWORD", PASSWORD)
    monkeypatch.setenv("MX_WRONG_PASSWORD", WRONG_PASSWORD)
    async with ShellRunner.connected(keyed_gateway, api_key=KEY) as shell:
        lines = [
            f"connect {keyed_gateway.endpoint} --plaintext --api-key {WRONG_KEY}",
            f"connect {keyed_gateway.endpoint} --plaintext --api-key {KEY}",
            "authenticate-user operator --password-env MX_WRONG_PASSWORD",
            "write-secured Tank1.BatchId B-2 --user operator --password-env MX_PASSWORD",
            "set output json; set debug on; status; write-secured Tank1.BatchId B-3 --user x "
            "--password-env MX_WRONG_PASSWORD",
        ]
        outcomes = []
        for line in lines:
            outcomes += (await shell.run(line)).outcomes
        assert [o.ok for o in outcomes][:4] == [False, True, False, True]
        session = shell.session
        texts = [repr(o) + str(o.error) + str(o.traceback) + str(o.result) for o in outcomes]
        texts += [shell.errors, "\n".join(shell.out)]
        texts += [repr(session), repr(session.options), str(session.options)]
        texts += [
            repr(session.client),
            repr(session.gateway),
            repr(shell.runtime.connection.target),
        ]
        texts += [repr(vars(shell.context)), repr(session.status())]
    assert leaked("\n".join(texts)) == []
    # The environment is where the secrets were meant to be, and they were used from there.
    assert os.environ["MX_PASSWORD"] == PASSWORD
