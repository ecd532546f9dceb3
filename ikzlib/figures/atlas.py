"""Figures of notebook 91 (nationwide atlas): distributions, choropleth maps, one district's place.

Every public function takes an :class:`~ikzlib.studies.atlas.AtlasStudy` and returns a new
figure (:func:`indicator_map` draws into ``ax`` when given); none saves or shows. Each figure
stays readable at 400 districts: distributions as strips with box plots, maps with a few
classes of nice bounds, and no chart with a bar per district. Every map carries
:data:`ikzlib.figures.BKG_ATTRIBUTION` under it; :func:`source_note` gives the source line for
:func:`ikzlib.figures.publish`. Every function takes ``lang`` (``"en"`` or ``"de"``): titles,
labels and legends are translated (:mod:`ikzlib.i18n`) and numbers formatted in that language.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path
from matplotlib.patheffects import withStroke
from matplotlib.ticker import LogLocator, NullFormatter

from ikzlib.figures import BKG_ATTRIBUTION, PALETTE
from ikzlib.i18n import Message, format_number, register, tr
from ikzlib.studies.atlas import (
    CITY_GROUP,
    GROUP_LABELS,
    INDICATORS,
    KREIS_GROUP,
    MIDDLE,
    OUTER,
    SPECS,
    ordinal,
)

if TYPE_CHECKING:
    from ikzlib.studies.atlas import AtlasStudy

FIGURES = ("distributions", "maps", "typicality")
HIGHLIGHT = PALETTE[3]  # the chosen district
SIMILAR = PALETTE[1]  # its most similar districts
CITY_FILL = "#bdbdbd"  # kreisfreie Städte where an indicator says nothing about them
NO_DATA_FILL = "white"
KREIS_EDGE = "white"
LAND_EDGE = "#3a3a3a"
CMAP = "YlGnBu"
DRAW_TOLERANCE_M = 1_000.0  # coverage simplification of the polygons drawn (metres)

# Map classes per indicator: inner class bounds (in the unit drawn, shares in percent) and how
# the class labels read (:func:`class_labels`). Values equal to a bound fall into the upper class.
MAP_CLASSES: dict[str, tuple[tuple[float, ...], str]] = {
    "n_municipalities": ((10, 20, 30, 50, 100), "count"),
    "n_units": ((8, 12, 16, 20, 30), "count"),
    "median_population": ((1_000, 2_000, 5_000, 10_000, 20_000), "range"),
    "share_pop_small": ((10, 25, 50, 75, 90), "percent"),
    "share_in_verband": ((1e-9, 25, 50, 75, 100 - 1e-9), "verband"),
    "density": ((100, 150, 250, 500, 1_000, 2_000), "range"),
}

register(
    {
        "under {value}": "unter {value}",
        "{value} or more": "{value} und mehr",
        "0 % (all verbandsfrei)": "0 % (alle verbandsfrei)",
        "kreisfreie Stadt": "kreisfreie Stadt",
        "no data": "keine Daten",
        "{title} (log scale)": "{title} (log. Skala)",
        "count": "Anzahl",
        "all {n}: {value}": "alle {n}: {value}",
        "Municipal structure of the {n} German districts": (
            "Gemeindestruktur der {n} deutschen Kreise"
        ),
        "Municipal structure by district, Germany {date}": (
            "Gemeindestruktur nach Kreisen, Deutschland {date}"
        ),
        "How typical is {name}?": "Wie typisch ist {name}?",
        "{name} within its group": "{name} in der eigenen Gruppe",
        "percentile among {group}\n(shaded: 25th–75th and 10th–90th percentile)": (
            "Perzentil unter {group}\n(schattiert: 25.–75. und 10.–90. Perzentil)"
        ),
        "same for every district of the group": "gleich für alle Kreise der Gruppe",
        "{value}  (median {median})": "{value}  (Median {median})",
        "most similar, by rank (distance in SD units):": (
            "ähnlichste nach Rang (Abstand in Standardabweichungen):"
        ),
        "Most similar districts": "Ähnlichste Kreise",
    }
)


def class_labels(name: str, lang: str = "en") -> list[str]:
    """The legend labels of the map classes of ``name`` in ``lang``.

    ``count`` classes hold whole numbers (``10–19``), ``range`` classes run from bound to
    bound (``1,000–2,000``), ``percent`` ones likewise in percent; ``share_in_verband`` has a
    class of its own for 0 % and for 100 %.

    Examples
    --------
    >>> class_labels("n_units")
    ['under 8', '8–11', '12–15', '16–19', '20–29', '30 or more']
    >>> class_labels("median_population", "de")[:2]
    ['unter 1.000', '1.000–2.000']
    """
    bounds, style = MAP_CLASSES[name]
    if style == "verband":  # bounds just above 0 % and just below 100 %
        inner = [f"{round(low)}–{round(high)} %" for low, high in pairwise(bounds[1:-1])]
        return [
            tr("0 % (all verbandsfrei)", lang),
            tr(Message("under {value}", value=f"{round(bounds[1])} %"), lang),
            *inner,
            f"{round(bounds[-2])}–<100 %",
            "100 %",
        ]
    number = partial(format_number, decimals=0, lang=lang)
    unit = " %" if style == "percent" else ""
    last = 1 if style == "count" else 0  # a count class ends one below the next bound
    inner = [f"{number(low)}–{number(high - last)}{unit}" for low, high in pairwise(bounds)]
    return [
        tr(Message("under {value}", value=f"{number(bounds[0])}{unit}"), lang),
        *inner,
        tr(Message("{value} or more", value=f"{number(bounds[-1])}{unit}"), lang),
    ]


def _drawn(name: str, values: pd.Series) -> pd.Series:
    """Values as drawn: shares in percent, everything else as it is."""
    values = values.astype("float64")
    return values * 100 if SPECS[name].percent else values


# --- distributions ------------------------------------------------------------------------------


def distribution_figure(study: AtlasStudy, lang: str = "en") -> Figure:
    """Strip and box plot of every indicator over all districts, by group, district marked.

    One panel per indicator (log scale for the counts, sizes and density); in each, one row
    per group. A group whose districts all share one value (e.g. one Gemeinde per kreisfreie
    Stadt) shows that value in words instead of a strip.
    """
    fig, axes = plt.subplots(3, 2, figsize=(11, 8.2))
    for ax, name in zip(axes.flat, INDICATORS, strict=True):
        _distribution_panel(ax, study, name, lang)
    if study.district is not None:
        handle = Line2D([], [], marker="D", color=HIGHLIGHT, linestyle="", markersize=7)
        fig.legend([handle], [study.district.name], loc="upper right", bbox_to_anchor=(0.99, 0.995))
    title = Message("Municipal structure of the {n} German districts", n=len(study.table))
    fig.suptitle(tr(title, lang), x=0.01, ha="left")
    return fig


def _distribution_panel(ax: Axes, study: AtlasStudy, name: str, lang: str) -> None:
    """One indicator: a row per group with jittered points and a box plot."""
    rng = np.random.default_rng(0)  # fixed jitter: the same picture on every run
    groups = (KREIS_GROUP, CITY_GROUP)
    for row, group in enumerate(groups):
        values = _drawn(name, study.group_table(group)[name]).dropna()
        if values.nunique() == 1:
            value = _short(name, float(study.group_table(group)[name].dropna().iloc[0]), lang)
            text = tr(Message("all {n}: {value}", n=len(values), value=value), lang)
            ax.text(
                0.5,
                row,
                text,
                transform=ax.get_yaxis_transform(),
                ha="center",
                va="center",
                fontsize=8.5,
                color="#555555",
            )
            continue
        ax.scatter(
            values,
            row + rng.uniform(-0.25, 0.25, len(values)),
            s=7,
            color=PALETTE[0],
            alpha=0.45,
            linewidths=0,
        )
        summary = study.distributions.set_index(["group", "indicator"]).loc[(group, name)]
        _box(ax, _drawn(name, summary[["min", "q1", "median", "q3", "max"]]), row)
    if SPECS[name].log:
        ax.set_xscale("log")
        low, high = values_range(study, name)
        subs = (1.0,) if high / low > 1_000 else (1.0, 2.0, 5.0)  # at most ~10 labels
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=subs))
        ax.xaxis.set_minor_formatter(NullFormatter())
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _p: format_number(v, 0, lang)))
    _mark_district(ax, study, name, groups)
    ax.set_yticks(range(len(groups)))
    ax.set_yticklabels(
        [f"{tr(GROUP_LABELS[g], lang)}\n(n = {len(study.group_table(g))})" for g in groups],
        fontsize=8.5,
    )
    ax.set_ylim(len(groups) - 0.4, -0.6)
    title = SPECS[name].title
    if SPECS[name].log:
        title = Message("{title} (log scale)", title=Message(title))
    ax.set_title(tr(title, lang), loc="left")
    ax.set_xlabel(_axis_label(name, lang), fontsize=8.5)


def _box(ax: Axes, five: pd.Series, y: float, height: float = 0.6) -> None:
    """A horizontal box (quartiles, median) with whiskers from minimum to maximum."""
    grey = "#555555"
    ax.add_patch(
        Rectangle(
            (five["q1"], y - height / 2),
            five["q3"] - five["q1"],
            height,
            facecolor="none",
            edgecolor=grey,
            linewidth=1,
            zorder=3,
        )
    )
    ax.vlines(
        five["median"], y - height / 2, y + height / 2, color="black", linewidth=1.5, zorder=3
    )
    ax.hlines([y, y], [five["min"], five["q3"]], [five["q1"], five["max"]], color=grey, zorder=3)
    ax.vlines([five["min"], five["max"]], y - height / 4, y + height / 4, color=grey, zorder=3)


def values_range(study: AtlasStudy, name: str) -> tuple[float, float]:
    """Smallest and largest positive value of ``name`` over all districts, as drawn."""
    values = _drawn(name, study.table[name]).dropna()
    values = values[values > 0]
    return float(values.min()), float(values.max())


def _mark_district(ax: Axes, study: AtlasStudy, name: str, groups: Sequence[str]) -> None:
    """The chosen district as a diamond in its group's row."""
    row = study.row
    if row is None or pd.isna(row[name]):
        return
    value = float(_drawn(name, pd.Series([row[name]])).iloc[0])
    y = list(groups).index(row["group"])
    ax.scatter([value], [y], marker="D", s=46, color=HIGHLIGHT, edgecolors="white", zorder=5)


