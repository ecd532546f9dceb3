"""Study ``structure`` (notebook ``01_municipal_structure``): the municipal structure of a district.

Who are the Gemeinden of the district, how large are they, how are they grouped into
administrative units (an Einheitsgemeinde is one unit, the members of a joint administration
together form one), does the Gemeinde-level statistic reproduce a unit table published by a
study, and where does the district stand among all German Kreise?

:func:`run` loads the district's municipalities (its ``municipalities.csv``, else the
embedded nationwide extract) and, where present, its published unit table and demographic
statements (:data:`ikzlib.catalog.INPUTS`). The national comparison uses the embedded
extract of the Destatis Auszug GV (:func:`ikzlib.destatis.extract_units`) unless ``gv_file``
names another Gemeindeverzeichnis file; the map uses a BKG boundary file from the reference
folder, else the embedded VG5000 layer (:func:`ikzlib.germany.boundaries`). So every district
gets the whole study on a fresh clone. Every part whose data is missing is ``None`` in the
result, with a note saying what is missing and how to add it.

A kreisfreie Stadt, or any district whose Gemeinden form a single administrative unit, is
said to be one: inter-municipal cooperation inside it is not the question, so there is no
ranking of units (``density`` is ``None``) and, for a single Gemeinde, no size distribution
(``size_classes`` is ``None``). Uninhabited gemeindefreie Gebiete of the Kreis are listed
(``uninhabited``) but are never municipalities or units.
:meth:`StructureStudy.describe` turns the result into sentences for the notebook.

Examples
--------
>>> from ikzlib.studies import structure
>>> study = structure.run("harz")  # doctest: +SKIP
>>> study.key_figures["n_units"].value  # doctest: +SKIP
14
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from ikzlib import boundaries, destatis, germany
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

SMALL = destatis.SMALL_MUNICIPALITY_LIMIT
AREA_TOLERANCE = 0.005  # km²: both sources round areas to two decimals
CADASTRE_NOISE = 0.1  # km²: area differences up to this look like survey/rounding states

_DESTATIS = (
    "Destatis GV-ISys Gemeindeverzeichnis, Auszug GV (the district's municipalities.csv, else "
    "the embedded extract)"
)
_AGGREGATED = "Gemeinden aggregated to administrative units by ARS digits 1-9"
_NATIONAL = (
    "Destatis GV-ISys Auszug GV, all inhabited German Gemeinden (the embedded extract of "
    "data/raw/germany, or the gv_file given)"
)
_BOUNDARIES = (
    "BKG VG250/VG5000: the file in the reference folder (or boundary_file), else the embedded "
    "VG5000 extract of data/raw/germany"
)
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
            source=_BOUNDARIES,
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
        Gemeinden and population per size class (:func:`ikzlib.structure.size_class_table`);
        ``None`` for a district of a single Gemeinde.
    density
        Units sorted by density (``unit_name``, ``unit_type``, ``population``, ``area_km2``,
        ``density``); ``None`` for a district of a single administrative unit.
    district_density
        Inhabitants per km² of the whole district.
    population_date
        Stichtag(e) of the population figures, ``;``-separated.
    source
        Publications behind the municipality table.
    published, side_by_side, disagreements
        The published unit table, both sources next to each other and every cell where they
        disagree (:func:`ikzlib.structure.compare_units`); ``None`` without a published table.
    uninhabited
        Uninhabited gemeindefreie Gebiete of the Kreis in the embedded extract (``ags``,
        ``name``, ``area_km2``): not municipalities, never units, not in the tables above.
    boundary_file, boundary_source, polygons, outline
        The BKG file used (the embedded ``vg5000_gem.parquet`` when there is none in the
        reference folder), what it is, the Gemeinden joined to their polygons and the Kreis
        outline; ``None`` without boundaries.
    demography, demography_series
        Demographic statements of a study and the population by year derived from them;
        ``None`` without statements.
    gv_file, national_source, national, kreise, position
        The Germany-wide Destatis data (``gv_file``: the file given, else the embedded
        ``municipalities.parquet``) and what it is, the national small-Gemeinde shares
        (:func:`ikzlib.destatis.national_small_municipality_share`), one row per Kreis
        (:func:`ikzlib.destatis.kreis_comparison`) and the district's position among them;
        ``None`` without national data.
    """

    municipalities: pd.DataFrame
    units: pd.DataFrame
    size_classes: pd.DataFrame | None
    density: pd.DataFrame | None
    district_density: float
    population_date: str
    source: str
    uninhabited: pd.DataFrame | None = None
    published: pd.DataFrame | None = None
    side_by_side: pd.DataFrame | None = None
    disagreements: pd.DataFrame | None = None
    boundary_file: Path | None = None
    boundary_source: str | None = None
    polygons: gpd.GeoDataFrame | None = None
    outline: gpd.GeoDataFrame | None = None
    demography: pd.DataFrame | None = None
    demography_series: pd.DataFrame | None = None
    gv_file: Path | None = None
    national_source: str | None = None
    national: dict[str, float | int] | None = None
    kreise: pd.DataFrame | None = None
    position: pd.DataFrame | None = None

    @property
    def unit_table(self) -> pd.DataFrame:
        """Units next to the published table when there is one, else the units alone."""
        return self.side_by_side if self.side_by_side is not None else self.units[_UNIT_COLUMNS]

    @property
    def national_label(self) -> str | None:
        """Short name of the national data for a figure's source line (``None`` without it).

        The file name of ``gv_file``, or ``Auszug GV <Gebietsstand> (embedded extract)``.
        """
        if self.gv_file is None or self.national_source is None:
            return None
        if EMBEDDED_LABEL not in self.national_source:
            return self.gv_file.name
        stand = re.search(r"Gebietsstand (\d{2}\.\d{2}\.\d{4})", self.national_source)
        date = f" {stand.group(1)}" if stand else ""
        return f"Auszug GV{date} ({EMBEDDED_LABEL})"

    @property
    def single_unit(self) -> bool:
        """Whether the district is one administrative unit (e.g. a kreisfreie Stadt)."""
        return len(self.units) == 1

    @property
    def size_class_percent(self) -> pd.DataFrame | None:
        """The size-class table with its shares as percentages (one decimal)."""
        if self.size_classes is None:
            return None
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
    "No boundaries: neither a BKG boundary file (VG250 or VG5000) in the reference folder nor "
    "the embedded VG5000 extract (data/raw/germany) was found, so the map shows the centre "
    "points only. To add one: put the BKG product in the reference folder "
    "(IKZ_REFERENCE_DIR), pass boundary_file, or rebuild the extract (python -m ikzlib.germany)."
)
NO_NATIONAL_NOTE = (
    "The embedded nationwide extract (data/raw/germany) is missing, so the national "
    "comparison is skipped. To add it: rebuild it (python -m ikzlib.germany) or pass gv_file "
    "(a Destatis Auszug GV workbook or GV100AD file)."
)
EMBEDDED_LABEL = "embedded extract"
_UNINHABITED_LISTED = 6  # names of uninhabited areas listed in a note before "and N more"


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
        Destatis Gemeindeverzeichnis for the national comparison: an "Auszug GV" workbook
        of any release since 2013 or a GV100AD text file
        (:func:`ikzlib.destatis.read_units`); ``None`` uses the embedded extract of the Auszug
        GV 31.12.2021 (:func:`ikzlib.destatis.extract_units`).
    boundary_file
        BKG VG250/VG5000 municipality layer; ``None`` looks in the reference folder
        (:func:`ikzlib.boundaries.discover_boundary_file`) and else uses the embedded,
        generalised VG5000 layer (:func:`ikzlib.germany.boundaries`).

    Returns
    -------
    StructureStudy
        Tables, figure inputs, key figures and notes; draws and writes nothing.

    Raises
    ------
    ParameterError
        When ``gv_file`` or ``boundary_file`` is given but is not an existing file.
    DataValidationError
        When ``gv_file`` is not a Gemeindeverzeichnis the readers accept.
    """
    district = resolve(district)
    gv_path = _file_parameter("gv_file", gv_file)
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
        size_classes=size_class_table(municipalities) if len(municipalities) > 1 else None,
        density=units.sort_values("density")[_DENSITY_COLUMNS] if len(units) > 1 else None,
        district_density=float(
            municipalities["population"].sum() / municipalities["area_km2"].sum()
        ),
        population_date=";".join(sorted(set(municipalities["population_date"]))),
        source=source_summary(municipalities),
        uninhabited=_uninhabited_areas(district),
        **{name: value for part in parts for name, value in part.fields.items()},
    )
    fmt = partial(_format, german=False)
    findings = (
        *_joint_administration_lines(study, fmt),
        *_agreement_lines(study, fmt),
        *_uninhabited_lines(study, fmt),
    )
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


def _uninhabited_areas(district: District) -> pd.DataFrame | None:
    """The Kreis's uninhabited gemeindefreie Gebiete from the embedded extract (if present)."""
    try:
        everything = germany.municipalities()
    except DataValidationError:
        return None
    rows = everything[everything["kreis_key"].eq(district.kreis_key) & ~everything["inhabited"]]
    return rows[["ags", "name", "area_km2"]].reset_index(drop=True)


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
    """Gemeinde polygons and the Kreis outline from a BKG file, else the embedded layer."""
    if path is None:
        return _embedded_boundary_part(district, municipalities)
    polygons = boundaries.municipality_boundaries(path, municipalities)
    source = f"BKG boundary file {path.name} ({path.parent.name})"
    try:
        outline = boundaries.district_outline(path, district.kreis_key)
    except DataValidationError as exc:
        return _polygon_part(path, source, polygons, None, f"No district outline: {exc}.")
    return _polygon_part(path, source, polygons, outline)


