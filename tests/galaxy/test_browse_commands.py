"""ls, cd, pwd, tree, attrs and find against the simulated gateway's demo plant."""

from __future__ import annotations

import json

from mxshell.testing import ShellRunner

AREA = "/GR_Platform/AppEngine1/Plant/Area_Production"


async def test_ls_at_the_top_lists_the_platform_and_ls_of_an_object_its_children_and_attributes(
    shell: ShellRunner,
) -> None:
    top = await shell.run("ls")
    assert top.ok and top.text == "GR_Platform/"
    tank = await shell.run("ls Tank1")
    lines = tank.text.splitlines()
    assert lines[:2] == ["Valve101/", "Valve102/"]
    assert "Level" in lines and "Level.HiHi" in lines
    assert tank.result.as_data()["path"] == f"{AREA}/Tank1"


async def test_ls_long_shows_kind_type_and_security(shell: ShellRunner) -> None:
    result = await shell.run("ls -l Tank1")
    rows = {row[0]: row for row in result.result.rows}
    assert rows["Valve101/"][1:3] == ["application object", "$Valve"]
    assert rows["BatchId"][1:] == [
        "attribute",
        "String",
        "SecuredWrite",
        False,
        False,
        "template",
    ]
    assert rows["Level"][1:] == ["attribute", "Double", "ViewOnly", True, True, "template"]
    assert rows["Valve101/"][-1] is None


async def test_ls_long_and_attrs_say_which_attributes_were_added_on_the_instance(
    shell: ShellRunner,
) -> None:
    listed = await shell.run("ls -l Tank3")
    assert listed.result.columns[-1] == "origin"
    origin = {row[0]: row[-1] for row in listed.result.rows}
    assert origin["Agitator.Speed"] == "instance" and origin["Level"] == "template"
    assert [name for name, where in origin.items() if where == "instance"] == ["Agitator.Speed"]
    shown = await shell.run("attrs Tank3")
    assert shown.result.columns[-1] == "origin"
    rows = {row[0]: row for row in shown.result.rows}
    assert rows["Agitator.Speed"][1] == "Tank3.Agitator.Speed"
    assert rows["Agitator.Speed"][-1] == "instance" and rows["Level"][-1] == "template"
    assert {row[-1] for row in (await shell.run("attrs Tank1")).result.rows} == {"template"}
    await shell.run("set output json")
    data = json.loads((await shell.run("attrs FlowMeter2")).text)["result"]
    origin = {row["attribute"]: row["origin"] for row in data["rows"]}
    assert origin["RawSignal"] == "instance" and origin["Total"] == "template"


async def test_cd_pwd_and_relative_references_in_other_families(shell: ShellRunner) -> None:
    assert (await shell.run("cd Tank1")).ok
    assert (await shell.run("pwd")).text == f"{AREA}/Tank1"
    read = await shell.run("read .Level")
    assert read.ok, read.errors
    assert read.result.rows[0][0] == "Tank1.Level"
    added = await shell.run("add-item .Temperature --as temp")
    assert added.ok and added.result.as_data().rows[0][2] == "Tank1.Temperature"


async def test_after_cd_a_bare_attribute_name_reads_relative_to_the_object(
    shell: ShellRunner,
) -> None:
    assert (await shell.run("cd Tank1")).ok
    read = await shell.run("read Level")
    assert read.ok, read.errors
    assert read.result.rows[0][0] == "Tank1.Level"
    other = await shell.run("read Tank2.Level")  # a tag itself stays what it names
    assert other.ok and other.result.rows[0][0] == "Tank2.Level"
    missing = await shell.run("read NoSuchAttribute")
    assert not missing.ok  # neither a tag nor Tank1's: refused as typed


async def test_cd_dotdot_slash_and_dash_move_like_a_filesystem(shell: ShellRunner) -> None:
    await shell.run("cd Tank1")
    await shell.run("cd ..")
    assert (await shell.run("pwd")).text == AREA
    await shell.run("cd /GR_Platform/AppEngine1")
    assert (await shell.run("pwd")).text == "/GR_Platform/AppEngine1"
    await shell.run("cd -")
    assert (await shell.run("pwd")).text == AREA
    await shell.run("cd /")
    assert (await shell.run("pwd")).text == "/"
    await shell.run("cd Tank1/Valve101")
    assert (await shell.run("pwd")).text == f"{AREA}/Tank1/Valve101"


