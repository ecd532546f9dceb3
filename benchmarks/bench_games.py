"""Timing of the Shapley value: exact (vectorised, 20 players) and sampled (234 players).

Prints the timings, the largest standard error of the sampled value relative to the total
cost, and the speed-up of the vectorised exact Shapley over a per-permutation loop.
234 is the number of municipalities of the largest German district by that count.
"""

from __future__ import annotations

import itertools
import math
import time

import numpy as np

from ikzlib import costs, games, uncertainty

# The illustrative cost model of the project's audit-office scenario (data/raw/scenarios.csv).
PARAMS = uncertainty.load_scenarios()["audit_office"].cost


def populations(n: int, seed: int) -> np.ndarray:
    """Log-normal municipality sizes (median about 2,000 inhabitants)."""
    return np.round(np.random.default_rng(seed).lognormal(np.log(2_000), 1.1, size=n))


def naive_shapley(game: np.ndarray) -> np.ndarray:
    """Shapley value by looping over every permutation (the textbook definition)."""
    n = games.n_players(game)
    phi = np.zeros(n)
    for order in itertools.permutations(range(n)):
        mask = 0
        for player in order:
            phi[player] += game[mask | 1 << player] - game[mask]
            mask |= 1 << player
    return phi / math.factorial(n)


def timed(function, *args, repeat: int = 1):
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args)
        best = min(best, time.perf_counter() - start)
    return result, best


def main() -> None:
    volumes20 = costs.case_volumes(populations(20, 1), PARAMS)
    game20, t_game = timed(costs.cost_game, volumes20, PARAMS)
    phi20, t_exact = timed(games.shapley_exact, game20, repeat=3)
    print(
        f"exact Shapley, 20 players ({len(game20):,} coalitions): "
        f"game {t_game:.2f} s, Shapley {t_exact:.2f} s, total {t_game + t_exact:.2f} s"
    )
    print(f"  efficiency error |sum - c(N)|: {abs(phi20.sum() - game20[-1]):.2e}")

    volumes234 = costs.case_volumes(populations(234, 2), PARAMS)
    prefix = costs.prefix_cost_function(volumes234, PARAMS)
    total = float(costs.coalition_cost(volumes234.sum(), 234, PARAMS))
    for m in (500, 2_000, 20_000):
        estimate, t_sampled = timed(games.shapley_sampled, prefix, 234, m, 7)
        ratio = estimate.standard_errors.max() / total
        relative = np.max(estimate.standard_errors / np.abs(estimate.values))
        print(
            f"sampled Shapley, 234 players, {m:,} permutations: {t_sampled:.2f} s, "
            f"max SE / c(N) = {ratio:.2e} ({100 * ratio:.4f} %), "
            f"max SE / |phi_i| = {100 * relative:.2f} %"
        )

    game9 = costs.cost_game(costs.case_volumes(populations(9, 3), PARAMS), PARAMS)
    fast, t_fast = timed(games.shapley_exact, game9, repeat=5)
    slow, t_slow = timed(naive_shapley, game9)
    assert np.allclose(fast, slow)
    print(
        f"9 players: vectorised {t_fast * 1e3:.3f} ms, per-permutation loop "
        f"{t_slow:.2f} s (9! = {math.factorial(9):,} orders), speed-up {t_slow / t_fast:,.0f}x"
    )


if __name__ == "__main__":
    main()
