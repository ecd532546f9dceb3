"""Administrative boundaries from the BKG products VG250 / VG5000 (loading only; no drawing).

The BKG "Verwaltungsgebiete" files come as shapefiles (``VG250_GEM.shp``, ``VG250_KRS.shp``
...) or as a GeoPackage with one layer per level (``vg250_gem``, ``vg250_krs`` ...). Both
carry the keys ``AGS`` and ``ARS``; joins to the municipality model use those keys only,
never names (spellings differ between BKG and Destatis).

A Gemeinde can have several rows in a layer: the attribute ``GF`` (Geofaktor) separates
water (1, 2) from land (3, 4) parts in VG250, while VG5000 has one row per Gemeinde
(``GF`` 9, land and water together). :func:`municipality_boundaries` keeps the land parts
when there are any and dissolves the rest into one (multi)polygon per AGS.

Areas are never taken from these files (they are generalised); use the Destatis areas.
Maps are drawn by :mod:`ikzlib.figures.structure`; every map drawing BKG geometry must carry
:data:`ikzlib.figures.BKG_ATTRIBUTION`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ikzlib import paths
from ikzlib.errors import DataValidationError

LEVELS = ("GEM", "VWG", "KRS", "LAN")
LAND_FACTORS = {3, 4}  # GF values of land parts in VG250
# Layers up to this size (VG5000: 3 MB) are read whole once per process and filtered in memory,
# which makes a run over many districts fast; larger ones (VG250) are filtered while reading.
WHOLE_LAYER_BYTES = 20_000_000

# Searched in the reference folder, best first: VG250 is the product users normally download.
_CANDIDATES = (
    "**/VG250_GEM.shp",
    "**/vg250*.gpkg",
    "**/VG5000_GEM.shp",
    "**/vg5000*.gpkg",
)


def discover_boundary_file() -> Path | None:
    """The BKG municipality layer found in the reference folder, or ``None``.

    Looks in :func:`ikzlib.paths.reference_dir` (``IKZ_REFERENCE_DIR``) for a VG250 file,
    then a VG5000 file (shapefile ``*_GEM.shp`` or GeoPackage).
    """
    base = paths.reference_dir()
    if base is None:
        return None
    for pattern in _CANDIDATES:
        found = sorted(base.glob(pattern))
        if found:
            return found[0]
    return None


def _layer_source(path: Path, level: str) -> tuple[Path, str | None]:
    """File and layer name holding ``level`` (GEM, KRS ...) of a BKG product."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")
    if path.suffix.lower() == ".gpkg":
        import pyogrio

        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        matches = [name for name in layers if name.lower().endswith(f"_{level.lower()}")]
        if not matches:
            raise DataValidationError(path, f"no layer for level {level} (layers: {layers})")
        return path, matches[0]
    stem = path.stem
    for other in LEVELS:
        if stem.upper().endswith(f"_{other}"):
            stem = stem[: -len(other)] + (level if stem.isupper() else level.lower())
            break
    sibling = path.with_name(stem + path.suffix)
    if not sibling.exists():
        raise DataValidationError(sibling, f"boundary layer {level} not found beside {path.name}")
    return sibling, None


def read_layer(path: str | Path, level: str, kreis_key: str | None = None) -> gpd.GeoDataFrame:
    """Read one level of a BKG product, optionally only the units of one Kreis.

    Parameters
    ----------
    path
        Any layer file of the product (e.g. ``VG250_GEM.shp``; the sibling ``VG250_KRS.shp``
        is used for ``level="KRS"``) or the product GeoPackage.
    level
        ``GEM`` (Gemeinden), ``VWG`` (Gemeindeverbände), ``KRS`` (Kreise) or ``LAN``.
    kreis_key
        Five-digit Kreis key; keeps rows whose ``AGS`` starts with it.

    Returns
    -------
    geopandas.GeoDataFrame
        The layer's rows with ``AGS``, ``ARS``, ``GEN`` and ``GF`` (when present) as strings,
        in the file's coordinate reference system.
    """
    path = Path(path)
    if not path.exists():
        raise DataValidationError(path, "boundary file not found")
    source, layer = _layer_source(path, level)
    if kreis_key is not None and not kreis_key.isdigit():
        raise ValueError(f"Kreis key {kreis_key!r} is not numeric")
    stat = Path(source).stat()
    if stat.st_size <= WHOLE_LAYER_BYTES:  # small products: read once, filter in memory
        frame = _whole_layer(str(source), layer, stat.st_mtime_ns)
        if kreis_key is not None:
            frame = frame[frame["AGS"].str.startswith(kreis_key)]
        return frame.reset_index(drop=True)
    return _read_checked(source, layer, f"AGS LIKE '{kreis_key}%'" if kreis_key else None)


@lru_cache(maxsize=8)
def _whole_layer(source: str, layer: str | None, _mtime: int) -> gpd.GeoDataFrame:
    return _read_checked(Path(source), layer, None)


