"""Nationwide reference data embedded in the repository (``data/raw/germany/``).

A fresh clone needs no download for the Germany-wide view: this module holds compact,
derived extracts of two official publications, built by :func:`build` from the raw files
(which never enter the repository) and read by cached functions.

* Destatis GV-ISys "Auszug GV" (read with :func:`ikzlib.destatis.read_auszug_gv`):
  :func:`municipalities` (every Gemeinde, including uninhabited gemeindefreie Gebiete, which
  are kept but flagged), :func:`kreise` and :func:`gemeindeverbaende`.
* BKG VG5000 (read with :func:`ikzlib.boundaries.read_layer`): :func:`boundaries` for the
  levels ``GEM``, ``VWG``, ``KRS`` and ``LAN`` as GeoDataFrames in the source CRS
  (EPSG:31467), simplified as a *coverage* so that neighbouring polygons keep their shared
  borders, and snapped to a 1 m grid.

Rebuild (any later release is imported the same way)::

    python -m ikzlib.germany --gv ../shared/data/destatis/31122021_Auszug_GV.xlsx \\
        --vg5000 ../shared/data/bkg_vg5000_2021 --out data/raw/germany

Columns of :func:`municipalities` (one row per Gemeinde, sorted by AGS):

=========================  ===================================================================
ags, ars                   8-digit AGS, 12-digit ARS (text)
name                       official name
text_code                  Textkennzeichen of the Gemeinde record (``63`` Stadt, ``66``
municipality_type          gemeindefreies Gebiet, unbewohnt ...) and its label
land_key, land_name        2-digit Land key and name
kreis_key, kreis_name      5-digit Kreis key and name (name missing for the pseudo-Kreis keys
                           of uninhabited areas without a Kreis record, e.g. ``13000``)
gemeindeverband_key        4-digit Gemeindeverband part of the ARS
gemeindeverband_name       name of the Gemeindeverband record (digits 1-9 of the ARS)
gemeindeverband_text_code  Textkennzeichen of that record (``50`` verbandsfrei, ``53`` ...)
gemeindeverband_type       its label; :data:`ikzlib.municipalities.VERBANDSFREI` for
                           verbandsfreie Gemeinden, :data:`UNINHABITED_TYPE` for uninhabited
                           gemeindefreie Gebiete (which are never administrative units)
area_km2                   area in km² (Destatis)
population                 inhabitants at ``population_date``
population_date            Stichtag of the population, ISO date
territorial_date           Gebietsstand, ISO date
lon, lat                   centre, WGS84 degrees; missing when the publication has none
inhabited                  ``population > 0``
source                     publication, file and dates
=========================  ===================================================================
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ikzlib import paths
from ikzlib.errors import DataValidationError
from ikzlib.io import atomic_path, write_text
from ikzlib.municipalities import VERBANDSFREI

if TYPE_CHECKING:
    import geopandas as gpd

GERMANY_DIR = paths.DATA_RAW / "germany"
LAYERS = ("GEM", "VWG", "KRS", "LAN")
FILES = {
    "municipalities": "municipalities.parquet",
    "kreise": "kreise.parquet",
    "gemeindeverbaende": "gemeindeverbaende.parquet",
    **{layer: f"vg5000_{layer.lower()}.parquet" for layer in LAYERS},
}
UNINHABITED_TYPE = "gemeindefreies Gebiet"
KREISFREI_CODES = {"41", "42"}  # Kreisfreie Stadt, Stadtkreis
VERBANDSFREI_CODE = "50"  # Gemeindeverband record of a verbandsfreie Gemeinde
# Coverage simplification tolerance (metres, CRS units) and grid the vertices are snapped to.
SIMPLIFY_TOLERANCE_M = 500.0
GRID_M = 1.0
BOUNDARY_COLUMNS = ["ARS", "AGS", "GEN", "BEZ", "GF", "NUTS"]
_COMPRESSION = "zstd"

MUNICIPALITY_COLUMNS = [
    "ags",
    "ars",
    "name",
    "text_code",
    "municipality_type",
    "land_key",
    "land_name",
    "kreis_key",
    "kreis_name",
    "gemeindeverband_key",
    "gemeindeverband_name",
    "gemeindeverband_text_code",
    "gemeindeverband_type",
    "area_km2",
    "population",
    "population_date",
    "territorial_date",
    "lon",
    "lat",
    "inhabited",
    "source",
]
KREIS_COLUMNS = [
    "kreis_key",
    "name",
    "text_code",
    "type",
    "kreisfrei",
    "land_key",
    "land_name",
    "n_municipalities",
    "n_inhabited",
    "n_units",
    "population",
    "area_km2",
    "population_date",
    "territorial_date",
    "source",
]
GEMEINDEVERBAND_COLUMNS = [
    "ars",
    "gemeindeverband_key",
    "name",
    "text_code",
    "type",
    "land_key",
    "land_name",
    "kreis_key",
    "kreis_name",
    "n_municipalities",
    "n_inhabited",
    "population",
    "area_km2",
    "source",
]


# --- readers ------------------------------------------------------------------------------


def data_dir(directory: str | Path | None = None) -> Path:
    """The extract folder: ``directory`` if given, else ``data/raw/germany``."""
    return Path(directory) if directory is not None else GERMANY_DIR


def _file(name: str, directory: str | Path | None) -> Path:
    path = data_dir(directory) / FILES[name]
    if not path.exists():
        raise DataValidationError(
            path, "embedded nationwide extract not found (rebuild: python -m ikzlib.germany)"
        )
    return path


def _stamp(path: Path) -> tuple[str, int, int]:
    """Cache key: a rebuilt file (new mtime or size) is read again."""
    stat = path.stat()
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=8)
def _read_table(stamp: tuple[str, int, int]) -> pd.DataFrame:
    return pd.read_parquet(stamp[0])


@lru_cache(maxsize=8)
def _read_geo(stamp: tuple[str, int, int]) -> gpd.GeoDataFrame:
    import geopandas as gpd

    return gpd.read_parquet(stamp[0])


def municipalities(directory: str | Path | None = None) -> pd.DataFrame:
    """Every Gemeinde of Germany (see the module docstring for the columns).

    Uninhabited gemeindefreie Gebiete are included with ``inhabited=False`` and
    ``gemeindeverband_type == UNINHABITED_TYPE``; filter on ``inhabited`` to count
    municipalities. Returns a copy (the file is read once per process).
    """
    return _read_table(_stamp(_file("municipalities", directory))).copy()


def kreise(directory: str | Path | None = None) -> pd.DataFrame:
    """Every Kreis and kreisfreie Stadt with a Kreis record (sorted by ``kreis_key``).

    ``type`` is the label of the official Textkennzeichen (Kreisfreie Stadt, Stadtkreis, Kreis,
    Landkreis, Regionalverband); ``kreisfrei`` is true for the first two. Counts:
    ``n_municipalities`` (all Gemeinde records), ``n_inhabited``, ``n_units`` (administrative
    units of the inhabited Gemeinden: distinct ARS digits 1-9), ``population`` and
    ``area_km2`` (sums over the Gemeinden).
    """
    return _read_table(_stamp(_file("kreise", directory))).copy()


def gemeindeverbaende(directory: str | Path | None = None) -> pd.DataFrame:
    """Every Gemeindeverband record (9-digit ``ars``), including the records of verbandsfreie
    Gemeinden (text code ``50``) and of uninhabited areas (``type`` :data:`UNINHABITED_TYPE`),
    with member counts, population and area; sorted by ``ars``."""
    return _read_table(_stamp(_file("gemeindeverbaende", directory))).copy()


def boundaries(layer: str = "GEM", directory: str | Path | None = None) -> gpd.GeoDataFrame:
    """A simplified BKG VG5000 layer: ``GEM``, ``VWG``, ``KRS`` or ``LAN``.

    Columns ``ARS``, ``AGS``, ``GEN``, ``BEZ``, ``GF`` (Geofaktor, text as read by
    :func:`ikzlib.boundaries.read_layer`; the Länder layer has water parts with ``GF`` 8),
    ``NUTS`` and ``geometry`` in the source CRS. Every map drawing it must carry
    :data:`ikzlib.figures.BKG_ATTRIBUTION`.
    """
    layer = layer.upper()
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r}; expected one of {LAYERS}")
    return _read_geo(_stamp(_file(layer, directory))).copy()


def clear_cache() -> None:
    """Forget the tables read so far (tests that rewrite the files in place)."""
    _read_table.cache_clear()
    _read_geo.cache_clear()


# --- building the extract from the official files -----------------------------------------


def municipality_table(units: pd.DataFrame) -> pd.DataFrame:
    """Every Gemeinde of a unit table (:func:`ikzlib.destatis.read_auszug_gv`), flagged.

    Coordinates published as exactly (0, 0) (the condominium area 07000999 in 2021) are
    placeholders and become missing; no coordinate is ever filled in.
    """
    gemeinden = units[units["level"].eq("Gemeinde")].copy()
    if gemeinden.empty:
        raise DataValidationError(_units_source(units), "no Gemeinde records")
    lands = units[units["level"].eq("Land")].set_index("land_key")["name"]
    kreis_records = units[units["level"].eq("Kreis")].set_index("kreis_key")
    verbaende = units[units["level"].eq("Gemeindeverband")].set_index("ars")
    key9 = gemeinden["ars"].str[:9]
    missing = sorted(set(key9) - set(verbaende.index))
    if missing:
        row = gemeinden.loc[key9.isin(missing), "line"].iloc[0]
        raise DataValidationError(
            _units_source(units),
            f"Gemeinde(n) refer to Gemeindeverband(s) {missing[:5]} without a record of their own",
            row=int(row),
        )
    frame = pd.DataFrame(
        {
            "ags": gemeinden["ags"],
            "ars": gemeinden["ars"],
            "name": gemeinden["name"],
            "text_code": gemeinden["text_code"],
            "municipality_type": gemeinden["type"],
            "land_key": gemeinden["land_key"],
            "land_name": gemeinden["land_key"].map(lands),
            "kreis_key": gemeinden["kreis_key"],
            "kreis_name": gemeinden["kreis_key"].map(kreis_records["name"]),
            "gemeindeverband_key": gemeinden["gemeindeverband_key"],
            "gemeindeverband_name": key9.map(verbaende["name"]),
            "gemeindeverband_text_code": key9.map(verbaende["text_code"]),
            "gemeindeverband_type": key9.map(verbaende["type"]),
            "area_km2": gemeinden["area_km2"].astype("float64"),
            "population": gemeinden["population"].astype("int64"),
            "population_date": gemeinden["population_date"],
            "territorial_date": gemeinden["territorial_date"],
            "lon": gemeinden["lon"].astype("float64"),
            "lat": gemeinden["lat"].astype("float64"),
            "source": gemeinden["source"],
        }
    )
    placeholder = frame["lon"].eq(0) & frame["lat"].eq(0)
    frame.loc[placeholder, ["lon", "lat"]] = np.nan
    frame["inhabited"] = frame["population"].gt(0)
    frame.loc[frame["gemeindeverband_text_code"].eq(VERBANDSFREI_CODE), "gemeindeverband_type"] = (
        VERBANDSFREI
    )
    frame.loc[~frame["inhabited"], "gemeindeverband_type"] = UNINHABITED_TYPE
    if frame["gemeindeverband_type"].isna().any():
        raise DataValidationError(
            _units_source(units), "a Gemeindeverband record has no Textkennzeichen"
        )
    if frame["ags"].duplicated().any():
        dup = frame.loc[frame["ags"].duplicated(), "ags"].iloc[0]
        raise DataValidationError(_units_source(units), f"AGS {dup} occurs twice")
    for column in ("ags", "ars", "name", "land_key", "kreis_key", "gemeindeverband_key"):
        if frame[column].isna().any():
            raise DataValidationError(_units_source(units), f"a Gemeinde has no {column}")
    frame = frame.sort_values("ags", kind="stable").reset_index(drop=True)
    return frame[MUNICIPALITY_COLUMNS]


def kreis_table(units: pd.DataFrame, gemeinden: pd.DataFrame) -> pd.DataFrame:
    """Every Kreis record with counts over its Gemeinden (see :func:`kreise`)."""
    records = units[units["level"].eq("Kreis")]
    lands = units[units["level"].eq("Land")].set_index("land_key")["name"]
    frame = pd.DataFrame(
        {
            "kreis_key": records["kreis_key"],
            "name": records["name"],
            "text_code": records["text_code"],
            "type": records["type"],
            "kreisfrei": records["text_code"].isin(KREISFREI_CODES),
            "land_key": records["land_key"],
            "land_name": records["land_key"].map(lands),
        }
    )
    counts = _member_counts(gemeinden, "kreis_key")
    inhabited = gemeinden[gemeinden["inhabited"]]
    counts["n_units"] = inhabited.groupby("kreis_key")["ars"].agg(lambda s: s.str[:9].nunique())
    frame = frame.merge(counts, left_on="kreis_key", right_index=True, how="left")
    frame["n_units"] = frame["n_units"].fillna(0).astype("int64")
    for column in ("n_municipalities", "n_inhabited", "population"):
        frame[column] = frame[column].fillna(0).astype("int64")
    frame["population_date"] = _single(gemeinden["population_date"])
    frame["territorial_date"] = _single(gemeinden["territorial_date"])
    frame["source"] = _single(gemeinden["source"])
    frame = frame.sort_values("kreis_key", kind="stable").reset_index(drop=True)
    return frame[KREIS_COLUMNS]


def gemeindeverband_table(units: pd.DataFrame, gemeinden: pd.DataFrame) -> pd.DataFrame:
    """Every Gemeindeverband record with counts over its Gemeinden."""
    records = units[units["level"].eq("Gemeindeverband")]
    lands = units[units["level"].eq("Land")].set_index("land_key")["name"]
    kreis_names = units[units["level"].eq("Kreis")].set_index("kreis_key")["name"]
    frame = pd.DataFrame(
        {
            "ars": records["ars"],
            "gemeindeverband_key": records["gemeindeverband_key"],
            "name": records["name"],
            "text_code": records["text_code"],
            "type": records["type"],
            "land_key": records["land_key"],
            "land_name": records["land_key"].map(lands),
            "kreis_key": records["kreis_key"],
            "kreis_name": records["kreis_key"].map(kreis_names),
        }
    )
    members = gemeinden.assign(key9=gemeinden["ars"].str[:9])
    counts = _member_counts(members, "key9")
    frame = frame.merge(counts, left_on="ars", right_index=True, how="left")
    for column in ("n_municipalities", "n_inhabited", "population"):
        frame[column] = frame[column].fillna(0).astype("int64")
    frame.loc[frame["text_code"].eq(VERBANDSFREI_CODE), "type"] = VERBANDSFREI
    only_uninhabited = frame["n_municipalities"].gt(0) & frame["n_inhabited"].eq(0)
    frame.loc[only_uninhabited, "type"] = UNINHABITED_TYPE
    frame["source"] = _single(gemeinden["source"])
    frame = frame.sort_values("ars", kind="stable").reset_index(drop=True)
    return frame[GEMEINDEVERBAND_COLUMNS]


def _member_counts(gemeinden: pd.DataFrame, key: str) -> pd.DataFrame:
    grouped = gemeinden.groupby(key)
    return pd.DataFrame(
        {
            "n_municipalities": grouped.size(),
            "n_inhabited": grouped["inhabited"].sum(),
            "population": grouped["population"].sum(),
            "area_km2": grouped["area_km2"].sum().round(2),
        }
    )


def _single(values: pd.Series) -> str:
    distinct = sorted(set(values.dropna()))
    return distinct[0] if len(distinct) == 1 else "; ".join(distinct)


def _units_source(units: pd.DataFrame) -> str:
    sources = sorted(set(units["source"].dropna()))
    return sources[0] if len(sources) == 1 else "<regional units>"


def find_vg5000(directory: str | Path) -> Path:
    """The municipality layer file of a BKG product folder (``*_GEM.shp`` or a GeoPackage)."""
    directory = Path(directory)
    if directory.is_file():
        return directory
    if not directory.is_dir():
        raise DataValidationError(directory, "BKG folder not found")
    for pattern in ("*_GEM.shp", "*_gem.shp", "*.gpkg"):
        found = sorted(directory.glob(pattern))
        if found:
            return found[0]
    raise DataValidationError(directory, "no *_GEM.shp or GeoPackage in the BKG folder")


def boundary_layer(
    path: str | Path, level: str, tolerance: float = SIMPLIFY_TOLERANCE_M, grid: float = GRID_M
) -> gpd.GeoDataFrame:
    """Read one BKG level and simplify it as a coverage (shared borders stay shared).

    Invalid rings (self-intersections in the published file) are repaired with
    ``shapely.make_valid(method="structure")``; the layer is then simplified with
    ``shapely.coverage_simplify`` (GEOS coverage simplifier: every shared edge is simplified
    once, so neighbours still touch along a line) and snapped to a ``grid`` metre grid.
    """
    import geopandas as gpd
    import shapely

    from ikzlib import boundaries as bkg

    frame = bkg.read_layer(path, level)
    columns = [c for c in BOUNDARY_COLUMNS if c in frame.columns]
    frame = frame[[*columns, "geometry"]].copy()
    for column in ("AGS", "NUTS"):  # BKG writes dashes where a level has no such key
        if column in frame.columns:
            frame[column] = frame[column].where(~frame[column].str.fullmatch(r"-+"), None)
    geometry = np.asarray(frame.geometry.values)
    invalid = ~shapely.is_valid(geometry)
    geometry[invalid] = shapely.make_valid(
        geometry[invalid], method="structure", keep_collapsed=False
    )
    if tolerance > 0:
        geometry = shapely.coverage_simplify(geometry, tolerance)
    if grid > 0:
        geometry = shapely.set_precision(geometry, grid)
    bad = ~shapely.is_valid(geometry) | shapely.is_empty(geometry)
    if bad.any():
        raise DataValidationError(
            path, f"simplification broke {int(bad.sum())} polygon(s) of level {level}"
        )
    result = gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=geometry, crs=frame.crs)
    result["_order"] = range(len(result))
    sort = ["ARS", "GF", "_order"] if "GF" in result.columns else ["ARS", "_order"]
    result = result.sort_values(sort, kind="stable").drop(columns="_order")
    result.attrs["repaired"] = sorted(frame.loc[invalid, "ARS"])
    return result.reset_index(drop=True)


def _write_table(frame: pd.DataFrame, target: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    # one string type for every text column (pandas gives string or large_string by origin)
    schema = pa.schema(
        [f.with_type(pa.string()) if pa.types.is_large_string(f.type) else f for f in table.schema],
        metadata=table.schema.metadata,
    )
    with atomic_path(target) as tmp:
        pq.write_table(table.cast(schema), tmp, compression=_COMPRESSION)
    return target


def _write_geo(frame: gpd.GeoDataFrame, target: Path) -> Path:
    with atomic_path(target) as tmp:
        frame.to_parquet(tmp, index=False, compression=_COMPRESSION, write_covering_bbox=False)
    return target


def build(
    gv_file: str | Path,
    vg5000_dir: str | Path,
    out_dir: str | Path = GERMANY_DIR,
    *,
    tolerance: float = SIMPLIFY_TOLERANCE_M,
    command: str | None = None,
) -> list[Path]:
    """Build the extract folder from the official files.

    Parameters
    ----------
    gv_file
        Destatis "Auszug GV" workbook.
    vg5000_dir
        Folder of the BKG VG5000 shapefiles (or the product GeoPackage, or its GEM file).
    out_dir
        Target folder; every file is written atomically.
    tolerance
        Coverage simplification tolerance in metres.
    command
        The command line to record in the README (default: one built from the arguments).

    Returns
    -------
    list of Path
        The files written, README last.

    Raises
    ------
    DataValidationError
        When an input is missing or malformed, or when simplification changes which
        Gemeinden share a border.
    """
    from ikzlib import boundaries as bkg
    from ikzlib import destatis

    out_dir = Path(out_dir)
    gv_file = Path(gv_file)
    gem_file = find_vg5000(vg5000_dir)
    units = destatis.read_auszug_gv(gv_file)
    gemeinden = municipality_table(units)
    tables = {
        "municipalities": gemeinden,
        "kreise": kreis_table(units, gemeinden),
        "gemeindeverbaende": gemeindeverband_table(units, gemeinden),
    }
    layers = {level: boundary_layer(gem_file, level, tolerance) for level in LAYERS}
    raw_gem = bkg.read_layer(gem_file, "GEM")
    pairs = bkg.shared_borders(raw_gem)
    if pairs != bkg.shared_borders(layers["GEM"]):
        raise DataValidationError(
            gem_file, f"tolerance {tolerance} m changes which Gemeinden share a border"
        )
    written = [_write_table(frame, out_dir / FILES[name]) for name, frame in tables.items()]
    written += [_write_geo(frame, out_dir / FILES[level]) for level, frame in layers.items()]
    if command is None:
        command = (
            f"python -m ikzlib.germany --gv {gv_file} --vg5000 {Path(vg5000_dir)} "
            f"--out {out_dir}"
            + (f" --tolerance {tolerance:g}" if tolerance != SIMPLIFY_TOLERANCE_M else "")
        )
    notes = data_notes(gemeinden, tables["kreise"], layers, raw_gem, n_pairs=len(pairs))
    readme = render_readme(
        gv_file=gv_file,
        gem_file=gem_file,
        units=units,
        tables=tables,
        layers=layers,
        notes=notes,
        tolerance=tolerance,
        command=command,
    )
    written.append(write_text(out_dir / "README.md", readme))
    clear_cache()
    return written


def data_notes(
    gemeinden: pd.DataFrame,
    kreise_table: pd.DataFrame,
    layers: dict[str, gpd.GeoDataFrame],
    raw_gem: gpd.GeoDataFrame,
    n_pairs: int,
) -> list[str]:
    """Peculiarities of the official data worth knowing, as README bullet points."""
    notes = []
    inhabited = gemeinden[gemeinden["inhabited"]]
    uninhabited = gemeinden[~gemeinden["inhabited"]]
    notes.append(
        f"{len(gemeinden):,} Gemeinde records, {len(inhabited):,} inhabited; "
        f"{len(uninhabited)} uninhabited gemeindefreie Gebiete (forests, lakes, military areas, "
        f"coastal waters, condominium areas) are kept with `inhabited = False` and "
        f'`gemeindeverband_type = "{UNINHABITED_TYPE}"`.'
    )
    pseudo = sorted(set(gemeinden["kreis_key"]) - set(kreise_table["kreis_key"]))
    if pseudo:
        listed = ", ".join(
            f"{k} ({'; '.join(gemeinden.loc[gemeinden['kreis_key'].eq(k), 'name'])})"
            for k in pseudo
        )
        notes.append(
            f"{gemeinden['kreis_key'].nunique()} Kreis keys occur among the Gemeinden but there "
            f"are {len(kreise_table)} Kreis records: {listed} belong to no Kreis "
            "(`kreis_name` missing)."
        )
    no_coords = gemeinden[gemeinden["lon"].isna() | gemeinden["lat"].isna()]
    if len(no_coords):
        listed = "; ".join(f"{r.ags} {r.name}" for r in no_coords.itertuples())
        notes.append(
            f"Without centre coordinates ({len(no_coords)}, kept missing): {listed}. "
            "A published (0, 0) counts as missing."
        )
    gem = layers["GEM"]
    no_polygon = gemeinden[~gemeinden["ags"].isin(set(gem["AGS"]))]
    if len(no_polygon):
        listed = "; ".join(
            f"{r.ags} {r.name}{'' if r.inhabited else ' (uninhabited)'}"
            for r in no_polygon.itertuples()
        )
        notes.append(f"Gemeinden without a VG5000 polygon ({len(no_polygon)}): {listed}.")
    extra = gem[~gem["AGS"].isin(set(gemeinden["ags"]))]
    if len(extra):
        listed = "; ".join(f"{r.AGS} {r.GEN}" for r in extra.itertuples())
        notes.append(
            f"VG5000 polygons whose AGS is not in the Gemeindeverzeichnis ({len(extra)}; "
            f"territorial changes between the two Stichtage): {listed}."
        )
    both = gemeinden.merge(gem[["AGS", "ARS"]], left_on="ags", right_on="AGS")
    mismatch = both[both["ars"] != both["ARS"]]
    if len(mismatch):
        listed = "; ".join(f"{r.ags} ({r.ars} vs {r.ARS})" for r in mismatch.itertuples())
        notes.append(
            f"Gemeinden whose ARS differs between the two sources ({len(mismatch)}; a changed "
            f"Gemeindeverband): {listed}."
        )
    for level, frame in layers.items():
        if frame.attrs.get("repaired"):
            notes.append(
                f"{level}: {len(frame.attrs['repaired'])} self-intersecting polygon(s) repaired "
                f"before simplification (ARS {', '.join(frame.attrs['repaired'])})."
            )
    raw_coords = int(raw_gem.geometry.count_coordinates().sum())
    new_coords = int(gem.geometry.count_coordinates().sum())
    notes.append(
        f"GEM: {raw_coords:,} vertices in the source, {new_coords:,} after simplification; "
        f"the {n_pairs:,} pairs of Gemeinden sharing a border are the same in "
        "both (checked on every build)."
    )
    return notes


_TABLE_DOCS = {
    "municipalities": "every Gemeinde (one row per AGS, sorted by AGS)",
    "kreise": "every Kreis record: Landkreise, Kreise, kreisfreie Städte, Stadtkreise, "
    "Regionalverband (sorted by kreis_key)",
    "gemeindeverbaende": "every Gemeindeverband record, incl. those of verbandsfreie Gemeinden "
    "(text code 50) (sorted by ars)",
}
_LAYER_DOCS = {
    "GEM": "Gemeinden",
    "VWG": "Gemeindeverbände (Verwaltungsgemeinschaften)",
    "KRS": "Kreise and kreisfreie Städte",
    "LAN": "Länder (GF 9 land, GF 8 coastal waters and Lake Constance)",
}


def render_readme(
    *,
    gv_file: Path,
    gem_file: Path,
    units: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    layers: dict[str, gpd.GeoDataFrame],
    notes: list[str],
    tolerance: float,
    command: str,
) -> str:
    """The extract folder's README: sources, Stichtage, licences, changes, files, notes."""
    gemeinden = tables["municipalities"]
    territorial = _german(_single(gemeinden["territorial_date"]))
    population = _german(_single(gemeinden["population_date"]))
    bkg_date = _bkg_date(gem_file)
    year = bkg_date[-4:] if bkg_date else "<year>"
    crs = layers["GEM"].crs
    crs_name = f"EPSG:{crs.to_epsg()}" if crs.to_epsg() else crs.name
    lines = [
        "# Nationwide reference data (derived extract)",
        "",
        "Generated by `ikzlib.germany.build`; do not edit by hand. Read it with",
        "`ikzlib.germany.municipalities()`, `kreise()`, `gemeindeverbaende()` and",
        "`boundaries(layer)`.",
        "",
        "## Sources, Stichtag, licence",
        "",
        "| data | publisher | Stichtag | licence / attribution |",
        "|---|---|---|---|",
        f'| Gemeindeverzeichnis GV-ISys, "Auszug GV" (`{gv_file.name}`) | Statistisches '
        f"Bundesamt (Destatis) | Gebietsstand {territorial}, Bevölkerung {population} | "
        "reproduction and distribution, also in extracts, permitted with source attribution "
        '("Vervielfältigung und Verbreitung, auch auszugsweise, mit Quellenangabe '
        'gestattet"); cite "Quelle: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis, '
        f'Gebietsstand {territorial}" |',
        f"| Verwaltungsgebiete 1:5 000 000, VG5000 (`{gem_file.parent.name}/`) | "
        f"Bundesamt für Kartographie und Geodäsie (BKG) | {bkg_date or 'see the product'} | "
        "Datenlizenz Deutschland – Namensnennung 2.0; every map drawing this geometry must "
        f'carry "© GeoBasis-DE / BKG {year} (Daten verändert)" |',
        "",
        "The raw official files are not part of the repository; this folder holds only the",
        "derived extract below.",
        "",
        "## What was changed",
        "",
        "- Destatis: only the Gemeinde, Kreis and Gemeindeverband records, and of them only",
        "  the columns listed below (no male/female population, density, postal code,",
        "  Reisegebiet, degree of urbanisation). Names, keys, areas, population and",
        "  coordinates are unchanged, except that a published centre of (0, 0) is stored as",
        "  missing. Land and Kreis names are joined from their records; counts and sums per",
        "  Kreis and Gemeindeverband are computed from the Gemeinden. Uninhabited gemeindefreie",
        f'  Gebiete get `gemeindeverband_type = "{UNINHABITED_TYPE}"` and `inhabited = False`.',
        "- BKG: attributes reduced to " + ", ".join(BOUNDARY_COLUMNS) + " (dashes that stand",
        "  for “no key” are stored as missing). Self-intersecting rings are repaired",
        "  (`shapely.make_valid`, method `structure`); each layer is simplified as a coverage",
        f"  (`shapely.coverage_simplify`, tolerance {tolerance:g} m, so neighbouring polygons",
        f"  keep identical shared borders) and snapped to a {GRID_M:g} m grid; the CRS is",
        f"  unchanged ({crs_name}). Areas must come from the Destatis table, never from these",
        "  generalised polygons.",
        "",
        "## How it was produced",
        "",
        "```bash",
        command,
        "```",
        "",
        "## Files",
        "",
        "| file | rows | content | columns |",
        "|---|---|---|---|",
    ]
    for name, frame in tables.items():
        lines.append(
            f"| `{FILES[name]}` | {len(frame):,} | {_TABLE_DOCS[name]} | "
            + ", ".join(frame.columns)
            + " |"
        )
    for level, frame in layers.items():
        columns = [c for c in frame.columns if c != "geometry"] + ["geometry"]
        lines.append(
            f"| `{FILES[level]}` | {len(frame):,} | GeoParquet, VG5000 {level}: "
            f"{_LAYER_DOCS[level]} | " + ", ".join(columns) + " |"
        )
    lines += ["", "## Notes on the official data", ""]
    lines += [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def _german(iso: str) -> str:
    parts = iso.split("-")
    return ".".join(reversed(parts)) if len(parts) == 3 else iso


def _bkg_date(gem_file: Path) -> str | None:
    """Stichtag of the BKG product from its ``aktualitaet.txt`` (DD.MM.YYYY), if present."""
    import re

    note = gem_file.parent / "aktualitaet.txt"
    if not note.exists():
        return None
    match = re.search(r"\d{2}\.\d{2}\.\d{4}", note.read_text(encoding="latin-1"))
    return match.group(0) if match else None


def checksums(directory: str | Path) -> dict[str, str]:
    """SHA-256 of every file in an extract folder (to compare two builds)."""
    directory = Path(directory)
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.iterdir())
        if p.is_file()
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ikzlib.germany",
        description="Build the embedded nationwide extract (data/raw/germany) from the "
        "official Destatis Auszug GV and BKG VG5000 files.",
    )
    parser.add_argument("--gv", required=True, help="Destatis <DDMMYYYY>_Auszug_GV.xlsx")
    parser.add_argument("--vg5000", required=True, help="folder of the BKG VG5000 shapefiles")
    parser.add_argument("--out", default=str(GERMANY_DIR), help="target folder")
    parser.add_argument(
        "--tolerance",
        type=float,
        default=SIMPLIFY_TOLERANCE_M,
        help=f"coverage simplification tolerance in metres (default {SIMPLIFY_TOLERANCE_M:g})",
    )
    args = parser.parse_args(argv)
    given = list(sys.argv[1:] if argv is None else argv)
    command = " ".join(["python -m ikzlib.germany", *given])
    start = time.perf_counter()
    try:
        written = build(args.gv, args.vg5000, args.out, tolerance=args.tolerance, command=command)
    except DataValidationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - start
    total = 0
    for path in written:
        size = path.stat().st_size
        total += size
        print(f"{path}  {size / 1024:,.1f} KiB")
    print(f"total {total / 1024 / 1024:.2f} MiB in {len(written)} files; built in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