def _embedded_boundary_part(district: District, municipalities: pd.DataFrame) -> _Part:
    """Polygons and outline from the embedded VG5000 extract (or a note without it)."""
    try:
        gem, krs = germany.boundaries("GEM"), germany.boundaries("KRS")
    except DataValidationError:
        return _Part({}, (NO_BOUNDARY_NOTE,))
    polygons = boundaries.join_polygons(municipalities, gem)
    outline = krs[krs["AGS"].eq(district.kreis_key)].reset_index(drop=True)
    path = germany.data_dir() / germany.FILES["GEM"]
    if outline.empty:
        note = f"No district outline: Kreis {district.kreis_key} is not in the embedded KRS layer."
        return _polygon_part(path, _embedded_boundary_source(), polygons, None, note)
    return _polygon_part(path, _embedded_boundary_source(), polygons, outline)


def _polygon_part(
    path: Path,
    source: str,
    polygons: gpd.GeoDataFrame,
    outline: gpd.GeoDataFrame | None,
    note: str | None = None,
) -> _Part:
    """The boundary fields, with notes on Gemeinden without polygon and a missing outline."""
    unmatched = polygons.attrs["unmatched_ags"]
    notes = [note] if note else []
    if unmatched:
        listed = ", ".join(unmatched)
        notes.insert(0, f"{len(unmatched)} Gemeinde(n) have no polygon in {path.name}: {listed}.")
    fields = {"boundary_file": path, "boundary_source": source, "polygons": polygons}
    if outline is not None:
        fields["outline"] = outline
    return _Part(fields, tuple(notes))


