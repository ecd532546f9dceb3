"""Figures of the cooperation network: official layer map, layer panels, matrix, map, bars.

Each public function takes a :class:`~ikzlib.studies.network.NetworkStudy` (and an optional
``ax`` for single panels) and ``lang`` (``"en"`` or ``"de"``), and returns the figure;
:func:`source_note` gives the source line for :func:`ikzlib.figures.save_figure`, and
:func:`publish` draws a figure, saves it under its file name and returns it for the notebook.
:func:`official_map` draws the official layer (Gemeinden coloured by Gemeindeverband) for
every district; the others need a register. Every title names the layer it shows:
:func:`layer_panels` draws one small panel per layer at the same node positions,
:func:`adjacency_matrix` a dense layer as units x units, :func:`network_map` the layer shown
(by default statutory IKZ) on the map.

Evidence is always visible: documented ties are solid lines, inferred ties dashed, ties of
unknown confidence dotted; catchment-only ("service area only") ties are drawn lighter.
"""

from __future__ import annotations

from pathlib import Path
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
from matplotlib.ticker import MaxNLocator

from ikzlib import figures, germany, i18n
from ikzlib import gemeindeverband as gv
from ikzlib.figures import BKG_ATTRIBUTION, plot_shapes
from ikzlib.i18n import Message, format_number, tr
from ikzlib.network import BODY, MUNICIPALITY, STATUTORY
from ikzlib.studies.network import layer_name

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


def _draw_bipartite(ax: Axes, bipartite: nx.Graph, lang: str = "en") -> dict[str, str]:
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
                alpha=0.35 if edge["area_only"] else 0.85,
                linewidth=0.8 if edge["area_only"] else 1.3,
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
        Line2D([], [], color=c, marker="s", linestyle="", markersize=7, label=tr(f, lang))
        for f, c in sorted(colours.items())
    ]
    handles += [
        Line2D([], [], color="#555555", linestyle=s, label=tr(f"{c} tie", lang))
        for c, s in LINESTYLES.items()
    ]
    handles.append(Line2D([], [], color="#555555", alpha=0.35, label=tr("area only", lang)))
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.01),
        ncol=4,
        fontsize=7.5,
        title=tr("legal form of the body / evidence of the tie", lang),
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


def _tie_handles(documented: str, inferred: str, untied: str) -> list[Line2D]:
    """Legend entries shared by the network maps: documented tie, inferred-only tie and a
    unit without a tie (hollow marker), in this order."""
    return [
        Line2D([], [], color="#1b6a8f", linewidth=2, label=documented),
        Line2D(
            [], [], color="#e07b39", linewidth=2, linestyle=LINESTYLES["inferred"], label=inferred
        ),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor="white",
            markeredgecolor="#7a5195",
            color="white",
            label=untied,
        ),
    ]


