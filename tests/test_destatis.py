"""Loaders of the Destatis Gemeindeverzeichnis (Auszug GV xlsx and GV100AD text)."""

from __future__ import annotations

from pathlib import Path

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


# --- an Auszug GV workbook built from the committed Harz table ------------------------------


def _german_decimal(value: float) -> str:
    return repr(float(value)).replace(".", ",")


def auszug_rows(municipalities: pd.DataFrame) -> list[list]:
    """Sheet rows in the Auszug GV layout: six header rows, records, then footnotes."""
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


def write_auszug_xlsx(path: Path, rows: list[list], sheet: str = destatis.AUSZUG_SHEET) -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
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


# --- Auszug GV ----------------------------------------------------------------------------


def test_auszug_round_trips_the_municipality_model(auszug_path: Path, harz: pd.DataFrame):
    units = destatis.read_auszug_gv(auszug_path)
    rebuilt = destatis.municipalities_from_units(units, "15085")
    assert list(rebuilt.columns) == MUNICIPALITY_COLUMNS
    columns = [c for c in MUNICIPALITY_COLUMNS if c != "source"]
    pd.testing.assert_frame_equal(rebuilt[columns], harz[columns])
    assert rebuilt["source"].str.contains("31122021_Auszug_GV.xlsx").all()
    assert rebuilt["source"].str.contains("Bevölkerung 31.12.2021").all()


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
    wrong_sheet = write_auszug_xlsx(tmp_path / "sheet.xlsx", rows, sheet="Tabelle1")
    with pytest.raises(DataValidationError, match="worksheet 'Onlineprodukt_Gemeinden' not"):
        destatis.read_auszug_gv(wrong_sheet)
    rows[3][5] = "Verband"
    wrong_header = write_auszug_xlsx(tmp_path / "header.xlsx", rows)
    with pytest.raises(DataValidationError, match="line 4, column 6.*'VB'"):
        destatis.read_auszug_gv(wrong_header)
    not_xlsx = tmp_path / "text.xlsx"
    not_xlsx.write_text("ags;name\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="not a readable xlsx"):
        destatis.read_auszug_gv(not_xlsx)


def test_auszug_refuses_records_after_the_notes(tmp_path: Path, harz: pd.DataFrame):
    rows = auszug_rows(harz)
    rows.append(list(rows[_record_row(rows, "15085040")]))
    path = write_auszug_xlsx(tmp_path / "bad.xlsx", rows)
    with pytest.raises(DataValidationError, match="record after the end of the table"):
        destatis.read_auszug_gv(path)


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
    assert share["n_municipalities"] == 5
    assert share["n_inhabited"] == 4  # the gemeindefreies Gebiet has nobody
    assert share["n_small"] == 4
    assert share["n_kreis_keys"] == 2


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
    assert share["n_municipalities"] == 10_997
    assert share["n_inhabited"] == 10_789
    assert round(100 * share["share_small"], 1) == 85.2
    assert share["n_kreis_keys"] == 402
    assert len(destatis.kreis_comparison(real_auszug)) == 400


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
