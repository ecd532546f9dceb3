"""Figures of notebook 04 (transaction costs): growth path, per-capita cost, allocations,
pay-off probabilities, set-up feasibility and the tornado chart.

Each function takes the tables computed by :mod:`ikzlib.costs`, :mod:`ikzlib.games` and
:mod:`ikzlib.uncertainty` and returns a new matplotlib figure; saving (with the source line)
is left to :func:`ikzlib.figures.save_figure`. Partner figures show one bar group per partner
up to :data:`MAX_BARS` partners and switch to a scatter against population beyond that.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from ikzlib import costs
from ikzlib.figures import PALETTE, number_formatter

MAX_BARS = 20  # more partners: plot against population instead of one bar group each
_POPULATION_TICKS = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000)


def _short(name: str) -> str:
    """A unit name without its qualifier (``"Thale, Stadt"`` -> ``"Thale"``)."""
    return name.split(",")[0]


def _member_figure(count: int, height: float) -> tuple[Figure, Axes]:
    """A figure wide enough for one slot per partner, or a fixed width for a scatter."""
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


def growth_path_figure(
    path: pd.DataFrame, path_small: pd.DataFrame, best: pd.DataFrame, task: str
) -> Figure:
    """Gross gain, overhead and net gain as partners join, for two joining orders.

    Parameters
    ----------
    path, path_small
        Growth paths (:func:`ikzlib.costs.growth_path`) largest-first and smallest-first.
    best
        Best coalition of each size (:func:`ikzlib.costs.best_coalitions_by_size`), drawn
        dotted in the left panel.
    task
        The scenario's task, for the title.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels sharing the y axis (thousand EUR per year), the optimal size marked.
    """
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4), sharey=True)
    panels = [
        (axes[0], path, "initial partners, then largest first"),
        (axes[1], path_small, "initial partners, then smallest first"),
    ]
    for ax, frame, title in panels:
        overhead = frame["transaction"] + frame["exante_annual"]
        ax.plot(
            frame["size"],
            frame["gross_gain"] / 1e3,
            marker="o",
            ms=3,
            label="gross gain (scale, specialisation)",
        )
        ax.plot(
            frame["size"],
            overhead / 1e3,
            marker="o",
            ms=3,
            label="transaction + annualised set-up cost",
        )
        ax.plot(frame["size"], frame["net_gain"] / 1e3, marker="o", ms=3, lw=2.2, label="net gain")
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
    axes[0].plot(
        best["size"],
        best["net_gain"] / 1e3,
        ls=":",
        color="#4c9a2a",
        label="best coalition of each size (exhaustive)",
    )
    axes[0].set_ylabel("thousand EUR per year")
    axes[0].legend(fontsize=8, loc="upper left")
    fig.suptitle(f"Gains and transaction costs by coalition size: {task}", fontsize=10.5)
    return fig


def per_capita_figure(
    per_capita: pd.DataFrame,
    params: costs.CostParams,
    pooled_cost: float | None,
    k_star: int,
    district_name: str,
) -> Figure:
    """Stand-alone cost per inhabitant against population: model curve and the units.

    Parameters
    ----------
    per_capita
        ``name``, ``population`` and ``cost_per_capita`` per unit
        (:func:`ikzlib.costs.per_capita_costs` plus the names).
    params
        Cost parameters for the model curve (from half the smallest to twice the largest
        population, at least 200 inhabitants).
    pooled_cost
        Cost per inhabitant in the optimal coalition, drawn as a dashed line; ``None`` when
        there is no coalition.
    k_star
        Size of the optimal coalition (legend text).
    district_name
        District name (legend text).

    Returns
    -------
    matplotlib.figure.Figure
        Log-scaled population axis; the smallest and largest unit are named.
    """
    population = per_capita["population"].to_numpy(dtype=float)
    grid = np.geomspace(max(200.0, population.min() / 2), population.max() * 2, 200)
    curve = costs.per_capita_costs(grid, params)
    fig, ax = plt.subplots(figsize=(7.5, 4.4))
    ax.plot(
        curve["population"],
        curve["cost_per_capita"],
        color=PALETTE[0],
        label="stand-alone cost (model)",
    )
    ax.scatter(
        per_capita["population"],
        per_capita["cost_per_capita"],
        color=PALETTE[1],
        zorder=3,
        label=f"administrative units of {district_name}",
    )
    if pooled_cost is not None:
        ax.axhline(
            pooled_cost,
            color=PALETTE[2],
            ls="--",
            label=f"pooled cost in the optimal coalition (k = {k_star})",
        )
    for index in (int(np.argmin(population)), int(np.argmax(population))):
        ax.annotate(
            _short(per_capita["name"].iloc[index]),
            (population[index], per_capita["cost_per_capita"].iloc[index]),
            xytext=(5, 5),
            textcoords="offset points",
            fontsize=8,
        )
    ax.set_xscale("log")
    ax.set_xticks([t for t in _POPULATION_TICKS if grid.min() <= t <= grid.max()])
    ax.xaxis.set_major_formatter(number_formatter())
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("inhabitants (log scale)")
    ax.set_ylabel("EUR per inhabitant and year")
    ax.set_title("Cost of the task per inhabitant when a unit goes alone")
    ax.legend(fontsize=8.5)
    return fig


def allocation_figure(
    allocation: pd.DataFrame, rules: Sequence[str], population: Sequence[float], k_star: int
) -> Figure:
    """Saving of each partner (% of its stand-alone cost) under each division rule.

    Parameters
    ----------
    allocation
        ``name``, ``standalone`` and one cost column per rule, one row per partner
        (:func:`ikzlib.games.allocation_table`).
    rules
        Rule columns to draw, in legend order.
    population
        Inhabitants of the partners, in the rows' order; partners are drawn smallest first.
    k_star
        Coalition size (title).

    Returns
    -------
    matplotlib.figure.Figure
        One bar (or point) per partner and rule; legend titled ``rule``.
    """
    inhabitants = np.asarray(population, dtype=float)
    order = np.argsort(inhabitants, kind="stable")
    shown = allocation.iloc[order]
    rules = list(rules)
    savings = shown[rules].rsub(shown["standalone"], axis=0).div(shown["standalone"], axis=0) * 100
    fig, ax = _member_figure(len(shown), 4.6)
    x, bars = _member_axis(ax, shown["name"].tolist(), inhabitants[order])
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
    ax.set_title(f"Who gains under which rule (optimal coalition, k = {k_star}), smallest left")
    ax.legend(fontsize=8.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="rule")
    return fig


def payoff_probability_figure(
    probabilities: pd.DataFrame, allocation_rule: str, n_draws: int
) -> Figure:
    """Probability that each partner saves, under the chosen rule and under population shares.

    Parameters
    ----------
    probabilities
        ``name``, ``population``, ``size_class``, ``p_pays_off`` and
        ``p_pays_off_population_rule`` per partner.
    allocation_rule
        Name of the rule behind ``p_pays_off`` (legend).
    n_draws
        Number of Monte Carlo draws (title).

    Returns
    -------
    matplotlib.figure.Figure
        Two bars (or points) per partner, smallest partner left, a dashed line at 0.5.
    """
    shown = probabilities.sort_values("population").reset_index(drop=True)
    fig, ax = _member_figure(len(shown), 4.4)
    x, bars = _member_axis(ax, shown["name"].tolist(), shown["population"])
    columns = [
        ("p_pays_off", f"rule: {allocation_rule}"),
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
    ax.set_title(f"Probability of a positive saving ({n_draws} draws), smallest partner left")
    ax.legend(fontsize=8.5, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def feasibility_figure(feasible: pd.DataFrame, initiation: float, k_star: int) -> Figure:
    """Strategic capacity of each partner against its share of the set-up cost.

    Parameters
    ----------
    feasible
        ``name``, ``population``, ``capacity`` and ``exante_share`` per partner
        (:func:`ikzlib.uncertainty.feasibility`).
    initiation
        Cost of initiating the coalition alone (EUR), drawn as a dashed line.
    k_star
        Coalition size (title).

    Returns
    -------
    matplotlib.figure.Figure
        Capacity bars (or line), set-up shares as points, thousand EUR, smallest partner left.
    """
    shown = feasible.sort_values("population").reset_index(drop=True)
    fig, ax = _member_figure(len(shown), 4.4)
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
        initiation / 1e3, color=PALETTE[3], ls="--", label="cost of initiating the coalition"
    )
    ax.set_ylabel("thousand EUR (one-off)")
    ax.set_title(f"Set-up phase of the optimal coalition (k = {k_star})")
    ax.legend(fontsize=8.5, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def tornado_figure(sensitivity: pd.DataFrame) -> Figure:
    """Tornado chart: the target at the low and high end of each parameter's range.

    Parameters
    ----------
    sensitivity
        :func:`ikzlib.uncertainty.tornado` table of the net gain (EUR/year), largest swing
        first (drawn at the top).

    Returns
    -------
    matplotlib.figure.Figure
        Two horizontal bars per parameter starting at the base value (thousand EUR).
    """
    fig, ax = plt.subplots(figsize=(7.5, 0.42 * len(sensitivity) + 1.6))
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
    ax.set_title("Tornado: which assumption moves the net gain most")
    ax.legend(fontsize=8.5, loc="lower right")
    return fig
