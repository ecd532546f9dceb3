"""Cost-allocation rules against published values and games solved by hand (ikzlib.games).

Literature games are often profit (value) games ``v``. They become cost games here either as
``c = -v`` (a payment is a negative cost share, so every rule's answer is ``-`` the profit
answer) or as ``c(S) = a(S) - v(S)`` with an additive ``a`` (e.g. the claims of a bankruptcy
problem); rules that move with additive games then give ``a_i - (profit answer)_i``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from ikzlib import costs, games
from ikzlib.i18n import tr


def game_from(values: dict[tuple[int, ...], float], n: int) -> np.ndarray:
    """Full game array from ``{coalition (0-based players): cost}``; missing coalitions: 0."""
    game = np.zeros(1 << n)
    for members, value in values.items():
        game[sum(1 << i for i in members)] = value
    return game


def profit_game_3(v12: float, v13: float, v23: float, v123: float) -> np.ndarray:
    """Three-player profit game with zero singletons (lexicographic order of the sources)."""
    return game_from({(0, 1): v12, (0, 2): v13, (1, 2): v23, (0, 1, 2): v123}, 3)


# ---------------------------------------------------------------------------------------------
# nucleolus: bankruptcy (Talmud) and airport games


@pytest.mark.parametrize(
    ("estate", "awards"),
    [(100, [100 / 3, 100 / 3, 100 / 3]), (200, [50, 75, 75]), (300, [50, 100, 150])],
)
def test_nucleolus_of_the_talmud_loss_game(estate, awards):
    """Aumann & Maschler (1985), J. Econ. Theory 36: the Talmud's divisions of estates 100,
    200, 300 among claims 100, 200, 300 are the nucleolus of v(S) = max(0, E - d(N - S)).

    As a cost game: the loss c(S) = d(S) - v(S) = min(d(S), d(N) - E) a group of creditors
    cannot avoid; the nucleolus moves with the additive d, so losses = claims - awards. The
    game is convex, so nucleolus and prenucleolus agree.
    """
    claims = np.array([100.0, 200.0, 300.0])
    loss = np.zeros(8)
    for mask in range(1, 8):
        inside = claims[[i for i in range(3) if (mask >> i) & 1]].sum()
        loss[mask] = min(inside, claims.sum() - estate)
    expected = claims - np.array(awards)
    assert games.nucleolus(loss) == pytest.approx(expected, abs=1e-6)
    assert games.prenucleolus(loss) == pytest.approx(expected, abs=1e-6)


def littlechild_nucleolus(costs_sorted: np.ndarray) -> np.ndarray:
    """Littlechild (1974), IJGT 3: nucleolus of the airport game with c_1 <= ... <= c_n.

    The next group of players pays equal shares ``min_i (c_i - paid) / (i - start + 2)`` over
    ``i = start .. n - 2`` (0-based; the ``+ 2`` counts the group and the largest player, whose
    complement's excess balances the group's), the group ending at the largest minimiser;
    the largest player pays the rest.
    """
    n = len(costs_sorted)
    shares, paid, start = [], 0.0, 0
    while start < n - 1:
        candidates = [(costs_sorted[i] - paid) / (i - start + 2) for i in range(start, n - 1)]
        share = min(candidates)
        last = start + max(k for k, value in enumerate(candidates) if value <= share + 1e-12)
        shares += [share] * (last - start + 1)
        paid += share * (last - start + 1)
        start = last + 1
    return np.array([*shares, costs_sorted[-1] - paid])


def test_airport_game_closed_forms_by_hand():
    """Runway costs 6, 8, 12, 20 (cost c(S) = max_{i in S} c_i).

    Shapley (Littlechild & Owen 1973): each segment is shared by its users:
    6/4 = 1.5; 1.5 + 2/3 = 13/6; 13/6 + 4/2 = 25/6; 25/6 + 8/1 = 73/6.
    Nucleolus (Littlechild 1974): min(6/2, 8/3, 12/4) = 8/3 for players 1-2; then
    (12 - 16/3) / 2 = 10/3 for player 3; player 4 pays 20 - 26/3 = 34/3.
    """
    runway = np.array([6.0, 8.0, 12.0, 20.0])
    game = games.airport_game(runway)
    shapley = [1.5, 13 / 6, 25 / 6, 73 / 6]
    assert games.airport_shapley(runway) == pytest.approx(shapley)
    assert games.shapley_exact(game) == pytest.approx(shapley)
    nucleolus = [8 / 3, 8 / 3, 10 / 3, 34 / 3]
    assert littlechild_nucleolus(runway) == pytest.approx(nucleolus)
    assert games.nucleolus(game) == pytest.approx(nucleolus, abs=1e-7)


@pytest.mark.parametrize("seed", range(5))
def test_airport_game_closed_forms_on_random_runways(seed):
    rng = np.random.default_rng(seed)
    runway = rng.uniform(1.0, 100.0, size=7)
    game = games.airport_game(runway)
    assert games.airport_shapley(runway) == pytest.approx(games.shapley_exact(game))
    order = np.argsort(runway)
    expected = np.empty(7)
    expected[order] = littlechild_nucleolus(runway[order])
    assert games.nucleolus(game) == pytest.approx(expected, abs=1e-6)


# ---------------------------------------------------------------------------------------------
# nucleolus versus prenucleolus when the core is empty

# Solved by hand. c({1}) = 1, c({2}) = c({3}) = 10, c({1,2}) = c({1,3}) = 10, c({2,3}) = 4,
# c(N) = 12. The core is empty: {1} and {2,3} together cost 5 < 12.
# Prenucleolus: the excesses of {1} (x1 - 1) and of {2,3} (12 - x1 - 4) are balanced at
# x1 = 4.5 (least-core epsilon 3.5), and the symmetric partners 2 and 3 split the remaining
# 7.5: (4.5, 3.75, 3.75) -- partner 1 pays 4.5 > its stand-alone cost 1.
# Nucleolus: x1 <= 1, so the largest excess 8 - x1 of {2,3} is least at x1 = 1 (excess 7);
# then 2 and 3 split 11: (1, 5.5, 5.5).
EMPTY_CORE = game_from(
    {(0,): 1, (1,): 10, (2,): 10, (0, 1): 10, (0, 2): 10, (1, 2): 4, (0, 1, 2): 12}, 3
)


def test_prenucleolus_charges_more_than_alone_the_nucleolus_does_not():
    prenucleolus = games.prenucleolus(EMPTY_CORE)
    nucleolus = games.nucleolus(EMPTY_CORE)
    assert prenucleolus == pytest.approx([4.5, 3.75, 3.75], abs=1e-7)
    assert nucleolus == pytest.approx([1.0, 5.5, 5.5], abs=1e-7)
    assert prenucleolus[0] > games.standalone(EMPTY_CORE)[0]
    assert (nucleolus <= games.standalone(EMPTY_CORE) + 1e-9).all()
    assert games.least_core(EMPTY_CORE).epsilon == pytest.approx(3.5)
    assert games.max_excess(EMPTY_CORE, nucleolus) == pytest.approx(7.0)


def test_allocation_table_labels_nucleolus_and_prenucleolus():
    table = games.allocation_table(EMPTY_CORE, list("ABC"), [1, 1, 1], [1, 1, 1])
    assert table["nucleolus"].to_numpy() == pytest.approx([1.0, 5.5, 5.5], abs=1e-7)
    assert table["prenucleolus"].to_numpy() == pytest.approx([4.5, 3.75, 3.75], abs=1e-7)
    assert table["least_core"].to_numpy() == pytest.approx(table["prenucleolus"].to_numpy())
    summary = games.rule_summary(EMPTY_CORE, table, games.EXACT_RULES).set_index("rule")
    assert summary.loc["prenucleolus", "partners_losing"] == 1
    assert summary.loc["nucleolus", "partners_losing"] == 0
    assert set(games.RULE_LABELS) == set(games.EXACT_RULES)
    assert "stand-alone" in games.RULE_LABELS["prenucleolus"]
    for label in games.RULE_LABELS.values():
        assert tr(label, "de") != label


def test_empty_imputation_set_raises_and_the_table_shows_why():
    # stand-alone costs add up to 3 < c(N) = 4: any division charges someone more than alone
    game = game_from({(0,): 1, (1,): 1, (2,): 1, (0, 1): 2, (0, 2): 2, (1, 2): 2, (0, 1, 2): 4}, 3)
    with pytest.raises(games.EmptyImputationSetError, match="stand-alone costs add up to 3"):
        games.nucleolus(game)
    assert issubclass(games.EmptyImputationSetError, ValueError)
    table = games.allocation_table(game, list("ABC"), [1, 1, 1], [1, 1, 1])
    assert table["nucleolus"].isna().all()
    assert table["prenucleolus"].to_numpy() == pytest.approx([4 / 3] * 3)
    reason = table.attrs["undefined"]["nucleolus"]
    assert "no imputation" in reason
    assert "Imputation" in tr(reason, "de")
    summary = games.rule_summary(game, table, games.EXACT_RULES).set_index("rule")
    assert not summary.loc["nucleolus", "in_core"]
    assert summary.loc["nucleolus", "note"] == reason
    assert summary.loc["shapley", "note"] == ""


@pytest.mark.parametrize("seed", range(4))
def test_nucleolus_is_lexicographically_least_among_imputations(seed):
    """Schmeidler (1969): no imputation has a lexicographically smaller sorted excess vector."""
    rng = np.random.default_rng(seed)
    n = 4
    game = rng.uniform(1.0, 10.0, size=1 << n)
    game[0] = 0.0
    alone = games.standalone(game)
    game[-1] = alone.sum() - 3.0  # imputations exist, the core is usually empty
    nucleolus = games.nucleolus(game)
    assert nucleolus.sum() == pytest.approx(game[-1])
    assert (nucleolus <= alone + 1e-9).all()

    def sorted_excesses(x):
        return np.sort(costs.subset_sums(x)[1:-1] - game[1:-1])[::-1]

    best = sorted_excesses(nucleolus)
    for rebate in 3.0 * rng.dirichlet(np.ones(n), size=500):
        other = sorted_excesses(alone - rebate)
        differ = np.flatnonzero(np.abs(other - best) > 1e-7)
        assert len(differ) == 0 or best[differ[0]] < other[differ[0]]


# ---------------------------------------------------------------------------------------------
# least core: canonical point, weak and proportional variants

# Solved by hand. c({1}) = c({2}) = 6, c({3}) = 2, c({1,2}) = 6, c({1,3}) = c({2,3}) = 9,
# c(N) = 12; partners 1 and 2 are symmetric.
# Least core: {3} and {1,2} give x3 <= 2 + eps, x1 + x2 <= 6 + eps, sum 12: eps = 2, so
# x3 = 4, x1 + x2 = 8, and x1 in [1, 7] ({1,3}: x1 + 4 <= 11): a segment. Canonical: (4, 4, 4).
# Weak (eps |S|): 12 <= 2 + eps + 6 + 2 eps: eps = 4/3, x3 = 10/3, x1 = x2 = 13/3.
# Proportional (eps c(S)): 12 <= (1 + eps) (2 + 6): eps = 1/2, x3 = 3, x1 = x2 = 4.5.
SEGMENT = game_from({(0,): 6, (1,): 6, (2,): 2, (0, 1): 6, (0, 2): 9, (1, 2): 9, (0, 1, 2): 12}, 3)


def test_least_core_point_is_canonical_on_a_segment():
    result = games.least_core(SEGMENT)
    assert result.epsilon == pytest.approx(2.0)
    assert result.allocation == pytest.approx([4.0, 4.0, 4.0], abs=1e-7)
    for end in ([1.0, 7.0, 4.0], [7.0, 1.0, 4.0]):  # the segment's ends are least-core points
        assert games.max_excess(SEGMENT, end) == pytest.approx(2.0)
    relabel = [2, 0, 1]  # new player k is old player relabel[k]
    permuted = np.zeros(8)
    for mask in range(8):
        old = sum(1 << relabel[k] for k in range(3) if (mask >> k) & 1)
        permuted[mask] = SEGMENT[old]
    assert games.least_core(permuted).allocation == pytest.approx(result.allocation[relabel])


def test_weak_and_proportional_least_core_by_hand():
    weak = games.weak_least_core(SEGMENT)
    assert weak.epsilon == pytest.approx(4 / 3)
    assert weak.allocation == pytest.approx([13 / 3, 13 / 3, 10 / 3], abs=1e-7)
    assert weak.excess_scaling == "size"
    proportional = games.proportional_least_core(SEGMENT)
    assert proportional.epsilon == pytest.approx(0.5)
    assert proportional.allocation == pytest.approx([4.5, 4.5, 3.0], abs=1e-7)
    assert not proportional.core_nonempty
    with pytest.raises(games.RuleUndefinedError, match="cost 0 or less"):
        games.proportional_least_core(np.array([0.0, 1.0, 0.0, 1.0]))


def test_least_core_variants_agree_on_the_core_when_it_is_not_empty():
    params = costs.CostParams(
        fixed_cost=500.0, unit_cost=4.0, reference_volume=50.0, scale_elasticity=0.4
    )
    game = costs.cost_game(np.array([10.0, 80.0, 25.0, 40.0, 5.0]), params)
    for variant in (games.least_core, games.weak_least_core, games.proportional_least_core):
        result = variant(game)
        assert result.core_nonempty
        assert games.in_core(game, result.allocation)


# ---------------------------------------------------------------------------------------------
# core vertices


def test_core_vertices_of_a_three_player_hexagon():
    """Profit game v(12) = 40, v(13) = 50, v(23) = 20, v(N) = 100, v(i) = 0 (also in the R
    package CoopGame's tests). By hand: x_i >= 0, x3 <= 60, x2 <= 50, x1 <= 80; the hexagon's
    vertices pair one bound with one zero. As a cost game c = -v."""
    profit = [[80, 20, 0], [80, 0, 20], [50, 50, 0], [40, 0, 60], [0, 50, 50], [0, 40, 60]]
    vertices = games.core_vertices(-profit_game_3(40, 50, 20, 100))
    assert sorted(map(tuple, np.round(-vertices, 9))) == sorted(map(tuple, profit))


def test_core_vertices_of_a_convex_game_are_its_marginal_vectors():
    """Shapley (1971), Cores of convex games: the core of a convex (here: submodular cost)
    game is the convex hull of the n! marginal vectors."""
    params = costs.CostParams(
        fixed_cost=300.0, unit_cost=2.0, reference_volume=40.0, scale_elasticity=0.5
    )
    game = costs.cost_game(np.array([12.0, 30.0, 7.0, 55.0]), params)
    marginal = set()
    for order in itertools.permutations(range(4)):
        x, mask = np.zeros(4), 0
        for player in order:
            x[player] = game[mask | 1 << player] - game[mask]
            mask |= 1 << player
        marginal.add(tuple(np.round(x, 6)))
    vertices = games.core_vertices(game)
    assert len(marginal) == 24
    assert set(map(tuple, np.round(vertices, 6))) == marginal


def brute_force_vertices(game: np.ndarray) -> set[tuple[float, ...]]:
    """Every feasible solution of x(N) = c(N) with n - 1 independent tight coalitions."""
    n = games.n_players(game)
    masks = np.arange(1, (1 << n) - 1)
    bits = ((masks[:, None] >> np.arange(n)) & 1).astype(float)
    found = set()
    for rows in itertools.combinations(range(len(masks)), n - 1):
        system = np.vstack([np.ones(n), bits[list(rows)]])
        if abs(np.linalg.det(system)) < 0.5:
            continue
        x = np.linalg.solve(system, np.r_[game[-1], game[masks[list(rows)]]])
        if (bits @ x <= game[masks] + 1e-9).all():
            found.add(tuple(np.round(x, 6)))
    return found


@pytest.mark.parametrize("seed", range(4))
def test_core_vertices_match_a_brute_force_enumeration(seed):
    rng = np.random.default_rng(seed)
    game = games.airport_game(rng.uniform(1.0, 10.0, size=4)) + costs.subset_sums(
        rng.uniform(0.0, 3.0, size=4)
    )
    game[np.arange(16)[rng.random(16) < 0.3]] += 2.0  # less structure, core still non-empty
    game[0] = 0.0
    if not games.least_core(game).core_nonempty:
        pytest.skip("this draw has an empty core")
    assert set(map(tuple, np.round(games.core_vertices(game), 6))) == brute_force_vertices(game)


def test_core_vertices_of_empty_point_and_segment_cores():
    assert games.core_vertices(EMPTY_CORE).shape == (0, 3)
    assert games.core_vertices(np.array([0.0, 1, 1, 2, 1, 2, 2, 3])) == pytest.approx(
        np.ones((1, 3))
    )
    assert games.core_vertices(np.array([0.0, 5.0, 5.0, 8.0])) == pytest.approx(
        np.array([[3.0, 5.0], [5.0, 3.0]])
    )
    # x1 = 2 is forced ({1} and {2,3} add up to c(N)); x2 in [2, 4]
    game = game_from({(0,): 2, (1,): 4, (2,): 4, (0, 1): 6, (0, 2): 6, (1, 2): 6, (0, 1, 2): 8}, 3)
    assert games.core_vertices(game) == pytest.approx(np.array([[2.0, 2, 4], [2, 4, 2]]))
    with pytest.raises(ValueError, match="at most"):
        games.core_vertices(np.zeros(1 << (games.MAX_VERTEX_PLAYERS + 1)))


# ---------------------------------------------------------------------------------------------
# Banzhaf and tau-value


def test_banzhaf_of_the_weighted_majority_game_by_hand():
    """Weighted majority game [3; 2, 1, 1] (Banzhaf 1965's measure; the same game as the R
    package CoopGame's test with weights 50, 49, 1 and quota 51). Winning: {1,2}, {1,3}, N.
    Player 1 swings in 3 of the 4 coalitions of the others, players 2 and 3 in 1 each: raw
    (3/4, 1/4, 1/4), normalised (3/5, 1/5, 1/5); Shapley-Shubik (2/3, 1/6, 1/6). As a cost
    game c = -v every value changes sign."""
    cost = -profit_game_3(1, 1, 0, 1)
    assert games.banzhaf_raw(cost) == pytest.approx([-3 / 4, -1 / 4, -1 / 4])
    assert games.banzhaf(cost) == pytest.approx([-3 / 5, -1 / 5, -1 / 5])
    assert games.shapley_exact(cost) == pytest.approx([-2 / 3, -1 / 6, -1 / 6])


def test_banzhaf_of_an_airport_game_by_hand():
    """Runways 6, 8, 12, 20. Raw Banzhaf = mean over the 8 coalitions of the others of
    (c_i - max c_S)_+: player 1 only alone: 6/8; player 2: (8 + 2)/8; player 3:
    (12 + 6 + 4 + 4)/8; player 4: (20 + 14 + 12 + 8 + 12 + 8 + 8 + 8)/8. Sum 16.5; the
    normalised value scales by 20 / 16.5."""
    game = games.airport_game([6.0, 8.0, 12.0, 20.0])
    raw = np.array([0.75, 1.25, 3.25, 11.25])
    assert games.banzhaf_raw(game) == pytest.approx(raw)
    assert games.banzhaf(game) == pytest.approx(raw * 20 / 16.5)
    with pytest.raises(games.RuleUndefinedError, match="add up to 0"):
        games.banzhaf(np.array([0.0, 1.0, -1.0, 0.0]))


def test_tau_value_of_textbook_games_by_hand():
    """Tijs (1981) tau-value, profit form tau = m + alpha (M - m).

    Game v(12) = 2, v(13) = 2, v(23) = 3, v(N) = 5 (the example of the R package CoopGame's
    tauValue, definition after Branzei, Dimitrov & Tijs): utopia M = (5-3, 5-2, 5-2) =
    (2, 3, 3); minimal rights m = 0 (e.g. m_1 = max(0, 2-3, 2-3, 5-6)); alpha = 5/8, so
    tau = (1.25, 1.875, 1.875).

    Game v(12) = 9, v(13) = 4, v(23) = 7, v(N) = 11 (a TUGlab example): M = (4, 7, 2);
    m_1 = max(0, 9-7, 4-2, 11-9) = 2, m_2 = max(0, 9-4, 7-2, 11-6) = 5,
    m_3 = max(0, 4-4, 7-7, 11-11) = 0; alpha = (11-7)/(13-7) = 2/3, so
    tau = (2 + 4/3, 5 + 4/3, 4/3) = (10/3, 19/3, 4/3).

    Cost forms: c = -v gives -tau; the savings game of stand-alone costs a, c(S) = a(S) -
    v(S), gives a - tau.
    """
    first = profit_game_3(2, 2, 3, 5)
    assert games.tau_value(-first) == pytest.approx([-1.25, -1.875, -1.875])
    second = profit_game_3(9, 4, 7, 11)
    tau = np.array([10 / 3, 19 / 3, 4 / 3])
    assert games.tau_value(-second) == pytest.approx(-tau)
    assert games.separable_costs(-second) == pytest.approx([-4, -7, -2])
    assert games.minimal_rights(-second) == pytest.approx([-2, -5, 0])
    alone = np.array([8.0, 9.0, 5.0])
    savings = costs.subset_sums(alone) - second
    assert games.tau_value(savings) == pytest.approx(alone - tau)


def test_tau_value_is_undefined_without_quasi_balance():
    # EMPTY_CORE: utopia cost of partner 1 is 12 - 4 = 8, its minimal right c({1}) = 1
    with pytest.raises(games.RuleUndefinedError, match="not quasi-balanced"):
        games.tau_value(EMPTY_CORE)
    table = games.allocation_table(EMPTY_CORE, list("ABC"), [1, 1, 1], [1, 1, 1])
    assert table["tau"].isna().all()
    assert "utopia cost exceeds the minimal right" in table.attrs["undefined"]["tau"]
