"""Cooperative cost games: how partners divide the cost (and so the gain) of a cooperation.

A cost game on ``n`` players is an array ``c`` of length ``2 ** n`` indexed by coalition
bitmask (bit ``i`` = player ``i``), with ``c[0] = 0`` and ``c[-1] = c(N)``. An allocation
``x`` divides ``c(N)``; player ``i`` saves ``c({i}) - x_i`` compared with going alone. The
*excess* of a coalition is ``e(S, x) = x(S) - c(S)``: what ``S`` pays above its own cost.

Division rules (names as in :func:`allocation_table` and :data:`RULE_LABELS`)
-------------------------------------------------------------------------------
============== ==================================================================================
name           meaning
============== ==================================================================================
population     ``x_i = c(N) * w_i / sum w`` with ``w`` = population
volume         the same with ``w`` = case volume
equal          ``x_i = c(N) / n``
shapley        Shapley value: ``phi_i = sum_{S not containing i} |S|! (n - |S| - 1)! / n!
               * (c(S + i) - c(S))``; exact over all coalitions (vectorised, n up to about 20)
               or estimated from player orders (:func:`shapley_sampled`)
banzhaf        *normalised* Banzhaf value: the raw Banzhaf value ``beta_i = 2 ** -(n - 1) *
               sum_{S not containing i} (c(S + i) - c(S))`` (every coalition equally likely)
               rescaled to ``beta_i * c(N) / sum_j beta_j`` so that it divides ``c(N)``;
               undefined when ``sum beta = 0`` (:func:`banzhaf`, :func:`banzhaf_raw`)
tau            tau-value (Tijs 1981), cost-game form: the efficient point on the segment from
               the utopia costs ``M_i = c(N) - c(N - i)`` (the least ``i`` can be charged) to
               the minimal rights ``m_i = min_{S containing i} (c(S) - M(S - i))`` (the most);
               undefined unless the game is quasi-balanced: ``M <= m`` and
               ``sum M <= c(N) <= sum m`` (:func:`tau_value`)
scrb           separable costs, remaining benefits (US water-resources practice): separable cost
               ``sc_i = c(N) - c(N - i)``, remaining benefit ``r_i = max(c({i}) - sc_i, 0)``,
               ``x_i = sc_i + r_i / sum r * (c(N) - sum sc)``
least_core     the canonical point of the least core (:func:`least_core`): its prenucleolus
prenucleolus   lexicographically minimises the sorted excesses over all divisions of ``c(N)``;
               no upper bound ``c({i})``, so with an empty core it may charge a partner more
               than its stand-alone cost (:func:`prenucleolus`)
nucleolus      Schmeidler's nucleolus: the same over the *imputations* (``x_i <= c({i})``,
               nobody pays more than alone); undefined when ``sum c({i}) < c(N)``
               (:func:`nucleolus`, :class:`EmptyImputationSetError`)
============== ==================================================================================

The core is ``x(S) <= c(S)`` for every coalition with ``x(N) = c(N)`` -- no group can do better
alone; it may be empty. The least core minimises the largest excess ``eps = max_S e(S, x)``
(negative when the core has slack); its weak and proportional variants scale the excess by
``|S|`` and by ``c(S)`` (Young, Okada & Hashimoto 1982). Every variant has a canonical point,
the matching prenucleolus, which is unique and so does not depend on the player labels.
:func:`core_vertices` lists the corners of the core for up to :data:`MAX_VERTEX_PLAYERS`
players; :func:`airport_game` and :func:`airport_shapley` give a game with a closed-form
Shapley value (for checking the sampling).

Profit (value) games ``v`` from the literature convert to cost games by ``c(S) = a(S) - v(S)``
with any additive ``a`` (e.g. ``a = 0``, or the stand-alone costs for a savings game ``v``);
the Shapley value, tau-value, SCRB, (pre)nucleolus and the least cores other than the
proportional one move with ``a`` (``x(c) = a - x(v)``); equal split, the proportional rules and
the normalised Banzhaf value do not.

LP notes: ``scipy.optimize.linprog`` bounds variables to ``[0, inf)`` by default; allocations
and excesses may be negative, so every LP here sets ``bounds=(None, None)``.

References: Aumann & Maschler (1985); Banzhaf (1965); Castro, Gómez, Molina & Tejada (2017);
Littlechild & Owen (1973); Littlechild (1974); Maleki, Tran-Thanh, Hines, Rahwan & Rogers
(2013); Maschler, Peleg & Shapley (1979); Schmeidler (1969); Tijs (1981); Young, Okada &
Hashimoto (1982).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import linprog
from scipy.spatial import HalfspaceIntersection

from ikzlib import i18n
from ikzlib.costs import popcounts, subset_sums
from ikzlib.i18n import Message

MAX_LP_PLAYERS = 16  # core, least core and nucleolus enumerate all 2**n constraints
MAX_VERTEX_PLAYERS = 8  # a convex game on n players may have n! core vertices

RULE_LABELS = {
    "population": "Proportional to population",
    "volume": "Proportional to case volume",
    "equal": "Equal split",
    "shapley": "Shapley value",
    "banzhaf": "Normalised Banzhaf value",
    "tau": "Tau-value (Tijs)",
    "scrb": "Separable costs, remaining benefits (SCRB)",
    "least_core": "Least core (its prenucleolus)",
    "prenucleolus": "Prenucleolus (may exceed stand-alone costs)",
    "nucleolus": "Nucleolus (nobody pays more than alone)",
}
EXACT_RULES = tuple(RULE_LABELS)
LP_RULES = ("least_core", "prenucleolus", "nucleolus")

_EMPTY_IMPUTATIONS = (
    "no imputation: the stand-alone costs add up to {alone}, less than the joint cost "
    "{total}; every division charges some partner more than alone"
)
_TAU_ABOVE_RIGHT = (
    "tau-value undefined: for {k} partner(s) the utopia cost exceeds the minimal right "
    "(the game is not quasi-balanced)"
)
_TAU_OUTSIDE = (
    "tau-value undefined: the joint cost {total} lies outside the sums of the utopia costs "
    "{low} and of the minimal rights {high} (the game is not quasi-balanced)"
)
_BANZHAF_ZERO = "normalised Banzhaf value undefined: the raw Banzhaf values add up to 0"
_PROPORTIONAL_NONPOSITIVE = "proportional least core undefined: {k} coalition(s) cost 0 or less"

i18n.register(
    {
        "Proportional to population": "Proportional zur Einwohnerzahl",
        "Proportional to case volume": "Proportional zur Fallzahl",
        "Equal split": "Gleiche Anteile",
        "Shapley value": "Shapley-Wert",
        "Normalised Banzhaf value": "Normierter Banzhaf-Wert",
        "Tau-value (Tijs)": "Tau-Wert (Tijs)",
        "Separable costs, remaining benefits (SCRB)": "Separierbare Kosten, Restnutzen (SCRB)",
        "Least core (its prenucleolus)": "Kleinster Kern (sein Prä-Nukleolus)",
        "Prenucleolus (may exceed stand-alone costs)": (
            "Prä-Nukleolus (kann die Kosten im Alleingang übersteigen)"
        ),
        "Nucleolus (nobody pays more than alone)": (
            "Nukleolus (niemand zahlt mehr als im Alleingang)"
        ),
        _EMPTY_IMPUTATIONS: (
            "keine Imputation: die Kosten im Alleingang ergeben zusammen {alone}, weniger als "
            "die gemeinsamen Kosten {total}; jede Aufteilung belastet einen Partner stärker "
            "als im Alleingang"
        ),
        _TAU_ABOVE_RIGHT: (
            "Tau-Wert nicht definiert: bei {k} Partner(n) übersteigen die Utopiekosten das "
            "Minimalrecht (das Spiel ist nicht quasi-balanciert)"
        ),
        _TAU_OUTSIDE: (
            "Tau-Wert nicht definiert: die gemeinsamen Kosten {total} liegen außerhalb der "
            "Summen der Utopiekosten {low} und der Minimalrechte {high} (das Spiel ist nicht "
            "quasi-balanciert)"
        ),
        _BANZHAF_ZERO: (
            "Normierter Banzhaf-Wert nicht definiert: die rohen Banzhaf-Werte ergeben zusammen 0"
        ),
        _PROPORTIONAL_NONPOSITIVE: (
            "Proportionaler kleinster Kern nicht definiert: {k} Koalition(en) kosten 0 oder weniger"
        ),
    }
)


class RuleUndefinedError(ValueError):
    """A division rule is not defined for this game; ``reason`` says why (a :class:`Message`)."""

    def __init__(self, reason: Message) -> None:
        self.reason = reason
        super().__init__(str(reason))


class EmptyImputationSetError(RuleUndefinedError):
    """The stand-alone costs add up to less than ``c(N)``: no division keeps everyone at or
    below its stand-alone cost, so the nucleolus (over imputations) does not exist."""


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


def separable_costs(c: np.ndarray) -> np.ndarray:
    """``sc_i = c(N) - c(N - i)`` of every player (the utopia cost of the tau-value)."""
    c = np.asarray(c, dtype=float)
    n = n_players(c)
    full = (1 << n) - 1
    return c[full] - c[full ^ (1 << np.arange(n))]


def _bits(masks: np.ndarray, n: int) -> np.ndarray:
    return ((masks[:, None] >> np.arange(n)) & 1).astype(float)


def _scale(c: np.ndarray) -> float:
    """Magnitude for tolerances relative to the game's costs."""
    return max(1.0, float(np.abs(c).max()))


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
# Shapley and Banzhaf values (semivalues: weighted means of marginal costs)


