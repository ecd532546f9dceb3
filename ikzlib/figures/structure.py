"""Figures of the municipal structure: size classes, density, map, demography, national context.

Each public function takes a :class:`~ikzlib.studies.structure.StructureStudy` (and ``ax``
where it draws a single panel) and ``lang`` (``"en"`` or ``"de"``: every text and number in
that language, :mod:`ikzlib.i18n`) and returns the figure; it neither saves nor shows. Size
classes and the national context are drawn at two levels, administrative units first (the
level of the case studies) and Gemeinden beside them, each labelled.
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

from ikzlib import figures
from ikzlib.figures import BKG_ATTRIBUTION, PALETTE, number_formatter, plot_shapes
from ikzlib.i18n import Message, Number, format_number, register, tr
from ikzlib.municipalities import EINHEITSGEMEINDE, VERBANDSFREI
from ikzlib.structure import LEVELS

if TYPE_CHECKING:
    from pathlib import Path

    from IPython.display import Image

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

# Per level: the Kreis table of the study, and measure, axis label, scale, log axis per panel.
NATIONAL_MEASURES = {
    "units": (
        "kreis_units",
        [
            ("n_units", "administrative units per Kreis", 1, True),
            ("share_units_small", "% of administrative units under 10,000", 100, False),
            (
                "share_pop_small",
                "% of population living in\nadministrative units under 10,000",
                100,
                False,
            ),
        ],
    ),
    "gemeinden": (
        "kreise",
        [
            ("n_municipalities", "inhabited Gemeinden per Kreis", 1, True),
            ("share_municipalities_small", "% of Gemeinden under 10,000", 100, False),
            ("share_pop_small", "% of population living in\nGemeinden under 10,000", 100, False),
        ],
    ),
}
_LEVEL_COLOURS = {"units": PALETTE[0], "gemeinden": PALETTE[5]}

register(
    {
        "stated by the study": "von der Studie angegeben",
        "derived from a stated % change": "aus einer angegebenen %-Veränderung abgeleitet",
        "projection, derived from the stated %": "Projektion, aus dem angegebenen % abgeleitet",
        "administrative units per Kreis": "Verwaltungseinheiten je Kreis",
        "% of administrative units under 10,000": "% der Verwaltungseinheiten unter 10.000",
        "% of population living in\nadministrative units under 10,000": (
            "% der Bevölkerung in\nVerwaltungseinheiten unter 10.000"
        ),
        "inhabited Gemeinden per Kreis": "bewohnte Gemeinden je Kreis",
        "% of Gemeinden under 10,000": "% der Gemeinden unter 10.000",
        "% of population living in\nGemeinden under 10,000": (
            "% der Bevölkerung in\nGemeinden unter 10.000"
        ),
        "number of administrative units or Gemeinden": "Anzahl Verwaltungseinheiten bzw. Gemeinden",
        "share of the district population (%)": "Anteil an der Bevölkerung des Kreises (%)",
        "inhabitants": "Einwohner",
        "{name}: size classes of administrative units and Gemeinden ({date})": (
            "{name}: Größenklassen der Verwaltungseinheiten und Gemeinden ({date})"
        ),
        "district {value}": "Kreis insgesamt {value}",
        "inhabitants per km²": "Einwohner je km²",
        "{name}: population density of the administrative units": (
            "{name}: Bevölkerungsdichte der Verwaltungseinheiten"
        ),
        "{name}: Gemeinden sized by population ({date})": (
            "{name}: Gemeinden nach Einwohnerzahl ({date})"
        ),
        "{value} inhabitants": "{value} Einwohner",
        "verbandsfreie Gemeinde": "verbandsfreie Gemeinde",
        "member of a Gemeindeverband": "Mitglied eines Gemeindeverbands",
        "about {value} %": "etwa {value} %",
        "{name}: population {first}–{last} as stated by the study": (
            "{name}: Bevölkerung {first}–{last} laut der Studie"
        ),
        "{level}\nnumber of Kreise": "{level}\nAnzahl Kreise",
        "{name} among the {n} German Kreise: administrative units (top), Gemeinden (bottom)": (
            "{name} unter den {n} deutschen Kreisen: Verwaltungseinheiten (oben), Gemeinden (unten)"
        ),
        "{value} %": "{value} %",
        "Source: {source}; administrative units: population summed per verbandsfreie Gemeinde "
        "and per Gemeindeverband (ARS digits 1-9).": (
            "Quelle: {source}; Verwaltungseinheiten: Bevölkerung je verbandsfreier Gemeinde "
            "und je Gemeindeverband summiert (ARS-Stellen 1-9)."
        ),
        "Source: {source}; joint administrations (orange) aggregated over their members.": (
            "Quelle: {source}; gemeinsame Verwaltungen (orange) über ihre Mitglieder summiert."
        ),
        "{attribution}. Population and centres: Destatis GV-ISys.": (
            "{attribution}. Bevölkerung und Mittelpunkte: Destatis GV-ISys."
        ),
        "Source: {source}. Hollow markers are derived, not published.": (
            "Quelle: {source}. Hohle Markierungen sind abgeleitet, nicht veröffentlicht."
        ),
        "Source: Destatis GV-ISys, {label}; inhabited Gemeinden only; administrative units: "
        "population summed per Gemeindeverband (ARS digits 1-9); log scale in the first "
        "column.": (
            "Quelle: Destatis GV-ISys, {label}; nur bewohnte Gemeinden; Verwaltungseinheiten: "
            "Bevölkerung je Gemeindeverband summiert (ARS-Stellen 1-9); logarithmische Skala "
            "in der ersten Spalte."
        ),
        NO_BOUNDARY_NOTE: "Mittelpunkte; keine Grenzdatei konfiguriert",
    }
)


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """A new figure and axes of ``figsize``, or the figure of ``ax``."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def _annotate_bars(ax: Axes, bars, values: pd.Series, decimals: int, lang: str) -> None:
    """Write each value at the end of its horizontal bar."""
    labels = [format_number(v, decimals, lang) for v in values]
    ax.bar_label(bars, labels, padding=3, fontsize=7.5)
    ax.margins(x=0.15)