def _draw_projection(
    ax: Axes, projection: nx.Graph, boundaries: gpd.GeoDataFrame | None = None, lang: str = "en"
) -> None:
    """Projected network at municipality centres: node area ~ population, width ~ weight.

    Edges with a documented tie are solid, edges resting only on inferred or unknown
    evidence dashed; nodes without a tie are drawn hollow. ``boundaries`` (municipality
    polygons) are drawn underneath when given.
    """
    crs = boundaries.crs if boundaries is not None else None
    if boundaries is not None:
        plot_shapes(boundaries, ax, color="#eef2f5", edgecolor="#9aa5ad", linewidth=0.5, zorder=0)
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
    tied = np.array([projection.degree(n) > 0 for n in projection])
    ax.scatter(
        xy[tied, 0],
        xy[tied, 1],
        s=np.asarray(sizes)[tied],
        color="#7a5195",
        alpha=0.8,
        edgecolor="white",
        linewidth=0.8,
        zorder=2,
    )
    ax.scatter(
        xy[~tied, 0],
        xy[~tied, 1],
        s=np.asarray(sizes)[~tied],
        facecolor="white",
        edgecolor="#7a5195",
        linewidth=1.4,
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
    documented, inferred, untied = _tie_handles(
        tr("at least one documented tie", lang),
        tr("inferred / unknown evidence only", lang),
        tr("unit without a tie in this layer", lang),
    )
    untied.set_markersize(8)
    unit = Line2D(
        [],
        [],
        color="#7a5195",
        marker="o",
        linestyle="",
        markersize=8,
        label=tr("unit (area ~ population)", lang),
    )
    handles = [documented, inferred, unit, untied]
    ax.legend(
        handles=handles,
        loc="lower left",
        fontsize=7.5,
        title=tr("line width ~ Newman weight", lang),
        title_fontsize=8,
    )


def _draw_bars(ax: Axes, counts: pd.DataFrame, lang: str = "en") -> None:
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
            label=tr(column.replace("unknown,", "form unknown,", 1), lang),
        )
        left += counts[column].to_numpy()
    ax.set_xlabel(tr("number of bodies", lang))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(
        fontsize=7.5,
        title=tr("form of the body, evidence", lang),
        title_fontsize=8,
        loc="lower right",
    )


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def _require_register(study: NetworkStudy) -> None:
    if not study.has_register:
        raise ValueError(f"{study.district.name} has no cooperation register: nothing to draw")


def _layer_title(study: NetworkStudy, what: str, lang: str) -> str:
    """``"<district> – <layer shown>: <what>"`` in ``lang``."""
    return f"{study.district.name} – {layer_name(study, lang)}:\n{tr(what, lang)}"


def bipartite_chart(study: NetworkStudy, ax: Axes | None = None, lang: str = "en") -> Figure:
    """Units (left) and the bodies of the layer shown (right, by legal form)."""
    _require_register(study)
    fig, ax = _axes(ax, (10, 7.5))
    _draw_bipartite(ax, study.bipartite, lang)
    ax.set_title(_layer_title(study, "units and the bodies they take part in", lang))
    return fig


def network_map(study: NetworkStudy, ax: Axes | None = None, lang: str = "en") -> Figure:
    """The layer shown (default: statutory IKZ) at the unit centres, on the boundaries."""
    _require_register(study)
    fig, ax = _axes(ax, (9, 7.5))
    _draw_projection(ax, study.projection, study.boundary.polygons, lang)
    ax.set_title(_layer_title(study, "ties between administrative units", lang))
    return fig


def membership_bars(study: NetworkStudy, ax: Axes | None = None, lang: str = "en") -> Figure:
    """Memberships per unit in the layer shown by form of the body and evidence."""
    _require_register(study)
    own = ax is None
    fig, ax = _axes(ax, (8, 5.5))
    _draw_bars(ax, study.membership_counts, lang)
    ax.set_title(_layer_title(study, "memberships by form of the body and evidence", lang))
    if own:
        fig.tight_layout()
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


def _official_legend(ax: Axes, study: NetworkStudy, lang: str = "en") -> None:
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
            Patch(
                facecolor=VERBANDSFREI_FILL,
                edgecolor="#8a8a8a",
                label=tr("verbandsfreie Gemeinde", lang),
            )
        )
    if layer.other_areas is not None:
        handles += [
            Patch(
                facecolor=OTHER_FILL, edgecolor="#8a8a8a", hatch=_hatch(kind), label=tr(kind, lang)
            )
            for kind in sorted(set(layer.other_areas["kind"]))
        ]
    handles += [
        Line2D(
            [],
            [],
            color="#222222",
            linewidth=1.6,
            label=tr("border of an administrative unit", lang),
        ),
        Line2D([], [], color="#8a8a8a", linewidth=0.5, label=tr("border between Gemeinden", lang)),
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.01),
        ncol=2,
        fontsize=7.5,
        title=tr("fill colours only tell neighbouring Gemeindeverbände apart", lang)
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
            plot_shapes(
                areas, ax, color=OTHER_FILL, edgecolor="#8a8a8a", hatch=_hatch(kind), linewidth=0.4
            )
    fills = verband_fills(study)
    colour = [fills.get(key, VERBANDSFREI_FILL) for key in polygons["ars"].str[:9]]
    plot_shapes(polygons, ax, color=colour, edgecolor="#8a8a8a", linewidth=0.4, zorder=1)
    shapes = _unit_shapes(polygons)
    plot_shapes(shapes.boundary, ax, color="#222222", linewidth=1.3, zorder=2)
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


