"""Municipal structure of a district: published unit tables and their cross-check.

A published table (such as Table 1 of the Harz case study) lists administrative units with
population and area. :func:`compare_units` sets it against the units aggregated from the
Gemeinde-level data and lists every cell where the two sources disagree.

Published-unit CSV layout (``data/raw/<district>/table1_fallstudie.csv``): ``unit_key``
(ARS digits 1-9), ``unit_name`` and ``unit_type`` as printed, ``population``, ``area_km2``,
``population_date`` (ISO) and ``source`` (document, table, page).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ikzlib.tables import check_pattern, check_unique, read_csv_strict, require_values, to_number

PUBLISHED_COLUMNS = ["unit_key", "unit_name", "unit_type", "population", "area_km2",
                     "population_date", "source"]


def read_published_units(path: str | Path) -> pd.DataFrame:
    """Read and validate a published administrative-unit table."""
    frame = read_csv_strict(path, PUBLISHED_COLUMNS)
    require_values(frame, ["unit_key", "unit_name", "unit_type", "population_date", "source"], path)
    check_pattern(frame, "unit_key", r"\d{9}", path, "a 9-digit unit key (ARS digits 1-9)")
    check_unique(frame, "unit_key", path)
    frame["population"] = to_number(frame, "population", path, integer=True, minimum=0,
                                    allow_missing=True)
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
    merged = computed.merge(published, on="unit_key", how="outer", suffixes=("", "_pub"),
                            indicator=True)
    rows = []
    for _, row in merged.iterrows():
        name = row["unit_name"] if isinstance(row["unit_name"], str) else row["unit_name_pub"]
        if row["_merge"] != "both":
            only = "aggregated data" if row["_merge"] == "left_only" else "published table"
            rows.append({"unit_key": row["unit_key"], "unit_name": name, "quantity": "presence",
                         "aggregated": np.nan, "published": np.nan, "difference": np.nan,
                         "note": f"only in the {only}"})
            continue
        for quantity, tolerance in (("population", 0), ("area_km2", area_tolerance)):
            ours, theirs = row[quantity], row[f"{quantity}_pub"]
            if pd.isna(theirs):
                continue
            difference = float(ours) - float(theirs)
            if abs(difference) > tolerance:
                rows.append({"unit_key": row["unit_key"], "unit_name": name,
                             "quantity": quantity, "aggregated": float(ours),
                             "published": float(theirs), "difference": round(difference, 6),
                             "note": ""})
    columns = ["unit_key", "unit_name", "quantity", "aggregated", "published", "difference",
               "note"]
    return pd.DataFrame(rows, columns=columns).sort_values(["unit_key", "quantity"]).reset_index(
        drop=True
    )
