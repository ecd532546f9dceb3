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
from ikzlib.display import Table, TableSpec
from ikzlib.errors import ParameterError
from ikzlib.i18n import Joined, Message, Number, format_number, register, tr
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
GROUP_PHRASES = {  # a group with its size after "among"/"with" (German: dative)
    KREIS_GROUP: "the {n} Landkreise and Kreise",
    CITY_GROUP: "the {n} kreisfreie Städte",
}


@dataclass(frozen=True, kw_only=True)
class Indicator:
    """One structure indicator: label (for sentences and key figures), short title (for
    figure panels and table columns), both also in German, unit, decimals, whether it is
    log-transformed for the distance (and drawn on a log scale), and whether it says anything
    about a kreisfreie Stadt (a single Gemeinde)."""

    name: str
    label: str
    title: str
    label_de: str
    title_de: str
    unit: str = ""
    decimals: int = 0
    log: bool = False
    percent: bool = False
    for_cities: bool = False

    @property
    def column(self) -> str:
        """The title as a table column: shares marked ``(%)``."""
        return f"{self.title} (%)" if self.percent else self.title


INDICATOR_SPECS = (
    Indicator(
        name="n_municipalities",
        label="inhabited Gemeinden",
        title="Inhabited Gemeinden",
        label_de="bewohnte Gemeinden",
        title_de="Bewohnte Gemeinden",
        log=True,
    ),
    Indicator(
        name="n_units",
        label="administrative units",
        title="Administrative units",
        label_de="Verwaltungseinheiten",
        title_de="Verwaltungseinheiten",
        log=True,
    ),
    Indicator(
        name="median_population",
        label="median Gemeinde population",
        title="Median Gemeinde population",
        label_de="Median der Gemeindegröße",
        title_de="Median der Gemeindegröße",
        unit="inhabitants",
        log=True,
    ),
    Indicator(
        name="share_pop_small",
        label=f"population share in Gemeinden under {SMALL:,}",
        title=f"Population in Gemeinden < {SMALL:,}",
        label_de=f"Bevölkerungsanteil in Gemeinden unter {format_number(SMALL, 0, 'de')}",
        title_de=f"Bevölkerung in Gemeinden < {format_number(SMALL, 0, 'de')}",
        decimals=1,
        percent=True,
    ),
    Indicator(
        name="share_in_verband",
        label="share of Gemeinden in a Gemeindeverband",
        title="Gemeinden in a Gemeindeverband",
        label_de="Anteil der Gemeinden in einem Gemeindeverband",
        title_de="Gemeinden in einem Gemeindeverband",
        decimals=1,
        percent=True,
    ),
    Indicator(
        name="density",
        label="population density",
        title="Inhabitants per km² (Kreis area)",
        label_de="Bevölkerungsdichte",
        title_de="Einwohner je km² (Kreisfläche)",
        unit="inhabitants/km²",
        log=True,
        for_cities=True,
    ),
)
INDICATORS = tuple(spec.name for spec in INDICATOR_SPECS)
SPECS = {spec.name: spec for spec in INDICATOR_SPECS}
MIDDLE = (25.0, 75.0)  # percentiles bounding the middle half of a group
OUTER = (10.0, 90.0)  # percentiles beyond which a district is in the outer tenth
BANDS = {  # band of a percentile (position table) -> as a reader sees it
    "below": "below the middle half",
    "middle half": "middle half",
    "above": "above the middle half",
    "constant": "same for every district",
}

_GERMANY_DIR = "embedded extract, data/raw/germany"
_EXTRACT = f"Destatis GV-ISys Auszug GV 31.12.2021, {_GERMANY_DIR}"
_COUNTED = f"{_EXTRACT}; counted over the Gemeinde records"
_KREISE = f"{_EXTRACT}; Kreis records"
_DERIVED = f"derived from the {_EXTRACT}"
_MEDIAN = f"median over the Landkreise and Kreise; {_DERIVED}"
_PERCENTILE = f"mid-rank percentile among the district's group; {_DERIVED}"
_SIMILAR = (
    "Euclidean distance on standardised indicators (log10 of counts, sizes and density; "
    f"shares as they are) within the district's group; {_DERIVED}"
)
_EXTRACT_DE = "Destatis GV-ISys Auszug GV 31.12.2021, eingebetteter Auszug, data/raw/germany"
_DERIVED_DE = f"abgeleitet aus: {_EXTRACT_DE}"