def official_map(study: NetworkStudy, ax: Axes | None = None, lang: str = "en") -> Figure:
    """The official layer: Gemeinden coloured by Gemeindeverband, unit borders, unit names.

    Drawn for every district, with or without a register; the source line must carry
    :func:`source_note` ``"official"`` (BKG attribution when polygons are drawn).
    """
    fig, ax = _axes(ax, (9, 8))
    ax.set_axis_off()
    layer = study.official
    if layer.single_unit:
        ax.set_title(
            tr(
                Message(
                    "{district}: one administrative unit, no inter-municipal layer",
                    district=study.district.name,
                ),
                lang,
            )
        )
    else:
        _official_legend(ax, study, lang)
        title = Message(
            "{district}: {n} Gemeinden in {units} administrative units (official layer)",
            district=study.district.name,
            n=int(layer.units["n_municipalities"].sum()),
            units=len(layer.units),
        )
        ax.set_title(tr(title, lang))
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


def source_note(study: NetworkStudy, figure: str, lang: str = "en") -> str:
    """Source line of ``figure``: ``"official"``, ``"bipartite"``, ``"map"``,
    ``"memberships"``, ``"layers"`` or ``"matrix"``."""
    if figure == "official":
        return _official_source(study)
    register = Message(
        "cooperation register data/raw/{district}/register (sources per row)",
        district=study.district.key,
    )
    notes = {
        "bipartite": Message(
            "Source: {register}. Bodies without a unit tie and members outside the unit level "
            "(districts, companies) are not drawn.",
            register=register,
        ),
        "memberships": Message(
            "Source: {register}, layer {tag}. Hatching: inferred (///), unknown (...) evidence.",
            register=register,
            tag=study.layer_tag,
        ),
        "matrix": Message(
            "Source: {register}. Units ordered from west to east; number = shared bodies.",
            register=register,
        ),
    }
    if figure in notes:
        return tr(notes[figure], lang)
    if figure in ("map", "layers"):
        drawn = (
            BKG_ATTRIBUTION
            if study.boundary.polygons is not None
            else tr("Nodes at centre points; no boundary file configured.", lang)
        )
        line = Message(
            "Source: {register}; population and centres {centres}.",
            register=register,
            centres=study.municipality_source,
        )
        return f"{tr(line, lang)} {drawn}"
    raise ValueError(
        f"unknown figure {figure!r}; choose official, bipartite, map, memberships, layers or matrix"
    )


# --- small multiples per layer and the adjacency matrix of a dense layer --------------------

DENSE = 0.3  # density (with inferred memberships) from which a layer is also drawn as a matrix


def dense_layers(study: NetworkStudy, threshold: float = DENSE) -> list[str]:
    """Layers of :attr:`~ikzlib.studies.network.NetworkStudy.layer_graphs` whose projection
    (documented and inferred memberships) is at least ``threshold`` dense."""
    _require_register(study)
    return [
        key
        for key, graph in study.layer_graphs.items()
        if len(graph) > 1 and nx.density(graph) >= threshold
    ]


def _layer_label(study: NetworkStudy, key: str, lang: str) -> str:
    label = study.layer_overview.set_index("layer").at[key, "label"]
    return tr(label, lang)


