"""Study ``structure`` (notebook ``01_municipal_structure``): the municipal structure of a district.

Who are the Gemeinden of the district, how large are they, how are they grouped into
administrative units (an Einheitsgemeinde is one unit, the members of a joint administration
together form one), does the Gemeinde-level statistic reproduce a unit table published by a
study, and where does the district stand among all German Kreise?

:func:`run` loads the district's ``municipalities.csv`` and, where present, its published unit
table and demographic statements (:data:`ikzlib.catalog.INPUTS`), plus the Germany-wide
Destatis file and a BKG boundary file from the reference folder. Every part whose data is
missing is ``None`` in the result, with a note saying what is missing and how to add it.
:meth:`StructureStudy.describe` turns the result into sentences for the notebook.

Examples
--------
>>> from ikzlib.studies import structure
>>> study = structure.run("harz")  # doctest: +SKIP
>>> study.key_figures["n_units"].value  # doctest: +SKIP
14
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from ikzlib import boundaries, destatis, paths
from ikzlib.catalog import District, resolve
from ikzlib.errors import DataValidationError, ParameterError
from ikzlib.keyfigures import KeyFigure, KeyFigures, Kind, Reported, Section
from ikzlib.municipalities import (
    EINHEITSGEMEINDE,
    administrative_units,
    load_municipalities,
    source_summary,
)
from ikzlib.structure import (
    compare_units,
    demography_series,
    read_demography,
    read_published_units,
    size_class_table,
    units_side_by_side,
)
from ikzlib.studies.base import Study

GV_REFERENCE = "destatis/31122021_Auszug_GV.xlsx"  # Germany-wide file under IKZ_REFERENCE_DIR
SMALL = destatis.SMALL_MUNICIPALITY_LIMIT
AREA_TOLERANCE = 0.005  # km²: both sources round areas to two decimals
CADASTRE_NOISE = 0.1  # km²: area differences up to this look like survey/rounding states

_DESTATIS = "Destatis GV-ISys Gemeindeverzeichnis, Auszug GV (the district's municipalities.csv)"
_AGGREGATED = "Gemeinden aggregated to administrative units by ARS digits 1-9"
_NATIONAL = f"Destatis GV-ISys Auszug GV, all German Gemeinden ({GV_REFERENCE})"
_PUBLISHED = "unit table published by a study (the district's table1_fallstudie.csv)"

SECTION = Section(
    "structure",
    "Municipal structure",
    (
        KeyFigure(
            "n_municipalities", "Gemeinden", kind=Kind.OFFICIAL, source=_DESTATIS, headline=True
        ),
        KeyFigure("n_units", "administrative units", kind=Kind.DERIVED, source=_AGGREGATED),
        KeyFigure("population", "inhabitants", kind=Kind.OFFICIAL, source=_DESTATIS, headline=True),
        KeyFigure(
            "population_date",
            "population date",
            decimals=None,
            kind=Kind.OFFICIAL,
            source=_DESTATIS,
        ),
        KeyFigure("area_km2", "area", "km²", 2, Kind.OFFICIAL, _DESTATIS),
        KeyFigure(
            "density",
            "population density",
            "inhabitants/km²",
            1,
            Kind.DERIVED,
            "population / area of the Gemeinden (Destatis)",
            headline=True,
        ),
        KeyFigure(
            "n_under_10k", "Gemeinden under 10,000 inhabitants", kind=Kind.DERIVED, source=_DESTATIS
        ),
        KeyFigure(
            "n_units_under_10k",
            "administrative units under 10,000 inhabitants",
            kind=Kind.DERIVED,
            source=_AGGREGATED,
        ),
        KeyFigure(
            "share_pop_under_10k",
            "population share in Gemeinden under 10,000",
            decimals=2,
            kind=Kind.DERIVED,
            source=_DESTATIS,
            percent=True,
            headline=True,
        ),
        KeyFigure(
            "largest_municipality",
            "largest Gemeinde",
            decimals=None,
            kind=Kind.DERIVED,
            source=_DESTATIS,
        ),
        KeyFigure(
            "n_disagreements",
            "cells where aggregated and published units disagree",
            kind=Kind.DERIVED,
            source=f"Destatis aggregation against the {_PUBLISHED}",
        ),
        KeyFigure(
            "n_population_disagreements",
            "unit populations that disagree",
            kind=Kind.DERIVED,
            source=f"Destatis aggregation against the {_PUBLISHED}",
        ),
        KeyFigure(
            "n_area_disagreements",
            "unit areas that disagree (> 0.005 km²)",
            kind=Kind.DERIVED,
            source=f"Destatis aggregation against the {_PUBLISHED}",
        ),
        KeyFigure(
            "published_population",
            "population in the published unit table",
            kind=Kind.PUBLISHED,
            source=_PUBLISHED,
        ),
        KeyFigure(
            "boundaries",
            "boundary file",
            decimals=None,
            kind=Kind.OFFICIAL,
            source="BKG VG250/VG5000 (reference folder)",
        ),
        KeyFigure(
            "national_share_municipalities_under_10k",
            "Germany: share of inhabited Gemeinden under 10,000",
            decimals=2,
            kind=Kind.DERIVED,
            source=_NATIONAL,
            percent=True,
        ),
        KeyFigure(
            "national_n_kreise",
            "Germany: Kreise with inhabited Gemeinden",
            kind=Kind.OFFICIAL,
            source=_NATIONAL,
        ),
        KeyFigure(
            "rank_share_pop_under_10k",
            "rank among Kreise: population share under 10,000",
            kind=Kind.DERIVED,
            source=_NATIONAL,
        ),
        KeyFigure(
            "rank_median_population",
            "rank among Kreise: median Gemeinde population",
            kind=Kind.DERIVED,
            source=_NATIONAL,
        ),
    ),
    order=10,
    notebook="01_municipal_structure",
)

PARTS = ("district", "units", "size_classes", "density", "map", "demography", "national")
_UNIT_COLUMNS = ["unit_key", "unit_name", "unit_type", "n_municipalities", "population", "area_km2"]
_DENSITY_COLUMNS = ["unit_name", "unit_type", "population", "area_km2", "density"]
_STATEMENT_COLUMNS = ["statement_id", "start_year", "end_year", "value", "unit", "approximate"]


@dataclass(frozen=True, kw_only=True, eq=False)
class StructureStudy(Study):
    """Result of :func:`run`: the district's municipal structure and its context.

    Attributes
    ----------
    municipalities
        Municipality model (:mod:`ikzlib.municipalities`), one row per Gemeinde.
    units
        Administrative units (:func:`ikzlib.municipalities.administrative_units`).
    size_classes
        Gemeinden and population per size class (:func:`ikzlib.structure.size_class_table`).
    density
        Units sorted by density (``unit_name``, ``unit_type``, ``population``, ``area_km2``,
        ``density``).
    district_density
        Inhabitants per km² of the whole district.
    population_date
        Stichtag(e) of the population figures, ``;``-separated.
    source
        Publications behind the municipality table.
    published, side_by_side, disagreements
        The published unit table, both sources next to each other and every cell where they
        disagree (:func:`ikzlib.structure.compare_units`); ``None`` without a published table.
    boundary_file, polygons, outline
        The BKG file used, the Gemeinden joined to their polygons and the Kreis outline;
        ``None`` without a boundary file.
    demography, demography_series
        Demographic statements of a study and the population by year derived from them;
        ``None`` without statements.
    gv_file, national, kreise, position
        The Germany-wide Destatis file, the national small-Gemeinde shares
        (:func:`ikzlib.destatis.national_small_municipality_share`), one row per Kreis
        (:func:`ikzlib.destatis.kreis_comparison`) and the district's position among them;
        ``None`` without the file.
    """

    municipalities: pd.DataFrame
    units: pd.DataFrame
    size_classes: pd.DataFrame
    density: pd.DataFrame
    district_density: float
    population_date: str
    source: str
    published: pd.DataFrame | None = None
    side_by_side: pd.DataFrame | None = None
    disagreements: pd.DataFrame | None = None
    boundary_file: Path | None = None
    polygons: gpd.GeoDataFrame | None = None
    outline: gpd.GeoDataFrame | None = None
    demography: pd.DataFrame | None = None
    demography_series: pd.DataFrame | None = None
    gv_file: Path | None = None
    national: dict[str, float | int] | None = None
    kreise: pd.DataFrame | None = None
    position: pd.DataFrame | None = None

    @property
    def unit_table(self) -> pd.DataFrame:
        """Units next to the published table when there is one, else the units alone."""
        return self.side_by_side if self.side_by_side is not None else self.units[_UNIT_COLUMNS]

    @property
    def size_class_percent(self) -> pd.DataFrame:
        """The size-class table with its shares as percentages (one decimal)."""
        table = self.size_classes.copy()
        for share, label in (("municipalities", "Gemeinden"), ("population", "population")):
            table[f"% of {label}"] = (100 * table.pop(f"share_{share}")).round(1)
        return table

    @property
    def statements(self) -> pd.DataFrame | None:
        """The demographic statements without their notes (``None`` without statements)."""
        if self.demography is None:
            return None
        return self.demography[[*_STATEMENT_COLUMNS, "source"]]

    @property
    def has_polygons(self) -> bool:
        """Whether Gemeinde polygons are available to draw."""
        return self.polygons is not None and bool(self.polygons.geometry.notna().any())

    def describe(self, part: str, *, german: bool = False) -> str:
        """Sentences about one part of the study (one of :data:`PARTS`), generated from the data.

        ``german`` writes numbers as 1.234,5 instead of 1,234.5.
        """
        if part not in _DESCRIBERS:
            raise ParameterError(f"part {part!r}: choose one of {', '.join(PARTS)}")
        fmt = partial(_format, german=german)
        return "\n".join(_DESCRIBERS[part](self, fmt))


# --- run ------------------------------------------------------------------------------------

NO_BOUNDARY_NOTE = (
    "No BKG boundary file (VG250 or VG5000) was found, so the map shows the centre points "
    "only. To add one: put the BKG product in the reference folder (IKZ_REFERENCE_DIR) or "
    "pass boundary_file."
)
NO_NATIONAL_NOTE = (
    f"The Germany-wide Destatis file ({GV_REFERENCE}) is missing, so the national comparison "
    "is skipped. To add it: set IKZ_REFERENCE_DIR to the folder that holds destatis/ (or pass "
    "gv_file)."
)


@dataclass(frozen=True)
class _Part:
    """Result fields of one optional part of the study, and its notes."""

    fields: dict[str, Any]
    notes: tuple[str, ...] = ()


def run(
    district: str | District,
    *,
    gv_file: str | Path | None = None,
    boundary_file: str | Path | None = None,
) -> StructureStudy:
    """Compute the municipal structure of ``district``.

    Parameters
    ----------
    district
        Catalog key or resolved :class:`~ikzlib.catalog.District`.
    gv_file
        Destatis "Auszug GV" spreadsheet for the national comparison; ``None`` looks for
        ``destatis/31122021_Auszug_GV.xlsx`` in the reference folder (``IKZ_REFERENCE_DIR``).
    boundary_file
        BKG VG250/VG5000 municipality layer; ``None`` looks in the reference folder
        (:func:`ikzlib.boundaries.discover_boundary_file`).

    Returns
    -------
    StructureStudy
        Tables, figure inputs, key figures and notes; draws and writes nothing.

    Raises
    ------
    ParameterError
        When ``gv_file`` or ``boundary_file`` is given but is not an existing file.
    """
    district = resolve(district)
    gv_path = _file_parameter("gv_file", gv_file) or paths.reference_file(GV_REFERENCE)
    boundary_path = (
        _file_parameter("boundary_file", boundary_file) or boundaries.discover_boundary_file()
    )
    municipalities = load_municipalities(district)
    units = administrative_units(municipalities)
    parts = (
        _published_part(district, units),
        _boundary_part(district, municipalities, boundary_path),
        _demography_part(district),
        _national_part(district, gv_path),
    )
    study = StructureStudy(
        district=district,
        key_figures=KeyFigures(SECTION),
        municipalities=municipalities,
        units=units,
        size_classes=size_class_table(municipalities),
        density=units.sort_values("density")[_DENSITY_COLUMNS],
        district_density=float(
            municipalities["population"].sum() / municipalities["area_km2"].sum()
        ),
        population_date=";".join(sorted(set(municipalities["population_date"]))),
        source=source_summary(municipalities),
        **{name: value for part in parts for name, value in part.fields.items()},
    )
    fmt = partial(_format, german=False)
    findings = (*_joint_administration_lines(study, fmt), *_agreement_lines(study, fmt))
    notes = (*findings, *(note for part in parts for note in part.notes))
    return replace(study, key_figures=_key_figures(study), notes=notes)


def _file_parameter(name: str, value: str | Path | None) -> Path | None:
    """``value`` as an existing file, ``None`` for ``None``; else :class:`ParameterError`."""
    if value is None:
        return None
    if not isinstance(value, (str, Path)) or not str(value):
        raise ParameterError(f"parameter {name}={value!r}: a file path or None is required")
    path = Path(value)
    if not path.is_file():
        raise ParameterError(f"parameter {name}={value!r}: no such file")
    return path


def _published_part(district: District, units: pd.DataFrame) -> _Part:
    """Published unit table, side-by-side table and disagreements (or a note)."""
    if not district.inputs.has("published_units"):
        return _Part({}, (district.inputs.missing_note("published_units"),))
    published = read_published_units(district.inputs.path("published_units"))
    return _Part(
        {
            "published": published,
            "side_by_side": units_side_by_side(units, published),
            "disagreements": compare_units(units, published, area_tolerance=AREA_TOLERANCE),
        }
    )


def _boundary_part(district: District, municipalities: pd.DataFrame, path: Path | None) -> _Part:
    """Gemeinde polygons and the Kreis outline from a BKG file (or a note)."""
    if path is None:
        return _Part({}, (NO_BOUNDARY_NOTE,))
    polygons = boundaries.municipality_boundaries(path, municipalities)
    found = {"boundary_file": path, "polygons": polygons}
    unmatched = polygons.attrs["unmatched_ags"]
    notes = (
        (f"{len(unmatched)} Gemeinde(n) have no polygon in {path.name}: {', '.join(unmatched)}.",)
        if unmatched
        else ()
    )
    try:
        outline = boundaries.district_outline(path, district.kreis_key)
    except DataValidationError as exc:
        return _Part(found, (*notes, f"No district outline: {exc}."))
    return _Part({**found, "outline": outline}, notes)


def _demography_part(district: District) -> _Part:
    """Demographic statements and the series derived from them (or a note)."""
    if not district.inputs.has("demography"):
        return _Part({}, (district.inputs.missing_note("demography"),))
    statements = read_demography(district.inputs.path("demography"))
    return _Part({"demography": statements, "demography_series": demography_series(statements)})


def _national_part(district: District, path: Path | None) -> _Part:
    """National shares, the Kreis comparison and the district's position (or a note)."""
    if path is None:
        return _Part({}, (NO_NATIONAL_NOTE,))
    kreise, national = _national_tables(path.resolve(), path.stat().st_mtime_ns)
    found = {"gv_file": path, "national": dict(national), "kreise": kreise.copy()}
    if district.kreis_key not in set(kreise["kreis_key"]):
        return _Part(found, (f"Kreis {district.kreis_key} is not in {path.name}: no position.",))
    return _Part({**found, "position": destatis.district_position(kreise, district.kreis_key)})


