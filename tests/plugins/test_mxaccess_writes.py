"""write, write2, write-secured, write-secured2 and authenticate-user against a simulated
gateway: values and their types, refusals shown legibly, and passwords kept secret."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from mxshell.commands import Settings
from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner
from tests.conftest import eventually
from tests.plugins.conftest import READER_KEY, TANKS_KEY, held_by_gateway

PASSWORD = "operator1"


class FakeAsker:
    """The REPL's ask_secret service: answers with the given passwords, records questions."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.questions: list[str] = []

    async def __call__(self, question: str) -> str:
        self.questions.append(question)
        return self.answers.pop(0)


async def value_of(shell: ShellRunner, tag: str) -> object:
    result = await shell.run(f"read {tag}")
    assert result.ok, result.errors
    return result.result.records()[0]["value"]


async def test_write_is_accepted_and_the_value_holds(own_shell: ShellRunner) -> None:
    result = await own_shell.run("write Pump1.Speed.SP 1250.5")
    assert result.text == (
        "Write accepted: Pump1.Speed.SP = 1250.5 (double); OnWriteComplete follows as an event"
    )
    assert result.result.as_data() == {
        "item": 1,
        "tag": "Pump1.Speed.SP",
        "value": 1250.5,
        "type": "double",
    }
    session = own_shell.session
    await eventually(lambda: session.counters.write_completes == 1, "OnWriteComplete")
    assert await value_of(own_shell, "Pump1.Speed.SP") == 1250.5


async def test_write_by_alias_or_handle_and_with_a_type(own_shell: ShellRunner) -> None:
    await own_shell.run("add-item Pump1.Speed.SP --as sp")
    assert (await own_shell.run("write sp 1300 --type double")).result.as_data()["type"] == "double"
    assert (await own_shell.run("write 1 -- -5")).ok  # a negative value after --
    assert await value_of(own_shell, "sp") == -5.0


async def test_write_takes_the_type_of_the_items_current_value(own_shell: ShellRunner) -> None:
    await own_shell.run("advise Tank1.Notes")  # a String attribute
    item = own_shell.session.find("Tank1.Notes")
    await eventually(lambda: item.change_count > 0, "the first value")
    result = await own_shell.run("write Tank1.Notes 0042")
    assert result.result.as_data()["value"] == "0042"
    assert result.result.as_data()["type"] == "string"


async def test_arrays_are_written_with_an_array_type(own_shell: ShellRunner) -> None:
    typed = await own_shell.run("write Filler1.NozzleEnabled[] true,false,true,true --type bool[]")
    assert typed.result.as_data()["type"] == "bool[]"
    assert await value_of(own_shell, "Filler1.NozzleEnabled[]") == [True, False, True, True]
    inferred = await own_shell.run("write Filler1.NozzleEnabled[] '[false, false, true, true]'")
    assert inferred.result.as_data()["type"] == "bool[]"


async def test_a_value_of_the_wrong_type_is_refused_with_its_status_and_hresult(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner
) -> None:
    # The Galaxy declares Tank1.Capacity an Integer: 'lots' is refused before anything is sent.
    result = await own_shell.run("write Tank1.Capacity lots")
    assert result.outcomes[0].exit_status == 1
    assert result.errors == (
        "write: bad value: 'lots' is not an integer (Tank1.Capacity is declared an int32, "
        "e.g. 42; nothing was sent; give --type for another type)"
    )
    # A type forced with --type reaches the gateway, which refuses it with its own verdict.
    forced = await own_shell.run("write Tank1.Capacity lots --type string")
    assert forced.errors == (
        "write: MXAccess refused Write for Tank1.Capacity: Tank1.Capacity is Integer: a value "
        "of kind string cannot be written to it (OperationalError, detected by responding "
        "automation object, detail 1004; HRESULT 0x80070057 E_INVALIDARG)"
    )
    # The item the write added for the tag is removed again: a failed write leaves nothing.
    assert held_by_gateway(fresh_gateway, own_shell.session.session_id) == []
    wrong = await own_shell.run("write Tank1.Notes 5 --type int32")
    assert "detail 1004; HRESULT 0x80070057 E_INVALIDARG)" in wrong.errors
    assert "inferred" not in wrong.errors