def _embedded_boundary_source() -> str:
    """What the embedded boundary layer is: product, Stichtag (from the extract's README), file."""
    readme = germany.data_dir() / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    match = re.search(r"VG5000[^|\n]*\|[^|\n]*\|\s*(\d{2}\.\d{2}\.\d{4})", text)
    stichtag = f" {match.group(1)}" if match else ""
    return (
        f"BKG VG5000{stichtag}, {EMBEDDED_LABEL} data/raw/germany/{germany.FILES['GEM']} "
        "(generalised)"
    )


def _demography_part(district: District) -> _Part:
    """Demographic statements and the series derived from them (or a note)."""
    if not district.inputs.has("demography"):
        return _Part({}, (district.inputs.missing_note("demography"),))
    statements = read_demography(district.inputs.path("demography"))
    return _Part({"demography": statements, "demography_series": demography_series(statements)})


def _national_part(district: District, path: Path | None) -> _Part:
    """National shares, the Kreis comparison and the district's position (or a note)."""
    data = path if path is not None else germany.data_dir() / germany.FILES["municipalities"]
    if not data.is_file():
        return _Part({}, (NO_NATIONAL_NOTE,))
    stat = data.stat()
    kreise, national, source = _national_tables(
        None if path is None else path.resolve(), (str(data.resolve()), stat.st_mtime_ns)
    )
    found = {
        "gv_file": data,
        "national_source": source,
        "national": dict(national),
        "kreise": kreise.copy(),
    }
    if district.kreis_key not in set(kreise["kreis_key"]):
        note = f"Kreis {district.kreis_key} has no inhabited Gemeinde in {data.name}: no position."
        return _Part(found, (note,))
    return _Part({**found, "position": destatis.district_position(kreise, district.kreis_key)})