def clear_cache() -> None:
    """Forget the Germany-wide tables read so far (they are kept per file and version)."""
    _national_tables.cache_clear()


@lru_cache(maxsize=2)
def _national_tables(path: Path, _mtime: int) -> tuple[pd.DataFrame, dict[str, float | int]]:
    """Kreis comparison and national shares of one Destatis file (read once per process)."""
    units = destatis.read_auszug_gv(path)
    return destatis.kreis_comparison(units), destatis.national_small_municipality_share(units)


# --- key figures ----------------------------------------------------------------------------


def _key_figures(study: StructureStudy) -> KeyFigures:
    """The declared key figures of ``study`` (figures of missing parts are absent)."""
    values = {
        **_district_figures(study),
        **_published_figures(study),
        **_national_figures(study),
    }
    return KeyFigures(SECTION, SECTION.figures_from(values))


def _district_figures(study: StructureStudy) -> dict[str, Any]:
    """Figures of the municipality table itself."""
    frame = study.municipalities
    population = frame["population"].astype("int64")
    small = population < SMALL
    official = partial(Reported, kind=Kind.OFFICIAL, source=study.source)
    return {
        "n_municipalities": official(len(frame)),
        "n_units": len(study.units),
        "population": official(int(population.sum())),
        "population_date": official(study.population_date),
        "area_km2": official(float(frame["area_km2"].sum())),
        "density": study.district_density,
        "n_under_10k": int(small.sum()),
        "n_units_under_10k": int((study.units["population"] < SMALL).sum()),
        "share_pop_under_10k": float(population[small].sum() / population.sum()),
        "largest_municipality": frame.loc[population.idxmax(), "name"],
        "boundaries": study.boundary_file.name if study.boundary_file is not None else "none",
    }


