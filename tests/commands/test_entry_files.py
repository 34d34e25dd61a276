"""Entry files read a block at a time: lines across blocks, their numbers, their limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from mxshell.base.errors import CommandFailed, UsageError
from mxshell.commands import entry_files, file_reading
from mxshell.commands.entry_files import WriteSpec, read_entry_lines, read_write_specs


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of 7 characters and lines of at most 20: every line crosses a block."""
    monkeypatch.setattr(file_reading, "BLOCK_CHARS", 7)
    monkeypatch.setattr(file_reading, "MAX_LINE_CHARS", 20)


def test_lines_across_blocks_keep_their_text_and_numbers(
    small_blocks: None, tmp_path: Path
) -> None:
    listed = tmp_path / "tags.txt"
    listed.write_text("# tanks\nTank1.Level\n\n  Tank2.Level  \r\nTank3.Level")
    name = str(listed)
    assert read_entry_lines(name) == [
        (f"{name}:2", "Tank1.Level"),
        (f"{name}:4", "Tank2.Level"),
        (f"{name}:5", "Tank3.Level"),
    ]


def test_a_line_over_the_limit_is_refused_with_its_number(
    small_blocks: None, tmp_path: Path
) -> None:
    listed = tmp_path / "tags.txt"
    listed.write_text("Tank1.Level\nTank2.Level\n" + "x" * 21 + "\nTank3.Level\n")
    with pytest.raises(CommandFailed, match=r"tags.txt:3: the line is longer than 20 "):
        read_entry_lines(str(listed))
    listed.write_text("Tank1.Level\n" + "x" * 20 + "\n" + "y" * 21)  # the last, unended
    with pytest.raises(CommandFailed, match=r"tags.txt:3: the line is longer"):
        read_entry_lines(str(listed))


def test_a_line_of_exactly_the_limit_is_taken(small_blocks: None, tmp_path: Path) -> None:
    listed = tmp_path / "tags.txt"
    listed.write_text("x" * 20 + "\n" + "y" * 20)
    assert [line for _, line in read_entry_lines(str(listed))] == ["x" * 20, "y" * 20]


def test_a_nul_in_any_block_is_no_text(small_blocks: None, tmp_path: Path) -> None:
    listed = tmp_path / "tags.txt"
    listed.write_text("Tank1.Level\nTank2.Level\nTa\x00nk3\n")
    with pytest.raises(CommandFailed, match="it is not a text file"):
        read_entry_lines(str(listed))


def test_write_lines_become_specs_and_a_line_without_a_tag_is_named(tmp_path: Path) -> None:
    values = tmp_path / "values.txt"
    values.write_text("Tank1.Level.Hi = 90\nTank1.Mode=a=b\n")
    name = str(values)
    assert read_write_specs(name) == [
        WriteSpec("Tank1.Level.Hi", "90", None, None, f"{name}:1"),
        WriteSpec("Tank1.Mode", "a=b", None, None, f"{name}:2"),
    ]
    values.write_text("Tank1.Level.Hi=90\n=5\n")
    with pytest.raises(UsageError, match=r"values.txt:2: '=5' is not TAG=VALUE"):
        read_write_specs(name)


def test_a_file_of_writes_reads_as_columns_with_each_entrys_place(tmp_path: Path) -> None:
    values = tmp_path / "values.txt"
    values.write_text("# setpoints\nTank1.Level.Hi = 90\n\r\nTank1.Mode=a=b\r\n")
    name = str(values)
    read = entry_files.read_assignments(name)
    assert (read.tags, read.values) == (["Tank1.Level.Hi", "Tank1.Mode"], ["90", "a=b"])
    assert (read.type_names, read.timestamps) == ([None, None], [None, None])
    assert [read.where(0), read.where(1)] == [f"{name}:2", f"{name}:4"]
    typed = entry_files.Assignments()
    typed.append("Pump1.Speed.SP", "5")
    read.extend(typed)
    read.append_from(typed, 0, "Pump2.Speed.SP")  # a glob's match: another tag, same value
    assert read.tags[2:] == ["Pump1.Speed.SP", "Pump2.Speed.SP"]
    assert (read.where(2), read.values[3], len(read)) == ("", "5", 4)
    assert read.specs()[1] == WriteSpec("Tank1.Mode", "a=b", None, None, f"{name}:4")
    assert read.type_names == [None] * 4 and read.timestamps == [None] * 4


def test_any_glob_looks_over_many_words_as_is_glob_does_each() -> None:
    assert not entry_files.any_glob(["Tank1.Level", "Tank1.LevelTrend[2]", "Tank1.Trend[]"])
    assert entry_files.any_glob(["Tank1.Level", "Tank*.Level"])
    assert entry_files.any_glob(["Pump[12].Speed"])
    assert not entry_files.any_glob([])


