"""One-at-a-time sensitivity of the coalition along a growth order (notebook 04).

The target is the net gain of the best prefix coalition of a fixed joining order; the
optimal size is reported alongside, so a reader sees whether an assumption changes not only
how much pooling is worth but also how many partners it takes.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

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