def _published_figures(study: StructureStudy) -> dict[str, Any]:
    """Figures of the cross-check against a published unit table (none without a table)."""
    if study.published is None or study.disagreements is None:
        return {}
    quantity = study.disagreements["quantity"]
    values: dict[str, Any] = {
        "n_disagreements": len(study.disagreements),
        "n_population_disagreements": int(quantity.eq("population").sum()),
        "n_area_disagreements": int(quantity.eq("area_km2").sum()),
    }
    total = study.published["population"].sum(min_count=1)
    if pd.notna(total):
        values["published_population"] = Reported(int(total), source=_published_source(study))
    return values


def _national_figures(study: StructureStudy) -> dict[str, Any]:
    """Figures of the national comparison (none without the Germany-wide file)."""
    if study.national is None or study.kreise is None or study.gv_file is None:
        return {}
    source = f"Destatis GV-ISys Auszug GV ({study.gv_file.name}), all German Gemeinden"
    values: dict[str, Any] = {
        "national_share_municipalities_under_10k": Reported(
            study.national["share_small"], source=source
        ),
        "national_n_kreise": Reported(len(study.kreise), source=source),
    }
    if study.position is not None:
        ranks = study.position.set_index("measure")["rank"]
        values["rank_share_pop_under_10k"] = Reported(ranks["share_pop_small"], source=source)
        values["rank_median_population"] = Reported(ranks["median_population"], source=source)
    return values