async def test_a_path_that_does_not_exist_fails_with_one_line_and_keeps_the_place(
    shell: ShellRunner,
) -> None:
    await shell.run("cd Tank1")
    for line, message in [
        ("cd NoSuchTank", "cd: no object 'NoSuchTank' in the Galaxy"),
        ("ls /GR_Platform/Nope", "ls: no object 'Nope' under /GR_Platform"),
        ("attrs Nope", "attrs: no object 'Nope' in the Galaxy"),
        ("tree Nope", "tree: no object 'Nope' in the Galaxy"),
    ]:
        result = await shell.run(line)
        assert not result.ok and result.outcomes[0].exit_status == 1
        assert result.errors == message
    assert (await shell.run("pwd")).text == f"{AREA}/Tank1"


async def test_a_relative_reference_without_a_current_object_is_refused(
    shell: ShellRunner,
) -> None:
    result = await shell.run("read .Level")
    assert not result.ok
    assert "relative to the current object" in result.errors
    assert "Traceback" not in result.errors


async def test_tree_draws_the_hierarchy_to_the_given_depth(shell: ShellRunner) -> None:
    result = await shell.run("tree Tank1")
    assert result.text.splitlines() == [f"{AREA}/Tank1", "├── Valve101", "└── Valve102"]
    shallow = await shell.run("tree / --depth 2")
    assert shallow.text.splitlines() == ["/", "└── GR_Platform", "    └── AppEngine1"]
    assert not (await shell.run("tree --depth -1")).ok


async def test_attrs_lists_every_attribute_with_its_details(shell: ShellRunner) -> None:
    result = await shell.run("attrs Tank1")
    assert result.result.columns[:3] == ["attribute", "tag reference", "data type"]
    rows = {row[0]: row for row in result.result.rows}
    assert len(rows) == 21
    assert rows["LevelTrend"] == [
        "LevelTrend",
        "Tank1.LevelTrend[]",
        "Double[]",
        True,
        "ViewOnly",
        False,
        False,
        "template",
    ]
    await shell.run("cd Pump1")
    here = await shell.run("attrs")
    assert all(row[1].startswith("Pump1.") for row in here.result.rows)
    assert not (await shell.run("cd /; attrs")).ok


async def test_find_matches_objects_and_attributes_with_filters(shell: ShellRunner) -> None:
    objects = await shell.run("find 'pump?'")
    assert [row[0] for row in objects.result.rows] == [f"Pump{n}" for n in range(1, 6)]
    levels = await shell.run("find 'Tank*.Level'")
    assert [row[0] for row in levels.result.rows] == [f"Tank{n}.Level" for n in range(1, 5)]
    secured = await shell.run("find 'Tank1' --security securedwrite")
    assert [row[0] for row in secured.result.rows] == ["Tank1.BatchId"]
    booleans = await shell.run("find '*' --type Boolean --limit 3")
    assert len(booleans.result.rows) == 3 and "of 105 matches" in booleans.result.title
    await shell.run("cd Tank2")
    relative = await shell.run("find '.Level.H*'")
    assert [row[0] for row in relative.result.rows] == [
        "Tank2.Level.Hi",
        "Tank2.Level.HiAlarm",
        "Tank2.Level.HiHi",
    ]


async def test_find_without_a_dot_finds_attributes_too(shell: ShellRunner) -> None:
    level = await shell.run("find Level")
    assert level.ok, level.errors
    assert [row[0] for row in level.result.rows] == [f"Tank{n}.Level" for n in range(1, 5)]
    assert {row[1] for row in level.result.rows} == {"attribute"}
    speeds = await shell.run("find '*Speed*' --limit 1000")
    found = [row[0] for row in speeds.result.rows]
    assert "Pump1.Speed" in found and "Pump1.Speed.SP" in found


async def test_find_failures_are_one_line(shell: ShellRunner) -> None:
    nothing = await shell.run("find 'Nothing*.Here'")
    assert nothing.errors == "find: nothing in the Galaxy matches 'Nothing*.Here'"
    bad_type = await shell.run("find '*' --type Sausage")
    assert bad_type.outcomes[0].exit_status == 2
    assert "unknown data type 'Sausage'" in bad_type.errors


async def test_browsing_in_json_gives_data(shell: ShellRunner) -> None:
    await shell.run("set output json")
    result = await shell.run("cd Tank1; pwd")
    assert result.ok
    assert '"path": "/GR_Platform/AppEngine1/Plant/Area_Production/Tank1"' in result.out[-1]
