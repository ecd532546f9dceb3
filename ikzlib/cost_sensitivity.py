"""Sensitivity and feasibility findings of the coalition along a growth order.

The sensitivity target is the net gain of the best prefix coalition of a fixed joining order;
the optimal size is reported alongside, so a reader sees whether an assumption changes not only
how much pooling is worth but also how many partners it takes. :func:`feasibility_findings`
collects who can front the set-up cost, what a coalition of small units alone achieves and
how the largest partner fares. Its inputs are three small records: the :class:`Units` of a
district, the :class:`Coalition` under study and the :class:`Thresholds` of the analysis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ikzlib import costs, uncertainty


@dataclass(frozen=True, eq=False)
class Units:
    """The actors of the cost model: administrative units with population and case volume.

    Attributes
    ----------
    names
        Unit names.
    population
        Inhabitants per unit.
    volumes
        Case volume per unit (cases/year, :func:`ikzlib.costs.case_volumes`).
    """

    names: tuple[str, ...]
    population: np.ndarray
    volumes: np.ndarray

    def __len__(self) -> int:
        return len(self.names)

    def pick(self, indices: Sequence[int]) -> list[str]:
        """Names of the units ``indices``, in that order."""
        return [self.names[i] for i in indices]


@dataclass(frozen=True, eq=False)
class Coalition:
    """The coalition under study: a joining order, its optimal prefix and the cost division.

    Attributes
    ----------
    order
        Joining order (unit indices); small units are taken in this order too.
    members
        Indices of the optimal coalition (fewer than two: no coalition).
    allocation
        One row per member, in the order of ``members``, with ``name``, ``standalone``,
        ``population`` and one column per rule (cost shares, EUR/year); ``None`` without a
        coalition.
    """

    order: tuple[int, ...]
    members: tuple[int, ...]
    allocation: pd.DataFrame | None = None

    @property
    def exists(self) -> bool:
        """Whether there is a coalition of at least two partners."""
        return len(self.members) >= 2


@dataclass(frozen=True)
class Thresholds:
    """Settings of the feasibility questions.

    Attributes
    ----------
    rule
        Division rule of the analysis (:data:`ikzlib.uncertainty.RULES`).
    small_threshold
        Units with fewer inhabitants count as small.
    gain_threshold
        Saving share of the stand-alone cost the largest partner should at least reach.
    max_units
        At most this many small units enter the exhaustive search (2**max_units coalitions).
    """

    rule: str
    small_threshold: float
    gain_threshold: float
    max_units: int


def _growth_gains(
    values: dict[str, float], population: np.ndarray, order: Sequence[int]
) -> np.ndarray:
    """Net gain of every prefix ``order[:k]`` under the parameter values ``values``."""
    cost, _ = uncertainty.split_parameters(values)
    return costs.growth_net_gains(costs.case_volumes(population, cost), order, cost)


def best_net_gain(values: dict[str, float], population: np.ndarray, order: Sequence[int]) -> float:
    """Net gain (EUR/year) of the best prefix coalition, 0 when none gains.

    Parameters
    ----------
    values
        Full parameter dict (as :func:`ikzlib.uncertainty.numeric_parameters`).
    population
        Inhabitants of all units.
    order
        Joining order (unit indices).
    """
    return float(max(_growth_gains(values, population, order).max(), 0.0))


def best_size(values: dict[str, float], population: np.ndarray, order: Sequence[int]) -> float:
    """Size of the best prefix coalition, 1 (going alone) when none gains.

    Parameters are as in :func:`best_net_gain`.
    """
    gains = _growth_gains(values, population, order)
    return float(np.argmax(gains) + 1 if gains.max() > 0 else 1)


def growth_sensitivity(
    model: uncertainty.Scenario, population: np.ndarray, order: Sequence[int]
) -> pd.DataFrame:
    """Tornado table of the best net gain over the ranged cost parameters, with sizes.

    Parameters
    ----------
    model
        Scenario with values and ``ranges`` (:func:`ikzlib.uncertainty.load_scenarios`).
    population
        Inhabitants of all units.
    order
        Joining order (unit indices).

    Returns
    -------
    pandas.DataFrame
        :func:`ikzlib.uncertainty.tornado` of :func:`best_net_gain` plus ``size_low`` and
        ``size_high``: the optimal size with the parameter at its low and high end.
    """
    population = np.asarray(population, dtype=float)
    cost_names = costs.CostParams.names()
    ranges = {k: v for k, v in model.ranges.items() if k in cost_names}
    base = uncertainty.numeric_parameters(model)
    table = uncertainty.tornado(
        partial(best_net_gain, population=population, order=order), base, ranges
    )
    sizes = uncertainty.tornado(
        partial(best_size, population=population, order=order), base, ranges
    ).set_index("parameter")
    table["size_low"] = table["parameter"].map(sizes["metric_low"]).astype(int)
    table["size_high"] = table["parameter"].map(sizes["metric_high"]).astype(int)
    return table


@dataclass(frozen=True)
class SmallCoalition:
    """The best coalition of small units alone, over the Monte Carlo draws.

    Attributes
    ----------
    members
        Its partners (unit indices).
    p_gain, expected_gain
        Share of draws with a positive net gain and mean net gain (EUR/year).
    max_capacity
        Largest ex-ante capacity among its partners (EUR).
    initiation_cost
        Share of its set-up lump the initiating partner fronts alone (EUR).
    can_initiate
        Whether any of its partners can front ``initiation_cost``.
    """

    members: tuple[int, ...]
    p_gain: float
    expected_gain: float
    max_capacity: float
    initiation_cost: float
    can_initiate: bool

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class LargestPartner:
    """How the largest member of the optimal coalition fares.

    Attributes
    ----------
    name
        Its name.
    saving_rate_population, saving_rate_rule
        Its saving as a share of its stand-alone cost under population shares and under the
        chosen rule.
    compensation_needed
        Side payment (EUR/year) lifting its population-share saving to the gain threshold.
    """

    name: str
    saving_rate_population: float
    saving_rate_rule: float
    compensation_needed: float


@dataclass(frozen=True, eq=False)
class FeasibilityFindings:
    """Feasibility of the optimal coalition, of a small-units-only one and for the largest partner.

    Attributes
    ----------
    table
        :func:`ikzlib.uncertainty.feasibility` of the optimal coalition (``None`` below two
        partners).
    initiation_cost
        Share of the set-up lump the initiating partner fronts alone (EUR; ``None`` below two
        partners).
    n_can_initiate
        Members whose capacity covers ``initiation_cost`` (``None`` below two partners).
    small_units
        Units below the small threshold considered (in joining order, at most ``max_units``).
    small
        The best small-units-only coalition; ``None`` when fewer than two small units or no
        coalition of them gains.
    largest
        The largest partner of the optimal coalition (``None`` below two partners).
    """

    table: pd.DataFrame | None
    initiation_cost: float | None
    n_can_initiate: int | None
    small_units: tuple[int, ...]
    small: SmallCoalition | None
    largest: LargestPartner | None

    def summary_values(self) -> dict[str, Any]:
        """Key figures ``small_only_*`` and ``largest_*``; absent where there is no coalition."""
        values: dict[str, Any] = {}
        if self.small is not None:
            values |= {
                "small_only_size": self.small.size,
                "small_only_p_gain": self.small.p_gain,
                "small_only_expected_gain": self.small.expected_gain,
                "small_only_can_initiate": self.small.can_initiate,
            }
        if self.largest is not None:
            values |= {
                "largest_saving_rate_population": self.largest.saving_rate_population,
                "largest_saving_rate_rule": self.largest.saving_rate_rule,
                "largest_compensation_needed": self.largest.compensation_needed,
            }
        return values


def feasibility_findings(
    units: Units,
    coalition: Coalition,
    model: uncertainty.Scenario,
    draws: pd.DataFrame,
    thresholds: Thresholds,
) -> FeasibilityFindings:
    """Who can initiate the optimal coalition, what small units achieve alone, the largest partner.

    Parameters
    ----------
    units
        Names, population and case volume of all units.
    coalition
        Joining order, optimal coalition and its cost division.
    model
        Scenario with the cost and ex-ante resource parameters.
    draws
        Parameter draws (:func:`ikzlib.uncertainty.draw_parameters`) for the small coalition.
    thresholds
        Division rule, small-unit and gain thresholds, size limit of the exhaustive search.

    Returns
    -------
    FeasibilityFindings
    """
    table, initiation, n_initiate = None, None, None
    if coalition.exists:
        table = uncertainty.feasibility(
            units.volumes,
            units.population,
            list(coalition.members),
            model.cost,
            model.resource,
            thresholds.rule,
            units.names,
        )
        initiation = _initiation_cost(len(coalition.members), model)
        n_initiate = int(table["can_initiate"].sum())
    small_units = tuple(
        i for i in coalition.order if units.population[i] < thresholds.small_threshold
    )[: thresholds.max_units]
    return FeasibilityFindings(
        table=table,
        initiation_cost=initiation,
        n_can_initiate=n_initiate,
        small_units=small_units,
        small=small_coalition(units, small_units, model, draws),
        largest=largest_partner(units, coalition, thresholds),
    )


def _initiation_cost(size: int, model: uncertainty.Scenario) -> float:
    """What the initiating partner of a coalition of ``size`` fronts alone (EUR)."""
    return model.resource.initiator_share * float(costs.exante_cost(size, model.cost))


def small_coalition(
    units: Units, candidates: Sequence[int], model: uncertainty.Scenario, draws: pd.DataFrame
) -> SmallCoalition | None:
    """The best coalition of the ``candidates`` alone (exhaustive search), over the draws.

    ``None`` when fewer than two candidates or no coalition of them has a positive net gain
    at the scenario's values. Savings are divided equally in the draws (the net gain does not
    depend on the rule).
    """
    candidates = list(candidates)
    if len(candidates) < 2:
        return None
    best = costs.best_coalitions_by_size(units.volumes[candidates], model.cost)
    row = best.loc[best["net_gain"].idxmax()]
    chosen = [candidates[i] for i in costs.mask_members(int(row["mask"]), len(candidates))]
    if row["net_gain"] <= 0 or len(chosen) < 2:
        return None
    sims = uncertainty.simulate_payoffs(units.population, chosen, draws, "equal")
    initiation = _initiation_cost(len(chosen), model)
    capacity = uncertainty.exante_capacity(units.population[chosen], model.resource)
    return SmallCoalition(
        members=tuple(chosen),
        p_gain=float((sims["net_gain"] > 0).mean()),
        expected_gain=float(sims["net_gain"].mean()),
        max_capacity=float(capacity.max()),
        initiation_cost=initiation,
        can_initiate=bool((capacity >= initiation).any()),
    )


def largest_partner(
    units: Units, coalition: Coalition, thresholds: Thresholds
) -> LargestPartner | None:
    """Saving of the most populous member under population shares and under the rule.

    ``None`` without a coalition or allocation table.
    """
    if not coalition.exists or coalition.allocation is None:
        return None
    members = list(coalition.members)
    lead = coalition.allocation.iloc[int(np.argmax(units.population[members]))]
    alone = float(lead["standalone"])
    saving_population = alone - float(lead["population"])
    return LargestPartner(
        name=str(lead["name"]),
        saving_rate_population=float(1 - lead["population"] / alone),
        saving_rate_rule=float(1 - lead[thresholds.rule] / alone),
        # why: the side payment that lifts the saving under population shares to the threshold
        compensation_needed=float(max(0.0, thresholds.gain_threshold * alone - saving_population)),
    )
