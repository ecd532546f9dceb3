"""Strict CSV reading shared by every loader: field counts, no implicit index, clean errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from ikzlib.errors import DataValidationError
from ikzlib.tables import read_csv_strict, to_number


def _csv(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_valid_file_reads_as_before(tmp_path: Path) -> None:
    path = _csv(tmp_path, 'doc_id,name,group\nI1, Interview 1 ,\n\n  \nI2,"Two, quoted",g\n')
    frame = read_csv_strict(path, ["doc_id", "name"], optional=["group", "note"])
    assert frame["doc_id"].tolist() == ["I1", "I2"]
    assert frame["name"].tolist() == ["Interview 1", "Two, quoted"]
    assert frame["group"].tolist() == [None, "g"]
    assert frame["note"].tolist() == [None, None]
    assert frame["_line"].tolist() == [2, 5]


def test_every_row_one_field_too_long_is_refused_not_shifted(tmp_path: Path) -> None:
    # pandas used to take the first field as the index: doc_id became "Interview 1".
    path = _csv(tmp_path, "doc_id,name\nI1,Interview 1,extra\nI2,Interview 2,extra\n")
    with pytest.raises(DataValidationError) as info:
        read_csv_strict(path, ["doc_id", "name"])
    assert "t.csv, line 2: 3 fields, but the header has 2" in str(info.value)


@pytest.mark.parametrize(
    ("text", "line", "count"),
    [
        ("a,b\n1,2\n3,4,5\n", 3, 3),  # ragged row (pandas ParserError before)
        ("a,b\n1,2\n3\n", 3, 1),  # short row (was padded silently)
        ('a,b\n"x\ny",2\n3,4,5\n', 4, 3),  # line of a record after a quoted newline
    ],
)
def test_ragged_rows_name_their_line(tmp_path: Path, text: str, line: int, count: int) -> None:
    with pytest.raises(DataValidationError) as info:
        read_csv_strict(_csv(tmp_path, text), ["a", "b"])
    assert info.value.row == line
    assert f"{count} fields, but the header has 2" in info.value.problem


def test_directory_and_huge_field_are_clean_errors(tmp_path: Path) -> None:
    folder = tmp_path / "dir.csv"
    folder.mkdir()
    with pytest.raises(DataValidationError, match=r"dir\.csv: not a file"):
        read_csv_strict(folder, ["a"])
    path = _csv(tmp_path, "a," + "x" * 140_000 + "\n1,2\n")
    with pytest.raises(DataValidationError, match=r"line 1: malformed CSV \(field larger"):
        read_csv_strict(path, ["a"])


def test_existing_messages_kept(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match="file not found"):
        read_csv_strict(tmp_path / "none.csv", ["a"])
    with pytest.raises(DataValidationError, match="file is empty"):
        read_csv_strict(_csv(tmp_path, "\n"), ["a"])
    with pytest.raises(DataValidationError, match=r"line 1: missing column\(s\) \['b'\]"):
        read_csv_strict(_csv(tmp_path, "a\n1\n"), ["a", "b"])


def test_integer_beyond_exact_range_is_refused(tmp_path: Path) -> None:
    frame = read_csv_strict(_csv(tmp_path, "n\n12\n" + "9" * 30 + "\n"), ["n"])
    with pytest.raises(DataValidationError, match=r"line 3, n: 9+ is too large"):
        to_number(frame, "n", "t.csv", integer=True)