def _draw_panel(
    ax: Axes,
    graph: nx.Graph,
    pos: dict[str, tuple[float, float]],
    shapes: gpd.GeoDataFrame | None,
    lang: str,
) -> None:
    """One layer at fixed positions: documented ties solid, inferred-only dashed, width ~
    shared bodies; units without a tie hollow; short unit names."""
    if shapes is not None:
        plot_shapes(shapes, ax, color="#f1f3f5", edgecolor="#b9c1c7", linewidth=0.4, zorder=0)
    top = max((d["count"] for _, _, d in graph.edges(data=True)), default=1)
    for u, v, d in sorted(graph.edges(data=True), key=lambda e: e[2]["documented"]):
        (x1, y1), (x2, y2) = pos[u], pos[v]
        ax.plot(
            [x1, x2],
            [y1, y2],
            color="#1b6a8f" if d["documented"] else "#e07b39",
            linestyle="-" if d["documented"] else LINESTYLES["inferred"],
            linewidth=0.9 + 2.2 * d["count"] / top,
            alpha=0.75,
            zorder=1,
        )
    for node in graph:
        x, y = pos[node]
        tied = graph.degree(node) > 0
        ax.scatter(
            [x],
            [y],
            s=28,
            facecolor="#7a5195" if tied else "white",
            edgecolor="#7a5195",
            linewidth=1.1,
            zorder=2,
        )
        ax.annotate(
            _short(graph.nodes[node]["label"], 16),
            (x, y),
            xytext=(0, -5),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=5.5,
            zorder=3,
            path_effects=[patheffects.withStroke(linewidth=1.8, foreground="white")],
        )
    ax.set_aspect("equal" if shapes is not None else "auto")
    ax.set_axis_off()


def _panel_title(study: NetworkStudy, key: str, graph: nx.Graph, lang: str) -> str:
    documented = sum(bool(d) for _, _, d in graph.edges(data="documented"))
    counts = Message(
        "ties: {documented} documented, {inferred} inferred only",
        documented=documented,
        inferred=graph.number_of_edges() - documented,
    )
    return f"{_layer_label(study, key, lang)}\n{tr(counts, lang)}"


def layer_panels(study: NetworkStudy, lang: str = "en") -> Figure:
    """Small multiples: one panel per layer (statutory IKZ first), the same unit positions.

    Ties are drawn on documented (solid) and inferred (dashed) memberships, line width ~
    shared bodies; units without a tie in a layer are hollow.
    """
    _require_register(study)
    graphs = study.layer_graphs
    n = len(graphs)
    cols = min(3, n)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.9 * rows + 0.8), squeeze=False)
    polygons = study.boundary.polygons
    shapes = _node_shapes(polygons, study.nodes) if polygons is not None else None
    first = next(iter(graphs.values()))
    pos = node_positions(first, polygons.crs if polygons is not None else None)
    for ax, (key, graph) in zip(axes.flat, graphs.items(), strict=False):
        _draw_panel(ax, graph, pos, shapes, lang)
        ax.set_title(_panel_title(study, key, graph, lang), fontsize=8.5)
    for ax in list(axes.flat)[n:]:
        ax.set_axis_off()
    handles = _tie_handles(
        tr("documented tie", lang),
        tr("inferred evidence only", lang),
        tr("unit without a tie in this layer", lang),
    )
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=8, frameon=False)
    title = Message(
        "{district}: ties between administrative units, one panel per layer",
        district=study.district.name,
    )
    fig.suptitle(tr(title, lang), fontsize=11)
    fig.tight_layout(rect=(0, 0.04, 1, 0.97))
    return fig


def _node_shapes(polygons: gpd.GeoDataFrame, nodes: pd.DataFrame) -> gpd.GeoDataFrame:
    """Polygons dissolved to the projection's nodes (units or Gemeinden)."""
    if nodes["node_id"].str.len().eq(9).all():
        return _unit_shapes(polygons)
    return polygons[polygons.geometry.notna()]