def _short(name: str, value: float, lang: str) -> str:
    """A compact value (shares as fractions): ``20``, ``32.4 %``, ``99 /km²``; German
    separators for ``lang="de"``."""
    spec = SPECS[name]
    if spec.percent:
        return f"{format_number(100 * value, spec.decimals, lang)} %"
    suffix = " /km²" if name == "density" else ""
    return f"{format_number(value, 0, lang)}{suffix}"


def _axis_label(name: str, lang: str) -> str:
    spec = SPECS[name]
    return "%" if spec.percent else tr(spec.unit or "count", lang)


# --- maps ---------------------------------------------------------------------------------------


def map_figure(
    study: AtlasStudy, indicators: Sequence[str] | None = None, lang: str = "en"
) -> Figure:
    """Choropleth maps of Germany, one per indicator (all six by default), three per row."""
    names = list(indicators) if indicators is not None else list(INDICATORS)
    rows = -(-len(names) // 3)
    fig, axes = plt.subplots(rows, 3, figsize=(12, 6.6 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names, strict=False):
        indicator_map(study, name, ax=ax, lang=lang)
    for ax in axes.flat[len(names) :]:
        ax.set_axis_off()
    title = Message("Municipal structure by district, Germany {date}", date=study.stichtag)
    fig.suptitle(tr(title, lang), x=0.01, ha="left")
    return fig


def indicator_map(
    study: AtlasStudy, name: str, *, ax: Axes | None = None, lang: str = "en"
) -> Figure:
    """Choropleth of one indicator on the Kreis polygons, with Länder borders and legend.

    Kreisfreie Städte are grey where the indicator says nothing about a single Gemeinde,
    districts without a value white; the chosen district is outlined.
    """
    if name not in MAP_CLASSES:
        raise ValueError(f"no map for {name!r}; indicators: {', '.join(INDICATORS)}")
    fig, ax = plt.subplots(figsize=(5, 6.8)) if ax is None else (ax.figure, ax)
    bounds, _style = MAP_CLASSES[name]
    labels = class_labels(name, lang)
    colours = _class_colours(len(labels))
    polygons = simplified(study.polygons)
    values = _drawn(name, polygons[name])
    cities = polygons["group"].eq(CITY_GROUP) & (not SPECS[name].for_cities)
    classes = pd.Series(np.digitize(values, bounds), index=polygons.index)
    fill = [colours[c] for c in classes]
    fill = np.where(cities, CITY_FILL, np.where(values.isna(), NO_DATA_FILL, fill))
    fill_polygons(ax, polygons, list(fill), edgecolor=KREIS_EDGE, linewidth=0.15)
    draw_borders(ax, simplified(study.lands), color=LAND_EDGE, linewidth=0.55)
    handles = [Patch(facecolor=c, edgecolor="#999999", linewidth=0.4) for c in colours]
    texts = list(labels)
    if cities.any():
        handles.append(Patch(facecolor=CITY_FILL, edgecolor="#999999", linewidth=0.4))
        texts.append(tr("kreisfreie Stadt", lang))
    if (values.isna() & ~cities).any():
        handles.append(Patch(facecolor=NO_DATA_FILL, edgecolor="#999999", linewidth=0.4))
        texts.append(tr("no data", lang))
    _outline_district(ax, study, polygons, handles, texts)
    ax.legend(
        handles,
        texts,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.03),
        ncol=3,
        fontsize=7.5,
        handlelength=1.2,
        handletextpad=0.5,
        columnspacing=0.9,
    )
    _map_frame(ax)
    ax.set_title(tr(SPECS[name].title, lang), loc="left")
    return fig


def _class_colours(count: int) -> list[str]:
    """``count`` colours of the sequential map palette, skipping its near-white start."""
    cmap = plt.get_cmap(CMAP)
    return [_hex(cmap(0.12 + 0.88 * i / (count - 1))) for i in range(count)]


def _hex(rgba: tuple[float, ...]) -> str:
    return "#" + "".join(f"{round(255 * c):02x}" for c in rgba[:3])


def fill_polygons(
    ax: Axes, frame: gpd.GeoDataFrame, colours: Sequence[str], *, edgecolor: str, linewidth: float
) -> None:
    """Fill the polygons of ``frame`` (one colour each) as one collection.

    Drawn directly rather than with :meth:`geopandas.GeoDataFrame.plot`, which redraws the
    whole figure after every call (18 times for six maps).
    """
    paths = [_path(geometry) for geometry in frame.geometry]
    patches = [PathPatch(path) for path in paths]
    collection = PatchCollection(
        patches, facecolors=list(colours), edgecolors=edgecolor, linewidths=linewidth
    )
    ax.add_collection(collection)
    ax.autoscale_view()


def draw_borders(ax: Axes, frame: gpd.GeoDataFrame, *, color: str, linewidth: float) -> None:
    """Draw the outlines of the polygons of ``frame`` as one line collection."""
    lines = shapely.get_parts(shapely.boundary(frame.geometry.to_numpy()))
    segments = [shapely.get_coordinates(line) for line in lines]
    ax.add_collection(LineCollection(segments, colors=color, linewidths=linewidth))
    ax.autoscale_view()


def _path(geometry: shapely.Geometry) -> Path:
    """A (multi)polygon as one matplotlib path, holes included."""
    rings = []
    for polygon in shapely.get_parts(geometry):
        for ring in (polygon.exterior, *polygon.interiors):
            rings.append(Path(shapely.get_coordinates(ring), closed=True))
    return Path.make_compound_path(*rings)


def simplified(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``frame`` with its polygons simplified for a map of Germany (shared borders kept).

    A coverage simplification (:func:`shapely.coverage_simplify`) with a tolerance of
    :data:`DRAW_TOLERANCE_M`, about one pixel of a map 4 inches wide at 150 dpi: the picture
    is unchanged while the SVG is a third smaller.
    """
    out = frame.copy()
    out["geometry"] = shapely.coverage_simplify(frame.geometry.to_numpy(), DRAW_TOLERANCE_M)
    return out


def _outline_district(
    ax: Axes, study: AtlasStudy, polygons: gpd.GeoDataFrame, handles: list, texts: list[str]
) -> None:
    """Outline the chosen district and add it to the legend."""
    if study.district is None:
        return
    own = polygons[polygons["kreis_key"].eq(study.district.kreis_key)]
    draw_borders(ax, own, color=HIGHLIGHT, linewidth=1.6)
    handles.append(Line2D([], [], color=HIGHLIGHT, linewidth=1.6))
    texts.append(study.district.name)


def _map_frame(ax: Axes) -> None:
    """Equal aspect, no axes, and the BKG attribution under the map."""
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.text(
        1.0,
        0.0,
        BKG_ATTRIBUTION,
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=6,
        color="#555555",
    )


# --- one district's place -------------------------------------------------------------------


def typicality_figure(study: AtlasStudy, lang: str = "en") -> Figure:
    """How typical is the district: its percentiles (left) and its most similar districts (map).

    Raises
    ------
    ValueError
        When the study has no district (``study.position`` is ``None``).
    """
    if study.district is None or study.position is None or study.similar is None:
        raise ValueError("the atlas was run without a district: no typicality panel to draw")
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(12, 6.4), gridspec_kw={"width_ratios": [1.45, 1]}
    )
    percentile_panel(study, ax=left, lang=lang)
    similar_map(study, ax=right, lang=lang)
    title = Message("How typical is {name}?", name=study.district.name)
    fig.suptitle(tr(title, lang), x=0.01, ha="left")
    return fig


def percentile_panel(study: AtlasStudy, *, ax: Axes | None = None, lang: str = "en") -> Figure:
    """The district's percentile on each indicator within its group, bands for the middle half
    (25th–75th) and the middle 80 % (10th–90th); its value and the group median on the right."""
    if study.position is None or study.district is None or study.group is None:
        raise ValueError("the atlas was run without a district: no percentiles to draw")
    fig, ax = plt.subplots(figsize=(7, 4.5)) if ax is None else (ax.figure, ax)
    position = study.position
    ax.axvspan(*OUTER, color="#eef2f5", zorder=0)
    ax.axvspan(*MIDDLE, color="#d5e1ea", zorder=0)
    ax.axvline(50, color="#7a8a96", linewidth=0.8, zorder=1)
    for y, item in enumerate(position.itertuples()):
        _percentile_row(ax, item, y, lang)
    ax.set_yticks(range(len(position)))
    ax.set_yticklabels([tr(SPECS[n].title, lang) for n in position["indicator"]], fontsize=8.5)
    ax.set_ylim(len(position) - 0.5, -0.6)
    ax.set_xlim(0, 100)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xticks(list(OUTER), minor=True)
    label = Message(
        "percentile among {group}\n(shaded: 25th–75th and 10th–90th percentile)",
        group=study.group_phrase(),
    )
    ax.set_xlabel(tr(label, lang))
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_title(tr(Message("{name} within its group", name=study.district.name), lang), loc="left")
    return fig


def _percentile_row(ax: Axes, item: Any, y: int, lang: str) -> None:
    """One indicator: the district's marker and percentile (or "same for every district"),
    and its value next to the group median right of the panel."""
    ax.axhline(y, color="#cccccc", linewidth=0.5, zorder=1)
    if np.isnan(item.percentile):
        box = {"facecolor": "white", "edgecolor": "none", "pad": 1}
        ax.text(
            50,
            y,
            tr("same for every district of the group", lang),
            ha="center",
            va="center",
            fontsize=8,
            color="#555555",
            zorder=3,
            bbox=box,
        )
    else:
        ax.scatter(
            [item.percentile], [y], marker="D", s=60, color=HIGHLIGHT, edgecolors="white", zorder=4
        )
        ax.annotate(
            ordinal(item.percentile, lang),
            (item.percentile, y),
            xytext=(0, 7),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            color=HIGHLIGHT,
        )
    text = Message(
        "{value}  (median {median})",
        value=_short(item.indicator, item.value, lang),
        median=_short(item.indicator, item.median, lang),
    )
    ax.annotate(
        tr(text, lang),
        (1.02, y),
        xycoords=("axes fraction", "data"),
        va="center",
        fontsize=8,
        annotation_clip=False,
    )


def similar_map(study: AtlasStudy, *, ax: Axes | None = None, lang: str = "en") -> Figure:
    """Map of the district and its most similar districts, numbered by rank."""
    if study.similar is None or study.district is None:
        raise ValueError("the atlas was run without a district: no similar districts to draw")
    fig, ax = plt.subplots(figsize=(5, 6.5)) if ax is None else (ax.figure, ax)
    polygons = simplified(study.polygons)
    similar = study.similar.set_index("kreis_key")
    own = polygons["kreis_key"].eq(study.district.kreis_key)
    near = polygons["kreis_key"].isin(similar.index)
    in_group = polygons["group"].eq(study.group)
    fill = np.where(
        own, HIGHLIGHT, np.where(near, SIMILAR, np.where(in_group, "#e3e3e3", "#f7f7f7"))
    )
    fill_polygons(ax, polygons, list(fill), edgecolor=KREIS_EDGE, linewidth=0.15)
    draw_borders(ax, simplified(study.lands), color=LAND_EDGE, linewidth=0.5)
    # Markers as well as fills: a kreisfreie Stadt is too small to see as a filled polygon.
    points = polygons[own | near].set_index("kreis_key").geometry.representative_point()
    ax.scatter(
        points.x,
        points.y,
        s=22,
        c=[HIGHLIGHT if k == study.district.kreis_key else SIMILAR for k in points.index],
        edgecolors="black",
        linewidths=0.5,
        zorder=4,
    )
    for key, point in points.drop(index=study.district.kreis_key).items():
        ax.annotate(
            str(similar.loc[key, "rank"]),
            (point.x, point.y),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=8,
            fontweight="bold",
            path_effects=[withStroke(linewidth=2.2, foreground="white")],
            zorder=5,
        )
    handles = [Patch(facecolor=HIGHLIGHT), Patch(facecolor=SIMILAR)]
    texts = [study.district.name, tr("most similar, by rank (distance in SD units):", lang)]
    handles += [Line2D([], [], linestyle="") for _ in similar.index]
    texts += [
        f"{r.rank}  {r.district}, {r.land_name} ({format_number(r.distance, 2, lang)})"
        for r in study.similar.itertuples()
    ]
    ax.legend(
        handles,
        texts,
        loc="upper left",
        bbox_to_anchor=(0.0, -0.04),
        fontsize=7.5,
        handlelength=1.2,
    )
    _map_frame(ax)
    ax.set_title(tr("Most similar districts", lang), loc="left")
    return fig


# --- source lines ---------------------------------------------------------------------------


_NOTES = {
    "distributions": (
        "Source: {source} (embedded extract); inhabited Gemeinden only. Boxes: quartiles and "
        "median; whiskers: minimum to maximum. For a kreisfreie Stadt the median Gemeinde "
        "population is the city's population."
    ),
    "maps": (
        "Source: {source} (embedded extract); inhabited Gemeinden only. Geometry: BKG VG5000, "
        "{attribution}."
    ),
    "typicality": (
        "Source: {source} (embedded extract); inhabited Gemeinden only. Distance: Euclidean on "
        "standardised indicators (log10 of counts, sizes, density). Geometry: BKG VG5000, "
        "{attribution}."
    ),
}
register(
    {
        _NOTES["distributions"]: (
            "Quelle: {source} (eingebetteter Auszug); nur bewohnte Gemeinden. Kästen: Quartile "
            "und Median; Antennen: Minimum bis Maximum. Bei einer kreisfreien Stadt ist der "
            "Median der Gemeindegröße die Einwohnerzahl der Stadt."
        ),
        _NOTES["maps"]: (
            "Quelle: {source} (eingebetteter Auszug); nur bewohnte Gemeinden. Geometrie: BKG "
            "VG5000, {attribution}."
        ),
        _NOTES["typicality"]: (
            "Quelle: {source} (eingebetteter Auszug); nur bewohnte Gemeinden. Abstand: "
            "euklidisch auf standardisierten Indikatoren (log10 der Anzahlen, Größen, Dichte). "
            "Geometrie: BKG VG5000, {attribution}."
        ),
    }
)


def source_note(study: AtlasStudy, figure: str, lang: str = "en") -> str:
    """Source line of ``figure`` (one of :data:`FIGURES`) for saving it, in ``lang``."""
    if figure not in _NOTES:
        raise ValueError(f"no source line for figure {figure!r}; figures: {', '.join(FIGURES)}")
    note = Message(_NOTES[figure], source=study.source, attribution=BKG_ATTRIBUTION)
    return tr(note, lang)
