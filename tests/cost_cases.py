"""A three-unit cost case shared by the notebook-04 tests, small enough to check by hand."""

from __future__ import annotations

import numpy as np

from ikzlib import costs

PARAMS = costs.CostParams(
    fixed_cost=50_000,
    unit_cost=100,
    reference_volume=1_000,
    scale_elasticity=0.2,
    transaction_per_partner=2_000,
    transaction_per_pair=1_000,
    exante_fixed=20_000,
    exante_per_partner=5_000,
    cases_per_capita=0.05,
)
POPULATION = np.array([40_000.0, 3_000.0, 12_000.0])
