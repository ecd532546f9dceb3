"""Municipal structure of a district: published unit tables and their cross-check.

A published table (such as Table 1 of the Harz case study) lists administrative units with
population and area. :func:`compare_units` sets it against the units aggregated from the
Gemeinde-level data and lists every cell where the two sources disagree.

Published-unit CSV layout (``data/raw/<district>/table1_fallstudie.csv``): ``unit_key``
(ARS digits 1-9), ``unit_name`` and ``unit_type`` as printed, ``population``, ``area_km2``,
``population_date`` (ISO) and ``source`` (document, table, page).

Size classes (:func:`size_class_table`) are counted per administrative unit by default and per
Gemeinde on request (:data:`LEVELS`): a Samtgemeinde of five small Gemeinden is one unit of
its summed population, which is what a study of the district's administrations counts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ikzlib.errors import DataValidationError, ParameterError
from ikzlib.i18n import register
from ikzlib.municipalities import SIZE_CLASS_LABELS, administrative_units, size_class
from ikzlib.tables import (
    LINE,
    check_pattern,
    check_unique,
    check_vocabulary,
    read_csv_strict,
    require_values,
    to_number,
)

# Levels of counting: administrative units (the default, as case studies count) or Gemeinden.
LEVELS = {"units": "administrative units", "gemeinden": "Gemeinden"}
register(
    {
        "administrative units": "Verwaltungseinheiten",
        "Gemeinden": "Gemeinden",
        # the size classes of ikzlib.municipalities.SIZE_CLASS_LABELS
        "< 5,000": "< 5.000",
        "5,000-10,000": "5.000–10.000",
        "10,000-20,000": "10.000–20.000",
        "20,000-50,000": "20.000–50.000",
        ">= 50,000": "≥ 50.000",
    }
)

PUBLISHED_COLUMNS = [
    "unit_key",
    "unit_name",
    "unit_type",
    "population",
    "area_km2",
    "population_date",
    "source",
]


def read_published_units(path: str | Path) -> pd.DataFrame:
    """Read and validate a published administrative-unit table."""
    frame = read_csv_strict(path, PUBLISHED_COLUMNS)
    require_values(frame, ["unit_key", "unit_name", "unit_type", "population_date", "source"], path)
    check_pattern(frame, "unit_key", r"\d{9}", path, "a 9-digit unit key (ARS digits 1-9)")
    check_unique(frame, "unit_key", path)
    frame["population"] = to_number(
        frame, "population", path, integer=True, minimum=0, allow_missing=True
    )
    frame["area_km2"] = to_number(frame, "area_km2", path, minimum=0, allow_missing=True)
    return frame[PUBLISHED_COLUMNS].sort_values("unit_key").reset_index(drop=True)


def compare_units(
    computed: pd.DataFrame,
    published: pd.DataFrame,
    *,
    area_tolerance: float = 0.005,
) -> pd.DataFrame:
    """Every cell where aggregated and published unit figures disagree.

    Parameters
    ----------
    computed
        Output of :func:`ikzlib.municipalities.administrative_units`.
    published
        Output of :func:`read_published_units`.
    area_tolerance
        Differences in km² up to this value count as agreement (rounding to 2 decimals).

    Returns
    -------
    pandas.DataFrame
        Columns ``unit_key``, ``unit_name``, ``quantity`` (``population``, ``area_km2`` or
        ``presence``), ``aggregated``, ``published``, ``difference`` (aggregated minus
        published). Units found in only one source appear with quantity ``presence``.
    """
    merged = computed.merge(
        published, on="unit_key", how="outer", suffixes=("", "_pub"), indicator=True
    )
    rows = []
    for _, row in merged.iterrows():
        name = row["unit_name"] if isinstance(row["unit_name"], str) else row["unit_name_pub"]
        if row["_merge"] != "both":
            only = "aggregated data" if row["_merge"] == "left_only" else "published table"
            rows.append(
                {
                    "unit_key": row["unit_key"],
                    "unit_name": name,
                    "quantity": "presence",
                    "aggregated": np.nan,
                    "published": np.nan,
                    "difference": np.nan,
                    "note": f"only in the {only}",
                }
            )
            continue
        for quantity, tolerance in (("population", 0), ("area_km2", area_tolerance)):
            ours, theirs = row[quantity], row[f"{quantity}_pub"]
            if pd.isna(theirs):
                continue
            difference = float(ours) - float(theirs)
            if abs(difference) > tolerance:
                rows.append(
                    {
                        "unit_key": row["unit_key"],
                        "unit_name": name,
                        "quantity": quantity,
                        "aggregated": float(ours),
                        "published": float(theirs),
                        "difference": round(difference, 6),
                        "note": "",
                    }
                )
    columns = ["unit_key", "unit_name", "quantity", "aggregated", "published", "difference", "note"]
    return (
        pd.DataFrame(rows, columns=columns)
        .sort_values(["unit_key", "quantity"])
        .reset_index(drop=True)
    )


def size_class_table(municipalities: pd.DataFrame, level: str = "units") -> pd.DataFrame:
    """Number of administrative units (or Gemeinden) and population per size class.

    Parameters
    ----------
    municipalities
        Municipality model of one district (:mod:`ikzlib.municipalities`).
    level
        ``"units"`` (default): population summed per administrative unit
        (:func:`ikzlib.municipalities.administrative_units`: a Verbandsgemeinde, Samtgemeinde
        or Amt is one unit), the level case studies and interviews work at; ``"gemeinden"``:
        each Gemeinde on its own (:data:`LEVELS`).

    Returns
    -------
    pandas.DataFrame
        All classes, also empty ones: ``size_class`` (ordered labels of
        :data:`ikzlib.municipalities.SIZE_CLASS_LABELS`), ``n`` (units or Gemeinden),
        ``population``, ``share_n`` and ``share_population`` (fractions of the district
        totals).

    Raises
    ------
    ParameterError
        When ``level`` is not one of :data:`LEVELS`.
    """
    if level not in LEVELS:
        raise ParameterError(f"level={level!r}: choose one of {', '.join(LEVELS)}")
    frame = administrative_units(municipalities) if level == "units" else municipalities
    population = frame["population"].astype("int64")
    table = (
        pd.DataFrame({"size_class": size_class(population), "population": population})
        .groupby("size_class", observed=False)
        .agg(n=("population", "size"), population=("population", "sum"))
        .reindex(SIZE_CLASS_LABELS, fill_value=0)
        .rename_axis("size_class")
        .reset_index()
    )
    table["share_n"] = table["n"] / len(frame)
    table["share_population"] = table["population"] / population.sum()
    return table


def units_side_by_side(computed: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Aggregated and published unit figures next to each other, with a total row.

    Returns
    -------
    pandas.DataFrame
        ``unit_key``, ``unit_name`` (aggregated name, else published), ``unit_type``,
        ``n_municipalities``, ``population`` / ``population_published`` and ``area_km2`` /
        ``area_km2_published``; the last row (``unit_key`` ``"total"``) sums each column.
    """
    merged = computed.merge(published, on="unit_key", how="outer", suffixes=("", "_published"))
    merged["unit_name"] = merged["unit_name"].fillna(merged["unit_name_published"])
    merged["unit_type"] = merged["unit_type"].fillna(merged["unit_type_published"])
    columns = [
        "unit_key",
        "unit_name",
        "unit_type",
        "n_municipalities",
        "population",
        "population_published",
        "area_km2",
        "area_km2_published",
    ]
    table = merged[columns].sort_values("unit_key").reset_index(drop=True)
    numbers = columns[3:]
    total = {"unit_key": "total", "unit_name": "district", "unit_type": ""}
    total.update({c: table[c].sum(min_count=1) for c in numbers})
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    for column in ("n_municipalities", "population", "population_published"):
        table[column] = table[column].astype("Int64")
    for column in ("area_km2", "area_km2_published"):
        table[column] = table[column].astype("float64").round(2)
    return table