def clear_cache() -> None:
    """Forget the Germany-wide tables read so far (they are kept per file and version)."""
    _national_tables.cache_clear()


@lru_cache(maxsize=4)
def _national_tables(
    path: Path | None, _stamp: tuple[str, int]
) -> tuple[pd.DataFrame, dict[str, float | int], str]:
    """Kreis comparison, national shares and source of one Destatis file or the extract."""
    units = destatis.extract_units() if path is None else destatis.read_units(path)
    source = "; ".join(sorted(set(units["source"].dropna())))
    if path is None:
        source += f"; {EMBEDDED_LABEL} data/raw/germany/{germany.FILES['municipalities']}"
    return (
        destatis.kreis_comparison(units),
        destatis.national_small_municipality_share(units),
        source,
    )


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
        "boundaries": _boundary_figure(study),
    }


def _boundary_figure(study: StructureStudy) -> Any:
    """The boundary file's name (or a label for the embedded layer), with its source."""
    if study.boundary_file is None:
        return "none"
    source = study.boundary_source or study.boundary_file.name
    if EMBEDDED_LABEL in source:
        stichtag = re.search(r"\d{2}\.\d{2}\.\d{4}", source)
        label = f"VG5000 {stichtag.group(0)} ({EMBEDDED_LABEL})" if stichtag else source
        return Reported(label, source=source)
    return Reported(study.boundary_file.name, source=source)


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
    if study.national is None or study.kreise is None or study.national_source is None:
        return {}
    source = f"{study.national_source}; all inhabited German Gemeinden"
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
        f"{_plural(figures['n_municipalities'].value, 'Gemeinde', 'Gemeinden')} in "
        f"{_plural(len(study.units), 'administrative unit')}, "
        f"{fmt(figures['population'].value)} inhabitants on {study.population_date}, "
        f"{fmt(figures['area_km2'].value, 2)} km²",
        *_joint_administration_lines(study, fmt),
    ]


def _joint_administration_lines(study: StructureStudy, fmt: Fmt) -> list[str]:
    """Which units are Einheitsgemeinden and which joint administrations the district has."""
    if study.single_unit:
        return [_single_unit_sentence(study)]
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


_UNINHABITED = "uninhabited gemeindefreies Gebiet"
_UNINHABITED_PLURAL = "uninhabited gemeindefreie Gebiete"
_SINGLE_KINDS = {"Kreisfreie Stadt": "a kreisfreie Stadt", "Stadtkreis": "a Stadtkreis"}


def _single_unit_sentence(study: StructureStudy) -> str:
    """That the district is one administrative unit, so cooperation inside it is no question."""
    d, n = study.district, len(study.municipalities)
    if n == 1:
        kind = _SINGLE_KINDS.get(d.kreis_type, "a single Gemeinde")
        head = (
            f"{d.official_name} is {kind}: the district is a single municipality and one "
            "administrative unit"
        )
    else:
        unit = study.units.iloc[0]
        head = (
            f"All {n} Gemeinden of {d.official_name} form one administrative unit "
            f"({unit['unit_type']} {unit['unit_name']}), so the district is one "
            "administrative unit"
        )
    return (
        f"{head}. Inter-municipal cooperation inside it is not the question: the figures "
        "describe the district as a whole and place it among all German Kreise; there is "
        "no ranking of units."
    )