def adjacency_matrix(study: NetworkStudy, layer: str = STATUTORY, lang: str = "en") -> Figure:
    """One layer as a units x units matrix, units ordered from west to east.

    A cell holds the number of shared bodies; dark cells rest on documented memberships,
    light cells on inferred evidence only.
    """
    _require_register(study)
    graph = study.layer_graphs[layer]
    order = sorted(graph, key=lambda n: (graph.nodes[n]["lon"], n))
    labels = [_short(graph.nodes[n]["label"], 22) for n in order]
    size = len(order)
    fig, ax = plt.subplots(figsize=(0.42 * size + 3.2, 0.42 * size + 2.4))
    colours = np.ones((size, size, 3))
    documented, inferred = np.array([0.106, 0.416, 0.561]), np.array([0.878, 0.482, 0.224])
    for i, u in enumerate(order):
        for j, v in enumerate(order):
            if not graph.has_edge(u, v):
                continue
            data = graph.edges[u, v]
            colours[i, j] = documented if data["documented"] else 0.55 * inferred + 0.45
            ax.text(
                j,
                i,
                format_number(data["count"], 0, lang),
                ha="center",
                va="center",
                fontsize=6.5,
                color="white" if data["documented"] else "#3a2a1a",
            )
    ax.imshow(colours, interpolation="none")
    ax.set_xticks(range(size), labels, rotation=90, fontsize=7)
    ax.set_yticks(range(size), labels, fontsize=7)
    ax.set_xticks(np.arange(-0.5, size), minor=True)
    ax.set_yticks(np.arange(-0.5, size), minor=True)
    ax.grid(which="minor", color="#d0d5d9", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    handles = [
        Patch(facecolor=documented, label=tr("documented tie", lang)),
        Patch(facecolor=0.55 * inferred + 0.45, label=tr("inferred evidence only", lang)),
    ]
    # Beside the matrix, not below it: the source line takes the bottom edge of the figure.
    ax.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1), fontsize=7.5, frameon=False
    )
    title = Message(
        "{district} – {layer}:\nshared bodies per pair of units (west to east)",
        district=study.district.name,
        layer=study.layer_overview.set_index("layer").at[layer, "label"],
    )
    ax.set_title(tr(title, lang), fontsize=10)
    fig.tight_layout()
    return fig


