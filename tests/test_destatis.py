"""Loaders of the Destatis Gemeindeverzeichnis (Auszug GV xlsx and GV100AD text)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from ikzlib import destatis, paths
from ikzlib.errors import DataValidationError
from ikzlib.municipalities import MUNICIPALITY_COLUMNS

FIXTURES = Path(__file__).parent / "fixtures" / "destatis"
GV_UTF8 = FIXTURES / "gv100ad_utf8bom.txt"
GV_LATIN1 = FIXTURES / "gv100ad_latin1.txt"
AUSZUG = "destatis/31122021_Auszug_GV.xlsx"
GV100AD = "destatis/GV100AD_31082025.txt"
KEY_LENGTH = {
    "Land": 2,
    "Regierungsbezirk": 3,
    "Region": 4,
    "Kreis": 5,
    "Gemeindeverband": 9,
    "Gemeinde": 12,
}


# --- Auszug GV workbooks built from the committed Harz table ----------------------------------


def _german_decimal(value: float) -> str:
    return repr(float(value)).replace(".", ",")


def auszug_rows(municipalities: pd.DataFrame) -> list[list]:
    """Sheet rows in the 31.12.2021 layout: six header rows, records, then footnotes."""
    header = [
        ["Gemeinden in Deutschland nach Fläche, Bevölkerung und Postleitzahl am 31.12.2021"],
        [],
        [
            "Satz-art",
            "Text-kenn-zeichen",
            "Amtlicher Regionalschlüssel (ARS)",
            None,
            None,
            None,
            None,
            "Gemeindename",
            "Fläche km2 1)",
            "Bevölkerung2)",
        ],
        [
            None,
            None,
            "Land",
            "RB",
            "Kreis",
            "VB",
            "Gem",
            None,
            None,
            "insgesamt",
            "männlich",
            "weiblich",
            "je km2",
            None,
            "Längengrad",
            "Breitengrad",
        ],
        [
            None,
            None,
            "Gebietsstand am 31.12.2021 (Jahr)",
            None,
            None,
            None,
            None,
            None,
            "31.12.2021 (Jahr)",
            "am 31.12.2021 (Jahr)",
            None,
            None,
            None,
            None,
            "Zuordnungsstand am 31.12.2020",
        ],
        [],
    ]
    first = municipalities.iloc[0]
    land, rb, kreis = first["ags"][:2], first["ags"][2], first["ags"][3:5]
    rows = [
        ["10", None, land, None, None, None, None, "Land"],
        ["40", "44", land, rb, kreis, None, None, "Kreis"],
    ]
    for key, members in municipalities.groupby("gemeindeverband_key", sort=True):
        verband = members.iloc[0]
        code = "50" if verband["gemeindeverband_type"] == "verbandsfreie Gemeinde" else "53"
        rows.append(["50", code, land, rb, kreis, key, None, verband["gemeindeverband_name"]])
        for _, m in members.iterrows():
            population = int(m["population"])
            rows.append(
                [
                    "60",
                    "64",
                    land,
                    rb,
                    kreis,
                    key,
                    m["ags"][5:],
                    m["name"],
                    float(m["area_km2"]),
                    population,
                    population // 2,
                    population - population // 2,
                    None,
                    "01234",
                    _german_decimal(m["lon"]),
                    _german_decimal(m["lat"]),
                ]
            )
    footer = [[], ["Quelle: Gemeindeverzeichnis-Informationssytem GV-ISys"]]
    return header + rows + footer


def write_auszug_xlsx(
    path: Path,
    rows: list[list],
    sheet: str = destatis.AUSZUG_SHEET,
    before: tuple[str, ...] = (),
) -> Path:
    """Write ``rows`` to ``sheet``, after cover sheets ``before`` (which hold no table)."""
    workbook = openpyxl.Workbook()
    for index, name in enumerate(before):
        cover = workbook.active if index == 0 else workbook.create_sheet()
        cover.title = name
        for text in ("Statistisches Bundesamt", "Gemeindeverzeichnis", "Gebietsstand: 01.01.1999"):
            cover.append([text])
    worksheet = workbook.active if not before else workbook.create_sheet()
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def auszug_path(tmp_path: Path, harz: pd.DataFrame) -> Path:
    return write_auszug_xlsx(tmp_path / "31122021_Auszug_GV.xlsx", auszug_rows(harz))


def _record_row(rows: list[list], ags: str) -> int:
    """Index of the Gemeinde row of ``ags`` in ``auszug_rows`` output."""
    for index, row in enumerate(rows):
        if row[:1] == ["60"] and row[2] + row[3] + row[4] + row[6] == ags:
            return index
    raise AssertionError(ags)


# Labels of each column: (upper header row, lower header row), as the releases write them.
COLUMN_LABELS = {
    "satzart": ("Satz-art", None),
    "text_code": ("Text-kenn-zeichen", None),
    "land": ("Amtlicher Regionalschlüssel (ARS)", "Land"),
    "rb": (None, "RB"),
    "kreis": (None, "Kreis"),
    "vb": (None, "VB"),
    "gem": (None, "Gem"),
    "name": ("Gemeindename", None),
    "area_km2": ("Fläche km2 1)", None),
    "population": ("Bevölkerung2)", "insgesamt"),
    "male": (None, "männlich"),
    "female": (None, "weiblich"),
    "density": (None, "je km2"),
    "postal_code": ("Post-leit-zahl3)", None),
    "lon": ("Geografische Mittelpunktkoordinaten", "Längengrad"),
    "lat": (None, "Breitengrad"),
}
COLUMNS_2021 = tuple(COLUMN_LABELS)


@dataclass(frozen=True)
class Layout:
    """One published variation of the Auszug GV layout, rebuilt for a small workbook.

    ``title`` rows stand above the two label rows, ``date_rows`` below them (field ->
    cell); ``blank`` empty rows follow the header; ``numeric_codes`` stores the key parts
    as numbers (as a re-saved workbook does).
    """

    file_name: str
    sheet: str
    columns: tuple[str, ...] = COLUMNS_2021
    before: tuple[str, ...] = ("Inhalt",)
    title: tuple[tuple, ...] = ()
    date_rows: tuple[dict[str, Any], ...] = ()
    blank: int = 1
    numeric_codes: bool = False


def _record_cells(values: dict[str, Any], layout: Layout) -> list:
    if layout.numeric_codes:
        for field in ("land", "rb", "kreis", "vb", "gem", "postal_code"):
            if isinstance(values.get(field), str):
                values[field] = int(values[field])
    return [values.get(field) for field in layout.columns]


def layout_rows(municipalities: pd.DataFrame, layout: Layout) -> list[list]:
    """The sheet rows of ``layout`` holding Land, Kreis, Gemeindeverbände and Gemeinden."""
    header = [list(row) for row in layout.title]
    header += [[COLUMN_LABELS[field][level] for field in layout.columns] for level in (0, 1)]
    header += [[cells.get(field) for field in layout.columns] for cells in layout.date_rows]
    header += [[] for _ in range(layout.blank)]
    first = municipalities.iloc[0]
    keys = {"land": first["ags"][:2], "rb": first["ags"][2], "kreis": first["ags"][3:5]}
    rows = [
        _record_cells({"satzart": "10", "land": keys["land"], "name": "Sachsen-Anhalt"}, layout),
        _record_cells({"satzart": "40", "text_code": "44", **keys, "name": "Harz"}, layout),
    ]
    for key, members in municipalities.groupby("gemeindeverband_key", sort=True):
        verband = members.iloc[0]
        code = "50" if verband["gemeindeverband_type"] == "verbandsfreie Gemeinde" else "53"
        name = verband["gemeindeverband_name"]
        values = {"satzart": "50", "text_code": code, **keys, "vb": key, "name": name}
        rows.append(_record_cells(values, layout))
        for m in members.itertuples():
            values = {
                "satzart": "60",
                "text_code": "64",
                **keys,
                "vb": key,
                "gem": m.ags[5:],
                "name": m.name,
                "area_km2": float(m.area_km2),
                "population": int(m.population),
                "male": int(m.population) // 2,
                "female": int(m.population) - int(m.population) // 2,
                "postal_code": "06493",
                "lon": _german_decimal(m.lon),
                "lat": float(m.lat),
            }
            rows.append(_record_cells(values, layout))
    notes = [
        [],
        ["Quelle: Gemeindeverzeichnis-Informationssytem GV-ISys"],
        [],
        ["1) Abweichungen bei den Flächenangaben sind durch Runden der Zahlen möglich."],
        ["© Statistisches Bundesamt (Destatis)"],
    ]
    return header + rows + notes


# The variations of the releases since 2013 (see the module docstring of ikzlib.destatis).
LAYOUTS = {
    # 2013: cover sheet, sheet named with DDMMYY, two label rows only, no blank row before
    # the records, no postal code or coordinates; the only date is in the title.
    "2013": Layout(
        file_name="31122013_Auszug_GV.xlsx",
        sheet="Onlineprodukt_Gemeinden_311213",
        columns=COLUMNS_2021[:13],
        before=("Deckblatt",),
        title=(("Gemeinden in Deutschland nach Fläche und Bevölkerung am 31.12.2013",), ()),
        blank=0,
    ),
    # Q1 2017: undated title and header (the date is in the sheet name only), two blank
    # rows before the records, key parts and postal codes stored as numbers.
    "2017": Layout(
        file_name="AuszugGV1QAktuell.xlsx",
        sheet="Onlineprodukt_Gemeinden_310317",
        title=(("Alle politisch selbständigen Gemeinden mit ausgewählten Merkmalen",), ()),
        date_rows=({"land": "Gebietsstand", "population": "Bevölkerung"},),
        blank=2,
        numeric_codes=True,
    ),
    # 2023: the Gebietsstand cell under "Land" is empty (the release the old reader refused
    # with "no date DD.MM.YYYY in header cell None"), the population date sits one header
    # row lower; columns in another order (population before area, coordinates before the
    # postal code). The Gebietsstand comes from the file name.
    "2023": Layout(
        file_name="31122023_Auszug_GV.xlsx",
        sheet="Onlineprodukt_Gemeinden",
        columns=(
            "satzart",
            "text_code",
            "land",
            "rb",
            "kreis",
            "vb",
            "gem",
            "name",
            "population",
            "male",
            "female",
            "density",
            "area_km2",
            "lon",
            "lat",
            "postal_code",
        ),
        title=(("Gemeinden in Deutschland nach Fläche, Bevölkerung und Postleitzahl",), ()),
        date_rows=({"area_km2": "(Jahr)"}, {"population": "am 31.12.2022 (Jahr)"}),
    ),
    # Q4 2024: sheet named with DDMMYYYY after three cover sheets, the Gebietsstand as an
    # Excel date beside its label above the header, and a population Stichtag one year
    # before the Gebietsstand (population on the basis of the 2022 census).
    "2024": Layout(
        file_name="AuszugGV4QAktuell.xlsx",
        sheet="Onlineprodukt_Gemeinden31122024",
        before=("Titel", "Inhalt", "Erläuterungen"),
        title=(
            ("Alle politisch selbständigen Gemeinden mit ausgewählten Merkmalen (4. Quartal)",),
            ("Gebietsstand:", datetime.datetime(2024, 12, 31)),
            (),
        ),
        date_rows=({"population": "Bevölkerung auf Grundlage des Zensus 2022 am 31.12.2023"},),
    ),
}
EXPECTED_DATES = {  # Gebietsstand, population date, where a date missing in the header came from
    "2013": ("2013-12-31", "2013-12-31", "taken from the title row 1"),
    "2017": ("2017-03-31", "2017-03-31", "taken from the sheet name"),
    "2023": ("2023-12-31", "2022-12-31", "taken from the file name '31122023_Auszug_GV.xlsx'"),
    "2024": ("2024-12-31", "2023-12-31", None),
}


def _write_layout(tmp_path: Path, municipalities: pd.DataFrame, name: str) -> Path:
    layout = LAYOUTS[name]
    rows = layout_rows(municipalities, layout)
    return write_auszug_xlsx(tmp_path / layout.file_name, rows, layout.sheet, layout.before)


# --- Auszug GV ----------------------------------------------------------------------------


def test_auszug_round_trips_the_municipality_model(auszug_path: Path, harz: pd.DataFrame):
    units = destatis.read_auszug_gv(auszug_path)
    rebuilt = destatis.municipalities_from_units(units, "15085")
    assert list(rebuilt.columns) == MUNICIPALITY_COLUMNS
    columns = [c for c in MUNICIPALITY_COLUMNS if c != "source"]
    pd.testing.assert_frame_equal(rebuilt[columns], harz[columns])
    assert rebuilt["source"].str.contains("31122021_Auszug_GV.xlsx").all()
    assert rebuilt["source"].str.contains("Bevölkerung 31.12.2021").all()
    assert not rebuilt["source"].str.contains("taken from").any()  # both dates in the header


def test_auszug_levels_keys_and_dates(auszug_path: Path):
    units = destatis.read_auszug_gv(auszug_path)
    assert list(units.columns) == destatis.UNIT_COLUMNS
    counts = destatis.level_counts(units)
    assert counts["Gemeinde"] == 20
    assert counts["Gemeindeverband"] == 14  # 13 verbandsfreie + Vorharz
    assert counts["Kreis"] == 1 and counts["Land"] == 1
    for level, length in KEY_LENGTH.items():
        keys = units.loc[units["level"].eq(level), "ars"]
        assert keys.str.len().eq(length).all(), level
    assert set(units["territorial_date"]) == {"2021-12-31"}
    assert set(units["population_date"]) == {"2021-12-31"}
    vorharz = units[units["level"].eq("Gemeindeverband") & units["ars"].eq("150855051")]
    assert vorharz["type"].tolist() == ["Verbandsgemeinde"]


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_every_release_layout_reads_the_same_gemeinden(
    name: str, tmp_path: Path, harz: pd.DataFrame
):
    path = _write_layout(tmp_path, harz, name)
    units = destatis.read_auszug_gv(path)  # no sheet argument: found by content
    gemeinden = units[units["level"].eq("Gemeinde")].sort_values("ags")
    assert gemeinden["ags"].tolist() == harz["ags"].tolist()
    assert gemeinden["name"].tolist() == harz["name"].tolist()
    assert gemeinden["population"].tolist() == harz["population"].tolist()
    assert gemeinden["area_km2"].tolist() == pytest.approx(harz["area_km2"].tolist())
    assert gemeinden["gemeindeverband_key"].tolist() == harz["gemeindeverband_key"].tolist()
    assert gemeinden["population_male"].tolist() == (harz["population"] // 2).tolist()
    counts = destatis.level_counts(units)
    assert (counts["Land"], counts["Kreis"], counts["Gemeindeverband"]) == (1, 1, 14)
    territorial, population, remark = EXPECTED_DATES[name]
    assert set(units["territorial_date"]) == {territorial}
    assert set(units["population_date"]) == {population}
    source = units["source"].iloc[0]
    assert path.name in source
    if remark is None:
        assert "taken from" not in source
    else:
        assert remark in source
    share = destatis.national_small_municipality_share(units)
    assert (share["n_municipalities"], share["n_kreise"]) == (20, 1)


def test_layout_without_coordinates_leaves_them_empty(tmp_path: Path, harz: pd.DataFrame):
    units = destatis.read_auszug_gv(_write_layout(tmp_path, harz, "2013"))
    gemeinden = units[units["level"].eq("Gemeinde")]
    assert gemeinden["lon"].isna().all() and gemeinden["postal_code"].isna().all()
    with pytest.raises(DataValidationError, match="lon is unknown"):
        destatis.municipalities_from_units(units, "15085")


def test_layouts_with_coordinates_fill_the_model(tmp_path: Path, harz: pd.DataFrame):
    for name in ("2017", "2023", "2024"):
        units = destatis.read_auszug_gv(_write_layout(tmp_path, harz, name))
        rebuilt = destatis.municipalities_from_units(units, "15085")
        columns = [c for c in MUNICIPALITY_COLUMNS if c not in ("source", "population_date")]
        pd.testing.assert_frame_equal(rebuilt[columns], harz[columns], obj=name)
        assert set(units["postal_code"].dropna()) == {"06493"}, name  # numbers zero-padded


def test_numeric_codes_are_zero_padded(tmp_path: Path, harz: pd.DataFrame):
    units = destatis.read_auszug_gv(_write_layout(tmp_path, harz, "2017"))
    assert units.loc[units["level"].eq("Land"), "ars"].tolist() == ["15"]
    vorharz = units[units["ars"].eq("150855051")]
    assert vorharz["type"].tolist() == ["Verbandsgemeinde"]


def test_auszug_layout_reports_where_the_table_is(tmp_path: Path, harz: pd.DataFrame):
    layout = LAYOUTS["2024"]
    path = _write_layout(tmp_path, harz, "2024")
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        found = destatis.find_auszug_layout(workbook, path)
    finally:
        workbook.close()
    assert found.sheet == layout.sheet
    assert (found.label_row, found.first_record) == (3, 7)  # 3 title rows; 3 header + 1 blank
    assert found.columns["population"] == layout.columns.index("population")
    assert "postal_code" in found.columns and "female" not in found.columns


def test_auszug_named_sheet_still_works(tmp_path: Path, harz: pd.DataFrame):
    layout = LAYOUTS["2013"]
    path = _write_layout(tmp_path, harz, "2013")
    units = destatis.read_auszug_gv(path, sheet=layout.sheet)
    assert len(units) == 36
    with pytest.raises(
        DataValidationError, match=r"worksheet 'Deckblatt' does not hold the .*no 'Satzart'"
    ):
        destatis.read_auszug_gv(path, sheet="Deckblatt")
    with pytest.raises(DataValidationError, match=r"worksheet 'Nope' not found \(sheets: "):
        destatis.read_auszug_gv(path, sheet="Nope")


def test_auszug_without_any_date_says_where_it_looked(tmp_path: Path, harz: pd.DataFrame):
    layout = replace(LAYOUTS["2017"], file_name="Gemeinden.xlsx", sheet="Tabelle1", before=())
    rows = layout_rows(harz, layout)
    path = write_auszug_xlsx(tmp_path / layout.file_name, rows, layout.sheet)
    with pytest.raises(DataValidationError) as info:
        destatis.read_auszug_gv(path)
    message = str(info.value)
    assert "Gemeinden.xlsx" in message and "worksheet 'Tabelle1'" in message
    assert "no Gebietsstand date found" in message
    assert "cells A1:P7" in message  # title, labels, date row, 2 blank rows; 16 columns
    assert "title row(s)" in message and "sheet name" in message and "file name" in message


def test_auszug_reports_non_numeric_population(tmp_path: Path, harz: pd.DataFrame):
    rows = auszug_rows(harz)
    index = _record_row(rows, "15085135")
    rows[index][9] = "k. A."
    path = write_auszug_xlsx(tmp_path / "bad.xlsx", rows)
    with pytest.raises(DataValidationError) as info:
        destatis.read_auszug_gv(path)
    message = str(info.value)
    assert "bad.xlsx" in message and f"line {index + 1}" in message
    assert "population" in message and "'k. A.' is not a number" in message


def test_auszug_reports_unknown_satzart(tmp_path: Path, harz: pd.DataFrame):
    rows = auszug_rows(harz)
    rows[7][0] = "70"
    path = write_auszug_xlsx(tmp_path / "bad.xlsx", rows)
    with pytest.raises(DataValidationError, match=r"line 8, Satzart: unknown Satzart '70'"):
        destatis.read_auszug_gv(path)


def test_auszug_refuses_other_layouts(tmp_path: Path, harz: pd.DataFrame):
    rows = auszug_rows(harz)
    any_name = write_auszug_xlsx(tmp_path / "sheet.xlsx", rows, sheet="Tabelle1")
    assert len(destatis.read_auszug_gv(any_name)) == 36  # the sheet name does not matter
    rows[3][5] = "Verband"
    wrong_header = write_auszug_xlsx(tmp_path / "header.xlsx", rows, before=("Inhalt",))
    with pytest.raises(DataValidationError) as info:
        destatis.read_auszug_gv(wrong_header)
    message = str(info.value)
    assert "header.xlsx: no worksheet holds the Auszug GV Gemeinde table" in message
    assert "'Inhalt': no 'Satzart' header label" in message
    assert "'Onlineprodukt_Gemeinden': header rows 3-6: no label 'VB'" in message
    not_xlsx = tmp_path / "text.xlsx"
    not_xlsx.write_text("ags;name\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="not a readable xlsx"):
        destatis.read_auszug_gv(not_xlsx)


def test_auszug_skips_blank_rows_but_refuses_records_after_the_notes(
    tmp_path: Path, harz: pd.DataFrame
):
    rows = auszug_rows(harz)
    rows.insert(_record_row(rows, "15085040"), [])  # an empty row inside the table
    assert len(destatis.read_auszug_gv(write_auszug_xlsx(tmp_path / "ok.xlsx", rows))) == 36
    rows.append(list(rows[_record_row(rows, "15085040")]))
    path = write_auszug_xlsx(tmp_path / "bad.xlsx", rows)
    with pytest.raises(DataValidationError, match="record after the end of the table"):
        destatis.read_auszug_gv(path)


def test_read_units_tells_the_formats_apart(auszug_path: Path, tmp_path: Path):
    assert destatis.read_units(auszug_path)["source"].str.contains("Auszug GV").all()
    gv100ad = destatis.read_units(GV_UTF8, population_date="2021-12-31")
    assert set(gv100ad["population_date"]) == {"2021-12-31"}
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(60))
    with pytest.raises(DataValidationError, match=r"old.xls: old binary Excel format"):
        destatis.read_units(xls)
    with pytest.raises(DataValidationError, match="file not found"):
        destatis.read_units(tmp_path / "missing.xlsx")


def test_municipalities_from_units_needs_the_kreis_and_its_verband(auszug_path: Path):
    units = destatis.read_auszug_gv(auszug_path)
    with pytest.raises(DataValidationError, match="no Gemeinde records with Kreis key '15086'"):
        destatis.municipalities_from_units(units, "15086")
    without_vorharz = units[~units["ars"].eq("150855051")]
    with pytest.raises(DataValidationError, match="Gemeindeverband 150855051, which has no"):
        destatis.municipalities_from_units(without_vorharz, "15085")


# --- GV100AD ------------------------------------------------------------------------------


def test_gv100ad_encodings_give_the_same_table():
    utf8 = destatis.read_gv100ad(GV_UTF8)
    latin1 = destatis.read_gv100ad(GV_LATIN1)
    columns = [c for c in destatis.UNIT_COLUMNS if c != "source"]
    pd.testing.assert_frame_equal(utf8[columns], latin1[columns])
    assert "Groß Quenstedt" in set(utf8["name"])
    assert "Gemeindefreies Übungsgebiet" in set(latin1["name"])
    forced = destatis.read_gv100ad(GV_LATIN1, encoding="iso-8859-1")
    pd.testing.assert_frame_equal(forced, latin1)


def test_gv100ad_layout_fields():
    units = destatis.read_gv100ad(GV_UTF8, population_date="2021-12-31")
    ballenstedt = units[units["ags"].eq("15085040")].iloc[0]
    assert ballenstedt["ars"] == "150850040040"
    assert ballenstedt["area_km2"] == pytest.approx(86.75)  # 8675 ha
    assert ballenstedt["population"] == 8825 and ballenstedt["population_male"] == 4300
    assert ballenstedt["postal_code"] == "06493" and ballenstedt["type"] == "Stadt"
    assert pd.isna(ballenstedt["lon"])
    members = units[units["level"].eq("Gemeinde") & units["gemeindeverband_key"].eq("5051")]
    assert members["ags"].tolist() == ["15085125", "15085140", "15085365"]
    verband = units[units["ars"].eq("150855051")].iloc[0]
    assert (verband["text_code"], verband["type"], verband["seat"]) == (
        "53",
        "Verbandsgemeinde",
        "Wegeleben",
    )
    assert set(units["territorial_date"]) == {"2021-12-31"}
    assert set(units["population_date"]) == {"2021-12-31"}
    for level, length in KEY_LENGTH.items():
        assert units.loc[units["level"].eq(level), "ars"].str.len().eq(length).all()


def test_gv100ad_national_share_counts_only_inhabited():
    units = destatis.read_gv100ad(GV_UTF8)
    share = destatis.national_small_municipality_share(units)
    assert share["n_records"] == 5
    assert share["n_municipalities"] == share["n_inhabited"] == 4  # the Gebiet has nobody
    assert share["n_uninhabited"] == 1
    assert share["n_small"] == 4 and share["share_small"] == 1.0
    assert share["n_kreis_keys"] == 2  # 15086 holds only the uninhabited Gebiet
    assert share["n_kreise"] == 1


def test_gv100ad_cannot_fill_the_model_without_date_and_coordinates():
    units = destatis.read_gv100ad(GV_UTF8)
    with pytest.raises(DataValidationError, match="line 4, population_date: .*unknown"):
        destatis.municipalities_from_units(units, "15085")
    dated = destatis.read_gv100ad(GV_UTF8, population_date="2021-12-31")
    with pytest.raises(DataValidationError, match="GV100AD has no coordinates"):
        destatis.municipalities_from_units(dated, "15085")


def _write_lines(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def _fixture_lines() -> list[str]:
    return GV_UTF8.read_text(encoding="utf-8-sig").splitlines()


@pytest.mark.parametrize(
    ("index", "edit", "message"),
    [
        (5, lambda line: line[:150], r"GV100AD.txt, line 6: truncated record: 150"),
        (2, lambda line: line + "X", r"line 3: overlong record: 221"),
        (1, lambda line: "70" + line[2:], r"line 2, Satzart: unknown Satzart '70'"),
        # a Gemeinde code with a blank
        (3, lambda line: line[:15] + "04 " + line[18:], r"line 4, gemeinde: .*expected 3 digit"),
    ],
    ids=["truncated", "overlong", "unknown-satzart", "bad-key-part"],
)
def test_gv100ad_bad_record(tmp_path: Path, index: int, edit, message: str):
    lines = _fixture_lines()
    lines[index] = edit(lines[index])
    path = _write_lines(tmp_path / "GV100AD.txt", lines)
    with pytest.raises(DataValidationError, match=message):
        destatis.read_gv100ad(path)


@pytest.mark.parametrize(("start", "field"), [(140, "population"), (129, "area_ha")])
def test_gv100ad_non_numeric_number(tmp_path: Path, start: int, field: str):
    lines = _fixture_lines()
    lines[3] = lines[3][: start - 1] + "0000000x" + lines[3][start + 7 :]
    path = _write_lines(tmp_path / "GV100AD.txt", lines)
    with pytest.raises(DataValidationError, match=rf"line 4, {field} \(positions {start}-"):
        destatis.read_gv100ad(path)


def test_gv100ad_forced_wrong_encoding():
    with pytest.raises(DataValidationError, match=r"gv100ad_latin1.txt, line 6: not valid utf-8"):
        destatis.read_gv100ad(GV_LATIN1, encoding="utf-8")
    # ISO-8859-1 decodes anything; the BOM and the umlauts then break the record length
    with pytest.raises(DataValidationError, match=r"line 1: overlong record: 223.*iso-8859-1"):
        destatis.read_gv100ad(GV_UTF8, encoding="iso-8859-1")


# --- national comparison ------------------------------------------------------------------


def test_kreis_comparison_and_position():
    units = destatis.read_gv100ad(GV_UTF8)
    extra = units[units["level"].eq("Gemeinde") & units["kreis_key"].eq("15085")].copy()
    extra["kreis_key"] = "15087"
    extra["ags"] = "15087" + extra["ags"].str[5:]
    extra["population"] = extra["population"] * 10
    table = destatis.kreis_comparison(pd.concat([units, extra], ignore_index=True))
    assert table["kreis_key"].tolist() == ["15085", "15087"]  # 15086 has nobody
    harz = table.iloc[0]
    assert harz["kreis_name"] == "Harz" and harz["kreis_type"] == "Landkreis"
    assert harz["n_municipalities"] == 4 and harz["population"] == 8825 + 874 + 2137 + 2458
    assert harz["median_population"] == pytest.approx((2137 + 2458) / 2)
    assert harz["share_pop_small"] == pytest.approx(1.0)
    other = table.iloc[1]
    # populations x10: 88,250, 8,740, 21,370, 24,580 -> only 8,740 is under 10,000
    assert other["share_pop_small"] == pytest.approx(8740 / 142940)
    assert other["share_municipalities_small"] == pytest.approx(0.25)
    position = destatis.district_position(table, "15085").set_index("measure")
    assert position.loc["median_population", "rank"] == 2
    assert position.loc["share_pop_small", "rank"] == 1
    assert position.loc["n_municipalities", "percentile"] == 0.0
    with pytest.raises(KeyError, match="15099"):
        destatis.district_position(table, "15099")


def test_extract_units_feed_the_national_comparison():
    units = destatis.extract_units()
    assert list(units.columns) == destatis.UNIT_COLUMNS
    counts = destatis.level_counts(units)
    assert (counts["Land"], counts["Kreis"], counts["Gemeinde"]) == (16, 400, 10_997)
    table = destatis.kreis_comparison(units)
    assert len(table) == 400  # the pseudo-Kreise of uninhabited areas do not appear
    assert not {"07000", "13000"} & set(table["kreis_key"])
    main_spessart = table.set_index("kreis_key").loc["09677"]
    assert main_spessart["n_municipalities"] == 40  # its 10 uninhabited Gebiete are left out
    assert main_spessart["kreis_type"] == "Landkreis"
    dresden = table.set_index("kreis_key").loc["14612"]
    assert (dresden["n_municipalities"], dresden["kreis_type"]) == (1, "Kreisfreie Stadt")
    share = destatis.national_small_municipality_share(units)
    assert (share["n_municipalities"], share["n_uninhabited"]) == (10_789, 208)
    assert round(share["share_small"], 4) == 0.8515 and share["n_kreise"] == 400
    verband = units[units["ars"].eq("150855051")].iloc[0]
    assert (verband["level"], verband["type"]) == ("Gemeindeverband", "Verbandsgemeinde")


def test_units_sum_the_members_of_a_gemeindeverband():
    units = destatis.read_gv100ad(GV_UTF8)
    extra = units[units["level"].eq("Gemeinde") & units["kreis_key"].eq("15085")].copy()
    extra["kreis_key"] = "15087"
    extra["ars"] = "15087" + extra["ars"].str[5:]
    extra["ags"] = "15087" + extra["ags"].str[5:]
    extra["population"] = extra["population"] * 10
    both = pd.concat([units, extra], ignore_index=True)
    found = destatis.national_units(both)
    # Ballenstedt alone; Groß Quenstedt 874 + Harsleben 2,137 + Wegeleben 2,458 = Vorharz;
    # the uninhabited Übungsgebiet (Kreis 15086) is no unit. Kreis 15087 has no Gemeindeverband
    # records: its units are still formed, their type is unknown.
    assert found["unit_key"].tolist() == ["150850040", "150855051", "150870040", "150875051"]
    assert found["population"].tolist() == [8825, 5469, 88_250, 54_690]
    assert found["n_municipalities"].tolist() == [1, 3, 1, 3]
    assert found["gemeindeverband_type"].tolist()[:2] == [
        "verbandsfreie Gemeinde",
        "Verbandsgemeinde",
    ]
    assert found["gemeindeverband_type"].tolist()[2:] == [None, None]
    table = destatis.kreis_unit_comparison(both).set_index("kreis_key")
    harz, other = table.loc["15085"], table.loc["15087"]
    assert (harz["n_units"], harz["n_municipalities"], harz["n_units_small"]) == (2, 4, 2)
    assert harz["median_population"] == pytest.approx((8825 + 5469) / 2)
    assert (other["n_units"], other["n_units_small"]) == (2, 0)  # 88,250 and 54,690
    assert other["share_units_small"] == 0.0 and other["share_pop_small"] == 0.0
    # per Gemeinde the same Kreis has one small Gemeinde (8,740 of 142,940)
    gemeinden = destatis.kreis_comparison(both).set_index("kreis_key").loc["15087"]
    assert gemeinden["share_pop_small"] == pytest.approx(8740 / 142_940)
    position = destatis.district_position(
        destatis.kreis_unit_comparison(both), "15085", destatis.UNIT_POSITION_MEASURES
    ).set_index("measure")
    assert position.loc["share_units_small", "rank"] == 1
    assert position.loc["n_units", "percentile"] == 0.0  # both Kreise have 2 units
    share = destatis.national_small_unit_share(both)
    assert (share["n_units"], share["n_joint"], share["n_small"]) == (4, 2, 2)
    assert share["share_pop_small"] == pytest.approx(14_294 / (14_294 + 142_940))
    lands = destatis.land_comparison(both).iloc[0]
    assert (lands["land_name"], lands["n_municipalities"], lands["n_units"]) == (
        "Sachsen-Anhalt",
        8,
        4,
    )
    assert lands["share_municipalities_small"] == pytest.approx(5 / 8)
    assert lands["share_units_small"] == pytest.approx(0.5)


def test_extract_units_at_the_level_of_administrative_units():
    """Hand-checked against the embedded extract (Destatis Auszug GV 31.12.2021).

    Harz: 13 Einheitsgemeinden and the Verbandsgemeinde Vorharz (12,026); under 10,000:
    Ballenstedt 8,825, Falkenstein/Harz 5,166, Harzgerode 7,559, Huy 7,084, Ilsenburg 9,497,
    Nordharz 7,783, Oberharz am Brocken 9,873 -> 7 of 14, none under 5,000.
    Helmstedt: Königslutter 15,786, Lehre 12,000, Schöningen 11,121, Helmstedt 25,325 and the
    Samtgemeinden Grasleben 4,550 (4 Gemeinden), Heeseberg 3,685 (4), Nord-Elm 5,699 (6),
    Velpke 13,213 (5) -> 3 of 8 under 10,000, 2 under 5,000; per Gemeinde 19 of 23.
    Wolfenbüttel: Cremlingen 12,959, Wolfenbüttel 51,986, Schladen-Werla 8,715 and the
    Samtgemeinden Baddeckenstedt 10,420 (6), Oderwald 6,688 (6), Sickte 10,345 (5),
    Elm-Asse 18,111 (12) -> 2 of 7 under 10,000, none under 5,000; per Gemeinde 30 of 32.
    """
    units = destatis.extract_units()
    table = destatis.kreis_unit_comparison(units).set_index("kreis_key")
    expected = {"15085": (14, 20, 7), "03154": (8, 23, 3), "03158": (7, 32, 2)}
    for key, counts in expected.items():
        row = table.loc[key]
        assert (row["n_units"], row["n_municipalities"], row["n_units_small"]) == counts, key
    helmstedt_small = 4_550 + 3_685  # Grasleben and Heeseberg; Nord-Elm has 5,699
    assert table.loc["03154", "share_pop_small"] == pytest.approx(
        (helmstedt_small + 5_699) / 91_379
    )
    assert table.loc["03158", "median_population"] == 10_420  # Baddeckenstedt, 4th of 7
    gemeinden = destatis.kreis_comparison(units).set_index("kreis_key")
    assert gemeinden.loc["03154", "share_municipalities_small"] == pytest.approx(19 / 23)
    assert gemeinden.loc["03158", "share_municipalities_small"] == pytest.approx(30 / 32)
    share = destatis.national_small_unit_share(units)
    assert (share["n_units"], share["n_municipalities"], share["n_kreise"]) == (4_398, 10_789, 400)
    assert share["n_small"] == 2_396 and round(share["share_small"], 4) == 0.5448
    lands = destatis.land_comparison(units).set_index("land_name")
    # no joint administrations in NRW: units and Gemeinden coincide
    nrw = lands.loc["Nordrhein-Westfalen"]
    assert nrw["n_units"] == nrw["n_municipalities"] == 396 and nrw["n_joint"] == 0
    assert nrw["share_units_small"] == nrw["share_municipalities_small"]
    # Bavaria: 311 Verwaltungsgemeinschaften, each one unit, besides 1,074 verbandsfreie
    assert (lands.loc["Bayern", "n_units"], lands.loc["Bayern", "n_joint"]) == (1_385, 311)
    assert lands.loc["Bayern", "joint_types"] == "Verwaltungsgemeinschaft (311)"
    assert lands.loc["Baden-Württemberg", "joint_types"] == (
        "vereinbarte Verwaltungsgemeinschaft (156); Gemeindeverwaltungsverband (114)"
    )
    assert lands.loc["Hessen", "joint_types"] == ""
    assert lands["n_units"].sum() == 4_398


def test_extract_units_rebuild_a_districts_model(harz: pd.DataFrame):
    rebuilt = destatis.municipalities_from_units(destatis.extract_units(), "15085")
    columns = [c for c in MUNICIPALITY_COLUMNS if c != "source"]  # the CSV words it its way
    pd.testing.assert_frame_equal(rebuilt[columns], harz[columns])
    assert rebuilt["source"].str.startswith("Destatis GV-ISys").all()


# --- the real files in ../shared/data -------------------------------------------------------


def _shared(relative: str) -> Path:
    path = paths.reference_file(relative)
    if path is None:
        pytest.skip(f"reference file {relative} absent")
    return path


@pytest.fixture(scope="module")
def real_auszug() -> pd.DataFrame:
    return destatis.read_auszug_gv(_shared(AUSZUG))


@pytest.mark.shared
def test_real_auszug_national_figures(real_auszug: pd.DataFrame):
    share = destatis.national_small_municipality_share(real_auszug)
    assert share["n_records"] == 10_997
    assert share["n_municipalities"] == share["n_inhabited"] == 10_789
    assert share["n_uninhabited"] == 208
    assert round(100 * share["share_small"], 1) == 85.2
    assert share["n_kreis_keys"] == 402
    assert len(destatis.kreis_comparison(real_auszug)) == 400


@pytest.mark.shared
def test_real_auszug_national_comparison_equals_the_extract(real_auszug: pd.DataFrame):
    extract = destatis.extract_units()
    # the same records (the extract keeps Land, Kreis, Gemeindeverband and Gemeinde) and
    # fields; only what the extract leaves out or stores as missing differs
    official = real_auszug[real_auszug["level"].isin(extract["level"].unique())]
    official = official.sort_values("ars", kind="stable").reset_index(drop=True)
    same = [
        c
        for c in destatis.UNIT_COLUMNS
        if c not in ("line", "population_male", "postal_code", "lon", "lat")
    ]
    pd.testing.assert_frame_equal(extract[same], official[same])
    pd.testing.assert_frame_equal(
        destatis.kreis_comparison(extract), destatis.kreis_comparison(real_auszug)
    )
    assert destatis.national_small_municipality_share(
        extract
    ) == destatis.national_small_municipality_share(real_auszug)


@pytest.mark.shared
def test_real_auszug_harz(real_auszug: pd.DataFrame, harz: pd.DataFrame):
    from_file = destatis.municipalities_from_units(real_auszug, "15085")
    assert len(from_file) == 20
    vorharz = from_file[from_file["gemeindeverband_key"].eq("5051")]
    assert len(vorharz) == 7
    assert set(vorharz["gemeindeverband_type"]) == {"Verbandsgemeinde"}
    verband = real_auszug[real_auszug["ars"].eq("150855051")].iloc[0]
    assert (verband["level"], verband["text_code"]) == ("Gemeindeverband", "53")
    # the committed table must agree with the official file on every field but the source text
    columns = [c for c in MUNICIPALITY_COLUMNS if c != "source"]
    pd.testing.assert_frame_equal(from_file[columns], harz[columns])


@pytest.mark.shared
def test_real_gv100ad():
    units = destatis.read_gv100ad(_shared(GV100AD))
    assert len(units) == 15_999
    counts = destatis.level_counts(units)
    assert counts["Gemeinde"] == 10_952
    harz = units[units["level"].eq("Gemeinde") & units["kreis_key"].eq("15085")]
    assert len(harz) == 20
    assert harz["gemeindeverband_key"].eq("5051").sum() == 7
    assert set(units["territorial_date"]) == {"2025-08-31"}
    assert units.loc[units["level"].eq("Gemeinde"), "area_km2"].gt(0).all()
