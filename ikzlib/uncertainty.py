"""Scenarios, Monte Carlo payoffs, the ex-ante resource constraint, and sensitivity.

Scenarios
---------
``data/raw/scenarios.csv`` holds one row per scenario and parameter: ``scenario``,
``parameter``, ``value``, ``low``, ``high``, ``unit``, ``status`` (``sourced`` or
``illustrative``) and ``source``. Numeric parameters are the fields of
:class:`ikzlib.costs.CostParams` and of :class:`ResourceParams`; ``low``/``high`` give the
range used by the Monte Carlo and the tornado. Text parameters: ``task`` and
``initial_partners`` (semicolon-separated municipality names).

Uncertainty
-----------
Every uncertain parameter is drawn independently from a triangular distribution
``(low, value, high)`` or a uniform one on ``[low, high]`` (seeded
``numpy.random.default_rng``). For each draw the cost game of a
coalition is rebuilt with the draw's case volumes (``cases_per_capita`` times population), the
chosen rule divides its cost, and partner ``i`` *pays off* when its annual saving
``c({i}) - x_i`` is positive.

Resource constraint
-------------------
Before any gain arrives the partners must finance the ex-ante set-up lump ``E(k)`` (staff time
for negotiation, legal advice, migration). Municipality ``i`` can mobilise at most::

    K_i = kappa * population_i ** beta

(EUR of strategic capacity; ``beta < 1``: capacity grows less than proportionally, because a
core administration is needed before any staff can be spared). A partner can *carry* its share
of ``E(k)`` if the share is at most ``K_i``; it can *initiate* the coalition if it can front the
initiation part ``initiator_share * E(k)`` alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ikzlib import costs, games, paths
from ikzlib.errors import DataValidationError
from ikzlib.tables import LINE, check_unique, check_vocabulary, read_csv_strict, require_values

SCENARIO_COLUMNS = ["scenario", "parameter", "value", "low", "high", "unit", "status", "source"]
STATUSES = ["illustrative", "sourced"]
TEXT_PARAMETERS = ["task", "initial_partners"]
RULES = ["population", "volume", "equal", "shapley", "scrb"]
DISTRIBUTIONS = ["triangular", "uniform"]


@dataclass(frozen=True)
class ResourceParams:
    """Ex-ante resource constraint ``K_i = kappa * population_i ** beta``.

    Attributes
    ----------
    capacity_kappa
        Scale of the capacity (EUR at one inhabitant; see ``capacity_beta``).
    capacity_beta
        Elasticity of capacity with respect to population.
    initiator_share
        Share of the set-up lump the initiating partner must front alone (0..1).
    """

    capacity_kappa: float
    capacity_beta: float
    initiator_share: float

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int | float) or math.isnan(value) or value < 0:
                raise ValueError(f"resource parameter {f.name} must be >= 0, got {value!r}")
        if self.initiator_share > 1:
            raise ValueError("initiator_share must be at most 1")

    @classmethod
    def names(cls) -> list[str]:
        """Names of all parameters."""
        return [f.name for f in fields(cls)]


@dataclass(frozen=True)
class Scenario:
    """A named parameter set with ranges and provenance."""

    name: str
    task: str
    cost: costs.CostParams
    resource: ResourceParams
    initial_partners: tuple[str, ...]
    ranges: dict[str, tuple[float, float]]
    provenance: pd.DataFrame

    def with_overrides(self, overrides: dict[str, float | None]) -> Scenario:
        """Replace parameter values (``None`` keeps the scenario value).

        A changed value outside the stored range widens the range to include it (an infinite
        value, such as ``capacity = inf``, fixes the parameter), and its provenance becomes
        ``override``.
        """
        given = {k: float(v) for k, v in overrides.items() if v is not None}
        unknown = sorted(set(given) - set(costs.CostParams.names()) - set(ResourceParams.names()))
        if unknown:
            raise ValueError(f"unknown parameter(s) {unknown}")
        cost = self.cost.replace(
            **{k: v for k, v in given.items() if k in costs.CostParams.names()}
        )
        resource_values = {n: getattr(self.resource, n) for n in ResourceParams.names()}
        resource_values.update({k: v for k, v in given.items() if k in resource_values})
        ranges = dict(self.ranges)
        for name, value in given.items():
            if not math.isfinite(value):  # e.g. capacity = inf: no range to draw from
                ranges.pop(name, None)
            elif name in ranges:
                low, high = ranges[name]
                ranges[name] = (min(low, value), max(high, value))
        provenance = self.provenance.copy()
        changed = provenance["parameter"].isin(
            [k for k, v in given.items() if v != _current(self, k)]
        )
        provenance.loc[changed, "status"] = "override"
        provenance.loc[changed, "value"] = provenance.loc[changed, "parameter"].map(
            lambda name: f"{given[name]:g}"
        )
        return Scenario(
            self.name,
            self.task,
            cost,
            ResourceParams(**resource_values),
            self.initial_partners,
            ranges,
            provenance,
        )


def _current(scenario: Scenario, name: str) -> float:
    if name in costs.CostParams.names():
        return getattr(scenario.cost, name)
    return getattr(scenario.resource, name)


def scenarios_path() -> Path:
    """The committed scenario table."""
    return paths.DATA_RAW / "scenarios.csv"


_SCENARIO_CACHE: dict[tuple[str, int, int], dict[str, Scenario]] = {}


def load_scenarios(path: str | Path | None = None) -> dict[str, Scenario]:
    """Read and validate the scenario table; returns scenarios by name (sorted).

    A file read before and unchanged since (same size and modification time) is not parsed
    again; every call returns its own copies of the scenarios.
    """
    path = Path(path) if path is not None else scenarios_path()
    try:
        stat = path.stat()
    except OSError:
        return _read_scenarios(path)  # raises the reader's error for a missing file
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _SCENARIO_CACHE:
        _SCENARIO_CACHE[key] = _read_scenarios(path)
    return {
        name: replace(scenario, ranges=dict(scenario.ranges), provenance=scenario.provenance.copy())
        for name, scenario in _SCENARIO_CACHE[key].items()
    }


def _read_scenarios(path: Path) -> dict[str, Scenario]:
    frame = read_csv_strict(path, SCENARIO_COLUMNS)
    require_values(frame, ["scenario", "parameter", "value", "status", "source"], path)
    check_vocabulary(frame, "status", STATUSES, path)
    numeric = costs.CostParams.names() + ResourceParams.names()
    check_vocabulary(frame, "parameter", numeric + TEXT_PARAMETERS, path)
    check_unique(frame, "parameter", path, within=["scenario"])
    result = {}
    for name, group in frame.groupby("scenario", sort=True):
        result[str(name)] = _build_scenario(str(name), group, path, numeric)
    return result


def _number(row: pd.Series, column: str, path: Path) -> float:
    raw = str(row[column]).strip().lower()
    try:
        value = math.inf if raw in ("inf", "infinity") else float(raw)
    except ValueError:
        raise DataValidationError(
            path, f"{row[column]!r} is not a number", row=int(row[LINE]), element=column
        ) from None
    if math.isnan(value) or value < 0:
        raise DataValidationError(
            path, f"{row[column]!r} must be >= 0", row=int(row[LINE]), element=column
        )
    return value


def _build_scenario(name: str, group: pd.DataFrame, path: Path, numeric: list[str]) -> Scenario:
    values: dict[str, float] = {}
    ranges: dict[str, tuple[float, float]] = {}
    for _, row in group.iterrows():
        parameter = row["parameter"]
        if parameter in TEXT_PARAMETERS:
            continue
        value = _number(row, "value", path)
        values[parameter] = value
        if row["low"] is not None or row["high"] is not None:
            if row["low"] is None or row["high"] is None:
                raise DataValidationError(
                    path, "give both low and high or neither", row=int(row[LINE]), element="low"
                )
            low, high = _number(row, "low", path), _number(row, "high", path)
            if math.isinf(high):
                raise DataValidationError(
                    path, "a range must be finite", row=int(row[LINE]), element="high"
                )
            if not low <= value <= high:
                raise DataValidationError(
                    path,
                    f"value {value:g} is outside its range [{low:g}, {high:g}]",
                    row=int(row[LINE]),
                    element="value",
                )
            if high > low:
                ranges[parameter] = (low, high)
    missing = [p for p in numeric if p not in values]
    if missing:
        raise DataValidationError(path, f"scenario {name!r} lacks parameter(s) {missing}")
    text = {
        r["parameter"]: r["value"] for _, r in group.iterrows() if r["parameter"] in TEXT_PARAMETERS
    }
    try:
        cost = costs.CostParams(**{p: values[p] for p in costs.CostParams.names()})
        resource = ResourceParams(**{p: values[p] for p in ResourceParams.names()})
    except ValueError as exc:
        raise DataValidationError(path, f"scenario {name!r}: {exc}") from None
    partners = text.get("initial_partners") or ""
    provenance = group[["parameter", "value", "low", "high", "unit", "status", "source"]]
    return Scenario(
        name=name,
        task=text.get("task") or name,
        cost=cost,
        resource=resource,
        initial_partners=tuple(p.strip() for p in partners.split(";") if p.strip()),
        ranges=ranges,
        provenance=provenance.reset_index(drop=True),
    )


def match_partners(unit_names: Sequence[str], wanted: Sequence[str]) -> tuple[list[int], list[str]]:
    """Indices of units whose name starts with a wanted name (case-insensitive), and misses.

    Official names carry suffixes (``"Halberstadt, Stadt"``), so ``"Halberstadt"`` matches it.
    """
    lowered = [str(n).lower() for n in unit_names]
    found, missing = [], []
    for name in wanted:
        hits = [i for i, unit in enumerate(lowered) if unit.startswith(name.lower())]
        if hits:
            found.append(hits[0])
        else:
            missing.append(name)
    return found, missing


# ---------------------------------------------------------------------------------------------
# allocation of a coalition under a named rule


def allocate(
    volumes: np.ndarray,
    population: np.ndarray,
    params: costs.CostParams,
    rule: str,
    n_permutations: int = 2_000,
    seed: int = 0,
) -> np.ndarray:
    """Cost shares of the grand coalition of the given players under ``rule`` (:data:`RULES`).

    Needs no full game except for the Shapley value, which is exact up to
    :data:`ikzlib.games.MAX_LP_PLAYERS` players and sampled (``n_permutations``, ``seed``)
    beyond.
    """
    volumes = np.asarray(volumes, dtype=float)
    n = len(volumes)
    total = float(costs.coalition_cost(volumes.sum(), n, params))
    if rule == "population":
        return games.proportional(total, population)
    if rule == "volume":
        return games.proportional(total, volumes)
    if rule == "equal":
        return games.equal_split(total, n)
    if rule == "scrb":
        separable = total - costs.leave_one_out_costs(volumes, params)
        return games.scrb(total, costs.standalone_costs(volumes, params), separable)
    if rule == "shapley":
        if n <= games.MAX_LP_PLAYERS:
            return games.shapley_exact(costs.cost_game(volumes, params))
        prefix = costs.prefix_cost_function(volumes, params)
        return games.shapley_sampled(prefix, n, n_permutations, seed).values
    raise ValueError(f"unknown rule {rule!r}; choose one of {RULES}")


# ---------------------------------------------------------------------------------------------
# Monte Carlo


def numeric_parameters(scenario: Scenario) -> dict[str, float]:
    """All numeric parameter values of a scenario (cost and resource), by name."""
    values = {n: getattr(scenario.cost, n) for n in costs.CostParams.names()}
    values.update({n: getattr(scenario.resource, n) for n in ResourceParams.names()})
    return values


def split_parameters(row: dict[str, float]) -> tuple[costs.CostParams, ResourceParams]:
    """Cost and resource parameter objects from one row of a parameter table."""
    cost = costs.CostParams(**{n: float(row[n]) for n in costs.CostParams.names()})
    resource = ResourceParams(**{n: float(row[n]) for n in ResourceParams.names()})
    return cost, resource


def draw_parameters(
    scenario: Scenario, n_draws: int, seed: int, distribution: str = "triangular"
) -> pd.DataFrame:
    """Independent draws of every ranged parameter (others repeated at their value).

    ``distribution`` is ``"triangular"`` (low, value, high; the value is the mode) or
    ``"uniform"`` (low, high). Returns one row per draw and one column per numeric parameter.
    """
    if distribution not in DISTRIBUTIONS:
        raise ValueError(f"distribution must be one of {DISTRIBUTIONS}, got {distribution!r}")
    rng = np.random.default_rng(seed)
    table = {}
    for name, value in numeric_parameters(scenario).items():
        if name in scenario.ranges:
            low, high = scenario.ranges[name]
            if distribution == "uniform":
                table[name] = rng.uniform(low, high, size=n_draws)
            else:
                table[name] = rng.triangular(low, value, high, size=n_draws)
        else:
            table[name] = np.full(n_draws, value)
    return pd.DataFrame(table)


def simulate_payoffs(
    population: np.ndarray,
    members: Sequence[int],
    draws: pd.DataFrame,
    rule: str,
) -> pd.DataFrame:
    """Annual saving ``c({i}) - x_i`` of every member of a coalition in every draw.

    Each draw has its own case volumes ``q_i = cases_per_capita * population_i`` (with the
    draw's ``cases_per_capita``), so the uncertainty of the case volume enters the pay-offs.

    Parameters
    ----------
    population
        Population of all municipalities.
    members
        Indices of the coalition's members.
    draws
        Parameter draws from :func:`draw_parameters`.
    rule
        Division rule (:data:`RULES`).

    Returns
    -------
    pandas.DataFrame
        ``draws x members`` savings (columns are the member indices), plus the column
        ``net_gain`` (``G(S)`` of the draw).
    """
    members = list(members)
    pop = np.asarray(population, dtype=float)[members]
    if rule == "shapley" and len(members) > games.MAX_LP_PLAYERS:
        savings = _sampled_shapley_savings(pop, draws)
    elif len(draws) == 0:
        savings = np.empty((0, len(members)))
    else:
        _check_rows(draws)
        params = costs.CostParamRows.from_table(draws)
        step = _rows_per_chunk(len(members), rule)
        savings = np.vstack(
            [
                _savings_rows(pop, params.take(slice(start, start + step)), rule)
                for start in range(0, len(params), step)
            ]
        )
    out = pd.DataFrame(savings, columns=members)
    out["net_gain"] = savings.sum(axis=1)
    return out


def _sampled_shapley_savings(pop: np.ndarray, draws: pd.DataFrame) -> np.ndarray:
    """Savings under the sampled Shapley value, one draw at a time (seed = draw number)."""
    savings = np.empty((len(draws), len(pop)))
    for d, row in enumerate(draws.to_dict("records")):
        params, _ = split_parameters(row)
        q = costs.case_volumes(pop, params)
        savings[d] = costs.standalone_costs(q, params) - allocate(q, pop, params, "shapley", seed=d)
    return savings


def _rows_per_chunk(n: int, rule: str, max_cells: int = 1 << 16) -> int:
    """Parameter sets per chunk so that the largest array stays below ``max_cells``."""
    width = (1 << n) if rule == "shapley" else n
    return max(1, max_cells // width)


def _savings_rows(pop: np.ndarray, params: costs.CostParamRows, rule: str) -> np.ndarray:
    """``c({i}) - x_i`` of every member under every parameter set, ``(m, n)``, with each
    set's own case volumes."""
    volumes = costs.case_volumes(pop, params)
    alone = costs.standalone_costs(volumes, params)
    return alone - allocate_rows(volumes, pop, params, rule, alone)


def allocate_rows(
    volumes: np.ndarray,
    population: np.ndarray,
    params: costs.CostParamRows,
    rule: str,
    alone: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`allocate` for ``m`` parameter sets at once, ``(m, n)``, row by row equal to it.

    ``volumes`` holds the players' volumes, ``(n,)`` for all sets or ``(m, n)`` one row per
    set. The Shapley value is exact only (up to :data:`ikzlib.games.MAX_LP_PLAYERS`
    players); ``alone`` may pass the stand-alone costs already computed.
    """
    volumes = np.ascontiguousarray(
        np.broadcast_to(np.asarray(volumes, dtype=float), (len(params), np.shape(volumes)[-1]))
    )
    n = volumes.shape[1]
    total = costs.coalition_cost_each(volumes.sum(axis=1, keepdims=True), n, params)
    if rule in ("population", "volume"):
        weights = np.broadcast_to(np.asarray(population, dtype=float), volumes.shape)
        if rule == "volume":
            weights = volumes
        refused = (weights < 0).any(axis=1) | (weights.sum(axis=1) <= 0)
        if refused.any():
            games.proportional(1.0, weights[int(np.argmax(refused))])  # raises as allocate does
        return total * weights / weights.sum(axis=1, keepdims=True)
    if rule == "equal":
        return np.broadcast_to(total / n, (len(params), n)).copy()
    if alone is None:
        alone = costs.standalone_costs(volumes, params)
    if rule == "scrb":
        separable = total - costs.leave_one_out_costs(volumes, params)
        return _scrb_rows(total, alone, separable)
    if rule == "shapley":
        if n > games.MAX_LP_PLAYERS:
            raise ValueError(f"exact Shapley values need at most {games.MAX_LP_PLAYERS} players")
        return _shapley_rows(costs.cost_game(volumes, params))
    raise ValueError(f"unknown rule {rule!r}; choose one of {RULES}")


def _scrb_rows(total: np.ndarray, alone: np.ndarray, separable: np.ndarray) -> np.ndarray:
    """:func:`ikzlib.games.scrb` row by row (``total`` is ``(m, 1)``)."""
    remaining = np.maximum(alone - separable, 0.0)
    remaining_sum = remaining.sum(axis=1, keepdims=True)
    rest = total - separable.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        shared = separable + remaining / remaining_sum * rest
    equal = separable + rest / separable.shape[1]
    return np.where(remaining_sum <= 0, equal, shared)


def _shapley_rows(c: np.ndarray) -> np.ndarray:
    """:func:`ikzlib.games.shapley_exact` of ``m`` games at once (``c`` is ``(m, 2**n)``)."""
    m, size = c.shape
    n = games.n_players(c[0])
    weight_of_mask = games.shapley_weights(n)[np.minimum(costs.popcounts(n), n - 1)]
    phi = np.empty((m, n))
    for i in range(n):
        block = 1 << i
        view = c.reshape(m, -1, 2, block)
        weights = weight_of_mask.reshape(-1, 2, block)[:, 0, :]
        terms = weights * (view[:, :, 1, :] - view[:, :, 0, :])
        phi[:, i] = terms.reshape(m, size // 2).sum(axis=1)
    return phi


def payoff_probabilities(savings: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """Per member: probability of a positive saving, mean and 5/95 % quantiles of the saving."""
    members = [c for c in savings.columns if c != "net_gain"]
    values = savings[members].to_numpy()
    return pd.DataFrame(
        {
            "member": members,
            "name": [names[m] for m in members],
            "p_pays_off": (values > 0).mean(axis=0),
            "mean_saving": values.mean(axis=0),
            "q05_saving": np.quantile(values, 0.05, axis=0),
            "q95_saving": np.quantile(values, 0.95, axis=0),
        }
    )


# ---------------------------------------------------------------------------------------------
# feasibility


def exante_capacity(population: np.ndarray | float, resource: ResourceParams) -> np.ndarray:
    """``K_i = kappa * population_i ** beta`` (EUR)."""
    return resource.capacity_kappa * np.asarray(population, dtype=float) ** resource.capacity_beta


def feasibility(
    volumes: np.ndarray,
    population: np.ndarray,
    members: Sequence[int],
    params: costs.CostParams,
    resource: ResourceParams,
    rule: str,
    names: Sequence[str],
) -> pd.DataFrame:
    """Can each member carry its share of the set-up lump, and can it initiate the coalition?

    The lump ``E(k)`` is shared in proportion to population. Returns one row per member with
    ``name``, ``population``, ``standalone``, ``allocation`` (rule), ``saving``,
    ``saving_rate`` (saving / stand-alone cost), ``exante_share``, ``capacity``,
    ``can_carry`` and ``can_initiate``.
    """
    members = list(members)
    q = np.asarray(volumes, dtype=float)[members]
    pop = np.asarray(population, dtype=float)[members]
    alone = costs.standalone_costs(q, params)
    allocation = allocate(q, pop, params, rule)
    lump = float(costs.exante_cost(len(members), params))
    share = games.proportional(lump, pop) if lump > 0 else np.zeros(len(members))
    capacity = exante_capacity(pop, resource)
    return pd.DataFrame(
        {
            "name": [names[m] for m in members],
            "population": pop,
            "standalone": alone,
            "allocation": allocation,
            "saving": alone - allocation,
            "saving_rate": (alone - allocation) / alone,
            "exante_share": share,
            "capacity": capacity,
            "can_carry": share <= capacity,
            "can_initiate": resource.initiator_share * lump <= capacity,
        }
    )


def core_along_path(
    volumes: np.ndarray, order: Sequence[int], params: costs.CostParams, max_size: int
) -> pd.DataFrame:
    """Least-core excess of every prefix coalition ``order[:k]``, ``k = 2 .. max_size``.

    Returns ``size``, ``epsilon`` and ``core_nonempty``: a prefix with an empty core contains
    a group that would do better on its own, so the coalition is not stable at that size.
    """
    volumes = np.asarray(volumes, dtype=float)
    rows = []
    for k in range(2, min(max_size, games.MAX_LP_PLAYERS) + 1):
        result = games.least_core(costs.cost_game(volumes[list(order)[:k]], params))
        rows.append({"size": k, "epsilon": result.epsilon, "core_nonempty": result.core_nonempty})
    return pd.DataFrame(rows, columns=["size", "epsilon", "core_nonempty"])


# ---------------------------------------------------------------------------------------------
# sensitivity


def tornado(
    metric: Callable[[dict[str, float]], float],
    base: dict[str, float],
    ranges: dict[str, tuple[float, float]],
) -> pd.DataFrame:
    """One-at-a-time sensitivity: the metric with each parameter at its low and high value.

    Parameters
    ----------
    metric
        Maps a full parameter dict (as :func:`numeric_parameters`) to the target number.
    base
        Base parameter values.
    ranges
        ``{name: (low, high)}`` of the parameters to vary.

    Returns
    -------
    pandas.DataFrame
        ``parameter``, ``low``, ``high``, ``metric_low``, ``metric_high``, ``base`` and
        ``swing = |metric_high - metric_low|``, sorted by swing (largest first).
    """
    reference = metric(dict(base))
    rows = []
    for name, (low, high) in ranges.items():
        rows.append(
            {
                "parameter": name,
                "low": low,
                "high": high,
                "metric_low": metric({**base, name: low}),
                "metric_high": metric({**base, name: high}),
                "base": reference,
            }
        )
    table = pd.DataFrame(rows)
    table["swing"] = (table["metric_high"] - table["metric_low"]).abs()
    return table.sort_values(["swing", "parameter"], ascending=[False, True]).reset_index(drop=True)


def corner_parameters(scenario: Scenario, max_parameters: int = 14) -> pd.DataFrame:
    """All ``2 ** p`` low/high combinations of the ``p`` ranged parameters (others at value)."""
    names = sorted(scenario.ranges)
    if len(names) > max_parameters:
        raise ValueError(f"{len(names)} ranged parameters give too many corners")
    corner = np.arange(2 ** len(names))
    table = {}
    for name, value in numeric_parameters(scenario).items():
        if name in scenario.ranges:  # itertools.product order: the first name varies slowest
            high = (corner >> (len(names) - 1 - names.index(name))) & 1
            table[name] = np.where(high == 1, scenario.ranges[name][1], scenario.ranges[name][0])
        else:
            table[name] = np.full(len(corner), value)
    return pd.DataFrame(table)


# ---------------------------------------------------------------------------------------------
# which conclusions are robust


CONCLUSIONS = {
    "small_cost_more": "the smallest municipality has a higher stand-alone cost per inhabitant "
    "than the largest",
    "cooperation_pays": "some coalition along the growth path has a positive net gain",
    "interior_optimum": "the optimal coalition is smaller than the whole district",
    "small_cannot_initiate": "no municipality below the small-size threshold can front the "
    "initiation cost of the optimal coalition",
    "large_needs_compensation": "the largest partner of the optimal coalition saves less than "
    "the gain threshold under population-proportional cost sharing",
}


def conclusion_flags(
    volumes: np.ndarray,
    population: np.ndarray,
    order: Sequence[int],
    cost: costs.CostParams,
    resource: ResourceParams,
    small_threshold: float,
    gain_threshold: float,
) -> dict[str, bool]:
    """Evaluate the model's qualitative conclusions (:data:`CONCLUSIONS`) for one parameter set.

    ``order`` is the growth order; the optimal coalition is the best prefix of it.
    ``volumes`` must be the case volumes implied by ``cost`` (recompute them per draw when
    they come from population).
    """
    population = np.asarray(population, dtype=float)
    volumes = np.asarray(volumes, dtype=float)
    per_capita = costs.standalone_costs(volumes, cost) / population
    gains = costs.growth_net_gains(volumes, order, cost)
    k_star = int(np.argmax(gains)) + 1 if gains.max() > 0 else 1
    members = list(order)[:k_star]
    flags = {
        "small_cost_more": bool(
            per_capita[np.argmin(population)] > per_capita[np.argmax(population)]
        ),
        "cooperation_pays": k_star >= 2,
        "interior_optimum": k_star < len(order),
        "small_cannot_initiate": True,
        "large_needs_compensation": False,
    }
    if k_star >= 2:
        lump = float(costs.exante_cost(k_star, cost))
        capacity = exante_capacity(population, resource)
        small = population < small_threshold
        flags["small_cannot_initiate"] = bool(
            not (capacity[small] >= resource.initiator_share * lump).any()
        )
        q = volumes[members]
        alone = costs.standalone_costs(q, cost)
        x = allocate(q, population[members], cost, "population")
        largest = int(np.argmax(population[members]))
        flags["large_needs_compensation"] = bool(
            (alone[largest] - x[largest]) < gain_threshold * alone[largest]
        )
    return flags


def evaluate_conclusions(
    table: pd.DataFrame,
    population: np.ndarray,
    order: Sequence[int],
    small_threshold: float,
    gain_threshold: float,
    max_cells: int = 2_000_000,
) -> pd.DataFrame:
    """:func:`conclusion_flags` for every parameter set (row) of ``table``, vectorised.

    Case volumes are recomputed from population with each row's ``cases_per_capita``. The
    flags equal those of :func:`conclusion_flags` row by row (same operations in the same
    order, on ``(rows, units)`` arrays); ``max_cells`` bounds the size of those arrays
    (rows are processed in chunks).

    Raises
    ------
    ValueError
        The first row that :class:`~ikzlib.costs.CostParams` or :class:`ResourceParams`
        refuses, with its message (as :func:`split_parameters`).
    """
    population = np.asarray(population, dtype=float)
    order = np.asarray(order, dtype=int)
    if len(table) == 0:
        return pd.DataFrame([], columns=list(CONCLUSIONS))
    _check_rows(table)
    cost = costs.CostParamRows.from_table(table)
    resource = {n: table[n].to_numpy(dtype=float) for n in ResourceParams.names()}
    step = max(1, max_cells // max(1, len(population)))
    parts = []
    for start in range(0, len(table), step):
        rows = slice(start, start + step)
        chunk = {n: column[rows] for n, column in resource.items()}
        parts.append(
            _conclusion_arrays(
                cost.take(rows), chunk, population, order, small_threshold, gain_threshold
            )
        )
    flags = {key: np.concatenate([part[key] for part in parts]) for key in CONCLUSIONS}
    return pd.DataFrame(flags, columns=list(CONCLUSIONS))


def _check_rows(table: pd.DataFrame) -> None:
    """Raise :func:`split_parameters`' error for the first row it would refuse."""
    columns = {n: table[n].to_numpy(dtype=float) for n in costs.CostParams.names()}
    bad = costs.invalid_cost_rows(columns)
    for name in ResourceParams.names():
        column = table[name].to_numpy(dtype=float)
        bad |= np.isnan(column) | (column < 0)
    bad |= ~(table["initiator_share"].to_numpy(dtype=float) <= 1)
    if bad.any():
        split_parameters(table.iloc[int(np.argmax(bad))].to_dict())


def _conclusion_arrays(
    cost: costs.CostParamRows,
    resource: dict[str, np.ndarray],
    population: np.ndarray,
    order: np.ndarray,
    small_threshold: float,
    gain_threshold: float,
) -> dict[str, np.ndarray]:
    """:data:`CONCLUSIONS` flags of ``m`` parameter sets, as boolean arrays of length ``m``."""
    volumes, alone, gains = _growth_rows(population, order, cost)
    per_capita = alone / population
    k_star = np.where(gains.max(axis=1) > 0, np.argmax(gains, axis=1) + 1, 1)
    flags = {
        "small_cost_more": per_capita[:, np.argmin(population)]
        > per_capita[:, np.argmax(population)],
        "cooperation_pays": k_star >= 2,
        "interior_optimum": k_star < len(order),
        "small_cannot_initiate": np.ones(len(k_star), dtype=bool),
        "large_needs_compensation": np.zeros(len(k_star), dtype=bool),
    }
    capacity = _capacities(population, resource)
    small = population < small_threshold
    for k in np.unique(k_star[k_star >= 2]):
        rows = np.flatnonzero(k_star == k)
        sub = cost.take(rows)
        lump = costs.exante_cost(k, sub)[:, 0]
        fronted = resource["initiator_share"][rows] * lump
        flags["small_cannot_initiate"][rows] = ~(
            capacity[np.ix_(rows, small)] >= fronted[:, None]
        ).any(axis=1)
        flags["large_needs_compensation"][rows] = _largest_saves_little(
            volumes[rows], alone[rows], population, order[:k], sub, gain_threshold
        )
    return flags


def _growth_rows(
    population: np.ndarray, order: np.ndarray, cost: costs.CostParamRows
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Volumes, stand-alone costs ``(m, n)`` and :func:`~ikzlib.costs.growth_net_gains`
    ``(m, len(order))`` of every parameter set.

    Production costs depend only on :data:`~ikzlib.costs.PRODUCTION_PARAMETERS`; they are
    computed once per distinct combination of those (e.g. 64 instead of 16,384 corners),
    element by element as for a single parameter set.
    """
    _, first, inverse = np.unique(
        _row_codes([getattr(cost, name)[:, 0] for name in costs.PRODUCTION_PARAMETERS]),
        return_index=True,
        return_inverse=True,
    )
    distinct = cost.take(first)
    volumes = costs.case_volumes(population, distinct)
    alone = costs.standalone_costs(volumes, distinct)
    standalone = np.cumsum(alone[:, order], axis=1)
    pooled = costs.production_cost(np.cumsum(volumes[:, order], axis=1), distinct)
    size = np.arange(1, len(order) + 1)
    gains = standalone[inverse] - costs.with_coordination_costs(pooled[inverse], size, cost)
    return volumes[inverse], alone[inverse], gains


def _row_codes(columns: Sequence[np.ndarray]) -> np.ndarray:
    """One integer per row, equal for rows whose values are equal bit for bit."""
    codes = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        values, inverse = np.unique(column.view(np.int64), return_inverse=True)
        codes = np.unique(codes * len(values) + inverse.reshape(-1), return_inverse=True)[1]
    return codes.reshape(-1)


def _capacities(population: np.ndarray, resource: dict[str, np.ndarray]) -> np.ndarray:
    """:func:`exante_capacity` of every unit under every row, ``(m, n)``.

    The power is taken once per distinct ``capacity_beta`` exactly as in
    :func:`exante_capacity` (a scalar exponent may take NumPy's fast paths, e.g. ``sqrt``).
    """
    betas, inverse = np.unique(resource["capacity_beta"], return_inverse=True)
    powers = np.vstack([population ** float(beta) for beta in betas])
    return resource["capacity_kappa"][:, None] * powers[inverse.reshape(-1)]


def _largest_saves_little(
    volumes: np.ndarray,
    alone: np.ndarray,
    population: np.ndarray,
    members: np.ndarray,
    cost: costs.CostParamRows,
    gain_threshold: float,
) -> np.ndarray:
    """Does the largest member save less than ``gain_threshold`` of its stand-alone cost
    under population-proportional sharing of the coalition ``members``? (one flag per row)

    As :func:`allocate` with ``rule="population"``: the coalition's total volume is summed
    per row over a C-contiguous copy, so NumPy sums it as it sums ``volumes[members]``.
    """
    weights = population[members]
    q = np.ascontiguousarray(volumes[:, members])
    total = costs.coalition_cost_each(q.sum(axis=1)[:, None], len(members), cost)[:, 0]
    if (weights < 0).any() or weights.sum() <= 0:
        games.proportional(1.0, weights)  # raises the error allocate raises
    largest = int(np.argmax(weights))
    x_largest = total * weights[largest] / weights.sum()
    alone_largest = alone[:, members[largest]]
    return (alone_largest - x_largest) < gain_threshold * alone_largest


def conclusion_table(flags: pd.DataFrame, corners: pd.DataFrame) -> pd.DataFrame:
    """Share of Monte Carlo draws and of range corners in which each conclusion holds.

    ``flags`` and ``corners`` hold one boolean column per conclusion (rows = parameter sets).
    A conclusion *holds over the whole range* when it holds in every draw and every corner.
    """
    rows = []
    for key, text in CONCLUSIONS.items():
        share_draws = float(flags[key].mean())
        share_corners = float(corners[key].mean())
        robust = share_draws == 1.0 and share_corners == 1.0
        never = share_draws == 0.0 and share_corners == 0.0
        verdict = (
            "holds over the whole range"
            if robust
            else ("fails over the whole range" if never else "depends on assumptions")
        )
        rows.append(
            {
                "conclusion": key,
                "statement": text,
                "share_draws": share_draws,
                "share_corners": share_corners,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows)
