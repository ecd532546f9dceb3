"""Figures of coded data: document x code heatmap, co-occurrence network, saturation, agreement.

The study-level functions take an :class:`~ikzlib.studies.interviews.InterviewsStudy` (and
``ax=None``, ``lang``) and build their titles from the district and the data:
:func:`findings_heatmap` and :func:`findings_network` draw the district's own coded
interviews, :func:`demo_agreement` and :func:`demo_saturation` the synthetic demo project.
The generic functions below them (:func:`document_code_heatmap`,
:func:`cooccurrence_network`, :func:`saturation_curve`, :func:`agreement_chart`) take tables
and a title. Each returns a matplotlib figure; saving (with the source line of
:func:`source_line`) is left to :func:`ikzlib.figures.publish`. ``note`` adds a label in the
top right corner, used to mark synthetic demo data on every figure that shows it. Titles,
axis labels and legends are in ``lang`` (``"en"`` or ``"de"``); code and document names are
data and stay as the codebook has them.
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

from ikzlib import interview_data
from ikzlib.figures import PALETTE
from ikzlib.i18n import Message, Number, format_number, register, tr
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
    "source_line",
]

register(
    {
        "{district} interviews: {what} per interview": (
            "{district}, Interviews: {what} je Interview"
        ),
        "{district} interviews: codes attributed to the same interview": (
            "{district}, Interviews: demselben Interview zugeordnete Codes"
        ),
        "{district} interviews: codes coded in the same interview": (
            "{district}, Interviews: im selben Interview codierte Codes"
        ),
        "attributed findings": "zugeordnete Befunde",
        "* includes a footnote coded under more than one reading": (
            "* enthält eine Fußnote, die unter mehr als einer Lesart codiert ist"
        ),
        "codings": "Codierungen",
        "attributions": "Zuordnungen",
        "Intercoder agreement per code (synthetic demo, overlap ≥ {overlap} %)": (
            "Intercoder-Übereinstimmung je Code (synthetische Demo, Überlappung ≥ {overlap} %)"
        ),
        "New information per run (synthetic demo interviews, numbered order)": (
            "Neue Information je Durchlauf (synthetische Demo-Interviews, nummerierte Reihenfolge)"
        ),
        "no co-occurring codes": "keine gemeinsam auftretenden Codes",
        "code family": "Codefamilie",
        "new codes in the run": "neue Codes im Durchlauf",
        "saturation reached ({n}+r)": "Sättigung erreicht ({n}+r)",
        "threshold {value} %": "Schwelle {value} %",
        "interviews before the run (n of n+r)": "Interviews vor dem Durchlauf (n von n+r)",
        "new codes in run, % of base": "neue Codes im Durchlauf, % der Basis",
        "Cohen's kappa": "Cohens Kappa",
        "Krippendorff's alpha": "Krippendorffs Alpha",
        "Gwet's AC1": "Gwets AC1",
        "overall kappa": "Kappa gesamt",
        "overall kappa, {level} % interval": "Kappa gesamt, {level}-%-Intervall",
        "agreement": "Übereinstimmung",
        "Source: {source}": "Quelle: {source}",
        "Source: {source}; node size: interviews with the code, edge width: shared "
        "interviews": "Quelle: {source}; Knotengröße: Interviews mit dem Code, Linienbreite: "
        "gemeinsame Interviews",
        "Source: {source}; method after Guest, Namey & Chen (2020)": (
            "Quelle: {source}; Methode nach Guest, Namey & Chen (2020)"
        ),
    }
)


def _own(study: InterviewsStudy) -> DistrictInterviews:
    """The district's coded interviews; a clear error when the district has none."""
    if study.interviews is None:
        raise ValueError(f"{study.district.name} has no coded interviews to draw")
    return study.interviews


def findings_heatmap(study: InterviewsStudy, ax: Axes | None = None, lang: str = "en") -> Figure:
    """The district's document x code matrix, titled from the district and the data."""
    own = _own(study)
    title = Message(
        "{district} interviews: {what} per interview",
        district=study.district.name,
        what=Message(own.what),
    )
    codings = own.project.codings
    flagged = {
        (doc, code)
        for doc, code, evidence in zip(
            codings["doc_id"], codings["code_id"], codings["evidence"], strict=True
        )
        if (match := interview_data.FOOTNOTE_EVIDENCE.fullmatch(evidence or "")) and match[2]
    }
    return document_code_heatmap(
        own.project,
        own.matrix,
        title=tr(title, lang),
        value_label=tr(own.value_label, lang),
        flagged=flagged,
        flag_note=tr("* includes a footnote coded under more than one reading", lang),
        ax=ax,
    )


def findings_network(study: InterviewsStudy, ax: Axes | None = None, lang: str = "en") -> Figure:
    """Co-occurrence network of the district's codes found in some but not all interviews."""
    own = _own(study)
    if own.reconstruction:
        template = "{district} interviews: codes attributed to the same interview"
    else:
        template = "{district} interviews: codes coded in the same interview"
    return cooccurrence_network(
        own.project,
        own.graph,
        title=tr(Message(template, district=study.district.name), lang),
        ax=ax,
        lang=lang,
    )


