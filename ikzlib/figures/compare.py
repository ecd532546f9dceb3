"""Figures of notebook 90 (cross-district comparison): small multiples of evidence figures.

The drawing takes a :class:`~ikzlib.studies.compare.CompareStudy` and returns a new
matplotlib figure; saving (with the source line, e.g. the study's ``panel_source``) is left
to :func:`ikzlib.figures.save_figure`. Only the panels the study chose are drawn, and the
study chooses evidence figures only: an illustrative or synthetic figure never gets a panel.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ikzlib import compare
from ikzlib.figures import PALETTE, number_formatter
from ikzlib.i18n import register, tr

if TYPE_CHECKING:
    from ikzlib.studies.compare import CompareStudy

PANEL_COLUMNS = 3  # small multiples per row
TITLES = {
    "units": "Key figures (evidence) that differ between the district reports; sizes per "
    "administrative unit",
    "gemeinden": "Key figures (evidence) that differ between the district reports; sizes per "
    "Gemeinde",
    "both": "Key figures (evidence) that differ between the district reports",
}

register(
    {
        TITLES["units"]: (
            "Kennzahlen (Evidenz), die sich zwischen den Kreisberichten unterscheiden; Größen je "
            "Verwaltungseinheit"
        ),
        TITLES["gemeinden"]: (
            "Kennzahlen (Evidenz), die sich zwischen den Kreisberichten unterscheiden; Größen je "
            "Gemeinde"
        ),
        TITLES["both"]: "Kennzahlen (Evidenz), die sich zwischen den Kreisberichten unterscheiden",
        "n/a": "k. A.",
    }
)


def small_multiples(study: CompareStudy, *, lang: str = "en") -> Figure:
    """Bars per district for each panel of ``study``, three panels per row.

    Each district keeps its colour and its place on the x axis across panels. Each bar
    carries its value, formatted as declared; a district that does not report the figure
    as evidence gets a grey "n/a" instead of a bar. Percent shares are drawn in percent.

    Parameters
    ----------
    study
        A comparison with at least one panel (``study.panels.panels``).
    lang
        ``"en"`` or ``"de"``: titles, labels (as the studies registered them) and numbers.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not saved; use :func:`ikzlib.figures.save_figure`).

    Raises
    ------
    ValueError
        The study chose no panel (fewer than two reports, or no differing evidence figure).
    """
    panels = study.panels.panels
    if not panels:
        raise ValueError("small_multiples needs a study with at least one panel")
    rows = math.ceil(len(panels) / PANEL_COLUMNS)
    fig, axes = plt.subplots(rows, PANEL_COLUMNS, figsize=(11, 2.7 * rows + 0.6), squeeze=False)
    districts = list(study.reported)
    figures = compare.localized(study.figures, lang)
    evidence = figures[figures["evidence"].astype(bool)]
    for ax, (section, name) in zip(axes.flat, panels, strict=False):
        rows_of = evidence[(evidence["section"] == section) & (evidence["figure"] == name)]
        _panel(ax, rows_of, districts, lang)
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_visible(False)
    fig.suptitle(tr(TITLES[study.level], lang))
    return fig


def _panel(ax: Axes, rows: pd.DataFrame, districts: Sequence[str], lang: str) -> None:
    """One small multiple: a bar per reporting district, labelled as declared."""
    data = rows.set_index("district").reindex(list(districts))
    shown = data[data["number"].notna()]
    position = {key: i for i, key in enumerate(districts)}  # every district keeps its place
    bars = ax.bar(
        [position[k] for k in shown.index],
        shown["number"].to_numpy(dtype=float),
        color=[PALETTE[position[k] % len(PALETTE)] for k in shown.index],
    )
    # value labels tell a zero (no visible bar) apart from a figure not reported
    ax.bar_label(bars, list(shown["short"]), padding=2, fontsize=7)
    for key in data.index[data["number"].isna()]:
        ax.text(
            position[key], 0, tr("n/a", lang), ha="center", va="bottom", fontsize=7, color="grey"
        )
    first = rows.iloc[0]
    unit = f" ({first['unit']})" if first["unit"] and not first["percent"] else ""  # % on bars
    ax.set_title(f"{first['section_title']}\n{first['label']}{unit}", fontsize=9)
    ax.margins(y=0.2)  # room for the value labels
    ax.set_xticks(range(len(districts)), list(districts))
    ax.tick_params(axis="both", labelsize=8)
    decimals = int(first["decimals"]) if pd.notna(first["decimals"]) else 0
    if decimals <= 0:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    large = bool(shown["number"].abs().max() >= 10) if len(shown) else False
    places = 0 if large else max(decimals, 0)
    ax.yaxis.set_major_formatter(number_formatter(places, lang == "de"))
