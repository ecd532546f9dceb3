"""Cooperative cost games: how partners divide the cost (and so the gain) of a cooperation.

A cost game on ``n`` players is an array ``c`` of length ``2 ** n`` indexed by coalition
bitmask (bit ``i`` = player ``i``), with ``c[0] = 0`` and ``c[-1] = c(N)``. An allocation
``x`` divides ``c(N)``; player ``i`` saves ``c({i}) - x_i`` compared with going alone.

Division rules
--------------
* proportional: ``x_i = c(N) * w_i / sum w`` (population, case volume);
* equal split: ``x_i = c(N) / n``;
* Shapley value: ``phi_i = sum_{S not containing i} |S|! (n - |S| - 1)! / n! * (c(S + i) - c(S))``,
  exact over all coalitions (vectorised, n up to about 20) or estimated by sampling random
  orders (each order gives every player one marginal cost; the mean over orders is unbiased
  and its standard error is ``sd / sqrt(m)``);
* core: ``x(S) <= c(S)`` for every coalition, ``x(N) = c(N)`` -- no group can do better alone;
  the least core minimises the largest excess ``eps = max_S x(S) - c(S)`` (negative when the
  core has slack); the nucleolus minimises the excesses lexicographically (sequential LPs);
* SCRB (separable costs, remaining benefits; US water-resources practice): separable cost
  ``sc_i = c(N) - c(N - i)``, remaining benefit ``r_i = max(c({i}) - sc_i, 0)``, non-separable cost
  ``c(N) - sum sc``; ``x_i = sc_i + r_i / sum r * (c(N) - sum sc)``.

LP notes: ``scipy.optimize.linprog`` bounds variables to ``[0, inf)`` by default; allocations
and excesses may be negative, so every LP here sets ``bounds=(None, None)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from ikzlib.costs import popcounts, subset_sums

MAX_LP_PLAYERS = 16  # core, least core and nucleolus enumerate all 2**n constraints


def n_players(c: np.ndarray) -> int:
    """Number of players of a full game array; checks the length and ``c[0] = 0``."""
    c = np.asarray(c, dtype=float)
    n = int(round(math.log2(len(c)))) if len(c) > 1 else 0
    if n < 1 or len(c) != 1 << n:
        raise ValueError(f"a game needs 2**n entries (n >= 1), got {len(c)}")
    if c[0] != 0:
        raise ValueError(f"the empty coalition must cost 0, got {c[0]}")
    return n


def standalone(c: np.ndarray) -> np.ndarray:
    """``c({i})`` of every player."""
    n = n_players(c)
    return np.asarray(c, dtype=float)[1 << np.arange(n)]


def _bits(masks: np.ndarray, n: int) -> np.ndarray:
    return ((masks[:, None] >> np.arange(n)) & 1).astype(float)


# ---------------------------------------------------------------------------------------------
# simple rules


def proportional(total: float, weights: Sequence[float] | np.ndarray) -> np.ndarray:
    """Divide ``total`` in proportion to non-negative ``weights``."""
    weights = np.asarray(weights, dtype=float)
    if (weights < 0).any() or weights.sum() <= 0:
        raise ValueError("proportional division needs non-negative weights with a positive sum")
    return total * weights / weights.sum()


def equal_split(total: float, n: int) -> np.ndarray:
    """Divide ``total`` equally among ``n`` players."""
    return np.full(n, total / n)


# ---------------------------------------------------------------------------------------------
# Shapley value


def shapley_weights(n: int) -> np.ndarray:
    """``w[s] = s! (n - s - 1)! / n!`` for ``s = 0 .. n - 1``."""
    s = np.arange(n)
    return 1.0 / (n * np.array([math.comb(n - 1, int(k)) for k in s], dtype=float))


def shapley_exact(c: np.ndarray) -> np.ndarray:
    """Exact Shapley value of a full game, vectorised over all coalitions.

    For player ``i`` the game array is viewed as ``(2**(n-1-i), 2, 2**i)``: the middle axis
    toggles bit ``i``, so ``view[:, 1, :] - view[:, 0, :]`` are the marginal costs of ``i``
    for all coalitions without ``i`` at once (no index arrays, O(n 2**n)).
    """
    c = np.asarray(c, dtype=float)
    n = n_players(c)
    # weight by coalition size; the full coalition (size n) never appears without a player
    weight_of_mask = shapley_weights(n)[np.minimum(popcounts(n), n - 1)]
    phi = np.empty(n)
    for i in range(n):
        block = 1 << i
        view = c.reshape(-1, 2, block)
        weights = weight_of_mask.reshape(-1, 2, block)[:, 0, :]
        phi[i] = np.sum(weights * (view[:, 1, :] - view[:, 0, :]))
    return phi


@dataclass(frozen=True)
class ShapleyEstimate:
    """Sampled Shapley value with standard errors."""

    values: np.ndarray
    standard_errors: np.ndarray
    n_permutations: int


def game_prefix_costs(c: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Prefix-cost function of a full game (for testing sampled against exact Shapley)."""
    c = np.asarray(c, dtype=float)
    n_players(c)

    def prefix_costs(orders: np.ndarray) -> np.ndarray:
        masks = np.bitwise_or.accumulate(np.left_shift(1, orders), axis=1)
        masks = np.hstack([np.zeros((orders.shape[0], 1), dtype=masks.dtype), masks])
        return c[masks]

    return prefix_costs


