"""Feasibility findings of notebook 04 on a three-unit case that can be checked by hand."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from cost_cases import PARAMS, POPULATION

from ikzlib import costs, uncertainty
from ikzlib.cost_sensitivity import feasibility_findings

# Capacity equals population (kappa 1, beta 1); the initiator fronts half the set-up lump.
RESOURCE = uncertainty.ResourceParams(capacity_kappa=1.0, capacity_beta=1.0, initiator_share=0.5)
NAMES = ["Big", "Small", "Middle"]
ORDER = [0, 2, 1]  # largest first
# Optimal coalition Middle + Big, listed with the largest partner second (position 1).
MEMBERS = [2, 0]
ALLOCATION = pd.DataFrame(
    {
        "name": ["Middle", "Big"],
        "standalone": [50.0, 100.0],
        "population": [52.0, 98.0],
        "shapley": [45.0, 90.0],
    }
)


def _draws(*transaction_per_partner: float) -> pd.DataFrame:
    base = dataclasses.asdict(PARAMS) | dataclasses.asdict(RESOURCE)
    return pd.DataFrame([base | {"transaction_per_partner": t} for t in transaction_per_partner])


def _pair_gain(params: costs.CostParams) -> float:
    """Net gain of the pair Middle + Small from the exhaustive search."""
    volumes = costs.case_volumes(POPULATION[[2, 1]], params)
    table = costs.best_coalitions_by_size(volumes, params)
    return float(table.loc[table["size"] == 2, "net_gain"].iloc[0])


def _findings(draws: pd.DataFrame, small_threshold: float = 15_000, resource=RESOURCE):
    volumes = costs.case_volumes(POPULATION, PARAMS)
    return feasibility_findings(
        volumes, POPULATION, ORDER, MEMBERS, ALLOCATION, draws, PARAMS, resource,
        "shapley", NAMES, small_threshold, gain_threshold=0.05, max_units=14,
    )  # fmt: skip


def test_optimal_coalition_initiation_and_largest_partner():
    found = _findings(_draws(2_000))
    # E(2) = 20,000 + 2 * 5,000; half of it is fronted by the initiator.
    assert found.initiation_cost == pytest.approx(15_000)
    # Capacities are the populations 12,000 (Middle) and 40,000 (Big): only Big can initiate.
    assert found.n_can_initiate == 1
    assert found.table["name"].tolist() == ["Middle", "Big"]
    assert found.table["can_initiate"].tolist() == [False, True]
    # The largest partner is the second allocation row: 98 of 100 under population shares.
    assert found.largest_name == "Big"
    assert found.largest_saving_rate_population == pytest.approx(0.02)
    assert found.largest_saving_rate_rule == pytest.approx(0.10)
    # 5 % of 100 is 5; population shares save 2, so 3 EUR/year are missing.
    assert found.largest_compensation_needed == pytest.approx(3.0)


def test_small_only_coalition_over_draws():
    assert _pair_gain(PARAMS) > 0
    expensive = dataclasses.replace(PARAMS, transaction_per_partner=1e6)
    assert _pair_gain(expensive) < 0
    found = _findings(_draws(2_000, 1e6))
    assert found.small_units == [2, 1]
    assert found.small_size == 2
    # One of the two draws gains: the mean is the average of both pair gains.
    assert found.small_p_gain == pytest.approx(0.5)
    assert found.small_expected_gain == pytest.approx(
        (_pair_gain(PARAMS) + _pair_gain(expensive)) / 2
    )
    assert found.small_initiation_cost == pytest.approx(15_000)
    assert found.small_max_capacity == pytest.approx(12_000)
    assert found.small_can_initiate is False
    richer = dataclasses.replace(RESOURCE, capacity_kappa=2.0)
    assert _findings(_draws(2_000), resource=richer).small_can_initiate is True


def test_no_coalition_gives_defaults_and_na_summary():
    volumes = costs.case_volumes(POPULATION, PARAMS)
    found = feasibility_findings(
        volumes, POPULATION, ORDER, [0], pd.DataFrame(), _draws(2_000), PARAMS, RESOURCE,
        "shapley", NAMES, small_threshold=5_000, gain_threshold=0.05, max_units=14,
    )  # fmt: skip
    assert found.table is None and found.largest_name is None
    assert found.initiation_cost == 0.0 and found.n_can_initiate == 0
    assert found.small_units == [1] and found.small_size == 0
    values = found.summary_values()
    assert values["small_only_size"] == 0 and values["small_only_can_initiate"] is False
    assert values["largest_compensation_needed"] == "n/a"


def test_summary_values_round_rates():
    values = _findings(_draws(2_000)).summary_values()
    assert values["largest_saving_rate_population"] == 0.02
    assert values["small_only_size"] == 2
    assert set(values) == {
        "small_only_size",
        "small_only_p_gain",
        "small_only_expected_gain",
        "small_only_can_initiate",
        "largest_saving_rate_population",
        "largest_saving_rate_rule",
        "largest_compensation_needed",
    }
