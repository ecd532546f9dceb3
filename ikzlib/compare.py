"""Cross-district comparison of the key figures in each district's ``summary.json``.

Every per-district notebook records its key figures with :func:`ikzlib.summary.record`; the
report runner merges them into ``reports/<district>/summary.json`` (``{"district": ...,
"sections": {section: {figure: value}}}``). This module turns those files into one long
table, one wide table per section, and a choice of small-multiple panels for the figures
that differ between districts. Sections are ordered as the notebooks that record them
(:data:`ikzlib.batch.SECTION_ORDER`), unknown sections follow by name.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ikzlib import figures, paths
from ikzlib.errors import DataValidationError

LONG_COLUMNS = ["district", "section", "figure", "value"]
PANEL_COLUMNS = 3  # small multiples per row
# Figures a reader looks for first when comparing districts; drawn before the rest of their
# section. Names are the keys the notebooks record with ikzlib.summary.record.
HEADLINE_FIGURES: dict[str, tuple[str, ...]] = {
    "structure": ("population", "n_municipalities", "share_pop_under_10k", "density"),
    "network": ("density", "share_without_documented_formal_tie", "n_bodies"),
    "interviews": ("n_interviews", "n_codings"),
    "transaction_costs": ("optimal_size", "p_net_gain_positive", "break_even_size"),
    "task_fields": ("n_scored_fields", "top_field_p_top_k"),
}


class PanelChoice(NamedTuple):
    """Which figures get a small-multiple panel.

    Attributes
    ----------
    panels
        ``(section, figure)`` pairs to draw, in drawing order.
    constant
        Numeric figures reported by at least two districts with the same value everywhere.
    omitted
        Differing figures left out because of the panel limit, in the order they would follow.
    """

    panels: list[tuple[str, str]]
    constant: list[tuple[str, str]]
    omitted: list[tuple[str, str]]


def load_summaries(keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Read the published ``reports/<key>/summary.json`` of each district that has one.

    Parameters
    ----------
    keys
        District keys, in the order the comparison should show them.

    Returns
    -------
    dict
        ``{key: summary}`` in the order of ``keys``; districts without a published report are
        absent (never guessed).

    Raises
    ------
    DataValidationError
        A summary that is not valid JSON or whose ``sections`` are not objects of figures.
    """
    summaries = {}
    for key in keys:
        path = paths.reports_dir(key) / "summary.json"
        if not path.exists():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise DataValidationError(path, f"not valid UTF-8 JSON: {exc}") from exc
        sections = data.get("sections") if isinstance(data, dict) else None
        if not isinstance(sections, dict):
            raise DataValidationError(path, "expected an object with a 'sections' object")
        for name, values in sections.items():
            if not isinstance(values, dict):
                raise DataValidationError(
                    path, "a section must map figure names to values", element=f"sections.{name}"
                )
        summaries[key] = data
    return summaries


def section_rank(section: str, section_order: Sequence[str]) -> tuple[int, str]:
    """Sort key of a section: its place in ``section_order``, then its name."""
    order = list(section_order)
    return (order.index(section) if section in order else len(order), section)


def _flat_value(value: Any) -> Any:
    """A table cell for a recorded value: scalars as is, lists joined, the rest ``None``."""
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list) and all(isinstance(v, (str, int, float, bool)) for v in value):
        # an empty list is a recorded "none", distinct from a blank (not recorded)
        return ", ".join(str(v) for v in value) if value else "(none)"
    return None  # nested objects and nulls are not key figures


def key_figures_long(
    summaries: Mapping[str, Mapping[str, Any]], section_order: Sequence[str] = ()
) -> pd.DataFrame:
    """One row per district, section and recorded figure.

    Parameters
    ----------
    summaries
        ``{district: summary}`` as returned by :func:`load_summaries`.
    section_order
        Sections to put first, in this order (e.g. :data:`ikzlib.batch.SECTION_ORDER`).

    Returns
    -------
    pandas.DataFrame
        Columns ``district``, ``section``, ``figure``, ``value`` (object dtype: numbers, strings
        and booleans as recorded; lists of scalars joined with ", " (``"(none)"`` when empty);
        nulls and nested objects left out). Sorted by section, figure, then district in the
        order of ``summaries``.
    """
    districts = list(summaries)
    records = [
        (district, section, name, _flat_value(value))
        for district, summary in summaries.items()
        for section, values in summary.get("sections", {}).items()
        for name, value in values.items()
    ]
    records = [r for r in records if r[3] is not None]
    records.sort(key=lambda r: (section_rank(r[1], section_order), r[2], districts.index(r[0])))
    long = pd.DataFrame(records, columns=LONG_COLUMNS)
    return long.astype({"value": object})  # mixed numbers, strings and booleans