# --- size classes and density -----------------------------------------------------------------


def size_class_figure(study: StructureStudy, *, lang: str = "en") -> Figure:
    """Administrative units and Gemeinden per size class, and their population shares.

    Parameters
    ----------
    study
        The structure study (its ``size_classes`` per administrative unit and
        ``municipality_size_classes`` per Gemeinde).
    lang
        ``"en"`` or ``"de"``: labels, title and number format.

    Returns
    -------
    matplotlib.figure.Figure
        Two horizontal bar panels sharing the size-class axis: the number of units and of
        Gemeinden, and the share of the district population living in them; a pair of
        labelled bars per class (units above, Gemeinden below).
    """
    levels = {"units": study.size_classes, "gemeinden": study.municipality_size_classes}
    fig, axes = plt.subplots(1, 2, figsize=(9.5, 4.2), sharey=True)
    labels = study.size_classes["size_class"].astype(str).tolist()
    positions = range(len(labels))
    height = 0.38
    for offset, (level, classes) in zip((-height / 2, height / 2), levels.items(), strict=True):
        y = [p + offset for p in positions]
        colour, name = _LEVEL_COLOURS[level], tr(LEVELS[level], lang)
        counts = axes[0].barh(y, classes["n"], height=height, color=colour, label=name)
        _annotate_bars(axes[0], counts, classes["n"], 0, lang)
        shares = 100 * classes["share_population"]
        bars = axes[1].barh(y, shares, height=height, color=colour, label=name)
        _annotate_bars(axes[1], bars, shares, 1, lang)
    axes[0].set_yticks(list(positions), [tr(label, lang) for label in labels])
    axes[0].set_xlabel(tr("number of administrative units or Gemeinden", lang))
    axes[1].set_xlabel(tr("share of the district population (%)", lang))
    axes[1].xaxis.set_major_formatter(number_formatter(0, lang == "de"))
    axes[0].set_ylabel(tr("inhabitants", lang))
    axes[0].invert_yaxis()
    axes[0].legend(loc="lower right", fontsize=8)
    title = Message(
        "{name}: size classes of administrative units and Gemeinden ({date})",
        name=study.district.name,
        date=study.population_date,
    )
    fig.suptitle(tr(title, lang))
    return fig


