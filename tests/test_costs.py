"""Tests of the transaction-cost model (ikzlib.costs)."""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ikzlib import costs

BASE = costs.CostParams(
    fixed_cost=30_000,
    unit_cost=1_500,
    reference_volume=100,
    scale_elasticity=0.2,
    capacity=400,
    transaction_per_partner=4_000,
    transaction_per_pair=6_000,
    exante_fixed=40_000,
    exante_per_partner=15_000,
    horizon_years=10,
    discount_rate=0.02,
    cases_per_capita=0.004,
)


def test_linear_standalone_cost_without_scale_effects():
    params = costs.CostParams(fixed_cost=100.0, unit_cost=2.0, reference_volume=50.0)
    assert costs.standalone_costs([10.0, 40.0], params).tolist() == [120.0, 180.0]


def test_capacity_steps_add_fixed_cost_blocks():
    params = costs.CostParams(fixed_cost=100.0, unit_cost=0.0, reference_volume=1.0, capacity=10)
    assert costs.production_cost(np.array([10.0, 10.5, 25.0]), params).tolist() == [
        100.0,
        200.0,
        300.0,
    ]
    assert float(costs.production_cost(0.0, params)) == 0.0


def test_learning_curve_unit_cost_at_reference_volume():
    params = costs.CostParams(
        fixed_cost=0.0, unit_cost=10.0, reference_volume=100.0, scale_elasticity=0.3
    )
    assert float(costs.unit_cost_at(100.0, params)) == pytest.approx(10.0)
    assert float(costs.unit_cost_at(800.0, params)) == pytest.approx(10.0 * 8**-0.3)


def test_transaction_and_exante_costs():
    assert costs.transaction_cost(np.array([0, 1, 2, 5]), BASE).tolist() == [
        0.0,
        0.0,
        2 * 4_000 + 6_000,
        5 * 4_000 + 10 * 6_000,
    ]
    assert costs.exante_cost(np.array([1, 3]), BASE).tolist() == [0.0, 40_000 + 3 * 15_000]


def test_annuity_factor():
    assert costs.annuity_factor(10, 0.0) == pytest.approx(0.1)
    # textbook value: 5 % over 10 years
    assert costs.annuity_factor(10, 0.05) == pytest.approx(0.129505, abs=1e-6)


def test_invalid_parameters_are_refused():
    with pytest.raises(ValueError, match="scale_elasticity"):
        BASE.replace(scale_elasticity=1.0)
    with pytest.raises(ValueError, match="fixed_cost"):
        BASE.replace(fixed_cost=-1)
    with pytest.raises(ValueError, match="capacity"):
        BASE.replace(capacity=0)
    with pytest.raises(ValueError, match="unknown"):
        BASE.replace(fixed=1)


def test_subset_sums_and_popcounts_match_brute_force():
    values = np.array([3.0, -1.5, 7.25, 0.5, 2.0])
    sums = costs.subset_sums(values)
    sizes = costs.popcounts(len(values))
    for mask in range(1 << len(values)):
        members = costs.mask_members(mask, len(values))
        assert sums[mask] == pytest.approx(values[members].sum())
        assert sizes[mask] == len(members)
        assert costs.members_mask(members) == mask


def test_subset_sums_of_many_rows_equal_each_row_and_games_follow():
    rows = np.array([[3.0, -1.5, 7.25], [0.1, 0.2, 0.7], [1e6, 3.0, 0.0]])
    sums = costs.subset_sums(rows)
    assert sums.shape == (3, 8)
    for r, values in enumerate(rows):
        np.testing.assert_array_equal(sums[r], costs.subset_sums(values))
    table = pd.DataFrame([dataclasses.asdict(BASE), dataclasses.asdict(BASE.replace(fixed_cost=7))])
    params = costs.CostParamRows.from_table(table)
    volumes = np.array([[150.0, 40.0, 20.0], [15.0, 4.0, 2.0]])
    games_by_row = costs.cost_game(volumes, params)
    leave_one_out = costs.leave_one_out_costs(volumes, params)
    for r in range(2):
        np.testing.assert_allclose(
            games_by_row[r], costs.cost_game(volumes[r], params.row(r)), rtol=1e-14
        )
        np.testing.assert_allclose(
            leave_one_out[r], costs.leave_one_out_costs(volumes[r], params.row(r)), rtol=1e-14
        )


