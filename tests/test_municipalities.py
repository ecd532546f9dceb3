"""Municipality model: loading, validation errors, size classes and aggregation to units."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ikzlib import paths
from ikzlib.errors import DataValidationError
from ikzlib.municipalities import (
    EINHEITSGEMEINDE,
    MUNICIPALITY_COLUMNS,
    SIZE_CLASS_LABELS,
    administrative_units,
    read_municipalities_csv,
    size_class,
    validate_municipalities,
)
from ikzlib.tables import LINE

HARZ_CSV = paths.raw_dir("harz") / "municipalities.csv"


def _edited_csv(tmp_path: Path, ags: str, column: str, value: str) -> tuple[Path, int]:
    """Copy of the Harz CSV with one cell changed; returns the path and the edited line."""
    frame = pd.read_csv(HARZ_CSV, dtype=str, keep_default_na=False)
    index = frame.index[frame["ags"].eq(ags)][0]
    frame.loc[index, column] = value
    path = tmp_path / "municipalities.csv"
    frame.to_csv(path, index=False, lineterminator="\n")
    return path, int(index) + 2  # header is line 1


def test_harz_model(harz: pd.DataFrame):
    assert list(harz.columns) == MUNICIPALITY_COLUMNS
    assert len(harz) == 20
    assert harz["ags"].is_monotonic_increasing
    assert harz["population"].dtype == "Int64"
    assert int(harz["population"].sum()) == 209_117
    assert harz["kreis_key"].eq("15085").all()
    vorharz = harz[harz["gemeindeverband_key"].eq("5051")]
    assert len(vorharz) == 7
    assert set(vorharz["gemeindeverband_name"]) == {"Vorharz"}
    assert set(vorharz["gemeindeverband_type"]) == {"Verbandsgemeinde"}
    assert harz["ars"].str[:5].add(harz["ars"].str[9:]).eq(harz["ags"]).all()


@pytest.mark.parametrize(
    ("ags", "column", "value", "message"),
    [
        ("15085135", "population", "38.682 Einw.", "is not a number"),
        ("15085135", "population", "", "value is missing"),
        ("15085135", "population", "nan", "is not a finite number"),
        ("15085135", "population", "8825.5", "is not a whole number"),
        ("15085135", "area_km2", "-142.97", "below the minimum 0"),
        ("15085135", "area_km2", "0", "area must be positive"),
        ("15085135", "area_km2", "inf", "is not a finite number"),
        ("15085135", "ags", "1508513", "is not an 8-digit AGS"),
        ("15085135", "ags", "15085136", "ARS 150850135135 implies AGS 15085135"),
        ("15085135", "gemeindeverband_key", "0136", "differs from the ARS part 0135"),
        ("15085135", "lon", "51.896112", "above the maximum 15.5"),
        ("15085135", "population_date", "31.12.2021", "is not an ISO date"),
    ],
)
def test_bad_cells_name_file_line_and_column(
    tmp_path: Path, ags: str, column: str, value: str, message: str
):
    path, line = _edited_csv(tmp_path, ags, column, value)
    with pytest.raises(DataValidationError) as info:
        read_municipalities_csv(path, kreis_key="15085")
    error = info.value
    assert error.source == str(path)
    assert error.row == line
    assert message in error.problem
    assert f"municipalities.csv, line {line}" in str(error)


def test_duplicate_ags(tmp_path: Path):
    lines = HARZ_CSV.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "municipalities.csv"
    path.write_text("\n".join([*lines, lines[4]]) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        read_municipalities_csv(path)
    assert info.value.row == len(lines) + 1
    assert "duplicate ags '15085135' (first on line 5)" in str(info.value)


def test_ags_outside_the_district(tmp_path: Path):
    frame = pd.read_csv(HARZ_CSV, dtype=str, keep_default_na=False)
    frame.loc[3, ["ags", "ars"]] = ["15086135", "150860135135"]
    path = tmp_path / "municipalities.csv"
    frame.to_csv(path, index=False, lineterminator="\n")
    with pytest.raises(DataValidationError, match=r"line 5, ags: AGS 15086135 is not in the dis"):
        read_municipalities_csv(path, kreis_key="15085")
    assert len(read_municipalities_csv(path)) == 20  # without a district, any Kreis is fine


def test_wrong_encoding(tmp_path: Path):
    path = tmp_path / "municipalities.csv"
    path.write_bytes(HARZ_CSV.read_text(encoding="utf-8").encode("iso-8859-1"))
    with pytest.raises(DataValidationError) as info:
        read_municipalities_csv(path)
    assert "not valid UTF-8" in info.value.problem
    # the first non-ASCII character is the "ß" of Groß Quenstedt
    assert info.value.row == 16


def test_unknown_or_missing_columns(tmp_path: Path):
    frame = pd.read_csv(HARZ_CSV, dtype=str, keep_default_na=False)
    path = tmp_path / "municipalities.csv"
    frame.rename(columns={"population": "einwohner"}).to_csv(path, index=False)
    with pytest.raises(DataValidationError, match=r"line 1: missing column\(s\) \['population'\]"):
        read_municipalities_csv(path)


def test_validate_accepts_typed_frames_and_fills_verband_names(harz: pd.DataFrame):
    frame = harz.sample(frac=1.0, random_state=3)
    frame.loc[
        frame["gemeindeverband_type"].eq("verbandsfreie Gemeinde"), "gemeindeverband_name"
    ] = None
    checked = validate_municipalities(frame, source="typed", kreis_key="15085")
    pd.testing.assert_frame_equal(checked, harz)


def test_size_class_boundaries():
    classes = size_class(
        pd.Series([0, 4_999, 5_000, 9_999, 10_000, 19_999, 20_000, 49_999, 50_000, 1_000_000])
    )
    assert classes.tolist() == [SIZE_CLASS_LABELS[i] for i in (0, 0, 1, 1, 2, 2, 3, 3, 4, 4)]
    assert classes.cat.ordered


def test_administrative_units(harz: pd.DataFrame):
    units = administrative_units(harz)
    assert len(units) == 14
    assert units["unit_key"].is_monotonic_increasing
    assert int(units["population"].sum()) == int(harz["population"].sum())
    assert units["n_municipalities"].sum() == 20
    vorharz = units.set_index("unit_key").loc["150855051"]
    members = harz[harz["gemeindeverband_key"].eq("5051")]
    assert vorharz["unit_name"] == "Vorharz"
    assert vorharz["unit_type"] == "Verbandsgemeinde"
    assert vorharz["n_municipalities"] == 7
    assert vorharz["population"] == members["population"].sum() == 12_026
    assert vorharz["area_km2"] == pytest.approx(204.80)
    assert vorharz["member_ags"].split(";") == sorted(members["ags"])
    weights = members["population"].astype(float)
    assert vorharz["lon"] == pytest.approx((members["lon"] * weights).sum() / weights.sum())
    assert vorharz["density"] == pytest.approx(12_026 / 204.80)
    single = units[units["unit_key"].ne("150855051")]
    assert single["unit_type"].eq(EINHEITSGEMEINDE).all()
    halberstadt = units.set_index("unit_key").loc["150850135"]
    assert (halberstadt["population"], halberstadt["area_km2"]) == (38_682, 142.97)


def test_administrative_units_keeps_uninhabited_unit_without_centre(harz: pd.DataFrame):
    frame = harz.copy()
    frame.loc[frame["ags"].eq("15085185"), "population"] = 0
    units = administrative_units(frame).set_index("unit_key")
    assert pd.isna(units.loc["150850185", "lon"])
    assert units.loc["150850185", "density"] == 0


# ---------------------------------------------------------------------------------------------
# vectorised checks: same rows, same messages as the row-by-row rules


def _typed(harz: pd.DataFrame) -> pd.DataFrame:
    """The Harz table as a typed frame in file order, with line numbers."""
    frame = harz.copy()
    frame[LINE] = range(2, len(frame) + 2)
    return frame


@pytest.mark.parametrize(
    ("edits", "line", "column", "message"),
    [
        # the first row in table order that breaks a rule raises, whatever breaks later
        (
            [(3, "gemeindeverband_key", "0999"), (6, "ags", "15085999")],
            5,
            "gemeindeverband_key",
            "gemeindeverband_key 0999 differs from the ARS part",
        ),
        # in one row the ARS/AGS rule comes before the Gemeindeverband rule
        (
            [(4, "gemeindeverband_key", "0999"), (4, "ags", "15085998")],
            6,
            "ars",
            "implies AGS",
        ),
        ([(5, "ags", "15086135"), (5, "ars", "150860135135")], 7, "ags", "not in the district"),
        ([(7, "area_km2", -1.0)], 9, "area_km2", "below the minimum 0"),
        ([(7, "area_km2", float("inf"))], 9, "area_km2", "is not a finite number"),
        ([(5, "population", 12.5)], 7, "population", "is not a whole number"),
        ([(8, "lat", 60.0)], 10, "lat", "above the maximum 55.2"),
        ([(9, "lon", float("nan"))], 11, "lon", "nan is not a finite number"),
    ],
)
def test_typed_frames_fail_on_the_same_row_and_message(
    harz: pd.DataFrame, edits, line: int, column: str, message: str
):
    frame = _typed(harz)
    for row, name, value in edits:
        if name == "population":  # a fractional value in an integer column
            frame[name] = frame[name].astype("float64")
        frame.loc[row, name] = value
    with pytest.raises(DataValidationError) as info:
        validate_municipalities(frame, source="typed", kreis_key="15085")
    assert (info.value.row, info.value.element) == (line, column)
    assert message in info.value.problem


def test_duplicate_and_malformed_keys_in_typed_frames(harz: pd.DataFrame):
    frame = _typed(harz)
    frame.loc[5, ["ags", "ars"]] = [frame.loc[2, "ags"], frame.loc[2, "ars"]]
    with pytest.raises(DataValidationError, match=r"duplicate ags .* \(first on line 4\)"):
        validate_municipalities(frame, source="typed")
    frame = _typed(harz)
    frame.loc[3, "ars"] = "15085O135135"  # letter O
    with pytest.raises(DataValidationError, match="is not a 12-digit ARS") as info:
        validate_municipalities(frame, source="typed")
    assert info.value.row == 5


def test_nationwide_rows_validate_as_before_and_are_cached_as_copies():
    from ikzlib.municipalities import nationwide_municipalities

    first = nationwide_municipalities("07232")
    assert len(first) == 234
    assert first["population"].dtype == "Int64"
    first.loc[0, "name"] = "changed"
    again = nationwide_municipalities("07232")
    assert again.loc[0, "name"] != "changed"
    pd.testing.assert_frame_equal(again, nationwide_municipalities("07232"))


def _units_by_named_aggregation(municipalities: pd.DataFrame) -> pd.DataFrame:
    """Reference: the former implementation (named aggregation with Python joins)."""
    frame = municipalities.copy()
    frame["unit_key"] = frame["ars"].str[:9]
    frame["_wlon"] = frame["lon"] * frame["population"].astype("float64")
    frame["_wlat"] = frame["lat"] * frame["population"].astype("float64")
    units = (
        frame.groupby("unit_key", sort=True)
        .agg(
            unit_name=("gemeindeverband_name", "first"),
            gemeindeverband_type=("gemeindeverband_type", "first"),
            n_municipalities=("ags", "size"),
            population=("population", "sum"),
            area_km2=("area_km2", "sum"),
            _wlon=("_wlon", "sum"),
            _wlat=("_wlat", "sum"),
            member_ags=("ags", lambda s: ";".join(sorted(s))),
            population_date=("population_date", lambda s: ";".join(sorted(set(s)))),
        )
        .reset_index()
    )
    single = units["n_municipalities"].eq(1) & units["gemeindeverband_type"].eq(
        "verbandsfreie Gemeinde"
    )
    units["unit_type"] = np.where(single, EINHEITSGEMEINDE, units["gemeindeverband_type"])
    units["area_km2"] = units["area_km2"].round(2)
    units["density"] = units["population"].astype("float64") / units["area_km2"]
    weight = units["population"].astype("float64").replace(0, np.nan)
    units["lon"] = units["_wlon"] / weight
    units["lat"] = units["_wlat"] / weight
    return units[list(administrative_units(municipalities).columns)]


@pytest.mark.parametrize("key", ["harz", "07232", "09677", "14612", "01051"])
def test_administrative_units_equal_the_named_aggregation(key: str):
    from ikzlib.municipalities import load_municipalities

    table = load_municipalities(key).sample(frac=1.0, random_state=1)  # order must not matter
    pd.testing.assert_frame_equal(
        administrative_units(table), _units_by_named_aggregation(table), check_exact=True
    )