register(
    {
        **{spec.label: spec.label_de for spec in INDICATOR_SPECS},
        **{spec.title: spec.title_de for spec in INDICATOR_SPECS},
        **{f"{s.title} (%)": f"{s.title_de} (%)" for s in INDICATOR_SPECS if s.percent},
        **{
            f"median Landkreis/Kreis: {s.label}": f"Median der Landkreise/Kreise: {s.label_de}"
            for s in INDICATOR_SPECS
        },
        **{
            f"district's percentile: {s.label}": f"Perzentil des Kreises: {s.label_de}"
            for s in INDICATOR_SPECS
        },
        "Landkreise and Kreise": "Landkreise und Kreise",
        "kreisfreie Städte": "kreisfreie Städte",
        "the {n} Landkreise and Kreise": "den {n} Landkreisen und Kreisen",
        "the {n} kreisfreie Städte": "den {n} kreisfreien Städten",
        "inhabitants": "Einwohner",
        "inhabitants/km²": "Einwohner/km²",
        "below the middle half": "unterhalb der mittleren Hälfte",
        "middle half": "mittlere Hälfte",
        "above the middle half": "oberhalb der mittleren Hälfte",
        "same for every district": "gleich für alle Kreise",
        # key figures
        "Nationwide atlas": "Bundesweiter Atlas",
        "Germany: Gemeinde records (incl. uninhabited areas)": (
            "Deutschland: Gemeindedatensätze (einschl. unbewohnter Gebiete)"
        ),
        "Germany: inhabited Gemeinden": "Deutschland: bewohnte Gemeinden",
        "Germany: inhabited Gemeinden under 10,000": "Deutschland: bewohnte Gemeinden unter 10.000",
        "Germany: share of inhabited Gemeinden under 10,000": (
            "Deutschland: Anteil der bewohnten Gemeinden unter 10.000"
        ),
        "Germany: population share in Gemeinden under 10,000": (
            "Deutschland: Bevölkerungsanteil in Gemeinden unter 10.000"
        ),
        "Kreise and kreisfreie Städte": "Kreise und kreisfreie Städte",
        "Landkreise and Kreise (incl. Regionalverband)": (
            "Landkreise und Kreise (einschl. Regionalverband)"
        ),
        "kreisfreie Städte and Stadtkreise": "kreisfreie Städte und Stadtkreise",
        "district compared": "verglichener Kreis",
        "indicators on which the district lies in the middle half of its group": (
            "Indikatoren, bei denen der Kreis in der mittleren Hälfte seiner Gruppe liegt"
        ),
        "indicators on which the district lies in the outer tenth of its group": (
            "Indikatoren, bei denen der Kreis im äußeren Zehntel seiner Gruppe liegt"
        ),
        "most similar district": "ähnlichster Kreis",
        "distance to the most similar district": "Abstand zum ähnlichsten Kreis",
        "percentile": "Perzentil",
        "SD units": "Standardabweichungen",
        # sources of the key figures
        "{source}; embedded extract, data/raw/germany": (
            "{source}; eingebetteter Auszug, data/raw/germany"
        ),
        _COUNTED: f"{_EXTRACT_DE}; gezählt über die Gemeindedatensätze",
        _KREISE: f"{_EXTRACT_DE}; Kreisdatensätze",
        _DERIVED: _DERIVED_DE,
        _MEDIAN: f"Median über die Landkreise und Kreise; {_DERIVED_DE}",
        _PERCENTILE: f"Mittelrang-Perzentil in der Gruppe des Kreises; {_DERIVED_DE}",
        _SIMILAR: (
            "Euklidischer Abstand auf standardisierten Indikatoren (log10 der Anzahlen, Größen "
            f"und Dichte; Anteile unverändert) innerhalb der Gruppe des Kreises; {_DERIVED_DE}"
        ),
    }
)