def density_figure(study: StructureStudy, ax: Axes | None = None, *, lang: str = "en") -> Figure:
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
        tr(Message("district {value}", value=Number(study.district_density, 0)), lang),
        (study.district_density, len(units) - 0.5),
        xytext=(4, 0),
        textcoords="offset points",
        fontsize=8,
        color="#555555",
    )
    ax.set_xlabel(tr("inhabitants per km²", lang))
    ax.xaxis.set_major_formatter(number_formatter(0, lang == "de"))
    title = Message(
        "{name}: population density of the administrative units", name=study.district.name
    )
    ax.set_title(tr(title, lang))
    return fig


# --- map --------------------------------------------------------------------------------------


def municipality_map_figure(
    study: StructureStudy, ax: Axes | None = None, *, lang: str = "en"
) -> Figure:
    """Map of the study's Gemeinden sized by population, on their polygons when known."""
    fig = municipality_map(study.municipalities, study.polygons, study.outline, ax=ax, lang=lang)
    title = Message(
        "{name}: Gemeinden sized by population ({date})",
        name=study.district.name,
        date=study.population_date,
    )
    fig.axes[0].set_title(tr(title, lang))
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
    lang: str = "en",
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
    lang
        ``"en"`` or ``"de"``: legend text and number format.
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
        plot_shapes(polygons, ax, color=joint.map(_FILL), edgecolor="#4d4d4d", linewidth=0.6)
        if outline is not None:
            plot_shapes(outline.to_crs(polygons.crs).boundary, ax, color="#222222", linewidth=1.4)
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
    _legend(ax, centres["population"], lang, fills=has_polygons)
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


def _legend(ax: Axes, population: pd.Series, lang: str, fills: bool) -> None:
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
    labels = [tr(Message("{value} inhabitants", value=v), lang) for v in steps]
    if fills:
        handles += [Patch(color=_FILL[False]), Patch(color=_FILL[True])]
        labels += [tr("verbandsfreie Gemeinde", lang), tr("member of a Gemeindeverband", lang)]
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


def _label_points(ax: Axes, series: pd.DataFrame, kind: str, lang: str) -> None:
    """Write each population above its marker: stated figures exact, others rounded with ≈."""
    for _, row in series.iterrows():
        exact = kind == "stated" and not row["approximate"]
        value = row["population"] if exact else round(row["population"], -2)
        text = ("" if exact else "≈ ") + format_number(value, 0, lang)
        ax.annotate(
            text,
            (row["year"], row["population"]),
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )


def _label_changes(ax: Axes, statements: pd.DataFrame, series: pd.DataFrame, lang: str) -> None:
    """Write each stated change between its two years (when both are in ``series``)."""
    years = series.set_index("year")["population"]
    for _, change in statements[statements["quantity"].eq("change")].iterrows():
        start, end = int(change["start_year"]), int(change["end_year"])
        if start in years and end in years:
            value = Number(change["value"], 0)
            label = tr(
                Message("about {value} %" if change["approximate"] else "{value} %", value=value),
                lang,
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


def demography_figure(study: StructureStudy, ax: Axes | None = None, *, lang: str = "en") -> Figure:
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
            label=tr(label, lang),
        )
        _label_points(ax, part, kind, lang)
    _label_changes(ax, statements, series, lang)
    ax.set_ylim(0, series["population"].max() * 1.2)
    ax.set_xlim(series["year"].min() - 5, series["year"].max() + 5)
    ax.yaxis.set_major_formatter(number_formatter(0, lang == "de"))
    ax.set_ylabel(tr("inhabitants", lang))
    ax.legend(loc="lower left", fontsize=8)
    title = Message(
        "{name}: population {first}–{last} as stated by the study",
        name=study.district.name,
        first=str(series["year"].min()),
        last=str(series["year"].max()),
    )
    ax.set_title(tr(title, lang))
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


