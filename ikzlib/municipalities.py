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

    everything = germany.municipalities()
    rows = everything[everything["kreis_key"].eq(kreis_key) & everything["inhabited"]]
    if rows.empty:
        raise DataValidationError(
            germany.data_dir(), f"no inhabited Gemeinde with Kreis key {kreis_key}"
        )
    return validate_municipalities(rows, source=germany.data_dir(), kreis_key=kreis_key)


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
        frame[column] = frame[column].map(lambda v: None if pd.isna(v) else str(v))
    require_values(frame, text_columns + ["population_date", "source"], source)
    check_pattern(frame, "ags", r"\d{8}", source, "an 8-digit AGS")
    check_pattern(frame, "ars", r"\d{12}", source, "a 12-digit ARS")
    check_pattern(frame, "gemeindeverband_key", r"\d{4}", source, "a 4-digit Gemeindeverband key")
    check_pattern(frame, "population_date", r"\d{4}-\d{2}-\d{2}", source, "an ISO date")
    check_unique(frame, "ags", source)
    for _, row in frame.iterrows():
        expected_ags = row["ars"][:5] + row["ars"][9:]
        if row["ags"] != expected_ags:
            raise DataValidationError(
                source,
                f"ARS {row['ars']} implies AGS {expected_ags}, but the AGS is {row['ags']}",
                row=int(row[LINE]),
                element="ars",
            )
        if row["ars"][5:9] != row["gemeindeverband_key"]:
            raise DataValidationError(
                source,
                f"gemeindeverband_key {row['gemeindeverband_key']} differs from the ARS part "
                f"{row['ars'][5:9]}",
                row=int(row[LINE]),
                element="gemeindeverband_key",
            )
        if kreis_key is not None and row["ags"][:5] != kreis_key:
            raise DataValidationError(
                source,
                f"AGS {row['ags']} is not in the district (Kreis {kreis_key})",
                row=int(row[LINE]),
                element="ags",
            )
    frame["kreis_key"] = frame["ags"].str[:5]
    frame["gemeindeverband_name"] = frame["gemeindeverband_name"].where(
        frame["gemeindeverband_name"].notna(), frame["name"]
    )
    frame["area_km2"] = to_number(frame.astype({"area_km2": object}), "area_km2", source, minimum=0)
    if (frame["area_km2"] == 0).any():
        index = frame.index[frame["area_km2"] == 0][0]
        raise DataValidationError(
            source, "area must be positive", row=int(frame.at[index, LINE]), element="area_km2"
        )
    frame["population"] = to_number(
        frame.astype({"population": object}), "population", source, integer=True, minimum=0
    )
    frame["lon"] = to_number(
        frame.astype({"lon": object}), "lon", source, minimum=_LON_RANGE[0], maximum=_LON_RANGE[1]
    )
    frame["lat"] = to_number(
        frame.astype({"lat": object}), "lat", source, minimum=_LAT_RANGE[0], maximum=_LAT_RANGE[1]
    )
    frame = frame.sort_values("ags").reset_index(drop=True)
    return frame[MUNICIPALITY_COLUMNS]


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
    frame = municipalities.copy()
    frame["unit_key"] = frame["ars"].str[:9]
    frame["_wlon"] = frame["lon"] * frame["population"].astype("float64")
    frame["_wlat"] = frame["lat"] * frame["population"].astype("float64")
    grouped = frame.groupby("unit_key", sort=True)
    units = grouped.agg(
        unit_name=("gemeindeverband_name", "first"),
        gemeindeverband_type=("gemeindeverband_type", "first"),
        n_municipalities=("ags", "size"),
        population=("population", "sum"),
        area_km2=("area_km2", "sum"),
        _wlon=("_wlon", "sum"),
        _wlat=("_wlat", "sum"),
        member_ags=("ags", lambda s: ";".join(sorted(s))),
        population_date=("population_date", lambda s: ";".join(sorted(set(s)))),
    ).reset_index()
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


def source_summary(municipalities: pd.DataFrame) -> str:
    """The distinct publications behind a municipality table, for figure source lines.

    Row sources may add row-level detail after a semicolon (e.g. the spreadsheet row); only
    the publication part before it is kept.
    """
    publications = municipalities["source"].str.split(";").str[0].str.strip()
    return "; ".join(sorted(set(publications)))