def shapley_weights(n: int) -> np.ndarray:
    """``w[s] = s! (n - s - 1)! / n!`` for ``s = 0 .. n - 1``."""
    s = np.arange(n)
    return 1.0 / (n * np.array([math.comb(n - 1, int(k)) for k in s], dtype=float))


def _semivalue(c: np.ndarray, weight_by_size: np.ndarray) -> np.ndarray:
    """``sum_{S not containing i} weight_by_size[|S|] * (c(S + i) - c(S))`` for every ``i``.

    For player ``i`` the game array is viewed as ``(2**(n-1-i), 2, 2**i)``: the middle axis
    toggles bit ``i``, so ``view[:, 1, :] - view[:, 0, :]`` are the marginal costs of ``i``
    for all coalitions without ``i`` at once (no index arrays, O(n 2**n)).
    """
    c = np.asarray(c, dtype=float)
    n = n_players(c)
    # the full coalition (size n) never appears without a player; clip its index
    weight_of_mask = weight_by_size[np.minimum(popcounts(n), n - 1)]
    value = np.empty(n)
    for i in range(n):
        block = 1 << i
        view = c.reshape(-1, 2, block)
        weights = weight_of_mask.reshape(-1, 2, block)[:, 0, :]
        value[i] = np.sum(weights * (view[:, 1, :] - view[:, 0, :]))
    return value


