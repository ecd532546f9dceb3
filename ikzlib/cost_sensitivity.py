"""Sensitivity and feasibility findings of the coalition along a growth order (notebook 04).

The sensitivity target is the net gain of the best prefix coalition of a fixed joining order;
the optimal size is reported alongside, so a reader sees whether an assumption changes not only
how much pooling is worth but also how many partners it takes. :func:`feasibility_findings`
collects who can front the set-up cost, what a coalition of small units alone achieves and
how the largest partner fares.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ikzlib import costs, uncertainty


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
class FeasibilityFindings:
    """Feasibility of the optimal coalition, of a small-units-only one and for the largest partner.

    Attributes
    ----------
    table
        :func:`ikzlib.uncertainty.feasibility` of the optimal coalition (``None`` below two
        partners).
    initiation_cost
        Share of the set-up lump the initiating partner fronts alone (EUR; 0 below two partners).
    n_can_initiate
        Members whose capacity covers ``initiation_cost``.
    small_units
        Units below the small threshold considered (largest first, at most ``max_units``).
    small_size
        Partners of the best small-units-only coalition (0 when fewer than two small units).
    small_p_gain, small_expected_gain
        Share of draws with a positive net gain and mean net gain (EUR/year) of that coalition.
    small_max_capacity, small_initiation_cost
        Largest ex-ante capacity among its partners and the cost of initiating it (EUR).
    small_can_initiate
        Whether any of its partners can front ``small_initiation_cost``.
    largest_name
        Largest member of the optimal coalition (``None`` below two partners).
    largest_saving_rate_population, largest_saving_rate_rule
        Its saving as a share of its stand-alone cost under population shares and under the
        chosen rule.
    largest_compensation_needed
        Side payment (EUR/year) lifting its population-share saving to the gain threshold.
    """

    table: pd.DataFrame | None
    initiation_cost: float
    n_can_initiate: int
    small_units: list[int]
    small_size: int
    small_p_gain: float
    small_expected_gain: float
    small_max_capacity: float
    small_initiation_cost: float
    small_can_initiate: bool
    largest_name: str | None
    largest_saving_rate_population: float | None
    largest_saving_rate_rule: float | None
    largest_compensation_needed: float | None

    def summary_values(self) -> dict[str, Any]:
        """Flat key figures for :func:`ikzlib.summary.record` (rates rounded, "n/a" if unknown)."""
        largest = {
            "largest_saving_rate_population": self.largest_saving_rate_population,
            "largest_saving_rate_rule": self.largest_saving_rate_rule,
            "largest_compensation_needed": self.largest_compensation_needed,
        }
        return {
            "small_only_size": self.small_size,
            "small_only_p_gain": self.small_p_gain,
            "small_only_expected_gain": self.small_expected_gain,
            "small_only_can_initiate": self.small_can_initiate,
            **{k: (round(v, 6) if v is not None else "n/a") for k, v in largest.items()},
        }


def feasibility_findings(
    volumes: np.ndarray,
    population: np.ndarray,
    order: Sequence[int],
    members: Sequence[int],
    allocation: pd.DataFrame,
    draws: pd.DataFrame,
    params: costs.CostParams,
    resource: uncertainty.ResourceParams,
    rule: str,
    names: Sequence[str],
    small_threshold: float,
    gain_threshold: float,
    max_units: int,
) -> FeasibilityFindings:
    """Who can initiate the optimal coalition, what small units achieve alone, the largest partner.

    Parameters
    ----------
    volumes, population
        Case volume and population of all units.
    order
        Joining order (unit indices); the small units are taken in this order.
    members
        Indices of the optimal coalition (fewer than two: no coalition).
    allocation
        One row per member, in the order of ``members``, with ``name``, ``standalone``,
        ``population`` and ``rule`` columns (cost shares, EUR/year).
    draws
        Parameter draws (:func:`ikzlib.uncertainty.draw_parameters`) for the small coalition.
    params, resource
        Cost and ex-ante resource parameters.
    rule
        Division rule of the analysis (:data:`ikzlib.uncertainty.RULES`).
    names
        Names of all units.
    small_threshold
        Units with fewer inhabitants count as small.
    gain_threshold
        Saving share of the stand-alone cost the largest partner should at least reach.
    max_units
        At most this many small units enter the exhaustive search (2**max_units coalitions).

    Returns
    -------
    FeasibilityFindings
    """
    population = np.asarray(population, dtype=float)
    members = list(members)
    table, initiation, n_initiate = None, 0.0, 0
    largest: dict[str, Any] = dict.fromkeys(
        ["name", "rate_population", "rate_rule", "compensation"]
    )
    if len(members) >= 2:
        table = uncertainty.feasibility(volumes, population, members, params, resource, rule, names)
        initiation = resource.initiator_share * float(costs.exante_cost(len(members), params))
        n_initiate = int(table["can_initiate"].sum())
        lead = allocation.iloc[int(np.argmax(population[members]))]
        alone = lead["standalone"]
        saving_population = alone - lead["population"]
        largest = {
            "name": str(lead["name"]),
            "rate_population": float(1 - lead["population"] / alone),
            "rate_rule": float(1 - lead[rule] / alone),
            # why: the side payment that lifts the saving under population shares to the threshold
            "compensation": float(max(0.0, gain_threshold * alone - saving_population)),
        }

    small_units = [i for i in order if population[i] < small_threshold][:max_units]
    small = {"size": 0, "p": 0.0, "mean": 0.0, "capacity": 0.0, "initiation": 0.0, "ok": False}
    if len(small_units) >= 2:
        best_small = costs.best_coalitions_by_size(np.asarray(volumes)[small_units], params)
        row = best_small.loc[best_small["net_gain"].idxmax()]
        chosen = [small_units[i] for i in costs.mask_members(int(row["mask"]), len(small_units))]
        sims = uncertainty.simulate_payoffs(volumes, population, chosen, draws, "equal")
        small_initiation = resource.initiator_share * float(costs.exante_cost(len(chosen), params))
        capacity = uncertainty.exante_capacity(population[chosen], resource)
        small = {
            "size": len(chosen),
            "p": float((sims["net_gain"] > 0).mean()),
            "mean": float(sims["net_gain"].mean()),
            "capacity": float(capacity.max()),
            "initiation": small_initiation,
            "ok": bool((capacity >= small_initiation).any()),
        }
    return FeasibilityFindings(
        table=table,
        initiation_cost=initiation,
        n_can_initiate=n_initiate,
        small_units=small_units,
        small_size=small["size"],
        small_p_gain=small["p"],
        small_expected_gain=small["mean"],
        small_max_capacity=small["capacity"],
        small_initiation_cost=small["initiation"],
        small_can_initiate=small["ok"],
        largest_name=largest["name"],
        largest_saving_rate_population=largest["rate_population"],
        largest_saving_rate_rule=largest["rate_rule"],
        largest_compensation_needed=largest["compensation"],
    )
