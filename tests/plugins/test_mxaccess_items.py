"""register, add-item, remove-item, advise, unadvise, items and completion, against a
simulated gateway, including their failures."""

from __future__ import annotations

import json

from mxshell.commands import USAGE, Table, candidates, completion_slot
from mxshell.sim import EmbeddedGateway
from mxshell.testing import ShellRunner
from tests.conftest import eventually
from tests.plugins.conftest import READER_KEY, TANKS_KEY, held_by_gateway


def complete(shell: ShellRunner, text: str) -> list[str]:
    slot = completion_slot(shell.host.registry, text)
    return candidates(slot, shell.context, shell.host.completers)


async def test_register_gives_a_new_current_server_handle_and_unregister_releases_it(
    mx_shell: ShellRunner,
) -> None:
    first = await mx_shell.run("register")
    assert first.ok and first.text == "registered mxshell: server handle 1"
    second = await mx_shell.run("register tester")
    assert second.result.as_data() == {"server_handle": 2, "client_name": "tester"}
    await mx_shell.run("add-item Tank1.Level --as level")
    assert mx_shell.session.find("level").registration.handle == 2
    released = await mx_shell.run("unregister")
    assert released.text == "unregistered server handle 2: released 1 item(s)"
    assert mx_shell.session.items.current.handle == 1
    assert len(mx_shell.session.items) == 0


async def test_unregister_of_an_unknown_server_handle_fails_in_one_line(
    mx_shell: ShellRunner,
) -> None:
    result = await mx_shell.run("unregister --server-handle 9")
    assert not result.ok
    assert result.errors == "unregister: no registration with server handle 9"


async def test_add_item_says_what_changed_in_one_line_and_the_gateway_holds_the_item(
    gateway: EmbeddedGateway, mx_shell: ShellRunner
) -> None:
    result = await mx_shell.run("add-item Tank1.Level --as level")
    assert result.text == "added item 1 (level): Tank1.Level"
    table = result.result.as_data()  # what JSON gets: the item's row, as before
    assert isinstance(table, Table)
    assert table.records() == [
        {"handle": 1, "alias": "level", "tag": "Tank1.Level", "advise": "none"}
    ]
    assert held_by_gateway(gateway, mx_shell.session.session_id) == [("Tank1.Level", False)]


async def test_add_item_of_an_unknown_tag_shows_mxaccess_status_and_hresult(
    mx_shell: ShellRunner,
) -> None:
    result = await mx_shell.run("add-item Tank1.NoSuchThing")
    assert result.outcomes[0].exit_status == 1
    assert result.errors == (
        "add-item: MXAccess refused AddItem for Tank1.NoSuchThing: unknown tag reference "
        "'Tank1.NoSuchThing' (ConfigurationError, detected by responding LMX, detail 1001; "
        "HRESULT 0x80070490 ERROR_NOT_FOUND)"
    )
    assert len(mx_shell.session.items) == 0


async def test_bad_and_duplicate_aliases_are_refused_before_the_gateway_is_asked(
    gateway: EmbeddedGateway, mx_shell: ShellRunner
) -> None:
    bad = await mx_shell.run("add-item Tank1.Level --as 9lives")
    assert bad.errors.startswith("add-item: bad alias '9lives'")
    await mx_shell.run("add-item Tank1.Level --as level")
    taken = await mx_shell.run("add-item Tank2.Level --as LEVEL")
    assert taken.errors == "add-item: alias 'LEVEL' is already in use"
    assert held_by_gateway(gateway, mx_shell.session.session_id) == [("Tank1.Level", False)]


async def test_remove_item_by_alias_handle_or_tag(
    gateway: EmbeddedGateway, mx_shell: ShellRunner
) -> None:
    await mx_shell.run(
        "add-item Tank1.Level --as level; add-item Tank2.Level; add-item Pump1.Speed"
    )
    by_alias = await mx_shell.run("remove-item level")
    assert by_alias.text == "removed item 1 (level): Tank1.Level"
    by_handle = await mx_shell.run("remove-item 2")
    assert by_handle.result.as_data() == {"handle": 2, "alias": None, "tag": "Tank2.Level"}
    assert (await mx_shell.run("remove-item pump1.speed")).ok  # a tag, in any case
    assert held_by_gateway(gateway, mx_shell.session.session_id) == []


