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


LANGUAGE_HEADERS = {
    "fr": "Groupe de documents;Nom du document;Code;Début;Fin;Poids;Segment;Commentaire",
    "es": "Grupo de documentos;Nombre del documento;Código;Inicio;Fin;Peso;Segmento;Comentario",
    "it": "Gruppo di documenti;Nome del documento;Codice;Inizio;Fine;Peso;Segmento;Commento",
    "pl": "Grupa dokumentów;Nazwa dokumentu;Kod;Początek;Koniec;Waga;Segment;Komentarz",
    "pt": "Grupo de documentos;Nome do documento;Código;Início;Fim;Peso;Segmento;Comentário",
}


@pytest.mark.parametrize("language", sorted(LANGUAGE_HEADERS))
def test_other_interface_languages(tmp_path: Path, language: str) -> None:
    path = tmp_path / f"{language}.csv"
    body = "G;Doc 1;Top\\Sub;3;4;50;Tekst ąę;uwaga\n"
    path.write_text(LANGUAGE_HEADERS[language] + "\n" + body, encoding="utf-8")
    project = read_maxqda(path)
    row = project.codings.iloc[0]
    assert project.documents["doc_id"].tolist() == ["G\\Doc 1"]
    assert (row["code_id"], row["start"], row["end"], row["weight"]) == ("Top\\Sub", 3, 5, 50)
    assert (row["text"], row["memo"]) == ("Tekst ąę", "uwaga")


def test_header_names_are_unambiguous() -> None:
    from ikzlib.qda.maxqda import HEADERS, _normalise

    owner: dict[str, str] = {}
    for key, names in HEADERS.items():
        for name in names:
            assert owner.setdefault(_normalise(name), key) == key, name


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_csv_with_bom(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "u16.csv"
    text = HEADER + "G;Dokument ä;C;1;2;;Kämmerei 🚜\n"
    data = text.encode(encoding)
    path.write_bytes(data if encoding == "utf-16" else b"\xfe\xff" + data)
    project = read_maxqda(path)  # before: IndexError (no "Code" column found)
    assert project.codings.loc[0, "text"] == "Kämmerei 🚜"
    path.write_bytes(b"\xff\xfe" + "Code;Dokumentname\n".encode("utf-16-le") + b"\x00")
    with pytest.raises(DataValidationError, match=r"u16\.csv.*not valid UTF-16"):
        read_maxqda(path)


def test_no_code_column_lists_expected_headers(tmp_path: Path) -> None:
    path = tmp_path / "nocode.csv"
    path.write_text("Dokumentname;Segment\nD;s\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:  # before: IndexError
        read_maxqda(path)
    message = str(info.value)
    assert "nocode.csv, line 1: missing column(s) ['Code']" in message
    assert "'kod'" in message and "'nazwa dokumentu'" in message


def test_end_without_begin_and_huge_numbers(tmp_path: Path) -> None:
    path = tmp_path / "end.csv"
    path.write_text("Dokumentname;Code;Ende\nD;C;3\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="line 2, Ende: give both begin"):
        read_maxqda(path)  # before: KeyError
    path.write_text(HEADER + "G;D;C;1;2;" + "9" * 40 + ";s\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="line 2, Gewicht: '9+' is out of range"):
        read_maxqda(path)


def test_huge_header_field_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("Code;" + "x" * 140_000 + "\nC;1\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"wide\.csv, line 1: malformed CSV header"):
        read_maxqda(path)  # before: _csv.Error


@pytest.mark.parametrize(
    "sheet_xml",
    [
        b"<worksheet><sheetData><row r='1'><c r='A1'",  # truncated XML (ParseError)
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="n"><v>abc</v></c></row></sheetData></worksheet>',
    ],
)
def test_broken_xlsx_sheet_is_a_clean_error(tmp_path: Path, sheet_xml: bytes) -> None:
    good = _xlsx(tmp_path / "good.xlsx", XLSX_ROWS)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as out:
        for item in src.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else src.read(item)
            out.writestr(item, data)
    with pytest.raises(DataValidationError, match=r"bad\.xlsx: cannot (read worksheet|open)"):
        read_maxqda(bad)
