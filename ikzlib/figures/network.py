"""Figures of the cooperation network: official layer map, bipartite chart, network map, bars.

Each public function takes a :class:`~ikzlib.studies.network.NetworkStudy` and an optional
``ax`` and returns the figure; :func:`source_note` gives the source line for
:func:`ikzlib.figures.save_figure`. :func:`official_map` draws the official layer (Gemeinden
coloured by Gemeindeverband) for every district; the other three need a register.

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
from matplotlib.patches import Patch

from ikzlib import gemeindeverband as gv
from ikzlib import germany
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


# Light fills for Gemeindeverbände (neighbours get different ones); verbandsfrei stays white.
VERBAND_FILLS = ["#a6cee3", "#b2df8a", "#fdbf6f", "#cab2d6", "#fb9a99", "#ffe680", "#8dd3c7"]
VERBANDSFREI_FILL = "#ffffff"
OTHER_FILL = "#e6e6e6"


def verband_fills(study: NetworkStudy) -> dict[str, str]:
    """A fill colour per Gemeindeverband (unit key); neighbouring Verbände differ where the
    palette allows (greedy colouring of the Verbände sharing a border)."""
    layer = study.official
    verbaende = list(layer.verbaende["unit_key"])
    graph = nx.Graph()
    graph.add_nodes_from(verbaende)
    if layer.adjacency is not None:
        inside = layer.adjacency[
            layer.adjacency["unit_key_a"].isin(verbaende)
            & layer.adjacency["unit_key_b"].isin(verbaende)
            & layer.adjacency["unit_key_a"].ne(layer.adjacency["unit_key_b"])
        ]
        graph.add_edges_from(zip(inside["unit_key_a"], inside["unit_key_b"], strict=True))
    colouring = nx.greedy_color(graph, strategy="largest_first")
    return {key: VERBAND_FILLS[colouring[key] % len(VERBAND_FILLS)] for key in sorted(graph)}


def _unit_shapes(polygons: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Gemeinde polygons dissolved to administrative units (``unit_key`` index)."""
    drawn = polygons[polygons.geometry.notna()].assign(unit_key=lambda f: f["ars"].str[:9])
    return drawn[["unit_key", "geometry"]].dissolve(by="unit_key")


_LABEL_OFFSETS = ((0, 0), (0, -9), (0, 9), (0, -18), (0, 18))  # points, tried in turn


def _label_units(ax: Axes, positions: gpd.GeoSeries, units: pd.DataFrame) -> None:
    """Name the units at a point inside each: every Gemeindeverband (bold, moved up or down
    to avoid overlaps where it can), then verbandsfreie Gemeinden by population, leaving out
    a verbandsfreie name that would overlap another label."""
    ax.figure.tight_layout(rect=(0, 0.04, 1, 1))  # positions are final after layout
    ax.apply_aspect()
    renderer = ax.figure.canvas.get_renderer()
    order = units.set_index("unit_key").loc[list(positions.index)]
    order = order.sort_values(["in_verband", "population"], ascending=False, kind="stable")
    size = 7.0 if len(units) > 25 else 7.5
    placed = []
    for key, row in order.iterrows():
        verband = bool(row["in_verband"])
        for attempt, offset in enumerate(_LABEL_OFFSETS if verband else _LABEL_OFFSETS[:1]):
            text = ax.annotate(
                _short(row["name"], 26),
                (positions[key].x, positions[key].y),
                xytext=offset,
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=size if verband else size - 1,
                fontweight="bold" if verband else "normal",
                color="#1a1a1a",
                zorder=4,
                path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")],
            )
            box = text.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in placed):
                break
            if not verband or attempt < len(_LABEL_OFFSETS) - 1:
                text.remove()
                text = None
        if text is not None:
            placed.append(box)


def _official_legend(ax: Axes, study: NetworkStudy) -> None:
    """Legend: what the fills and the two line weights mean, and the types present."""
    layer = study.official
    handles = []
    if len(layer.verbaende):
        listing = ", ".join(gv.type_counts(layer.verbaende, members=False))
        handles.append(
            Patch(
                facecolor=VERBAND_FILLS[0],
                edgecolor="#8a8a8a",
                label=f"Gemeindeverband ({listing})",
            )
        )
    if (~layer.units["in_verband"]).any():
        handles.append(
            Patch(facecolor=VERBANDSFREI_FILL, edgecolor="#8a8a8a", label="verbandsfreie Gemeinde")
        )
    if layer.other_areas is not None:
        handles += [
            Patch(facecolor=OTHER_FILL, edgecolor="#8a8a8a", hatch=_hatch(kind), label=kind)
            for kind in sorted(set(layer.other_areas["kind"]))
        ]
    handles += [
        Line2D([], [], color="#222222", linewidth=1.6, label="border of an administrative unit"),
        Line2D([], [], color="#8a8a8a", linewidth=0.5, label="border between Gemeinden"),
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.01),
        ncol=2,
        fontsize=7.5,
        title="fill colours only tell neighbouring Gemeindeverbände apart"
        if len(layer.verbaende)
        else None,
        title_fontsize=7.5,
    )