def section_tables(
    long: pd.DataFrame, districts: Sequence[str] | None = None
) -> dict[str, pd.DataFrame]:
    """One wide table per section: a row per figure, a column per district.

    Parameters
    ----------
    long
        Output of :func:`key_figures_long` (its section order is kept).
    districts
        Columns in this order; default: the districts of ``long`` in order of appearance.
        A district with no figure in a section still gets its (blank) column.

    Returns
    -------
    dict of str to pandas.DataFrame
        Index ``figure`` (sorted), values as recorded; ``""`` where a district did not record
        the figure (not zero: its data lack it).
    """
    columns = list(districts) if districts is not None else list(dict.fromkeys(long["district"]))
    tables = {}
    for section in dict.fromkeys(long["section"]):
        part = long[long["section"] == section]
        table = part.pivot(index="figure", columns="district", values="value")
        table = table.reindex(index=sorted(table.index), columns=columns)
        table.columns.name = None
        tables[section] = table.astype(object).where(table.notna(), "")
    return tables


def numeric_figures(long: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``long`` with a numeric value (booleans and strings excluded), as float."""
    is_number = long["value"].map(
        lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
    )
    numeric = long[is_number.astype(bool)]
    return numeric.assign(value=numeric["value"].astype(float))


def choose_panels(
    long: pd.DataFrame,
    section_order: Sequence[str],
    max_panels: int,
    headline: Mapping[str, Sequence[str]] | None = None,
) -> PanelChoice:
    """Choose the numeric figures that differ between districts for small multiples.

    A figure earns a panel when at least two districts report it as a number and the values
    differ. Panels are taken round robin over the sections (in ``section_order``, then by
    name), so every section gets a panel before any section gets a second one. Within a
    section the ``headline`` figures come first, in their listed order, then the others by
    name.

    Parameters
    ----------
    long
        Output of :func:`key_figures_long`.
    section_order
        Order of the sections in each round.
    max_panels
        Largest number of panels.
    headline
        Per section, the figures to draw first (default :data:`HEADLINE_FIGURES`).

    Returns
    -------
    PanelChoice
        Panels to draw, figures equal in every reporting district, and differing figures
        beyond ``max_panels``.
    """
    numeric = numeric_figures(long)
    spread = numeric.groupby(["section", "figure"])["value"].agg(["nunique", "count"])
    shared = spread[spread["count"] >= 2]
    headline = HEADLINE_FIGURES if headline is None else headline

    def figure_rank(key: tuple[str, str]) -> tuple[int, int, str]:
        first = list(headline.get(key[0], ()))
        position = first.index(key[1]) if key[1] in first else len(first)
        return (section_rank(key[0], section_order), position, key[1])

    by_rank = sorted(shared.index, key=figure_rank)
    constant = [k for k in by_rank if shared.loc[k, "nunique"] == 1]
    varying = [k for k in by_rank if shared.loc[k, "nunique"] > 1]
    within: dict[str, int] = {}
    turn = {}
    for key in varying:  # the i-th differing figure of its section is drawn in round i
        turn[key] = within.get(key[0], 0)
        within[key[0]] = turn[key] + 1
    ordered = sorted(varying, key=lambda k: (turn[k], *figure_rank(k)))
    return PanelChoice(ordered[:max_panels], constant, ordered[max_panels:])


def plot_small_multiples(
    long: pd.DataFrame, panels: Sequence[tuple[str, str]], districts: Sequence[str]
) -> Figure:
    """Bars per district for each chosen figure, three panels per row.

    Parameters
    ----------
    long
        Output of :func:`key_figures_long`.
    panels
        ``(section, figure)`` pairs from :func:`choose_panels` (at least one).
    districts
        Bar order; each district keeps its colour and its place on the x axis across panels.
        Each bar carries its value; a district that does not report the figure gets a grey
        "n/a" instead of a bar.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not saved; use :func:`ikzlib.figures.save_figure`).
    """
    if not panels:
        raise ValueError("plot_small_multiples needs at least one panel")
    numeric = numeric_figures(long)
    rows = math.ceil(len(panels) / PANEL_COLUMNS)
    fig, axes = plt.subplots(rows, PANEL_COLUMNS, figsize=(11, 2.7 * rows + 0.6), squeeze=False)
    colours = {key: figures.PALETTE[i % len(figures.PALETTE)] for i, key in enumerate(districts)}
    for ax, (section, name) in zip(axes.flat, panels, strict=False):
        data = numeric[(numeric["section"] == section) & (numeric["figure"] == name)]
        values = data.set_index("district")["value"].reindex(list(districts))
        shown = values.dropna()
        whole = bool((shown % 1 == 0).all())
        decimals = 0 if whole or shown.abs().max() >= 10 else 2
        # Numeric positions keep every district on the axis, reported or not.
        position = {key: i for i, key in enumerate(districts)}
        bars = ax.bar(
            [position[k] for k in shown.index],
            shown.to_numpy(),
            color=[colours[k] for k in shown.index],
        )
        # Value labels tell a zero (no visible bar) apart from a figure not reported.
        ax.bar_label(
            bars, [figures.format_number(v, decimals) for v in shown], padding=2, fontsize=7
        )
        for key in values.index[values.isna()]:
            ax.text(position[key], 0, "n/a", ha="center", va="bottom", fontsize=7, color="grey")
        ax.margins(y=0.2)  # room for the value labels
        ax.set_xticks(range(len(districts)), list(districts))
        ax.set_title(f"{section}: {name}", fontsize=9)
        ax.tick_params(axis="both", labelsize=8)
        if whole:
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_formatter(figures.number_formatter(decimals))
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_visible(False)
    fig.suptitle("Key figures that differ between the district reports", fontweight="bold")
    return fig
