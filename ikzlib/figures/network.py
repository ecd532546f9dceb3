"""Figures of the cooperation network: bipartite chart, projected network on the map, bars.

Each public function takes a :class:`~ikzlib.studies.network.NetworkStudy` (of a district
with a register) and an optional ``ax`` and returns the figure; :func:`source_note` gives the
source line for :func:`ikzlib.figures.save_figure`.

Evidence is always visible: documented ties are solid lines, inferred ties dashed, ties of
unknown confidence dotted; catchment-only ("service area only") ties are drawn lighter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ikzlib.figures import BKG_ATTRIBUTION
from ikzlib.network import BODY, MUNICIPALITY

if TYPE_CHECKING:
    from ikzlib.studies.network import NetworkStudy

LINESTYLES = {"documented": "-", "inferred": (0, (4, 2.5)), "unknown": (0, (1, 2))}


# One distinct hue per legal form, fixed so colours agree across districts and figures.
LEGAL_FORM_COLOURS = {
    "Zweckverband": "#1b6a8f",
    "Zweckvereinbarung": "#4c9a2a",
    "Arbeitsgemeinschaft": "#76b7b2",
    "Verbandsgemeinde": "#7a5195",
    "Samtgemeinde": "#a05195",
    "kommunale Anstalt/AöR": "#2f4858",
    "GmbH": "#e07b39",
    "gGmbH": "#f2a65a",
    "eG": "#b23a48",
    "e.V.": "#d4a017",
    "Unterhaltungsverband": "#56b4e9",
    "Eigenbetrieb": "#8c6d31",
    "informal/network": "#e377c2",
    "agreement (legal basis unknown)": "#17becf",
    "unknown": "#8c8c8c",
}


def legal_form_colours(labels: list[str]) -> dict[str, str]:
    """The colour of each legal form in ``labels`` (grey for anything not in the vocabulary)."""
    return {label: LEGAL_FORM_COLOURS.get(label, "#444444") for label in sorted(labels)}


def _short(label: str, width: int = 38) -> str:
    label = label.split(",")[0]
    return label if len(label) <= width else label[: width - 1] + "…"


def _draw_bipartite(ax: Axes, bipartite: nx.Graph) -> dict[str, str]:
    """Municipalities (left) and bodies (right, grouped by legal form) with their ties.

    Only bodies with at least one municipality tie are drawn; other members (districts,
    companies, municipalities outside the district) are left out. Returns the colour map.
    """
    municipalities = sorted(
        (n for n, k in bipartite.nodes(data="kind") if k == MUNICIPALITY),
        key=lambda n: bipartite.nodes[n]["label"],
        reverse=True,
    )
    bodies = [
        n
        for n, k in bipartite.nodes(data="kind")
        if k == BODY and any(bipartite.nodes[m]["kind"] == MUNICIPALITY for m in bipartite[n])
    ]
    bodies.sort(
        key=lambda n: (bipartite.nodes[n]["legal_form"], bipartite.nodes[n]["label"]), reverse=True
    )
    colours = legal_form_colours(sorted({bipartite.nodes[b]["legal_form"] for b in bodies}))
    y_m = dict(zip(municipalities, np.linspace(0, 1, len(municipalities)), strict=True))
    y_b = dict(zip(bodies, np.linspace(0, 1, len(bodies)), strict=True))
    for body in bodies:
        colour = colours[bipartite.nodes[body]["legal_form"]]
        for node in bipartite[body]:
            if node not in y_m:
                continue
            edge = bipartite.edges[node, body]
            ax.plot(
                [0, 1],
                [y_m[node], y_b[body]],
                color=colour,
                linestyle=LINESTYLES[edge["confidence"]],
                alpha=0.35 if edge["service_area_only"] else 0.85,
                linewidth=0.8 if edge["service_area_only"] else 1.3,
                zorder=1,
            )
    ax.scatter(np.zeros(len(y_m)), list(y_m.values()), s=40, color="#444444", zorder=2)
    ax.scatter(
        np.ones(len(y_b)),
        list(y_b.values()),
        s=55,
        marker="s",
        zorder=2,
        color=[colours[bipartite.nodes[b]["legal_form"]] for b in bodies],
    )
    for node, y in y_m.items():
        ax.text(
            -0.03, y, _short(bipartite.nodes[node]["label"]), ha="right", va="center", fontsize=8
        )
    for body, y in y_b.items():
        ax.text(
            1.03,
            y,
            _short(bipartite.nodes[body]["label"], 48),
            ha="left",
            va="center",
            fontsize=7.5,
        )
    ax.set_xlim(-0.6, 1.9)
    ax.set_ylim(-0.04, 1.04)
    ax.set_axis_off()
    handles = [
        Line2D([], [], color=c, marker="s", linestyle="", markersize=7, label=f)
        for f, c in sorted(colours.items())
    ]
    handles += [
        Line2D([], [], color="#555555", linestyle=s, label=f"{c} tie")
        for c, s in LINESTYLES.items()
    ]
    handles.append(Line2D([], [], color="#555555", alpha=0.35, label="service area only"))
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.01),
        ncol=4,
        fontsize=7.5,
        title="legal form of the body / evidence of the tie",
        title_fontsize=8,
    )
    return colours


def node_positions(projection: nx.Graph, crs=None) -> dict[str, tuple[float, float]]:
    """Node centres as (x, y): lon/lat, or projected to ``crs`` when given."""
    frame = pd.DataFrame(
        [(n, d["lon"], d["lat"]) for n, d in projection.nodes(data=True)],
        columns=["node", "lon", "lat"],
    )
    points = gpd.GeoSeries(gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")
    if crs is not None:
        points = points.to_crs(crs)
    return {n: (p.x, p.y) for n, p in zip(frame["node"], points, strict=True)}


def _draw_projection(
    ax: Axes, projection: nx.Graph, boundaries: gpd.GeoDataFrame | None = None
) -> None:
    """Projected network at municipality centres: node area ~ population, width ~ weight.

    Edges with a documented tie are solid, edges resting only on inferred or unknown
    evidence dashed. ``boundaries`` (municipality polygons) are drawn underneath when given.
    """
    crs = boundaries.crs if boundaries is not None else None
    if boundaries is not None:
        boundaries.plot(ax=ax, color="#eef2f5", edgecolor="#9aa5ad", linewidth=0.5, zorder=0)
    pos = node_positions(projection, crs)
    weights = [d["weight"] for _, _, d in projection.edges(data=True)]
    top = max(weights, default=1.0)
    for u, v, d in sorted(projection.edges(data=True), key=lambda e: e[2]["weight"]):
        (x1, y1), (x2, y2) = pos[u], pos[v]
        ax.plot(
            [x1, x2],
            [y1, y2],
            color="#1b6a8f" if d["documented"] else "#e07b39",
            linestyle="-" if d["documented"] else LINESTYLES["inferred"],
            linewidth=0.6 + 5.0 * d["weight"] / top,
            alpha=0.7,
            zorder=1,
            solid_capstyle="round",
        )
    population = np.array([projection.nodes[n]["population"] for n in projection], dtype=float)
    sizes = 900 * population / population.max() if len(population) else []
    xy = np.array([pos[n] for n in projection])
    ax.scatter(
        xy[:, 0],
        xy[:, 1],
        s=sizes,
        color="#7a5195",
        alpha=0.8,
        edgecolor="white",
        linewidth=0.8,
        zorder=2,
    )
    for (x, y), node, size in zip(xy, projection, sizes, strict=True):
        offset = np.sqrt(size) / 2 + 2
        ax.annotate(
            _short(projection.nodes[node]["label"], 22),
            (x, y),
            xytext=(0, -offset),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=7,
            zorder=3,
            path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")],
        )
    if crs is None:
        ax.set_aspect(1 / np.cos(np.radians(np.mean(xy[:, 1]))))
    else:
        ax.set_aspect("equal")
    ax.set_axis_off()
    handles = [
        Line2D([], [], color="#1b6a8f", linewidth=2, label="at least one documented tie"),
        Line2D(
            [],
            [],
            color="#e07b39",
            linewidth=2,
            linestyle=LINESTYLES["inferred"],
            label="inferred / unknown evidence only",
        ),
        Line2D(
            [],
            [],
            color="#7a5195",
            marker="o",
            linestyle="",
            markersize=8,
            label="municipality (area ~ population)",
        ),
    ]
    ax.legend(
        handles=handles,
        loc="lower left",
        fontsize=7.5,
        title="line width ~ Newman weight",
        title_fontsize=8,
    )


def _draw_bars(ax: Axes, counts: pd.DataFrame) -> None:
    """Stacked bars per municipality from :func:`ikzlib.network.membership_counts`."""
    colours = {"formal": "#1b6a8f", "informal": "#e07b39", "unknown": "#8c8c8c"}
    hatches = {"documented": "", "inferred": "///", "unknown": "..."}
    labels = [_short(name, 26) for name in counts.index]
    left = np.zeros(len(counts))
    for column in counts.columns:
        formality, confidence = column.split(", ")
        ax.barh(
            labels,
            counts[column],
            left=left,
            color=colours[formality],
            hatch=hatches[confidence],
            edgecolor="white",
            linewidth=0.5,
            label=column.replace("unknown,", "form unknown,", 1),
        )
        left += counts[column].to_numpy()
    ax.set_xlabel("number of bodies")
    ax.legend(fontsize=7.5, title="form of the body, evidence", title_fontsize=8, loc="lower right")


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def _require_register(study: NetworkStudy) -> None:
    if not study.has_register:
        raise ValueError(f"{study.district.name} has no cooperation register: nothing to draw")


def bipartite_chart(study: NetworkStudy, ax: Axes | None = None) -> Figure:
    """Municipalities (left) and the bodies they belong to (right, by legal form)."""
    _require_register(study)
    fig, ax = _axes(ax, (10, 9.5))
    _draw_bipartite(ax, study.bipartite)
    ax.set_title(f"{study.district.name}: municipalities and the cooperation bodies they belong to")
    return fig


def network_map(study: NetworkStudy, ax: Axes | None = None) -> Figure:
    """The projected network at the municipality centres, on the boundaries when known."""
    _require_register(study)
    fig, ax = _axes(ax, (9, 7.5))
    _draw_projection(ax, study.projection, study.boundary.polygons)
    ax.set_title(f"{study.district.name}: municipalities tied by shared cooperation bodies")
    return fig


def membership_bars(study: NetworkStudy, ax: Axes | None = None) -> Figure:
    """Memberships per municipality by form of the body and evidence (stacked bars)."""
    _require_register(study)
    fig, ax = _axes(ax, (8, 5.5))
    _draw_bars(ax, study.membership_counts)
    ax.set_title(f"{study.district.name}: memberships by form of the body and evidence")
    return fig


def source_note(study: NetworkStudy, figure: str) -> str:
    """Source line of ``figure`` (``"bipartite"``, ``"map"`` or ``"memberships"``)."""
    register = f"cooperation register data/raw/{study.district.key}/register (sources per row)"
    if figure == "bipartite":
        return (
            f"Source: {register}. Bodies without a municipality tie and members outside the "
            "municipality level (districts, companies) are not drawn."
        )
    if figure == "map":
        drawn = (
            BKG_ATTRIBUTION
            if study.boundary.polygons is not None
            else "Nodes at centre points; no boundary file configured."
        )
        return f"Source: {register}; population and centres {study.municipality_source}. {drawn}"
    if figure == "memberships":
        return (
            f"Source: {register}, layer {study.layer_tag}. Hatching: inferred (///), "
            "unknown (...) evidence."
        )
    raise ValueError(f"unknown figure {figure!r}; choose bipartite, map or memberships")
