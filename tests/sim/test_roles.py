"""Operator roles: WriteSecured checks the writer's role for Operate, Tune and Configure
(and the operate-level SecuredWrite and VerifiedWrite), as a Galaxy's security model does."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mxshell.contract import mx, types
from mxshell.sim import EmbeddedGateway, SimConfig, SimUser, codes
from mxshell.sim.codes import Category, Detail
from mxshell.sim.model_file import ModelError, demo_plant_path, load_model
from mxshell.sim.users import DEFAULT_USERS

# One demo-plant attribute of each classification, and a value it takes.
TAGS: dict[str, tuple[str, types.MxValue]] = {
    "FreeAccess": ("Tank1.Notes", types.MxValue(string_value="checked")),
    "Operate": ("Pump1.Speed.SP", types.MxValue(double_value=1300.0)),
    "SecuredWrite": ("Tank1.BatchId", types.MxValue(string_value="B-42")),
    "VerifiedWrite": ("Tank1.DrainValve.Open", types.MxValue(bool_value=True)),
    "Tune": ("Tank1.Level.HiHi", types.MxValue(double_value=93.0)),
    "Configure": ("Tank1.Capacity", types.MxValue(int32_value=60000)),
    "ViewOnly": ("Tank1.Level", types.MxValue(double_value=50.0)),
}
ROLES = {
    "operator": "Operate",
    "supervisor": "Operate, Tune",
    "engineer": "Operate, Tune, Configure",
}
# Who may write what through WriteSecured: None accepted, else the refusal's detail.
REFUSED: dict[str, dict[str, Detail | None]] = {
    "operator": {"Tune": Detail.ROLE_NOT_GRANTED, "Configure": Detail.ROLE_NOT_GRANTED},
    "supervisor": {"Configure": Detail.ROLE_NOT_GRANTED},
    "engineer": {},
}
NEEDED = {"Operate": "Operate", "Tune": "Tune", "Configure": "Configure"}


async def _write_secured(client, session, server, item, value, user, verifier=0):
    return await client.invoke(
        session,
        write_secured=mx.WriteSecuredCommand(
            server_handle=server,
            item_handle=item,
            value=value,
            current_user_id=user,
            verifier_user_id=verifier,
        ),
    )


@pytest.mark.parametrize("classification", list(TAGS))
@pytest.mark.parametrize("user", list(ROLES))
async def test_each_user_may_write_secured_only_the_classifications_its_roles_grant(
    client, registered, user: str, classification: str
) -> None:
    session, server = registered
    writer = await client.login(session, server, user)
    # VerifiedWrite needs a second, different user; the verifier needs no role.
    verifier = await client.login(session, server, "engineer" if user != "engineer" else "operator")
    tag, value = TAGS[classification]
    item = await client.add_item(session, server, tag)
    reply = await _write_secured(client, session, server, item, value, writer, verifier)
    expected = (
        Detail.VIEW_ONLY if classification == "ViewOnly" else REFUSED[user].get(classification)
    )
    if expected is None:
        assert reply.hresult == 0, reply.protocol_status.message
        assert reply.statuses[0].success == 1
        return
    assert reply.hresult == codes.E_ACCESSDENIED
    status = reply.statuses[0]
    assert (status.success, status.category, status.detail) == (
        0,
        Category.SECURITY_ERROR,
        expected,
    )
    assert status.detected_by == codes.DetectedBy.RESPONDING_AUTOMATION_OBJECT
    if expected == Detail.ROLE_NOT_GRANTED:
        assert reply.protocol_status.message == (
            f"{tag} is {classification}: user {user!r} (roles: {ROLES[user]}) lacks the "
            f"{NEEDED[classification]} role"
        )


async def test_a_refused_role_changes_nothing_and_sends_no_write_complete(
    client, registered
) -> None:
    session, server = registered
    operator = await client.login(session, server, "operator")
    supervisor = await client.login(session, server, "Supervisor", "supervisor1")
    item = await client.advise(session, server, "Tank1.Level.HiHi")
    refused = await _write_secured(
        client, session, server, item, types.MxValue(double_value=99.0), operator
    )
    assert refused.statuses[0].detail == Detail.ROLE_NOT_GRANTED
    accepted = await _write_secured(
        client, session, server, item, types.MxValue(double_value=97.0), supervisor
    )
    assert accepted.hresult == 0
    events = await client.collect(
        client.stream(session), lambda ev: len(client.changes(ev, item)) >= 2
    )
    assert [c.value.double_value for c in client.changes(events, item)] == [95.0, 97.0]
    assert sum(e.HasField("on_write_complete") for e in events) == 1


async def test_a_plain_write_to_tune_and_configure_needs_no_user(client, registered) -> None:
    session, server = registered
    for classification in ("FreeAccess", "Operate", "Tune", "Configure"):
        tag, value = TAGS[classification]
        item = await client.add_item(session, server, tag)
        reply = await client.invoke(
            session,
            write=mx.WriteCommand(server_handle=server, item_handle=item, value=value),
        )
        assert reply.hresult == 0, (classification, reply.protocol_status.message)


async def test_bulk_secured_writes_check_the_role_per_entry(client, registered) -> None:
    session, server = registered
    operator = await client.login(session, server, "operator")
    items = [
        await client.add_item(session, server, TAGS[c][0]) for c in ("Operate", "Tune", "Configure")
    ]
    entries = [
        mx.WriteBulkEntry(item_handle=item, value=TAGS[c][1])
        for item, c in zip(items, ("Operate", "Tune", "Configure"), strict=True)
    ]
    for command, body in (
        ("write_secured_bulk", mx.WriteSecuredBulkCommand),
        ("write_secured2_bulk", mx.WriteSecured2BulkCommand),
    ):
        reply = await client.invoke(
            session,
            **{command: body(server_handle=server, entries=entries, current_user_id=operator)},
        )
        results = reply.bulk_write_results.results
        assert [r.was_successful for r in results] == [True, False, False], command
        assert [r.statuses[0].detail for r in results[1:]] == [Detail.ROLE_NOT_GRANTED] * 2
        assert "lacks the Configure role" in results[2].error_message


async def test_a_plain_password_is_an_operate_user_and_a_user_may_hold_no_role(
    start_sim, connect
) -> None:
    sim = start_sim(users={"alice": "a-secret", "viewer": SimUser("v-secret", frozenset())})
    client = connect(sim)
    session = await client.open_session()
    server = await client.register(session)
    alice = await client.login(session, server, "alice", "a-secret")
    viewer = await client.login(session, server, "viewer", "v-secret")
    free = await client.add_item(session, server, "Tank1.Notes")
    operate = await client.add_item(session, server, "Pump1.Speed.SP")
    tune = await client.add_item(session, server, "Tank1.Level.HiHi")
    speed = types.MxValue(double_value=1100.0)
    assert (await _write_secured(client, session, server, operate, speed, alice)).hresult == 0
    assert (await _write_secured(client, session, server, tune, speed, alice)).statuses[
        0
    ].detail == Detail.ROLE_NOT_GRANTED
    note = types.MxValue(string_value="seen")
    assert (await _write_secured(client, session, server, free, note, viewer)).hresult == 0
    refused = await _write_secured(client, session, server, operate, speed, viewer)
    assert refused.protocol_status.message == (
        "Pump1.Speed.SP is Operate: user 'viewer' (roles: none) lacks the Operate role"
    )
    # The defaults (engineer) are not there when SimConfig.users is set.
    unknown = await client.invoke(
        session,
        authenticate_user=mx.AuthenticateUserCommand(
            server_handle=server, user_name="engineer", password="engineer1"
        ),
    )
    assert unknown.hresult == codes.E_LOGON_FAILURE


def test_the_demo_plant_carries_the_default_users_table() -> None:
    assert load_model().users == DEFAULT_USERS
    assert {name: u.role_names() for name, u in DEFAULT_USERS.items()} == ROLES


def _model_with_users(tmp_path: Path, users: object) -> Path:
    data = json.loads(demo_plant_path().read_text(encoding="utf-8"))
    data["users"] = users
    path = tmp_path / "plant.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


async def test_a_model_files_users_table_says_who_may_do_what(tmp_path, connect) -> None:
    users = {"tuner": {"password": "t1", "roles": ["operate", "Tune"]}}
    config = SimConfig(galaxy_model=_model_with_users(tmp_path, users), update_interval_s=0.05)
    with EmbeddedGateway(config) as sim:
        client = connect(sim)
        session = await client.open_session()
        server = await client.register(session)
        tuner = await client.login(session, server, "tuner", "t1")
        tune = await client.add_item(session, server, "Tank1.Level.HiHi")
        configure = await client.add_item(session, server, "Tank1.Capacity")
        hihi = types.MxValue(double_value=94.0)
        assert (await _write_secured(client, session, server, tune, hihi, tuner)).hresult == 0
        refused = await _write_secured(
            client, session, server, configure, TAGS["Configure"][1], tuner
        )
        assert "user 'tuner' (roles: Operate, Tune) lacks the Configure role" in (
            refused.protocol_status.message
        )


@pytest.mark.parametrize(
    ("users", "says"),
    [
        ({"x": {"password": "p", "roles": ["Admin"]}}, "users.x: unknown roles ['Admin']"),
        ({"x": {"password": "p"}}, "users.x: 'roles' must be a list"),
        ({"x": {"password": "", "roles": []}}, "users.x: 'password' must be a non-empty string"),
        ({"x": {"password": "p", "roles": [], "role": "Tune"}}, "users.x: unknown keys ['role']"),
        ({"x": "p"}, "users.x: must be a table"),
        (["x"], "'users' must be a table"),
        (
            {"x": {"password": "p", "roles": []}, "X": {"password": "q", "roles": []}},
            "users.X: the user is listed twice",
        ),
    ],
)
def test_a_bad_users_table_is_an_error_naming_the_file_and_user(tmp_path, users, says) -> None:
    path = _model_with_users(tmp_path, users)
    with pytest.raises(ModelError) as error:
        load_model(path)
    assert str(error.value).startswith(f"{path}: ") and says in str(error.value)


def test_a_sim_user_with_an_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown roles"):
        SimUser("p", frozenset({"Admin"}))
    assert SimUser("p", ["Tune"]).roles == frozenset({"Tune"})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("users", "says"),
    [
        ({"x": 123}, "SimConfig.users['x']: a password string or a SimUser"),
        ({"x": "p", "X": "q"}, "SimConfig.users['X']: listed twice"),
    ],
)
def test_bad_sim_config_users_are_a_value_error(users, says) -> None:
    with pytest.raises(ValueError, match=re.escape(says)):
        SimConfig(users=users)