def test_cost_game_entries_follow_the_formula():
    volumes = np.array([150.0, 40.0, 20.0, 90.0])
    game = costs.cost_game(volumes, BASE)
    assert game[0] == 0.0
    assert game[1 << np.arange(4)] == pytest.approx(costs.standalone_costs(volumes, BASE))
    mask = 0b1011  # players 0, 1, 3
    q = volumes[[0, 1, 3]].sum()
    expected = (
        costs.production_cost(q, BASE)
        + 3 * 4_000
        + 3 * 6_000
        + costs.annuity_factor(10, 0.02) * (40_000 + 3 * 15_000)
    )
    assert game[mask] == pytest.approx(float(expected))
    gains = costs.net_gains(volumes, BASE)
    assert gains[1 << np.arange(4)] == pytest.approx(np.zeros(4))


def test_operating_view_leaves_out_the_exante_lump():
    volumes = np.array([150.0, 40.0])
    with_lump = costs.cost_game(volumes, BASE)
    without = costs.cost_game(volumes, BASE, include_exante=False)
    lump = costs.annuity_factor(10, 0.02) * (40_000 + 2 * 15_000)
    assert with_lump[3] - without[3] == pytest.approx(lump)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(1.0, 5_000.0), min_size=2, max_size=7),
    st.floats(0.0, 0.9),
    st.floats(0.0, 1e5),
)
def test_without_transaction_costs_pooling_never_costs_more(volumes, elasticity, fixed):
    """Concave production with P(0) = 0 is subadditive: any split costs at least as much."""
    params = costs.CostParams(
        fixed_cost=fixed, unit_cost=50.0, reference_volume=100.0, scale_elasticity=elasticity
    )
    game = costs.cost_game(volumes, params)
    full = len(game) - 1
    for mask in range(1, full):
        assert game[full] <= game[mask] + game[full ^ mask] + 1e-6 * game[full]


@settings(max_examples=40, deadline=None)
@given(st.floats(0.0, 0.9), st.floats(1.0, 1e5))
def test_per_capita_cost_falls_with_size(elasticity, fixed):
    params = costs.CostParams(
        fixed_cost=fixed,
        unit_cost=20.0,
        reference_volume=100.0,
        scale_elasticity=elasticity,
        cases_per_capita=0.01,
    )
    table = costs.per_capita_costs([1_000, 5_000, 20_000, 100_000], params)
    assert (np.diff(table["cost_per_capita"]) < 0).all()
    assert table["fixed_share"].between(0, 1).all()


def test_growth_path_matches_the_game_and_sizes():
    volumes = np.array([150.0, 40.0, 20.0, 90.0, 60.0])
    order = [3, 0, 4, 2, 1]
    path = costs.growth_path(volumes, order, BASE, population=volumes / 0.004)
    game = costs.cost_game(volumes, BASE)
    alone = costs.standalone_costs(volumes, BASE)
    for k in range(1, 6):
        mask = costs.members_mask(order[:k])
        row = path.iloc[k - 1]
        assert row["net_gain"] == pytest.approx(alone[order[:k]].sum() - game[mask])
    assert path.loc[0, "net_gain"] == 0.0
    k_star = costs.optimal_size(path)
    assert path["net_gain"].max() == pytest.approx(path.loc[k_star - 1, "net_gain"])
    with pytest.raises(ValueError, match="repeats"):
        costs.growth_path(volumes, [0, 0, 1], BASE)