def _published_source(study: StructureStudy) -> str:
    """The distinct sources of the published unit table."""
    return "; ".join(dict.fromkeys(study.published["source"]))


# --- sentences ------------------------------------------------------------------------------

Fmt = Callable[..., str]


def _format(value: float, decimals: int = 0, *, german: bool = False) -> str:
    """``value`` with thousands separators, English (1,234.5) or German (1.234,5)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".") if german else text


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def _verb(count: int, verb: str) -> str:
    return verb + "s" if count == 1 else verb


def _district_lines(study: StructureStudy, fmt: Fmt) -> list[str]:
    """Who the district is and its totals, then its joint administrations."""
    d, figures = study.district, study.key_figures
    return [
        f"{d.official_name} (Kreis {d.kreis_key}, {d.land})",
        f"{figures['n_municipalities'].value} Gemeinden in {len(study.units)} administrative "
        f"units, {fmt(figures['population'].value)} inhabitants on {study.population_date}, "
        f"{fmt(figures['area_km2'].value, 2)} km²",
        *_joint_administration_lines(study, fmt),
    ]


def _joint_administration_lines(study: StructureStudy, fmt: Fmt) -> list[str]:
    """Which units are Einheitsgemeinden and which joint administrations the district has."""
    units = study.units
    single = units["unit_type"].eq(EINHEITSGEMEINDE)
    joint = units[~single]
    head = (
        f"{int(single.sum())} of the {len(units)} administrative units are verbandsfreie Gemeinden"
    )
    if joint.empty:
        return [f"{head}: the district has no joint administration."]
    listing = ", ".join(
        f"{row.unit_type} {row.unit_name} ({row.n_municipalities} Gemeinden)"
        for row in joint.itertuples()
    )
    rest = (
        "the other one is a joint administration"
        if len(joint) == 1
        else f"the other {len(joint)} are joint administrations"
    )
    return [f"{head} (Einheitsgemeinden); {rest}: {listing}."]


def _units_lines(study: StructureStudy, fmt: Fmt) -> list[str]:
    """Totals of both sources, the published table's source and the disagreements."""
    if study.published is None or study.disagreements is None:
        return [
            study.district.inputs.missing_note("published_units"),
            "The table lists the aggregated administrative units.",
        ]
    published = study.published["population"].sum(min_count=1)
    n = len(study.disagreements)
    return [
        f"population total: aggregated {fmt(study.units['population'].sum())}, published "
        + (fmt(published) if pd.notna(published) else "not given"),
        f"published table: {_published_source(study)}",
        f"{_plural(n, 'cell')} where the two sources disagree"
        + (" (second table below)." if n else "."),
        *_agreement_lines(study, fmt),
    ]


