"""The keys file fails closed: grants exactly as written, anything else exit 2 in one line."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mxshell.sim.auth import ALL_SCOPES
from mxshell.sim.cli import main
from mxshell.sim.keys_file import FIELDS, KeysFileError, load_keys_file


def write(tmp_path: Path, entries: Any, name: str = "keys.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(entries))
    path.chmod(0o600)
    return path


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ({"key": "k", "scopes": ["read"], "tag_globs": "Tank1.*"}, "'tag_globs' must be a list"),
        ({"key": "k", "scope": ["read"], "tag_globs": ["*"]}, "unknown field 'scope'"),
        ({"key": "k", "scopes": ["read"], "tag_glob": ["Tank1.*"]}, "unknown field 'tag_glob'"),
        ({"key": "k", "tag_globs": ["*"]}, "missing field 'scopes'"),
        ({"key": "k", "scopes": ["read"]}, "missing field 'tag_globs'"),
        ({"key": "k", "scopes": "read", "tag_globs": ["*"]}, "'scopes' must be a list"),
        ({"key": 42, "scopes": [], "tag_globs": ["*"]}, "'key' must be a non-empty string"),
        ({"key": "k", "scopes": [], "tag_globs": []}, "'tag_globs' is empty"),
    ],
)
def test_a_field_that_would_widen_a_grant_is_an_error_naming_file_entry_and_field(
    tmp_path: Path, entry: dict[str, Any], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, [{"key": "fine", "scopes": [], "tag_globs": ["*"]}, entry])
    with pytest.raises(KeysFileError, match=f"key #2: (field )?{re.escape(says)}"):
        load_keys_file(path)
    assert main(["--keys-file", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and "key #2" in err


def test_a_string_of_globs_no_longer_grants_every_tag(tmp_path: Path) -> None:
    path = write(tmp_path, [{"key": "k", "scopes": ["read"], "tag_globs": ["Tank1.*"]}])
    (key,) = load_keys_file(path)
    assert key.allows_tag("Tank1.Level") and not key.allows_tag("Pump1.Speed")


def test_a_repeated_key_is_an_error(tmp_path: Path) -> None:
    entry = {"key": "same", "scopes": ["read"], "tag_globs": ["*"]}
    path = write(tmp_path, [entry, {**entry, "scopes": ["write"]}])
    with pytest.raises(KeysFileError, match="key #2 repeats the key of key #1"):
        load_keys_file(path)


@pytest.mark.skipif(os.name != "posix", reason="mode bits are POSIX")
def test_a_keys_file_readable_by_others_is_warned_about(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mxshell.sim.keys_file import warn_if_readable_by_others

    path = write(tmp_path, [{"key": "k", "scopes": [], "tag_globs": ["*"]}])
    warn_if_readable_by_others(path, "keys file")
    assert capsys.readouterr().err == ""
    path.chmod(0o644)
    warn_if_readable_by_others(path, "keys file")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "readable by other users" in err and str(path) in err


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=6,
)
_field_names = st.sampled_from([*FIELDS, "scope", "tag_glob", "Scopes", "keys", ""])
_scope_lists = st.lists(st.sampled_from(sorted(ALL_SCOPES) + ["all", "*"]), max_size=4)
_glob_lists = st.lists(st.sampled_from(["*", "Tank1.*", "Pump?.*", ""]), max_size=3)
_entries = st.dictionaries(
    _field_names,
    st.one_of(_values, _scope_lists, _glob_lists, st.text(min_size=1, max_size=8)),
    max_size=5,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.one_of(st.lists(_entries, max_size=3), _values))
def test_any_keys_file_loads_exactly_as_written_or_is_refused(tmp_path: Path, data: Any) -> None:
    path = write(tmp_path, data, name="fuzz.json")
    try:
        keys = load_keys_file(path)
    except KeysFileError as error:
        assert "\n" not in str(error) and str(path) in str(error)
        return
    entries = data["keys"] if isinstance(data, dict) else data
    assert len(keys) == len(entries)
    for key, entry in zip(keys, entries, strict=True):
        assert set(entry) <= set(FIELDS)
        assert key.key == entry["key"]
        assert key.scopes == frozenset(entry["scopes"])  # never a scope it did not name
        if "*" in entry["tag_globs"]:
            assert key.tag_globs == ()
        else:
            assert key.tag_globs == tuple(entry["tag_globs"])  # no glob it did not name


def test_the_keys_file_in_the_simulator_docs_loads_as_it_reads(tmp_path: Path) -> None:
    doc = (Path(__file__).parents[2] / "docs" / "simulator.md").read_text(encoding="utf-8")
    example = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "keys.toml"
    path.write_text(example)
    ops, tanks = load_keys_file(path)
    assert (ops.name, ops.scopes, ops.tag_globs) == ("ops", ALL_SCOPES, ())
    assert (tanks.name, tanks.scopes, tanks.tag_globs) == (
        "tank-viewer",
        frozenset({"session", "read"}),
        ("Tank*.*",),
    )
