"""Transaction-cost model of inter-municipal cooperation: stand-alone and pooled cost of a task.

Section 2.2 of the Harz case study explains IKZ with two opposing forces: pooling a task brings
gains from scale and specialisation that grow with the size of the cooperation (with
diminishing returns), while coordination (transaction) costs grow with the number of partners,
a large part of them ex ante. This module turns that argument into a cost function.

Model
-----
Every municipality ``i`` has a case volume ``q_i`` (cases per year: procurement procedures,
payslips, IT workplaces, audit days); by default ``q_i = cases_per_capita * population_i``.

*Production cost* of a unit (one municipality alone or a pooled office) handling volume ``Q``::

    P(Q) = F * ceil(Q / capacity) + v * Q * (Q / q_ref) ** (-e)

``F`` is the fixed cost of running the task at all (software licence, a specialist post, keeping
up with the law), paid once per capacity block of ``capacity`` cases (``capacity = inf``: one
block). The variable part is a learning/specialisation curve: the unit cost is ``v`` at the
reference volume ``q_ref`` and falls with elasticity ``e`` (``0 <= e < 1``) as volume grows, so
``P`` is concave in ``Q`` -- scale gains with diminishing returns. With ``e = 0`` and no capacity
limit the stand-alone cost is the plain ``F + v * q_i``. The same ``P`` applies to a single
municipality, so small municipalities carry the fixed cost on few cases: their per-capita cost is
higher (the efficiency disadvantage of small municipalities).

*Transaction costs* of a coalition of ``k >= 2`` partners (annual)::

    T(k) = t_partner * k + t_pair * k * (k - 1) / 2

(linear liaison cost per partner plus a coordination term per pair of partners), and the
*ex-ante set-up cost* (negotiation, contracts, migration; a lump sum before any gain arrives)::

    E(k) = e_fixed + e_partner * k,

annualised with the annuity factor ``a = r / (1 - (1 + r) ** -H)`` (``1 / H`` when ``r = 0``)
over the horizon ``H`` years at the discount rate ``r``. ``T(1) = E(1) = 0``.

*Cost of a coalition* ``S`` with ``k = |S|`` and ``Q_S = sum q_i``::

    c(S) = P(Q_S) + T(k) + a * E(k),        c({i}) = P(q_i),        c(empty) = 0

*Gains*: gross gain ``sum_{i in S} c({i}) - P(Q_S)`` (scale and specialisation), net gain
``G(S) = sum_{i in S} c({i}) - c(S)`` (after transaction and annualised ex-ante costs).

Coalitions of ``n`` players are encoded as bitmasks (bit ``i`` = player ``i``); full games are
arrays of length ``2 ** n`` indexed by mask, built with vectorised subset sums.

Many parameter sets at once
---------------------------
:class:`CostParamRows` holds ``m`` parameter sets (the rows of a Monte Carlo or corner table)
as ``(m, 1)`` columns. :func:`production_cost`, :func:`transaction_cost`,
:func:`exante_cost`, :func:`coalition_cost`, :func:`standalone_costs`, :func:`case_volumes`
and :func:`growth_net_gains` accept it in place of :class:`CostParams` and broadcast it
against ``(m, n)`` volumes: row ``r`` of the result is, bit for bit, what the function gives
for :meth:`CostParamRows.row` ``(r)`` and the array of volumes of that row. For one scalar
volume per row (a coalition's total) :func:`coalition_cost_each` gives, bit for bit, what
:func:`coalition_cost` gives for that scalar: NumPy takes the power of a scalar with the C
library's ``pow``, and of an array possibly with a vectorised routine that can differ in the
last bit.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

MAX_GAME_PLAYERS = 24  # 2**24 coalitions (16.8 M floats) is the largest full game we build


@dataclass(frozen=True)
class CostParams:
    """Parameters of the cost model (see the module docstring for the formulas).

    Attributes
    ----------
    fixed_cost
        ``F``: annual fixed cost of running the task once (EUR/year per capacity block).
    unit_cost
        ``v``: variable cost per case at the reference volume (EUR/case).
    reference_volume
        ``q_ref``: volume (cases/year) at which the unit cost equals ``v``.
    scale_elasticity
        ``e``: elasticity of the unit cost with respect to volume, ``0 <= e < 1``.
    capacity
        Cases one capacity block (team, server room) handles per year; ``inf`` for no limit.
    transaction_per_partner
        ``t_partner``: annual liaison cost per partner of a coalition (EUR/year).
    transaction_per_pair
        ``t_pair``: annual coordination cost per pair of partners (EUR/year).
    exante_fixed
        ``e_fixed``: one-off set-up cost of a coalition (EUR).
    exante_per_partner
        ``e_partner``: one-off set-up cost per partner (EUR).
    horizon_years
        ``H``: years over which the set-up cost is annualised.
    discount_rate
        ``r``: annual discount rate for the annuity.
    cases_per_capita
        Case volume per inhabitant (cases/year), used when volumes come from population.
    """

    fixed_cost: float
    unit_cost: float
    reference_volume: float
    scale_elasticity: float = 0.0
    capacity: float = math.inf
    transaction_per_partner: float = 0.0
    transaction_per_pair: float = 0.0
    exante_fixed: float = 0.0
    exante_per_partner: float = 0.0
    horizon_years: float = 10.0
    discount_rate: float = 0.0
    cases_per_capita: float = 1.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int | float) or math.isnan(value) or value < 0:
                raise ValueError(f"cost parameter {f.name} must be a number >= 0, got {value!r}")
        if not self.scale_elasticity < 1:
            raise ValueError(f"scale_elasticity must be < 1, got {self.scale_elasticity}")
        for name in ("reference_volume", "capacity", "horizon_years"):
            if getattr(self, name) <= 0:
                raise ValueError(f"cost parameter {name} must be > 0")

    def replace(self, **changes: float) -> CostParams:
        """A copy with some parameters changed (validated again)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        unknown = sorted(set(changes) - set(values))
        if unknown:
            raise ValueError(f"unknown cost parameter(s) {unknown}")
        values.update({k: float(v) for k, v in changes.items()})
        return CostParams(**values)

    @classmethod
    def names(cls) -> list[str]:
        """Names of all parameters, in declaration order."""
        return [f.name for f in fields(cls)]

    def annuity(self) -> float:
        """The annuity factor of the set-up cost (:func:`annuity_factor`)."""
        return annuity_factor(self.horizon_years, self.discount_rate)