def demo_agreement(study: InterviewsStudy, ax: Axes | None = None, lang: str = "en") -> Figure:
    """Segment-level agreement per code on the synthetic demo project, with Gwet's AC1 and
    the bootstrap interval of the pooled kappa."""
    overlap = study.parameters.min_overlap
    title = Message(
        "Intercoder agreement per code (synthetic demo, overlap ≥ {overlap} %)",
        overlap=Number(overlap, 0 if float(overlap).is_integer() else 1),
    )
    pooled = study.demo.agreement_summary.set_index("level").iloc[-1]
    return agreement_chart(
        study.demo.project,
        study.demo.segment_agreement,
        title=tr(title, lang),
        note=tr(demo.DEMO_LABEL, lang),
        interval=(pooled["kappa_low"], pooled["kappa_high"]),
        ax=ax,
        lang=lang,
    )


def demo_saturation(study: InterviewsStudy, ax: Axes | None = None, lang: str = "en") -> Figure:
    """New information per run along the demo interviews in their numbered order."""
    check = study.demo.saturation
    return saturation_curve(
        check.curve.runs,
        threshold=study.parameters.saturation_threshold,
        reached_at=check.result.interviews_before,
        title=tr("New information per run (synthetic demo interviews, numbered order)", lang),
        note=tr(demo.DEMO_LABEL, lang),
        ax=ax,
        lang=lang,
    )


def source_line(study: InterviewsStudy, name: str, lang: str = "en") -> str:
    """The source line under a figure of the notebook, in ``lang``.

    ``name`` is ``heatmap`` or ``network`` (the district's interviews), ``agreement`` or
    ``saturation`` (the demo).
    """
    templates = {
        "heatmap": "Source: {source}",
        "network": "Source: {source}; node size: interviews with the code, edge width: shared "
        "interviews",
        "agreement": "Source: {source}",
        "saturation": "Source: {source}; method after Guest, Namey & Chen (2020)",
    }
    if name not in templates:
        raise ValueError(f"unknown figure {name!r}; choose one of {', '.join(templates)}")
    source = study.demo.source if name in ("agreement", "saturation") else _own(study).source
    return tr(Message(templates[name], source=source), lang)


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
    flagged: set[tuple[str, str]] = frozenset(),
    flag_note: str = "",
    ax: Axes | None = None,
) -> Figure:
    """Heatmap with codes as rows and documents as columns, counts written in the cells.

    ``matrix`` comes from :func:`~ikzlib.qda.analysis.document_code_matrix` (documents x
    codes); it is drawn transposed so long code labels stay readable. Cells whose
    ``(doc_id, code_id)`` is in ``flagged`` get an asterisk, explained by ``flag_note``
    under the plot when any flagged cell is drawn.
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
    marked = False
    for (i, j), value in np.ndenumerate(values):
        if value:
            star = (data.columns[j], data.index[i]) in flagged
            marked |= star
            ax.text(
                j,
                i,
                f"{value:g}" + ("*" if star else ""),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if value > vmax / 2 else "#222222",
            )
    ax.set_title(title)
    if marked and flag_note:
        ax.set_xlabel(flag_note, fontsize=8, loc="right")
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
    lang: str = "en",
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
        ax.text(0.5, 0.5, tr("no co-occurring codes", lang), ha="center", va="center")
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
        title=tr("code family", lang),
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
    lang: str = "en",
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
            label=tr("new codes in the run", lang),
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
            clip_on=False,
            label=tr(Message("saturation reached ({n}+r)", n=reached_at), lang),
        )
    percent = 100 * threshold
    label = Message("threshold {value} %", value=Number(percent, 0 if percent.is_integer() else 1))
    ax.axhline(percent, color=PALETTE[3], linestyle="--", label=tr(label, lang))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(tr("interviews before the run (n of n+r)", lang))
    ax.set_ylabel(tr("new codes in run, % of base", lang))
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
    interval: tuple[float, float] | None = None,
    level: float = 0.95,
    ax: Axes | None = None,
    lang: str = "en",
) -> Figure:
    """Cohen's kappa (bars), Krippendorff's alpha and Gwet's AC1 (markers) per code, the
    overall kappa dashed with its ``interval`` (a ``level`` confidence band) when given.

    ``table`` comes from :func:`~ikzlib.qda.agreement.segment_agreement` or
    :func:`~ikzlib.qda.agreement.document_agreement` (with its ``overall`` row); AC1 is drawn
    when it has a ``gwet_ac1`` column.
    """
    fig, ax = _axes(ax, (8.5, 4.8))
    by_code = table.set_index("code_id")
    per_code = by_code.drop(index="overall")
    labels = [code_label(project, c) for c in per_code.index]
    overall = by_code.at["overall", "cohen_kappa"]
    if interval is not None and not np.isnan(interval).any():
        band = Message("overall kappa, {level} % interval", level=Number(100 * level))
        ax.axvspan(*interval, color="#dddddd", alpha=0.7, lw=0, label=tr(band, lang))
    ax.barh(labels, per_code["cohen_kappa"], color=PALETTE[0], label=tr("Cohen's kappa", lang))
    ax.scatter(
        per_code["krippendorff_alpha"],
        labels,
        color=PALETTE[1],
        zorder=3,
        label=tr("Krippendorff's alpha", lang),
    )
    if "gwet_ac1" in per_code:
        ax.scatter(
            per_code["gwet_ac1"],
            labels,
            marker="D",
            s=22,
            color=PALETTE[2],
            zorder=3,
            label=tr("Gwet's AC1", lang),
        )
    ax.axvline(overall, color="#555555", linestyle="--", label=tr("overall kappa", lang))
    ax.set_xlim(0, 1.02)
    ax.invert_yaxis()
    ax.set_xlabel(tr("agreement", lang))
    ax.xaxis.set_major_formatter(lambda value, _pos: format_number(value, 1, lang))
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    add_note(fig, note)
    return fig