async def test_remove_item_of_a_bad_alias_or_handle_fails_clearly(mx_shell: ShellRunner) -> None:
    alias = await mx_shell.run("remove-item nosuch")
    assert alias.errors == "remove-item: no item 'nosuch': add it with add-item, or check items"
    handle = await mx_shell.run("remove-item 42")
    assert handle.errors == "remove-item: no item '42': add it with add-item, or check items"
    usage = await mx_shell.run("remove-item")
    assert usage.outcomes[0].status == USAGE


async def test_advise_a_tag_adds_it_and_values_arrive(
    gateway: EmbeddedGateway, mx_shell: ShellRunner
) -> None:
    result = await mx_shell.run("advise Tank1.Capacity")
    assert result.text == "advised item 1: Tank1.Capacity"
    assert result.result.as_data().records() == [
        {"handle": 1, "alias": None, "tag": "Tank1.Capacity", "advise": "advise"}
    ]
    item = mx_shell.session.find("Tank1.Capacity")
    await eventually(lambda: item.change_count > 0, "the first value")
    assert (item.value, item.quality) == (25000, 192)
    assert held_by_gateway(gateway, mx_shell.session.session_id) == [("Tank1.Capacity", True)]


async def test_unadvise_keeps_the_item_and_stops_its_events(
    gateway: EmbeddedGateway, mx_shell: ShellRunner
) -> None:
    await mx_shell.run("add-item Tank1.Level --as level; advise level")
    result = await mx_shell.run("unadvise level")
    assert result.text == "unadvised item 1 (level): Tank1.Level"
    assert result.result.as_data().records()[0]["advise"] == "none"
    assert held_by_gateway(gateway, mx_shell.session.session_id) == [("Tank1.Level", False)]


async def test_advise_of_an_unknown_tag_fails_and_leaves_nothing_behind(
    gateway: EmbeddedGateway, mx_shell: ShellRunner
) -> None:
    result = await mx_shell.run("advise Nowhere.Value")
    assert result.errors.startswith("advise: MXAccess refused AddItem for Nowhere.Value")
    bad_alias = await mx_shell.run("advise nosuch")
    assert bad_alias.errors == (
        "advise: no item or alias 'nosuch' (a tag reference looks like Tank1.Level)"
    )
    assert len(mx_shell.session.items) == 0
    assert held_by_gateway(gateway, mx_shell.session.session_id) == []


async def test_advise_supervisory_is_shown_in_items(mx_shell: ShellRunner) -> None:
    await mx_shell.run("advise-supervisory Tank1.BatchId")
    items = (await mx_shell.run("items")).result
    assert [(r["tag"], r["advise"]) for r in items.records()] == [("Tank1.BatchId", "supervisory")]


async def test_server_handle_picks_the_registration(mx_shell: ShellRunner) -> None:
    await mx_shell.run("register first; register second")
    await mx_shell.run("add-item Tank1.Level --as one --server-handle 1")
    await mx_shell.run("advise Tank1.Level --server-handle 2")  # a new item under handle 2
    session = mx_shell.session
    assert [(i.name, i.registration.handle) for i in session.items] == [
        ("one", 1),
        ("Tank1.Level", 2),
    ]
    wrong = await mx_shell.run("advise one --server-handle 2")
    assert wrong.errors == "advise: item one belongs to server handle 1, not 2"


async def test_items_table_has_the_latest_value_quality_timestamp_and_changes(
    mx_shell: ShellRunner,
) -> None:
    empty = await mx_shell.run("items")
    assert empty.result.columns == [
        "handle",
        "alias",
        "tag",
        "advise",
        "value",
        "quality",
        "timestamp",
        "changes",
    ]
    assert empty.result.rows == []
    await mx_shell.run("add-item Tank1.Capacity --as cap; advise cap; add-item Tank2.Level")
    item = mx_shell.session.find("cap")
    await eventually(lambda: item.change_count == 1, "the first value")
    rows = (await mx_shell.run("items")).result.records()
    assert rows[0]["value"] == 25000 and rows[0]["quality"] == "Good (192)"
    assert rows[0]["timestamp"] is not None and rows[0]["changes"] == 1
    assert rows[1] == {
        "handle": 2,
        "alias": None,
        "tag": "Tank2.Level",
        "advise": "none",
        "value": None,
        "quality": None,
        "timestamp": None,
        "changes": 0,
    }