# The parameters of the production cost P(Q) and of volumes from population.
PRODUCTION_PARAMETERS = (
    "fixed_cost",
    "unit_cost",
    "reference_volume",
    "scale_elasticity",
    "capacity",
    "cases_per_capita",
)


@dataclass(frozen=True, eq=False)
class CostParamRows:
    """``m`` parameter sets of the cost model at once, each field an ``(m, 1)`` column.

    Build it with :meth:`from_table` (validated like :class:`CostParams`, row by row). The
    model functions of this module broadcast it against ``(m, n)`` arrays. ``annuity_rows``
    holds :func:`annuity_factor` of every row (computed on Python floats, as for
    :class:`CostParams`).
    """

    fixed_cost: np.ndarray
    unit_cost: np.ndarray
    reference_volume: np.ndarray
    scale_elasticity: np.ndarray
    capacity: np.ndarray
    transaction_per_partner: np.ndarray
    transaction_per_pair: np.ndarray
    exante_fixed: np.ndarray
    exante_per_partner: np.ndarray
    horizon_years: np.ndarray
    discount_rate: np.ndarray
    cases_per_capita: np.ndarray
    annuity_rows: np.ndarray

    @classmethod
    def from_table(cls, table: pd.DataFrame) -> CostParamRows:
        """The parameter sets of a table with one column per :meth:`CostParams.names`.

        Raises
        ------
        ValueError
            The first row that :class:`CostParams` refuses, with its message.
        """
        columns = {name: table[name].to_numpy(dtype=float) for name in CostParams.names()}
        bad = invalid_cost_rows(columns)
        if bad.any():
            first = int(np.argmax(bad))
            CostParams(**{name: float(column[first]) for name, column in columns.items()})
        pairs = list(
            zip(columns["horizon_years"].tolist(), columns["discount_rate"].tolist(), strict=True)
        )
        factors = {pair: annuity_factor(*pair) for pair in set(pairs)}
        return cls(
            **{name: column[:, None] for name, column in columns.items()},
            annuity_rows=np.array([factors[pair] for pair in pairs], dtype=float)[:, None],
        )

    def __len__(self) -> int:
        return int(self.fixed_cost.shape[0])

    def take(self, rows: np.ndarray | slice) -> CostParamRows:
        """The parameter sets ``rows`` (integer indices, a boolean mask or a slice)."""
        return CostParamRows(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})

    def row(self, index: int) -> CostParams:
        """Parameter set ``index`` as :class:`CostParams`."""
        return CostParams(**{n: float(getattr(self, n)[index, 0]) for n in CostParams.names()})

    def annuity(self) -> np.ndarray:
        """The annuity factor of every row, ``(m, 1)``."""
        return self.annuity_rows