def _median_figure(spec: Indicator) -> KeyFigure:
    return KeyFigure(
        f"median_{spec.name}",
        f"median Landkreis/Kreis: {spec.label}",
        "" if spec.percent else spec.unit,
        spec.decimals,
        Kind.DERIVED,
        _MEDIAN,
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
    findings: tuple[Message, ...] = ()
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

    def frame(self, part: str) -> pd.DataFrame | None:
        """The table ``part`` (a key of :data:`TABLES`) as displayed, ``None`` where the study
        has no such table (no district chosen).

        Shares are in percent. In the one-row-per-indicator tables (``distributions``,
        ``position``) each value is a :class:`~ikzlib.i18n.Number` with its indicator's
        decimals; indicators, groups and bands are English labels, translated on display.
        """
        check_choice("part", part, TABLES)
        frame = getattr(self, part)
        if frame is None:
            return None
        if part in ("by_land", "similar"):
            return _wide_view(frame)
        view = frame.copy()
        if "group" in view.columns:
            view["group"] = view["group"].map(GROUP_LABELS)
        if "band" in view.columns:
            view["band"] = view["band"].map(BANDS)
        if part != "scaling":
            view = _numbers(view)
        view["indicator"] = [SPECS[name].column for name in view["indicator"]]
        return view

    def as_table(self, part: str, lang: str = "en") -> Table | None:
        """``part`` (a key of :data:`TABLES`) as :func:`ikzlib.display.table` in ``lang``,
        or ``None`` where the study has no such table."""
        frame = self.frame(part)
        if frame is None:
            return None
        return TABLES[part].show(frame, lang, self._caption(part))

    def _caption(self, part: str) -> str:
        """The caption of ``part``; for the district's tables it names the district and group."""
        if part not in ("position", "similar") or self.district is None or self.group is None:
            return TABLES[part].caption
        return Message(TABLES[part].caption, name=self.district.name, group=self.group_phrase())

    def group_phrase(self) -> Message | None:
        """The district's group with its size, to follow "among" or "with": "the 294
        Landkreise and Kreise" ("den 294 Landkreisen und Kreisen"); ``None`` without one."""
        if self.group is None:
            return None
        return Message(GROUP_PHRASES[self.group], n=len(self.group_table(self.group)))

    def text(self, part: str, lang: str = "en") -> str:
        """The sentences of ``part`` in ``lang``, one per line: ``national`` (Germany's small
        Gemeinden), ``typicality`` (the district's place) or ``notes``."""
        parts = {
            "national": self.findings[:1],
            "typicality": self.findings[1:],
            "notes": self.notes,
        }
        check_choice("part", part, parts)
        return "\n".join(tr(line, lang) for line in parts[part])


_INDICATOR_COLUMNS = {spec.name: spec.column for spec in INDICATOR_SPECS}
_INDICATOR_DECIMALS = {spec.name: spec.decimals for spec in INDICATOR_SPECS}
TABLES = {
    "distributions": TableSpec(
        {
            "group": "Group",
            "indicator": "Indicator",
            "n": "Districts",
            "min": "Minimum",
            "q1": "1st quartile",
            "median": "Median",
            "q3": "3rd quartile",
            "max": "Maximum",
        },
        "Distribution of each indicator over the districts of a group",
        translate=("group", "indicator"),
    ),
    "by_land": TableSpec(
        {
            "land_name": "Land",
            "n_landkreise": "Landkreise/Kreise",
            "n_kreisfrei": "kreisfreie Städte",
            **_INDICATOR_COLUMNS,
        },
        "Districts per Land, and the medians over its Landkreise and Kreise",
        decimals=_INDICATOR_DECIMALS,
    ),
    "position": TableSpec(
        {
            "indicator": "Indicator",
            "value": "Value",
            "q1": "1st quartile",
            "median": "Median",
            "q3": "3rd quartile",
            "land_median": "Median in the Land",
            "percentile": "Percentile",
            "rank": "Rank (1 = largest)",
            "band": "Position",
        },
        "{name} among {group}: its value, the group's quartiles and its percentile",
        decimals={"percentile": 0},
        translate=("indicator", "band"),
    ),
    "similar": TableSpec(
        {
            "rank": "Rank",
            "district": "District",
            "land_name": "Land",
            "distance": "Distance (SD units)",
            **_INDICATOR_COLUMNS,
        },
        "The districts most similar to {name} among {group}",
        decimals={"distance": 2, **_INDICATOR_DECIMALS},
    ),
    "scaling": TableSpec(
        {
            "indicator": "Indicator",
            "transform": "Transformation",
            "mean": "Mean (transformed)",
            "sd": "Standard deviation (transformed)",
            "used": "Used in the distance",
        },
        "How the indicators enter the distance (mean and SD over the group)",
        decimals=3,
        translate=("indicator", "transform"),
    ),
}
_VALUE_COLUMNS = ("value", "min", "q1", "median", "q3", "max", "land_median")

register(
    {
        "Group": "Gruppe",
        "Indicator": "Indikator",
        "Districts": "Kreise",
        "Minimum": "Minimum",
        "1st quartile": "1. Quartil",
        "Median": "Median",
        "3rd quartile": "3. Quartil",
        "Maximum": "Maximum",
        "Distribution of each indicator over the districts of a group": (
            "Verteilung jedes Indikators über die Kreise einer Gruppe"
        ),
        "Land": "Land",
        "Landkreise/Kreise": "Landkreise/Kreise",
        "Districts per Land, and the medians over its Landkreise and Kreise": (
            "Kreise je Land und Mediane über seine Landkreise und Kreise"
        ),
        "Value": "Wert",
        "Median in the Land": "Median im Land",
        "Percentile": "Perzentil",
        "Rank (1 = largest)": "Rang (1 = größter Wert)",
        "Position": "Lage",
        "{name} among {group}: its value, the group's quartiles and its percentile": (
            "{name} unter {group}: Wert, Quartile der Gruppe und Perzentil"
        ),
        "Rank": "Rang",
        "District": "Kreis",
        "Distance (SD units)": "Abstand (Standardabweichungen)",
        "The districts most similar to {name} among {group}": (
            "Die ähnlichsten Kreise zu {name} unter {group}"
        ),
        "Transformation": "Transformation",
        "none": "keine",
        "Mean (transformed)": "Mittelwert (transformiert)",
        "Standard deviation (transformed)": "Standardabweichung (transformiert)",
        "Used in the distance": "im Abstand verwendet",
        "How the indicators enter the distance (mean and SD over the group)": (
            "Wie die Indikatoren in den Abstand eingehen (Mittelwert und Standardabweichung "
            "über die Gruppe)"
        ),
    }
)


def _wide_view(frame: pd.DataFrame) -> pd.DataFrame:
    """One column per indicator: shares as percent, every indicator rounded as declared."""
    view = frame.copy()
    for spec in INDICATOR_SPECS:
        if spec.name in view.columns:
            scale = 100 if spec.percent else 1
            view[spec.name] = (scale * view[spec.name].astype("float64")).round(spec.decimals)
    return view


def _numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator: each value a :class:`~ikzlib.i18n.Number` in its indicator's
    unit (shares in percent) and decimals."""
    view = frame.copy()
    for column in _VALUE_COLUMNS:
        if column in view.columns:
            numbers = [
                Number(float(v) * (100 if SPECS[n].percent else 1), SPECS[n].decimals)
                for n, v in zip(view["indicator"], view[column], strict=True)
            ]
            # object dtype: pandas would store plain str and lose the German rendering
            view[column] = pd.Series(numbers, index=view.index, dtype=object)
    return view


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


def _finish(
    study: AtlasStudy, findings: tuple[Message, ...], notes: tuple[Message, ...]
) -> AtlasStudy:
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
) -> tuple[gpd.GeoDataFrame, tuple[Message, ...]]:
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
            template = "Kreis polygon {key} {name} has no Kreis record: no data."
            notes.append(Message(template, key=row["AGS"], name=row["GEN"]))
            continue
        target[index] = match
        template = (
            "The BKG VG5000 polygon {key} ({name}) has no Kreis record on 31.12.2021; it is "
            "drawn as part of Kreis {match}, which holds the Gemeinde {name}."
        )
        notes.append(Message(template, key=row["AGS"], name=row["GEN"], match=match))
    layer["kreis_key"] = target
    merged = layer.dissolve("kreis_key", as_index=False, sort=True)[["kreis_key", "geometry"]]
    polygons = merged.merge(table, on="kreis_key", how="left")
    missing = sorted(known - set(polygons["kreis_key"]))
    if missing:
        template = "Kreise without a VG5000 polygon (not on the maps): {keys}."
        notes.append(Message(template, keys=", ".join(missing)))
    return gpd.GeoDataFrame(polygons, geometry="geometry", crs=layer.crs), tuple(notes)


register(
    {
        "Kreis polygon {key} {name} has no Kreis record: no data.": (
            "Das Kreispolygon {key} {name} hat keinen Kreisdatensatz: keine Daten."
        ),
        "The BKG VG5000 polygon {key} ({name}) has no Kreis record on 31.12.2021; it is "
        "drawn as part of Kreis {match}, which holds the Gemeinde {name}.": (
            "Das Polygon {key} ({name}) des BKG VG5000 hat zum 31.12.2021 keinen "
            "Kreisdatensatz; es wird als Teil des Kreises {match} gezeichnet, zu dem die "
            "Gemeinde {name} gehört."
        ),
        "Kreise without a VG5000 polygon (not on the maps): {keys}.": (
            "Kreise ohne VG5000-Polygon (nicht auf den Karten): {keys}."
        ),
    }
)


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


class Ordinal(Message):
    """A percentile as an ordinal: ``22nd`` in English, ``22.`` in German (:func:`ordinal`)."""

    def __new__(cls, number: float) -> Ordinal:
        text = super().__new__(cls, "{text}", text=ordinal(number))
        text.values = {"number": number}
        return text

    def __reduce__(self):
        return (Ordinal, (self.values["number"],))

    def render(self, lang: str = "en") -> str:
        return ordinal(self.values["number"], lang)


def _general_notes(study: AtlasStudy, municipalities: pd.DataFrame) -> tuple[Message, ...]:
    """Caveats about the data behind every district's indicators."""
    table = study.table
    inhabited_area = (
        municipalities[municipalities["inhabited"]].groupby("kreis_key")["area_km2"].sum()
    )
    differs = (table["area_km2"] - table["kreis_key"].map(inhabited_area)).abs() > 0.005
    n_cities = int(table["group"].eq(CITY_GROUP).sum())
    return (
        Message(
            "{n} Kreis records: {n_kreise} Landkreise/Kreise and {n_cities} kreisfreie "
            "Städte/Stadtkreise; {n_uninhabited} uninhabited gemeindefreie Gebiete are not "
            "counted as Gemeinden.",
            n=len(table),
            n_kreise=len(table) - n_cities,
            n_cities=n_cities,
            n_uninhabited=int((~municipalities["inhabited"]).sum()),
        ),
        Message(
            "Density is population per km² of the Kreis area (all its Gemeinden including "
            "uninhabited gemeindefreie Gebiete). In {n} Kreise this area is larger than that "
            "of the inhabited Gemeinden, which notebook 01 uses.",
            n=int(differs.sum()),
        ),
    )


def _group_notes(study: AtlasStudy) -> tuple[Message, ...]:
    """What the comparison group of the chosen district is and which indicators it drops."""
    if study.district is None or study.scaling is None or study.group is None:
        return ()
    name = study.district.name
    notes = [
        Message(
            "{name} is compared with {group} (its own group).",
            name=name,
            group=study.group_phrase(),
        )
    ]
    if study.group == CITY_GROUP:
        notes.append(
            Message(
                "{name} is a single municipality: Gemeinde counts, units and Gemeindeverband "
                "shares are the same for every kreisfreie Stadt, so only the indicators that "
                "vary among them (city size, density) place it; inter-municipal cooperation "
                "inside it is not the question.",
                name=name,
            )
        )
    dropped = study.scaling[
        ~study.scaling["used"] & study.scaling["indicator"].isin(study.indicators)
    ]
    if not dropped.empty:
        names = Joined([Message(SPECS[n].label) for n in dropped["indicator"]], ", ")
        notes.append(
            Message("Constant in the group, hence left out of the distance: {names}.", names=names)
        )
    return tuple(notes)


def _findings(study: AtlasStudy) -> tuple[Message, ...]:
    """The national small-Gemeinde share, and how typical the district is."""
    national = study.national
    first = Message(
        "Germany has {n_inhabited} inhabited Gemeinden ({n_records} Gemeinde records minus "
        "{n_uninhabited} uninhabited gemeindefreie Gebiete); {n_small} of them, {share} %, have "
        "fewer than {limit} inhabitants, and {share_pop} % of the population lives in them.",
        n_inhabited=national["n_inhabited"],
        n_records=national["n_records"],
        n_uninhabited=national["n_uninhabited"],
        n_small=national["n_small"],
        share=Number(100 * national["share_small"], 1),
        limit=SMALL,
        share_pop=Number(100 * national["share_pop_small"], 1),
    )
    return (first, *_typicality_lines(study))


def _typicality_lines(study: AtlasStudy) -> list[Message]:
    """Sentences placing the district within its group, and its nearest districts."""
    if study.position is None or study.district is None or study.group is None:
        return []
    position = study.position[study.position["band"].ne("constant")]
    name = study.district.name
    if position.empty:
        return [Message("No indicator varies within the group of {name}.", name=name)]
    middle = position[position["band"].eq("middle half")]
    counts = {"name": name, "group": study.group_phrase(), "count": len(position)}
    lines = [
        Message(
            "Among {group}, {name} lies in the middle half (25th-75th percentile) on {inside} "
            "of {count} indicators ({items})."
            if len(middle)
            else "Among {group}, {name} lies in the middle half (25th-75th percentile) on none "
            "of {count} indicators.",
            inside=len(middle),
            items=_listing(middle),
            **counts,
        )
    ]
    for band in ("below", "above"):
        rows = position[position["band"].eq(band)]
        if len(rows):
            template = f"It lies {band} the middle half on {{items}}."
            lines.append(Message(template, name=name, items=_listing(rows)))
    lines.append(_verdict(name, position, middle, position[position["outer_tenth"]]))
    if study.similar is not None and len(study.similar):
        nearest = Joined(
            [
                Message(
                    "{district}, {land}: {distance}",
                    district=r.district,
                    land=r.land_name,
                    distance=Number(r.distance, 2),
                )
                for r in study.similar.itertuples()
            ]
        )
        lines.append(
            Message("Most similar by the stated distance (SD units): {items}.", items=nearest)
        )
    return lines


def _listing(rows: pd.DataFrame) -> Joined:
    """``label value (Nth percentile)`` for each row, joined."""
    return Joined(
        [
            Message(
                "{label} {value} ({ordinal} percentile)",
                label=Message(r.label),
                value=value_text(r.indicator, r.value),
                ordinal=Ordinal(r.percentile),
            )
            for r in rows.itertuples()
        ]
    )


def value_text(name: str, value: float) -> Message:
    """An indicator value as text with its unit (shares as percent), in either language.

    Examples
    --------
    >>> value_text("share_in_verband", 0.35)
    '35.0 %'
    >>> value_text("density", 99.35)
    '99 inhabitants/km²'
    >>> tr(value_text("median_population", 7671.0), "de")
    '7.671 Einwohner'
    """
    spec = SPECS[name]
    if spec.percent:
        return Message("{value} %", value=Number(100 * value, spec.decimals))
    if not spec.unit:
        return Number(value, spec.decimals)
    return Message("{value} {unit}", value=Number(value, spec.decimals), unit=Message(spec.unit))


def ordinal(number: float, lang: str = "en") -> str:
    """A percentile as an ordinal, rounded: ``1st``, ``22nd``, ``31st``, ``74th``; in German
    ``22.``.

    Examples
    --------
    >>> [ordinal(x) for x in (1, 2.4, 3, 11, 12.2, 21.9, 31.5, 100)]
    ['1st', '2nd', '3rd', '11th', '12th', '22nd', '32nd', '100th']
    >>> ordinal(21.9, "de")
    '22.'
    """
    whole = int(round(number))
    if lang == "de":
        return f"{whole}."
    suffix = (
        "th" if whole % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(whole % 10, "th")
    )
    return f"{whole}{suffix}"


def _verdict(
    name: str, position: pd.DataFrame, middle: pd.DataFrame, outer: pd.DataFrame
) -> Message:
    """One sentence: typical on the structure indicators or not, and why."""
    count, inside = len(position), len(middle)
    if outer.empty and inside * 2 >= count:
        return Message(
            "Verdict: on these {count} structure indicators {name} is a typical case of its "
            "group (in the middle half on {inside} of {count}, in the outer tenth on none).",
            name=name,
            count=count,
            inside=inside,
        )
    if outer.empty:
        return Message(
            "Verdict: {name} is typical of its group only in a broad sense: outside the middle "
            "half on {outside} of {count} indicators, in the outer tenth on none.",
            name=name,
            count=count,
            outside=count - inside,
        )
    return Message(
        "Verdict: on these structure indicators {name} is not a typical case of its group: it "
        "lies in the outer tenth (below the 10th or above the 90th percentile) on {labels}.",
        name=name,
        labels=Joined([Message(label) for label in outer["label"]], ", "),
    )


register(
    {
        "{n} Kreis records: {n_kreise} Landkreise/Kreise and {n_cities} kreisfreie "
        "Städte/Stadtkreise; {n_uninhabited} uninhabited gemeindefreie Gebiete are not "
        "counted as Gemeinden.": (
            "{n} Kreisdatensätze: {n_kreise} Landkreise/Kreise und {n_cities} kreisfreie "
            "Städte/Stadtkreise; {n_uninhabited} unbewohnte gemeindefreie Gebiete zählen nicht "
            "als Gemeinden."
        ),
        "Density is population per km² of the Kreis area (all its Gemeinden including "
        "uninhabited gemeindefreie Gebiete). In {n} Kreise this area is larger than that "
        "of the inhabited Gemeinden, which notebook 01 uses.": (
            "Die Dichte ist die Bevölkerung je km² der Kreisfläche (aller Gemeinden des Kreises "
            "einschließlich unbewohnter gemeindefreier Gebiete). In {n} Kreisen ist diese Fläche "
            "größer als die der bewohnten Gemeinden, mit der Notebook 01 rechnet."
        ),
        "{name} is compared with {group} (its own group).": (
            "{name} wird mit {group} verglichen (der eigenen Gruppe)."
        ),
        "{name} is a single municipality: Gemeinde counts, units and Gemeindeverband "
        "shares are the same for every kreisfreie Stadt, so only the indicators that "
        "vary among them (city size, density) place it; inter-municipal cooperation "
        "inside it is not the question.": (
            "{name} ist eine einzige Gemeinde: Zahl der Gemeinden und Verwaltungseinheiten und "
            "der Anteil in Gemeindeverbänden sind für jede kreisfreie Stadt gleich; eingeordnet "
            "wird sie daher nur nach den Indikatoren, die zwischen den Städten variieren "
            "(Stadtgröße, Dichte). Interkommunale Zusammenarbeit innerhalb der Stadt ist hier "
            "nicht die Frage."
        ),
        "Constant in the group, hence left out of the distance: {names}.": (
            "In der Gruppe konstant und daher nicht im Abstand berücksichtigt: {names}."
        ),
        "Germany has {n_inhabited} inhabited Gemeinden ({n_records} Gemeinde records minus "
        "{n_uninhabited} uninhabited gemeindefreie Gebiete); {n_small} of them, {share} %, have "
        "fewer than {limit} inhabitants, and {share_pop} % of the population lives in them.": (
            "Deutschland hat {n_inhabited} bewohnte Gemeinden ({n_records} Gemeindedatensätze "
            "abzüglich {n_uninhabited} unbewohnter gemeindefreier Gebiete); {n_small} davon, "
            "{share} %, haben weniger als {limit} Einwohner, und {share_pop} % der Bevölkerung "
            "leben in ihnen."
        ),
        "No indicator varies within the group of {name}.": (
            "Innerhalb der Gruppe von {name} variiert kein Indikator."
        ),
        "Among {group}, {name} lies in the middle half (25th-75th percentile) on {inside} "
        "of {count} indicators ({items}).": (
            "Unter {group} liegt {name} bei {inside} von {count} Indikatoren in der mittleren "
            "Hälfte (25.–75. Perzentil): {items}."
        ),
        "Among {group}, {name} lies in the middle half (25th-75th percentile) on none "
        "of {count} indicators.": (
            "Unter {group} liegt {name} bei keinem der {count} Indikatoren in der mittleren "
            "Hälfte (25.–75. Perzentil)."
        ),
        "It lies below the middle half on {items}.": (
            "Unterhalb der mittleren Hälfte liegt {name} bei: {items}."
        ),
        "It lies above the middle half on {items}.": (
            "Oberhalb der mittleren Hälfte liegt {name} bei: {items}."
        ),
        "Most similar by the stated distance (SD units): {items}.": (
            "Am ähnlichsten nach dem angegebenen Abstand (in Standardabweichungen): {items}."
        ),
        "{label} {value} ({ordinal} percentile)": "{label} {value} ({ordinal} Perzentil)",
        "Verdict: on these {count} structure indicators {name} is a typical case of its "
        "group (in the middle half on {inside} of {count}, in the outer tenth on none).": (
            "Urteil: Nach diesen {count} Strukturindikatoren ist {name} ein typischer Fall der "
            "eigenen Gruppe (bei {inside} von {count} in der mittleren Hälfte, bei keinem im "
            "äußeren Zehntel)."
        ),
        "Verdict: {name} is typical of its group only in a broad sense: outside the middle "
        "half on {outside} of {count} indicators, in the outer tenth on none.": (
            "Urteil: {name} ist nur im weiteren Sinn typisch für die eigene Gruppe: bei "
            "{outside} von {count} Indikatoren außerhalb der mittleren Hälfte, bei keinem im "
            "äußeren Zehntel."
        ),
        "Verdict: on these structure indicators {name} is not a typical case of its group: it "
        "lies in the outer tenth (below the 10th or above the 90th percentile) on {labels}.": (
            "Urteil: Nach diesen Strukturindikatoren ist {name} kein typischer Fall der eigenen "
            "Gruppe: {name} liegt im äußeren Zehntel (unter dem 10. oder über dem 90. "
            "Perzentil) bei: {labels}."
        ),
    }
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
    source = Message("{source}; embedded extract, data/raw/germany", source=study.source)
    official = partial(Reported, kind=Kind.OFFICIAL, source=source)
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
