"""Figures of coded data: document x code heatmap, co-occurrence network, saturation curve.

Each function returns a matplotlib figure; saving (with the source line) is left to
:func:`ikzlib.figures.save_figure`. ``note`` adds a label in the top right corner, used to
mark synthetic demo data on every figure that shows it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ikzlib.figures import PALETTE
from ikzlib.qda.model import CodedProject


def code_label(project: CodedProject, code_id: str) -> str:
    """Short label: top-level family and the code's own name, e.g. ``Obstacles: Legal risk``."""
    path = project.code_path(code_id, separator="\0").split("\0")
    return path[0] if len(path) == 1 else f"{path[0]}: {path[-1]}"


def _note(fig: Figure, note: str | None) -> None:
    if note:
        fig.text(0.99, 0.995, note, ha="right", va="top", fontsize=9, color="#b23a48",
                 fontweight="bold")


def document_code_heatmap(
    project: CodedProject,
    matrix: pd.DataFrame,
    *,
    title: str,
    note: str | None = None,
    value_label: str = "codings",
) -> Figure:
    """Heatmap with codes as rows and documents as columns, counts written in the cells.

    ``matrix`` comes from :func:`~ikzlib.qda.analysis.document_code_matrix` (documents x
    codes); it is drawn transposed so long code labels stay readable.
    """
    data = matrix.T
    names = dict(zip(project.documents["doc_id"], project.documents["name"], strict=True))
    height = max(3.0, 0.28 * len(data) + 1.6)
    width = max(6.0, 0.75 * data.shape[1] + 4.5)
    fig, ax = plt.subplots(figsize=(width, height))
    values = data.to_numpy(dtype=float)
    vmax = max(1.0, float(values.max())) if values.size else 1.0
    image = ax.imshow(values, aspect="auto", cmap="Blues", vmin=0, vmax=vmax)
    ax.set_xticks(range(data.shape[1]), [names.get(d, d) for d in data.columns], rotation=45,
                  ha="right")
    ax.set_yticks(range(len(data)), [code_label(project, c) for c in data.index])
    for (i, j), value in np.ndenumerate(values):
        if value:
            ax.text(j, i, f"{value:g}", ha="center", va="center", fontsize=8,
                    color="white" if value > vmax / 2 else "#222222")
    ax.set_title(title)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label=value_label)
    _note(fig, note)
    return fig


def cooccurrence_network(
    project: CodedProject,
    graph: nx.Graph,
    *,
    title: str,
    weight: str = "n12",
    seed: int = 0,
    note: str | None = None,
) -> Figure:
    """Code co-occurrence network: node size ~ code frequency, edge width ~ ``weight``.

    Nodes are coloured by the code's colour in the codebook; isolated codes are left out.
    The layout is a seeded spring layout, so the figure is reproducible.
    """
    graph = graph.subgraph([n for n in graph.nodes if graph.degree(n) > 0]).copy()
    fig, ax = plt.subplots(figsize=(9, 7))
    ax.set_axis_off()
    ax.set_title(title)
    _note(fig, note)
    if graph.number_of_nodes() == 0:
        ax.text(0.5, 0.5, "no co-occurring codes", ha="center", va="center")
        return fig
    nodes = sorted(graph.nodes)
    colors = dict(zip(project.codes["code_id"], project.codes["color"], strict=True))
    position = nx.spring_layout(graph.subgraph(nodes), seed=seed, weight=weight, k=1.2)
    sizes = [120 + 60 * graph.nodes[n].get("n", 1) for n in nodes]
    widths = np.array([graph.edges[e][weight] for e in graph.edges], dtype=float)
    widths = 0.5 + 4 * widths / widths.max()
    nx.draw_networkx_edges(graph, position, ax=ax, width=widths, edge_color="#999999",
                           alpha=0.7)
    nx.draw_networkx_nodes(graph, position, nodelist=nodes, ax=ax, node_size=sizes,
                           node_color=[colors.get(n) or PALETTE[0] for n in nodes],
                           edgecolors="white")
    labels = {n: code_label(project, n) for n in nodes}
    for node, (x, y) in position.items():
        ax.text(x, y + 0.06, labels[node], ha="center", va="bottom", fontsize=7.5,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
    ax.margins(0.12)
    return fig


def saturation_curve(
    runs_by_order: pd.DataFrame,
    *,
    threshold: float,
    title: str,
    note: str | None = None,
) -> Figure:
    """New information per run (share of the base) along the interview sequence.

    ``runs_by_order`` is :attr:`SaturationResult.runs`; the dashed line is the threshold.
    """
    fig, ax = plt.subplots(figsize=(7, 4))
    if len(runs_by_order):
        ax.plot(runs_by_order["n_before"], 100 * runs_by_order["new_share"], marker="o")
    ax.axhline(100 * threshold, color=PALETTE[3], linestyle="--",
               label=f"threshold {100 * threshold:g} %")
    ax.set_xlabel("interviews before the run (n of n+r)")
    ax.set_ylabel("new codes in run, % of base")
    ax.set_ylim(bottom=0)
    ax.legend()
    ax.set_title(title)
    _note(fig, note)
    return fig
