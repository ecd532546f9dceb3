"""Tests of the cost-allocation rules (ikzlib.games)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ikzlib import costs, games

# Young, Okada & Hashimoto (1982), Swedish municipal water supply (million SEK):
# stand-alone costs, separable costs and the SCRB allocation of 83.82 (A, H, K, L, M, T).
YOUNG_STANDALONE = np.array([21.95, 17.08, 10.91, 15.88, 20.81, 21.98])
YOUNG_SEPARABLE = np.array([17.36, 9.85, 0.82, 6.40, 12.90, 14.06])
YOUNG_TOTAL = 83.82
YOUNG_SCRB = np.array([19.54, 13.28, 5.62, 10.90, 16.66, 17.82])


def random_game(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    game = rng.uniform(1.0, 10.0, size=1 << n)
    game[0] = 0.0
    return game


def naive_shapley(game: np.ndarray) -> np.ndarray:
    n = games.n_players(game)
    phi = np.zeros(n)
    orders = list(itertools.permutations(range(n)))
    for order in orders:
        mask = 0
        for player in order:
            phi[player] += game[mask | 1 << player] - game[mask]
            mask |= 1 << player
    return phi / len(orders)


def test_scrb_reproduces_young_okada_hashimoto():
    allocation = games.scrb(YOUNG_TOTAL, YOUNG_STANDALONE, YOUNG_SEPARABLE)
    assert allocation == pytest.approx(YOUNG_SCRB, abs=0.01)
    assert allocation.sum() == pytest.approx(YOUNG_TOTAL)


def test_scrb_from_a_game_uses_c_of_n_minus_i():
    """Only c(N), c({i}) and c(N - i) = c(N) - sc_i enter; other coalitions are irrelevant."""
    n = 6
    game = np.full(1 << n, np.nan)
    game[0] = 0.0
    full = (1 << n) - 1
    game[full] = YOUNG_TOTAL
    game[1 << np.arange(n)] = YOUNG_STANDALONE
    game[full ^ (1 << np.arange(n))] = YOUNG_TOTAL - YOUNG_SEPARABLE
    assert games.separable_costs(game) == pytest.approx(YOUNG_SEPARABLE)
    assert games.scrb_game(game) == pytest.approx(YOUNG_SCRB, abs=0.01)


def test_scrb_gives_no_remaining_share_when_separable_cost_exceeds_standalone():
    allocation = games.scrb(10.0, np.array([3.0, 4.0, 6.0]), np.array([5.0, 1.0, 2.0]))
    # non-separable 2.0 split by remaining benefits (0, 3, 4)
    assert allocation == pytest.approx([5.0, 1.0 + 2.0 * 3 / 7, 2.0 + 2.0 * 4 / 7])
    assert games.scrb(6.0, np.array([1.0, 1.0]), np.array([2.0, 2.0])) == pytest.approx([3, 3])


@pytest.mark.parametrize(
    ("estate", "expected"),
    [(100, [100 / 3, 100 / 3, 100 / 3]), (200, [50, 75, 75]), (300, [50, 100, 150])],
)
def test_nucleolus_reproduces_the_talmud_bankruptcy_division(estate, expected):
    """Aumann & Maschler (1985): the Talmud's estate divisions are the nucleolus of the
    bankruptcy game v(S) = max(0, E - claims outside S), claims 100, 200, 300."""
    claims = np.array([100.0, 200.0, 300.0])
    value = np.zeros(8)
    for mask in range(1, 8):
        outside = sum(claims[i] for i in range(3) if not (mask >> i) & 1)
        value[mask] = max(0.0, estate - outside)
    # as a cost game c = -v (payments negative): needs LP variables below zero
    assert -games.nucleolus(-value) == pytest.approx(expected, abs=1e-6)


def test_exact_shapley_matches_the_permutation_definition():
    for n, seed in [(1, 0), (3, 1), (5, 2)]:
        game = random_game(n, seed)
        assert games.shapley_exact(game) == pytest.approx(naive_shapley(game))


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 6), st.integers(0, 10_000))
def test_shapley_efficiency_symmetry_and_dummy(n, seed):
    game = random_game(n, seed)
    # make players 0 and 1 symmetric: c(S + 0) = c(S + 1) for S without both
    for mask in range(1 << n):
        if (mask & 1) and not (mask & 2):
            game[mask ^ 1 ^ 2] = game[mask]
    # add a dummy player n with stand-alone cost 2.5 and no interaction
    extended = np.concatenate([game, game + 2.5])
    extended[1 << n] = 2.5
    phi = games.shapley_exact(extended)
    assert phi.sum() == pytest.approx(extended[-1])
    assert phi[0] == pytest.approx(phi[1])
    assert phi[n] == pytest.approx(2.5)
    centre = games.prenucleolus(extended)
    assert centre.sum() == pytest.approx(extended[-1])
    assert centre[0] == pytest.approx(centre[1], abs=1e-6)


def test_sampled_shapley_agrees_with_exact_within_its_error():
    game = random_game(7, 3)
    exact = games.shapley_exact(game)
    estimate = games.shapley_sampled(games.game_prefix_costs(game), 7, 3_000, seed=11)
    z = np.abs(estimate.values - exact) / estimate.standard_errors
    assert (z < 4).all()
    assert estimate.values.sum() == pytest.approx(game[-1])
    again = games.shapley_sampled(games.game_prefix_costs(game), 7, 3_000, seed=11)
    assert np.array_equal(again.values, estimate.values)


def test_sampled_shapley_on_the_cost_model_prefix_function():
    params = costs.CostParams(
        fixed_cost=100.0,
        unit_cost=3.0,
        reference_volume=20.0,
        scale_elasticity=0.3,
        transaction_per_partner=5.0,
        transaction_per_pair=2.0,
        exante_fixed=50.0,
    )
    volumes = np.array([5.0, 60.0, 12.0, 33.0, 8.0, 90.0])
    exact = games.shapley_exact(costs.cost_game(volumes, params))
    estimate = games.shapley_sampled(costs.prefix_cost_function(volumes, params), 6, 4_000, 5)
    assert (np.abs(estimate.values - exact) < 4 * estimate.standard_errors + 1e-9).all()


def test_shapley_of_a_concave_cost_game_is_in_the_core():
    """c(S) = P(Q_S) with concave P is submodular, so the Shapley value lies in the core."""
    params = costs.CostParams(
        fixed_cost=500.0, unit_cost=4.0, reference_volume=50.0, scale_elasticity=0.4
    )
    game = costs.cost_game(np.array([10.0, 80.0, 25.0, 40.0, 5.0]), params)
    phi = games.shapley_exact(game)
    assert games.in_core(game, phi)
    result = games.least_core(game)
    assert result.core_nonempty
    assert games.in_core(game, games.nucleolus(game))


def test_least_core_of_a_game_with_empty_core():
    # three players, every pair can do the job for 1, all three cost 3: no stable division
    game = np.array([0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 3.0])
    result = games.least_core(game)
    assert result.epsilon == pytest.approx(1.0)
    assert not result.core_nonempty
    assert result.allocation == pytest.approx([1.0, 1.0, 1.0])
    assert games.max_excess(game, result.allocation) == pytest.approx(result.epsilon)
    assert not games.in_core(game, result.allocation)
    assert games.nucleolus(game) == pytest.approx([1.0, 1.0, 1.0])


def test_nucleolus_lies_in_the_least_core():
    game = random_game(5, 8)
    result = games.least_core(game)
    nucleolus = games.nucleolus(game)
    assert games.max_excess(game, nucleolus) == pytest.approx(result.epsilon, abs=1e-7)
    assert nucleolus.sum() == pytest.approx(game[-1])


def test_two_player_rules_split_the_gain_equally():
    game = np.array([0.0, 10.0, 6.0, 12.0])  # gain of 4 over stand-alone
    for allocation in (games.shapley_exact(game), games.nucleolus(game), games.scrb_game(game)):
        assert allocation == pytest.approx([8.0, 4.0])


def test_simple_rules_and_table():
    assert games.proportional(10.0, [1, 3]).tolist() == [2.5, 7.5]
    assert games.equal_split(9.0, 3).tolist() == [3.0, 3.0, 3.0]
    with pytest.raises(ValueError, match="weights"):
        games.proportional(1.0, [0, 0])
    game = random_game(4, 4)
    table = games.allocation_table(game, list("ABCD"), [1, 2, 3, 4], [4, 3, 2, 1])
    defined = [rule for rule in games.EXACT_RULES if rule not in table.attrs["undefined"]]
    assert {"population", "shapley", "banzhaf", "least_core", "prenucleolus"} <= set(defined)
    for rule in defined:
        assert table[rule].sum() == pytest.approx(game[-1])
    summary = games.rule_summary(game, table, defined)
    assert summary["total"].to_numpy() == pytest.approx(np.full(len(defined), game[-1]))
    assert summary["in_core"].dtype == bool
    without_lp = games.allocation_table(game, list("ABCD"), [1, 2, 3, 4], [4, 3, 2, 1], False)
    assert not set(games.LP_RULES) & set(without_lp.columns)


def test_two_player_tau_and_banzhaf_split_the_gain_equally():
    game = np.array([0.0, 10.0, 6.0, 12.0])
    assert games.tau_value(game) == pytest.approx([8.0, 4.0])
    assert games.banzhaf(game) == pytest.approx([8.0, 4.0])


def recording(prefix_costs, seen: list):
    def wrapped(orders):
        seen.append(orders.copy())
        return prefix_costs(orders)

    return wrapped


def test_sampled_shapley_puts_every_player_at_every_position_once_per_block():
    game = random_game(5, 1)
    seen: list[np.ndarray] = []
    estimate = games.shapley_sampled(recording(games.game_prefix_costs(game), seen), 5, 12, 3, 4)
    orders = np.vstack(seen)
    assert estimate.n_blocks == 3 and estimate.n_permutations == 15 == len(orders)
    for block in orders.reshape(3, 5, 5):
        assert (np.sort(block, axis=0) == np.arange(5)[:, None]).all()  # each position
        assert (np.sort(block, axis=1) == np.arange(5)).all()  # each row an order
    assert estimate.values.sum() == pytest.approx(game[-1])


def test_sampled_shapley_is_never_zero_and_exact_where_its_error_is_zero():
    """Issue 13: sampling random orders reported 0 +- 0 for most users of a large airport
    game (they were never sampled first). Every block puts each player first once, so every
    estimate is positive; the smallest user's value c_min / n is then exact (SE 0), and a
    dummy partner's too."""
    rng = np.random.default_rng(4)
    runway = rng.lognormal(0.0, 1.0, size=400)
    estimate = games.shapley_sampled(games.airport_prefix_costs(runway), 400, 100, seed=2)
    assert estimate.n_blocks == 2
    assert (estimate.values > 0).all()
    smallest = np.argmin(runway)
    assert estimate.values[smallest] == pytest.approx(runway[smallest] / 400)
    assert estimate.standard_errors[smallest] == 0
    low, high = estimate.confidence_interval(0.95)
    assert (high - low)[0] == pytest.approx(2 * 12.7062 * estimate.standard_errors[0], rel=1e-4)

    game = random_game(4, 6)
    dummy = np.concatenate([game, game + 2.5])
    dummy[1 << 4] = 2.5
    estimate = games.shapley_sampled(games.game_prefix_costs(dummy), 5, 10, seed=1)
    assert estimate.values[4] == pytest.approx(2.5)
    assert estimate.standard_errors[4] == pytest.approx(0, abs=1e-12)
    assert (estimate.standard_errors[:4] > 0).all()


def test_sampled_shapley_intervals_cover_on_the_cost_model():
    params = costs.CostParams(
        fixed_cost=100.0,
        unit_cost=3.0,
        reference_volume=20.0,
        scale_elasticity=0.3,
        transaction_per_partner=5.0,
        transaction_per_pair=2.0,
    )
    volumes = np.array([5.0, 60.0, 12.0, 33.0, 8.0, 90.0, 21.0])
    exact = games.shapley_exact(costs.cost_game(volumes, params))
    prefix = costs.prefix_cost_function(volumes, params)
    covered = []
    for seed in range(60):
        low, high = games.shapley_sampled(prefix, 7, 70, seed).confidence_interval(0.9)
        covered.append((low <= exact) & (exact <= high))
    assert 0.83 <= np.mean(covered) <= 0.97


def test_game_shape_is_checked():
    with pytest.raises(ValueError, match="2\\*\\*n"):
        games.n_players(np.zeros(6))
    with pytest.raises(ValueError, match="empty coalition"):
        games.n_players(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="at most"):
        games.least_core(np.zeros(1 << (games.MAX_LP_PLAYERS + 1)))
    assert math.isinf(games.max_excess(np.array([0.0, 2.0]), [2.0]))