def test_break_even_and_viable_sizes_on_a_known_path():
    import pandas as pd

    path = pd.DataFrame({"size": [1, 2, 3, 4, 5], "net_gain": [0.0, -5.0, 3.0, 8.0, -1.0]})
    assert costs.break_even_size(path) == 3
    assert costs.max_viable_size(path) == 4
    assert costs.optimal_size(path) == 4
    losing = pd.DataFrame({"size": [1, 2], "net_gain": [0.0, -1.0]})
    assert costs.break_even_size(losing) is None
    assert costs.optimal_size(losing) == 1


def test_best_coalitions_by_size_match_exhaustive_enumeration():
    volumes = np.array([150.0, 40.0, 20.0, 90.0, 60.0, 10.0])
    best = costs.best_coalitions_by_size(volumes, BASE, names=list("ABCDEF"))
    gains = costs.net_gains(volumes, BASE)
    for k in range(1, 7):
        candidates = [costs.members_mask(c) for c in itertools.combinations(range(6), k)]
        top = max(gains[m] for m in candidates)
        row = best.iloc[k - 1]
        assert row["net_gain"] == pytest.approx(top)
        assert bin(int(row["mask"])).count("1") == k
    assert best.loc[5, "members"] == "A; B; C; D; E; F"


def test_prefix_costs_equal_game_values():
    volumes = np.array([150.0, 40.0, 20.0, 90.0])
    game = costs.cost_game(volumes, BASE)
    orders = np.array([[2, 0, 3, 1], [1, 3, 0, 2]])
    prefix = costs.prefix_cost_function(volumes, BASE)(orders)
    for row, order in enumerate(orders):
        for k in range(5):
            assert prefix[row, k] == pytest.approx(game[costs.members_mask(order[:k])])


def test_size_order_breaks_ties_by_index():
    assert costs.size_order([5, 9, 5, 1]).tolist() == [1, 0, 2, 3]
    assert costs.size_order([5, 9, 5, 1], descending=False).tolist() == [3, 0, 2, 1]


def test_growth_order_starts_with_the_named_partners():
    population = [5, 9, 5, 1]
    assert costs.growth_order(population) == [1, 0, 2, 3]
    assert costs.growth_order(population, [3, 2]) == [3, 2, 1, 0]
    assert costs.growth_order(population, [2], descending=False) == [2, 3, 0, 1]
    # a partner named twice joins once
    assert costs.growth_order(population, [0, 0]) == [0, 1, 2, 3]


def test_full_games_are_limited():
    with pytest.raises(ValueError, match="players"):
        costs.subset_sums(np.ones(costs.MAX_GAME_PLAYERS + 1))
    assert math.isinf(costs.CostParams(1.0, 1.0, 1.0).capacity)


# ---------------------------------------------------------------------------------------------
# many parameter sets at once (CostParamRows): row r equals the scalar model, bit for bit