@pytest.mark.parametrize("text", ["nan", "inf", "-Infinity", "[1.5, NaN]"])
async def test_nan_and_infinity_are_refused_before_anything_is_sent(
    fresh_gateway: EmbeddedGateway, own_shell: ShellRunner, text: str
) -> None:
    result = await own_shell.run(f"write Pump1.Speed.SP -- '{text}'")
    assert not result.ok
    assert "NaN" in result.errors and "infinity" in result.errors
    assert result.errors.startswith("write: ")
    assert held_by_gateway(fresh_gateway, own_shell.session.session_id) == []
    assert own_shell.session.counters.write_completes == 0


async def test_a_text_the_given_type_cannot_hold_is_a_bad_value(own_shell: ShellRunner) -> None:
    result = await own_shell.run("write Pump1.Speed.SP fast --type double")
    assert result.errors == "write: bad value: 'fast' is not a number"
    bad_type = await own_shell.run("write Pump1.Speed.SP 1 --type decimal")
    assert bad_type.outcomes[0].exit_status == 2  # not one of the choices


async def test_a_plain_write_to_a_secured_attribute_is_refused(own_shell: ShellRunner) -> None:
    secured = await own_shell.run("write Tank1.BatchId B-9")
    assert secured.errors == (
        "write: MXAccess refused Write for Tank1.BatchId: Tank1.BatchId is SecuredWrite: use "
        "WriteSecured with an authenticated user (SecurityError, detected by responding "
        "automation object, detail 1007; HRESULT 0x80070005 E_ACCESSDENIED)"
    )
    verified = await own_shell.run("write Tank1.DrainValve.Open true")
    assert "detail 1008; HRESULT 0x80070005 E_ACCESSDENIED)" in verified.errors
    view_only = await own_shell.run("write Tank1.Level 5")
    assert "is ViewOnly" in view_only.errors and "detail 1006" in view_only.errors


async def test_a_supervisory_advise_lets_a_plain_write_through_to_secured_write(
    own_shell: ShellRunner,
) -> None:
    assert (await own_shell.run("advise-supervisory Tank1.BatchId")).ok
    assert (await own_shell.run("write Tank1.BatchId B-7")).ok
    item = own_shell.session.find("Tank1.BatchId")
    await eventually(lambda: item.value == "B-7", "the written value")
    await own_shell.run("unadvise Tank1.BatchId; advise Tank1.BatchId")  # a plain advise again
    refused = await own_shell.run("write Tank1.BatchId B-8")
    assert "detail 1007" in refused.errors


async def test_write2_writes_the_given_timestamp(own_shell: ShellRunner) -> None:
    result = await own_shell.run("write2 Pump1.Speed.SP 1111 --timestamp 2026-01-31T12:00:00Z")
    assert result.result.as_data()["timestamp"] == datetime(2026, 1, 31, 12, tzinfo=UTC)
    assert result.text.startswith("Write2 accepted: Pump1.Speed.SP = 1111.0 (double) at ")
    read = await own_shell.run("read Pump1.Speed.SP")
    assert read.result.records()[0]["timestamp"] == datetime(2026, 1, 31, 12, tzinfo=UTC)
    bad = await own_shell.run("write2 Pump1.Speed.SP 1 --timestamp yesterday")
    assert bad.errors == (
        "write2: bad timestamp 'yesterday': use RFC 3339, e.g. 2026-01-31T12:00:00Z"
    )