def _uninhabited_lines(study: StructureStudy, fmt: Fmt) -> list[str]:
    """The Kreis's uninhabited gemeindefreie Gebiete, which are never municipalities."""
    areas = study.uninhabited
    if areas is None or areas.empty:
        return []
    names = areas["name"].tolist()
    listed = ", ".join(names[:_UNINHABITED_LISTED]) + (
        f" and {len(names) - _UNINHABITED_LISTED} more" if len(names) > _UNINHABITED_LISTED else ""
    )
    n = len(areas)
    what = _plural(n, _UNINHABITED, _UNINHABITED_PLURAL)
    they = (
        "it is not a municipality, forms no administrative unit and is"
        if n == 1
        else "they are not municipalities, form no administrative unit and are"
    )
    return [
        f"The Kreis also holds {what} ({fmt(areas['area_km2'].sum(), 2)} km²: {listed}); "
        f"{they} left out of every table, figure and count."
    ]


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
    population = figures["population"].value
    if study.size_classes is None:
        relation = "fewer" if population < SMALL else "not fewer"
        return [
            f"The district is a single Gemeinde of {fmt(population)} inhabitants ({relation} "
            f"than {fmt(SMALL)}): there is no size distribution of Gemeinden."
        ]
    lines = [
        f"{figures['n_under_10k'].value} of {figures['n_municipalities'].value} Gemeinden have "
        f"fewer than {fmt(SMALL)} inhabitants; they hold "
        f"{fmt(100 * figures['share_pop_under_10k'].value, 1)} % of the population."
    ]
    if study.single_unit:
        return [*lines, f"The one administrative unit has {fmt(population)} inhabitants."]
    n_units_small = figures["n_units_under_10k"].value
    return [
        *lines,
        f"{n_units_small} of the {len(study.units)} administrative units have fewer than "
        f"{fmt(SMALL)} inhabitants.",
    ]


def _density_lines(study: StructureStudy, fmt: Fmt) -> list[str]:
    """The district density and the range over the units."""
    district = f"district: {fmt(study.district_density, 1)} inhabitants per km²"
    if study.density is None:
        return [district, "one administrative unit: no ranking of units by density."]
    low, high = study.density.iloc[0], study.density.iloc[-1]
    return [
        district,
        f"units: from {fmt(low['density'], 1)} ({low['unit_name']}) to "
        f"{fmt(high['density'], 1)} ({high['unit_name']})",
    ]


def _map_lines(study: StructureStudy, fmt: Fmt) -> list[str]:
    """Which boundary file is drawn and how well it joins, or why there are no polygons."""
    if study.polygons is None or study.boundary_file is None:
        return [NO_BOUNDARY_NOTE]
    attrs = study.polygons.attrs
    uninhabited = set(study.uninhabited["ags"]) if study.uninhabited is not None else set()
    extra = [ags for ags in attrs["extra_ags"] if ags not in uninhabited]
    checks = (
        ("Gemeinden without a polygon", attrs["unmatched_ags"]),
        ("polygons not in the municipality table", extra),
        ("ARS differs between the sources", attrs["ars_mismatch"]),
    )
    lines = [f"boundaries: {study.boundary_source or study.boundary_file.name}"]
    lines += [f"  {label}: {', '.join(values) or 'none'}" for label, values in checks]
    left_blank = len(set(attrs["extra_ags"]) & uninhabited)
    if left_blank:
        what = _plural(left_blank, _UNINHABITED, _UNINHABITED_PLURAL)
        lines.append(f"  {what} left blank (not municipalities)")
    return lines


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
    if study.national is None or study.kreise is None or study.national_source is None:
        return [NO_NATIONAL_NOTE]
    national = study.national
    lines = [
        f"data: {study.national_source}",
        f"{fmt(national['n_municipalities'])} inhabited Gemeinden (the "
        f"{fmt(national['n_uninhabited'])} uninhabited gemeindefreie Gebiete are not counted); "
        f"{fmt(100 * national['share_small'], 1)} % of them have fewer than {fmt(SMALL)} "
        f"inhabitants ({fmt(100 * national['share_pop_small'], 1)} % of the population lives "
        f"in them); {len(study.kreise)} Kreise",
    ]
    if study.position is None:
        lines.append(f"Kreis {study.district.kreis_key} has no inhabited Gemeinde in the data.")
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