def _agreement_lines(study: StructureStudy, fmt: Fmt) -> list[str]:
    """What the disagreements with the published table amount to (nothing when none)."""
    table = study.disagreements
    if table is None or table.empty:
        return []
    parts = [
        _area_clause(study, table[table["quantity"].eq("area_km2")], fmt),
        _population_clause(study, table[table["quantity"].eq("population")], fmt),
    ]
    presence = table[table["quantity"].eq("presence")]
    if not presence.empty:
        names = ", ".join(f"{r.unit_name} ({r.note})" for r in presence.itertuples())
        n = len(presence)
        parts.append(f"{_plural(n, 'unit')} {_verb(n, 'appear')} in one source only: {names}")
    text = "; ".join(p for p in parts if p)
    return [
        text[0].upper() + text[1:] + ". The Gemeinde-level Destatis figures are used "
        "in the rest of the suite."
    ]


def _compared(study: StructureStudy, column: str) -> bool:
    """Whether the published table gives ``column`` for any unit also in the aggregation."""
    published = study.published
    matched = published["unit_key"].isin(study.units["unit_key"])
    return bool((matched & published[column].notna()).any())


def _area_clause(study: StructureStudy, areas: pd.DataFrame, fmt: Fmt) -> str:
    """What the area disagreements amount to."""
    if not _compared(study, "area_km2"):
        return "the published table gives no unit areas to compare"
    if areas.empty:
        return f"areas agree within {AREA_TOLERANCE} km²"
    n, largest = len(areas), float(areas["difference"].abs().max())
    text = (
        f"{_plural(n, 'unit area')} {_verb(n, 'differ')} by at most {fmt(largest, 2)} km² "
        f"({fmt(100 * largest)} ha)"
    )
    if largest <= CADASTRE_NOISE:
        return (
            f"{text}, small enough to come from different survey or rounding states of the cadastre"
        )
    return f"{text}, more than rounding explains: check the Gebietsstand of both sources"


