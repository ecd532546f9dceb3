"""Tidy CSV folder layout: reading, checks with file+line errors, deterministic round trip."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ikzlib.errors import DataValidationError
from ikzlib.qda.model import CodedProject
from ikzlib.qda.tidy import read_tidy, write_tidy

TEXT_A = "We share the building yard.\nThe 🚜 tractor too.\n"


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8"))
    return folder


BASE = {
    "documents.csv": "doc_id,name,group\nI1,Interview 1,individual\nI2,Interview 2,\n",
    "codes.csv": "code_id,parent_id,name,description,color\n"
    "C1,,Cooperation,informal and formal,#ff0000\nC2,C1,Machines,,\n",
    "codings.csv": "coding_id,doc_id,code_id,start,end,text,coder,weight,memo,section,evidence\n"
    "k1,I1,C2,0,27,We share the building yard.,anna,50,,,\n"
    "k2,I2,C1,,,,,,,3.5.4,footnote 107\n",
    "variables.csv": "doc_id,variable,value,type\nI1,participants,1,integer\n"
    "I2,participants,3,integer\nI1,format,telephone,\n",
    "sets.csv": "set_id,set_name,member_type,member_id\nS1,Group interviews,document,I2\n",
    "texts/I1.txt": TEXT_A,
    "notes.csv": "anything,else\n1,2\n",  # extra files are ignored
}


def test_read_tidy_tables(tmp_path: Path) -> None:
    project = read_tidy(_write(tmp_path, BASE))
    assert list(project.documents["doc_id"]) == ["I1", "I2"]
    assert project.documents.at[0, "text"] == TEXT_A
    assert project.documents.at[1, "text"] is None
    assert project.documents.at[1, "group"] is None
    assert project.codes.at[1, "parent_id"] == "C1"
    assert project.code_path("C2") == "Cooperation > Machines"
    codings = project.codings
    assert codings.at[0, "start"] == 0 and codings.at[0, "end"] == 27
    assert codings.at[0, "weight"] == 50
    assert pd.isna(codings.at[1, "start"]) and codings.at[1, "evidence"] == "footnote 107"
    types = dict(
        zip(project.doc_variables["variable"], project.doc_variables["type"], strict=False)
    )
    assert types == {"participants": "integer", "format": "text"}  # empty type -> text
    assert project.variables_wide().loc["I2", "participants"] == "3"
    assert project.sets.at[0, "member_id"] == "I2"


def test_round_trip_is_identical_and_deterministic(tmp_path: Path) -> None:
    text = "Line one\r\n  indented 😀 line\r\n"
    project = CodedProject(
        documents=pd.DataFrame(
            {"doc_id": ["b", "a"], "name": ["B", "A"], "text": [text, None], "group": ["g", None]}
        ),
        codes=pd.DataFrame(
            {
                "code_id": ["x", "y"],
                "parent_id": [None, "x"],
                "name": ["X, with comma", 'Y "quoted"'],
                "color": ["#00aa00", None],
            }
        ),
        codings=pd.DataFrame(
            {
                "coding_id": ["2", "1"],
                "doc_id": ["b", "a"],
                "code_id": ["y", "x"],
                "start": [8, None],
                "end": [27, None],
                "text": [text[8:27], None],
                "weight": [None, 3],
                "memo": ["multi\nline memo", None],
            }
        ),
        doc_variables=pd.DataFrame(
            {"doc_id": ["b"], "variable": ["size"], "value": ["1.5"], "type": ["float"]}
        ),
        sets=pd.DataFrame(
            {"set_id": ["s"], "set_name": ["S"], "member_type": ["code"], "member_id": ["y"]}
        ),
    )
    write_tidy(project, tmp_path / "one")
    back = read_tidy(tmp_path / "one")
    for table in ("documents", "codes", "codings", "doc_variables", "sets"):
        pd.testing.assert_frame_equal(
            getattr(back.sorted(), table), getattr(project.sorted(), table)
        )
    assert back.codings.sort_values("coding_id").iloc[1]["text"].startswith("\r\n  indented")
    write_tidy(back, tmp_path / "two")
    for file in sorted((tmp_path / "one").rglob("*.*")):
        twin = tmp_path / "two" / file.relative_to(tmp_path / "one")
        assert file.read_bytes() == twin.read_bytes(), file.name
    assert (tmp_path / "one" / "documents.csv").read_text().splitlines()[1].startswith("a,A")


def test_write_tidy_removes_stale_transcripts(tmp_path: Path) -> None:
    _write(tmp_path, {"texts/old.txt": "stale"})
    project = CodedProject(documents=pd.DataFrame({"doc_id": ["d"], "name": ["D"]}))
    write_tidy(project, tmp_path)
    assert not (tmp_path / "texts" / "old.txt").exists()
    assert read_tidy(tmp_path).documents.at[0, "text"] is None


@pytest.mark.parametrize(
    ("file", "content", "message"),
    [
        (
            "codings.csv",
            "coding_id,doc_id,code_id\nk1,I1,C1\nk2,I9,C1\n",
            "codings.csv, line 3, doc_id: doc_id 'I9' is not in documents.csv",
        ),
        (
            "codings.csv",
            "coding_id,doc_id,code_id\nk1,I1,C7\n",
            "codings.csv, line 2, code_id: code_id 'C7' is not in codes.csv",
        ),
        (
            "codings.csv",
            "coding_id,doc_id,code_id,start,end\nk1,I1,C1,4,x\n",
            "line 2, end: 'x' is not a number",
        ),
        (
            "codings.csv",
            "coding_id,doc_id,code_id,start\nk1,I1,C1,4\n",
            "line 2, start: give both start and end",
        ),
        (
            "codings.csv",
            "coding_id,doc_id,code_id,start,end\nk1,I1,C1,0,999\n",
            "line 2, end: end 999 is beyond the transcript",
        ),
        (
            "codings.csv",
            "coding_id,doc_id,code_id,start,end,text\nk1,I1,C1,0,5,Wrong\n",
            "line 2, text: text 'Wrong' differs from the transcript",
        ),
        (
            "codings.csv",
            "coding_id,doc_id,code_id\nk1,I1,C1\nk1,I1,C2\n",
            "line 3, coding_id: duplicate coding_id 'k1' (first on line 2)",
        ),
        (
            "codes.csv",
            "code_id,parent_id,name\nC1,C9,A\nC2,,B\n",
            "codes.csv, line 2, parent_id: parent_id 'C9'",
        ),
        ("codes.csv", "code_id,name,colour\nC1,A,red\n", "unknown column(s) ['colour']"),
        (
            "variables.csv",
            "doc_id,variable,value,type\nI1,n,two,integer\n",
            "variables.csv, line 2, value: 'two' is not a whole number",
        ),
        (
            "variables.csv",
            "doc_id,variable,value,type\nI1,n,2,number\n",
            "line 2, type: 'number' is not one of",
        ),
        (
            "variables.csv",
            "doc_id,variable,value\nI1,n,2\nI1,n,3\n",
            "line 3, variable: duplicate variable 'n' (doc_id 'I1'; first on line 2)",
        ),
        (
            "sets.csv",
            "set_id,set_name,member_type,member_id\nS,A,code,C1\nS,A,code,C1\n",
            "sets.csv, line 3, member_id: duplicate member_id 'C1' "
            "(set_id 'S', member_type 'code'; first on line 2)",
        ),
        (
            "sets.csv",
            "set_id,set_name,member_type,member_id\nS,A,document,C1\n",
            "sets.csv, line 2, member_id: member_id 'C1' is not in documents.csv",
        ),
        (
            "sets.csv",
            "set_id,set_name,member_type,member_id\nS,A,code,C1\nS,B,code,C2\n",
            "line 3, set_name: set 'S' has two names",
        ),
        ("texts/I7.txt", "who am I", "I7.txt: no document with doc_id 'I7'"),
        (
            "documents.csv",
            "doc_id,name\nI1,\nI2,Two\n",
            "documents.csv, line 2, name: value is missing",
        ),
    ],
)
def test_bad_input_names_file_and_line(
    tmp_path: Path, file: str, content: str, message: str
) -> None:
    _write(tmp_path, {**BASE, file: content})
    with pytest.raises(DataValidationError) as info:
        read_tidy(tmp_path)
    assert message in str(info.value)


def test_missing_required_file_and_bad_utf8(tmp_path: Path) -> None:
    _write(tmp_path, {k: v for k, v in BASE.items() if k != "codes.csv"})
    with pytest.raises(DataValidationError, match=r"codes\.csv: file not found"):
        read_tidy(tmp_path)
    _write(tmp_path, BASE)
    (tmp_path / "texts" / "I1.txt").write_bytes("Gebäude".encode("cp1252"))
    with pytest.raises(DataValidationError, match=r"I1\.txt, line 1: not valid UTF-8"):
        read_tidy(tmp_path)


def test_code_cycle_is_rejected(tmp_path: Path) -> None:
    _write(tmp_path, {**BASE, "codes.csv": "code_id,parent_id,name\nC1,C2,A\nC2,C1,B\n"})
    with pytest.raises(DataValidationError, match="cycle"):
        read_tidy(tmp_path)


def test_row_one_field_longer_than_header_is_refused(tmp_path: Path) -> None:
    # Before: pandas took "I1" as the index and doc_id silently became "Interview 1".
    _write(tmp_path, {**BASE, "documents.csv": "doc_id,name\nI1,Interview 1,x\nI2,Two,x\n"})
    with pytest.raises(DataValidationError, match=r"documents\.csv, line 2: 3 fields"):
        read_tidy(tmp_path)


def test_ragged_row_and_folder_instead_of_file(tmp_path: Path) -> None:
    _write(tmp_path, {**BASE, "codes.csv": "code_id,name\nC1,A\nC2,B,extra\n"})
    with pytest.raises(DataValidationError, match=r"codes\.csv, line 3: 3 fields"):
        read_tidy(tmp_path)
    _write(tmp_path, BASE)
    (tmp_path / "sets.csv").unlink()
    (tmp_path / "sets.csv").mkdir()
    with pytest.raises(DataValidationError, match=r"sets\.csv: not a file"):
        read_tidy(tmp_path)


def test_doc_id_too_long_for_a_file_name(tmp_path: Path) -> None:
    long_id = "I" * 300
    documents = f"doc_id,name\nI1,One\n{long_id},Long\nI2,Two\n"
    _write(tmp_path, {**BASE, "documents.csv": documents})
    with pytest.raises(DataValidationError) as info:
        read_tidy(tmp_path)
    assert "documents.csv, line 3, doc_id:" in str(info.value)
    assert "300 characters" in str(info.value) and "at most 251" in str(info.value)


def test_positions_on_document_without_transcript(tmp_path: Path) -> None:
    codings = "coding_id,doc_id,code_id,start,end\nk1,I1,C1,0,2\nk2,I2,C1,0,3\n"
    _write(tmp_path, {**BASE, "codings.csv": codings})
    with pytest.raises(DataValidationError) as info:  # was TypeError (NaN transcript)
        read_tidy(tmp_path)
    assert "codings.csv, line 3, start: positions 0-3 on document 'I2'" in str(info.value)
    # Without any transcript, positions stay unchecked as before.
    (tmp_path / "texts" / "I1.txt").unlink()
    assert read_tidy(tmp_path).codings["end"].tolist() == [2, 3]


def test_integer_beyond_int64_is_refused(tmp_path: Path) -> None:
    codings = "coding_id,doc_id,code_id,weight\nk1,I1,C1," + "9" * 25 + "\n"
    _write(tmp_path, {**BASE, "codings.csv": codings})
    with pytest.raises(DataValidationError, match=r"line 2, weight: 9+ is too large"):
        read_tidy(tmp_path)


def test_cycle_names_line_and_long_parent_chain_is_linear(tmp_path: Path) -> None:
    codes = "code_id,parent_id,name\nC1,,A\nC2,C4,B\nC3,C2,C\nC4,C3,D\n"
    _write(tmp_path, {**BASE, "codes.csv": codes})
    with pytest.raises(DataValidationError) as info:
        read_tidy(tmp_path)
    assert "codes.csv, line 3, parent_id: code tree has a cycle ('C2' -> 'C4'" in str(info.value)
    n = 3000
    chain = "".join(f"c{i},{f'c{i - 1}' if i else ''},n{i}\n" for i in range(n))
    _write(tmp_path, {**BASE, "codes.csv": "code_id,parent_id,name\nC1,,A\nC2,C1,B\n" + chain})
    project = read_tidy(tmp_path)
    assert project.code_path(f"c{n - 1}").count(" > ") == n - 1
