"""Table-1 cross-check: aggregated Gemeinde data against the published unit table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ikzlib import paths
from ikzlib.errors import DataValidationError
from ikzlib.municipalities import administrative_units, load_municipalities
from ikzlib.structure import PUBLISHED_COLUMNS, compare_units, read_published_units

TABLE1 = paths.raw_dir("harz") / "table1_fallstudie.csv"


@pytest.fixture
def units() -> pd.DataFrame:
    return administrative_units(load_municipalities("harz"))


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