def _population_clause(study: StructureStudy, populations: pd.DataFrame, fmt: Fmt) -> str:
    """What the population disagreements amount to."""
    if not _compared(study, "population"):
        return "the published table gives no unit populations to compare"
    if populations.empty:
        return "populations agree exactly"
    n, largest = len(populations), float(populations["difference"].abs().max())
    return (
        f"{_plural(n, 'unit population')} {_verb(n, 'differ')}, by up to {fmt(largest)} "
        "inhabitants: check the population dates of both sources"
    )


def _size_lines(study: StructureStudy, fmt: Fmt) -> list[str]:
    """How many Gemeinden and units are small, and their population share."""
    figures = study.key_figures
    n_units_small = figures["n_units_under_10k"].value
    return [
        f"{figures['n_under_10k'].value} of {figures['n_municipalities'].value} Gemeinden have "
        f"fewer than {fmt(SMALL)} inhabitants; they hold "
        f"{fmt(100 * figures['share_pop_under_10k'].value, 1)} % of the population.",
        f"{n_units_small} of the {len(study.units)} administrative units have fewer than "
        f"{fmt(SMALL)} inhabitants.",
    ]


def _density_lines(study: StructureStudy, fmt: Fmt) -> list[str]:
    """The district density and the range over the units."""
    low, high = study.density.iloc[0], study.density.iloc[-1]
    return [
        f"district: {fmt(study.district_density, 1)} inhabitants per km²",
        f"units: from {fmt(low['density'], 1)} ({low['unit_name']}) to "
        f"{fmt(high['density'], 1)} ({high['unit_name']})",
    ]