def invalid_cost_rows(columns: dict[str, np.ndarray]) -> np.ndarray:
    """Rows of parameter columns (as :meth:`CostParamRows.from_table`) that
    :class:`CostParams` would refuse."""
    bad = np.zeros(len(columns["fixed_cost"]), dtype=bool)
    for column in columns.values():
        bad |= np.isnan(column) | (column < 0)
    bad |= ~(columns["scale_elasticity"] < 1)
    for name in ("reference_volume", "capacity", "horizon_years"):
        bad |= columns[name] <= 0
    return bad


def annuity_factor(horizon_years: float, discount_rate: float) -> float:
    """Annual payment per EUR of a lump sum spread over ``horizon_years`` at ``discount_rate``."""
    if discount_rate == 0:
        return 1.0 / horizon_years
    return discount_rate / (1.0 - (1.0 + discount_rate) ** (-horizon_years))


def case_volumes(
    population: Sequence[float] | np.ndarray, params: CostParams | CostParamRows
) -> np.ndarray:
    """Default case volumes ``q_i = cases_per_capita * population_i``."""
    return params.cases_per_capita * np.asarray(population, dtype=float)


def production_cost(volume: np.ndarray | float, params: CostParams | CostParamRows) -> np.ndarray:
    """``P(Q)``: fixed cost per capacity block plus the learning-curve variable cost (EUR/year).

    ``P(0) = 0``: a unit without cases runs nothing.
    """
    return _production_cost(volume, params, operator.pow)


def _production_cost(
    volume: np.ndarray | float,
    params: CostParams | CostParamRows,
    power: Callable[[Any, Any], Any],
) -> np.ndarray:
    volume = np.asarray(volume, dtype=float)
    blocks = np.maximum(1.0, np.ceil(volume / params.capacity))
    safe = np.where(volume > 0, volume, 1.0)
    variable = (
        params.unit_cost * safe * power(safe / params.reference_volume, -params.scale_elasticity)
    )
    return np.where(volume > 0, params.fixed_cost * blocks + variable, 0.0)


def _scalar_power(base: np.ndarray, exponent: np.ndarray) -> np.ndarray:
    """``base ** exponent`` element by element on NumPy scalars (the C library's ``pow``).

    NumPy takes the power of a scalar with ``pow`` but may take it over an array with a
    vectorised (SIMD) routine that differs in the last bit.
    """
    base, exponent = np.broadcast_arrays(base, exponent)
    values = [
        np.float64(b) ** e
        for b, e in zip(base.ravel().tolist(), exponent.ravel().tolist(), strict=True)
    ]
    return np.array(values, dtype=float).reshape(base.shape)


def unit_cost_at(volume: np.ndarray | float, params: CostParams) -> np.ndarray:
    """Average production cost per case, ``P(Q) / Q``."""
    volume = np.asarray(volume, dtype=float)
    return production_cost(volume, params) / volume


def transaction_cost(k: np.ndarray | int, params: CostParams | CostParamRows) -> np.ndarray:
    """``T(k)``: annual transaction cost of a coalition of ``k`` partners (0 for ``k < 2``)."""
    k = np.asarray(k, dtype=float)
    cost = params.transaction_per_partner * k + params.transaction_per_pair * k * (k - 1) / 2
    return np.where(k >= 2, cost, 0.0)


def exante_cost(k: np.ndarray | int, params: CostParams | CostParamRows) -> np.ndarray:
    """``E(k)``: one-off set-up cost of a coalition of ``k`` partners (0 for ``k < 2``)."""
    k = np.asarray(k, dtype=float)
    return np.where(k >= 2, params.exante_fixed + params.exante_per_partner * k, 0.0)


def coalition_cost(
    volume: np.ndarray | float,
    k: np.ndarray | int,
    params: CostParams | CostParamRows,
    include_exante: bool = True,
) -> np.ndarray:
    """``c(S) = P(Q_S) + T(k) + a * E(k)`` for coalitions given by total volume and size.

    Parameters
    ----------
    volume, k
        Total case volume ``Q_S`` and number of partners ``|S|`` (broadcast together).
    params
        Cost parameters.
    include_exante
        Add the annualised set-up cost (``False``: operating view, the lump is shown apart).
    """
    return _coalition_cost(volume, k, params, include_exante, operator.pow)


