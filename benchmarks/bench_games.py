"""Shapley value: timing (exact, sampled) and honesty of the sampled value's uncertainty.

Prints
* timings of the exact (vectorised, 20 players) and sampled (234 players) Shapley value, with
  the sampled value's standard error per player (median of SE / |phi_i|) and relative to
  the total cost (max SE / c(N)); 234 is the number of municipalities of the largest German
  district by that count;
* the coverage of the reported 95 % intervals over repeated seeds on an airport game, whose
  Shapley value has a closed form (Littlechild & Owen 1973), and on a 12-player cost model
  (exact Shapley by enumeration), by number of blocks; with the share of players reported
  with SE = 0 and the largest relative error among them; for contrast the same figures for
  independent random orders with SE = sd / sqrt(m) (the estimator before stratification);
* timings of the least-core LP, the prenucleolus and the nucleolus at 12 and 14 players;
* the speed-up of the vectorised exact Shapley over a per-permutation loop.
"""

from __future__ import annotations

import itertools
import math
import time

import numpy as np

from ikzlib import costs, games, uncertainty

# The illustrative cost model of the project's audit-office scenario (data/raw/scenarios.csv).
PARAMS = uncertainty.load_scenarios()["audit_office"].cost
SEEDS = range(100)


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


def independent_orders(prefix_costs, n: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The unstratified estimator for contrast: m random orders, SE = sd / sqrt(m)."""
    rng = np.random.default_rng(seed)
    orders = rng.permuted(np.broadcast_to(np.arange(n), (m, n)), axis=1)
    per_player = np.empty((m, n))
    np.put_along_axis(per_player, orders, np.diff(prefix_costs(orders), axis=1), axis=1)
    return per_player.mean(axis=0), per_player.std(axis=0, ddof=1) / math.sqrt(m)


def timed(function, *args, repeat: int = 1):
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args)
        best = min(best, time.perf_counter() - start)
    return result, best


def coverage_line(label: str, exact: np.ndarray, estimates: list[tuple]) -> str:
    """Coverage, SE = 0 share and worst error among SE = 0, median relative SE."""
    values = np.array([e[0] for e in estimates])
    low = np.array([e[1] for e in estimates])
    high = np.array([e[2] for e in estimates])
    errors = np.array([e[3] for e in estimates])
    covered = np.mean((low <= exact) & (exact <= high))
    zero = errors == 0
    relative = np.abs(values - exact) / np.abs(exact)
    worst = f"{100 * relative[zero].max():.1f} %" if zero.any() else "-"
    return (
        f"  {label}: coverage {100 * covered:.1f} %, SE = 0 for {100 * zero.mean():.1f} % "
        f"(worst error among them {worst}), median SE / |phi| "
        f"{100 * np.median(errors / np.abs(exact)):.2f} %"
    )


def coverage_study(name: str, prefix_costs, n: int, exact: np.ndarray, blocks: tuple) -> None:
    print(f"95 % intervals over {len(SEEDS)} seeds, {name} ({n} players):")
    for n_blocks in blocks:
        stratified = []
        contrast = []
        for seed in SEEDS:
            estimate = games.shapley_sampled(prefix_costs, n, n_blocks * n, seed)
            stratified.append(
                (estimate.values, *estimate.confidence_interval(), estimate.standard_errors)
            )
            mean, error = independent_orders(prefix_costs, n, n_blocks * n, seed)
            contrast.append((mean, mean - 1.96 * error, mean + 1.96 * error, error))
        print(
            coverage_line(
                f"{n_blocks:>3} blocks ({n_blocks * n:,} orders), stratified", exact, stratified
            )
        )
        print(
            coverage_line(
                f"{n_blocks:>3} blocks ({n_blocks * n:,} orders), independent", exact, contrast
            )
        )


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
        relative = estimate.standard_errors / np.abs(estimate.values)
        print(
            f"sampled Shapley, 234 players, {m:,} permutations asked "
            f"({estimate.n_permutations:,} in {estimate.n_blocks} blocks): {t_sampled:.2f} s, "
            f"SE / |phi_i| median {np.median(relative):.1e}, max {relative.max():.1e}; "
            f"max SE / c(N) {estimate.standard_errors.max() / total:.1e}"
        )

    airport_costs = np.random.default_rng(0).lognormal(0.0, 1.0, size=200)
    coverage_study(
        "airport game, log-normal runway costs",
        games.airport_prefix_costs(airport_costs),
        200,
        games.airport_shapley(airport_costs),
        (2, 10, 40),
    )
    volumes12 = costs.case_volumes(populations(12, 4), PARAMS)
    coverage_study(
        "audit-office cost model",
        costs.prefix_cost_function(volumes12, PARAMS),
        12,
        games.shapley_exact(costs.cost_game(volumes12, PARAMS)),
        (2, 10),
    )

    for n in (12, 14):
        game = costs.cost_game(costs.case_volumes(populations(n, 5), PARAMS), PARAMS)
        least, t_least = timed(games.least_core, game)
        _, t_pre = timed(games.prenucleolus, game)
        _, t_nucleolus = timed(games.nucleolus, game)
        print(
            f"{n} players ({len(game) - 2:,} coalitions): least-core LP {t_least:.2f} s "
            f"(epsilon {least.epsilon:,.0f}), prenucleolus {t_pre:.2f} s, "
            f"nucleolus {t_nucleolus:.2f} s"
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