def _read_checked(source: Path, layer: str | None, where: str | None) -> gpd.GeoDataFrame:
    """Read a layer (rows matching ``where``) with its key columns as strings and a CRS."""
    try:
        frame = gpd.read_file(source, layer=layer, where=where, engine="pyogrio")
    except Exception as exc:  # GDAL errors: name the file
        raise DataValidationError(source, f"cannot read boundary layer ({exc})") from None
    missing = [c for c in ("AGS", "ARS") if c not in frame.columns]
    if missing:
        raise DataValidationError(source, f"missing attribute(s) {missing}", element=layer)
    for column in ("AGS", "ARS", "GEN", "GF"):
        if column in frame.columns:
            frame[column] = frame[column].astype(str)
    if frame.crs is None:
        raise DataValidationError(source, "no coordinate reference system (.prj missing?)")
    return frame


def _dissolve_parts(frame: gpd.GeoDataFrame, key: str) -> gpd.GeoDataFrame:
    """One row per ``key``: land parts when any, all parts dissolved into one geometry."""
    if "GF" in frame.columns:
        is_land = frame["GF"].isin({str(v) for v in LAND_FACTORS})
        has_land = is_land.groupby(frame[key]).transform("any")
        frame = frame[is_land | ~has_land]
    attributes = [c for c in ("ARS", "GEN") if c in frame.columns and c != key]
    dissolved = frame[[key, *attributes, "geometry"]].dissolve(by=key, aggfunc="first")
    return dissolved.reset_index().sort_values(key).reset_index(drop=True)


def municipality_boundaries(path: str | Path, municipalities: pd.DataFrame) -> gpd.GeoDataFrame:
    """The municipality model joined to its BKG polygons on AGS.

    Parameters
    ----------
    path
        BKG product file (see :func:`read_layer`).
    municipalities
        Municipality model of one district.

    Returns
    -------
    geopandas.GeoDataFrame
        The model's rows (sorted by AGS) with ``geometry`` (empty for AGS missing from the
        file, e.g. after a territorial reform between the two Stichtage), ``bkg_name`` and
        ``bkg_ars``. ``attrs["unmatched_ags"]`` lists model AGS without geometry,
        ``attrs["extra_ags"]`` file AGS of the Kreis that are not in the model and
        ``attrs["ars_mismatch"]`` AGS whose ARS differs between the two sources.
    """
    kreis_keys = sorted(set(municipalities["kreis_key"]))
    layers = [read_layer(path, "GEM", key) for key in kreis_keys]
    layer = pd.concat(layers, ignore_index=True) if len(layers) > 1 else layers[0]
    polygons = _dissolve_parts(gpd.GeoDataFrame(layer, crs=layers[0].crs), "AGS")
    return join_polygons(municipalities, polygons)


def join_polygons(municipalities: pd.DataFrame, layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The municipality model joined on AGS to a layer with one polygon per AGS.

    ``layer`` has the BKG columns ``AGS``, ``ARS``, ``GEN`` and ``geometry`` (a file read with
    :func:`read_layer` or the embedded extract, :func:`ikzlib.germany.boundaries`); rows of
    other Kreise are ignored. Returns what :func:`municipality_boundaries` describes.
    """
    kreise = set(municipalities["kreis_key"])
    layer = layer[layer["AGS"].str[:5].isin(kreise)]
    polygons = layer[["AGS", "ARS", "GEN", "geometry"]].rename(
        columns={"AGS": "ags", "ARS": "bkg_ars", "GEN": "bkg_name"}
    )
    joined = municipalities.merge(polygons, on="ags", how="left", validate="one_to_one")
    result = gpd.GeoDataFrame(joined, geometry="geometry", crs=layer.crs)
    result = result.sort_values("ags").reset_index(drop=True)
    result.attrs["unmatched_ags"] = sorted(result.loc[result.geometry.isna(), "ags"])
    result.attrs["extra_ags"] = sorted(set(polygons["ags"]) - set(municipalities["ags"]))
    both = result[result["bkg_ars"].notna()]
    result.attrs["ars_mismatch"] = sorted(both.loc[both["bkg_ars"] != both["ars"], "ags"])
    return result


def district_outline(path: str | Path, kreis_key: str) -> gpd.GeoDataFrame:
    """The Kreis polygon from the product's district layer (land parts, dissolved)."""
    layer = read_layer(path, "KRS", kreis_key)
    layer = layer[layer["AGS"].eq(kreis_key)]
    if layer.empty:
        raise DataValidationError(path, f"Kreis {kreis_key} not in the district layer")
    return _dissolve_parts(layer, "AGS")


def shared_borders(gdf: gpd.GeoDataFrame, min_length: float = 0.0) -> set[tuple[str, str]]:
    """Pairs of municipalities sharing a border line (not just a corner point).

    Parameters
    ----------
    gdf
        One polygon per municipality with an ``ags`` (or ``AGS``) column, projected CRS.
    min_length
        Border length (CRS units) a pair must exceed to count as neighbours.

    Returns
    -------
    set of tuple
        ``(ags_a, ags_b)`` with ``ags_a < ags_b``.
    """
    key = "ags" if "ags" in gdf.columns else "AGS"
    frame = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty].reset_index(drop=True)
    if frame[key].duplicated().any():
        frame = _dissolve_parts(frame, key)
    left, right = frame.sindex.query(frame.geometry, predicate="intersects")
    pairs = set()
    for i, j in zip(left, right, strict=True):
        if i >= j:
            continue
        border = frame.geometry.iloc[i].boundary.intersection(frame.geometry.iloc[j].boundary)
        if border.length > min_length:
            a, b = sorted((frame[key].iloc[i], frame[key].iloc[j]))
            pairs.add((a, b))
    return pairs