i18n.register(
    {
        "documented tie": "belegte Verbindung",
        "inferred tie": "erschlossene Verbindung",
        "unknown tie": "Verbindung mit unbekanntem Beleg",
        "area only": "nur Gebietsabdeckung",
        "inferred evidence only": "nur erschlossene Belege",
        "legal form of the body / evidence of the tie": (
            "Rechtsform der Einrichtung / Beleg der Verbindung"
        ),
        "at least one documented tie": "mindestens eine belegte Verbindung",
        "inferred / unknown evidence only": "nur erschlossene / unbekannte Belege",
        "unit (area ~ population)": "Einheit (Fläche ~ Einwohnerzahl)",
        "unit without a tie in this layer": "Einheit ohne Verbindung in dieser Ebene",
        "line width ~ Newman weight": "Linienbreite ~ Newman-Gewicht",
        "number of bodies": "Anzahl der Einrichtungen",
        "form of the body, evidence": "Form der Einrichtung, Beleg",
        "formal, documented": "formell, belegt",
        "formal, inferred": "formell, erschlossen",
        "formal, unknown": "formell, unbekannt",
        "informal, documented": "informell, belegt",
        "informal, inferred": "informell, erschlossen",
        "informal, unknown": "informell, unbekannt",
        "form unknown, documented": "Form unbekannt, belegt",
        "form unknown, inferred": "Form unbekannt, erschlossen",
        "form unknown, unknown": "Form unbekannt, unbekannt",
        "units and the bodies they take part in": (
            "Einheiten und die Einrichtungen, an denen sie beteiligt sind"
        ),
        "ties between administrative units": "Verbindungen zwischen Verwaltungseinheiten",
        "memberships by form of the body and evidence": (
            "Mitgliedschaften nach Form der Einrichtung und Beleg"
        ),
        "verbandsfreie Gemeinde": "verbandsfreie Gemeinde",
        "border of an administrative unit": "Grenze einer Verwaltungseinheit",
        "border between Gemeinden": "Grenze zwischen Gemeinden",
        "fill colours only tell neighbouring Gemeindeverbände apart": (
            "Füllfarben unterscheiden nur benachbarte Gemeindeverbände"
        ),
        "{district}: one administrative unit, no inter-municipal layer": (
            "{district}: eine Verwaltungseinheit, keine interkommunale Ebene"
        ),
        "{district}: {n} Gemeinden in {units} administrative units (official layer)": (
            "{district}: {n} Gemeinden in {units} Verwaltungseinheiten (amtliche Ebene)"
        ),
        "cooperation register data/raw/{district}/register (sources per row)": (
            "Kooperationsregister data/raw/{district}/register (Quellen je Zeile)"
        ),
        "Source: {register}. Bodies without a unit tie and members outside the unit level "
        "(districts, companies) are not drawn.": (
            "Quelle: {register}. Einrichtungen ohne Verbindung zu einer Einheit und Mitglieder "
            "außerhalb der Einheitenebene (Landkreise, Unternehmen) sind nicht gezeichnet."
        ),
        "Source: {register}, layer {tag}. Hatching: inferred (///), unknown (...) evidence.": (
            "Quelle: {register}, Ebene {tag}. Schraffur: erschlossene (///), unbekannte (...) "
            "Belege."
        ),
        "Source: {register}. Units ordered from west to east; number = shared bodies.": (
            "Quelle: {register}. Einheiten von West nach Ost geordnet; Zahl = gemeinsame "
            "Einrichtungen."
        ),
        "Nodes at centre points; no boundary file configured.": (
            "Knoten an Mittelpunkten; keine Grenzdatei konfiguriert."
        ),
        "Source: {register}; population and centres {centres}.": (
            "Quelle: {register}; Einwohnerzahl und Mittelpunkte {centres}."
        ),
        "ties: {documented} documented, {inferred} inferred only": (
            "Verbindungen: {documented} belegt, {inferred} nur erschlossen"
        ),
        "{district}: ties between administrative units, one panel per layer": (
            "{district}: Verbindungen zwischen Verwaltungseinheiten, ein Feld je Ebene"
        ),
        "{district} – {layer}:\nshared bodies per pair of units (west to east)": (
            "{district} – {layer}:\ngemeinsame Einrichtungen je Paar von Einheiten (West nach Ost)"
        ),
    }
)


# --- drawing and publishing for notebook 02 ---------------------------------------------------

# Figure (as named by :func:`source_note`) -> file stem and drawing function.
FIGURES = {
    "official": ("02_official_layer", official_map),
    "layers": ("02_layers", layer_panels),
    "map": ("02_network_map", network_map),
    "bipartite": ("02_bipartite", bipartite_chart),
    "memberships": ("02_memberships", membership_bars),
}


def publish(
    study: NetworkStudy,
    figure: str,
    *,
    layer: str = STATUTORY,
    lang: str = "en",
    root: str | Path | None = None,
):
    """Draw ``figure`` with its source line, save it and return the PNG for display.

    Parameters
    ----------
    study
        The network study.
    figure
        A key of :data:`FIGURES`, or ``"matrix"`` for :func:`adjacency_matrix` of ``layer``
        (saved as ``02_matrix_<layer>``).
    layer
        The layer of the matrix (see :func:`dense_layers`); ignored by the other figures.
    lang
        ``"en"`` or ``"de"``.
    root
        Output root (see :func:`ikzlib.figures.publish`).

    Returns
    -------
    IPython.display.Image
    """
    if figure == "matrix":
        name, fig = f"02_matrix_{layer}", adjacency_matrix(study, layer, lang=lang)
    elif figure in FIGURES:
        name, draw = FIGURES[figure]
        fig = draw(study, lang=lang)
    else:
        raise ValueError(f"unknown figure {figure!r}; choose matrix or one of {', '.join(FIGURES)}")
    source = source_note(study, figure, lang)
    return figures.publish(fig, study.district.key, name, source=source, root=root)