DEMOGRAPHY_COLUMNS = [
    "statement_id",
    "quantity",
    "start_year",
    "end_year",
    "value",
    "unit",
    "approximate",
    "source",
    "note",
]


def read_demography(path: str | Path) -> pd.DataFrame:
    """Read the demographic statements a study makes (``demography_fallstudie.csv``).

    Each row is one published statement: a population figure (``quantity`` ``population``,
    ``unit`` ``persons``, ``start_year`` = ``end_year``) or a change between two years
    (``quantity`` ``change``, ``unit`` ``percent``), with ``approximate`` ``true`` when the
    source says "about", and the source and a note.
    """
    frame = read_csv_strict(path, DEMOGRAPHY_COLUMNS)
    require_values(frame, [c for c in DEMOGRAPHY_COLUMNS if c != "note"], path)
    check_unique(frame, "statement_id", path)
    check_vocabulary(frame, "quantity", ["population", "change"], path)
    check_vocabulary(frame, "unit", ["persons", "percent"], path)
    check_vocabulary(frame, "approximate", ["true", "false"], path)
    for _, row in frame.iterrows():
        expected = "persons" if row["quantity"] == "population" else "percent"
        if row["unit"] != expected:
            raise DataValidationError(
                path,
                f"a {row['quantity']} must be given in {expected}",
                row=int(row[LINE]),
                element="unit",
            )
    frame["start_year"] = to_number(frame, "start_year", path, integer=True, minimum=1800)
    frame["end_year"] = to_number(frame, "end_year", path, integer=True, minimum=1800)
    frame["value"] = to_number(frame, "value", path)
    frame["approximate"] = frame["approximate"].eq("true")
    return frame[DEMOGRAPHY_COLUMNS].reset_index(drop=True)