def shapley_exact(c: np.ndarray) -> np.ndarray:
    """Exact Shapley value of a full game, vectorised over all coalitions."""
    return _semivalue(c, shapley_weights(n_players(c)))


def banzhaf_raw(c: np.ndarray) -> np.ndarray:
    """Raw Banzhaf value: the mean marginal cost over all ``2 ** (n - 1)`` coalitions.

    Not efficient in general: ``sum beta`` differs from ``c(N)``; see :func:`banzhaf`.
    """
    n = n_players(c)
    return _semivalue(c, np.full(n, 0.5 ** (n - 1)))


def banzhaf(c: np.ndarray) -> np.ndarray:
    """Normalised Banzhaf value ``beta_i * c(N) / sum_j beta_j`` (divides ``c(N)``).

    The rescaling keeps the ratios of the raw values; it is not additive over games and
    does not move with an additive cost, unlike the raw value.

    Raises
    ------
    RuleUndefinedError
        If the raw values add up to 0 (nothing to rescale).
    """
    c = np.asarray(c, dtype=float)
    raw = banzhaf_raw(c)
    if abs(raw.sum()) <= 1e-12 * _scale(c):
        raise RuleUndefinedError(Message(_BANZHAF_ZERO))
    return raw * c[-1] / raw.sum()


# ---------------------------------------------------------------------------------------------
# tau-value


def minimal_rights(c: np.ndarray) -> np.ndarray:
    """``m_i = min_{S containing i} (c(S) - sum_{j in S - i} M_j)`` with utopia costs ``M``.

    The most ``i`` can be asked to pay if every other member of some coalition is charged its
    utopia cost; ``S = {i}`` gives ``m_i <= c({i})``.
    """
    c = np.asarray(c, dtype=float)
    n = n_players(c)
    utopia = separable_costs(c)
    gap = c - subset_sums(utopia)  # c(S) - M(S)
    rights = np.empty(n)
    for i in range(n):
        block = 1 << i
        rights[i] = utopia[i] + gap.reshape(-1, 2, block)[:, 1, :].min()
    return rights


