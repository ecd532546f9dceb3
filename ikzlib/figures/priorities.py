"""Figures of notebook 05 (task-field priorities): weighted scores and rank stability.

Each function takes a :class:`~ikzlib.studies.priorities.PrioritiesStudy` and returns a new
matplotlib figure; saving (with the study's source line) is left to
:func:`ikzlib.figures.save_figure`. Titles say "illustrative scores" whenever the scores are
the random illustrative ones.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ikzlib.errors import IkzError
from ikzlib.figures import PALETTE

if TYPE_CHECKING:
    from ikzlib.studies.priorities import PrioritiesStudy

ROW_HEIGHT = 0.42  # inches per field


def short(text: object, width: int = 38) -> str:
    """``text`` wrapped onto lines of at most ``width`` characters (for axis labels)."""
    return "\n".join(textwrap.wrap(str(text), width))


def title_note(study: PrioritiesStudy) -> str:
    """``"\\n(illustrative scores)"`` when the scores are illustrative, else ``""``."""
    return "\n(illustrative scores)" if study.illustrative else ""


def _require_ranking(study: PrioritiesStudy) -> None:
    if not study.has_ranking:
        raise IkzError(
            f"{study.district.name}: fewer than two scored fields, nothing to draw "
            "(check study.has_ranking first)"
        )


def weighted_scores(study: PrioritiesStudy, ax: Axes | None = None) -> Figure:
    """Horizontal bars of the normalised weighted totals, best field on top."""
    _require_ranking(study)
    ranking = study.ranking
    if ax is None:
        _, ax = plt.subplots(figsize=(8, ROW_HEIGHT * len(ranking) + 1.4))
    ordered = ranking.iloc[::-1]
    ax.barh([short(x) for x in ordered["label"]], ordered["normalised"], color=PALETTE[0])
    ax.set_xlim(0, 1)
    ax.set_xlabel("normalised weighted total (0 = worst, 1 = best possible)")
    ax.set_title(f"Task-field priorities, {study.district.name}" + title_note(study))
    return ax.figure


def rank_stability(study: PrioritiesStudy) -> Figure:
    """Two panels: rank interval under perturbed weights (left), share in the top k (right)."""
    _require_ranking(study)
    params = study.parameters
    ordered = study.stability.iloc[::-1].reset_index(drop=True)
    fig, (left, right) = plt.subplots(
        1,
        2,
        figsize=(11, ROW_HEIGHT * len(ordered) + 1.6),
        sharey=True,
        gridspec_kw={"width_ratios": [3, 2]},
    )
    y = range(len(ordered))
    left.hlines(y, ordered["rank_p05"], ordered["rank_p95"], color=PALETTE[0], lw=3)
    left.plot(ordered["rank"], y, "o", color=PALETTE[1])
    left.set_yticks(list(y), [short(x) for x in ordered["label"]])
    left.set_xticks(range(1, len(ordered) + 1))
    left.set_xlim(len(ordered) + 0.5, 0.5)
    left.set_xlabel("rank: dot = given weights, bar = 5-95 % of the draws")
    right.barh(list(y), ordered["p_top_k"], color=PALETTE[2])
    right.set_xlim(0, 1)
    right.set_xlabel(f"share of draws in the top {params.top_k}")
    fig.suptitle(
        f"Rank stability, {study.district.name} (weights ±{params.spread:.0%}, "
        f"{params.n_draws} draws)" + title_note(study),
        fontweight="bold",
    )
    return fig
