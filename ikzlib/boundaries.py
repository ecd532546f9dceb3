"""Administrative boundaries from the BKG products VG250 / VG5000, and maps of a district.

The BKG "Verwaltungsgebiete" files come as shapefiles (``VG250_GEM.shp``, ``VG250_KRS.shp``
...) or as a GeoPackage with one layer per level (``vg250_gem``, ``vg250_krs`` ...). Both
carry the keys ``AGS`` and ``ARS``; joins to the municipality model use those keys only,
never names (spellings differ between BKG and Destatis).

A Gemeinde can have several rows in a layer: the attribute ``GF`` (Geofaktor) separates
water (1, 2) from land (3, 4) parts in VG250, while VG5000 has one row per Gemeinde
(``GF`` 9, land and water together). :func:`municipality_boundaries` keeps the land parts
when there are any and dissolves the rest into one (multi)polygon per AGS.

Areas are never taken from these files (they are generalised); use the Destatis areas.
Every map drawing BKG geometry must carry :data:`ikzlib.figures.BKG_ATTRIBUTION`.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from matplotlib.axes import Axes

from ikzlib import paths
from ikzlib.errors import DataValidationError
from ikzlib.figures import BKG_ATTRIBUTION, PALETTE, format_number

LEVELS = ("GEM", "VWG", "KRS", "LAN")
LAND_FACTORS = {3, 4}  # GF values of land parts in VG250
NO_BOUNDARY_NOTE = "centre points; no boundary file configured"
_FILL = {False: "#dbe7ef", True: "#f3d9c4"}  # verbandsfrei / member of a joint administration

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
    where = f"AGS LIKE '{kreis_key}%'" if kreis_key is not None else None
    if kreis_key is not None and not kreis_key.isdigit():
        raise ValueError(f"Kreis key {kreis_key!r} is not numeric")
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
    polygons = polygons.rename(columns={"AGS": "ags", "ARS": "bkg_ars", "GEN": "bkg_name"})
    joined = municipalities.merge(polygons, on="ags", how="left", validate="one_to_one")
    result = gpd.GeoDataFrame(joined, geometry="geometry", crs=polygons.crs)
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


def _marker_sizes(population: pd.Series, largest: float = 900.0) -> pd.Series:
    """Marker areas proportional to population (the largest gets ``largest`` pt²)."""
    values = population.astype("float64").fillna(0.0)
    top = values.max()
    return values / top * largest if top > 0 else values


def plot_municipality_map(
    ax: Axes,
    municipalities: pd.DataFrame,
    boundaries: gpd.GeoDataFrame | None = None,
    outline: gpd.GeoDataFrame | None = None,
    *,
    german: bool = False,
    label: bool = True,
) -> str:
    """Draw the district's municipalities with circles sized by population.

    Polygons are drawn when ``boundaries`` (from :func:`municipality_boundaries`) has
    geometry; otherwise only the centre points. Members of a joint administration share a
    fill colour.

    Returns
    -------
    str
        The note to print under the map: the BKG attribution when BKG geometry was drawn,
        else :data:`NO_BOUNDARY_NOTE`.
    """
    has_polygons = boundaries is not None and boundaries.geometry.notna().any()
    centres = gpd.GeoDataFrame(
        municipalities[["ags", "name", "population", "gemeindeverband_key"]],
        geometry=gpd.points_from_xy(municipalities["lon"], municipalities["lat"]),
        crs="EPSG:4326",
    )
    if has_polygons:
        centres = centres.to_crs(boundaries.crs)
        joint = boundaries["gemeindeverband_type"].ne("verbandsfreie Gemeinde")
        colours = joint.map(_FILL)
        boundaries.plot(ax=ax, color=colours, edgecolor="#4d4d4d", linewidth=0.6)
        if outline is not None:
            outline.to_crs(boundaries.crs).boundary.plot(ax=ax, color="#222222", linewidth=1.4)
    ax.scatter(
        centres.geometry.x,
        centres.geometry.y,
        s=_marker_sizes(centres["population"]),
        color=PALETTE[0],
        alpha=0.55,
        edgecolor="white",
        linewidth=0.6,
        zorder=3,
    )
    _legend(ax, centres["population"], german, fills=has_polygons)
    ax.set_aspect("equal" if has_polygons else 1 / _cos_mid_latitude(municipalities))
    ax.set_axis_off()
    if label:
        _place_labels(ax, centres)
    return BKG_ATTRIBUTION if has_polygons else NO_BOUNDARY_NOTE


# Label positions tried in turn: below, above, right, left of the circle (offset direction,
# alignment); the first one that overlaps no earlier label is kept.
_LABEL_SLOTS = (
    ((0, -1), "center", "top"),
    ((0, 1), "center", "bottom"),
    ((1, 0), "left", "center"),
    ((-1, 0), "right", "center"),
)


def _place_labels(ax: Axes, centres: gpd.GeoDataFrame) -> None:
    """Name each circle, largest first, avoiding overlaps between labels where possible."""
    # positions are only final after layout and aspect; save_figure uses the same layout
    ax.figure.tight_layout(rect=(0, 0.04, 1, 1))
    ax.apply_aspect()
    renderer = ax.figure.canvas.get_renderer()
    radii = _marker_sizes(centres["population"]) ** 0.5 / 2 + 1.5  # points
    order = centres["population"].astype("float64").fillna(0).sort_values(ascending=False)
    placed = []
    for index in order.index:
        row = centres.loc[index]
        for attempt, ((dx, dy), ha, va) in enumerate(_LABEL_SLOTS):
            text = ax.annotate(
                row["name"].split(",")[0],
                (row.geometry.x, row.geometry.y),
                xytext=(dx * radii[index], dy * radii[index]),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=6.5,
                color="#222222",
                zorder=4,
            )
            box = text.get_window_extent(renderer)
            if attempt == len(_LABEL_SLOTS) - 1 or not any(box.overlaps(b) for b in placed):
                placed.append(box)
                break
            text.remove()


def _cos_mid_latitude(municipalities: pd.DataFrame) -> float:
    """Aspect correction for plotting lon/lat degrees (1° lon is shorter than 1° lat)."""
    import math

    return math.cos(math.radians(float(municipalities["lat"].mean())))


def _legend(ax: Axes, population: pd.Series, german: bool, fills: bool) -> None:
    """Reference circles for the population scale, plus the fill colours of the polygons."""
    from matplotlib.patches import Patch

    top = float(population.astype("float64").max())
    steps = [v for v in (1_000, 5_000, 10_000, 25_000, 50_000, 100_000) if v <= top][-3:]
    handles = [
        ax.scatter(
            [],
            [],
            s=_marker_sizes(pd.Series([v, top])).iloc[0],
            color=PALETTE[0],
            alpha=0.55,
            edgecolor="white",
        )
        for v in steps
    ]
    labels = [f"{format_number(v, 0, german)} inhabitants" for v in steps]
    if fills:
        handles += [Patch(color=_FILL[False]), Patch(color=_FILL[True])]
        labels += ["verbandsfreie Gemeinde", "member of a Gemeindeverband"]
    if handles:
        ax.legend(
            handles,
            labels,
            loc="lower left",
            bbox_to_anchor=(1.0, 0.0),
            fontsize=7.5,
            labelspacing=2.2,
            handletextpad=1.2,
            borderpad=0.8,
        )
