"""Municipality (Gemeinde) data model, validation, and aggregation to administrative units.

The model is one row per Gemeinde:

=====================  =========  ===========================================================
column                 dtype      meaning
=====================  =========  ===========================================================
ags                    str        Amtlicher Gemeindeschlüssel, 8 digits (Land 2, RB 1, Kreis 2,
                                  Gemeinde 3)
ars                    str        Amtlicher Regionalschlüssel, 12 digits (Land 2, RB 1, Kreis 2,
                                  Gemeindeverband 4, Gemeinde 3)
name                   str        official name as published (e.g. ``"Thale, Stadt"``)
gemeindeverband_key    str        4-digit Gemeindeverband part of the ARS; for a verbandsfreie
                                  Gemeinde it repeats the Gemeinde code with a leading 0
gemeindeverband_name   str        name of the Gemeindeverband (the Gemeinde itself if verbandsfrei)
gemeindeverband_type   str        ``verbandsfreie Gemeinde``, ``Verbandsgemeinde``,
                                  ``Samtgemeinde``, ``Verwaltungsgemeinschaft``, ``Amt``, ...
kreis_key              str        5-digit Kreis key (first five digits of the AGS)
area_km2               float      area in km²
population             Int64      inhabitants at ``population_date``
population_date        str        Stichtag of the population figure, ISO ``YYYY-MM-DD``
lon, lat               float      centre of the municipality, WGS84 degrees
source                 str        publication the row comes from
=====================  =========  ===========================================================

Administrative units are the level of the Harz study's Table 1 and of its interviews: a
verbandsfreie Gemeinde (Einheitsgemeinde) is a unit of its own, and all members of a joint
administration (Verbandsgemeinde, Samtgemeinde, Verwaltungsgemeinschaft, Amt, ...) form one
unit. The unit key is the first nine ARS digits (Land, RB, Kreis, Gemeindeverband).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ikzlib.errors import DataValidationError
from ikzlib.tables import (
    LINE,
    check_pattern,
    check_unique,
    read_csv_strict,
    require_values,
    to_number,
)

MUNICIPALITY_COLUMNS = [
    "ags",
    "ars",
    "name",
    "gemeindeverband_key",
    "gemeindeverband_name",
    "gemeindeverband_type",
    "kreis_key",
    "area_km2",
    "population",
    "population_date",
    "lon",
    "lat",
    "source",
]
VERBANDSFREI = "verbandsfreie Gemeinde"
EINHEITSGEMEINDE = "Einheitsgemeinde"

# Size classes used throughout the suite (upper bounds exclusive), in inhabitants.
SIZE_CLASS_BOUNDS = [0, 5_000, 10_000, 20_000, 50_000, np.inf]
SIZE_CLASS_LABELS = ["< 5,000", "5,000-10,000", "10,000-20,000", "20,000-50,000", ">= 50,000"]

# Bounding box of Germany (with a margin) to catch swapped or mistyped coordinates.
_LON_RANGE = (5.5, 15.5)
_LAT_RANGE = (47.0, 55.2)

_CSV_COLUMNS = [c for c in MUNICIPALITY_COLUMNS if c != "kreis_key"]

if TYPE_CHECKING:
    from ikzlib.catalog import District


def load_municipalities(district: str | District) -> pd.DataFrame:
    """Load and validate the district's ``municipalities.csv``.

    Parameters
    ----------
    district
        District key or :class:`~ikzlib.catalog.District`.

    Returns
    -------
    pandas.DataFrame
        The municipality model, sorted by AGS.
    """
    from ikzlib.catalog import resolve  # local import: the catalog imports this module

    info = resolve(district)
    path = info.inputs.path("municipalities")
    if path.is_file():
        return read_municipalities_csv(path, kreis_key=info.kreis_key)
    return nationwide_municipalities(info.kreis_key)


def nationwide_municipalities(kreis_key: str) -> pd.DataFrame:
    """The inhabited Gemeinden of one Kreis from the embedded nationwide extract, validated.

    Uninhabited gemeindefreie Gebiete are not municipalities and are left out.
    """
    from ikzlib import germany  # local import: germany builds on this module

    path = germany.data_dir() / germany.FILES["municipalities"]
    stat = path.stat() if path.exists() else None
    key = (kreis_key, str(path), stat.st_mtime_ns, stat.st_size) if stat else None
    if key in _NATIONWIDE_CACHE:  # the same file, already validated
        return _NATIONWIDE_CACHE[key].copy()
    everything = germany.municipalities()
    rows = everything[everything["kreis_key"].eq(kreis_key) & everything["inhabited"]]
    if rows.empty:
        raise DataValidationError(
            germany.data_dir(), f"no inhabited Gemeinde with Kreis key {kreis_key}"
        )
    table = validate_municipalities(rows, source=germany.data_dir(), kreis_key=kreis_key)
    if key is not None:
        _NATIONWIDE_CACHE[key] = table
    return table.copy()


# Validated Gemeinden by Kreis key and extract file (path, modification time, size): a
# rebuilt extract is validated again.
_NATIONWIDE_CACHE: dict[tuple[str, str, int, int], pd.DataFrame] = {}


def read_municipalities_csv(path: str | Path, kreis_key: str | None = None) -> pd.DataFrame:
    """Read a municipality CSV (columns as in the model except ``kreis_key``) and validate it.

    Parameters
    ----------
    path
        CSV file, UTF-8.
    kreis_key
        When given, every AGS must belong to this Kreis.

    Raises
    ------
    DataValidationError
        For a bad or duplicate AGS, an ARS that does not match the AGS, an AGS outside the
        district, missing/negative/non-numeric numbers, coordinates outside Germany, or a file
        that is not UTF-8; the message names the file, line and column.
    """
    frame = read_csv_strict(path, _CSV_COLUMNS)
    frame["kreis_key"] = frame["ags"].map(lambda a: a[:5] if isinstance(a, str) else None)
    return validate_municipalities(frame, source=path, kreis_key=kreis_key)


def validate_municipalities(
    frame: pd.DataFrame, source: str | Path = "<municipalities>", kreis_key: str | None = None
) -> pd.DataFrame:
    """Check a municipality table and return it typed, in model column order, sorted by AGS.

    ``frame`` may hold strings (as read from CSV) or typed values. A ``_line`` column, when
    present, is used for error messages and dropped from the result.
    """
    frame = frame.copy()
    if LINE not in frame.columns:
        frame[LINE] = range(2, len(frame) + 2)
    missing = [c for c in MUNICIPALITY_COLUMNS if c not in frame.columns]
    if missing:
        raise DataValidationError(source, f"missing column(s) {missing}")
    text_columns = ["ags", "ars", "name", "gemeindeverband_key", "gemeindeverband_type"]
    for column in text_columns + ["population_date", "source"]:
        if not isinstance(frame[column].dtype, pd.StringDtype):  # str columns hold str already
            frame[column] = frame[column].map(lambda v: None if pd.isna(v) else str(v))
    require_values(frame, text_columns + ["population_date", "source"], source)
    _check_pattern(frame, "ags", r"\d{8}", source, "an 8-digit AGS")
    _check_pattern(frame, "ars", r"\d{12}", source, "a 12-digit ARS")
    _check_pattern(frame, "gemeindeverband_key", r"\d{4}", source, "a 4-digit Gemeindeverband key")
    _check_pattern(frame, "population_date", r"\d{4}-\d{2}-\d{2}", source, "an ISO date")
    if frame["ags"].duplicated().any():
        check_unique(frame, "ags", source)
    _check_keys(frame, source, kreis_key)
    frame["kreis_key"] = frame["ags"].str[:5]
    frame["gemeindeverband_name"] = frame["gemeindeverband_name"].where(
        frame["gemeindeverband_name"].notna(), frame["name"]
    )
    frame["area_km2"] = _number(frame, "area_km2", source, minimum=0)
    if (frame["area_km2"] == 0).any():
        index = frame.index[frame["area_km2"] == 0][0]
        raise DataValidationError(
            source, "area must be positive", row=int(frame.at[index, LINE]), element="area_km2"
        )
    frame["population"] = _number(frame, "population", source, integer=True, minimum=0)
    frame["lon"] = _number(frame, "lon", source, minimum=_LON_RANGE[0], maximum=_LON_RANGE[1])
    frame["lat"] = _number(frame, "lat", source, minimum=_LAT_RANGE[0], maximum=_LAT_RANGE[1])
    frame = frame.sort_values("ags").reset_index(drop=True)
    return frame[MUNICIPALITY_COLUMNS]


def _check_keys(frame: pd.DataFrame, source: str | Path, kreis_key: str | None) -> None:
    """AGS, ARS, Gemeindeverband key and Kreis must agree; the first row (in table order)
    that breaks a rule raises, naming the first rule it breaks."""
    ags, ars = frame["ags"].astype(str), frame["ars"].astype(str)
    expected_ags = ars.str[:5] + ars.str[9:]
    bad_ags = ags.ne(expected_ags).to_numpy()
    bad_key = ars.str[5:9].ne(frame["gemeindeverband_key"].astype(str)).to_numpy()
    bad_kreis = (
        ags.str[:5].ne(kreis_key).to_numpy()
        if kreis_key is not None
        else np.zeros(len(frame), dtype=bool)
    )
    bad = bad_ags | bad_key | bad_kreis
    if not bad.any():
        return
    at = int(np.argmax(bad))
    row = int(frame[LINE].iloc[at])
    if bad_ags[at]:
        raise DataValidationError(
            source,
            f"ARS {ars.iloc[at]} implies AGS {expected_ags.iloc[at]}, but the AGS is "
            f"{ags.iloc[at]}",
            row=row,
            element="ars",
        )
    if bad_key[at]:
        raise DataValidationError(
            source,
            f"gemeindeverband_key {frame['gemeindeverband_key'].iloc[at]} differs from the ARS "
            f"part {ars.iloc[at][5:9]}",
            row=row,
            element="gemeindeverband_key",
        )
    raise DataValidationError(
        source,
        f"AGS {ags.iloc[at]} is not in the district (Kreis {kreis_key})",
        row=row,
        element="ags",
    )


def _check_pattern(
    frame: pd.DataFrame, column: str, pattern: str, source: str | Path, what: str
) -> None:
    """:func:`ikzlib.tables.check_pattern`, row by row only when a vectorised match fails
    (so the error names the same row and value)."""
    values = frame[column]
    if not (values.isna() | values.astype(str).str.fullmatch(pattern)).all():
        check_pattern(frame, column, pattern, source, what)


def _number(
    frame: pd.DataFrame,
    column: str,
    source: str | Path,
    *,
    integer: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
) -> pd.Series:
    """:func:`ikzlib.tables.to_number` on one column, vectorised for a numeric column whose
    every value passes; otherwise row by row (values as objects, so typed numbers and strings
    are checked alike, and errors name the same row and message)."""
    values = frame[column]
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        ok = np.isfinite(numbers)
        if integer:
            ok &= numbers == np.round(numbers)
        if minimum is not None:
            ok &= numbers >= minimum
        if maximum is not None:
            ok &= numbers <= maximum
        if ok.all():
            series = pd.Series(numbers, index=frame.index, dtype="float64")
            return series.astype("Int64") if integer else series
    limits = {"integer": integer, "minimum": minimum, "maximum": maximum}
    return to_number(frame[[column, LINE]].astype({column: object}), column, source, **limits)


def size_class(population: pd.Series | float) -> pd.Series:
    """Size class label of each population figure (ordered categorical)."""
    values = pd.Series(population, dtype="float64")
    return pd.cut(values, SIZE_CLASS_BOUNDS, right=False, labels=SIZE_CLASS_LABELS, ordered=True)


def administrative_units(municipalities: pd.DataFrame) -> pd.DataFrame:
    """Aggregate Gemeinden to administrative units (Einheitsgemeinden and joint administrations).

    Returns
    -------
    pandas.DataFrame
        One row per unit with ``unit_key`` (ARS digits 1-9), ``unit_name``, ``unit_type``
        (``Einheitsgemeinde`` or the Gemeindeverband type), ``n_municipalities``,
        ``population``, ``area_km2``, ``density`` (inhabitants per km²), population-weighted
        centre ``lon``/``lat``, ``member_ags`` (semicolon-separated) and ``population_date``;
        sorted by unit key.
    """
    frame = pd.DataFrame(
        {
            "unit_key": municipalities["ars"].str[:9],
            "unit_name": municipalities["gemeindeverband_name"],
            "gemeindeverband_type": municipalities["gemeindeverband_type"],
            "population": municipalities["population"],
            "area_km2": municipalities["area_km2"],
            "_wlon": municipalities["lon"] * municipalities["population"].astype("float64"),
            "_wlat": municipalities["lat"] * municipalities["population"].astype("float64"),
        }
    )
    grouped = frame.groupby("unit_key", sort=True)
    units = grouped[["unit_name", "gemeindeverband_type"]].first()
    units["n_municipalities"] = grouped.size()
    units[["population", "area_km2", "_wlon", "_wlat"]] = grouped[
        ["population", "area_km2", "_wlon", "_wlat"]
    ].sum()
    members = _joined_by_unit(frame["unit_key"], municipalities["ags"])
    dates = _joined_by_unit(frame["unit_key"], municipalities["population_date"], distinct=True)
    units["member_ags"] = [members[key] for key in units.index]
    units["population_date"] = [dates[key] for key in units.index]
    units = units.reset_index()
    single = units["n_municipalities"].eq(1) & units["gemeindeverband_type"].eq(VERBANDSFREI)
    units["unit_type"] = np.where(single, EINHEITSGEMEINDE, units["gemeindeverband_type"])
    units["area_km2"] = units["area_km2"].round(2)
    units["density"] = units["population"].astype("float64") / units["area_km2"]
    weight = units["population"].astype("float64").replace(0, np.nan)
    units["lon"] = units["_wlon"] / weight
    units["lat"] = units["_wlat"] / weight
    columns = [
        "unit_key",
        "unit_name",
        "unit_type",
        "n_municipalities",
        "population",
        "area_km2",
        "density",
        "lon",
        "lat",
        "member_ags",
        "population_date",
    ]
    return units[columns]


def _joined_by_unit(keys: pd.Series, values: pd.Series, distinct: bool = False) -> dict[str, str]:
    """``{unit key: the unit's values, sorted (distinct ones only), joined by ";"}``."""
    grouped: dict[str, list[str]] = {}
    for key, value in zip(keys, values, strict=True):
        grouped.setdefault(key, []).append(value)
    return {
        key: ";".join(sorted(set(items) if distinct else items)) for key, items in grouped.items()
    }


def source_summary(municipalities: pd.DataFrame) -> str:
    """The distinct publications behind a municipality table, for figure source lines.

    Row sources may add row-level detail after a semicolon (e.g. the spreadsheet row); only
    the publication part before it is kept.
    """
    publications = municipalities["source"].str.split(";").str[0].str.strip()
    return "; ".join(sorted(set(publications)))
