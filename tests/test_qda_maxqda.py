"""MAXQDA coded-segments exports: German/English headers, CSV encodings and XLSX."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ikzlib.errors import DataValidationError
from ikzlib.qda.maxqda import read_maxqda
from ikzlib.qda.tidy import read_tidy, write_tidy

FIXTURES = Path(__file__).parent / "fixtures" / "qda"


def test_german_csv_windows_1252() -> None:
    path = FIXTURES / "maxqda_segments_de.csv"
    assert b"\xe4" in path.read_bytes()  # really Windows-1252 ("ä"), not UTF-8
    project = read_maxqda(path)
    assert project.position_unit == "paragraph"
    assert list(project.documents["doc_id"]) == [
        "Einzelinterviews\\Interview 1",
        "Gruppeninterviews\\Interview 2",
    ]
    assert list(project.documents["group"]) == ["Einzelinterviews", "Gruppeninterviews"]
    assert project.code_path("Hemmnisse\\Rechtsrisiko") == "Hemmnisse > Rechtsrisiko"
    assert len(project.codes) == 4
    codings = project.codings
    # Paragraphs 5-7 inclusive become the end-exclusive span 5-8.
    assert (codings.loc[1, "start"], codings.loc[1, "end"]) == (5, 8)
    assert codings.loc[1, "text"] == "Das Vergaberecht macht uns Sorgen.\r\nUnd die Steuer."
    assert codings.loc[1, "memo"] == "Umsatzsteuer §2b"
    assert codings.loc[2, "text"] == "Die Kämmerei ist überlastet."
    assert list(codings["coder"]) == ["Anna", "Anna", "Ben", "Ben"]
    assert codings["weight"].tolist()[:3] == [100, 50, 100] and pd.isna(codings.loc[3, "weight"])
    # Ids name the file line of the record (the multi-line segment spans lines 3-4).
    assert list(codings["coding_id"]) == ["row-2", "row-3", "row-5", "row-6"]


def test_english_csv_utf8_bom_with_comma_and_deep_paths() -> None:
    project = read_maxqda(FIXTURES / "maxqda_segments_en.csv")
    assert project.documents["doc_id"].tolist() == ["Interview 3"]
    assert project.documents.loc[0, "group"] is None
    assert project.code_path("Obstacles\\Legal risk\\Tax") == "Obstacles > Legal risk > Tax"
    assert project.codings["text"].tolist()[0] == "Not enough staff, not enough money."
    assert project.codings["weight"].tolist() == [0, 100]  # "Weight score" header


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Codings"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


XLSX_ROWS = [
    [
        "Dokumentgruppe",
        "Dokumentname",
        "Code",
        "Anfang",
        "Ende",
        "Gewicht",
        "Segment",
        "Kommentar",
        "Autor",
        "Abdeckungsgrad %",
    ],
    [
        "Interviews",
        "I1",
        "Potenziale\\Bauhof",
        2,
        4,
        100,
        "Ein gemeinsamer Bauhof",
        None,
        "Anna",
        12.5,
    ],
    [None, None, None, None, None, None, None, None, None, None],
    ["Interviews", "I2", "Potenziale", 1.0, 1.0, None, "Alles", "ganz", "Ben", 100],
]


def test_xlsx_german(tmp_path: Path) -> None:
    project = read_maxqda(_xlsx(tmp_path / "segments.xlsx", XLSX_ROWS))
    assert project.documents["doc_id"].tolist() == ["Interviews\\I1", "Interviews\\I2"]
    assert project.codings["coding_id"].tolist() == ["row-2", "row-4"]  # blank row skipped
    assert project.codings["start"].tolist() == [2, 1]
    assert project.codings["end"].tolist() == [5, 2]
    assert project.codings["coder"].tolist() == ["Anna", "Ben"]
    assert project.code_path("Potenziale\\Bauhof") == "Potenziale > Bauhof"


def test_xlsx_english_named_sheet(tmp_path: Path) -> None:
    rows = [
        ["Document group", "Document name", "Code", "Begin", "End", "Segment", "Modified by"],
        ["", "Doc A", "Fairness", 7, 9, "Who pays?", "Dana"],
    ]
    path = _xlsx(tmp_path / "en.xlsx", rows)
    project = read_maxqda(path, sheet="Codings")
    assert project.codings.loc[0, "code_id"] == "Fairness"
    assert project.documents.loc[0, "doc_id"] == "Doc A"
    with pytest.raises(DataValidationError, match="no worksheet 'Other'"):
        read_maxqda(path, sheet="Other")


def test_paragraph_project_survives_the_tidy_layout(tmp_path: Path) -> None:
    project = read_maxqda(FIXTURES / "maxqda_segments_de.csv")
    write_tidy(project, tmp_path / "tidy")
    back = read_tidy(tmp_path / "tidy", position_unit="paragraph")
    for table in ("documents", "codes", "codings"):
        pd.testing.assert_frame_equal(
            getattr(back.sorted(), table), getattr(project.sorted(), table)
        )


HEADER = "Dokumentgruppe;Dokumentname;Code;Anfang;Ende;Gewicht;Segment\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("G;D;C;x;3;;s\n", "bad.csv, line 2, Anfang: 'x' is not a whole number"),
        (
            "G;D;C;1;2;;s\nG;D;C;4;3;;s\n",
            "bad.csv, line 3, Ende: end paragraph 3 is before begin paragraph 4",
        ),
        ("G;D;C;1;;;s\n", "line 2, Anfang: give both begin and end paragraph"),
        ("G;;C;1;1;;s\n", "line 2, Dokumentname: document name is missing"),
        ("G;D;;1;1;;s\n", "line 2, Code: code is missing"),
        ("G;D;A\\;1;1;;s\n", "line 2, Code: code path"),
        ("G;D;C;1;1;viel;s\n", "line 2, Gewicht: 'viel' is not a whole number"),
        ("G;D;C;-1;1;;s\n", "line 2, Anfang: '-1' is negative"),
        ("", "bad.csv: no coded segments"),
    ],
)
def test_bad_rows_are_named(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        read_maxqda(path)
    assert message in str(info.value)


def test_missing_columns_and_wrong_files(tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("Dokumentgruppe;Code;Anfang\nG;C;1\n", encoding="utf-8")
    with pytest.raises(
        DataValidationError,
        match=r"cols\.csv, line 1: missing column\(s\) "
        r"\['Dokumentname/Document name'\]",
    ):
        read_maxqda(path)
    with pytest.raises(DataValidationError, match="expected .csv, .txt or .xlsx"):
        read_maxqda(_other(tmp_path))
    with pytest.raises(DataValidationError, match="file not found"):
        read_maxqda(tmp_path / "missing.csv")
    forced = tmp_path / "utf.csv"
    forced.write_bytes(HEADER.encode() + "G;D;C;1;1;;Kämmerei\n".encode("cp1252"))
    with pytest.raises(DataValidationError, match=r"utf\.csv, line 2: not valid utf-8"):
        read_maxqda(forced, encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"utf\.csv: unknown encoding 'latin-9x'"):
        read_maxqda(forced, encoding="latin-9x")


def _other(tmp_path: Path) -> Path:
    path = tmp_path / "segments.docx"
    path.write_bytes(b"x")
    return path


def test_xlsx_zip_slip_is_refused(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "ok.xlsx", XLSX_ROWS)
    evil = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(path) as good, zipfile.ZipFile(evil, "w") as out:
        for item in good.infolist():
            out.writestr(item, good.read(item.filename))
        out.writestr("../../escape.txt", b"x")
    with pytest.raises(DataValidationError, match=r"evil\.xlsx.*unsafe member name"):
        read_maxqda(evil)