def tau_value(c: np.ndarray) -> np.ndarray:
    """Tau-value (Tijs 1981) of a cost game.

    Cost-game convention: ``tau = M + alpha (m - M)`` with the utopia costs
    ``M = c(N) - c(N - i)`` (:func:`separable_costs`), the minimal rights ``m``
    (:func:`minimal_rights`) and ``alpha`` such that ``sum tau = c(N)``. This equals
    ``c({i}) - tau_i(v)`` of the savings game ``v(S) = sum_{i in S} c({i}) - c(S)`` and
    ``-tau(-c)`` of the profit game ``-c`` (the TUGlab convention for cost games).

    Raises
    ------
    RuleUndefinedError
        If the game is not quasi-balanced (``M <= m`` and ``sum M <= c(N) <= sum m``).
    """
    c = np.asarray(c, dtype=float)
    tol = 1e-9 * _scale(c)
    utopia, rights = separable_costs(c), minimal_rights(c)
    above = int(np.sum(utopia > rights + tol))
    if above:
        raise RuleUndefinedError(Message(_TAU_ABOVE_RIGHT, k=above))
    low, high, total = utopia.sum(), rights.sum(), float(c[-1])
    if not low - tol <= total <= high + tol:
        raise RuleUndefinedError(Message(_TAU_OUTSIDE, total=total, low=low, high=high))
    if high - low <= tol:  # M = m: the segment is a point
        return utopia
    return utopia + (total - low) / (high - low) * (rights - utopia)


# ---------------------------------------------------------------------------------------------
# sampled Shapley value


