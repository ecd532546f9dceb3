"""Figures of the transaction-cost study: structure, titles and the missing-data cases."""

from __future__ import annotations

import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from ikzlib.errors import ParameterError
from ikzlib.figures import costs as cost_figures
from ikzlib.studies import costs as cost_study


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def study() -> cost_study.CostStudy:
    return cost_study.run("harz", n_draws=40)


def _bars(ax) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def _legend(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def _ticks(ax) -> list[str]:
    return [t.get_text() for t in ax.get_xticklabels()]


def _smallest_first(study) -> list[str]:
    table = study.allocation.table.assign(population=study.allocation.population)
    return [name.split(",")[0] for name in table.sort_values("population")["name"]]


def test_growth_path_figure_shows_both_orders_and_the_optimum(study):
    fig = cost_figures.growth_path_figure(study)
    left, right = fig.axes
    assert len(left.lines) == 3 + 1 + 1 + 1  # three curves, optimum, zero line, best
    assert len(right.lines) == 5
    assert len(_legend(left)) == 4 and right.get_legend() is None
    assert left.get_ylabel() == "thousand EUR per year"
    assert [t.get_text() for t in left.texts] == ["optimum k = 11"]
    assert left.get_title() == "initial partners, then largest first"
    title = fig._suptitle.get_text()
    assert title.startswith("Model with illustrative parameters: gains and transaction costs")
    assert study.model.task in title


@pytest.mark.parametrize("coalition", [True, False])
def test_per_capita_figure_names_the_extremes(study, coalition):
    if not coalition:
        study = dataclasses.replace(study, pooled_cost_per_capita=None)
    fig = cost_figures.per_capita_figure(study)
    (ax,) = fig.axes
    legend = _legend(ax)
    assert len(legend) == (3 if coalition else 2)
    assert all(label.startswith("model: ") for label in legend[:-1])
    assert legend[-1].endswith("(no cost data)")
    assert sorted(t.get_text() for t in ax.texts) == ["Falkenstein/Harz", "Halberstadt"]
    assert ax.get_xscale() == "log"
    assert ax.get_ylabel() == "EUR per inhabitant and year"
    assert ax.get_title().startswith("Model with illustrative parameters: ")
    # the model curve is dashed, and the units are not drawn on it: no markers, no scatter;
    # they are ticks at their population along the x axis (axes coordinates 0 to 0.05)
    curve = ax.lines[0]
    assert curve.get_linestyle() == "--" and curve.get_marker() in ("None", None, "")
    (rug,) = ax.collections
    segments = rug.get_segments()
    assert len(segments) == len(study.units)
    assert sorted(seg[0][0] for seg in segments) == sorted(study.units.population)
    assert all((seg[0][1], seg[1][1]) == (0, 0.05) for seg in segments)


def test_allocation_figure_draws_one_bar_per_partner_and_rule_smallest_first(study):
    fig = cost_figures.allocation_figure(study)
    (ax,) = fig.axes
    k, rules = study.allocation.size, cost_figures.figure_rules(study.allocation)
    assert len(_bars(ax)) == k * len(rules)
    # tau is undefined here (not quasi-balanced) and the prenucleolus equals the nucleolus:
    # the table shows them, the chart leaves them out rather than drawing empty or twin bars
    assert set(study.allocation.rules) - set(rules) == {"tau", "prenucleolus"}
    assert _ticks(ax) == _smallest_first(study)
    assert _legend(ax) == [cost_study.rule_label(rule) for rule in rules]
    assert _legend(ax)[:4] == [
        "population shares",
        "case-volume shares",
        "equal split",
        "Shapley value",
    ]
    # first bar: the smallest partner's saving under population shares, in percent
    row = study.allocation.table.iloc[int(np.argmin(study.allocation.population))]
    saving = 100 * (1 - row["population"] / row["standalone"])
    assert _bars(ax)[0].get_height() == pytest.approx(saving)
    assert "k = 11" in ax.get_title() and "illustrative" in ax.get_title()


def test_allocation_figure_switches_to_a_scatter_for_many_partners(study):
    n = cost_figures.MAX_BARS + 1
    table = pd.DataFrame(
        {
            "name": [f"Unit {i}, Stadt" for i in range(n)],
            "standalone": np.full(n, 100.0),
            "shapley": np.full(n, 90.0),
        }
    )
    allocation = dataclasses.replace(
        study.allocation, table=table, rules=("shapley",), population=np.linspace(5e4, 1e3, n)
    )
    fig = cost_figures.allocation_figure(dataclasses.replace(study, allocation=allocation))
    (ax,) = fig.axes
    assert not _bars(ax)
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel() == "inhabitants (log scale)"
    assert len(ax.collections) == 1


def test_payoff_probability_figure_labels_name_and_size_class(study):
    fig = cost_figures.payoff_probability_figure(study)
    (ax,) = fig.axes
    assert len(_bars(ax)) == 2 * study.allocation.size
    assert _ticks(ax)[0] == "Falkenstein/Harz\n(5,000-10,000)"
    assert _legend(ax) == ["rule: Shapley value", "rule: population shares"]
    assert ax.get_ylim() == (0, 1.05)
    assert ax.get_title().startswith("Model with illustrative parameters: ")
    assert "(40 draws)" in ax.get_title()


def test_feasibility_figure_marks_the_initiation_cost(study):
    fig = cost_figures.feasibility_figure(study)
    (ax,) = fig.axes
    table = study.feasibility.table.sort_values("population")
    heights = [b.get_height() for b in _bars(ax)]
    assert heights == pytest.approx((table["capacity"] / 1e3).tolist())
    assert ax.lines[0].get_ydata()[0] == pytest.approx(51.25)
    assert sorted(_legend(ax)) == [
        "cost of initiating the coalition",
        "population share of the set-up cost",
        "strategic capacity K",
    ]
    assert ax.get_title() == (
        "Model with illustrative parameters: set-up phase of the optimal coalition (k = 11)"
    )


def test_tornado_figure_puts_the_largest_swing_on_top(study):
    fig = cost_figures.tornado_figure(study)
    (ax,) = fig.axes
    n = len(study.sensitivity)
    bars = _bars(ax)
    assert len(bars) == 2 * n
    labels = {round(t.get_position()[1]): t.get_text() for t in ax.get_yticklabels()}
    top = study.sensitivity["parameter"].iloc[0]
    assert labels[n - 1] == cost_study.PARAMETER_LABELS[top]
    base = study.sensitivity["base"].iloc[0] / 1e3
    assert bars[0].get_x() == pytest.approx(base)
    assert _legend(ax) == [
        "parameter at the low end of its range",
        "parameter at the high end of its range",
    ]
    assert ax.get_title().startswith("Model with illustrative parameters: ")


@pytest.mark.parametrize(
    "draw",
    [
        cost_figures.per_capita_figure,
        cost_figures.allocation_figure,
        cost_figures.payoff_probability_figure,
        cost_figures.feasibility_figure,
        cost_figures.tornado_figure,
    ],
)
def test_single_panel_figures_draw_on_a_given_axes(study, draw):
    fig, (left, right) = plt.subplots(1, 2)
    assert draw(study, ax=right) is fig
    assert right.has_data() and not left.has_data()


def test_figures_refuse_a_study_without_the_data(study):
    empty = dataclasses.replace(study, growth=None, allocation=None, simulation=None)
    for draw in (
        cost_figures.growth_path_figure,
        cost_figures.allocation_figure,
        cost_figures.payoff_probability_figure,
    ):
        with pytest.raises(ParameterError, match="no"):
            draw(empty)


def test_source_lines_name_the_scenario_and_the_assumptions(study):
    for name in cost_figures.FIGURES:
        line = cost_figures.source_line(study, name)
        assert "procurement_office" in line and "illustrative" in line
    assert "seed 20230419" in cost_figures.source_line(study, "payoff_probability")
    with pytest.raises(ParameterError, match="unknown figure"):
        cost_figures.source_line(study, "map")


def test_figures_speak_german(study):
    """Titles, labels, legends and tick numbers follow ``lang="de"``."""
    fig = cost_figures.per_capita_figure(study, lang="de")
    (ax,) = fig.axes
    assert ax.get_title().startswith("Modell mit illustrativen Parametern: ")
    assert ax.get_ylabel() == "EUR je Einwohner und Jahr"
    assert _legend(ax)[0] == "Modell: Kosten je Einwohner bei Einzelerledigung"
    fig.canvas.draw()
    assert "10.000" in _ticks(ax)
    fig = cost_figures.tornado_figure(study, lang="de")
    assert fig.axes[0].get_xlabel() == "Nettogewinn der besten Koalition, Tausend EUR pro Jahr"
    fig = cost_figures.payoff_probability_figure(study, lang="de")
    assert _legend(fig.axes[0])[0] == "Regel: Shapley-Wert"
    line = cost_figures.source_line(study, "payoff_probability", lang="de")
    assert line.startswith("Monte-Carlo-Simulation über die illustrativen Spannen")
    assert "Einwohner: Destatis" in line


def test_captions_name_the_kind_of_parameters(study):
    assert study.caption("growth path") == "Model with illustrative parameters: growth path"
    fixed = dataclasses.replace(
        study, status=cost_study.ParameterStatus(values=(), ranges=("fixed_cost",))
    )
    assert fixed.caption("x") == "Model with sourced or user-set parameters: x"
    assert fixed.caption("x", ranges=True) == "Model with illustrative parameter ranges: x"
