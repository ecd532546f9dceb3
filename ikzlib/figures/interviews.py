"""Figures of coded data: document x code heatmap, co-occurrence network, saturation, agreement.

The study-level functions take an :class:`~ikzlib.studies.interviews.InterviewsStudy` (and
``ax=None``) and build their titles from the district and the data:
:func:`findings_heatmap` and :func:`findings_network` draw the district's own coded
interviews, :func:`demo_agreement` and :func:`demo_saturation` the synthetic demo project.
The generic functions below them (:func:`document_code_heatmap`,
:func:`cooccurrence_network`, :func:`saturation_curve`, :func:`agreement_chart`) take tables
and a title. Each returns a matplotlib figure; saving (with the source line) is left to
:func:`ikzlib.figures.save_figure`. ``note`` adds a label in the top right corner, used to
mark synthetic demo data on every figure that shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ikzlib.figures import PALETTE
from ikzlib.qda import demo
from ikzlib.qda.analysis import code_label
from ikzlib.qda.model import CodedProject

if TYPE_CHECKING:
    from ikzlib.studies.interviews import DistrictInterviews, InterviewsStudy

__all__ = [
    "add_note",
    "agreement_chart",
    "code_label",
    "cooccurrence_network",
    "demo_agreement",
    "demo_saturation",
    "document_code_heatmap",
    "findings_heatmap",
    "findings_network",
    "saturation_curve",
]


def _own(study: InterviewsStudy) -> DistrictInterviews:
    """The district's coded interviews; a clear error when the district has none."""
    if study.interviews is None:
        raise ValueError(f"{study.district.name} has no coded interviews to draw")
    return study.interviews


def findings_heatmap(study: InterviewsStudy, ax: Axes | None = None) -> Figure:
    """The district's document x code matrix, titled from the district and the data."""
    own = _own(study)
    return document_code_heatmap(
        own.project,
        own.matrix,
        title=f"{study.district.name} interviews: {own.what} per interview",
        value_label=own.value_label,
        ax=ax,
    )


def findings_network(study: InterviewsStudy, ax: Axes | None = None) -> Figure:
    """Co-occurrence network of the district's codes found in some but not all interviews."""
    own = _own(study)
    relation = "attributed to" if own.reconstruction else "coded in"
    return cooccurrence_network(
        own.project,
        own.graph,
        title=f"{study.district.name} interviews: codes {relation} the same interview",
        ax=ax,
    )


def demo_agreement(study: InterviewsStudy, ax: Axes | None = None) -> Figure:
    """Segment-level agreement per code on the synthetic demo project."""
    return agreement_chart(
        study.demo.project,
        study.demo.segment_agreement,
        title="Intercoder agreement per code (synthetic demo, overlap >= "
        f"{study.parameters.min_overlap:g} %)",
        note=demo.DEMO_LABEL,
        ax=ax,
    )


def demo_saturation(study: InterviewsStudy, ax: Axes | None = None) -> Figure:
    """New information per run along the demo interviews in their numbered order."""
    check = study.demo.saturation
    return saturation_curve(
        check.curve.runs,
        threshold=study.parameters.saturation_threshold,
        reached_at=check.result.interviews_before,
        title="New information per run (synthetic demo interviews, numbered order)",
        note=demo.DEMO_LABEL,
        ax=ax,
    )


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """``ax`` and its figure, or a new figure of ``figsize`` with one axes."""
    if ax is None:
        return plt.subplots(figsize=figsize)
    return ax.figure, ax


def add_note(fig: Figure, note: str | None) -> None:
    """Write ``note`` (e.g. "synthetic demo data") in the top right corner of the figure."""
    if note:
        fig.text(
            0.99, 0.995, note, ha="right", va="top", fontsize=9, color="#b23a48", fontweight="bold"
        )


def document_code_heatmap(
    project: CodedProject,
    matrix: pd.DataFrame,
    *,
    title: str,
    note: str | None = None,
    value_label: str = "codings",
    ax: Axes | None = None,
) -> Figure:
    """Heatmap with codes as rows and documents as columns, counts written in the cells.

    ``matrix`` comes from :func:`~ikzlib.qda.analysis.document_code_matrix` (documents x
    codes); it is drawn transposed so long code labels stay readable.
    """
    data = matrix.T
    names = dict(zip(project.documents["doc_id"], project.documents["name"], strict=True))
    height = max(3.0, 0.28 * len(data) + 1.6)
    width = max(6.0, 0.75 * data.shape[1] + 4.5)
    fig, ax = _axes(ax, (width, height))
    values = data.to_numpy(dtype=float)
    vmax = max(1.0, float(values.max())) if values.size else 1.0
    image = ax.imshow(values, aspect="auto", cmap="Blues", vmin=0, vmax=vmax)
    ax.set_xticks(
        range(data.shape[1]), [names.get(d, d) for d in data.columns], rotation=45, ha="right"
    )
    ax.set_yticks(range(len(data)), [code_label(project, c) for c in data.index])
    for (i, j), value in np.ndenumerate(values):
        if value:
            ax.text(
                j,
                i,
                f"{value:g}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if value > vmax / 2 else "#222222",
            )
    ax.set_title(title)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label=value_label)
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    add_note(fig, note)
    return fig