def demography_series(statements: pd.DataFrame) -> pd.DataFrame:
    """Population by year: the stated figures plus the years implied by stated changes.

    A change of ``p`` percent from year ``a`` to ``b`` turns a known population in ``b`` into
    ``P_b / (1 + p/100)`` for ``a`` and a known population in ``a`` into ``P_a (1 + p/100)``
    for ``b``. Derived values are flagged (``kind`` ``derived``; ``projected`` when the end
    year lies after the latest stated figure) and inherit ``approximate`` from the change.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``population``, ``kind`` (``stated``, ``derived`` or ``projected``),
        ``approximate``, ``basis`` (statement ids used), sorted by year.
    """
    known = {}
    for _, row in statements[statements["quantity"].eq("population")].iterrows():
        known[int(row["end_year"])] = {
            "year": int(row["end_year"]),
            "population": float(row["value"]),
            "kind": "stated",
            "approximate": bool(row["approximate"]),
            "basis": row["statement_id"],
        }
    latest_stated = max(known) if known else None
    changes = statements[statements["quantity"].eq("change")]
    progress = True
    while progress:  # chains of changes: apply until nothing new can be derived
        progress = False
        for _, row in changes.iterrows():
            start, end, factor = (
                int(row["start_year"]),
                int(row["end_year"]),
                1 + row["value"] / 100,
            )
            if end in known and start not in known:
                base, year, population = known[end], start, known[end]["population"] / factor
            elif start in known and end not in known:
                base, year, population = known[start], end, known[start]["population"] * factor
            else:
                continue
            kind = "projected" if latest_stated is not None and year > latest_stated else "derived"
            known[year] = {
                "year": year,
                "population": population,
                "kind": kind,
                "approximate": bool(row["approximate"]) or base["approximate"],
                "basis": f"{base['basis']}; {row['statement_id']}",
            }
            progress = True
    columns = ["year", "population", "kind", "approximate", "basis"]
    return pd.DataFrame(sorted(known.values(), key=lambda r: r["year"]), columns=columns)