@dataclass(frozen=True)
class ShapleyEstimate:
    """Sampled Shapley value with standard errors from ``n_blocks`` independent blocks."""

    values: np.ndarray
    standard_errors: np.ndarray
    n_permutations: int
    n_blocks: int

    def confidence_interval(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Student-t interval with ``n_blocks - 1`` degrees of freedom (lower, upper)."""
        half = stats.t.ppf(0.5 + level / 2, self.n_blocks - 1) * self.standard_errors
        return self.values - half, self.values + half


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
    """Shapley value from player orders, stratified by position.

    The orders come in blocks of ``n`` that form a Latin square: row ``s`` puts the player
    with (random) label ``t`` at the position whose (random) label is ``t + s mod n``. Each row
    is a uniformly random order, and within a block every player stands once at each
    position 0 .. n - 1 with a uniformly random set of predecessors there (stratified
    sampling by position, cf. Maleki et al. 2013; Castro et al. 2017). A block's mean
    marginal cost is an unbiased estimate of the Shapley value free of the variation between
    positions (for a cost model with economies of scale most of the variance); blocks are
    independent, so the standard error is ``sd(block means) / sqrt(B)`` with ``B - 1`` degrees
    of freedom (:meth:`ShapleyEstimate.confidence_interval`).

    The stand-alone cost (position 0) and ``c(N) - c(N - i)`` (position ``n - 1``) enter
    every block, so no estimate misses them. The standard error is 0 only when every block
    gives a player the same mean: always when the marginal cost does not vary within any
    position (a dummy partner, the smallest user of an airport game -- then the estimate is
    exact), otherwise only when the coalitions with a different marginal cost were missed in
    every block. With few blocks and such rare, large marginal costs (airport games) the
    intervals cover less than their level; ``benchmarks/bench_games.py`` prints the coverage.

    Parameters
    ----------
    prefix_costs
        Maps an ``(m, n)`` array of orders to the ``(m, n + 1)`` costs of the empty set and of
        each prefix (see :func:`game_prefix_costs` and
        :func:`ikzlib.costs.prefix_cost_function`).
    n
        Number of players.
    n_permutations
        Orders wanted; rounded up to whole blocks, at least two: ``B = max(2,
        ceil(n_permutations / n))`` blocks, ``B * n`` orders (10 blocks or more for
        intervals to be trusted).
    seed
        Seed of ``numpy.random.default_rng``.
    batch_size
        Orders evaluated at once (memory ``~ batch_size * n`` floats).

    Returns
    -------
    ShapleyEstimate
        Means of the marginal costs over all orders and their block standard errors. Every
        order's marginal costs add up to ``c(N)``, so the estimate is efficient exactly.
    """
    if n < 1 or n_permutations < 1:
        raise ValueError("sampling needs at least one player and one permutation")
    n_blocks = max(2, -(-n_permutations // n))
    rng = np.random.default_rng(seed)
    players = rng.permuted(np.broadcast_to(np.arange(n), (n_blocks, n)), axis=1)
    labels = rng.permuted(np.broadcast_to(np.arange(n), (n_blocks, n)), axis=1)
    block_sums = np.zeros((n_blocks, n))
    n_orders = n_blocks * n
    for start in range(0, n_orders, batch_size):
        rows = np.arange(start, min(start + batch_size, n_orders))
        block, shift = np.divmod(rows, n)
        # shifting the labels cyclically moves every player through every position once
        # per block; unlike rotations of one order, a player's predecessor sets in the rows
        # of a block are not nested (measured: better interval coverage)
        orders = players[block[:, None], (labels[block] - shift[:, None]) % n]
        marginal = np.diff(prefix_costs(orders), axis=1)
        per_player = np.empty_like(marginal)
        np.put_along_axis(per_player, orders, marginal, axis=1)
        # rows are in block order: sum the runs of each block in this batch
        blocks_here, first = np.unique(block, return_index=True)
        block_sums[blocks_here] += np.add.reduceat(per_player, first, axis=0)
    block_means = block_sums / n
    errors = block_means.std(axis=0, ddof=1) / math.sqrt(n_blocks)
    return ShapleyEstimate(block_means.mean(axis=0), errors, n_orders, n_blocks)


# ---------------------------------------------------------------------------------------------
# airport games (closed forms; used to check the sampling and the LPs)


def airport_game(costs: Sequence[float] | np.ndarray) -> np.ndarray:
    """Full airport game ``c(S) = max_{i in S} costs_i`` (Littlechild & Owen 1973)."""
    costs = np.asarray(costs, dtype=float)
    n = len(costs)
    game = np.zeros(1 << n)
    for i in range(n):  # doubling, as in subset_sums, with max instead of +
        half = 1 << i
        game[half : 2 * half] = np.maximum(game[:half], costs[i])
    return game


def airport_prefix_costs(
    costs: Sequence[float] | np.ndarray,
) -> Callable[[np.ndarray], np.ndarray]:
    """Prefix-cost function of the airport game (any number of players)."""
    costs = np.asarray(costs, dtype=float)

    def prefix_costs(orders: np.ndarray) -> np.ndarray:
        running = np.maximum.accumulate(costs[orders], axis=1)
        return np.hstack([np.zeros((orders.shape[0], 1)), running])

    return prefix_costs


def airport_shapley(costs: Sequence[float] | np.ndarray) -> np.ndarray:
    """Shapley value of the airport game in closed form (Littlechild & Owen 1973).

    With costs sorted ``c_(1) <= ... <= c_(n)``, every runway segment
    ``c_(j) - c_(j-1)`` is shared equally by the ``n - j + 1`` players who need it.
    """
    costs = np.asarray(costs, dtype=float)
    order = np.argsort(costs, kind="stable")
    ranked = costs[order]
    segments = np.diff(ranked, prepend=0.0) / np.arange(len(costs), 0, -1)
    value = np.empty(len(costs))
    value[order] = np.cumsum(segments)
    return value


# ---------------------------------------------------------------------------------------------
# core, least core, (pre)nucleolus


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


EXCESS_SCALINGS = ("none", "size", "cost")


@dataclass(frozen=True)
class LeastCore:
    """A least core: its ``epsilon`` (``<= 0``: the core is non-empty) and canonical point.

    ``excess_scaling`` says which least core: ``"none"`` (``x(S) - c(S) <= eps``), ``"size"``
    (weak: ``<= eps |S|``) or ``"cost"`` (proportional: ``<= eps c(S)``, ``eps`` a share).
    ``epsilon`` costs one LP; ``allocation``, the matching prenucleolus (the lexicographic
    centre of that least core), is computed by up to ``n`` more on first use.
    """

    epsilon: float
    excess_scaling: str
    game: np.ndarray = field(repr=False, compare=False)

    @cached_property
    def allocation(self) -> np.ndarray:
        """The canonical point: the prenucleolus with this least core's excess scaling."""
        if n_players(self.game) == 1:
            return np.array([self.game[1]])
        return _lexicographic_centre(self.game, self.excess_scaling, individually_rational=False)

    @property
    def core_nonempty(self) -> bool:
        """Whether the core of the game is non-empty."""
        if self.excess_scaling == "cost":  # epsilon is a share of c(S)
            return self.epsilon <= 1e-9
        return self.epsilon <= 1e-9 * max(1.0, abs(float(self.game[-1])))


def least_core(c: np.ndarray) -> LeastCore:
    """Least core ``min eps`` s.t. ``x(S) - c(S) <= eps`` (proper ``S``), ``x(N) = c(N)``.

    The least core is a polytope; its canonical point is the prenucleolus, which lies in it
    (the first of the prenucleolus LPs is the least-core LP) and, being unique, treats
    symmetric partners alike and follows any relabelling of the players (Maschler, Peleg &
    Shapley 1979).
    """
    return _least_core(c, "none")


def weak_least_core(c: np.ndarray) -> LeastCore:
    """Weak least core: ``x(S) - c(S) <= eps |S|`` (Young, Okada & Hashimoto 1982).

    Its canonical point is the per-capita prenucleolus (excess divided by ``|S|``).
    """
    return _least_core(c, "size")


def proportional_least_core(c: np.ndarray) -> LeastCore:
    """Proportional least core: ``x(S) <= (1 + eps) c(S)`` (Young, Okada & Hashimoto 1982).

    Its canonical point is the proportional prenucleolus (excess divided by ``c(S)``).

    Raises
    ------
    RuleUndefinedError
        If some proper coalition costs 0 or less.
    """
    return _least_core(c, "cost")


def _least_core(c: np.ndarray, scaling: str) -> LeastCore:
    c = np.asarray(c, dtype=float)
    if n_players(c) == 1:
        return LeastCore(-math.inf, scaling, c)
    _, bits, cost = _lp_rows(c)
    weights, unit = _excess_weights(bits, cost, scaling)
    result = _min_epsilon(bits, cost, weights, np.ones((1, bits.shape[1])), np.array([c[-1]]))
    return LeastCore(float(result.x[-1] * unit), scaling, c)


def prenucleolus(c: np.ndarray) -> np.ndarray:
    """Prenucleolus: lexicographically minimal sorted excesses over all divisions of ``c(N)``.

    No partner is bounded by its stand-alone cost: with an empty core the prenucleolus may
    charge a partner more than ``c({i})``; :func:`nucleolus` does not.
    """
    c = np.asarray(c, dtype=float)
    if n_players(c) == 1:
        return np.array([c[1]])
    return _lexicographic_centre(c, "none", individually_rational=False)


def nucleolus(c: np.ndarray) -> np.ndarray:
    """Nucleolus (Schmeidler 1969) of a cost game over its imputations.

    Lexicographically minimises the sorted excesses ``x(S) - c(S)`` over the divisions of
    ``c(N)`` with ``x_i <= c({i})`` for every partner. It equals the prenucleolus whenever
    that respects the stand-alone costs (e.g. when the core is non-empty).

    Raises
    ------
    EmptyImputationSetError
        If ``sum c({i}) < c(N)``: then no division keeps every partner at or below alone.
    """
    c = np.asarray(c, dtype=float)
    alone = standalone(c)
    total = float(c[-1])
    gap = alone.sum() - total
    if gap < -1e-9 * _scale(c):
        raise EmptyImputationSetError(Message(_EMPTY_IMPUTATIONS, alone=alone.sum(), total=total))
    if gap <= 1e-9 * _scale(c):  # one imputation only: everyone pays its stand-alone cost
        return alone
    return _lexicographic_centre(c, "none", individually_rational=True)


def _excess_weights(bits: np.ndarray, cost: np.ndarray, scaling: str) -> tuple[np.ndarray, float]:
    """Per coalition, the unit its excess is measured in, scaled to at most 1 for the LP, and
    the factor that turns the LP's epsilon back into the definition's."""
    if scaling == "none":
        return np.ones(len(bits)), 1.0
    if scaling == "size":
        n = bits.shape[1]
        return bits.sum(axis=1) / n, 1.0 / n
    if scaling == "cost":
        nonpositive = int(np.sum(cost <= 0))
        if nonpositive:
            raise RuleUndefinedError(Message(_PROPORTIONAL_NONPOSITIVE, k=nonpositive))
        return cost / cost.max(), 1.0 / cost.max()
    raise ValueError(f"unknown excess scaling {scaling!r}; choose one of {EXCESS_SCALINGS}")


def _lexicographic_centre(
    c: np.ndarray, scaling: str, individually_rational: bool, tol: float = 1e-9
) -> np.ndarray:
    """(Pre)nucleolus with excesses scaled by ``scaling``, by sequential LPs.

    Each round minimises the largest scaled excess over the coalitions not yet fixed.
    Coalitions whose constraint has a positive dual value are tight in *every* optimal
    solution, so their excess is fixed at that level (fixing merely tight ones can give a
    wrong answer); so are the bounds ``x_i <= c({i})`` with a positive dual. Coalitions whose
    membership vector lies in the span of the fixed rows are dropped, since their excess is
    then determined. Each round adds at least one independent row, so at most ``n`` rounds.
    """
    n, bits, cost = _lp_rows(c)
    weights, _ = _excess_weights(bits, cost, scaling)
    bounds = standalone(c) if individually_rational else None
    scale = _scale(c)
    free = np.ones(len(bits), dtype=bool)
    eq_rows, eq_rhs = [np.ones(n)], [float(c[-1])]
    while free.any():
        index = np.flatnonzero(free)
        result = _min_epsilon(
            bits[index], cost[index], weights[index], np.array(eq_rows), np.array(eq_rhs), bounds
        )
        x, epsilon = result.x[:n], result.x[-1]
        duals = -np.asarray(result.ineqlin.marginals)
        fixed = index[duals[: len(index)] > tol]
        if len(fixed) == 0:  # degenerate dual: fall back to the tight constraints
            slack = cost[index] + epsilon * weights[index] - bits[index] @ x
            fixed = index[slack <= tol * scale]
        for j in fixed:
            eq_rows.append(bits[j])
            eq_rhs.append(float(cost[j] + epsilon * weights[j]))
        if bounds is not None:
            for i in np.flatnonzero(duals[len(index) :] > tol):
                eq_rows.append(np.eye(n)[i])
                eq_rhs.append(float(bounds[i]))
        free[fixed] = False
        _, singular, vt = np.linalg.svd(np.array(eq_rows), full_matrices=False)
        rank = int(np.sum(singular > 1e-9 * singular[0]))
        if rank == n:
            break
        basis = vt[:rank]
        rest = np.flatnonzero(free)
        residual = bits[rest] - (bits[rest] @ basis.T) @ basis
        free[rest[np.linalg.norm(residual, axis=1) < 1e-9]] = False
    solution, *_ = np.linalg.lstsq(np.array(eq_rows), np.array(eq_rhs), rcond=None)
    return solution


def _min_epsilon(
    bits: np.ndarray,
    cost: np.ndarray,
    weights: np.ndarray,
    eq_rows: np.ndarray,
    eq_rhs: np.ndarray,
    bounds: np.ndarray | None = None,
):
    """``min eps`` s.t. ``bits @ x - eps * weights <= cost``, equalities, ``x <= bounds``."""
    n = bits.shape[1]
    objective = np.zeros(n + 1)
    objective[-1] = 1.0
    a_ub = np.hstack([bits, -weights[:, None]])
    b_ub = cost
    if bounds is not None:  # after the coalition rows, so their duals come first
        a_ub = np.vstack([a_ub, np.hstack([np.eye(n), np.zeros((n, 1))])])
        b_ub = np.concatenate([cost, bounds])
    result = linprog(
        objective,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=np.hstack([eq_rows, np.zeros((len(eq_rows), 1))]),
        b_eq=eq_rhs,
        bounds=(None, None),  # allocations and excesses may be negative
        method="highs",
    )
    if result.status != 0:
        raise RuntimeError(f"least-core LP failed: {result.message}")
    return result


def core_vertices(c: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Vertices of the core polytope, one row each, sorted; ``(0, n)`` if the core is empty.

    Steps: the coalitions that pay exactly ``c(S)`` everywhere in the core (one LP each) span,
    with ``x(N) = c(N)``, the core's affine hull; inside it the core is full-dimensional, and
    qhull intersects the remaining half-spaces around the Chebyshev centre. A core of
    dimension 0 or 1 is a point or a segment. Up to :data:`MAX_VERTEX_PLAYERS` players (a
    convex game on ``n`` players may have ``n!`` vertices).
    """
    c = np.asarray(c, dtype=float)
    n = n_players(c)
    if n > MAX_VERTEX_PLAYERS:
        raise ValueError(f"core vertices are enumerated for at most {MAX_VERTEX_PLAYERS} players")
    if n == 1:
        return np.array([[c[1]]])
    _, bits, cost = _lp_rows(c)
    tol = tol * _scale(c)
    ones = np.ones((1, n))
    least = _min_epsilon(bits, cost, np.ones(len(bits)), ones, np.array([c[-1]]))
    if least.x[-1] > tol:
        return np.empty((0, n))
    always_tight = np.array(
        [_least_payment(bits, cost, j, c[-1]) >= cost[j] - tol for j in range(len(bits))]
    )
    hull_rows = np.vstack([ones, bits[always_tight]])
    hull_rhs = np.concatenate([[c[-1]], cost[always_tight]])
    origin, *_ = np.linalg.lstsq(hull_rows, hull_rhs, rcond=None)
    _, singular, vt = np.linalg.svd(hull_rows)
    rank = int(np.sum(singular > 1e-9 * singular[0]))
    directions = vt[rank:].T  # n x d: the core's affine hull is origin + directions @ y
    a = bits[~always_tight] @ directions
    b = cost[~always_tight] - bits[~always_tight] @ origin
    if directions.shape[1] == 0:
        points = origin[None, :]
    elif directions.shape[1] == 1:
        steps = b / a[:, 0]
        upper = steps[a[:, 0] > 1e-12].min()
        lower = steps[a[:, 0] < -1e-12].max()
        points = origin + np.outer([lower, upper], directions[:, 0])
    else:
        norms = np.linalg.norm(a, axis=1)
        centre = linprog(  # max r s.t. a y + r |a| <= b: the Chebyshev centre
            np.r_[np.zeros(a.shape[1]), -1.0],
            A_ub=np.hstack([a, norms[:, None]]),
            b_ub=b,
            bounds=(None, None),
            method="highs",
        )
        halfspaces = HalfspaceIntersection(np.hstack([a, -b[:, None]]), centre.x[:-1])
        points = origin + halfspaces.intersections @ directions.T
    _, first_seen = np.unique(np.round(points / (tol * 1e3)), axis=0, return_index=True)
    vertices = points[first_seen]
    return vertices[np.lexsort(vertices.T[::-1])]


def _least_payment(bits: np.ndarray, cost: np.ndarray, row: int, total: float) -> float:
    """Smallest ``x(S)`` over the core for coalition ``row`` (``= c(S)``: always tight)."""
    result = linprog(
        bits[row],
        A_ub=bits,
        b_ub=cost,
        A_eq=np.ones((1, bits.shape[1])),
        b_eq=[total],
        bounds=(None, None),
        method="highs",
    )
    if result.status != 0:
        raise RuntimeError(f"core LP failed: {result.message}")
    return float(result.fun)


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


def scrb_game(c: np.ndarray) -> np.ndarray:
    """SCRB allocation of a full game."""
    c = np.asarray(c, dtype=float)
    return scrb(float(c[-1]), standalone(c), separable_costs(c))


# ---------------------------------------------------------------------------------------------
# side by side


def _rule_functions(
    c: np.ndarray, population: Sequence[float], volume: Sequence[float]
) -> dict[str, Callable[[], np.ndarray]]:
    """Every rule of :data:`EXACT_RULES` as a function of nothing, sharing the LP work."""
    total, n = float(c[-1]), n_players(c)

    @cache
    def centre() -> np.ndarray:  # the least core's canonical point is the prenucleolus
        return prenucleolus(c)

    def nucleolus_rule() -> np.ndarray:
        # a prenucleolus that respects every stand-alone cost is also the nucleolus
        if (centre() <= standalone(c) + 1e-9 * _scale(c)).all():
            return centre()
        return nucleolus(c)

    return {
        "population": lambda: proportional(total, population),
        "volume": lambda: proportional(total, volume),
        "equal": lambda: equal_split(total, n),
        "shapley": lambda: shapley_exact(c),
        "banzhaf": lambda: banzhaf(c),
        "tau": lambda: tau_value(c),
        "scrb": lambda: scrb_game(c),
        "least_core": centre,
        "prenucleolus": centre,
        "nucleolus": nucleolus_rule,
    }


def allocation_table(
    c: np.ndarray,
    names: Sequence[str],
    population: Sequence[float],
    volume: Sequence[float],
    with_lp: bool = True,
) -> pd.DataFrame:
    """All rules side by side for a full game.

    Returns one row per player with ``name``, ``standalone`` and a column per rule of
    :data:`EXACT_RULES` (see the module docstring for what each means; without ``with_lp``
    the :data:`LP_RULES` are left out), each holding the player's cost share (EUR/year). A
    rule that is not defined for the game (:class:`RuleUndefinedError`, e.g. the nucleolus
    when the stand-alone costs add up to less than ``c(N)``) gets NaN, and its reason (a
    :class:`~ikzlib.i18n.Message`) goes to ``table.attrs["undefined"][rule]``.
    """
    c = np.asarray(c, dtype=float)
    n_players(c)
    table = pd.DataFrame({"name": list(names), "standalone": standalone(c)})
    undefined: dict[str, Message] = {}
    rules = _rule_functions(c, population, volume)
    for rule in EXACT_RULES:
        if rule in LP_RULES and not with_lp:
            continue
        try:
            table[rule] = rules[rule]()
        except RuleUndefinedError as exc:
            table[rule] = np.nan
            undefined[rule] = exc.reason
    table.attrs["undefined"] = undefined
    return table


def rule_summary(c: np.ndarray, table: pd.DataFrame, rules: Sequence[str]) -> pd.DataFrame:
    """Per rule: total, core membership, largest excess, partners who lose, and a note.

    A rule left undefined by :func:`allocation_table` has NaN figures, ``in_core`` False and
    its reason in ``note`` (empty for defined rules).
    """
    undefined = table.attrs.get("undefined", {})
    alone = table["standalone"].to_numpy()
    rows = []
    for rule in rules:
        x = table[rule].to_numpy(dtype=float)
        defined = rule not in undefined
        rows.append(
            {
                "rule": rule,
                "total": x.sum(),
                "in_core": defined and in_core(c, x),
                "max_excess": max_excess(c, x) if defined else math.nan,
                "partners_losing": int((x > alone + 1e-9).sum()) if defined else math.nan,
                "note": undefined.get(rule, ""),
            }
        )
    return pd.DataFrame(rows)
