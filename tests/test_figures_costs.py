"""Figures of notebook 04 and the growth-order sensitivity: structure for small inputs."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from cost_cases import PARAMS, POPULATION
from matplotlib.patches import Rectangle

from ikzlib import costs, uncertainty
from ikzlib.cost_sensitivity import best_net_gain, best_size, growth_sensitivity
from ikzlib.figures import costs as cost_figures

NAMES = ["Big, Stadt", "Small", "Middle, Stadt"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _bars(ax) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def _legend(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def _ticks(ax) -> list[str]:
    return [t.get_text() for t in ax.get_xticklabels()]


def test_growth_path_figure_shows_both_orders_and_the_optimum():
    volumes = costs.case_volumes(POPULATION, PARAMS)
    path = costs.growth_path(volumes, [0, 2, 1], PARAMS)
    path_small = costs.growth_path(volumes, [1, 2, 0], PARAMS)
    best = costs.best_coalitions_by_size(volumes, PARAMS)
    fig = cost_figures.growth_path_figure(path, path_small, best, "a task")
    left, right = fig.axes
    assert len(left.lines) == 3 + 1 + 1 + 1  # three curves, optimum, zero line, best
    assert len(right.lines) == 5
    assert len(_legend(left)) == 4 and right.get_legend() is None
    assert left.get_ylabel() == "thousand EUR per year"
    assert [t.get_text() for t in left.texts] == [f"optimum k = {costs.optimal_size(path)}"]
    assert "a task" in fig._suptitle.get_text()


@pytest.mark.parametrize(("pooled", "entries"), [(None, 2), (5.0, 3)])
def test_per_capita_figure_names_the_extremes(pooled, entries):
    table = costs.per_capita_costs(POPULATION, PARAMS)
    table.insert(0, "name", NAMES)
    fig = cost_figures.per_capita_figure(table, PARAMS, pooled, 3, "Kreis X")
    (ax,) = fig.axes
    assert len(_legend(ax)) == entries
    assert sorted(t.get_text() for t in ax.texts) == ["Big", "Small"]
    assert ax.get_xscale() == "log"
    assert ax.get_ylabel() == "EUR per inhabitant and year"


def _allocation(n: int) -> tuple[pd.DataFrame, np.ndarray]:
    population = np.linspace(50_000, 1_000, n)
    standalone = np.full(n, 100.0)
    frame = pd.DataFrame(
        {
            "name": [f"Unit {i}, Stadt" for i in range(n)],
            "standalone": standalone,
            "population": standalone * 0.8,
            "shapley": np.r_[120.0, np.full(n - 1, 90.0)],  # the largest pays more than alone
        }
    )
    return frame, population


def test_allocation_figure_draws_one_bar_per_partner_and_rule_smallest_first():
    allocation, population = _allocation(3)
    fig = cost_figures.allocation_figure(allocation, ["population", "shapley"], population, 3)
    (ax,) = fig.axes
    bars = _bars(ax)
    assert len(bars) == 6
    assert _ticks(ax) == ["Unit 2", "Unit 1", "Unit 0"]
    assert _legend(ax) == ["population", "shapley"]
    heights = [round(b.get_height(), 6) for b in bars]
    assert heights[:3] == [20.0, 20.0, 20.0] and heights[5] == -20.0  # largest is last
    assert ax.get_ylabel() == "saving, % of stand-alone cost"


def test_allocation_figure_switches_to_a_scatter_for_many_partners():
    allocation, population = _allocation(cost_figures.MAX_BARS + 1)
    fig = cost_figures.allocation_figure(allocation, ["shapley"], population, 21)
    (ax,) = fig.axes
    assert not _bars(ax)
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel() == "inhabitants (log scale)"
    assert len(ax.collections) == 1


def test_payoff_probability_figure_labels_name_and_size_class():
    probabilities = pd.DataFrame(
        {
            "name": ["Big, Stadt", "Small"],
            "population": [40_000, 3_000],
            "size_class": ["20,000-50,000", "< 5,000"],
            "p_pays_off": [0.9, 0.4],
            "p_pays_off_population_rule": [0.3, 1.0],
        }
    )
    fig = cost_figures.payoff_probability_figure(probabilities, "shapley", 100)
    (ax,) = fig.axes
    assert len(_bars(ax)) == 4
    assert _ticks(ax) == ["Small\n(< 5,000)", "Big\n(20,000-50,000)"]
    assert _legend(ax) == ["rule: shapley", "rule: population"]
    assert ax.get_ylim() == (0, 1.05)
    assert "100 draws" in ax.get_title()


def test_feasibility_figure_marks_the_initiation_cost():
    feasible = pd.DataFrame(
        {
            "name": ["Big", "Small", "Middle"],
            "population": [40_000, 3_000, 12_000],
            "capacity": [60_000.0, 5_000.0, 20_000.0],
            "exante_share": [30_000.0, 2_000.0, 9_000.0],
        }
    )
    fig = cost_figures.feasibility_figure(feasible, 45_000.0, 3)
    (ax,) = fig.axes
    assert [round(b.get_height(), 6) for b in _bars(ax)] == [5.0, 20.0, 60.0]
    assert ax.lines[0].get_ydata()[0] == pytest.approx(45.0)
    assert sorted(_legend(ax)) == sorted(
        [
            "strategic capacity K",
            "population share of the set-up cost",
            "cost of initiating the coalition",
        ]
    )
    assert ax.get_title() == "Set-up phase of the optimal coalition (k = 3)"


def test_tornado_figure_puts_the_largest_swing_on_top():
    sensitivity = pd.DataFrame(
        {
            "parameter": ["scale_elasticity", "fixed_cost"],
            "metric_low": [100_000.0, 250_000.0],
            "metric_high": [500_000.0, 350_000.0],
            "base": [300_000.0, 300_000.0],
        }
    )
    fig = cost_figures.tornado_figure(sensitivity)
    (ax,) = fig.axes
    bars = _bars(ax)
    assert len(bars) == 4
    labels = {round(t.get_position()[1]): t.get_text() for t in ax.get_yticklabels()}
    assert labels == {1: "scale elasticity", 0: "fixed cost"}
    assert bars[0].get_x() == pytest.approx(300.0) and bars[0].get_width() == pytest.approx(-200)
    assert _legend(ax) == ["parameter at low end", "parameter at high end"]


def test_growth_sensitivity_covers_the_ranged_cost_parameters():
    model = uncertainty.load_scenarios()["procurement_office"]
    order = list(costs.size_order(POPULATION * 10))
    table = growth_sensitivity(model, POPULATION * 10, order)
    ranged = {k for k in model.ranges if k in costs.CostParams.names()}
    assert set(table["parameter"]) == ranged
    base = uncertainty.numeric_parameters(model)
    assert table["base"].iloc[0] == pytest.approx(best_net_gain(base, POPULATION * 10, order))
    assert table["size_low"].dtype.kind == "i" and table["size_high"].between(1, 3).all()
    assert table["swing"].is_monotonic_decreasing


def test_best_size_is_one_when_coordination_eats_every_gain():
    model = uncertainty.load_scenarios()["procurement_office"]
    values = {**uncertainty.numeric_parameters(model), "transaction_per_pair": 1e9}
    assert best_size(values, POPULATION, [0, 1, 2]) == 1
    assert best_net_gain(values, POPULATION, [0, 1, 2]) == 0.0