def coalition_cost_each(
    volume: np.ndarray, k: int, params: CostParamRows, include_exante: bool = True
) -> np.ndarray:
    """:func:`coalition_cost` of one coalition of ``k`` partners under each parameter set.

    ``volume`` is the coalition's total volume under each set, ``(m, 1)``. Row ``r`` equals,
    bit for bit, ``coalition_cost(float(volume[r, 0]), k, params.row(r))``: the power is
    taken on scalars, as NumPy does for that scalar call.
    """
    return _coalition_cost(volume, k, params, include_exante, _scalar_power)


def _coalition_cost(
    volume: np.ndarray | float,
    k: np.ndarray | int,
    params: CostParams | CostParamRows,
    include_exante: bool,
    power: Callable[[Any, Any], Any],
) -> np.ndarray:
    production = _production_cost(np.asarray(volume, dtype=float), params, power)
    return with_coordination_costs(production, k, params, include_exante)


def with_coordination_costs(
    production: np.ndarray,
    k: np.ndarray | int,
    params: CostParams | CostParamRows,
    include_exante: bool = True,
) -> np.ndarray:
    """``c(S)`` from the production cost ``P(Q_S)``: adds ``T(k)`` and ``a * E(k)`` exactly as
    :func:`coalition_cost` does (``0`` for ``k = 0``)."""
    k = np.asarray(k)
    cost = production + transaction_cost(k, params)
    if include_exante:
        cost = cost + params.annuity() * exante_cost(k, params)
    return np.where(k > 0, cost, 0.0)


def standalone_costs(
    volumes: Sequence[float] | np.ndarray, params: CostParams | CostParamRows
) -> np.ndarray:
    """``c({i}) = P(q_i)`` of every municipality."""
    return production_cost(np.asarray(volumes, dtype=float), params)


def leave_one_out_costs(
    volumes: Sequence[float] | np.ndarray, params: CostParams | CostParamRows
) -> np.ndarray:
    """``c(N - i)`` of every player of the grand coalition ``N`` (for SCRB at any size).

    ``volumes`` may hold one row of player volumes per parameter set, ``(m, n)``.
    """
    volumes = np.asarray(volumes, dtype=float)
    total = volumes.sum(axis=-1, keepdims=True)
    return coalition_cost(total - volumes, volumes.shape[-1] - 1, params)


# ---------------------------------------------------------------------------------------------
# bitmask machinery


def _check_players(n: int) -> None:
    if n < 1 or n > MAX_GAME_PLAYERS:
        raise ValueError(f"full games need 1..{MAX_GAME_PLAYERS} players, got {n}")


