"""Figures of notebook 01 (municipal structure): size classes, density, map, demography,
national comparison.

Each function takes the tables computed by :mod:`ikzlib.structure`, :mod:`ikzlib.destatis`
and :mod:`ikzlib.municipalities` and returns a new matplotlib figure; saving (with the source
line) is left to :func:`ikzlib.figures.save_figure`.
"""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from ikzlib import boundaries
from ikzlib.figures import PALETTE, format_number, number_formatter
from ikzlib.municipalities import EINHEITSGEMEINDE

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


def size_class_figure(classes: pd.DataFrame, title: str, *, german: bool = False) -> Figure:
    """Number of Gemeinden and population share per size class, side by side.

    Parameters
    ----------
    classes
        Table of :func:`ikzlib.structure.size_class_table`.
    title
        Figure title.
    german
        German number format in the bar labels and ticks.

    Returns
    -------
    matplotlib.figure.Figure
        Two horizontal bar panels sharing the size-class axis, each bar labelled.
    """
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
    for ax, values, decimals in ((axes[0], classes["n_municipalities"], 0), (axes[1], shares, 1)):
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
    fig.suptitle(title)
    return fig


def density_figure(
    units: pd.DataFrame, district_density: float, title: str, *, german: bool = False
) -> Figure:
    """Population density of each administrative unit, with the district value as a line.

    Parameters
    ----------
    units
        ``unit_name``, ``unit_type`` and ``density`` per unit, in the order to draw (top to
        bottom is last to first, as :meth:`~matplotlib.axes.Axes.barh` draws).
    district_density
        Inhabitants per km² of the whole district.
    title
        Axes title.
    german
        German number format.

    Returns
    -------
    matplotlib.figure.Figure
        One bar per unit; joint administrations in the second palette colour.
    """
    fig, ax = plt.subplots(figsize=(7.5, 0.32 * len(units) + 1.2))
    names = units["unit_name"].str.split(",").str[0]
    colours = [PALETTE[0] if t == EINHEITSGEMEINDE else PALETTE[1] for t in units["unit_type"]]
    ax.barh(names, units["density"], color=colours)
    ax.axvline(district_density, color="#555555", linestyle="--", linewidth=1)
    ax.annotate(
        f"district {format_number(district_density, 0, german)}",
        (district_density, len(units) - 0.5),
        xytext=(4, 0),
        textcoords="offset points",
        fontsize=8,
        color="#555555",
    )
    ax.set_xlabel("inhabitants per km²")
    ax.xaxis.set_major_formatter(number_formatter(0, german))
    ax.set_title(title)
    return fig


def municipality_map_figure(
    municipalities: pd.DataFrame,
    polygons: gpd.GeoDataFrame | None,
    outline: gpd.GeoDataFrame | None,
    title: str,
    *,
    german: bool = False,
) -> tuple[Figure, str]:
    """Map of the Gemeinden sized by population (polygons when boundaries are given).

    Parameters
    ----------
    municipalities
        Municipality table (:func:`ikzlib.municipalities.load_municipalities`).
    polygons, outline
        Boundaries from :func:`ikzlib.boundaries.municipality_boundaries` and
        :func:`ikzlib.boundaries.district_outline`, or ``None`` for centre points only.
    title
        Axes title.
    german
        German number format in the legend.

    Returns
    -------
    tuple of (matplotlib.figure.Figure, str)
        The figure and the note for the source line: the BKG attribution when polygons were
        drawn, else :data:`ikzlib.boundaries.NO_BOUNDARY_NOTE`.
    """
    fig, ax = plt.subplots(figsize=(8.5, 6.5))
    note = boundaries.plot_municipality_map(ax, municipalities, polygons, outline, german=german)
    ax.set_title(title)
    return fig, note


def _label_points(ax: plt.Axes, series: pd.DataFrame, kind: str, german: bool) -> None:
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


def demography_figure(
    statements: pd.DataFrame, series: pd.DataFrame, title: str, *, german: bool = False
) -> Figure:
    """Population by year as reported by a study, derived values drawn hollow.

    Parameters
    ----------
    statements
        Statements of :func:`ikzlib.structure.read_demography`; each ``change`` whose two
        years are in ``series`` is written between them.
    series
        Population by year of :func:`ikzlib.structure.demography_series`.
    title
        Axes title.
    german
        German number format.

    Returns
    -------
    matplotlib.figure.Figure
        Line through all years, one marker style per ``kind`` present (with legend entry).
    """
    fig, ax = plt.subplots(figsize=(7, 3.8))
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
    ax.set_ylim(0, series["population"].max() * 1.2)
    ax.set_xlim(series["year"].min() - 5, series["year"].max() + 5)
    ax.yaxis.set_major_formatter(number_formatter(0, german))
    ax.set_ylabel("inhabitants")
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title(title)
    return fig


def national_figure(
    comparison: pd.DataFrame, position: pd.DataFrame, district_name: str, *, german: bool = False
) -> Figure:
    """Distribution of three structure measures over all Kreise, the district marked.

    Parameters
    ----------
    comparison
        One row per Kreis (:func:`ikzlib.destatis.kreis_comparison`).
    position
        The district's value per ``measure`` (:func:`ikzlib.destatis.district_position`).
    district_name
        Label of the marker line.
    german
        German number format.

    Returns
    -------
    matplotlib.figure.Figure
        Three histogram panels (log-spaced bins for the skewed counts and sizes).
    """
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    values_of = position.set_index("measure")["value"]
    for ax, (measure, label, scale) in zip(axes, NATIONAL_MEASURES, strict=True):
        values = comparison[measure] * scale
        if measure == "share_pop_small":
            ax.hist(values, bins=30, color="#c9d6df")
        else:  # counts and sizes are skewed: log-spaced bins
            values = values.clip(lower=1)
            ax.set_xscale("log")
            ax.tick_params(axis="x", labelrotation=30)
            ratio = values.max() / values.min()
            ax.hist(
                values, bins=[values.min() * ratio ** (i / 30) for i in range(31)], color="#c9d6df"
            )
        mine = float(values_of[measure]) * scale
        ax.axvline(mine, color=PALETTE[1], linewidth=2)
        ax.annotate(
            district_name,
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
    fig.suptitle(f"{district_name} among the {len(comparison)} German Kreise")
    fig.align_xlabels(axes)  # rotated and plain tick labels otherwise put the labels at odd heights
    return fig
