"""Sensitivity and feasibility findings on a three-unit case that can be checked by hand."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from cost_cases import PARAMS, POPULATION

from ikzlib import costs, uncertainty
from ikzlib.cost_sensitivity import (
    Coalition,
    Thresholds,
    Units,
    best_net_gain,
    best_size,
    feasibility_findings,
    growth_sensitivity,
)

# Capacity equals population (kappa 1, beta 1); the initiator fronts half the set-up lump.
RESOURCE = uncertainty.ResourceParams(capacity_kappa=1.0, capacity_beta=1.0, initiator_share=0.5)
NAMES = ("Big", "Small", "Middle")
ORDER = (0, 2, 1)  # largest first
# Optimal coalition Middle + Big, listed with the largest partner second (position 1).
MEMBERS = (2, 0)
ALLOCATION = pd.DataFrame(
    {
        "name": ["Middle", "Big"],
        "standalone": [50.0, 100.0],
        "population": [52.0, 98.0],
        "shapley": [45.0, 90.0],
    }
)


@pytest.fixture(scope="module")
def procurement() -> uncertainty.Scenario:
    return uncertainty.load_scenarios()["procurement_office"]


def _model(params: costs.CostParams = PARAMS, resource=RESOURCE) -> uncertainty.Scenario:
    base = uncertainty.load_scenarios()["procurement_office"]
    return dataclasses.replace(base, cost=params, resource=resource)


def _units(params: costs.CostParams = PARAMS) -> Units:
    return Units(NAMES, POPULATION, costs.case_volumes(POPULATION, params))


def _draws(*transaction_per_partner: float) -> pd.DataFrame:
    base = dataclasses.asdict(PARAMS) | dataclasses.asdict(RESOURCE)
    return pd.DataFrame([base | {"transaction_per_partner": t} for t in transaction_per_partner])


def _pair_gain(params: costs.CostParams) -> float:
    """Net gain of the pair Middle + Small from the exhaustive search."""
    volumes = costs.case_volumes(POPULATION[[2, 1]], params)
    table = costs.best_coalitions_by_size(volumes, params)
    return float(table.loc[table["size"] == 2, "net_gain"].iloc[0])


def _findings(draws, *, small_threshold=15_000, resource=RESOURCE, members=MEMBERS):
    coalition = Coalition(ORDER, members, ALLOCATION if len(members) >= 2 else None)
    thresholds = Thresholds("shapley", small_threshold, gain_threshold=0.05, max_units=14)
    return feasibility_findings(_units(), coalition, _model(resource=resource), draws, thresholds)


def test_optimal_coalition_initiation_and_largest_partner():
    found = _findings(_draws(2_000))
    # E(2) = 20,000 + 2 * 5,000; half of it is fronted by the initiator.
    assert found.initiation_cost == pytest.approx(15_000)
    # Capacities are the populations 12,000 (Middle) and 40,000 (Big): only Big can initiate.
    assert found.n_can_initiate == 1
    assert found.table["name"].tolist() == ["Middle", "Big"]
    assert found.table["can_initiate"].tolist() == [False, True]
    # The largest partner is the second allocation row: 98 of 100 under population shares.
    largest = found.largest
    assert largest.name == "Big"
    assert largest.saving_rate_population == pytest.approx(0.02)
    assert largest.saving_rate_rule == pytest.approx(0.10)
    # 5 % of 100 is 5; population shares save 2, so 3 EUR/year are missing.
    assert largest.compensation_needed == pytest.approx(3.0)


def test_small_only_coalition_over_draws():
    assert _pair_gain(PARAMS) > 0
    expensive = dataclasses.replace(PARAMS, transaction_per_partner=1e6)
    assert _pair_gain(expensive) < 0
    found = _findings(_draws(2_000, 1e6))
    assert found.small_units == (2, 1)
    small = found.small
    assert small.members == (2, 1) and small.size == 2
    # One of the two draws gains: the mean is the average of both pair gains.
    assert small.p_gain == pytest.approx(0.5)
    assert small.expected_gain == pytest.approx((_pair_gain(PARAMS) + _pair_gain(expensive)) / 2)
    assert small.initiation_cost == pytest.approx(15_000)
    assert small.max_capacity == pytest.approx(12_000)
    assert small.can_initiate is False
    richer = dataclasses.replace(RESOURCE, capacity_kappa=2.0)
    assert _findings(_draws(2_000), resource=richer).small.can_initiate is True


def test_no_small_coalition_when_none_of_them_gains():
    expensive = dataclasses.replace(PARAMS, transaction_per_partner=1e6)
    coalition = Coalition(ORDER, (0,))
    thresholds = Thresholds("shapley", 15_000, 0.05, 14)
    found = feasibility_findings(
        _units(expensive), coalition, _model(expensive), _draws(2_000), thresholds
    )
    assert found.small_units == (2, 1)
    assert found.small is None


def test_no_coalition_gives_no_figures():
    found = _findings(_draws(2_000), small_threshold=5_000, members=(0,))
    assert found.table is None and found.largest is None
    assert found.initiation_cost is None and found.n_can_initiate is None
    assert found.small_units == (1,) and found.small is None
    assert found.summary_values() == {}


def test_summary_values_name_the_key_figures():
    values = _findings(_draws(2_000)).summary_values()
    assert values["largest_saving_rate_population"] == pytest.approx(0.02)
    assert values["small_only_size"] == 2
    assert values["small_only_can_initiate"] is False
    assert set(values) == {
        "small_only_size",
        "small_only_p_gain",
        "small_only_expected_gain",
        "small_only_can_initiate",
        "largest_saving_rate_population",
        "largest_saving_rate_rule",
        "largest_compensation_needed",
    }


def test_growth_sensitivity_covers_the_ranged_cost_parameters(procurement):
    population = POPULATION * 10
    order = list(costs.size_order(population))
    table = growth_sensitivity(procurement, population, order)
    ranged = {k for k in procurement.ranges if k in costs.CostParams.names()}
    assert set(table["parameter"]) == ranged
    base = uncertainty.numeric_parameters(procurement)
    assert table["base"].iloc[0] == pytest.approx(best_net_gain(base, population, order))
    assert table["size_low"].dtype.kind == "i" and table["size_high"].between(1, 3).all()
    assert table["swing"].is_monotonic_decreasing


def test_best_size_is_one_when_coordination_eats_every_gain(procurement):
    values = {**uncertainty.numeric_parameters(procurement), "transaction_per_pair": 1e9}
    assert best_size(values, POPULATION, [0, 1, 2]) == 1
    assert best_net_gain(values, POPULATION, [0, 1, 2]) == 0.0


def test_units_pick_names_in_order():
    units = _units()
    assert len(units) == 3
    assert units.pick([2, 0]) == ["Middle", "Big"]
    assert np.array_equal(units.volumes, POPULATION * PARAMS.cases_per_capita)