def subset_sums(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """``out[mask] = sum of values[i] for the bits i set in mask``, for all ``2 ** n`` masks.

    Built by doubling (``out[2**i : 2**(i+1)] = out[:2**i] + values[i]``): O(2 ** n).
    ``values`` of shape ``(m, n)`` give ``(m, 2 ** n)``, row by row the same sums.
    """
    values = np.asarray(values, dtype=float)
    n = values.shape[-1]
    _check_players(n)
    out = np.zeros((*values.shape[:-1], 1 << n))
    for i in range(n):
        half = 1 << i
        out[..., half : 2 * half] = out[..., :half] + values[..., i : i + 1]
    return out


def popcounts(n: int) -> np.ndarray:
    """Number of members of every coalition mask ``0 .. 2**n - 1``."""
    _check_players(n)
    out = np.zeros(1 << n, dtype=np.int64)
    for i in range(n):
        half = 1 << i
        out[half : 2 * half] = out[:half] + 1
    return out


def mask_members(mask: int, n: int) -> list[int]:
    """Player indices in ``mask``."""
    return [i for i in range(n) if (mask >> i) & 1]


def members_mask(members: Sequence[int]) -> int:
    """Bitmask of the player indices ``members``."""
    mask = 0
    for i in members:
        mask |= 1 << int(i)
    return mask


def cost_game(
    volumes: Sequence[float] | np.ndarray,
    params: CostParams | CostParamRows,
    include_exante: bool = True,
) -> np.ndarray:
    """The full cost game ``c[mask]`` for all ``2 ** n`` coalitions (``c[0] = 0``).

    With :class:`CostParamRows` the result has one game per row, ``(m, 2 ** n)``; ``volumes``
    may then hold one row of volumes per parameter set, ``(m, n)``.
    """
    volumes = np.asarray(volumes, dtype=float)
    total = subset_sums(volumes)
    size = popcounts(volumes.shape[-1])
    return coalition_cost(total, size, params, include_exante=include_exante)


def net_gains(volumes: Sequence[float] | np.ndarray, params: CostParams) -> np.ndarray:
    """``G[mask] = sum of stand-alone costs - c(S)`` for all coalitions (0 for singletons)."""
    volumes = np.asarray(volumes, dtype=float)
    return subset_sums(standalone_costs(volumes, params)) - cost_game(volumes, params)


def prefix_cost_function(
    volumes: Sequence[float] | np.ndarray, params: CostParams
) -> Callable[[np.ndarray], np.ndarray]:
    """Costs of the growing coalitions along player orders, for permutation sampling.

    Returns a function mapping an ``(m, n)`` array of orders (permutations) to an
    ``(m, n + 1)`` array: the cost of the empty set and of every prefix of each order. It needs
    only cumulative volumes, so it works for hundreds of players.
    """
    volumes = np.asarray(volumes, dtype=float)

    def prefix_costs(orders: np.ndarray) -> np.ndarray:
        cumulative = np.cumsum(volumes[orders], axis=1)
        sizes = np.arange(1, orders.shape[1] + 1)
        costs = coalition_cost(cumulative, sizes[None, :], params)
        return np.hstack([np.zeros((orders.shape[0], 1)), costs])

    return prefix_costs


# ---------------------------------------------------------------------------------------------
# coalition size


def _check_order(order: Sequence[int]) -> np.ndarray:
    order = np.asarray(order, dtype=int)
    if len(np.unique(order)) != len(order):
        raise ValueError("growth order repeats a player")
    return order


def growth_net_gains(
    volumes: Sequence[float] | np.ndarray,
    order: Sequence[int],
    params: CostParams | CostParamRows,
) -> np.ndarray:
    """Net gain ``G`` of the prefixes ``order[:k]``, ``k = 1 .. len(order)`` (array only).

    The fast core of :func:`growth_path` for Monte Carlo loops. With :class:`CostParamRows`
    of ``m`` rows, ``volumes`` is ``(m, n)`` (one row of volumes per parameter set) and the
    result ``(m, len(order))``.
    """
    volumes = np.asarray(volumes, dtype=float)
    order = _check_order(order)
    k = np.arange(1, len(order) + 1)
    ordered = volumes[..., order]
    standalone = np.cumsum(standalone_costs(ordered, params), axis=-1)
    return standalone - coalition_cost(np.cumsum(ordered, axis=-1), k, params)


def growth_path(
    volumes: Sequence[float] | np.ndarray,
    order: Sequence[int],
    params: CostParams,
    names: Sequence[str] | None = None,
    population: Sequence[float] | None = None,
) -> pd.DataFrame:
    """Grow a coalition one partner at a time in ``order`` and record its economics.

    Returns
    -------
    pandas.DataFrame
        One row per size ``k = 1 .. len(order)``: ``size``, ``added`` (name or index of the
        partner joining), ``volume``, ``standalone_sum`` (sum of stand-alone costs),
        ``pooled_production`` (``P(Q_S)``), ``gross_gain``, ``transaction`` (``T(k)``),
        ``exante_lump`` (``E(k)``), ``exante_annual`` (``a * E(k)``), ``net_gain``
        (``G(S)``), and, when ``population`` is given, ``population`` and
        ``net_gain_per_capita``. All money in EUR/year except the lump.
    """
    volumes = np.asarray(volumes, dtype=float)
    order = _check_order(order)
    k = np.arange(1, len(order) + 1)
    cumulative = np.cumsum(volumes[order])
    standalone = np.cumsum(standalone_costs(volumes[order], params))
    pooled = production_cost(cumulative, params)
    transaction = transaction_cost(k, params)
    lump = exante_cost(k, params)
    annual = annuity_factor(params.horizon_years, params.discount_rate) * lump
    labels = [names[i] for i in order] if names is not None else [int(i) for i in order]
    path = pd.DataFrame(
        {
            "size": k,
            "added": labels,
            "volume": cumulative,
            "standalone_sum": standalone,
            "pooled_production": pooled,
            "gross_gain": standalone - pooled,
            "transaction": transaction,
            "exante_lump": lump,
            "exante_annual": annual,
            "net_gain": standalone - pooled - transaction - annual,
        }
    )
    if population is not None:
        pop = np.cumsum(np.asarray(population, dtype=float)[order])
        path["population"] = pop
        path["net_gain_per_capita"] = path["net_gain"] / pop
    return path


def optimal_size(path: pd.DataFrame) -> int:
    """Size with the largest net gain along a growth path (1 if no coalition gains)."""
    best = path.loc[path["net_gain"].idxmax()]
    return int(best["size"]) if best["net_gain"] > 0 else 1


def break_even_size(path: pd.DataFrame) -> int | None:
    """Smallest size ``k >= 2`` whose net gain is positive, or ``None``."""
    positive = path[(path["size"] >= 2) & (path["net_gain"] > 0)]
    return int(positive["size"].min()) if len(positive) else None


def max_viable_size(path: pd.DataFrame) -> int | None:
    """Largest size ``k >= 2`` whose net gain is positive, or ``None``."""
    positive = path[(path["size"] >= 2) & (path["net_gain"] > 0)]
    return int(positive["size"].max()) if len(positive) else None


def size_order(population: Sequence[float], descending: bool = True) -> np.ndarray:
    """Player indices sorted by population (ties by index), largest first by default."""
    population = np.asarray(population, dtype=float)
    key = -population if descending else population
    return np.lexsort((np.arange(len(population)), key))


def growth_order(
    population: Sequence[float], first: Sequence[int] = (), descending: bool = True
) -> list[int]:
    """Joining order: the units ``first`` (e.g. named initial partners), then the others by size.

    Parameters
    ----------
    population
        Inhabitants of all units.
    first
        Units that start the coalition, in this order (repeats are dropped).
    descending
        The remaining units join largest first (``True``) or smallest first.
    """
    start = [int(i) for i in dict.fromkeys(first)]
    rest = [int(i) for i in size_order(population, descending) if int(i) not in start]
    return start + rest


def best_coalitions_by_size(
    volumes: Sequence[float] | np.ndarray,
    params: CostParams,
    names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Exhaustive search: the coalition with the largest net gain for every size ``k``.

    Returns one row per size with ``size``, ``mask``, ``net_gain``, ``gross_gain``,
    ``transaction``, ``exante_annual`` and ``members`` (names joined by ``"; "``). The number
    of coalitions is ``2 ** n``; keep ``n`` at about 20 or below.
    """
    volumes = np.asarray(volumes, dtype=float)
    n = len(volumes)
    standalone = subset_sums(standalone_costs(volumes, params))
    total = subset_sums(volumes)
    size = popcounts(n)
    gross = standalone - production_cost(total, params)
    overhead = transaction_cost(size, params)
    annual = annuity_factor(params.horizon_years, params.discount_rate) * exante_cost(size, params)
    net = gross - overhead - annual
    # sort by size, then by net gain descending; the first mask of every size block wins
    order = np.lexsort((-net, size))
    first = np.searchsorted(size[order], np.arange(1, n + 1))
    best = order[first]
    labels = list(names) if names is not None else [str(i) for i in range(n)]
    return pd.DataFrame(
        {
            "size": np.arange(1, n + 1),
            "mask": best,
            "net_gain": net[best],
            "gross_gain": gross[best],
            "transaction": overhead[best],
            "exante_annual": annual[best],
            "members": ["; ".join(labels[i] for i in mask_members(int(m), n)) for m in best],
        }
    )


def per_capita_costs(
    population: Sequence[float] | np.ndarray,
    params: CostParams,
    volumes: Sequence[float] | np.ndarray | None = None,
) -> pd.DataFrame:
    """Stand-alone cost per inhabitant and per case for each population figure.

    Returns ``population``, ``volume``, ``standalone_cost``, ``cost_per_capita``,
    ``cost_per_case`` and ``fixed_share`` (share of the fixed cost in the stand-alone cost).
    """
    population = np.asarray(population, dtype=float)
    volume = case_volumes(population, params) if volumes is None else np.asarray(volumes, float)
    cost = standalone_costs(volume, params)
    blocks = np.maximum(1.0, np.ceil(volume / params.capacity))
    return pd.DataFrame(
        {
            "population": population,
            "volume": volume,
            "standalone_cost": cost,
            "cost_per_capita": cost / population,
            "cost_per_case": cost / volume,
            "fixed_share": params.fixed_cost * blocks / cost,
        }
    )
