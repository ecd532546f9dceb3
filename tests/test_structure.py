"""Table-1 cross-check: aggregated Gemeinde data against the published unit table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ikzlib import paths
from ikzlib.errors import DataValidationError, ParameterError
from ikzlib.municipalities import SIZE_CLASS_LABELS, administrative_units
from ikzlib.structure import (
    PUBLISHED_COLUMNS,
    compare_units,
    demography_series,
    read_demography,
    read_published_units,
    size_class_table,
    units_side_by_side,
)

TABLE1 = paths.raw_dir("harz") / "table1_fallstudie.csv"


@pytest.fixture
def units(harz: pd.DataFrame) -> pd.DataFrame:
    return administrative_units(harz)


@pytest.fixture
def published() -> pd.DataFrame:
    return read_published_units(TABLE1)


def test_table1_is_read_and_totals_209117(published: pd.DataFrame, units: pd.DataFrame):
    assert list(published.columns) == PUBLISHED_COLUMNS
    assert len(published) == 14
    assert int(published["population"].sum()) == 209_117
    assert int(units["population"].sum()) == 209_117
    assert set(published["unit_key"]) == set(units["unit_key"])


def test_comparison_lists_exactly_the_area_differences(
    units: pd.DataFrame, published: pd.DataFrame
):
    differences = compare_units(units, published)
    assert set(differences["quantity"]) == {"area_km2"}  # populations agree unit by unit
    by_key = differences.set_index("unit_key")["difference"].round(2).to_dict()
    assert by_key == {
        "150850040": 0.03,  # Ballenstedt
        "150850055": 0.01,  # Blankenburg (Harz)
        "150850135": -0.01,  # Halberstadt
        "150855051": -0.01,  # Vorharz
    }
    assert (
        (differences["aggregated"] - differences["published"])
        .round(6)
        .equals(differences["difference"])
    )


def test_comparison_reports_population_and_presence(units: pd.DataFrame, published: pd.DataFrame):
    changed = published.copy()
    changed.loc[changed["unit_key"].eq("150850370"), "population"] = 32_000
    changed = changed[changed["unit_key"].ne("150850185")]  # drop Huy
    extra = changed.iloc[[0]].assign(unit_key="150859999", unit_name="Phantom")
    changed = pd.concat([changed, extra], ignore_index=True)
    differences = compare_units(units, changed)
    rows = {(r.unit_key, r.quantity): r for r in differences.itertuples()}
    assert rows[("150850370", "population")].difference == 27
    assert rows[("150850185", "presence")].note == "only in the aggregated data"
    assert rows[("150859999", "presence")].note == "only in the published table"
    assert rows[("150859999", "presence")].unit_name == "Phantom"


def test_area_tolerance_absorbs_rounding(units: pd.DataFrame, published: pd.DataFrame):
    assert compare_units(units, published, area_tolerance=0.05).empty


def test_missing_published_cells_are_not_disagreements(
    units: pd.DataFrame, published: pd.DataFrame
):
    gaps = published.copy()
    gaps["area_km2"] = float("nan")
    assert compare_units(units, gaps).empty


def test_bad_published_table(tmp_path: Path):
    frame = pd.read_csv(TABLE1, dtype=str, keep_default_na=False)
    frame.loc[2, "unit_key"] = "15085011"
    path = tmp_path / "table1.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataValidationError, match=r"line 4, unit_key: '15085011' is not a 9-dig"):
        read_published_units(path)
    frame.loc[2, "unit_key"] = "150850040"
    frame.to_csv(path, index=False)
    with pytest.raises(DataValidationError, match=r"line 4, unit_key: duplicate unit_key"):
        read_published_units(path)


# --- size classes, side-by-side table, demography ------------------------------------------


def test_size_class_table_per_gemeinde():
    frame = pd.DataFrame(
        {"population": pd.array([100, 4_999, 5_000, 12_000, 60_000, 70_000], dtype="Int64")}
    )
    table = size_class_table(frame, level="gemeinden")
    assert table["size_class"].tolist() == SIZE_CLASS_LABELS
    assert table["n"].tolist() == [2, 1, 1, 0, 2]
    assert table["population"].tolist() == [5_099, 5_000, 12_000, 0, 130_000]
    assert table["share_n"].sum() == pytest.approx(1.0)
    assert table["share_population"].iloc[4] == pytest.approx(130_000 / 152_099)


def test_size_class_table_counts_administrative_units_by_default(harz: pd.DataFrame):
    # Harz (Destatis 31.12.2021): 13 Einheitsgemeinden and the Verbandsgemeinde Vorharz
    # (7 Gemeinden, 12,026 inhabitants together). Under 5,000: none of the 14 units, but the
    # 7 Vorharz members; 5,000-10,000: Ballenstedt 8,825, Falkenstein 5,166, Harzgerode 7,559,
    # Huy 7,084, Ilsenburg 9,497, Nordharz 7,783, Oberharz 9,873 (7 units, 7 Gemeinden).
    units = size_class_table(harz)
    gemeinden = size_class_table(harz, level="gemeinden")
    assert units["n"].tolist() == [0, 7, 4, 3, 0]
    assert gemeinden["n"].tolist() == [7, 7, 3, 3, 0]
    assert units["n"].iloc[:2].sum() == 7 and units["n"].sum() == 14  # 7 of 14 under 10,000
    assert gemeinden["n"].iloc[:2].sum() == 14 and gemeinden["n"].sum() == 20
    assert units["population"].sum() == gemeinden["population"].sum() == 209_117
    assert units["population"].iloc[2] == 11_012 + 16_994 + 19_248 + 12_026  # Vorharz moved up
    with pytest.raises(ParameterError, match="level='kreise'"):
        size_class_table(harz, level="kreise")


def test_units_side_by_side_totals(units: pd.DataFrame, published: pd.DataFrame):
    table = units_side_by_side(units, published)
    assert len(table) == 15
    total = table.iloc[-1]
    assert total["unit_key"] == "total"
    assert total["population"] == total["population_published"] == 209_117
    assert total["n_municipalities"] == 20
    assert total["area_km2"] == pytest.approx(units["area_km2"].sum())
    assert total["area_km2_published"] == pytest.approx(published["area_km2"].sum())
    vorharz = table.set_index("unit_key").loc["150855051"]
    assert (vorharz["area_km2"], vorharz["area_km2_published"]) == (204.80, 204.81)


DEMOGRAPHY = paths.raw_dir("harz") / "demography_fallstudie.csv"


def test_harz_demography_is_stated_and_derived():
    statements = read_demography(DEMOGRAPHY)
    assert set(statements["statement_id"]) == {
        "population_2020",
        "change_1990_2020",
        "projection_2020_2035",
    }
    assert statements["source"].str.contains("Harz IKZ case study").all()
    series = demography_series(statements).set_index("year")
    stated = series.loc[2020]
    assert (stated["population"], stated["kind"]) == (210_975, "stated")
    assert series.loc[1990, "kind"] == "derived"
    assert series.loc[1990, "approximate"]  # "about 25 %" stays approximate
    assert series.loc[1990, "population"] == pytest.approx(210_975 / 0.75)
    assert series.loc[2035, "kind"] == "projected"
    assert series.loc[2035, "population"] == pytest.approx(210_975 * 0.85)
    assert "projection_2020_2035" in series.loc[2035, "basis"]


def test_demography_chains_changes_backwards_and_forwards():
    statements = pd.DataFrame(
        {
            "statement_id": ["p2000", "c1990", "c1980", "c2010"],
            "quantity": ["population", "change", "change", "change"],
            "start_year": [2000, 1990, 1980, 2000],
            "end_year": [2000, 2000, 1990, 2010],
            "value": [1000.0, 25.0, -20.0, 10.0],
            "unit": ["persons", "percent", "percent", "percent"],
            "approximate": [False, False, True, False],
            "source": ["s"] * 4,
            "note": [None] * 4,
        }
    )
    series = demography_series(statements).set_index("year")
    assert series.loc[1990, "population"] == pytest.approx(800)
    assert series.loc[1980, "population"] == pytest.approx(1000)
    assert series.loc[1980, "approximate"] and not series.loc[1990, "approximate"]
    assert series.loc[2010, "population"] == pytest.approx(1100)
    assert series.index.tolist() == [1980, 1990, 2000, 2010]


def test_demography_refuses_wrong_units(tmp_path: Path):
    text = DEMOGRAPHY.read_text(encoding="utf-8").replace(",-25,percent,", ",-25,persons,")
    path = tmp_path / "demography.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"line 3, unit: a change must be given in"):
        read_demography(path)