def cooccurrence_network(
    project: CodedProject,
    graph: nx.Graph,
    *,
    title: str,
    weight: str = "n12",
    note: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Code co-occurrence network: node size ~ code frequency, edge width ~ ``weight``.

    Nodes are coloured by the code's colour in the codebook, with a legend of the top-level
    code families; isolated codes are left out. The Kamada-Kawai layout is deterministic.
    """
    graph = graph.subgraph([n for n in graph.nodes if graph.degree(n) > 0]).copy()
    fig, ax = _axes(ax, (10, 8))
    ax.set_axis_off()
    ax.set_title(title)
    add_note(fig, note)
    if graph.number_of_nodes() == 0:
        ax.text(0.5, 0.5, "no co-occurring codes", ha="center", va="center")
        return fig
    nodes = sorted(graph.nodes)
    colors = dict(zip(project.codes["code_id"], project.codes["color"], strict=True))
    node_colors = [colors.get(n) or PALETTE[0] for n in nodes]
    position = nx.kamada_kawai_layout(graph.subgraph(nodes))
    sizes = [120 + 60 * graph.nodes[n].get("n", 1) for n in nodes]
    widths = np.array([graph.edges[e][weight] for e in graph.edges], dtype=float)
    widths = 0.5 + 4 * widths / widths.max()
    nx.draw_networkx_edges(graph, position, ax=ax, width=widths, edge_color="#bbbbbb", alpha=0.7)
    nx.draw_networkx_nodes(
        graph,
        position,
        nodelist=nodes,
        ax=ax,
        node_size=sizes,
        node_color=node_colors,
        edgecolors="white",
    )
    names = dict(zip(project.codes["code_id"], project.codes["name"], strict=True))
    for node in nodes:
        x, y = position[node]
        # Label below the node, unless another node sits just below it: then above.
        crowded = any(
            abs(position[o][0] - x) < 0.4 and -0.2 < position[o][1] - y < 0
            for o in nodes
            if o != node
        )
        ax.annotate(
            names[node],
            (x, y),
            xytext=(0, 11 if crowded else -11),
            textcoords="offset points",
            ha="center",
            va="bottom" if crowded else "top",
            fontsize=7.5,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
        )
    families = {}
    for node, color in zip(nodes, node_colors, strict=True):
        families.setdefault(code_label(project, node).split(": ")[0], color)
    handles = [
        plt.Line2D([], [], marker="o", linestyle="", color=c, label=f)
        for f, c in sorted(families.items())
    ]
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=8,
        title="code family",
    )
    ax.margins(0.1)
    return fig


def saturation_curve(
    runs_by_order: pd.DataFrame,
    *,
    threshold: float,
    title: str,
    reached_at: int | None = None,
    note: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """New information per run (share of the base) along the interview sequence.

    ``runs_by_order`` is :attr:`SaturationResult.runs` (use ``all_runs=True`` for the whole
    curve); the dashed line is the threshold, a ring marks ``reached_at`` (``n`` of ``n+r``).
    """
    fig, ax = _axes(ax, (7, 4))
    if len(runs_by_order):
        ax.plot(
            runs_by_order["n_before"],
            100 * runs_by_order["new_share"],
            marker="o",
            label="new codes in the run",
        )
    if reached_at is not None:
        hit = runs_by_order[runs_by_order["n_before"] == reached_at]
        ax.scatter(
            hit["n_before"],
            100 * hit["new_share"],
            s=180,
            facecolors="none",
            edgecolors=PALETTE[3],
            linewidths=2,
            zorder=3,
            label=f"saturation reached ({reached_at}+r)",
        )
    ax.axhline(
        100 * threshold, color=PALETTE[3], linestyle="--", label=f"threshold {100 * threshold:g} %"
    )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("interviews before the run (n of n+r)")
    ax.set_ylabel("new codes in run, % of base")
    ax.set_ylim(bottom=0)
    ax.legend()
    ax.set_title(title)
    add_note(fig, note)
    return fig


def agreement_chart(
    project: CodedProject,
    table: pd.DataFrame,
    *,
    title: str,
    note: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Cohen's kappa (bars) and Krippendorff's alpha (dots) per code, overall kappa dashed.

    ``table`` comes from :func:`~ikzlib.qda.agreement.segment_agreement` or
    :func:`~ikzlib.qda.agreement.document_agreement` (with its ``overall`` row).
    """
    fig, ax = _axes(ax, (8, 4.5))
    by_code = table.set_index("code_id")
    per_code = by_code.drop(index="overall")
    labels = [code_label(project, c) for c in per_code.index]
    ax.barh(labels, per_code["cohen_kappa"], color=PALETTE[0], label="Cohen's kappa")
    ax.scatter(
        per_code["krippendorff_alpha"],
        labels,
        color=PALETTE[1],
        zorder=3,
        label="Krippendorff's alpha",
    )
    ax.axvline(
        by_code.at["overall", "cohen_kappa"], color="#555555", linestyle="--", label="overall kappa"
    )
    ax.set_xlim(0, 1.02)
    ax.invert_yaxis()
    ax.set_xlabel("agreement")
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    add_note(fig, note)
    return fig
