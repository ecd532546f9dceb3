"""Figures of the municipal structure: size classes, density, map, demography, national context.

Each public function takes a :class:`~ikzlib.studies.structure.StructureStudy` (and ``ax``
where it draws a single panel) and returns the figure; it neither saves nor shows.
:func:`source_note` gives the source line for :func:`ikzlib.figures.save_figure`.
:func:`municipality_map` draws the Gemeinden of any municipality table, on BKG polygons when
given, for other studies too. Every map drawing BKG geometry must carry
:data:`ikzlib.figures.BKG_ATTRIBUTION` (see :func:`map_note`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import geopandas as gpd
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ikzlib.figures import BKG_ATTRIBUTION, PALETTE, format_number, number_formatter
from ikzlib.municipalities import EINHEITSGEMEINDE, VERBANDSFREI

if TYPE_CHECKING:
    from ikzlib.studies.structure import StructureStudy

NO_BOUNDARY_NOTE = "centre points; no boundary file configured"
FIGURES = ("size_classes", "density", "map", "demography", "national")
_FILL = {False: "#dbe7ef", True: "#f3d9c4"}  # verbandsfrei / member of a joint administration

# Marker, face colour and legend label of each kind of point in the demography figure.
DEMOGRAPHY_STYLES = {
    "stated": ("o", PALETTE[0], "stated by the study"),
    "derived": ("s", "white", "derived from a stated % change"),
    "projected": ("D", "white", "projection, derived from the stated %"),
}

# Measure of destatis.kreis_comparison, axis label, scale factor of the national panels.
NATIONAL_MEASURES = [
    ("n_municipalities", "inhabited Gemeinden per Kreis", 1),
    ("median_population", "median Gemeinde population", 1),
    ("share_pop_small", "% of population in Gemeinden < 10,000", 100),
]


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """A new figure and axes of ``figsize``, or the figure of ``ax``."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def _annotate_bars(ax: Axes, values: pd.Series, decimals: int, german: bool) -> None:
    """Write each value at the end of its horizontal bar."""
    for y, value in enumerate(values):
        ax.annotate(
            format_number(value, decimals, german),
            (value, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.margins(x=0.15)


# --- size classes and density -----------------------------------------------------------------


def size_class_figure(study: StructureStudy, *, german: bool = False) -> Figure:
    """Number of Gemeinden and population share per size class, side by side.

    Parameters
    ----------
    study
        The structure study (its ``size_classes``).
    german
        German number format in the bar labels and ticks.

    Returns
    -------
    matplotlib.figure.Figure
        Two horizontal bar panels sharing the size-class axis, each bar labelled.
    """
    classes = study.size_classes
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    labels = classes["size_class"].astype(str)
    shares = 100 * classes["share_population"]
    axes[0].barh(labels, classes["n_municipalities"], color=PALETTE[0])
    axes[0].set_xlabel("number of Gemeinden")
    axes[1].barh(labels, shares, color=PALETTE[1])
    axes[1].set_xlabel("share of the district population (%)")
    axes[1].xaxis.set_major_formatter(number_formatter(0, german))
    axes[0].set_ylabel("inhabitants")
    axes[0].invert_yaxis()
    _annotate_bars(axes[0], classes["n_municipalities"], 0, german)
    _annotate_bars(axes[1], shares, 1, german)
    fig.suptitle(f"{study.district.name}: Gemeinden by size class ({study.population_date})")
    return fig


def density_figure(
    study: StructureStudy, ax: Axes | None = None, *, german: bool = False
) -> Figure:
    """Population density of each administrative unit, with the district value as a line.

    Units are drawn in the order of ``study.density`` (lowest at the bottom); joint
    administrations in the second palette colour.
    """
    units = study.density
    fig, ax = _axes(ax, (7.5, 0.32 * len(units) + 1.2))
    names = units["unit_name"].str.split(",").str[0]
    colours = [PALETTE[0] if t == EINHEITSGEMEINDE else PALETTE[1] for t in units["unit_type"]]
    ax.barh(names, units["density"], color=colours)
    ax.axvline(study.district_density, color="#555555", linestyle="--", linewidth=1)
    ax.annotate(
        f"district {format_number(study.district_density, 0, german)}",
        (study.district_density, len(units) - 0.5),
        xytext=(4, 0),
        textcoords="offset points",
        fontsize=8,
        color="#555555",
    )
    ax.set_xlabel("inhabitants per km²")
    ax.xaxis.set_major_formatter(number_formatter(0, german))
    ax.set_title(f"{study.district.name}: population density of the administrative units")
    return fig


# --- map --------------------------------------------------------------------------------------


def municipality_map_figure(
    study: StructureStudy, ax: Axes | None = None, *, german: bool = False
) -> Figure:
    """Map of the study's Gemeinden sized by population, on their polygons when known."""
    fig = municipality_map(
        study.municipalities, study.polygons, study.outline, ax=ax, german=german
    )
    fig.axes[0].set_title(
        f"{study.district.name}: Gemeinden sized by population ({study.population_date})"
    )
    return fig


def map_note(polygons: gpd.GeoDataFrame | None) -> str:
    """The attribution a map needs: BKG when ``polygons`` has geometry, else the fallback."""
    return BKG_ATTRIBUTION if _has_geometry(polygons) else NO_BOUNDARY_NOTE


def _has_geometry(polygons: gpd.GeoDataFrame | None) -> bool:
    return polygons is not None and bool(polygons.geometry.notna().any())


def municipality_map(
    municipalities: pd.DataFrame,
    polygons: gpd.GeoDataFrame | None = None,
    outline: gpd.GeoDataFrame | None = None,
    *,
    ax: Axes | None = None,
    german: bool = False,
    label: bool = True,
) -> Figure:
    """Draw the Gemeinden with circles sized by population.

    Parameters
    ----------
    municipalities
        Municipality model (``ags``, ``name``, ``population``, ``lon``, ``lat``).
    polygons, outline
        Boundaries from :func:`ikzlib.boundaries.municipality_boundaries` and
        :func:`ikzlib.boundaries.district_outline`; without polygons only the centre points
        are drawn. Members of a joint administration share a fill colour.
    ax
        Axes to draw on; a new figure when ``None``.
    german
        German number format in the legend.
    label
        Name each circle.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; the source line must carry :func:`map_note` of ``polygons``.
    """
    fig, ax = _axes(ax, (8.5, 6.5))
    has_polygons = _has_geometry(polygons)
    centres = gpd.GeoDataFrame(
        municipalities[["ags", "name", "population"]],
        geometry=gpd.points_from_xy(municipalities["lon"], municipalities["lat"]),
        crs="EPSG:4326",
    )
    if has_polygons:
        centres = centres.to_crs(polygons.crs)
        joint = polygons["gemeindeverband_type"].ne(VERBANDSFREI)
        polygons.plot(ax=ax, color=joint.map(_FILL), edgecolor="#4d4d4d", linewidth=0.6)
        if outline is not None:
            outline.to_crs(polygons.crs).boundary.plot(ax=ax, color="#222222", linewidth=1.4)
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
    return fig


def _marker_sizes(population: pd.Series, largest: float = 900.0) -> pd.Series:
    """Marker areas proportional to population (the largest gets ``largest`` pt²)."""
    values = population.astype("float64").fillna(0.0)
    top = values.max()
    return values / top * largest if top > 0 else values


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
    return math.cos(math.radians(float(municipalities["lat"].mean())))


def _legend(ax: Axes, population: pd.Series, german: bool, fills: bool) -> None:
    """Reference circles for the population scale, plus the fill colours of the polygons."""
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


# --- demography -------------------------------------------------------------------------------


def _label_points(ax: Axes, series: pd.DataFrame, kind: str, german: bool) -> None:
    """Write each population above its marker: stated figures exact, others rounded with ≈."""
    for _, row in series.iterrows():
        exact = kind == "stated" and not row["approximate"]
        value = row["population"] if exact else round(row["population"], -2)
        text = ("" if exact else "≈ ") + format_number(value, 0, german)
        ax.annotate(
            text,
            (row["year"], row["population"]),
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )


def _label_changes(ax: Axes, statements: pd.DataFrame, series: pd.DataFrame, german: bool) -> None:
    """Write each stated change between its two years (when both are in ``series``)."""
    years = series.set_index("year")["population"]
    for _, change in statements[statements["quantity"].eq("change")].iterrows():
        start, end = int(change["start_year"]), int(change["end_year"])
        if start in years and end in years:
            label = ("about " if change["approximate"] else "") + (
                f"{format_number(change['value'], 0, german)} %"
            )
            ax.annotate(
                label,
                ((start + end) / 2, (years[start] + years[end]) / 2),
                xytext=(0, -14),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                color="#555555",
            )


def demography_figure(
    study: StructureStudy, ax: Axes | None = None, *, german: bool = False
) -> Figure:
    """Population by year as stated by a study, derived values drawn hollow.

    Raises
    ------
    ValueError
        When the district has no demographic statements (``study.demography`` is ``None``).
    """
    statements, series = study.demography, study.demography_series
    if statements is None or series is None:
        raise ValueError(f"{study.district.name} has no demographic statements: nothing to draw")
    fig, ax = _axes(ax, (7, 3.8))
    ax.plot(series["year"], series["population"], color="#999999", linewidth=1, zorder=1)
    for kind, (marker, face, label) in DEMOGRAPHY_STYLES.items():
        part = series[series["kind"].eq(kind)]
        if part.empty:
            continue
        ax.scatter(
            part["year"],
            part["population"],
            marker=marker,
            s=60,
            facecolor=face,
            edgecolor=PALETTE[0],
            linewidth=1.5,
            zorder=2,
            label=label,
        )
        _label_points(ax, part, kind, german)
    _label_changes(ax, statements, series, german)
    ax.set_ylim(0, series["population"].max() * 1.2)
    ax.set_xlim(series["year"].min() - 5, series["year"].max() + 5)
    ax.yaxis.set_major_formatter(number_formatter(0, german))
    ax.set_ylabel("inhabitants")
    ax.legend(loc="lower left", fontsize=8)
    first, last = series["year"].min(), series["year"].max()
    ax.set_title(f"{study.district.name}: population {first}–{last} as stated by the study")
    return fig


# --- national context -------------------------------------------------------------------------


def _national_panel(ax: Axes, values: pd.Series, logarithmic: bool) -> None:
    """Histogram of one measure over all Kreise (log-spaced bins for skewed measures)."""
    if not logarithmic:
        ax.hist(values, bins=30, color="#c9d6df")
        return
    values = values.clip(lower=1)
    ax.set_xscale("log")
    ax.tick_params(axis="x", labelrotation=30)
    ratio = values.max() / values.min()
    ax.hist(values, bins=[values.min() * ratio ** (i / 30) for i in range(31)], color="#c9d6df")


def national_figure(study: StructureStudy, *, german: bool = False) -> Figure:
    """Distribution of three structure measures over all Kreise, the district marked.

    Raises
    ------
    ValueError
        When the study has no national comparison (``study.position`` is ``None``).
    """
    comparison, position = study.kreise, study.position
    if comparison is None or position is None:
        raise ValueError(f"{study.district.name} has no national comparison: nothing to draw")
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    values_of = position.set_index("measure")["value"]
    name = study.district.name
    for ax, (measure, label, scale) in zip(axes, NATIONAL_MEASURES, strict=True):
        _national_panel(ax, comparison[measure] * scale, measure != "share_pop_small")
        mine = float(values_of[measure]) * scale
        ax.axvline(mine, color=PALETTE[1], linewidth=2)
        ax.annotate(
            name,
            (mine, 0.95),
            xycoords=("data", "axes fraction"),
            xytext=(4, 0),
            textcoords="offset points",
            color=PALETTE[1],
            fontsize=8,
            va="top",
        )
        ax.set_xlabel(label)
        ax.xaxis.set_major_formatter(number_formatter(0, german))
    axes[0].set_ylabel("number of Kreise")
    fig.suptitle(f"{name} among the {len(comparison)} German Kreise")
    fig.align_xlabels(axes)  # rotated and plain tick labels otherwise put the labels at odd heights
    return fig


# --- source lines -----------------------------------------------------------------------------


def source_note(study: StructureStudy, figure: str) -> str:
    """Source line of ``figure`` (one of :data:`FIGURES`) for saving it."""
    if figure == "size_classes":
        return f"Source: {study.source}"
    if figure == "density":
        return (
            f"Source: {study.source}; joint administrations (orange) aggregated over their members."
        )
    if figure == "map":
        return f"{map_note(study.polygons)}. Population and centres: Destatis GV-ISys."
    if figure == "demography" and study.demography is not None:
        sources = "; ".join(dict.fromkeys(study.demography["source"]))
        return f"Source: {sources}. Hollow markers are derived, not published."
    if figure == "national" and study.national is not None:
        return (
            f"Source: Destatis GV-ISys, {study.national_label}; inhabited Gemeinden only; log "
            "scale in the first two panels."
        )
    raise ValueError(f"no source line for figure {figure!r}; figures: {', '.join(FIGURES)}")