def shapley_sampled(
    prefix_costs: Callable[[np.ndarray], np.ndarray],
    n: int,
    n_permutations: int,
    seed: int,
    batch_size: int = 2048,
) -> ShapleyEstimate:
    """Shapley value by Monte Carlo sampling of player orders (permutations).

    Parameters
    ----------
    prefix_costs
        Maps an ``(m, n)`` array of orders to the ``(m, n + 1)`` costs of the empty set and of
        each prefix (see :func:`game_prefix_costs` and
        :func:`ikzlib.costs.prefix_cost_function`).
    n
        Number of players.
    n_permutations
        Number of random orders ``m``.
    seed
        Seed of ``numpy.random.default_rng``.
    batch_size
        Orders evaluated at once (memory ``~ batch_size * n`` floats).

    Returns
    -------
    ShapleyEstimate
        Means of the marginal costs and their standard errors ``sd / sqrt(m)``. Every order's
        marginal costs add up to ``c(N)``, so the estimate is efficient exactly.
    """
    if n_permutations < 2:
        raise ValueError("sampling needs at least 2 permutations")
    rng = np.random.default_rng(seed)
    total = np.zeros(n)
    total_sq = np.zeros(n)
    done = 0
    base = np.arange(n)
    while done < n_permutations:
        m = min(batch_size, n_permutations - done)
        orders = rng.permuted(np.broadcast_to(base, (m, n)), axis=1)
        marginal = np.diff(prefix_costs(orders), axis=1)
        per_player = np.empty_like(marginal)
        np.put_along_axis(per_player, orders, marginal, axis=1)
        total += per_player.sum(axis=0)
        total_sq += (per_player**2).sum(axis=0)
        done += m
    mean = total / done
    variance = np.maximum(total_sq / done - mean**2, 0.0) * done / (done - 1)
    return ShapleyEstimate(mean, np.sqrt(variance / done), done)


# ---------------------------------------------------------------------------------------------
# core, least core, nucleolus


def max_excess(c: np.ndarray, x: Sequence[float] | np.ndarray) -> float:
    """Largest ``x(S) - c(S)`` over proper non-empty coalitions (``<= 0``: no blocking group)."""
    c = np.asarray(c, dtype=float)
    n = n_players(c)
    if n == 1:
        return -math.inf
    paid = subset_sums(np.asarray(x, dtype=float))
    return float(np.max(paid[1:-1] - c[1:-1]))


