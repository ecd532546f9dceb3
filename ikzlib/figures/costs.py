"""Figures of the transaction-cost study (notebook 04): growth path, per-capita cost,
allocations, pay-off probabilities, set-up feasibility and the tornado chart.

Every function takes a :class:`~ikzlib.studies.costs.CostStudy` (and ``ax=None`` when it draws
a single panel) and returns the matplotlib figure; saving, with :func:`source_line` under it,
is left to :func:`ikzlib.figures.save_figure`. Titles say when the parameters are
illustrative. Partner figures show one bar group per partner up to :data:`MAX_BARS` partners
and switch to a scatter against population beyond that.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from ikzlib import costs
from ikzlib.errors import ParameterError
from ikzlib.figures import PALETTE, number_formatter
from ikzlib.keyfigures import Kind

if TYPE_CHECKING:
    from ikzlib.studies.costs import CostStudy

MAX_BARS = 20  # more partners: plot against population instead of one bar group each
_POPULATION_TICKS = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000)
FIGURES = (
    "growth_path",
    "per_capita_cost",
    "allocations",
    "payoff_probability",
    "feasibility",
    "tornado",
)


def _short(name: str) -> str:
    """A unit name without its qualifier (``"Thale, Stadt"`` -> ``"Thale"``)."""
    return name.split(",")[0]


def _illustrative(study: CostStudy, *, ranges: bool = False) -> bool:
    """Whether the drawn numbers rest on illustrative parameter values (or ranges)."""
    kind = study.status.range_kind if ranges else study.status.point_kind
    return kind == Kind.ILLUSTRATIVE


def _tag(study: CostStudy, *, ranges: bool = False) -> str:
    """``"illustrative parameters"`` or ``"model parameters"`` for titles and source lines."""
    what = "ranges" if ranges else "parameters"
    return f"illustrative {what}" if _illustrative(study, ranges=ranges) else f"model {what}"


def _require(part: object, what: str) -> None:
    if part is None:
        raise ParameterError(f"the study has no {what} to draw (see its notes)")


def source_line(study: CostStudy, figure: str) -> str:
    """The source and caveat line printed under ``figure`` (one of :data:`FIGURES`)."""
    if figure not in FIGURES:
        raise ParameterError(f"unknown figure {figure!r}; choose one of {', '.join(FIGURES)}")
    model = f"ikz transaction-cost model, scenario {study.settings.scenario!r}"
    population = study.population_source
    lines = {
        "growth_path": f"{model} ({_tag(study)}, data/raw/scenarios.csv); {population}.",
        "per_capita_cost": f"{model} ({_tag(study)}); {population}; administrative units.",
        "allocations": f"{model} ({_tag(study)}). "
        "Negative: the partner pays more than going alone.",
        "payoff_probability": f"Monte Carlo over the {_tag(study, ranges=True)} of scenario "
        f"{study.settings.scenario!r}, seed {study.settings.seed}; {population}.",
        "feasibility": f"{model}; capacity K = kappa * population^beta and set-up costs "
        f"({_tag(study)}).",
        "tornado": f"{model}: low/high ends of the {_tag(study, ranges=True)} in "
        "data/raw/scenarios.csv.",
    }
    return lines[figure]


def _member_figure(count: int, height: float, ax: Axes | None) -> tuple[Figure, Axes]:
    """The given axes, or a figure wide enough for one slot per partner (or a scatter)."""
    if ax is not None:
        return ax.get_figure(), ax
    width = min(max(7.5, 0.7 * count + 3), 16) if count <= MAX_BARS else 8.5
    return plt.subplots(figsize=(width, height))


def _member_axis(
    ax: Axes, member_names: Sequence[str], inhabitants: Sequence[float]
) -> tuple[np.ndarray, bool]:
    """x positions: one slot per partner (few) or population on a log scale (many).

    Returns the positions and whether bars (True) or a scatter (False) should be drawn.
    """
    if len(member_names) <= MAX_BARS:
        x = np.arange(len(member_names))
        ax.set_xticks(x, [_short(name) for name in member_names], rotation=40, ha="right")
        return x, True
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(number_formatter())
    ax.set_xlabel("inhabitants (log scale)")
    return np.asarray(inhabitants, dtype=float), False


def growth_path_figure(study: CostStudy) -> Figure:
    """Gross gain, overhead and net gain as partners join, for the two joining orders.

    Parameters
    ----------
    study
        A study with growth paths (at least two units).

    Returns
    -------
    matplotlib.figure.Figure
        Two panels sharing the y axis (thousand EUR per year), the optimal size marked; the
        best coalition of each size (exhaustive search) dotted in the left panel.
    """
    _require(study.growth, "growth path")
    growth = study.growth
    first = "initial partners, then " if growth.initial else ""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4), sharey=True)
    panels = [
        (axes[0], growth.path, f"{first}largest first"),
        (axes[1], growth.path_small, f"{first}smallest first"),
    ]
    for ax, frame, title in panels:
        _growth_panel(ax, frame, title)
    if study.exhaustive is not None:
        best = study.exhaustive.best
        axes[0].plot(
            best["size"],
            best["net_gain"] / 1e3,
            ls=":",
            color="#4c9a2a",
            label="best coalition of each size (exhaustive)",
        )
    axes[0].set_ylabel("thousand EUR per year")
    axes[0].legend(fontsize=8, loc="upper left")
    fig.suptitle(
        f"Gains and transaction costs by coalition size: {study.model.task} ({_tag(study)})",
        fontsize=10.5,
    )
    return fig


def _growth_panel(ax: Axes, frame: pd.DataFrame, title: str) -> None:
    """Gross gain, overhead and net gain along one growth path, the optimum marked."""
    overhead = frame["transaction"] + frame["exante_annual"]
    curves = [
        (frame["gross_gain"], "gross gain (scale, specialisation)", 1.5),
        (overhead, "transaction + annualised set-up cost", 1.5),
        (frame["net_gain"], "net gain", 2.2),
    ]
    for values, label, width in curves:
        ax.plot(frame["size"], values / 1e3, marker="o", ms=3, lw=width, label=label)
    k_opt = costs.optimal_size(frame)
    ax.axvline(k_opt, color="#555555", ls="--", lw=1)
    ax.text(
        k_opt - 0.15,
        0.1,
        f"optimum k = {k_opt}",
        transform=ax.get_xaxis_transform(),
        fontsize=8.5,
        color="#333333",
        ha="right",
    )
    ax.axhline(0, color="black", lw=0.6)
    ax.set_title(title)
    ax.set_xlabel("number of partners k")


def per_capita_figure(study: CostStudy, ax: Axes | None = None) -> Figure:
    """Stand-alone cost per inhabitant against population: model curve and the units.

    Parameters
    ----------
    study
        A study with units (``per_capita`` and ``cost_curve``); the cost per inhabitant in
        the optimal coalition is drawn as a dashed line when there is one.
    ax
        Axes to draw on (default: a new figure).

    Returns
    -------
    matplotlib.figure.Figure
        Log-scaled population axis; the smallest and largest unit are named.
    """
    _require(study.per_capita, "per-capita cost table")
    table, curve = study.per_capita, study.cost_curve
    fig, ax = plt.subplots(figsize=(7.5, 4.4)) if ax is None else (ax.get_figure(), ax)
    ax.plot(
        curve["population"],
        curve["cost_per_capita"],
        color=PALETTE[0],
        label="stand-alone cost (model)",
    )
    ax.scatter(
        table["population"],
        table["cost_per_capita"],
        color=PALETTE[1],
        zorder=3,
        label=f"administrative units of {study.district.name}",
    )
    if study.pooled_cost_per_capita is not None and study.growth is not None:
        ax.axhline(
            study.pooled_cost_per_capita,
            color=PALETTE[2],
            ls="--",
            label=f"pooled cost in the optimal coalition (k = {study.growth.optimal_size})",
        )
    population = table["population"].to_numpy(dtype=float)
    for index in dict.fromkeys((int(np.argmin(population)), int(np.argmax(population)))):
        ax.annotate(
            _short(table["name"].iloc[index]),
            (population[index], table["cost_per_capita"].iloc[index]),
            xytext=(5, 5),
            textcoords="offset points",
            fontsize=8,
        )
    grid = curve["population"]
    ax.set_xscale("log")
    ax.set_xticks([t for t in _POPULATION_TICKS if grid.min() <= t <= grid.max()])
    ax.xaxis.set_major_formatter(number_formatter())
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("inhabitants (log scale)")
    ax.set_ylabel("EUR per inhabitant and year")
    ax.set_title(f"Cost per inhabitant when a unit goes alone ({_tag(study)})")
    ax.legend(fontsize=8.5)
    return fig


def allocation_figure(study: CostStudy, ax: Axes | None = None) -> Figure:
    """Saving of each partner (% of its stand-alone cost) under each division rule.

    Parameters
    ----------
    study
        A study with an optimal coalition (``allocation``).
    ax
        Axes to draw on (default: a new figure sized for the partners).

    Returns
    -------
    matplotlib.figure.Figure
        One bar (or point) per partner and rule, smallest partner left; legend titled ``rule``.
    """
    _require(study.allocation, "optimal coalition")
    allocation = study.allocation
    order = np.argsort(allocation.population, kind="stable")
    shown = allocation.table.iloc[order]
    rules = list(allocation.rules)
    savings = shown[rules].rsub(shown["standalone"], axis=0).div(shown["standalone"], axis=0) * 100
    fig, ax = _member_figure(len(shown), 4.6, ax)
    x, bars = _member_axis(ax, shown["name"].tolist(), allocation.population[order])
    width = 0.8 / len(rules)
    for j, rule in enumerate(rules):
        colour = PALETTE[j % len(PALETTE)]
        label = rule.replace("_", " ")
        if bars:
            offset = (j - (len(rules) - 1) / 2) * width
            ax.bar(x + offset, savings[rule], width, label=label, color=colour)
        else:
            ax.scatter(x, savings[rule], s=14, label=label, color=colour)
    ax.axhline(0, color="black", lw=0.7)
    ax.set_ylabel("saving, % of stand-alone cost")
    ax.set_title(
        f"Who gains under which rule (optimal coalition, k = {allocation.size}; "
        f"{_tag(study)}), smallest left"
    )
    ax.legend(fontsize=8.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="rule")
    return fig


def payoff_probability_figure(study: CostStudy, ax: Axes | None = None) -> Figure:
    """Probability that each partner saves, under the chosen rule and under population shares.

    Parameters
    ----------
    study
        A study with a simulated optimal coalition (``simulation``).
    ax
        Axes to draw on (default: a new figure sized for the partners).

    Returns
    -------
    matplotlib.figure.Figure
        Two bars (or points) per partner, smallest partner left, a dashed line at 0.5.
    """
    _require(study.simulation, "simulated coalition")
    shown = study.simulation.probabilities.sort_values("population").reset_index(drop=True)
    fig, ax = _member_figure(len(shown), 4.4, ax)
    x, bars = _member_axis(ax, shown["name"].tolist(), shown["population"])
    columns = [
        ("p_pays_off", f"rule: {study.settings.allocation_rule}"),
        ("p_pays_off_population_rule", "rule: population"),
    ]
    for j, (column, label) in enumerate(columns):
        if bars:
            ax.bar(x + (j - 0.5) * 0.4, shown[column], 0.4, label=label)
        else:
            ax.scatter(x, shown[column], s=14, label=label)
    if bars:  # name and size class under each bar group
        labels = [
            f"{_short(name)}\n({size})"
            for name, size in zip(shown["name"], shown["size_class"], strict=True)
        ]
        ax.set_xticks(x, labels, rotation=45, ha="right", fontsize=8)
    ax.axhline(0.5, color="#555555", ls="--", lw=1)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("probability that the partner saves")
    ax.set_title(
        f"Probability of a positive saving ({len(study.draws)} draws over "
        f"{_tag(study, ranges=True)}), smallest partner left"
    )
    ax.legend(fontsize=8.5, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def feasibility_figure(study: CostStudy, ax: Axes | None = None) -> Figure:
    """Strategic capacity of each partner against its share of the set-up cost.

    Parameters
    ----------
    study
        A study with an optimal coalition (``feasibility.table``).
    ax
        Axes to draw on (default: a new figure sized for the partners).

    Returns
    -------
    matplotlib.figure.Figure
        Capacity bars (or line), set-up shares as points and the cost of initiating the
        coalition as a dashed line, thousand EUR, smallest partner left.
    """
    found = study.feasibility
    _require(found.table if found is not None else None, "optimal coalition")
    shown = found.table.sort_values("population").reset_index(drop=True)
    fig, ax = _member_figure(len(shown), 4.4, ax)
    x, bars = _member_axis(ax, shown["name"].tolist(), shown["population"])
    if bars:
        ax.bar(x, shown["capacity"] / 1e3, 0.6, label="strategic capacity K")
    else:
        ax.plot(x, shown["capacity"] / 1e3, marker="o", ms=3, label="strategic capacity K")
    ax.scatter(
        x,
        shown["exante_share"] / 1e3,
        color=PALETTE[1],
        zorder=3,
        s=18,
        label="population share of the set-up cost",
    )
    ax.axhline(
        found.initiation_cost / 1e3,
        color=PALETTE[3],
        ls="--",
        label="cost of initiating the coalition",
    )
    ax.set_ylabel("thousand EUR (one-off)")
    ax.set_title(f"Set-up phase of the optimal coalition (k = {len(shown)}; {_tag(study)})")
    ax.legend(fontsize=8.5, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def tornado_figure(study: CostStudy, ax: Axes | None = None) -> Figure:
    """Tornado chart: the best net gain at the low and high end of each parameter's range.

    Parameters
    ----------
    study
        A study with a sensitivity table (largest swing first, drawn at the top).
    ax
        Axes to draw on (default: a new figure, taller with more parameters).

    Returns
    -------
    matplotlib.figure.Figure
        Two horizontal bars per parameter starting at the base value (thousand EUR).
    """
    _require(study.sensitivity, "sensitivity table")
    sensitivity = study.sensitivity
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 0.42 * len(sensitivity) + 1.6))
    else:
        fig = ax.get_figure()
    y = np.arange(len(sensitivity))[::-1]
    base_gain = sensitivity["base"].iloc[0] / 1e3
    ends = [
        ("metric_low", PALETTE[0], "parameter at low end"),
        ("metric_high", PALETTE[1], "parameter at high end"),
    ]
    for value_column, colour, label in ends:
        ax.barh(
            y,
            sensitivity[value_column] / 1e3 - base_gain,
            left=base_gain,
            color=colour,
            height=0.6,
            label=label,
        )
    ax.axvline(base_gain, color="black", lw=0.8)
    ax.set_yticks(y, sensitivity["parameter"].str.replace("_", " "))
    ax.set_xlabel("net gain of the best coalition, thousand EUR per year")
    ax.set_title(f"Tornado: which assumption moves the net gain most ({_tag(study, ranges=True)})")
    ax.legend(fontsize=8.5, loc="lower right")
    return fig
