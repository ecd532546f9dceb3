"""Figures of notebook 05 (task-field priorities): evidence ranking, weighted scores, stability.

:func:`evidence_ranking` takes a :class:`~ikzlib.studies.priorities.PrioritiesStudy`; the
scoring charts take one of its :class:`~ikzlib.studies.priorities.Scoring` results (the
district's own scores or the method demo). Each returns a new matplotlib figure (or draws
into ``ax``); :func:`publish` draws one by name and saves it with its source line.
Titles name the district data the evidence comes from, and every chart of the method demo
says "illustrative" in its title.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ikzlib import figures
from ikzlib import priorities as prio
from ikzlib.errors import IkzError, ParameterError
from ikzlib.figures import PALETTE
from ikzlib.i18n import Message, format_number, register, tr

if TYPE_CHECKING:
    from pathlib import Path

    from IPython.display import Image

    from ikzlib.studies.priorities import PrioritiesStudy, Scoring

ROW_HEIGHT = 0.42  # inches per field
FIGURES = (
    "evidence_ranking",
    "weighted_scores",
    "rank_stability",
    "demo_weighted_scores",
    "demo_rank_stability",
)
TYPE_COLOURS = {
    "steering_group_priority": PALETTE[0],
    "motion_primary": PALETTE[4],
    "interviews_named": PALETTE[3],
    "count_word": PALETTE[1],
    "matrix_listed": PALETTE[5],
    "motion_further": PALETTE[7],
    "pooling_all_units": PALETTE[2],
}
_EVIDENCE_TITLE = "Task fields by documented evidence, {district}"
_DATA_LINE = "Data: {data}"
_OWN_TITLE = "Task-field priorities from the district's own scores, {district}"
_DEMO_TITLE = "METHOD DEMO, illustrative: invented fields with random scores"
_OWN_STABILITY = "Rank stability of the district's own scores, {district}"
_DEMO_STABILITY = "METHOD DEMO, illustrative: rank stability of invented fields"
_STABILITY_SETTINGS = "weights ±{spread} %, {n_draws} draws"
_TOP_K = "share of draws in the top {k}"


def short(text: object, width: int = 38) -> str:
    """``text`` wrapped onto lines of at most ``width`` characters (for axis labels)."""
    return "\n".join(textwrap.wrap(str(text), width))


def evidence_ranking(study: PrioritiesStudy, ax: Axes | None = None, lang: str = "en") -> Figure:
    """Stacked bars: pieces of evidence per field, coloured by type, best rank on top.

    Tick labels carry the rank (equal numbers are ties); inferred pieces are hatched and
    never change a rank. Fields whose strongest evidence is an interview mention carry its
    strength on the count scale at the bar end.
    """
    if not study.has_evidence:
        raise IkzError(
            f"{study.district.name}: no field has documented evidence, nothing to draw "
            "(check study.has_evidence first)"
        )
    ranking = study.evidence_ranking
    if ax is None:
        _, ax = plt.subplots(figsize=(9, ROW_HEIGHT * len(ranking) + 2.4))
    ordered = ranking.iloc[::-1].reset_index(drop=True)
    pieces = study.evidence.groupby(["field_id", "evidence_type"]).size()
    left = [0.0] * len(ordered)
    for kind in prio.EVIDENCE_TYPES:
        widths = [float(pieces.get((f, kind), 0)) for f in ordered["field_id"]]
        if not any(widths):
            continue
        inferred = prio.EVIDENCE_TYPES[kind].status == prio.INFERRED
        drawn = [y for y, width in enumerate(widths) if width]  # no edge line for empty parts
        ax.barh(
            drawn,
            [widths[y] for y in drawn],
            left=[left[y] for y in drawn],
            color="white" if inferred else TYPE_COLOURS[kind],
            edgecolor=TYPE_COLOURS[kind],
            hatch="///" if inferred else None,
            label=tr(prio.EVIDENCE_TYPES[kind].label, lang),
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for y, row in ordered.iterrows():
        if row["tier"] == prio.INTERVIEWS:
            scale = tr(prio.COUNT_SCALE[row["strength"]], lang)
            ax.text(left[y] + 0.05, y, scale, va="center", fontsize=8, color="#333333")
    labels = [
        f"{row['rank']}  {short(tr(row['label'], lang), 44)}" for _, row in ordered.iterrows()
    ]
    ax.set_yticks(range(len(ordered)), labels)
    ax.set_ylim(-0.6, len(ordered) - 0.4)
    ax.set_xlim(0, max(left) + 1.6)
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.set_xlabel(tr("pieces of evidence (number before the field: rank; equal = tie)", lang))
    data = ", ".join(tr(kind, lang) for kind in study.evidence_data)
    title = Message(_EVIDENCE_TITLE, district=study.district.name)
    ax.set_title(tr(title, lang) + "\n" + tr(Message(_DATA_LINE, data=data), lang))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.5 / max(len(ordered), 4) - 0.06), ncol=2)
    ax.figure.tight_layout()
    return ax.figure


def _require_ranking(scoring: Scoring) -> None:
    if not scoring.has_ranking:
        raise IkzError(
            f"{scoring.district_name}: fewer than two scored fields, nothing to draw "
            "(check has_ranking first)"
        )


def _title(scoring: Scoring, own: str, demo: str, lang: str) -> str:
    """The chart title: the demo's (illustrative) or the district's own."""
    if scoring.illustrative:
        return tr(demo, lang)
    return tr(Message(own, district=scoring.district_name), lang)


def weighted_scores(scoring: Scoring, ax: Axes | None = None, lang: str = "en") -> Figure:
    """Horizontal bars of the normalised weighted totals, best field on top."""
    _require_ranking(scoring)
    ranking = scoring.ranking
    if ax is None:
        _, ax = plt.subplots(figsize=(8, ROW_HEIGHT * len(ranking) + 1.4))
    ordered = ranking.iloc[::-1]
    colour = PALETTE[5] if scoring.illustrative else PALETTE[0]
    labels = [short(tr(label, lang)) for label in ordered["label"]]
    ax.barh(labels, ordered["normalised"], color=colour)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda value, _pos: format_number(value, 1, lang))
    ax.set_xlabel(tr("normalised weighted total (0 = worst, 1 = best possible)", lang))
    ax.set_title(short(_title(scoring, _OWN_TITLE, _DEMO_TITLE, lang), 70))
    return ax.figure


def rank_stability(scoring: Scoring, lang: str = "en") -> Figure:
    """Two panels: rank interval under perturbed weights (left), share in the top k (right)."""
    _require_ranking(scoring)
    ordered = scoring.stability.iloc[::-1].reset_index(drop=True)
    colour = PALETTE[5] if scoring.illustrative else PALETTE[0]
    fig, (left, right) = plt.subplots(
        1,
        2,
        figsize=(11, ROW_HEIGHT * len(ordered) + 1.8),
        sharey=True,
        gridspec_kw={"width_ratios": [3, 2]},
    )
    y = range(len(ordered))
    left.hlines(y, ordered["rank_p05"], ordered["rank_p95"], color=colour, lw=3)
    left.plot(ordered["rank"], y, "o", color=PALETTE[1])
    left.set_yticks(list(y), [short(tr(label, lang)) for label in ordered["label"]])
    left.set_xticks(range(1, len(ordered) + 1))
    left.set_xlim(len(ordered) + 0.5, 0.5)
    left.set_xlabel(tr("rank: dot = given weights, bar = 5-95 % of the draws", lang))
    right.barh(list(y), ordered["p_top_k"], color=PALETTE[2])
    right.set_xlim(0, 1)
    right.xaxis.set_major_formatter(lambda value, _pos: format_number(value, 1, lang))
    right.set_xlabel(tr(Message(_TOP_K, k=scoring.top_k), lang))
    settings = Message(
        _STABILITY_SETTINGS,
        spread=format_number(scoring.spread * 100, 0, lang),
        n_draws=scoring.n_draws,
    )
    title = _title(scoring, _OWN_STABILITY, _DEMO_STABILITY, lang)
    fig.suptitle(f"{title}\n({tr(settings, lang)})", fontweight="bold")
    return fig


# --- drawing and saving in one step -------------------------------------------------------------


def publish(
    study: PrioritiesStudy, figure: str, *, lang: str = "en", root: str | Path | None = None
) -> Image:
    """Draw ``figure`` (one of :data:`FIGURES`), save it as ``05_<figure>`` and return the PNG.

    ``weighted_scores`` and ``rank_stability`` draw the district's own scoring, the
    ``demo_`` figures the method demo. The source line is the study's
    (:attr:`~ikzlib.studies.priorities.PrioritiesStudy.evidence_source`, or the scoring's);
    saving and display go through :func:`ikzlib.figures.publish`.

    Raises
    ------
    ParameterError
        An unknown figure.
    IkzError
        The study has no scoring (or no evidence) to draw.
    """
    if figure not in FIGURES:
        raise ParameterError(f"unknown figure {figure!r}; choose one of {', '.join(FIGURES)}")
    if figure == "evidence_ranking":
        drawn, source = evidence_ranking(study, lang=lang), study.evidence_source
    else:
        scoring = study.demo if figure.startswith("demo_") else study.scoring
        if scoring is None:
            raise IkzError(f"{study.district.name}: no scoring for {figure}, nothing to draw")
        if figure.endswith("weighted_scores"):
            drawn, source = weighted_scores(scoring, lang=lang), scoring.scoring_source
        else:
            drawn, source = rank_stability(scoring, lang=lang), scoring.stability_source
    return figures.publish(
        drawn, study.district.key, f"05_{figure}", source=tr(source, lang), root=root
    )


register(
    {
        _EVIDENCE_TITLE: "Aufgabenfelder nach belegter Evidenz, {district}",
        _DATA_LINE: "Daten: {data}",
        _OWN_TITLE: "Prioritäten der Aufgabenfelder nach eigenen Bewertungen, {district}",
        _DEMO_TITLE: "METHODENDEMONSTRATION, illustrativ: erfundene Felder mit Zufallsbewertungen",
        _OWN_STABILITY: "Rangstabilität der eigenen Bewertungen, {district}",
        _DEMO_STABILITY: "METHODENDEMONSTRATION, illustrativ: Rangstabilität erfundener Felder",
        _STABILITY_SETTINGS: "Gewichte ±{spread} %, {n_draws} Ziehungen",
        _TOP_K: "Anteil der Ziehungen unter den besten {k}",
        "pieces of evidence (number before the field: rank; equal = tie)": (
            "Anzahl der Belege (Zahl vor dem Feld: Rang; gleiche Zahl = gleicher Rang)"
        ),
        "normalised weighted total (0 = worst, 1 = best possible)": (
            "normierte gewichtete Summe (0 = schlechteste, 1 = bestmögliche)"
        ),
        "rank: dot = given weights, bar = 5-95 % of the draws": (
            "Rang: Punkt = vorgegebene Gewichte, Balken = 5-95 % der Ziehungen"
        ),
    }
)