def in_core(c: np.ndarray, x: Sequence[float] | np.ndarray, tol: float = 1e-7) -> bool:
    """Whether ``x`` divides ``c(N)`` exactly and no coalition pays more than its own cost."""
    c = np.asarray(c, dtype=float)
    x = np.asarray(x, dtype=float)
    scale = max(1.0, abs(c[-1]))
    return abs(x.sum() - c[-1]) <= tol * scale and max_excess(c, x) <= tol * scale


def _lp_rows(c: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    n = n_players(c)
    if n > MAX_LP_PLAYERS:
        raise ValueError(
            f"core/nucleolus LPs enumerate 2**n coalitions; use at most {MAX_LP_PLAYERS} players"
        )
    masks = np.arange(1, (1 << n) - 1)
    return n, _bits(masks, n), np.asarray(c, dtype=float)[masks]


@dataclass(frozen=True)
class LeastCore:
    """A least-core allocation and its excess ``epsilon`` (``<= 0``: the core is non-empty)."""

    allocation: np.ndarray
    epsilon: float

    @property
    def core_nonempty(self) -> bool:
        """Whether the core of the game is non-empty."""
        return self.epsilon <= 1e-9 * max(1.0, float(np.abs(self.allocation).sum()))


def least_core(c: np.ndarray) -> LeastCore:
    """Minimise ``eps`` subject to ``x(S) - c(S) <= eps`` for all proper ``S``, ``x(N) = c(N)``."""
    c = np.asarray(c, dtype=float)
    n, bits, cost = _lp_rows(c)
    if n == 1:
        return LeastCore(np.array([c[1]]), -math.inf)
    result = _min_epsilon(n, bits, cost, np.ones((1, n)), np.array([c[-1]]))
    return LeastCore(result.x[:n], float(result.x[-1]))


def _min_epsilon(n, bits, cost, eq_rows, eq_rhs):
    objective = np.zeros(n + 1)
    objective[-1] = 1.0
    a_ub = np.hstack([bits, -np.ones((len(bits), 1))])
    a_eq = np.hstack([eq_rows, np.zeros((len(eq_rows), 1))])
    result = linprog(
        objective,
        A_ub=a_ub,
        b_ub=cost,
        A_eq=a_eq,
        b_eq=eq_rhs,
        bounds=(None, None),  # allocations and excesses may be negative
        method="highs",
    )
    if result.status != 0:
        raise RuntimeError(f"least-core LP failed: {result.message}")
    return result


def nucleolus(c: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Nucleolus of a cost game by sequential linear programs.

    Each round minimises the largest excess ``x(S) - c(S)`` over the coalitions not yet
    fixed. Coalitions whose constraint has a positive dual value are tight in *every*
    optimal solution, so their excess is fixed at that level (fixing merely tight ones can
    give a wrong answer). Coalitions whose membership vector lies in the span of the fixed
    ones are dropped, since their excess is then determined. The process stops when the
    fixed coalitions pin down ``x`` (rank ``n``); at most ``n`` rounds.
    """
    c = np.asarray(c, dtype=float)
    n, bits, cost = _lp_rows(c)
    if n == 1:
        return np.array([c[1]])
    scale = max(1.0, float(np.abs(cost).max()))
    free = np.ones(len(bits), dtype=bool)
    eq_rows = [np.ones(n)]
    eq_rhs = [float(c[-1])]
    while free.any():
        index = np.flatnonzero(free)
        result = _min_epsilon(n, bits[index], cost[index], np.array(eq_rows), np.array(eq_rhs))
        epsilon = result.x[-1]
        duals = -np.asarray(result.ineqlin.marginals)
        fixed = index[duals > tol]
        if len(fixed) == 0:  # degenerate dual: fall back to the tight constraints
            slack = cost[index] + epsilon - bits[index] @ result.x[:n]
            fixed = index[slack <= tol * scale]
        for j in fixed:
            eq_rows.append(bits[j])
            eq_rhs.append(float(cost[j] + epsilon))
        free[fixed] = False
        _, singular, vt = np.linalg.svd(np.array(eq_rows), full_matrices=False)
        rank = int(np.sum(singular > 1e-9 * singular[0]))
        basis = vt[:rank]
        if rank == n:
            break
        rest = np.flatnonzero(free)
        residual = bits[rest] - (bits[rest] @ basis.T) @ basis
        free[rest[np.linalg.norm(residual, axis=1) < 1e-9]] = False
    solution, *_ = np.linalg.lstsq(np.array(eq_rows), np.array(eq_rhs), rcond=None)
    return solution


# ---------------------------------------------------------------------------------------------
# SCRB


def scrb(total_cost: float, alone: np.ndarray, separable: np.ndarray) -> np.ndarray:
    """Separable costs, remaining benefits from ``c(N)``, ``c({i})`` and ``sc_i``.

    ``x_i = sc_i + r_i / sum(r) * (c(N) - sum(sc))`` with the remaining benefit
    ``r_i = max(c({i}) - sc_i, 0)`` (alternative cost = stand-alone cost). A partner whose
    separable cost exceeds its stand-alone cost takes no share of the non-separable cost; it
    still pays more than alone (the coalition is too large for it). When no partner has a
    remaining benefit the non-separable cost is split equally.
    """
    alone = np.asarray(alone, dtype=float)
    separable = np.asarray(separable, dtype=float)
    remaining = np.maximum(alone - separable, 0.0)
    if remaining.sum() <= 0:
        return separable + (total_cost - separable.sum()) / len(separable)
    return separable + remaining / remaining.sum() * (total_cost - separable.sum())


def separable_costs(c: np.ndarray) -> np.ndarray:
    """``sc_i = c(N) - c(N - i)`` of every player."""
    c = np.asarray(c, dtype=float)
    n = n_players(c)
    full = (1 << n) - 1
    return c[full] - c[full ^ (1 << np.arange(n))]


def scrb_game(c: np.ndarray) -> np.ndarray:
    """SCRB allocation of a full game."""
    c = np.asarray(c, dtype=float)
    return scrb(float(c[-1]), standalone(c), separable_costs(c))


# ---------------------------------------------------------------------------------------------
# side by side


def allocation_table(
    c: np.ndarray,
    names: Sequence[str],
    population: Sequence[float],
    volume: Sequence[float],
    with_lp: bool = True,
) -> pd.DataFrame:
    """All rules side by side for a full game.

    Returns one row per player with ``name``, ``standalone`` and a column per rule
    (``population``, ``volume``, ``equal``, ``shapley``, ``scrb`` and, with ``with_lp``,
    ``least_core`` and ``nucleolus``), each holding the player's cost share (EUR/year).
    """
    c = np.asarray(c, dtype=float)
    n = n_players(c)
    total = float(c[-1])
    table = pd.DataFrame({"name": list(names), "standalone": standalone(c)})
    table["population"] = proportional(total, population)
    table["volume"] = proportional(total, volume)
    table["equal"] = equal_split(total, n)
    table["shapley"] = shapley_exact(c)
    table["scrb"] = scrb_game(c)
    if with_lp:
        table["least_core"] = least_core(c).allocation
        table["nucleolus"] = nucleolus(c)
    return table


def rule_summary(c: np.ndarray, table: pd.DataFrame, rules: Sequence[str]) -> pd.DataFrame:
    """Per rule: total, core membership, largest excess and number of partners who lose."""
    rows = []
    for rule in rules:
        x = table[rule].to_numpy(dtype=float)
        rows.append(
            {
                "rule": rule,
                "total": x.sum(),
                "in_core": in_core(c, x),
                "max_excess": max_excess(c, x),
                "partners_losing": int((x > table["standalone"].to_numpy() + 1e-9).sum()),
            }
        )
    return pd.DataFrame(rows)