async def test_items_without_a_session_is_an_empty_table() -> None:
    shell = ShellRunner()
    result = await shell.run("items")
    assert result.ok and result.result.rows == []
    needs = await shell.run("add-item Tank1.Level")
    assert needs.errors == "add-item: not connected to a gateway; use connect"


async def test_a_key_without_the_read_scope_cannot_add_items(
    restricted_gateway: EmbeddedGateway,
) -> None:
    async with ShellRunner.connected(restricted_gateway, api_key=READER_KEY) as shell:
        assert (await shell.run("add-item Tank1.Level")).ok  # reader has read
    async with ShellRunner.connected(restricted_gateway, api_key=TANKS_KEY) as shell:
        outside = await shell.run("add-item Pump1.Speed")
        assert outside.errors == (
            "add-item: permission denied (PERMISSION_DENIED): tag 'Pump1.Speed' is outside "
            "this API key's tag constraint"
        )
        assert len(shell.session.items) == 0
        assert (await shell.run("advise Tank1.Level")).ok


async def test_item_values_complete_aliases_handles_and_tags(mx_shell: ShellRunner) -> None:
    await mx_shell.run(
        "add-item Tank1.Level --as level; add-item Tank2.Level; add-item Pump1.Speed"
    )
    assert complete(mx_shell, "remove-item ") == [
        "1",
        "2",
        "3",
        "Pump1.Speed",
        "Tank1.Level",
        "Tank2.Level",
        "level",
    ]
    assert complete(mx_shell, "advise l") == ["level"]
    assert complete(mx_shell, "write T") == ["Tank1.Level", "Tank2.Level"]
    assert complete(mx_shell, "read Pump1.Speed ") == [
        "1",
        "2",
        "3",
        "Pump1.Speed",
        "Tank1.Level",
        "Tank2.Level",
        "level",
    ]


async def test_type_option_completes_its_choices(mx_shell: ShellRunner) -> None:
    assert complete(mx_shell, "write level 3 --ty") == ["--type"]
    assert complete(mx_shell, "write level 3 --type int") == [
        "int32",
        "int32[]",
        "int64",
        "int64[]",
    ]
    assert "datetime[]" in complete(mx_shell, "write2 level 3 --timestamp x --type ")
    assert complete(mx_shell, "record s") == ["start", "status", "stop"]


async def test_without_a_session_items_complete_to_nothing() -> None:
    shell = ShellRunner()
    assert complete(shell, "remove-item ") == []


async def test_four_state_changes_print_four_lines_and_json_keeps_the_tables(
    mx_shell: ShellRunner,
) -> None:
    quiet = await mx_shell.run("add-item Tank1.Level --as a; add-item Tank2.Level --as b")
    quiet = await mx_shell.run("advise a; advise b")
    assert quiet.text.splitlines() == [
        "advised item 1 (a): Tank1.Level",
        "advised item 2 (b): Tank2.Level",
    ]
    await mx_shell.run("set output json")
    shown = json.loads((await mx_shell.run("unadvise a")).text)
    assert shown["result"]["rows"] == [
        {"handle": 1, "alias": "a", "tag": "Tank1.Level", "advise": "none"}
    ]


async def test_set_name_tab_offers_only_that_settings_values(mx_shell: ShellRunner) -> None:
    assert complete(mx_shell, "set timestamps ") == ["local", "utc"]
    assert complete(mx_shell, "set events o") == ["off", "on"]
    assert "json" not in complete(mx_shell, "set timestamps ")
    assert complete(mx_shell, "set tank ") == []  # a variable: nothing to offer
