"""Study ``atlas`` (notebook ``91_atlas``): the municipal structure of every German district.

Where does one district stand among all 400 Kreise and kreisfreie Städte? :func:`run` computes
six structure indicators per Kreis from the embedded nationwide extract
(:mod:`ikzlib.germany`, Destatis Auszug GV 31.12.2021 and BKG VG5000 2021; no download, no
reference folder), their distributions, the Kreis polygons for choropleth maps, and, for a
chosen district, a "how typical is it" panel: its percentile on each indicator within its
group and the most similar districts by a stated distance.

Indicators (one value per Kreis, :data:`INDICATORS`):

=====================  ======================================================================
``n_municipalities``   inhabited Gemeinden (uninhabited gemeindefreie Gebiete are no
                       municipalities)
``n_units``            administrative units: distinct ARS digits 1-9 of the inhabited
                       Gemeinden (:func:`ikzlib.municipalities.administrative_units`)
``median_population``  median Gemeinde population
``share_pop_small``    share of the population living in Gemeinden under
                       :data:`ikzlib.destatis.SMALL_MUNICIPALITY_LIMIT` inhabitants
``share_in_verband``   share of the inhabited Gemeinden that belong to a Gemeindeverband
                       (Verbandsgemeinde, Samtgemeinde, Amt, Verwaltungsgemeinschaft, ...),
                       i.e. are not verbandsfrei
``density``            inhabitants per km² of the *Kreis area* (all its Gemeinden including
                       uninhabited gemeindefreie Gebiete, as Destatis states a Kreis's
                       density); notebook 01 divides by the area of the inhabited Gemeinden
                       only, so the two differ where a Kreis has gemeindefreie Gebiete
=====================  ======================================================================

Groups. A kreisfreie Stadt (or Stadtkreis) is a single Gemeinde: its count indicators are 1,
its shares 0, its median Gemeinde is the city. Distributions are therefore shown for the two
groups separately (:data:`KREIS_GROUP`: Landkreise, Kreise and the Regionalverband
Saarbrücken; :data:`CITY_GROUP`: kreisfreie Städte and Stadtkreise), and a district is placed
within its own group.

Percentile. Mid-rank percentile within the group: 100 × (districts with a smaller value + ½ ×
districts with an equal value, the district itself included) / group size, so the median
district is at 50 and ties share one percentile. Indicators that are constant in the group
(e.g. the Gemeinde count among kreisfreie Städte) get no percentile.

Similarity. Euclidean distance between districts of the same group on standardised
indicators: the count, size and density indicators are log10-transformed (they are strongly
right-skewed), the two shares are used as they are, and every indicator is then standardised
to mean 0 and standard deviation 1 over the group (population SD). A distance of 1 is one
standard deviation on one indicator. Indicators constant in the group are left out.

Examples
--------
>>> from ikzlib.studies import atlas
>>> study = atlas.run("harz")  # doctest: +SKIP
>>> study.key_figures["national_share_under_10k"].text()  # doctest: +SKIP
'85.2 %'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ikzlib import destatis, germany
from ikzlib.catalog import District, all_districts, resolve
from ikzlib.errors import ParameterError
from ikzlib.keyfigures import KeyFigure, KeyFigures, Kind, Reported, Section
from ikzlib.municipalities import VERBANDSFREI, administrative_units
from ikzlib.studies.base import Study, check_choice, check_number

SMALL = destatis.SMALL_MUNICIPALITY_LIMIT
KREIS_GROUP = "Landkreis/Kreis"
CITY_GROUP = "kreisfreie Stadt"
GROUP_LABELS = {
    KREIS_GROUP: "Landkreise and Kreise",
    CITY_GROUP: "kreisfreie Städte",
}


@dataclass(frozen=True)
class Indicator:
    """One structure indicator: label, unit, decimals, whether it is log-transformed for the
    distance (and drawn on a log scale), and whether it says anything about a kreisfreie
    Stadt (a single Gemeinde)."""

    name: str
    label: str
    unit: str = ""
    decimals: int = 0
    log: bool = False
    percent: bool = False
    for_cities: bool = False


INDICATOR_SPECS = (
    Indicator("n_municipalities", "inhabited Gemeinden", log=True),
    Indicator("n_units", "administrative units", log=True),
    Indicator("median_population", "median Gemeinde population", "inhabitants", log=True),
    Indicator(
        "share_pop_small",
        f"population share in Gemeinden under {SMALL:,}",
        decimals=1,
        percent=True,
    ),
    Indicator(
        "share_in_verband", "share of Gemeinden in a Gemeindeverband", decimals=1, percent=True
    ),
    Indicator("density", "population density", "inhabitants/km²", log=True, for_cities=True),
)
INDICATORS = tuple(spec.name for spec in INDICATOR_SPECS)
SPECS = {spec.name: spec for spec in INDICATOR_SPECS}
MIDDLE = (25.0, 75.0)  # percentiles bounding the middle half of a group
OUTER = (10.0, 90.0)  # percentiles beyond which a district is in the outer tenth

_GERMANY_DIR = "embedded extract, data/raw/germany"
_EXTRACT = f"Destatis GV-ISys Auszug GV 31.12.2021, {_GERMANY_DIR}"
_COUNTED = f"{_EXTRACT}; counted over the Gemeinde records"
_KREISE = f"{_EXTRACT}; Kreis records"
_DERIVED = f"derived from the {_EXTRACT}"
_PERCENTILE = f"mid-rank percentile among the district's group; {_DERIVED}"
_SIMILAR = (
    "Euclidean distance on standardised indicators (log10 of counts, sizes and density; "
    f"shares as they are) within the district's group; {_DERIVED}"
)


def _median_figure(spec: Indicator) -> KeyFigure:
    return KeyFigure(
        f"median_{spec.name}",
        f"median Landkreis/Kreis: {spec.label}",
        "" if spec.percent else spec.unit,
        spec.decimals,
        Kind.DERIVED,
        f"median over the Landkreise and Kreise; {_DERIVED}",
        percent=spec.percent,
    )


def _percentile_figure(spec: Indicator) -> KeyFigure:
    return KeyFigure(
        f"percentile_{spec.name}",
        f"district's percentile: {spec.label}",
        "percentile",
        0,
        Kind.DERIVED,
        _PERCENTILE,
    )


SECTION = Section(
    "atlas",
    "Nationwide atlas",
    (
        KeyFigure(
            "national_n_gemeinden",
            "Germany: Gemeinde records (incl. uninhabited areas)",
            kind=Kind.OFFICIAL,
            source=_COUNTED,
        ),
        KeyFigure(
            "national_n_inhabited",
            "Germany: inhabited Gemeinden",
            kind=Kind.OFFICIAL,
            source=_COUNTED,
            headline=True,
        ),
        KeyFigure(
            "national_n_under_10k",
            "Germany: inhabited Gemeinden under 10,000",
            kind=Kind.DERIVED,
            source=_DERIVED,
        ),
        KeyFigure(
            "national_share_under_10k",
            "Germany: share of inhabited Gemeinden under 10,000",
            decimals=1,
            kind=Kind.DERIVED,
            source=_DERIVED,
            percent=True,
            headline=True,
        ),
        KeyFigure(
            "national_share_pop_under_10k",
            "Germany: population share in Gemeinden under 10,000",
            decimals=1,
            kind=Kind.DERIVED,
            source=_DERIVED,
            percent=True,
        ),
        KeyFigure("n_kreise", "Kreise and kreisfreie Städte", kind=Kind.OFFICIAL, source=_KREISE),
        KeyFigure(
            "n_landkreise",
            "Landkreise and Kreise (incl. Regionalverband)",
            kind=Kind.OFFICIAL,
            source=_KREISE,
        ),
        KeyFigure(
            "n_kreisfrei", "kreisfreie Städte and Stadtkreise", kind=Kind.OFFICIAL, source=_KREISE
        ),
        *(_median_figure(spec) for spec in INDICATOR_SPECS),
        KeyFigure(
            "district",
            "district compared",
            decimals=None,
            kind=Kind.OFFICIAL,
            source=_KREISE,
            headline=True,
        ),
        *(_percentile_figure(spec) for spec in INDICATOR_SPECS),
        KeyFigure(
            "n_middle_half",
            "indicators on which the district lies in the middle half of its group",
            kind=Kind.DERIVED,
            source=_PERCENTILE,
            headline=True,
        ),
        KeyFigure(
            "n_outer_tenth",
            "indicators on which the district lies in the outer tenth of its group",
            kind=Kind.DERIVED,
            source=_PERCENTILE,
        ),
        KeyFigure(
            "most_similar",
            "most similar district",
            decimals=None,
            kind=Kind.DERIVED,
            source=_SIMILAR,
        ),
        KeyFigure(
            "most_similar_distance",
            "distance to the most similar district",
            "SD units",
            2,
            Kind.DERIVED,
            _SIMILAR,
        ),
    ),
    order=90,
    notebook="91_atlas",
)

TABLE_COLUMNS = [
    "kreis_key",
    "key",
    "district",
    "type",
    "group",
    "land_name",
    "population",
    "area_km2",
    *INDICATORS,
]


@dataclass(frozen=True, kw_only=True, eq=False)
class AtlasStudy(Study):
    """Result of :func:`run`: every district's structure indicators and one district's place.

    Attributes
    ----------
    district
        The district compared (``None``: the nationwide part only).
    indicators
        The indicators of the similarity distance, in :data:`INDICATORS` order.
    table
        One row per Kreis record (400): ``kreis_key``, catalog ``key``, display name
        ``district``, official ``type``, ``group`` (:data:`KREIS_GROUP` or
        :data:`CITY_GROUP`), ``land_name``, ``population``, ``area_km2`` and the indicators;
        sorted by Kreis key.
    distributions
        Per group and indicator: ``n``, ``min``, ``q1``, ``median``, ``q3``, ``max``.
    by_land
        Per Land: number of Landkreise/Kreise and kreisfreie Städte and the median of each
        indicator over its Landkreise/Kreise (missing where a Land has none).
    national
        Nationwide Gemeinde counts and small-Gemeinde shares
        (:func:`ikzlib.destatis.national_small_municipality_share`).
    polygons
        BKG VG5000 Kreis polygons (EPSG:31467) joined to :attr:`table` by ``kreis_key``.
    lands
        BKG VG5000 Land polygons (land areas only, GF 9), for the Land borders.
    group
        The district's group (``None`` without a district).
    position
        Per indicator: the district's ``value``, the group's ``q1``, ``median``, ``q3`` and
        ``land_median`` (over the group's districts in the same Land), ``percentile``,
        ``rank`` (1 = largest value), ``n`` (group size), ``band`` (``below``, ``middle
        half``, ``above``, ``constant``) and ``outer_tenth`` (below the 10th or above the 90th
        percentile); ``None`` without a district.
    similar
        The ``n_similar`` most similar districts of the same group (the district itself
        excluded), nearest first: ``rank``, ``kreis_key``, ``key``, ``district``,
        ``land_name``, ``distance`` and the indicators; ``None`` without a district.
    scaling
        How each indicator enters the distance: ``transform`` (``log10`` or ``none``),
        group ``mean`` and ``sd`` of the transformed values, ``used``.
    findings
        Sentences answering "how typical is this district", generated from the data.
    source, stichtag
        The Destatis publication behind the extract (as its records state it) and its
        Gebietsstand (``DD.MM.YYYY``).
    """

    district: District | None = None
    indicators: tuple[str, ...] = INDICATORS
    table: pd.DataFrame
    distributions: pd.DataFrame
    by_land: pd.DataFrame
    national: dict[str, float | int]
    polygons: gpd.GeoDataFrame
    lands: gpd.GeoDataFrame
    group: str | None = None
    position: pd.DataFrame | None = None
    similar: pd.DataFrame | None = None
    scaling: pd.DataFrame | None = None
    findings: tuple[str, ...] = ()
    source: str = ""
    stichtag: str = ""

    @property
    def row(self) -> pd.Series | None:
        """The district's row of :attr:`table` (``None`` without a district)."""
        if self.district is None:
            return None
        return self.table.set_index("kreis_key").loc[self.district.kreis_key]

    def group_table(self, group: str) -> pd.DataFrame:
        """The rows of :attr:`table` in ``group``."""
        return self.table[self.table["group"].eq(group)]

    def view(self, name: str) -> pd.DataFrame | None:
        """The table ``name`` as displayed: shares in percent, values rounded as declared.

        ``name`` is one of :data:`VIEWS` (``table``, ``distributions``, ``by_land``,
        ``position``, ``similar``, ``scaling``); ``None`` where the table is ``None``.
        """
        check_choice("name", name, VIEWS)
        frame = getattr(self, name)
        if frame is None:
            return None
        if "indicator" in frame.columns and name != "scaling":
            return _long_view(frame)
        return _wide_view(frame)


VIEWS = ("table", "distributions", "by_land", "position", "similar", "scaling")
_VALUE_COLUMNS = ("value", "min", "q1", "median", "q3", "max", "land_median")


def _wide_view(frame: pd.DataFrame) -> pd.DataFrame:
    """One column per indicator: shares as percent, every indicator rounded as declared."""
    view = frame.copy()
    for spec in INDICATOR_SPECS:
        if spec.name in view.columns:
            scale = 100 if spec.percent else 1
            view[spec.name] = (scale * view[spec.name].astype("float64")).round(spec.decimals)
    for column in ("distance", "mean", "sd"):
        if column in view.columns:
            view[column] = view[column].round(3 if column != "distance" else 2)
    return view


def _long_view(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator: value columns in percent for shares, rounded as declared."""
    view = frame.copy()
    for column in _VALUE_COLUMNS:
        if column not in view.columns:
            continue
        view[column] = [
            round(float(v) * (100 if SPECS[n].percent else 1), SPECS[n].decimals)
            for n, v in zip(view["indicator"], view[column], strict=True)
        ]
    if "percentile" in view.columns:
        view["percentile"] = view["percentile"].round(0)
    view["label"] = [
        SPECS[n].label + (" (%)" if SPECS[n].percent else "") for n in view["indicator"]
    ]
    return view.drop(columns="indicator").set_index("label")


# --- run ------------------------------------------------------------------------------------


def run(
    district: str | District | None = "harz",
    *,
    n_similar: int = 5,
    indicators: Sequence[str] | str | None = None,
) -> AtlasStudy:
    """Compute the nationwide atlas and, for ``district``, how typical it is.

    Parameters
    ----------
    district
        Catalog key, Kreis key, unambiguous name or resolved
        :class:`~ikzlib.catalog.District`; ``None`` computes the nationwide part only.
    n_similar
        Number of most similar districts to list (1-50).
    indicators
        Indicators of the similarity distance (names from :data:`INDICATORS`); ``None``: all.

    Returns
    -------
    AtlasStudy
        Tables, map inputs, key figures, findings and notes; draws and writes nothing.

    Raises
    ------
    ParameterError
        For an unknown indicator, an empty or repeated indicator list, or ``n_similar``
        outside 1-50.
    UnknownDistrictError
        For a district the catalog does not know (:func:`ikzlib.catalog.resolve`).
    """
    chosen = _check_indicators(indicators)
    n_similar = int(check_number("n_similar", n_similar, minimum=1, maximum=50, integer=True))
    resolved = resolve(district) if district is not None else None
    municipalities = germany.municipalities()
    kreise = germany.kreise()
    records = destatis.units_from_extract(municipalities, kreise)
    table = indicator_table(municipalities, kreise, records)
    polygons, polygon_notes = kreis_polygons(table, municipalities)
    study = AtlasStudy(
        district=resolved,
        key_figures=KeyFigures(SECTION),
        indicators=chosen,
        table=table,
        distributions=distributions(table),
        by_land=land_table(table),
        national=destatis.national_small_municipality_share(records, SMALL),
        polygons=polygons,
        lands=land_polygons(),
        source="; ".join(sorted(set(kreise["source"]))),
        stichtag=_german_date(kreise["territorial_date"]),
        **_district_part(table, resolved, chosen, n_similar),
    )
    notes = (*_general_notes(study, municipalities), *polygon_notes, *_group_notes(study))
    findings = _findings(study)
    return _finish(study, findings, notes)


def _finish(study: AtlasStudy, findings: tuple[str, ...], notes: tuple[str, ...]) -> AtlasStudy:
    """``study`` with its findings, notes and key figures filled in."""
    done = replace(study, findings=findings, notes=notes)
    return replace(done, key_figures=_key_figures(done))


def _german_date(dates: pd.Series) -> str:
    """The ISO date(s) of a column as ``DD.MM.YYYY``, ``"; "``-joined when several."""
    return "; ".join(".".join(reversed(iso.split("-"))) for iso in sorted(set(dates.dropna())))


def _check_indicators(indicators: Sequence[str] | str | None) -> tuple[str, ...]:
    """The chosen indicators in :data:`INDICATORS` order; :class:`ParameterError` if invalid."""
    if indicators is None:
        return INDICATORS
    names = [indicators] if isinstance(indicators, str) else list(indicators)
    if not names:
        raise ParameterError("parameter indicators: name at least one indicator (or None: all)")
    for name in names:
        check_choice("indicators", name, INDICATORS)
    if len(set(names)) != len(names):
        raise ParameterError(f"parameter indicators={names!r}: an indicator is named twice")
    return tuple(name for name in INDICATORS if name in names)


# --- the indicator table ----------------------------------------------------------------------


def indicator_table(
    municipalities: pd.DataFrame, kreise: pd.DataFrame, records: pd.DataFrame
) -> pd.DataFrame:
    """The structure indicators of every Kreis record (see the module docstring).

    Parameters
    ----------
    municipalities, kreise
        :func:`ikzlib.germany.municipalities` and :func:`ikzlib.germany.kreise`.
    records
        The same extract as Auszug GV records (:func:`ikzlib.destatis.units_from_extract`),
        for :func:`ikzlib.destatis.kreis_comparison`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TABLE_COLUMNS`, one row per Kreis record, sorted by Kreis key.
    """
    inhabited = municipalities[municipalities["inhabited"]]
    sizes = destatis.kreis_comparison(records, SMALL).set_index("kreis_key")
    units = administrative_units(inhabited)
    in_verband = inhabited["gemeindeverband_type"].ne(VERBANDSFREI)
    keys = kreise["kreis_key"]
    catalog = _catalog()
    frame = pd.DataFrame(
        {
            "kreis_key": keys,
            "key": keys.map({k: d.key for k, d in catalog.items()}).fillna(keys),
            "district": keys.map({k: d.name for k, d in catalog.items()}),
            "type": kreise["type"],
            "group": np.where(kreise["kreisfrei"], CITY_GROUP, KREIS_GROUP),
            "land_name": kreise["land_name"],
            "population": kreise["population"].astype("int64"),
            "area_km2": kreise["area_km2"].astype("float64"),
            "n_municipalities": keys.map(sizes["n_municipalities"]),
            "n_units": keys.map(units.groupby(units["unit_key"].str[:5]).size()),
            "median_population": keys.map(sizes["median_population"]),
            "share_pop_small": keys.map(sizes["share_pop_small"]),
            "share_in_verband": keys.map(in_verband.groupby(inhabited["kreis_key"]).mean()),
        }
    )
    frame["density"] = frame["population"] / frame["area_km2"]
    for column in ("n_municipalities", "n_units"):
        frame[column] = frame[column].astype("Int64")
    return frame.sort_values("kreis_key", kind="stable").reset_index(drop=True)[TABLE_COLUMNS]


def _catalog() -> dict[str, District]:
    """Every district of the catalog by Kreis key (curated ones under their readable key)."""
    return {d.kreis_key: d for d in all_districts()}


def distributions(table: pd.DataFrame) -> pd.DataFrame:
    """Five-number summary of every indicator per group (rows: group, indicator)."""
    rows = []
    for group in (KREIS_GROUP, CITY_GROUP):
        values = table[table["group"].eq(group)]
        for name in INDICATORS:
            series = values[name].astype("float64").dropna()
            quartiles = series.quantile([0.25, 0.5, 0.75])
            rows.append(
                {
                    "group": group,
                    "indicator": name,
                    "label": SPECS[name].label,
                    "n": len(series),
                    "min": series.min(),
                    "q1": quartiles[0.25],
                    "median": quartiles[0.5],
                    "q3": quartiles[0.75],
                    "max": series.max(),
                }
            )
    return pd.DataFrame(rows)


def land_table(table: pd.DataFrame) -> pd.DataFrame:
    """Per Land: counts of both groups and the median indicators of its Landkreise/Kreise."""
    counts = pd.crosstab(table["land_name"], table["group"]).reindex(
        columns=[KREIS_GROUP, CITY_GROUP], fill_value=0
    )
    counts.columns = ["n_landkreise", "n_kreisfrei"]
    kreise = table[table["group"].eq(KREIS_GROUP)]
    medians = kreise[list(INDICATORS)].astype("float64").groupby(kreise["land_name"]).median()
    order = table.drop_duplicates("land_name")["land_name"]  # Land key order
    return counts.join(medians).reindex(order).reset_index()


# --- geometry ---------------------------------------------------------------------------------


def kreis_polygons(
    table: pd.DataFrame, municipalities: pd.DataFrame
) -> tuple[gpd.GeoDataFrame, tuple[str, ...]]:
    """The VG5000 Kreis polygons joined to ``table``, and notes on keys that differ.

    A polygon whose Kreis key has no Kreis record in the Gemeindeverzeichnis (a Kreis
    dissolved between the two Stichtage, e.g. the kreisfreie Stadt Eisenach, part of the
    Wartburgkreis since 1 July 2021) is merged into the Kreis that holds the Gemeinde of the
    same name in the same Land; without such a Gemeinde it is kept with missing values.
    """
    layer = germany.boundaries("KRS")[["AGS", "GEN", "geometry"]].copy()
    known = set(table["kreis_key"])
    notes = []
    target = layer["AGS"].copy()
    for index, row in layer[~layer["AGS"].isin(known)].iterrows():
        match = _successor(row["AGS"], row["GEN"], municipalities, known)
        if match is None:
            notes.append(f"Kreis polygon {row['AGS']} {row['GEN']} has no Kreis record: no data.")
            continue
        target[index] = match
        notes.append(
            f"The BKG VG5000 polygon {row['AGS']} ({row['GEN']}) has no Kreis record on "
            f"31.12.2021; it is drawn as part of Kreis {match}, which holds the Gemeinde "
            f"{row['GEN']}."
        )
    layer["kreis_key"] = target
    merged = layer.dissolve("kreis_key", as_index=False, sort=True)[["kreis_key", "geometry"]]
    polygons = merged.merge(table, on="kreis_key", how="left")
    missing = sorted(known - set(polygons["kreis_key"]))
    if missing:
        notes.append(f"Kreise without a VG5000 polygon (not on the maps): {', '.join(missing)}.")
    return gpd.GeoDataFrame(polygons, geometry="geometry", crs=layer.crs), tuple(notes)


def _successor(
    kreis_key: str, name: str, municipalities: pd.DataFrame, known: set[str]
) -> str | None:
    """The Kreis now holding the Gemeinde called ``name`` in the same Land, if exactly one."""
    base = municipalities["name"].str.split(",").str[0].str.strip()
    hits = municipalities[
        base.eq(name)
        & municipalities["land_key"].eq(kreis_key[:2])
        & municipalities["kreis_key"].isin(known)
    ]
    keys = sorted(set(hits["kreis_key"]))
    return keys[0] if len(keys) == 1 else None


def land_polygons() -> gpd.GeoDataFrame:
    """The Länder of VG5000 (land areas, GF 9), one row per Land."""
    layer = germany.boundaries("LAN")
    land = layer[layer["GF"].astype(str).eq("9")]
    return land.dissolve("ARS", as_index=False, sort=True)[["ARS", "GEN", "geometry"]]


# --- one district's place -----------------------------------------------------------------------


def _district_part(
    table: pd.DataFrame, district: District | None, indicators: tuple[str, ...], n_similar: int
) -> dict[str, Any]:
    """Group, position, similar districts and scaling of ``district`` (empty without one)."""
    if district is None:
        return {}
    row = table.set_index("kreis_key").loc[district.kreis_key]
    group = table[table["group"].eq(row["group"])]
    scaling = scaling_table(group, indicators)
    return {
        "group": row["group"],
        "position": position_table(group, district.kreis_key, row["land_name"]),
        "similar": similar_districts(group, district.kreis_key, scaling, n_similar),
        "scaling": scaling,
    }


def percentile(values: pd.Series, value: float) -> float:
    """Mid-rank percentile of ``value`` among ``values`` (which include it), 0-100.

    Examples
    --------
    >>> percentile(pd.Series([1, 2, 3, 4]), 3)
    62.5
    """
    below = float((values < value).sum())
    equal = float((values == value).sum())
    return 100.0 * (below + 0.5 * equal) / len(values)


def position_table(group: pd.DataFrame, kreis_key: str, land_name: str) -> pd.DataFrame:
    """Where the Kreis ``kreis_key`` stands on every indicator within ``group``."""
    own = group.set_index("kreis_key").loc[kreis_key]
    in_land = group[group["land_name"].eq(land_name)]
    rows = []
    for name in INDICATORS:
        values = group[name].astype("float64")
        value = float(own[name])
        constant = values.nunique() <= 1
        share = np.nan if constant else percentile(values, value)
        rows.append(
            {
                "indicator": name,
                "label": SPECS[name].label,
                "value": value,
                "q1": values.quantile(0.25),
                "median": values.median(),
                "q3": values.quantile(0.75),
                "land_median": in_land[name].astype("float64").median(),
                "percentile": share,
                "rank": int((values > value).sum()) + 1,
                "n": len(values),
                "band": _band(share),
                "outer_tenth": _outer(share),
            }
        )
    return pd.DataFrame(rows)


def _band(share: float) -> str:
    """``below``, ``middle half`` or ``above`` (``constant`` for no percentile).

    Judged on the percentile rounded to a whole number, as it is printed.
    """
    if np.isnan(share):
        return "constant"
    if round(share) < MIDDLE[0]:
        return "below"
    if round(share) > MIDDLE[1]:
        return "above"
    return "middle half"


def _outer(share: float) -> bool:
    """Whether a (rounded) percentile lies below the 10th or above the 90th."""
    return not np.isnan(share) and (round(share) < OUTER[0] or round(share) > OUTER[1])


def transformed(frame: pd.DataFrame, indicators: Sequence[str]) -> pd.DataFrame:
    """The indicators as they enter the distance: log10 where :attr:`Indicator.log`."""
    out = frame[list(indicators)].astype("float64")
    for name in indicators:
        if SPECS[name].log:
            out[name] = np.log10(out[name])
    return out


def scaling_table(group: pd.DataFrame, indicators: Sequence[str]) -> pd.DataFrame:
    """Transform, group mean and SD of each indicator, and whether the distance uses it."""
    values = transformed(group, INDICATORS)
    sd = values.std(ddof=0)
    return pd.DataFrame(
        {
            "indicator": list(INDICATORS),
            "transform": ["log10" if SPECS[n].log else "none" for n in INDICATORS],
            "mean": values.mean().to_numpy(),
            "sd": sd.to_numpy(),
            "used": [n in indicators and sd[n] > 0 for n in INDICATORS],
        }
    )


def similar_districts(
    group: pd.DataFrame, kreis_key: str, scaling: pd.DataFrame, n_similar: int
) -> pd.DataFrame:
    """The ``n_similar`` districts of ``group`` nearest to ``kreis_key`` (itself excluded)."""
    used = scaling[scaling["used"]].set_index("indicator")
    others = group[group["kreis_key"].ne(kreis_key)].copy()
    if used.empty:
        others["distance"] = np.nan
    else:
        names = list(used.index)
        scaled = (transformed(group, names) - used["mean"]) / used["sd"]
        scaled.index = group["kreis_key"]
        gap = scaled.drop(index=kreis_key) - scaled.loc[kreis_key]
        others["distance"] = np.sqrt((gap**2).sum(axis=1)).to_numpy()
    nearest = others.sort_values(["distance", "kreis_key"], kind="stable").head(n_similar)
    nearest.insert(0, "rank", range(1, len(nearest) + 1))
    columns = ["rank", "kreis_key", "key", "district", "land_name", "distance", *INDICATORS]
    return nearest[columns].reset_index(drop=True)


# --- notes and findings ---------------------------------------------------------------------------


def _general_notes(study: AtlasStudy, municipalities: pd.DataFrame) -> tuple[str, ...]:
    """Caveats about the data behind every district's indicators."""
    table = study.table
    inhabited_area = (
        municipalities[municipalities["inhabited"]].groupby("kreis_key")["area_km2"].sum()
    )
    differs = (table["area_km2"] - table["kreis_key"].map(inhabited_area)).abs() > 0.005
    cities = table[table["group"].eq(CITY_GROUP)]
    uninhabited = int((~municipalities["inhabited"]).sum())
    return (
        f"{len(table)} Kreis records: {len(table) - len(cities)} Landkreise/Kreise and "
        f"{len(cities)} kreisfreie Städte/Stadtkreise; {uninhabited} uninhabited "
        "gemeindefreie Gebiete are not counted as Gemeinden.",
        f"Density is population per km² of the Kreis area (all its Gemeinden including "
        f"uninhabited gemeindefreie Gebiete). In {int(differs.sum())} Kreise this area is "
        "larger than that of the inhabited Gemeinden, which notebook 01 uses.",
    )


def _group_notes(study: AtlasStudy) -> tuple[str, ...]:
    """What the comparison group of the chosen district is and which indicators it drops."""
    if study.district is None or study.scaling is None or study.group is None:
        return ()
    size = len(study.group_table(study.group))
    notes = [
        f"{study.district.name} is compared with the {size} "
        f"{GROUP_LABELS[study.group]} (its own group)."
    ]
    if study.group == CITY_GROUP:
        notes.append(
            f"{study.district.name} is a single municipality: Gemeinde counts, units and "
            "Gemeindeverband shares are the same for every kreisfreie Stadt, so only the "
            "indicators that vary among them (city size, density) place it; inter-municipal "
            "cooperation inside it is not the question."
        )
    dropped = study.scaling[
        ~study.scaling["used"] & study.scaling["indicator"].isin(study.indicators)
    ]
    if not dropped.empty:
        names = ", ".join(SPECS[n].label for n in dropped["indicator"])
        notes.append(f"Constant in the group, hence left out of the distance: {names}.")
    return tuple(notes)


def _findings(study: AtlasStudy) -> tuple[str, ...]:
    """The national small-Gemeinde share, and how typical the district is."""
    national = study.national
    lines = [
        f"Germany has {national['n_inhabited']:,} inhabited Gemeinden "
        f"({national['n_records']:,} Gemeinde records minus {national['n_uninhabited']} "
        f"uninhabited gemeindefreie Gebiete); {national['n_small']:,} of them, "
        f"{100 * national['share_small']:.1f} %, have fewer than {SMALL:,} inhabitants, and "
        f"{100 * national['share_pop_small']:.1f} % of the population lives in them."
    ]
    return (*lines, *_typicality_lines(study))


def _typicality_lines(study: AtlasStudy) -> list[str]:
    """Sentences placing the district within its group, and its nearest districts."""
    if study.position is None or study.district is None or study.group is None:
        return []
    position = study.position[study.position["band"].ne("constant")]
    name = study.district.name
    if position.empty:
        return [f"No indicator varies within the group of {name}."]
    middle = position[position["band"].eq("middle half")]
    lines = [
        f"Among the {position['n'].iloc[0]} {GROUP_LABELS[study.group]}, {name} lies in the "
        f"middle half (25th-75th percentile) on {len(middle)} of {len(position)} indicators"
        + (f" ({_listing(middle)})" if len(middle) else "")
        + ".",
    ]
    for band in ("below", "above"):
        rows = position[position["band"].eq(band)]
        if len(rows):
            lines.append(f"It lies {band} the middle half on {_listing(rows)}.")
    lines.append(_verdict(name, position, middle, position[position["outer_tenth"]]))
    if study.similar is not None and len(study.similar):
        nearest = "; ".join(
            f"{r.district}, {r.land_name}: {r.distance:.2f}" for r in study.similar.itertuples()
        )
        lines.append(f"Most similar by the stated distance (SD units): {nearest}.")
    return lines


def _listing(rows: pd.DataFrame) -> str:
    """``label value (Nth percentile)`` for each row, joined."""
    return "; ".join(
        f"{r.label} {value_text(r.indicator, r.value)} ({ordinal(r.percentile)} percentile)"
        for r in rows.itertuples()
    )


def value_text(name: str, value: float) -> str:
    """An indicator value as text with its unit (shares as percent).

    Examples
    --------
    >>> value_text("share_in_verband", 0.35)
    '35.0 %'
    >>> value_text("density", 99.35)
    '99 inhabitants/km²'
    """
    spec = SPECS[name]
    if spec.percent:
        return f"{100 * value:.{spec.decimals}f} %"
    return f"{value:,.{spec.decimals}f} {spec.unit}".rstrip()


def ordinal(number: float) -> str:
    """A percentile as an English ordinal, rounded: ``1st``, ``22nd``, ``31st``, ``74th``.

    Examples
    --------
    >>> [ordinal(x) for x in (1, 2.4, 3, 11, 12.2, 21.9, 31.5, 100)]
    ['1st', '2nd', '3rd', '11th', '12th', '22nd', '32nd', '100th']
    """
    whole = int(round(number))
    suffix = (
        "th" if whole % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(whole % 10, "th")
    )
    return f"{whole}{suffix}"


def _verdict(name: str, position: pd.DataFrame, middle: pd.DataFrame, outer: pd.DataFrame) -> str:
    """One sentence: typical on the structure indicators or not, and why."""
    count, inside = len(position), len(middle)
    if outer.empty and inside * 2 >= count:
        return (
            f"Verdict: on these {count} structure indicators {name} is a typical case of its "
            f"group (in the middle half on {inside} of {count}, in the outer tenth on none)."
        )
    if outer.empty:
        return (
            f"Verdict: {name} is typical of its group only in a broad sense: outside the middle "
            f"half on {count - inside} of {count} indicators, in the outer tenth on none."
        )
    labels = ", ".join(outer["label"])
    return (
        f"Verdict: on these structure indicators {name} is not a typical case of its group: it "
        f"lies in the outer tenth (below the 10th or above the 90th percentile) on {labels}."
    )


# --- key figures ----------------------------------------------------------------------------------


def _key_figures(study: AtlasStudy) -> KeyFigures:
    """The declared key figures (the district's figures only when a district is chosen)."""
    return KeyFigures(
        SECTION, SECTION.figures_from({**_national_figures(study), **_district_figures(study)})
    )


def _national_figures(study: AtlasStudy) -> dict[str, Any]:
    national = study.national
    kreise = study.group_table(KREIS_GROUP)
    official = partial(Reported, kind=Kind.OFFICIAL, source=f"{study.source}; {_GERMANY_DIR}")
    values: dict[str, Any] = {
        "national_n_gemeinden": official(national["n_records"]),
        "national_n_inhabited": official(national["n_inhabited"]),
        "national_n_under_10k": national["n_small"],
        "national_share_under_10k": national["share_small"],
        "national_share_pop_under_10k": national["share_pop_small"],
        "n_kreise": official(len(study.table)),
        "n_landkreise": official(len(kreise)),
        "n_kreisfrei": official(len(study.group_table(CITY_GROUP))),
    }
    for name in INDICATORS:
        values[f"median_{name}"] = float(kreise[name].astype("float64").median())
    return values


def _district_figures(study: AtlasStudy) -> dict[str, Any]:
    if study.district is None or study.position is None:
        return {}
    position = study.position.set_index("indicator")
    varying = position[position["band"].ne("constant")]
    values: dict[str, Any] = {
        "district": study.district.name,
        "n_middle_half": int(varying["band"].eq("middle half").sum()),
        "n_outer_tenth": int(varying["outer_tenth"].sum()),
    }
    for name in INDICATORS:
        share = position.loc[name, "percentile"]
        if not np.isnan(share):
            values[f"percentile_{name}"] = share
    if study.similar is not None and len(study.similar) and study.similar["distance"].notna().all():
        first = study.similar.iloc[0]
        values["most_similar"] = Reported(f"{first['district']} ({first['kreis_key']})")
        values["most_similar_distance"] = float(first["distance"])
    return values