async def test_write_secured_without_a_way_to_get_a_password_is_refused(
    own_shell: ShellRunner,
) -> None:
    result = await own_shell.run("write-secured Tank1.BatchId B-1 --user operator")
    assert result.errors == (
        "write-secured: a password for operator is needed and there is no terminal to ask "
        "for it: use --password-env VAR"
    )
    unset = await own_shell.run(
        "write-secured Tank1.BatchId B-1 --user operator --password-env MXSHELL_NO_SUCH_VAR"
    )
    assert (
        unset.errors
        == "write-secured: environment variable MXSHELL_NO_SUCH_VAR is not set or empty"
    )
    assert await value_of(own_shell, "Tank1.BatchId") == "B-1041"  # as the plant has it


async def test_write_secured_asks_for_the_password_and_never_shows_it(
    own_shell: ShellRunner,
) -> None:
    asker = FakeAsker(PASSWORD)
    own_shell.context.services["ask_secret"] = asker
    result = await own_shell.run("write-secured Tank1.BatchId B-1234 --user operator")
    assert result.ok, result.errors
    assert asker.questions == ["password for operator: "]
    assert result.text == (
        "WriteSecured accepted: Tank1.BatchId = 'B-1234' (string) as operator; "
        "OnWriteComplete follows as an event"
    )
    assert await value_of(own_shell, "Tank1.BatchId") == "B-1234"
    everything = "\n".join(own_shell.out + own_shell.err + [result.outcomes[0].line])
    assert PASSWORD not in everything


async def test_a_wrong_password_is_refused_and_not_repeated(own_shell: ShellRunner) -> None:
    secret = "hunter2-very-secret"
    own_shell.context.settings.output = "json"
    own_shell.context.services["ask_secret"] = FakeAsker(secret)
    result = await own_shell.run("write-secured Tank1.BatchId B-1 --user operator")
    assert not result.ok
    error = json.loads(result.out[0])["error"]
    assert error == (
        "MXAccess refused AuthenticateUser for operator: unknown user name or wrong password "
        "(SecurityError, detected by responding automation object, detail 1010; "
        "HRESULT 0x8007052E ERROR_LOGON_FAILURE)"
    )
    assert secret not in "\n".join(own_shell.out + own_shell.err)