def _map_lines(study: StructureStudy, fmt: Fmt) -> list[str]:
    """Which boundary file is drawn and how well it joins, or why there are no polygons."""
    if study.polygons is None or study.boundary_file is None:
        return [NO_BOUNDARY_NOTE]
    attrs = study.polygons.attrs
    checks = (
        ("Gemeinden without a polygon", "unmatched_ags"),
        ("polygons not in the municipality table", "extra_ags"),
        ("ARS differs between the sources", "ars_mismatch"),
    )
    return [f"boundaries: {study.boundary_file.name}"] + [
        f"  {label}: {', '.join(attrs[key]) or 'none'}" for label, key in checks
    ]


def _demography_lines(study: StructureStudy, fmt: Fmt) -> list[str]:
    """What the demographic statements cover and which values are derived."""
    if study.demography is None or study.demography_series is None:
        return [study.district.inputs.missing_note("demography")]
    series = study.demography_series
    kinds = series["kind"].value_counts()
    sources = "; ".join(dict.fromkeys(study.demography["source"]))
    return [
        f"{_plural(len(study.demography), 'statement')} by {sources}",
        f"population {series['year'].min()}–{series['year'].max()}: "
        f"{kinds.get('stated', 0)} stated, {kinds.get('derived', 0)} derived from a stated "
        f"change, {kinds.get('projected', 0)} projected; derived and projected values are not "
        "published counts.",
    ]


def _national_lines(study: StructureStudy, fmt: Fmt) -> list[str]:
    """The national shares of small Gemeinden and the number of Kreise."""
    if study.national is None or study.kreise is None or study.gv_file is None:
        return [NO_NATIONAL_NOTE]
    national = study.national
    lines = [
        f"{study.gv_file.name}: {fmt(national['n_municipalities'])} Gemeinden, "
        f"{fmt(national['n_inhabited'])} inhabited; {fmt(100 * national['share_small'], 1)} % "
        f"of the inhabited ones have fewer than {fmt(SMALL)} inhabitants "
        f"({fmt(100 * national['share_pop_small'], 1)} % of the population lives in them); "
        f"{len(study.kreise)} Kreise"
    ]
    if study.position is None:
        lines.append(f"Kreis {study.district.kreis_key} is not in {study.gv_file.name}.")
    return lines


_DESCRIBERS: dict[str, Callable[[StructureStudy, Fmt], list[str]]] = {
    "district": _district_lines,
    "units": _units_lines,
    "size_classes": _size_lines,
    "density": _density_lines,
    "map": _map_lines,
    "demography": _demography_lines,
    "national": _national_lines,
}