def _random_table(rng: np.random.Generator, m: int) -> pd.DataFrame:
    """``m`` random parameter sets, with the edge values the model allows."""
    table = pd.DataFrame(
        {
            "fixed_cost": rng.uniform(0, 80_000, m),
            "unit_cost": rng.uniform(0, 3_000, m),
            "reference_volume": rng.uniform(1, 500, m),
            "scale_elasticity": rng.choice([0.0, 0.5, 0.2, 0.35, 0.99], m) * rng.uniform(0, 1, m),
            "capacity": rng.choice([math.inf, 50.0, 400.0, 3_000.0], m),
            "transaction_per_partner": rng.uniform(0, 10_000, m),
            "transaction_per_pair": rng.uniform(0, 10_000, m),
            "exante_fixed": rng.uniform(0, 100_000, m),
            "exante_per_partner": rng.uniform(0, 30_000, m),
            "horizon_years": rng.choice([1.0, 5.0, 10.0, 12.5], m),
            "discount_rate": rng.choice([0.0, 0.02, 0.035], m),
            "cases_per_capita": rng.choice([0.0, 0.004, 0.01, 1.0], m),
        }
    )
    table.loc[: m // 4, "scale_elasticity"] = 0.0  # the -0.0 exponent
    return table


def _bits(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=float).view(np.int64)


def test_param_rows_hold_the_rows_of_a_table():
    table = _random_table(np.random.default_rng(1), 20)
    rows = costs.CostParamRows.from_table(table)
    assert len(rows) == 20
    assert rows.fixed_cost.shape == (20, 1)
    for r, record in enumerate(table.to_dict("records")):
        assert rows.row(r) == costs.CostParams(**record)
        assert rows.annuity()[r, 0] == costs.annuity_factor(
            record["horizon_years"], record["discount_rate"]
        )
    assert rows.take(slice(3, 5)).row(1) == rows.row(4)
    assert rows.take(np.array([7, 2])).row(1) == rows.row(2)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("unit_cost", -1.0, "unit_cost must be a number >= 0"),
        ("scale_elasticity", 1.0, "scale_elasticity must be < 1"),
        ("capacity", 0.0, "capacity must be > 0"),
        ("fixed_cost", float("nan"), "fixed_cost must be a number >= 0"),
    ],
)
def test_param_rows_refuse_the_first_bad_row_like_cost_params(column, value, message):
    table = _random_table(np.random.default_rng(2), 10)
    table.loc[6, column] = value
    table.loc[8, "horizon_years"] = 0.0  # a later bad row is not the one named
    with pytest.raises(ValueError, match=message) as info:
        costs.CostParamRows.from_table(table)
    with pytest.raises(ValueError) as scalar:
        costs.CostParams(**table.iloc[6].to_dict())
    assert str(info.value) == str(scalar.value)


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_row_wise_model_equals_the_scalar_model_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    table = _random_table(rng, 60)
    rows = costs.CostParamRows.from_table(table)
    population = rng.uniform(200, 80_000, int(rng.integers(1, 30))).round()
    order = rng.permutation(len(population))
    volumes = costs.case_volumes(population, rows)
    assert volumes.shape == (60, len(population))
    production = costs.production_cost(volumes, rows)
    gains = costs.growth_net_gains(volumes, order, rows)
    pooled = costs.coalition_cost(volumes.sum(axis=1, keepdims=True), len(population), rows)
    game_volumes = volumes[0, : min(6, len(population))]
    game = costs.cost_game(game_volumes, rows)
    for r in range(len(table)):
        params = rows.row(r)
        q = costs.case_volumes(population, params)
        assert np.array_equal(_bits(volumes[r]), _bits(q))
        assert np.array_equal(_bits(production[r]), _bits(costs.standalone_costs(q, params)))
        assert np.array_equal(_bits(gains[r]), _bits(costs.growth_net_gains(q, order, params)))
        assert np.array_equal(
            _bits(pooled[r]), _bits(costs.coalition_cost(np.array([q.sum()]), len(q), params))
        )
        assert np.array_equal(_bits(game[r]), _bits(costs.cost_game(game_volumes, params)))


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.one_of(st.just(0.0), st.floats(1e-3, 1e6)), min_size=1, max_size=40),
    st.integers(1, 30),
    st.integers(0, 2**32 - 1),
)
def test_cost_of_each_coalition_equals_the_scalar_call(totals, k, seed):
    """``coalition_cost_each`` takes the power on scalars, as ``coalition_cost`` on a scalar."""
    rows = costs.CostParamRows.from_table(_random_table(np.random.default_rng(seed), len(totals)))
    each = costs.coalition_cost_each(np.array(totals)[:, None], k, rows)
    expected = [float(costs.coalition_cost(t, k, rows.row(r))) for r, t in enumerate(totals)]
    assert np.array_equal(_bits(each[:, 0]), _bits(np.array(expected)))