async def test_verified_write_needs_a_different_verifier(
    own_shell: ShellRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OP_PASSWORD", PASSWORD)
    monkeypatch.setenv("SUP_PASSWORD", "supervisor1")
    alone = await own_shell.run(
        "write-secured Tank1.DrainValve.Open true --user operator --password-env OP_PASSWORD"
    )
    assert "is VerifiedWrite" in alone.errors and "detail 1008" in alone.errors
    same = await own_shell.run(
        "write-secured Tank1.DrainValve.Open true --user operator --password-env OP_PASSWORD "
        "--verifier operator --verifier-password-env OP_PASSWORD"
    )
    assert "the verifier must be a different user" in same.errors
    verified = await own_shell.run(
        "write-secured Tank1.DrainValve.Open true --user operator --password-env OP_PASSWORD "
        "--verifier supervisor --verifier-password-env SUP_PASSWORD"
    )
    assert verified.ok, verified.errors
    assert verified.result.as_data()["verifier"] == "supervisor"
    assert "as operator, verified by supervisor" in verified.text
    assert await value_of(own_shell, "Tank1.DrainValve.Open") is True
    everything = "\n".join(own_shell.out + own_shell.err)
    assert PASSWORD not in everything and "supervisor1" not in everything


async def test_write_secured2_writes_with_the_timestamp(
    own_shell: ShellRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OP_PASSWORD", PASSWORD)
    result = await own_shell.run(
        "write-secured2 Tank1.BatchId B-77 --timestamp 2026-02-01T08:30:00Z --user operator "
        "--password-env OP_PASSWORD"
    )
    assert result.ok, result.errors
    assert result.text.startswith("WriteSecured2 accepted: Tank1.BatchId = 'B-77' (string) at")
    read = (await own_shell.run("read Tank1.BatchId")).result.records()[0]
    assert (read["value"], read["timestamp"]) == ("B-77", datetime(2026, 2, 1, 8, 30, tzinfo=UTC))


async def test_authenticate_user_shows_the_user_id(
    own_shell: ShellRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUP_PASSWORD", "supervisor1")
    result = await own_shell.run("authenticate-user supervisor --password-env SUP_PASSWORD")
    assert result.text == "authenticated supervisor: user id 2 (server handle 1)"
    assert result.result.as_data() == {"user": "supervisor", "user_id": 2, "server_handle": 1}
    own_shell.context.services["ask_secret"] = FakeAsker("wrong-guess-xyz")
    wrong = await own_shell.run("authenticate-user engineer")
    assert "detail 1010; HRESULT 0x8007052E ERROR_LOGON_FAILURE)" in wrong.errors
    assert "wrong-guess-xyz" not in "\n".join(own_shell.out + own_shell.err)


async def test_a_password_is_never_a_plain_argument(own_shell: ShellRunner) -> None:
    result = await own_shell.run("write-secured Tank1.BatchId B-1 --user operator --password x1y2")
    assert result.outcomes[0].exit_status == 2
    assert "x1y2" not in result.errors and "x1y2" not in result.outcomes[0].line


async def test_a_key_without_the_write_scopes_cannot_write(
    restricted_gateway: EmbeddedGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OP_PASSWORD", PASSWORD)
    async with ShellRunner.connected(restricted_gateway, api_key=READER_KEY) as shell:
        plain = await shell.run("write Tank1.Notes hello")
        assert plain.errors == (
            "write: permission denied (PERMISSION_DENIED): this API key (reader) lacks the "
            "'write' scope"
        )
        secured = await shell.run(
            "write-secured Tank1.BatchId B-1 --user operator --password-env OP_PASSWORD"
        )
        assert "lacks the 'write-secured' scope" in secured.errors
        assert len(shell.session.items) == 0  # the items the writes added are gone again
        assert held_by_gateway(restricted_gateway, shell.session.session_id) == []


async def test_a_write_outside_the_keys_tag_constraint_is_denied(
    restricted_gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(restricted_gateway, api_key=TANKS_KEY) as shell:
        denied = await shell.run("write Pump1.Speed.SP 5")
        assert denied.errors == (
            "write: permission denied (PERMISSION_DENIED): tag 'Pump1.Speed.SP' is outside "
            "this API key's tag constraint"
        )
        assert (await shell.run("write Tank1.Notes inside")).ok


async def test_write_results_render_as_one_json_object(own_shell: ShellRunner) -> None:
    own_shell.context.settings.output = "json"
    result = await own_shell.run("write Pump1.Speed.SP 1234.5")
    assert json.loads(result.out[0]) == {
        "command": "write",
        "ok": True,
        "result": {"item": 1, "tag": "Pump1.Speed.SP", "type": "double", "value": 1234.5},
    }
    assert Settings().output == "table"


async def test_write_secured_by_a_user_without_the_role_is_one_line(
    own_shell: ShellRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OP_PASSWORD", PASSWORD)
    monkeypatch.setenv("SUP_PASSWORD", "supervisor1")
    refused = await own_shell.run(
        "write-secured Tank1.Level.HiHi 97 --user operator --password-env OP_PASSWORD"
    )
    assert not refused.ok
    assert refused.errors == (
        "write-secured: MXAccess refused WriteSecured for Tank1.Level.HiHi: Tank1.Level.HiHi "
        "is Tune: user 'operator' (roles: Operate) lacks the Tune role (SecurityError, "
        "detected by responding automation object, detail 1017; HRESULT 0x80070005 "
        "E_ACCESSDENIED)"
    )
    assert await value_of(own_shell, "Tank1.Level.HiHi") == 95.0
    tuned = await own_shell.run(
        "write-secured Tank1.Level.HiHi 97 --user supervisor --password-env SUP_PASSWORD"
    )
    assert tuned.ok, tuned.errors
    assert await value_of(own_shell, "Tank1.Level.HiHi") == 97.0
    assert PASSWORD not in "\n".join(own_shell.out + own_shell.err)