def national_figure(study: StructureStudy, *, lang: str = "en") -> Figure:
    """The district among all Kreise, at the level of administrative units and of Gemeinden.

    Top row administrative units, bottom row Gemeinden (:data:`NATIONAL_MEASURES`): the
    number per Kreis, the share under 10,000 inhabitants and the population share living in
    them, each a histogram over all Kreise with the district marked.

    Raises
    ------
    ValueError
        When the study has no national comparison (``study.position`` is ``None``).
    """
    if study.position is None or study.kreise is None or study.kreis_units is None:
        raise ValueError(f"{study.district.name} has no national comparison: nothing to draw")
    fig, axes = plt.subplots(2, 3, figsize=(11.5, 6.6))
    name = study.district.name
    for row, (level, (table_name, measures)) in zip(axes, NATIONAL_MEASURES.items(), strict=True):
        table = getattr(study, table_name)
        mine = table.set_index("kreis_key").loc[study.district.kreis_key]
        for ax, (measure, label, scale, logarithmic) in zip(row, measures, strict=True):
            _national_panel(ax, table[measure] * scale, logarithmic)
            _mark_district(ax, float(mine[measure]) * scale, name)
            ax.set_xlabel(tr(label, lang))
            ax.xaxis.set_major_formatter(number_formatter(0, lang == "de"))
        level_label = tr(LEVELS[level], lang)
        row[0].set_ylabel(tr(Message("{level}\nnumber of Kreise", level=level_label), lang))
    title = Message(
        "{name} among the {n} German Kreise: administrative units (top), Gemeinden (bottom)",
        name=name,
        n=len(study.kreise),
    )
    fig.suptitle(tr(title, lang))
    for row in axes:  # rotated and plain tick labels otherwise put the labels at odd heights
        fig.align_xlabels(row)
    return fig


def _mark_district(ax: Axes, value: float, name: str) -> None:
    """A vertical line at the district's value, named on the side with more room."""
    ax.axvline(value, color=PALETTE[1], linewidth=2)
    # axes fraction of the value (log or linear axis alike)
    fraction = ax.transAxes.inverted().transform(ax.transData.transform((value, 0)))[0]
    right = fraction < 0.6
    ax.annotate(
        name,
        (value, 0.95),
        xycoords=("data", "axes fraction"),
        xytext=(4 if right else -4, 0),
        textcoords="offset points",
        ha="left" if right else "right",
        color=PALETTE[1],
        fontsize=8,
        va="top",
    )


# --- source lines -----------------------------------------------------------------------------


def source_note(study: StructureStudy, figure: str, lang: str = "en") -> str:
    """Source line of ``figure`` (one of :data:`FIGURES`) for saving it, in ``lang``."""
    if figure == "size_classes":
        return tr(
            Message(
                "Source: {source}; administrative units: population summed per verbandsfreie "
                "Gemeinde and per Gemeindeverband (ARS digits 1-9).",
                source=study.source,
            ),
            lang,
        )
    if figure == "density":
        template = "Source: {source}; joint administrations (orange) aggregated over their members."
        return tr(Message(template, source=study.source), lang)
    if figure == "map":
        attribution = tr(map_note(study.polygons), lang)
        template = "{attribution}. Population and centres: Destatis GV-ISys."
        return tr(Message(template, attribution=attribution), lang)
    if figure == "demography" and study.demography is not None:
        sources = "; ".join(dict.fromkeys(study.demography["source"]))
        template = "Source: {source}. Hollow markers are derived, not published."
        return tr(Message(template, source=sources), lang)
    if figure == "national" and study.national is not None:
        template = (
            "Source: Destatis GV-ISys, {label}; inhabited Gemeinden only; administrative units: "
            "population summed per Gemeindeverband (ARS digits 1-9); log scale in the first "
            "column."
        )
        return tr(Message(template, label=study.national_label), lang)
    raise ValueError(f"no source line for figure {figure!r}; figures: {', '.join(FIGURES)}")


# --- drawing and saving in one step -------------------------------------------------------------

_DRAW = {
    "size_classes": size_class_figure,
    "density": density_figure,
    "map": municipality_map_figure,
    "demography": demography_figure,
    "national": national_figure,
}


def publish(
    study: StructureStudy, figure: str, *, lang: str = "en", root: str | Path | None = None
) -> Image:
    """Draw ``figure`` (one of :data:`FIGURES`), save it as ``01_<figure>`` and return the PNG.

    The source line is :func:`source_note`; saving and display go through
    :func:`ikzlib.figures.publish` (each figure rendered once per format).
    """
    if figure not in _DRAW:
        raise ValueError(f"unknown figure {figure!r}; figures: {', '.join(FIGURES)}")
    drawn = _DRAW[figure](study, lang=lang)
    source = source_note(study, figure, lang)
    return figures.publish(drawn, study.district.key, f"01_{figure}", source=source, root=root)