def _hatch(kind: str) -> str:
    """Hatching of an area outside the Gemeinden (uninhabited, or without a record)."""
    return "////" if kind == germany.UNINHABITED_TYPE else "...."


def _draw_official_polygons(ax: Axes, study: NetworkStudy) -> None:
    """Gemeinden filled by Gemeindeverband, unit borders drawn heavier, units named."""
    layer = study.official
    polygons = layer.polygons[layer.polygons.geometry.notna()]
    if layer.other_areas is not None:
        for kind, areas in layer.other_areas.to_crs(polygons.crs).groupby("kind"):
            areas.plot(
                ax=ax, color=OTHER_FILL, edgecolor="#8a8a8a", hatch=_hatch(kind), linewidth=0.4
            )
    fills = verband_fills(study)
    colour = [fills.get(key, VERBANDSFREI_FILL) for key in polygons["ars"].str[:9]]
    polygons.plot(ax=ax, color=colour, edgecolor="#8a8a8a", linewidth=0.4, zorder=1)
    shapes = _unit_shapes(polygons)
    shapes.boundary.plot(ax=ax, color="#222222", linewidth=1.3, zorder=2)
    ax.set_aspect("equal")
    _label_units(ax, shapes.representative_point(), layer.units)


def _draw_official_points(ax: Axes, study: NetworkStudy) -> None:
    """Without polygons: Gemeinde centres coloured by Gemeindeverband, units named."""
    gemeinden = study.official.municipalities
    verbaende = verband_fills(study)
    fills = [verbaende.get(key, VERBANDSFREI_FILL) for key in gemeinden["ars"].str[:9]]
    ax.scatter(gemeinden["lon"], gemeinden["lat"], color=fills, edgecolor="#555555", s=45)
    units = study.official.units
    centres = gpd.GeoSeries(gpd.points_from_xy(units["lon"], units["lat"]), index=units["unit_key"])
    ax.set_aspect(1 / np.cos(np.radians(gemeinden["lat"].mean())))
    _label_units(ax, centres.dropna(), units)


def official_map(study: NetworkStudy, ax: Axes | None = None) -> Figure:
    """The official layer: Gemeinden coloured by Gemeindeverband, unit borders, unit names.

    Drawn for every district, with or without a register; the source line must carry
    :func:`source_note` ``"official"`` (BKG attribution when polygons are drawn).
    """
    fig, ax = _axes(ax, (9, 8))
    ax.set_axis_off()
    layer = study.official
    if layer.single_unit:
        ax.set_title(f"{study.district.name}: one administrative unit, no inter-municipal layer")
    else:
        _official_legend(ax, study)
        n = int(layer.units["n_municipalities"].sum())
        ax.set_title(
            f"{study.district.name}: {n} Gemeinden in {len(layer.units)} administrative units "
            "(official layer)"
        )
    if layer.polygons is not None and layer.polygons.geometry.notna().any():
        _draw_official_polygons(ax, study)
    else:
        _draw_official_points(ax, study)
    return fig


def _official_source(study: NetworkStudy) -> str:
    layer = study.official
    if layer.polygons is None:
        return f"Source: {layer.source}. No polygons: Gemeinde centres."
    if layer.source == gv.EXTRACT_SOURCE and layer.boundary.source == gv.EMBEDDED_BOUNDARIES:
        data = "Destatis GV-ISys Auszug GV 31.12.2021 and BKG VG5000 2021 via the embedded extract"
        return f"Source: {data} (data/raw/germany). {BKG_ATTRIBUTION}"
    return f"Source: {layer.source}; polygons {layer.boundary.source}. {BKG_ATTRIBUTION}"


def source_note(study: NetworkStudy, figure: str) -> str:
    """Source line of ``figure`` (``"official"``, ``"bipartite"``, ``"map"``, ``"memberships"``)."""
    if figure == "official":
        return _official_source(study)
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
    raise ValueError(f"unknown figure {figure!r}; choose official, bipartite, map or memberships")