def test_a_csv_record_after_one_spanning_lines_is_named_by_the_line_it_starts_on(
    tmp_path: Path,
) -> None:
    written = tmp_path / "notes.csv"
    written.write_text('tag,value\nTank1.Notes,"one\ntwo"\n# a comment\nTank2.Notes\n')
    with pytest.raises(UsageError, match=r"notes.csv:5: expected the columns tag, value"):
        read_write_specs(str(written))


def test_csv_records_keep_their_text_and_the_line_each_starts_on(tmp_path: Path) -> None:
    written = tmp_path / "notes.csv"
    written.write_bytes(b'tag,value\r\n\r\n  Tank1.Notes,"one\r\ntwo"\r\n# done\r\nTank2.Notes,x')
    numbers, texts, rows = file_reading.csv_records(str(written), texts=True)
    assert numbers == [1, 3, 6]
    # Line ends read as text reads them (\r\n as \n), in a value too, whether or not routed.
    assert texts == ["tag,value", 'Tank1.Notes,"one\ntwo"', "Tank2.Notes,x"]
    assert rows == [["tag", "value"], ["  Tank1.Notes", "one\ntwo"], ["Tank2.Notes", "x"]]


def test_a_csv_line_over_the_limit_or_a_nul_is_refused_as_in_any_entry_file(
    small_blocks: None, tmp_path: Path
) -> None:
    written = tmp_path / "writes.csv"
    written.write_text("tag,value\nTank1.Level.Hi,1\n" + "x" * 21 + "\n")
    with pytest.raises(CommandFailed, match=r"writes.csv:3: the line is longer than 20 "):
        read_write_specs(str(written))
    written.write_text("tag,value\nTank1.Level.Hi,\x001\n")
    with pytest.raises(CommandFailed, match="it is not a text file"):
        read_write_specs(str(written))


def test_a_byte_order_mark_is_no_part_of_the_first_line(tmp_path: Path) -> None:
    # Excel's "CSV UTF-8" starts the file with one: the header must still be a header.
    written = tmp_path / "excel.csv"
    written.write_bytes("tag,value,type\nTank1.Mode,2,int\n".encode("utf-8-sig"))
    assert [(s.tag, s.value, s.type_name) for s in read_write_specs(str(written))] == [
        ("Tank1.Mode", "2", "int")
    ]
    listed = tmp_path / "tags.txt"
    listed.write_bytes("Tank1.Level\n".encode("utf-8-sig"))
    assert read_entry_lines(str(listed)) == [(f"{listed}:1", "Tank1.Level")]
    assert file_reading.starts_a_line(str(listed), ["Tank1."])


def test_a_quote_left_open_is_refused_with_the_line_its_record_starts_on(
    tmp_path: Path,
) -> None:
    # Read leniently, the rest of the file would become one value of Tank1.Mode.
    written = tmp_path / "writes.csv"
    written.write_text('tag,value\nTank1.Mode,"abc\nTank1.Level.Hi,5\nPump1.Speed.SP,7\n')
    with pytest.raises(CommandFailed, match=r"writes.csv:2 as CSV: unexpected end of data"):
        read_write_specs(str(written))
    written.write_text('tag,value\nTank1.Mode,"abc"d\n')
    with pytest.raises(CommandFailed, match=r"writes.csv:2 as CSV: "):
        read_write_specs(str(written))


def test_a_csv_value_may_be_as_long_as_a_line_and_a_header_is_no_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = tmp_path / "long.csv"
    written.write_text(f"tag,value\nTank1.Description,{'x' * 200_000}\n")
    assert len(read_write_specs(str(written))[0].value) == 200_000
    monkeypatch.setattr(file_reading, "MAX_FILE_ENTRIES", 3)
    written.write_text("tag,value\n" + "".join(f"Tank{n}.Mode,1\n" for n in range(3)))
    assert len(read_write_specs(str(written))) == 3
    written.write_text("".join(f"Tank{n}.Mode,1\n" for n in range(4)))
    with pytest.raises(CommandFailed, match="more than 3 entries"):
        read_write_specs(str(written))


def test_a_csv_tag_list_gives_each_records_first_cell(tmp_path: Path) -> None:
    # A tag list kept in a spreadsheet: a `tag` header skipped, quotes and other columns
    # are CSV's, not the tag's.
    listed = tmp_path / "tags.csv"
    listed.write_text('tag,description\n"Tank1.Level","the level, in %"\nTank1.Volume\n')
    assert read_entry_lines(str(listed)) == [
        (f"{listed}:2", "Tank1.Level"),
        (f"{listed}:3", "Tank1.Volume"),
    ]
    part = entry_files.EntryFile(f"@{listed}", [2, 3], ['"Tank1.Level",x', "Tank1.Volume"])
    assert part.entry_lines() == read_entry_lines(str(listed))


def test_the_quick_look_finds_a_qualified_cell_quoted_with_blanks(tmp_path: Path) -> None:
    listed = tmp_path / "tags.csv"
    listed.write_text('tag\n" b:Tank1.Level",x\n')
    assert file_reading.starts_a_line(str(listed), ["b:"])
    assert not file_reading.starts_a_line(str(listed), ["c:"])
