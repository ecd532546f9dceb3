"""Study ``transaction_costs`` (notebook ``04_transaction_costs``): pooling a task, its
transaction costs and the division of the gain.

The transaction-cost argument of the suite's method source (section 2.2 of the IKZ case
study): pooling a task brings scale and specialisation gains with diminishing returns,
coordination costs grow with the number of partners, much of them before any gain arrives, and
a cooperation lasts only if the partners accept how the gain is divided. :func:`run` applies
the cost model of :mod:`ikzlib.costs` with a scenario of ``data/raw/scenarios.csv`` to the
administrative units of a district:

1. growth paths: the scenario's initial partners (where they are units of the district), then
   the others largest first (and smallest first, for contrast); optimal, break-even and
   largest viable size (:func:`growth_paths`);
2. exhaustive search for the best coalition of every size over the first
   ``max_exact_players`` units of the growth order (:func:`exhaustive_search`);
3. stand-alone cost per inhabitant (:func:`per_capita_table`);
4. division of the optimal coalition's cost by every rule, with core, least core and nucleolus
   up to :data:`ikzlib.games.MAX_LP_PLAYERS` partners and a sampled Shapley value beyond
   (:func:`divide_costs`);
5. Monte Carlo pay-off probabilities per partner (:func:`simulate`);
6. feasibility of the set-up phase (:func:`ikzlib.cost_sensitivity.feasibility_findings`);
7. one-at-a-time sensitivity (:func:`ikzlib.cost_sensitivity.growth_sensitivity`) and which
   qualitative conclusions hold over the whole parameter range (:func:`robustness`).

Every number that rests on a parameter marked ``illustrative`` in the scenario table is
reported with kind ``illustrative``; a run whose parameter values (and, for the Monte Carlo
figures, ranges) are all sourced or overridden reports kind ``model``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ikzlib import costs, games, uncertainty
from ikzlib.catalog import District, resolve
from ikzlib.cost_sensitivity import (
    Coalition,
    FeasibilityFindings,
    Thresholds,
    Units,
    feasibility_findings,
    growth_sensitivity,
)
from ikzlib.display import Table, TableSpec
from ikzlib.errors import ParameterError
from ikzlib.i18n import Message, Number, register, tr
from ikzlib.keyfigures import KeyFigure, KeyFigures, Kind, Reported, Section
from ikzlib.municipalities import (
    administrative_units,
    load_municipalities,
    size_class,
    source_summary,
)
from ikzlib.studies.base import Study, check_choice, check_number

PARAMETERS = tuple(costs.CostParams.names() + uncertainty.ResourceParams.names())
# games.EXACT_RULES without "least_core": its canonical point is the prenucleolus (same column).
EXACT_RULES = tuple(rule for rule in games.EXACT_RULES if rule != "least_core")
MAX_EXHAUSTIVE = 20  # units in the exhaustive search (2**20 coalitions)
PARTS = ("units", "growth", "allocation", "simulation", "feasibility", "robustness", "reading")

# EUR amounts to thousands: one illustrative parameter moved within its range changes the net
# gain of the optimal coalition by 5,000 to 500,000 EUR/year (tornado), so even the hundreds
# digit would claim a precision the inputs do not have.
_AMOUNT = -3
_MODEL = "ikz transaction-cost model (ikzlib.costs), parameters of data/raw/scenarios.csv"
_MONTE_CARLO = "Monte Carlo over the parameter ranges of data/raw/scenarios.csv"
_SETTING = "setting of the study (notebook parameter)"
_UNITS = "municipalities.csv (Destatis GV-ISys) aggregated to administrative units"


def _estimate(
    name: str, label: str, unit: str = "", decimals: int | None = 0, **options: Any
) -> KeyFigure:
    """A figure computed with the scenario's parameters: illustrative unless all are sourced."""
    options.setdefault("source", _MODEL)
    return KeyFigure(name, label, unit, decimals, Kind.ILLUSTRATIVE, kinds=(Kind.MODEL,), **options)


def _setting(name: str, label: str, decimals: int | None = None) -> KeyFigure:
    return KeyFigure(name, label, "", decimals, Kind.MODEL, _SETTING)


SECTION = Section(
    "transaction_costs",
    "Transaction costs and gain sharing",
    (
        _setting("scenario", "Scenario (task and parameter set)"),
        KeyFigure("n_units", "Administrative units", "", 0, Kind.DERIVED, _UNITS),
        _estimate("optimal_size", "Optimal coalition size (growth order)", headline=True),
        _estimate("break_even_size", "Smallest coalition with a net gain", headline=True),
        _estimate("max_viable_size", "Largest coalition with a net gain"),
        _estimate("optimal_size_exhaustive", "Optimal coalition size (exhaustive search)"),
        _estimate("break_even_size_exhaustive", "Smallest coalition with a net gain (exhaustive)"),
        KeyFigure(
            "exhaustive_units",
            "Units in the exhaustive search",
            kind=Kind.MODEL,
            source="the first max_exact_players units of the growth order",
        ),
        _estimate(
            "optimal_net_gain_eur",
            "Net gain of the optimal coalition",
            "EUR/year",
            decimals=_AMOUNT,
            headline=True,
        ),
        _estimate("exante_lump_eur", "Set-up cost of the optimal coalition", "EUR", _AMOUNT),
        _estimate("core_nonempty_at_optimum", "Core of the optimal coalition non-empty", None),
        _estimate("largest_stable_size", "Largest growth prefix with a non-empty core"),
        _estimate(
            "p_net_gain_positive",
            "Probability that the optimal coalition gains",
            decimals=0,
            percent=True,
            source=_MONTE_CARLO,
            headline=True,
        ),
        _estimate(
            "share_partners_p_pays_off_gt_half",
            "Partners who save with probability > 0.5",
            percent=True,
            source=_MONTE_CARLO,
        ),
        _setting("allocation_rule", "Division rule of the analysis"),
        _estimate("small_only_size", "Best coalition of small units alone (partners)"),
        _estimate(
            "small_only_p_gain",
            "Probability that the small-units coalition gains",
            decimals=0,
            percent=True,
            source=_MONTE_CARLO,
        ),
        _estimate(
            "small_only_expected_gain",
            "Expected net gain of the small-units coalition",
            "EUR/year",
            _AMOUNT,
            source=_MONTE_CARLO,
        ),
        _estimate("small_only_can_initiate", "A small unit can initiate that coalition", None),
        _estimate(
            "largest_saving_rate_population",
            "Saving of the largest partner, population shares",
            decimals=0,
            percent=True,
        ),
        _estimate(
            "largest_saving_rate_rule",
            "Saving of the largest partner, chosen rule",
            decimals=0,
            percent=True,
        ),
        _estimate(
            "largest_compensation_needed",
            "Side payment the largest partner needs",
            "EUR/year",
            _AMOUNT,
        ),
        _estimate(
            "n_robust_conclusions",
            "Conclusions holding over the whole parameter range",
            f"of {len(uncertainty.CONCLUSIONS)}",
            source=f"{_MONTE_CARLO} and every corner of the ranges",
        ),
        _setting("n_draws", "Monte Carlo draws", 0),
        _setting("seed", "Random seed"),
    ),
    order=40,
    notebook="04_transaction_costs",
)
# figures that rest on the parameter ranges (draws, corners), not only on the values
_RANGE_FIGURES = frozenset(
    {
        "p_net_gain_positive",
        "share_partners_p_pays_off_gt_half",
        "small_only_p_gain",
        "small_only_expected_gain",
        "n_robust_conclusions",
    }
)

# Readable names of the division rules (tables, legends); a rule without one shows its key.
RULE_LABELS = {
    "population": "population shares",
    "volume": "case-volume shares",
    "equal": "equal split",
    "shapley": "Shapley value",
    "banzhaf": "Banzhaf value (normalised)",
    "tau": "τ-value",
    "scrb": "SCRB",
    "prenucleolus": "prenucleolus (least-core centre)",
    "nucleolus": "nucleolus (no one above stand-alone)",
}
# Readable names of the model parameters (the parameter table of the notebook).
PARAMETER_LABELS = {
    "cases_per_capita": "cases per inhabitant",
    "fixed_cost": "fixed cost F per office",
    "unit_cost": "unit cost v at the reference volume",
    "reference_volume": "reference volume q_ref",
    "scale_elasticity": "scale elasticity e",
    "capacity": "capacity per office",
    "transaction_per_partner": "transaction cost per partner",
    "transaction_per_pair": "transaction cost per pair of partners",
    "exante_fixed": "set-up cost per coalition",
    "exante_per_partner": "set-up cost per partner",
    "horizon_years": "horizon H for annualising set-up costs",
    "discount_rate": "discount rate r",
    "capacity_kappa": "capacity scale κ",
    "capacity_beta": "capacity elasticity β",
    "initiator_share": "share fronted by the initiator",
}


def rule_label(rule: str) -> str:
    """The readable name of a division rule (English; translate with :func:`~ikzlib.i18n.tr`)."""
    return RULE_LABELS.get(rule, rule.replace("_", " "))


_PAYOFF = {
    "p_pays_off": "Probability of a saving, chosen rule",
    "p_pays_off_population_rule": "Probability of a saving, population shares",
    "mean_saving": "Mean saving (EUR/year)",
}
# What :meth:`CostStudy.table` shows of each table: ``columns`` (raw name -> English label, in
# display order; ``None``: the labels of :attr:`Allocation.columns`), ``decimals`` and
# ``translate`` as :func:`ikzlib.display.table` takes them, and the ``caption``, which
# :meth:`CostStudy.caption` prefixes with the kind of the parameters (of their ranges when
# ``ranges``). Amounts have decimals -3: rounded to thousands, the precision of the key figures.
_TABLE_SPECS: dict[str, dict[str, Any]] = {
    "parameters": {
        "columns": {
            "label": "Parameter",
            "value": "Value",
            "low": "Range low",
            "high": "Range high",
            "unit": "Unit of measure",
            "status": "Status",
        },
        "translate": ("label", "unit", "status"),
        "caption": "parameters of the scenario",
    },
    "growth": {
        "columns": {
            "size": "Partners k",
            "added": "Joining unit",
            "gross_gain": "Gross gain (EUR/year)",
            "transaction": "Transaction cost (EUR/year)",
            "exante_annual": "Annualised set-up cost (EUR/year)",
            "net_gain": "Net gain (EUR/year)",
        },
        "decimals": _AMOUNT,
        "caption": "growth of the coalition, amounts rounded to thousands",
    },
    "per_capita": {
        "columns": {
            "name": "Administrative unit",
            "size_class": "Size class",
            "population": "Inhabitants",
            "cost_per_capita": "Stand-alone cost per inhabitant (EUR/year)",
            "cost_per_case": "Cost per case (EUR)",
            "fixed_share": "Fixed-cost share",
        },
        "decimals": {"population": 0, "cost_per_capita": 0, "cost_per_case": -2},
        "caption": "stand-alone cost of each unit (computed, not observed)",
    },
    "rules": {
        "columns": {
            "label": "Rule",
            "total": "Total cost (EUR/year)",
            "in_core": "In the core",
            "max_excess": "Largest surplus of a group (EUR/year)",
            "partners_losing": "Partners paying more than alone",
        },
        # a count, but float: NaN where a rule is undefined for the game
        "decimals": {"total": _AMOUNT, "max_excess": _AMOUNT, "partners_losing": 0},
        "translate": ("label",),
        "caption": "division rules compared",
    },
    "allocation": {
        "columns": None,
        "decimals": _AMOUNT,
        "caption": "cost share of each partner by rule (EUR/year)",
    },
    "payoff_by_size_class": {
        "columns": {"size_class": "Size class", "partners": "Partners", **_PAYOFF},
        "decimals": {"mean_saving": _AMOUNT},
        "caption": "pay-off by size class",
        "ranges": True,
    },
    "payoff": {
        "columns": {
            "name": "Partner",
            "size_class": "Size class",
            "population": "Inhabitants",
            **_PAYOFF,
            "q05_saving": "5 % quantile (EUR/year)",
            "q95_saving": "95 % quantile (EUR/year)",
        },
        "decimals": {
            "population": 0,
            "mean_saving": _AMOUNT,
            "q05_saving": _AMOUNT,
            "q95_saving": _AMOUNT,
        },
        "caption": "pay-off of each partner",
        "ranges": True,
    },
    "feasibility": {
        "columns": {
            "name": "Partner",
            "population": "Inhabitants",
            "standalone": "Stand-alone cost (EUR/year)",
            "allocation": "Cost share, chosen rule (EUR/year)",
            "saving": "Saving (EUR/year)",
            "saving_rate": "Saving, share of stand-alone cost",
            "exante_share": "Share of the set-up cost (EUR)",
            "capacity": "Strategic capacity K (EUR)",
            "can_carry": "Can carry its share",
            "can_initiate": "Can initiate",
        },
        "decimals": {
            "population": 0,
            **dict.fromkeys(
                ("standalone", "allocation", "saving", "exante_share", "capacity"), _AMOUNT
            ),
        },
        "caption": "set-up phase of the optimal coalition",
    },
    "sensitivity": {
        "columns": {
            "label": "Parameter",
            "metric_low": "Net gain, parameter low (EUR/year)",
            "metric_high": "Net gain, parameter high (EUR/year)",
            "swing": "Swing (EUR/year)",
            "size_low": "Optimal size, parameter low",
            "size_high": "Optimal size, parameter high",
        },
        "decimals": _AMOUNT,
        "translate": ("label",),
        "caption": "one parameter at a time",
        "ranges": True,
    },
    "robustness": {
        "columns": {
            "statement": "Conclusion",
            "share_draws": "Share of draws",
            "share_corners": "Share of corners",
            "verdict": "Verdict",
        },
        "decimals": 3,
        "translate": ("statement", "verdict"),
        "caption": "which conclusions hold over the ranges",
        "ranges": True,
    },
}
TABLES = {name: TableSpec(**spec) for name, spec in _TABLE_SPECS.items()}


# ---------------------------------------------------------------------------------------------
# parameters


@dataclass(frozen=True)
class CostSettings:
    """The analysis settings of a run (everything but the model parameters).

    See :func:`run` for the meaning of each field.
    """

    scenario: str
    allocation_rule: str
    small_threshold: float
    gain_threshold: float
    max_exact_players: int
    n_permutations: int
    n_draws: int
    distribution: str
    seed: int

    def checked(self, scenarios: Mapping[str, uncertainty.Scenario]) -> CostSettings:
        """A validated copy; :class:`~ikzlib.errors.ParameterError` names a bad setting."""
        return CostSettings(
            scenario=check_choice("scenario", self.scenario, scenarios),
            allocation_rule=check_choice(
                "allocation_rule", self.allocation_rule, uncertainty.RULES
            ),
            small_threshold=check_number(
                "small_threshold", self.small_threshold, minimum=0, exclusive_minimum=True
            ),
            gain_threshold=check_number(
                "gain_threshold", self.gain_threshold, minimum=0, maximum=1
            ),
            max_exact_players=check_number(
                "max_exact_players",
                self.max_exact_players,
                minimum=2,
                maximum=MAX_EXHAUSTIVE,
                integer=True,
            ),
            n_permutations=check_number(
                "n_permutations", self.n_permutations, minimum=1, maximum=1_000_000, integer=True
            ),
            n_draws=check_number("n_draws", self.n_draws, minimum=1, maximum=100_000, integer=True),
            distribution=check_choice("distribution", self.distribution, uncertainty.DISTRIBUTIONS),
            seed=check_number("seed", self.seed, minimum=0, integer=True),
        )

    @property
    def thresholds(self) -> Thresholds:
        """The settings of the feasibility questions."""
        return Thresholds(
            self.allocation_rule, self.small_threshold, self.gain_threshold, self.max_exact_players
        )


def apply_overrides(
    base: uncertainty.Scenario, overrides: Mapping[str, float | None] | None
) -> uncertainty.Scenario:
    """The scenario with the given parameter values (``None``: keep the scenario's value).

    Raises
    ------
    ParameterError
        An unknown parameter name or a value the cost model refuses.
    """
    if overrides is None:
        return base
    if not isinstance(overrides, Mapping):
        raise ParameterError(f"overrides must map parameter names to numbers, not {overrides!r}")
    unknown = sorted(set(overrides) - set(PARAMETERS))
    if unknown:
        raise ParameterError(
            f"unknown model parameter(s) {', '.join(map(str, unknown))}; "
            f"the parameters are {', '.join(PARAMETERS)}"
        )
    values = {
        name: None if value is None else check_number(name, value, minimum=0)
        for name, value in overrides.items()
    }
    try:
        return base.with_overrides(values)
    except ValueError as exc:
        raise ParameterError(f"model parameters: {exc}") from None


@dataclass(frozen=True)
class ParameterStatus:
    """Which parameters of a run are illustrative (invented) rather than sourced or given.

    Attributes
    ----------
    values
        Numeric parameters whose value is illustrative.
    ranges
        Ranged parameters whose range (low/high of the scenario table) is illustrative; an
        overridden value keeps the table's range, widened to include it.
    """

    values: tuple[str, ...]
    ranges: tuple[str, ...]

    @classmethod
    def of(cls, base: uncertainty.Scenario, model: uncertainty.Scenario) -> ParameterStatus:
        """Status of the run ``model`` (``base`` with overrides)."""
        given = model.provenance.set_index("parameter")["status"]
        table = base.provenance.set_index("parameter")["status"]
        return cls(
            values=tuple(n for n in PARAMETERS if given.get(n) == "illustrative"),
            ranges=tuple(
                n for n in PARAMETERS if n in model.ranges and table.get(n) == "illustrative"
            ),
        )

    @property
    def point_kind(self) -> Kind:
        """Kind of figures computed from the parameter values."""
        return Kind.ILLUSTRATIVE if self.values else Kind.MODEL

    @property
    def range_kind(self) -> Kind:
        """Kind of figures computed from draws or corners of the parameter ranges."""
        return Kind.ILLUSTRATIVE if self.values or self.ranges else Kind.MODEL


# ---------------------------------------------------------------------------------------------
# result records


@dataclass(frozen=True, eq=False)
class GrowthPaths:
    """A coalition grown one partner at a time, from the initial partners on.

    Attributes
    ----------
    initial
        Units named as initial partners by the scenario's sources and found in the district.
    missing_partners
        Named initial partners that are not units of the district.
    order, reverse
        Joining orders: initial partners, then the others largest first / smallest first.
    path, path_small
        :func:`ikzlib.costs.growth_path` along ``order`` and ``reverse``.
    optimal_size, break_even_size, max_viable_size
        Along ``order`` (:func:`ikzlib.costs.optimal_size` etc.; ``None``: no such size).
    """

    initial: tuple[int, ...]
    missing_partners: tuple[str, ...]
    order: tuple[int, ...]
    reverse: tuple[int, ...]
    path: pd.DataFrame
    path_small: pd.DataFrame
    optimal_size: int
    break_even_size: int | None
    max_viable_size: int | None

    @property
    def pays(self) -> bool:
        """Whether some coalition along ``order`` has a positive net gain."""
        return self.optimal_size >= 2

    @property
    def members(self) -> tuple[int, ...]:
        """The optimal coalition (a single unit when none gains)."""
        return self.order[: self.optimal_size]

    @property
    def optimum(self) -> pd.Series:
        """The row of ``path`` at the optimal size."""
        return self.path.iloc[self.optimal_size - 1]

    def table(self) -> pd.DataFrame:
        """The growth path's money columns (EUR/year), one row per size."""
        return self.path[
            ["size", "added", "gross_gain", "transaction", "exante_annual", "net_gain"]
        ]


@dataclass(frozen=True, eq=False)
class ExhaustiveSearch:
    """The best coalition of every size among the first units of the growth order.

    Attributes
    ----------
    units
        Units searched (the first ``max_exact_players`` of the growth order).
    best
        :func:`ikzlib.costs.best_coalitions_by_size` over them.
    optimal_size, break_even_size
        Size of the best coalition (1: none gains) and smallest size with a positive net gain.
    """

    units: tuple[int, ...]
    best: pd.DataFrame
    optimal_size: int
    break_even_size: int | None

    @property
    def best_row(self) -> pd.Series:
        """The row of ``best`` with the largest net gain."""
        return self.best.loc[self.best["net_gain"].idxmax()]


@dataclass(frozen=True, eq=False)
class Allocation:
    """The cost of the optimal coalition divided by every rule.

    Attributes
    ----------
    table
        One row per partner: ``name``, ``standalone`` and one cost column per rule (EUR/year).
    rules
        The rule columns of ``table``.
    rule_table
        :func:`ikzlib.games.rule_summary` (total, core membership, largest excess, partners
        losing per rule) with the readable ``label`` of each rule; beyond
        :data:`ikzlib.games.MAX_LP_PLAYERS` partners only total and partners losing.
    population
        Inhabitants of the partners, in the rows' order.
    core_nonempty
        Whether the optimal coalition's core is non-empty (``None``: too many partners).
    core_path
        :func:`ikzlib.uncertainty.core_along_path` up to the optimal size.
    largest_stable_size
        Largest prefix of the growth order with a non-empty core (``None``: none).
    lp_failure
        Why the least core / nucleolus LPs gave no answer although the coalition is small
        enough for them (the solver's message); ``None`` when they solved or were not tried.
    undefined
        Rules that are undefined for this game (NaN in ``table``) -> the reason
        (:func:`ikzlib.games.allocation_table`), e.g. the τ-value of a game that is not
        quasi-balanced.
    """

    table: pd.DataFrame
    rules: tuple[str, ...]
    rule_table: pd.DataFrame
    population: np.ndarray
    core_nonempty: bool | None
    core_path: pd.DataFrame
    largest_stable_size: int | None
    lp_failure: str | None = None
    undefined: dict[str, str] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.table)

    @property
    def columns(self) -> dict[str, str]:
        """Column names of ``table`` -> readable English labels, for display."""
        return {
            "name": "partner",
            "standalone": "stand-alone cost",
            **{rule: rule_label(rule) for rule in self.rules},
        }


@dataclass(frozen=True, eq=False)
class Simulation:
    """Monte Carlo pay-offs of the optimal coalition.

    Attributes
    ----------
    probabilities
        Per partner: ``member``, ``name``, ``p_pays_off`` (chosen rule), ``mean_saving``,
        ``q05_saving``, ``q95_saving``, ``p_pays_off_population_rule``, ``population`` and
        ``size_class``.
    by_size_class
        Means of those columns per size class (column ``size_class``, smallest first).
    p_net_gain_positive
        Share of draws in which the coalition as a whole gains.
    share_pays_off_gt_half
        Share of partners whose probability of saving exceeds 0.5 under the chosen rule.
    """

    probabilities: pd.DataFrame
    by_size_class: pd.DataFrame
    p_net_gain_positive: float
    share_pays_off_gt_half: float


@dataclass(frozen=True, eq=False)
class Robustness:
    """Which qualitative conclusions hold in every draw and every corner of the ranges.

    Attributes
    ----------
    table
        :func:`ikzlib.uncertainty.conclusion_table`.
    n_draws, n_corners, n_ranged
        Monte Carlo draws, corners of the parameter box and ranged parameters.
    at_values
        :func:`ikzlib.uncertainty.conclusion_flags` at the scenario's values.
    """

    table: pd.DataFrame
    n_draws: int
    n_corners: int
    n_ranged: int
    at_values: dict[str, bool]

    @property
    def n_robust(self) -> int:
        """Conclusions that hold over the whole range."""
        return int((self.table["verdict"] == "holds over the whole range").sum())


@dataclass(frozen=True, kw_only=True, eq=False)
class CostStudy(Study):
    """Result of :func:`run`. Parts a district cannot have are ``None`` (see ``notes``).

    Attributes
    ----------
    settings
        The validated analysis settings.
    model
        The scenario with the overrides applied (cost and resource parameters, ranges,
        provenance).
    status
        Which parameters are illustrative.
    population_source
        The publications behind the population figures (for figure source lines).
    units
        The district's administrative units (``None`` without municipality data).
    growth, exhaustive
        Growth paths and exhaustive search (``None`` below two units).
    per_capita
        Stand-alone cost per unit: ``name``, ``size_class``, ``population``, ``volume``,
        ``standalone_cost``, ``cost_per_capita``, ``cost_per_case``, ``fixed_share``; sorted by
        population.
    cost_curve
        :func:`ikzlib.costs.per_capita_costs` on a population grid around the units.
    pooled_cost_per_capita
        Cost per inhabitant in the optimal coalition (``None``: no coalition).
    allocation, simulation
        Division of the optimal coalition's cost and its Monte Carlo pay-offs (``None``: no
        coalition gains).
    draws
        The Monte Carlo parameter draws.
    feasibility
        Set-up phase, small-units coalition and largest partner.
    sensitivity
        :func:`ikzlib.cost_sensitivity.growth_sensitivity`.
    robustness
        Which conclusions hold over the whole parameter range.
    findings
        Sentences per part of the analysis (:data:`PARTS`), generated from the results.
    """

    settings: CostSettings
    model: uncertainty.Scenario
    status: ParameterStatus
    population_source: str = ""
    units: Units | None = None
    growth: GrowthPaths | None = None
    exhaustive: ExhaustiveSearch | None = None
    per_capita: pd.DataFrame | None = None
    cost_curve: pd.DataFrame | None = None
    pooled_cost_per_capita: float | None = None
    allocation: Allocation | None = None
    draws: pd.DataFrame | None = None
    simulation: Simulation | None = None
    feasibility: FeasibilityFindings | None = None
    sensitivity: pd.DataFrame | None = None
    robustness: Robustness | None = None
    findings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def has_coalition(self) -> bool:
        """Whether some coalition gains, so there is an optimal coalition to divide."""
        return self.allocation is not None

    @property
    def parameters(self) -> pd.DataFrame:
        """The numeric parameters of the run: ``parameter``, ``label`` (readable name),
        ``value``, ``low``, ``high``, ``unit`` and ``status`` (no source)."""
        table = self.model.provenance
        numeric = table[table["parameter"].isin(PARAMETERS)].drop(columns=["source"])
        numeric.insert(1, "label", numeric["parameter"].map(PARAMETER_LABELS))
        return numeric.reset_index(drop=True)

    def caption(self, what: str, *, ranges: bool = False, **values: Any) -> Message:
        """A title or table caption that names the model and whether its inputs are invented.

        Parameters
        ----------
        what
            What is shown (English; registered German is used by :func:`~ikzlib.i18n.tr`);
            may hold ``{placeholders}``.
        ranges
            The numbers rest on the parameter ranges (draws, corners), not only on the values.
        **values
            Values of the placeholders of ``what``.

        Returns
        -------
        Message
            E.g. ``"Model with illustrative parameters: growth of the coalition"``.
        """
        kind = self.status.range_kind if ranges else self.status.point_kind
        if kind != Kind.ILLUSTRATIVE:
            template = "Model with sourced or user-set parameters: {what}"
        elif self.status.values:
            template = "Model with illustrative parameters: {what}"
        else:
            template = "Model with illustrative parameter ranges: {what}"
        return Message(template, what=Message(what, **values))

    @property
    def sources(self) -> tuple[str, ...]:
        """The distinct sources of the scenario's rows (task, partners, parameters).

        When none of the scenario's initial partners is a unit of this district, the sources
        of its task and partners are documents about other places: they are referred to, not
        quoted, so a district's report cites no other district's case.
        """
        table = self.model.provenance
        numeric = table["parameter"].isin(PARAMETERS)
        local = self.growth is not None and bool(self.growth.initial)
        text = table.loc[~numeric, "source"].tolist()
        if text and not local:
            text = [
                Message(
                    "task and initial partners of scenario {scenario}: data/raw/scenarios.csv "
                    "(its sources name partners outside this district)",
                    scenario=self.settings.scenario,
                )
            ]
        return tuple(dict.fromkeys([*text, *table.loc[numeric, "source"]]))

    def text(self, part: str, lang: str = "en") -> str:
        """The findings of one part (:data:`PARTS`) as lines of text in ``lang``."""
        check_choice("part", part, PARTS)
        return "\n".join(tr(line, lang) for line in self.findings.get(part, ()))

    def frame(self, part: str) -> pd.DataFrame | None:
        """The table of ``part`` (a key of :data:`TABLES`) before display; ``None`` when the
        district's units or the parameters leave no such table (see :attr:`notes`)."""
        check_choice("table", part, TABLES)
        return _frames(self)[part]

    def table(self, part: str, lang: str = "en") -> Table | None:
        """``part`` as :func:`ikzlib.display.table` with the labels, decimals and caption of
        :data:`TABLES`, or ``None`` when there is no such table."""
        frame = self.frame(part)
        if frame is None:
            return None
        spec = TABLES[part]
        # the allocation has one column per division rule the coalition allows
        columns = self.allocation.columns if spec.columns is None else None
        return spec.show(frame, lang, self.caption(spec.caption, ranges=spec.ranges), columns)


def _frames(study: CostStudy) -> dict[str, pd.DataFrame | None]:
    """The raw tables behind :data:`TABLES` (``None`` where the study has no such part)."""
    allocation, simulation = study.allocation, study.simulation
    return {
        "parameters": study.parameters,
        "growth": None if study.growth is None else study.growth.table(),
        "per_capita": study.per_capita,
        "rules": None if allocation is None else allocation.rule_table,
        "allocation": None if allocation is None else allocation.table,
        "payoff_by_size_class": None if simulation is None else simulation.by_size_class,
        "payoff": None
        if simulation is None
        else simulation.probabilities.sort_values("population"),
        "feasibility": None if study.feasibility is None else study.feasibility.table,
        "sensitivity": study.sensitivity,
        "robustness": None if study.robustness is None else study.robustness.table,
    }


# ---------------------------------------------------------------------------------------------
# pipeline


def run(
    district: str | District,
    *,
    scenario: str = "procurement_office",
    allocation_rule: str = "shapley",
    small_threshold: float = 10_000,
    gain_threshold: float = 0.05,
    max_exact_players: int = 14,
    n_permutations: int = 2_000,
    n_draws: int = 500,
    distribution: str = "triangular",
    seed: int = 20230419,
    **parameters: float | None,
) -> CostStudy:
    """Run the transaction-cost study for ``district``.

    Parameters
    ----------
    district
        Catalog key or resolved :class:`~ikzlib.catalog.District`.
    scenario
        Scenario of ``data/raw/scenarios.csv`` (task and parameter set).
    allocation_rule
        Division rule of the analysis (:data:`ikzlib.uncertainty.RULES`).
    small_threshold
        Inhabitants below which a unit counts as small.
    gain_threshold
        Saving share of the stand-alone cost below which a partner's gain counts as near zero.
    max_exact_players
        Units in the exhaustive search (the first of the growth order) and small units in the
        small-units search, at most :data:`MAX_EXHAUSTIVE`.
    n_permutations
        Permutations of the sampled Shapley value (beyond ``games.MAX_LP_PLAYERS`` partners).
    n_draws
        Monte Carlo draws.
    distribution
        Distribution of the uncertain parameters: ``"triangular"`` or ``"uniform"``.
    seed
        Random seed of the draws and the sampling.
    **parameters
        Model parameter values replacing the scenario's, by name (:data:`PARAMETERS`, e.g.
        ``fixed_cost=80_000``); ``None`` keeps the scenario's value, so the notebook can pass
        every parameter it offers.

    Returns
    -------
    CostStudy

    Raises
    ------
    ParameterError
        A bad parameter (named, with what it takes).
    """
    district = resolve(district)
    scenarios = uncertainty.load_scenarios()
    settings = CostSettings(
        scenario,
        allocation_rule,
        small_threshold,
        gain_threshold,
        max_exact_players,
        n_permutations,
        n_draws,
        distribution,
        seed,
    ).checked(scenarios)
    base = scenarios[settings.scenario]
    model = apply_overrides(base, parameters)
    study = CostStudy(
        district=district,
        key_figures=KeyFigures(SECTION),
        settings=settings,
        model=model,
        status=ParameterStatus.of(base, model),
    )
    study = _with_units(study)
    return dataclasses.replace(
        study, key_figures=key_figures(study), findings=findings(study), notes=_notes(study)
    )


def _with_units(study: CostStudy) -> CostStudy:
    """``study`` with every part the district's units allow."""
    units, population_source = load_units(study.district, study.model.cost)
    study = dataclasses.replace(
        study,
        units=units,
        population_source=population_source,
        per_capita=per_capita_table(units, study.model.cost),
        cost_curve=cost_curve(units.population, study.model.cost),
    )
    if len(units) < 2:
        return study
    return dataclasses.replace(study, **_analyse(units, study.model, study.settings))


def load_units(district: District, params: costs.CostParams) -> tuple[Units, str]:
    """The district's administrative units with case volumes, and the population source."""
    municipalities = load_municipalities(district)
    table = administrative_units(municipalities).reset_index(drop=True)
    population = table["population"].to_numpy(dtype=float)
    units = Units(tuple(table["unit_name"]), population, costs.case_volumes(population, params))
    return units, Message("population: {source}", source=source_summary(municipalities))


def _analyse(units: Units, model: uncertainty.Scenario, settings: CostSettings) -> dict[str, Any]:
    """Every part of the study for at least two units, as fields of :class:`CostStudy`."""
    growth = growth_paths(units, model)
    draws = uncertainty.draw_parameters(
        model, settings.n_draws, settings.seed, settings.distribution
    )
    allocation = divide_costs(units, growth, model.cost, settings) if growth.pays else None
    coalition = Coalition(
        growth.order, growth.members, allocation.table if allocation is not None else None
    )
    return {
        "growth": growth,
        "exhaustive": exhaustive_search(
            units, growth.order, model.cost, settings.max_exact_players
        ),
        "pooled_cost_per_capita": pooled_cost_per_capita(units, growth.members, model.cost),
        "allocation": allocation,
        "draws": draws,
        "simulation": (
            simulate(units, growth.members, draws, settings.allocation_rule)
            if growth.pays
            else None
        ),
        "feasibility": feasibility_findings(units, coalition, model, draws, settings.thresholds),
        "sensitivity": _labelled(growth_sensitivity(model, units.population, growth.order)),
        "robustness": robustness(units, growth.order, model, draws, settings),
    }


def _labelled(sensitivity: pd.DataFrame) -> pd.DataFrame:
    """The sensitivity table with the readable name of each parameter (column ``label``)."""
    sensitivity.insert(1, "label", sensitivity["parameter"].map(PARAMETER_LABELS))
    return sensitivity


def growth_paths(units: Units, model: uncertainty.Scenario) -> GrowthPaths:
    """Grow the coalition from the scenario's initial partners, largest and smallest first."""
    initial, missing = uncertainty.match_partners(units.names, model.initial_partners)
    order = costs.growth_order(units.population, initial)
    reverse = costs.growth_order(units.population, initial, descending=False)
    path = costs.growth_path(units.volumes, order, model.cost, units.names, units.population)
    return GrowthPaths(
        initial=tuple(dict.fromkeys(initial)),
        missing_partners=tuple(missing),
        order=tuple(order),
        reverse=tuple(reverse),
        path=path,
        path_small=costs.growth_path(
            units.volumes, reverse, model.cost, units.names, units.population
        ),
        optimal_size=costs.optimal_size(path),
        break_even_size=costs.break_even_size(path),
        max_viable_size=costs.max_viable_size(path),
    )


def exhaustive_search(
    units: Units, order: tuple[int, ...], params: costs.CostParams, max_players: int
) -> ExhaustiveSearch:
    """Best coalition of every size among the first ``max_players`` units of ``order``."""
    chosen = order[:max_players]
    best = costs.best_coalitions_by_size(units.volumes[list(chosen)], params, units.pick(chosen))
    return ExhaustiveSearch(chosen, best, costs.optimal_size(best), costs.break_even_size(best))


def per_capita_table(units: Units, params: costs.CostParams) -> pd.DataFrame:
    """Stand-alone cost per inhabitant and per case of every unit, smallest first."""
    table = costs.per_capita_costs(units.population, params, units.volumes)
    table.insert(0, "name", list(units.names))
    table.insert(1, "size_class", size_class(units.population).astype(str).to_numpy())
    return table.sort_values("population", kind="stable")


def cost_curve(population: np.ndarray, params: costs.CostParams) -> pd.DataFrame:
    """The model's stand-alone cost per inhabitant from half the smallest to twice the largest
    population (at least 200 inhabitants), 200 points on a log scale."""
    grid = np.geomspace(max(200.0, population.min() / 2), population.max() * 2, 200)
    return costs.per_capita_costs(grid, params)


def pooled_cost_per_capita(
    units: Units, members: tuple[int, ...], params: costs.CostParams
) -> float | None:
    """Cost per inhabitant in the coalition ``members`` (``None`` below two partners)."""
    if len(members) < 2:
        return None
    chosen = list(members)
    total = costs.coalition_cost(units.volumes[chosen].sum(), len(chosen), params)
    return float(total / units.population[chosen].sum())


def divide_costs(
    units: Units, growth: GrowthPaths, params: costs.CostParams, settings: CostSettings
) -> Allocation:
    """Divide the optimal coalition's cost by every rule; core checks where the LPs allow."""
    members = list(growth.members)
    volumes, population = units.volumes[members], units.population[members]
    names = units.pick(members)
    division, lp_failure = None, None
    if len(members) <= games.MAX_LP_PLAYERS:
        try:
            division = _division_with_lp(volumes, population, names, params)
        except RuntimeError as exc:  # an LP of the least core or nucleolus did not solve
            lp_failure = str(exc)
    if division is None:
        division = _division_without_lp(volumes, population, names, params, settings)
    table, rules, rule_table, core = division
    rule_table.insert(1, "label", rule_table["rule"].map(rule_label))
    core_path = uncertainty.core_along_path(units.volumes, growth.order, params, len(members))
    stable = core_path.loc[core_path["core_nonempty"].astype(bool), "size"]
    return Allocation(
        table=table,
        rules=rules,
        rule_table=rule_table,
        population=population,
        core_nonempty=core,
        core_path=core_path,
        largest_stable_size=int(stable.max()) if len(stable) else None,
        lp_failure=lp_failure,
        undefined=dict(table.attrs.get("undefined", {})),
    )


def _division_with_lp(
    volumes: np.ndarray, population: np.ndarray, names: list[str], params: costs.CostParams
) -> tuple[pd.DataFrame, tuple[str, ...], pd.DataFrame, bool]:
    """Every rule incl. least core and nucleolus, and whether the core is non-empty."""
    game = costs.cost_game(volumes, params)
    table = games.allocation_table(game, names, population, volumes)
    table = table.drop(columns="least_core")
    rule_table = games.rule_summary(game, table, EXACT_RULES)
    return table, EXACT_RULES, rule_table, bool(games.least_core(game).core_nonempty)


def _division_without_lp(
    volumes: np.ndarray,
    population: np.ndarray,
    names: list[str],
    params: costs.CostParams,
    settings: CostSettings,
) -> tuple[pd.DataFrame, tuple[str, ...], pd.DataFrame, None]:
    """The rules that need no LP (Shapley sampled beyond the exact limit); core unknown."""
    rules = tuple(uncertainty.RULES)
    table = pd.DataFrame({"name": names, "standalone": costs.standalone_costs(volumes, params)})
    for rule in rules:
        table[rule] = uncertainty.allocate(
            volumes, population, params, rule, settings.n_permutations, settings.seed
        )
    return table, rules, _rule_totals(table, rules), None


def _rule_totals(table: pd.DataFrame, rules: tuple[str, ...]) -> pd.DataFrame:
    """Per rule: total and partners who pay more than alone (no core test without the game)."""
    alone = table["standalone"].to_numpy()
    return pd.DataFrame(
        {
            "rule": list(rules),
            "total": [float(table[r].sum()) for r in rules],
            "partners_losing": [int((table[r].to_numpy() > alone + 1e-9).sum()) for r in rules],
        }
    )


def simulate(units: Units, members: tuple[int, ...], draws: pd.DataFrame, rule: str) -> Simulation:
    """Pay-off probability of every partner under ``rule`` and, for contrast, population."""
    members = list(members)
    savings = {
        r: uncertainty.simulate_payoffs(units.population, members, draws, r)
        for r in dict.fromkeys([rule, "population"])
    }
    table = uncertainty.payoff_probabilities(savings[rule], units.names)
    population_rule = uncertainty.payoff_probabilities(savings["population"], units.names)
    table["p_pays_off_population_rule"] = population_rule["p_pays_off"].to_numpy()
    table["population"] = units.population[members]
    table["size_class"] = size_class(units.population[members]).astype(str).to_numpy()
    return Simulation(
        probabilities=table,
        by_size_class=_by_size_class(table),
        p_net_gain_positive=float((savings[rule]["net_gain"] > 0).mean()),
        share_pays_off_gt_half=float((table["p_pays_off"] > 0.5).mean()),
    )


def _by_size_class(probabilities: pd.DataFrame) -> pd.DataFrame:
    """Partners and mean pay-off figures per size class, smallest class first."""
    table = probabilities.groupby("size_class", sort=False).agg(
        partners=("member", "size"),
        p_pays_off=("p_pays_off", "mean"),
        p_pays_off_population_rule=("p_pays_off_population_rule", "mean"),
        mean_saving=("mean_saving", "mean"),
    )
    classes = size_class(pd.Series([0])).cat.categories
    return table.reindex([c for c in classes if c in table.index]).reset_index()


def robustness(
    units: Units,
    order: tuple[int, ...],
    model: uncertainty.Scenario,
    draws: pd.DataFrame,
    settings: CostSettings,
) -> Robustness:
    """Evaluate the conclusions in every draw, every corner and at the scenario's values."""
    small, gain = settings.small_threshold, settings.gain_threshold
    corners = uncertainty.corner_parameters(model)
    table = uncertainty.conclusion_table(
        uncertainty.evaluate_conclusions(draws, units.population, order, small, gain),
        uncertainty.evaluate_conclusions(corners, units.population, order, small, gain),
    )
    at_values = uncertainty.conclusion_flags(
        units.volumes, units.population, order, model.cost, model.resource, small, gain
    )
    return Robustness(table, len(draws), len(corners), len(model.ranges), at_values)


# ---------------------------------------------------------------------------------------------
# key figures


def key_figures(study: CostStudy) -> KeyFigures:
    """The declared key figures of ``study``; a figure without meaning here is absent."""
    values: dict[str, Any] = {
        "scenario": study.settings.scenario,
        "allocation_rule": study.settings.allocation_rule,
        "n_draws": study.settings.n_draws,
        "seed": study.settings.seed,
    }
    if study.units is not None:
        values["n_units"] = len(study.units)
    if study.exhaustive is not None:
        values["exhaustive_units"] = len(study.exhaustive.units)
    estimates = {
        **_growth_values(study),
        **_coalition_values(study),
        **(study.feasibility.summary_values() if study.feasibility is not None else {}),
    }
    if study.robustness is not None:
        estimates["n_robust_conclusions"] = study.robustness.n_robust
    for name, value in estimates.items():
        kind = study.status.range_kind if name in _RANGE_FIGURES else study.status.point_kind
        values[name] = Reported(value, kind=kind)
    return KeyFigures(SECTION, SECTION.figures_from(values))


def _growth_values(study: CostStudy) -> dict[str, Any]:
    """Sizes and the optimum's economics (estimates; sizes that do not exist are absent)."""
    growth, exhaustive = study.growth, study.exhaustive
    if growth is None or exhaustive is None:
        return {}
    values: dict[str, Any] = {
        "optimal_size": growth.optimal_size,
        "break_even_size": growth.break_even_size,
        "max_viable_size": growth.max_viable_size,
        "optimal_size_exhaustive": exhaustive.optimal_size,
        "break_even_size_exhaustive": exhaustive.break_even_size,
    }
    if growth.pays:
        values["optimal_net_gain_eur"] = float(growth.optimum["net_gain"])
        values["exante_lump_eur"] = float(growth.optimum["exante_lump"])
    return {k: v for k, v in values.items() if v is not None}


def _coalition_values(study: CostStudy) -> dict[str, Any]:
    """Core and Monte Carlo figures of the optimal coalition (absent without one)."""
    values: dict[str, Any] = {}
    if study.allocation is not None:
        values["core_nonempty_at_optimum"] = study.allocation.core_nonempty
        values["largest_stable_size"] = study.allocation.largest_stable_size
    if study.simulation is not None:
        values["p_net_gain_positive"] = study.simulation.p_net_gain_positive
        values["share_partners_p_pays_off_gt_half"] = study.simulation.share_pays_off_gt_half
    return {k: v for k, v in values.items() if v is not None}


# ---------------------------------------------------------------------------------------------
# sentences (English templates; their German is registered at the end of the module)


def _eur(amount: float) -> Number:
    """An amount rounded as the key figures (:data:`_AMOUNT`): the model is no more precise."""
    return Number(float(amount), _AMOUNT)


def _percent(share: float, decimals: int = 0) -> Number:
    """A share as a percentage; whole percent by default (500 Monte Carlo draws on
    illustrative inputs support no more)."""
    return Number(100 * float(share), decimals)


def _answer(flag: bool) -> Message:
    return Message("yes" if flag else "no")


def _notes(study: CostStudy) -> tuple[str, ...]:
    """Caveats of the run: missing data, degenerate districts, approximations."""
    notes = list(study.notes)
    n = len(study.units) if study.units is not None else None
    if n is not None and n < 2:
        notes.append(
            Message(
                "{district} has {n} administrative unit(s): there is no partner to pool a task "
                "with, so the study shows only the stand-alone cost.",
                district=study.district.name,
                n=n,
            )
        )
    if study.growth is not None and not study.growth.pays:
        notes.append(
            Message(
                "No coalition along the growth order has a positive net gain under these "
                "parameters: there is no optimal coalition to divide, simulate or finance."
            )
        )
    if study.exhaustive is not None and len(study.exhaustive.units) < (n or 0):
        notes.append(
            Message(
                "{n} units: the exhaustive search covers the first {k} units of the growth "
                "order (2^{k} coalitions).",
                n=n,
                k=len(study.exhaustive.units),
            )
        )
    for rule, reason in (study.allocation.undefined if study.allocation else {}).items():
        notes.append(
            Message("{rule}: not shown; {reason}.", rule=Message(rule_label(rule)), reason=reason)
        )
    if study.allocation is not None and study.allocation.lp_failure is not None:
        notes.append(
            Message(
                "{k} partners: the linear programmes of the least core and the nucleolus did "
                "not solve ({reason}); the allocation shows the rules that need no LP, and the "
                "core of the optimal coalition stays unknown.",
                k=study.allocation.size,
                reason=study.allocation.lp_failure,
            )
        )
    elif study.allocation is not None and study.allocation.core_nonempty is None:
        notes.append(
            Message(
                "{k} partners: Shapley value sampled ({permutations} permutations); core, least "
                "core and nucleolus need all coalitions and are left out.",
                k=study.allocation.size,
                permutations=study.settings.n_permutations,
            )
        )
    if study.status.values:
        notes.append(
            Message(
                "{k} of {n} parameter values are illustrative (assumptions of the model, not "
                "data): the results show mechanisms and orders of magnitude, not forecasts or "
                "measurements. Amounts are rounded to thousands of euros, because a single "
                "parameter moved within its range changes the net gain by far more.",
                k=len(study.status.values),
                n=len(PARAMETERS),
            )
        )
    return tuple(notes)


def findings(study: CostStudy) -> dict[str, tuple[str, ...]]:
    """Sentences per part of the analysis (:data:`PARTS`), generated from the results."""
    return {
        "units": _units_sentences(study),
        "growth": _growth_sentences(study),
        "allocation": _allocation_sentences(study),
        "simulation": _simulation_sentences(study),
        "feasibility": _feasibility_sentences(study),
        "robustness": _robustness_sentences(study),
        "reading": _reading_sentences(study),
    }


def _units_sentences(study: CostStudy) -> tuple[str, ...]:
    lines = [
        Message(
            "Scenario {scenario}: {task}.",
            scenario=study.settings.scenario,
            task=Message(study.model.task),
        )
    ]
    if study.units is None:
        return tuple(lines)
    units = study.units
    lines.insert(
        0,
        Message(
            "{district}: {n} administrative units, {inhabitants} inhabitants.",
            district=study.district.official_name,
            n=len(units),
            inhabitants=int(units.population.sum()),
        ),
    )
    growth, named = study.growth, study.model.initial_partners
    if growth is None or not named:
        return tuple(lines)
    if growth.initial:
        lines.append(
            Message(
                "Initial partners named by the scenario's sources: {named}. In this district: "
                "{found}.",
                named="; ".join(named),
                found="; ".join(units.pick(growth.initial)),
            )
        )
    if growth.missing_partners and growth.initial:
        lines.append(
            Message(
                "Not units of this district: {missing}.",
                missing="; ".join(growth.missing_partners),
            )
        )
    elif growth.missing_partners:
        lines.append(
            Message(
                "The scenario's sources name {n} initial partner(s), none of them a unit of this "
                "district: the coalition grows from the largest units.",
                n=len(named),
            )
        )
    return tuple(lines)


def _size(value: int | None) -> str | int:
    return "–" if value is None else value


def _growth_sentences(study: CostStudy) -> tuple[str, ...]:
    growth, exhaustive = study.growth, study.exhaustive
    if growth is None or exhaustive is None:
        return ()
    lines = [
        Message(
            (
                "Growth from the initial partners, then largest first"
                if growth.initial
                else "Growth largest first"
            )
            + ": optimal size {optimal}, break-even size {break_even}, largest size with a "
            "positive net gain {viable}.",
            optimal=growth.optimal_size,
            break_even=_size(growth.break_even_size),
            viable=_size(growth.max_viable_size),
        )
    ]
    best = exhaustive.best_row
    if exhaustive.optimal_size >= 2:
        lines.append(
            Message(
                "Exhaustive search over {n} units: the best coalition has {k} partners "
                "({gain} EUR/year): {members}; break-even size {break_even}.",
                n=len(exhaustive.units),
                k=exhaustive.optimal_size,
                gain=_eur(best["net_gain"]),
                members=best["members"],
                break_even=_size(exhaustive.break_even_size),
            )
        )
    else:
        lines.append(
            Message(
                "Exhaustive search over {n} units: no coalition gains.", n=len(exhaustive.units)
            )
        )
    if growth.pays:
        lines.append(
            Message(
                "Net gain at the optimum: {gain} EUR/year; set-up lump {lump} EUR.",
                gain=_eur(growth.optimum["net_gain"]),
                lump=_eur(growth.optimum["exante_lump"]),
            )
        )
    return tuple(lines)


def _allocation_sentences(study: CostStudy) -> tuple[str, ...]:
    allocation = study.allocation
    if allocation is None:
        return (
            Message(
                "No coalition along the growth order has a positive net gain: nothing to divide."
            ),
        )
    core = (
        Message("not checked")
        if allocation.core_nonempty is None
        else _answer(allocation.core_nonempty)
    )
    return (
        Message(
            "Core of the optimal coalition non-empty: {core}; largest prefix of the growth order "
            "with a non-empty core: {stable} (checked up to {checked} partners).",
            core=core,
            stable=_size(allocation.largest_stable_size),
            checked=min(allocation.size, games.MAX_LP_PLAYERS),
        ),
    )


def _simulation_sentences(study: CostStudy) -> tuple[str, ...]:
    simulation = study.simulation
    if simulation is None:
        return (Message("No coalition to simulate."),)
    return (
        Message(
            "Probability that the optimal coalition as a whole gains: {p} %; share of partners "
            "who save with a probability above one half under the rule {rule}: {share} %.",
            p=_percent(simulation.p_net_gain_positive),
            rule=Message(rule_label(study.settings.allocation_rule)),
            share=_percent(simulation.share_pays_off_gt_half),
        ),
    )


def _feasibility_sentences(study: CostStudy) -> tuple[str, ...]:
    found, settings = study.feasibility, study.settings
    if found is None:
        return ()
    lines = []
    threshold = int(settings.small_threshold)
    if found.table is not None:
        lines.append(
            Message(
                "Initiation cost of the optimal coalition: {cost} EUR; units able to initiate: "
                "{n} of {total}.",
                cost=_eur(found.initiation_cost or 0),
                n=found.n_can_initiate,
                total=len(found.table),
            )
        )
    small = found.small
    if small is not None:
        lines.append(
            Message(
                "Best coalition of units below {threshold} inhabitants: {k} partners, expected "
                "net gain {gain} EUR/year, probability of a gain {p} %; largest capacity "
                "{capacity} EUR against an initiation cost of {cost} EUR: can any partner "
                "initiate? {answer}.",
                threshold=threshold,
                k=small.size,
                gain=_eur(small.expected_gain),
                p=_percent(small.p_gain),
                capacity=_eur(small.max_capacity),
                cost=_eur(small.initiation_cost),
                answer=_answer(small.can_initiate),
            )
        )
    elif len(found.small_units) < 2:
        lines.append(
            Message("Fewer than two units below {threshold} inhabitants.", threshold=threshold)
        )
    else:
        lines.append(
            Message(
                "No coalition of units below {threshold} inhabitants gains.", threshold=threshold
            )
        )
    largest = found.largest
    if largest is not None:
        lines.append(
            Message(
                "Largest partner ({name}): saving {population} % of its stand-alone cost under "
                "population shares, {rule_rate} % under the rule {rule}; side payment needed to "
                "reach {threshold} %: {compensation} EUR/year.",
                name=largest.name,
                population=_percent(largest.saving_rate_population),
                rule_rate=_percent(largest.saving_rate_rule),
                rule=Message(rule_label(settings.allocation_rule)),
                threshold=_percent(settings.gain_threshold),
                compensation=_eur(largest.compensation_needed),
            )
        )
    return tuple(lines)


# what each conclusion rests on: the first holds by construction of the cost function
_BY_CONSTRUCTION = frozenset({"small_cost_more"})


def _robustness_sentences(study: CostStudy) -> tuple[str, ...]:
    result = study.robustness
    if result is None:
        return ()
    lines = [
        Message(
            "{draws} draws and {corners} corners of {ranged} ranged parameters.",
            draws=result.n_draws,
            corners=result.n_corners,
            ranged=result.n_ranged,
        )
    ]
    for row in result.table.itertuples():
        statement = Message(row.statement)
        if row.verdict == "holds over the whole range" and row.conclusion in _BY_CONSTRUCTION:
            lines.append(
                Message(
                    "- Holds in every draw and corner, by construction (any positive fixed "
                    "cost per office gives economies of scale): {statement}.",
                    statement=statement,
                )
            )
        elif row.verdict == "holds over the whole range":
            lines.append(
                Message("- Holds in every draw and corner: {statement}.", statement=statement)
            )
        elif row.verdict == "fails over the whole range":
            lines.append(
                Message("- Never the case within the ranges: {statement}.", statement=statement)
            )
        else:
            lines.append(
                Message(
                    "- Depends on the assumptions: {statement} (in {draws} % of draws and "
                    "{corners} % of corners).",
                    statement=statement,
                    # one decimal: 99.8 % must not read as "in every draw"
                    draws=_percent(row.share_draws, 1),
                    corners=_percent(row.share_corners, 1),
                )
            )
    return tuple(lines)


def _reading_sentences(study: CostStudy) -> tuple[str, ...]:
    """What the model shows at the scenario's values, and under which assumptions."""
    result = study.robustness
    if result is None or study.feasibility is None:
        return (
            Message(
                "Fewer than two units: the findings of the case study cannot be set against "
                "the model here."
            ),
        )
    flags = result.at_values
    lines = [
        Message(
            "Smallest unit pays more per inhabitant than the largest when each goes alone. "
            "This is built into the model: any positive fixed cost per office spreads over "
            "fewer inhabitants in a small unit, so it is an assumption, not a result."
            if flags["small_cost_more"]
            else "Here the smallest unit does not pay more per inhabitant than the largest "
            "(capacity blocks outweigh the fixed cost)."
        )
    ]
    if flags["cooperation_pays"]:
        lines.append(_small_units_reading(study, flags["small_cannot_initiate"]))
        lines.append(_large_partner_reading(study, flags["large_needs_compensation"]))
    else:
        lines.append(
            Message(
                "No coalition gains at the scenario's values, so the two findings of the case "
                "study's conclusion cannot be set against the model here."
            )
        )
    if study.status.values:
        lines.append(
            Message(
                "The parameters are illustrative: the model shows that the mechanism can "
                "produce the findings, not that it does; measured costs of a real task would "
                "turn it into an estimate."
            )
        )
    return tuple(lines)


def _small_units_reading(study: CostStudy, cannot_initiate: bool) -> Message:
    small = study.feasibility.small if study.feasibility is not None else None
    gains = small is not None and small.expected_gain > 0 and not small.can_initiate
    if cannot_initiate and gains:
        return Message(
            "With these parameters the model shows the case study's finding that small units "
            "would gain from pooling but cannot finance the start: no unit below the "
            "small-size threshold can front the initiation cost, and a coalition of small "
            "units alone would gain but none of its partners can initiate it. This follows "
            "from the assumed capacity (growing with population) and set-up costs."
        )
    if cannot_initiate:
        return Message(
            "With these parameters the model shows part of the case study's finding that small "
            "units cannot finance the start: no unit below the small-size threshold can front "
            "the initiation cost of the optimal coalition."
        )
    return Message(
        "With these parameters the model does not show the case study's finding that small "
        "units cannot finance the start: a unit below the small-size threshold can front the "
        "initiation cost here."
    )


def _large_partner_reading(study: CostStudy, needs_compensation: bool) -> Message:
    threshold = _percent(study.settings.gain_threshold)
    if needs_compensation:
        return Message(
            "With these parameters the model shows the case study's finding that large towns "
            "have little to gain when the cost is shared by population: the largest partner "
            "saves less than {threshold} % of its stand-alone cost unless a rule such as the "
            "Shapley value or a side payment credits it. This follows from sharing by "
            "population: the large partner pays the coalition's average cost, which is close "
            "to its own.",
            threshold=threshold,
        )
    return Message(
        "With these parameters the model does not show the case study's finding that large "
        "towns gain little under population shares: the largest partner saves at least "
        "{threshold} % of its stand-alone cost here.",
        threshold=threshold,
    )


register({"yes": "ja", "no": "nein"})
register(
    {
        # captions and titles
        "Model with sourced or user-set parameters: {what}": (
            "Modell mit belegten oder vorgegebenen Parametern: {what}"
        ),
        "Model with illustrative parameters: {what}": "Modell mit illustrativen Parametern: {what}",
        "Model with illustrative parameter ranges: {what}": (
            "Modell mit illustrativen Parameterspannen: {what}"
        ),
        # division rules
        "population shares": "Anteile nach Einwohnern",
        "case-volume shares": "Anteile nach Fallzahl",
        "equal split": "gleiche Anteile",
        "Shapley value": "Shapley-Wert",
        "SCRB": "SCRB",
        "least core": "kleinster Kern",
        "nucleolus": "Nukleolus",
        "Banzhaf value (normalised)": "Banzhaf-Wert (normiert)",
        "τ-value": "τ-Wert",
        "prenucleolus (least-core centre)": "Prä-Nukleolus (Zentrum des kleinsten Kerns)",
        "nucleolus (no one above stand-alone)": "Nukleolus (niemand über Alleinkosten)",
        "{rule}: not shown; {reason}.": "{rule}: nicht ausgewiesen; {reason}.",
        # parameters
        "cases per inhabitant": "Fälle je Einwohner",
        "fixed cost F per office": "Fixkosten F je Stelle",
        "unit cost v at the reference volume": "Stückkosten v bei der Referenzmenge",
        "reference volume q_ref": "Referenzmenge q_ref",
        "scale elasticity e": "Skalenelastizität e",
        "capacity per office": "Kapazität je Stelle",
        "transaction cost per partner": "Transaktionskosten je Partner",
        "transaction cost per pair of partners": "Transaktionskosten je Partnerpaar",
        "set-up cost per coalition": "Anlaufkosten je Kooperation",
        "set-up cost per partner": "Anlaufkosten je Partner",
        "horizon H for annualising set-up costs": "Zeitraum H für die Verteilung der Anlaufkosten",
        "discount rate r": "Diskontsatz r",
        "capacity scale κ": "Kapazitätsniveau κ",
        "capacity elasticity β": "Kapazitätselastizität β",
        "share fronted by the initiator": "vom Initiator vorzustreckender Anteil",
        "illustrative": "illustrativ",
        "sourced": "belegt",
        "override": "vorgegeben",
        "model": "Modell",
        "derived": "abgeleitet",
        # units of the scenario table (data/raw/scenarios.csv)
        "-": "-",
        "1/year": "1/Jahr",
        "EUR (K = kappa * population^beta)": "EUR (K = kappa * Einwohner^beta)",
        "EUR once": "EUR einmalig",
        "EUR once per partner": "EUR einmalig je Partner",
        f"of {len(uncertainty.CONCLUSIONS)}": f"von {len(uncertainty.CONCLUSIONS)}",
        "EUR per audit day at reference volume": "EUR je Prüftag bei der Referenzmenge",
        "EUR per employee and year at reference volume": (
            "EUR je Beschäftigtem und Jahr bei der Referenzmenge"
        ),
        "EUR per procedure at reference volume": "EUR je Verfahren bei der Referenzmenge",
        "EUR per workplace and year at reference volume": (
            "EUR je Arbeitsplatz und Jahr bei der Referenzmenge"
        ),
        "EUR/year per audit office": "EUR/Jahr je Rechnungsprüfungsamt",
        "EUR/year per data centre": "EUR/Jahr je Rechenzentrum",
        "EUR/year per office": "EUR/Jahr je Stelle",
        "EUR/year per pair of partners": "EUR/Jahr je Partnerpaar",
        "EUR/year per partner": "EUR/Jahr je Partner",
        "EUR/year per payroll office": "EUR/Jahr je Abrechnungsstelle",
        "IT workplaces per inhabitant": "IT-Arbeitsplätze je Einwohner",
        "audit days": "Prüftage",
        "audit days per inhabitant": "Prüftage je Einwohner",
        "audit days per office": "Prüftage je Stelle",
        "employees": "Beschäftigte",
        "employees paid per inhabitant": "abgerechnete Beschäftigte je Einwohner",
        "employees per office": "Beschäftigte je Stelle",
        "procedures per inhabitant and year": "Verfahren je Einwohner und Jahr",
        "procedures/year": "Verfahren/Jahr",
        "procedures/year per office team": "Verfahren/Jahr je Team",
        "share of E(k)": "Anteil an E(k)",
        "workplaces": "Arbeitsplätze",
        "workplaces per data centre": "Arbeitsplätze je Rechenzentrum",
        "years": "Jahre",
        # tasks of the scenario table
        "joint audit office (Rechnungspruefungsamt) for partner administrations": (
            "gemeinsames Rechnungsprüfungsamt für die Partnerverwaltungen"
        ),
        "joint IT company / IT shared service centre for the administrations of a district": (
            "gemeinsamer IT-Dienstleister (IT-Shared-Service-Center) für die Verwaltungen eines "
            "Landkreises"
        ),
        "joint payroll office (Personalabrechnung) for partner administrations": (
            "gemeinsame Personalabrechnungsstelle für die Partnerverwaltungen"
        ),
        "joint procurement office (Zentrale Vergabestelle) hosted by a town for partner "
        "municipalities": ("gemeinsame Zentrale Vergabestelle einer Stadt für die Partnerkommunen"),
        # conclusions and verdicts (ikzlib.uncertainty)
        uncertainty.CONCLUSIONS["small_cost_more"]: (
            "die kleinste Kommune hat bei Einzelerledigung höhere Kosten je Einwohner als die "
            "größte"
        ),
        uncertainty.CONCLUSIONS["cooperation_pays"]: (
            "eine Koalition entlang des Wachstumspfads hat einen positiven Nettogewinn"
        ),
        uncertainty.CONCLUSIONS["interior_optimum"]: (
            "die optimale Koalition ist kleiner als der ganze Landkreis"
        ),
        uncertainty.CONCLUSIONS["small_cannot_initiate"]: (
            "keine Kommune unter der Kleinheitsschwelle kann die Initiierungskosten der "
            "optimalen Koalition vorstrecken"
        ),
        uncertainty.CONCLUSIONS["large_needs_compensation"]: (
            "der größte Partner der optimalen Koalition spart bei Kostenaufteilung nach "
            "Einwohnern weniger als die Gewinnschwelle"
        ),
        "holds over the whole range": "gilt im ganzen Bereich",
        "fails over the whole range": "gilt im ganzen Bereich nicht",
        "depends on assumptions": "hängt von den Annahmen ab",
        # key figures
        SECTION.title: "Transaktionskosten und Aufteilung des Kooperationsgewinns",
        "Scenario (task and parameter set)": "Szenario (Aufgabe und Parametersatz)",
        "Administrative units": "Verwaltungseinheiten",
        "Optimal coalition size (growth order)": "Optimale Koalitionsgröße (Wachstumsreihenfolge)",
        "Smallest coalition with a net gain": "Kleinste Koalition mit Nettogewinn",
        "Largest coalition with a net gain": "Größte Koalition mit Nettogewinn",
        "Optimal coalition size (exhaustive search)": (
            "Optimale Koalitionsgröße (vollständige Suche)"
        ),
        "Smallest coalition with a net gain (exhaustive)": (
            "Kleinste Koalition mit Nettogewinn (vollständige Suche)"
        ),
        "Units in the exhaustive search": "Einheiten in der vollständigen Suche",
        "Net gain of the optimal coalition": "Nettogewinn der optimalen Koalition",
        "Set-up cost of the optimal coalition": "Anlaufkosten der optimalen Koalition",
        "Core of the optimal coalition non-empty": "Kern der optimalen Koalition nicht leer",
        "Largest growth prefix with a non-empty core": (
            "Größte Anfangskoalition mit nicht leerem Kern"
        ),
        "Probability that the optimal coalition gains": (
            "Wahrscheinlichkeit, dass die optimale Koalition gewinnt"
        ),
        "Partners who save with probability > 0.5": (
            "Partner, die mit Wahrscheinlichkeit > 0,5 sparen"
        ),
        "Division rule of the analysis": "Aufteilungsregel der Analyse",
        "Best coalition of small units alone (partners)": (
            "Beste Koalition nur aus kleinen Einheiten (Partner)"
        ),
        "Probability that the small-units coalition gains": (
            "Wahrscheinlichkeit, dass die Koalition kleiner Einheiten gewinnt"
        ),
        "Expected net gain of the small-units coalition": (
            "Erwarteter Nettogewinn der Koalition kleiner Einheiten"
        ),
        "A small unit can initiate that coalition": (
            "Eine kleine Einheit kann diese Koalition anstoßen"
        ),
        "Saving of the largest partner, population shares": (
            "Ersparnis des größten Partners, Anteile nach Einwohnern"
        ),
        "Saving of the largest partner, chosen rule": (
            "Ersparnis des größten Partners, gewählte Regel"
        ),
        "Side payment the largest partner needs": (
            "Ausgleichszahlung, die der größte Partner braucht"
        ),
        "Conclusions holding over the whole parameter range": (
            "Schlussfolgerungen, die im ganzen Parameterbereich gelten"
        ),
        "Monte Carlo draws": "Monte-Carlo-Ziehungen",
        "Random seed": "Startwert des Zufallsgenerators",
        _MODEL: "ikz-Transaktionskostenmodell (ikzlib.costs), Parameter aus data/raw/scenarios.csv",
        _MONTE_CARLO: "Monte-Carlo-Simulation über die Parameterspannen aus data/raw/scenarios.csv",
        _SETTING: "Einstellung der Studie (Notebook-Parameter)",
        _UNITS: "municipalities.csv (Destatis GV-ISys), zu Verwaltungseinheiten zusammengefasst",
        f"{_MONTE_CARLO} and every corner of the ranges": (
            "Monte-Carlo-Simulation über die Parameterspannen aus data/raw/scenarios.csv und "
            "jeder Eckpunkt der Spannen"
        ),
        "the first max_exact_players units of the growth order": (
            "die ersten max_exact_players Einheiten der Wachstumsreihenfolge"
        ),
        # notes
        "{district} has {n} administrative unit(s): there is no partner to pool a task with, so "
        "the study shows only the stand-alone cost.": (
            "{district} hat {n} Verwaltungseinheit(en): Es gibt keinen Partner, mit dem eine "
            "Aufgabe gebündelt werden könnte; die Studie zeigt daher nur die Kosten der "
            "Einzelerledigung."
        ),
        "No coalition along the growth order has a positive net gain under these parameters: "
        "there is no optimal coalition to divide, simulate or finance.": (
            "Keine Koalition entlang der Wachstumsreihenfolge hat mit diesen Parametern einen "
            "positiven Nettogewinn: Es gibt keine optimale Koalition, deren Kosten aufgeteilt, "
            "simuliert oder finanziert werden könnten."
        ),
        "{n} units: the exhaustive search covers the first {k} units of the growth order "
        "(2^{k} coalitions).": (
            "{n} Einheiten: Die vollständige Suche umfasst die ersten {k} Einheiten der "
            "Wachstumsreihenfolge (2^{k} Koalitionen)."
        ),
        "{k} partners: the linear programmes of the least core and the nucleolus did not solve "
        "({reason}); the allocation shows the rules that need no LP, and the core of the optimal "
        "coalition stays unknown.": (
            "{k} Partner: Die linearen Programme des kleinsten Kerns und des Nukleolus wurden "
            "nicht gelöst ({reason}); die Aufteilung zeigt die Regeln, die kein LP benötigen, "
            "und ob der Kern der optimalen Koalition leer ist, bleibt offen."
        ),
        "{k} partners: Shapley value sampled ({permutations} permutations); core, least core "
        "and nucleolus need all coalitions and are left out.": (
            "{k} Partner: Shapley-Wert aus einer Stichprobe ({permutations} Permutationen); "
            "Kern, kleinster Kern und Nukleolus benötigen alle Koalitionen und entfallen."
        ),
        "{k} of {n} parameter values are illustrative (assumptions of the model, not data): the "
        "results show mechanisms and orders of magnitude, not forecasts or measurements. "
        "Amounts are rounded to thousands of euros, because a single parameter moved within its "
        "range changes the net gain by far more.": (
            "{k} von {n} Parameterwerten sind illustrativ (Annahmen des Modells, keine Daten): "
            "Die Ergebnisse zeigen Wirkungszusammenhänge und Größenordnungen, keine Prognosen "
            "oder Messungen. Beträge sind auf Tausend Euro gerundet, weil schon ein einzelner "
            "Parameter innerhalb seiner Spanne den Nettogewinn um weit mehr verändert."
        ),
        # findings
        "Scenario {scenario}: {task}.": "Szenario {scenario}: {task}.",
        "{district}: {n} administrative units, {inhabitants} inhabitants.": (
            "{district}: {n} Verwaltungseinheiten, {inhabitants} Einwohner."
        ),
        "Initial partners named by the scenario's sources: {named}. In this district: {found}.": (
            "Von den Quellen des Szenarios genannte Startpartner: {named}. In diesem Landkreis: "
            "{found}."
        ),
        "Not units of this district: {missing}.": "Keine Einheiten dieses Landkreises: {missing}.",
        "The scenario's sources name {n} initial partner(s), none of them a unit of this "
        "district: the coalition grows from the largest units.": (
            "Die Quellen des Szenarios nennen {n} Startpartner, keiner davon ist eine Einheit "
            "dieses Landkreises: Die Koalition wächst von den größten Einheiten aus."
        ),
        "Growth from the initial partners, then largest first: optimal size {optimal}, "
        "break-even size {break_even}, largest size with a positive net gain {viable}.": (
            "Wachstum von den Startpartnern aus, dann die größten zuerst: optimale Größe "
            "{optimal}, Größe an der Gewinnschwelle {break_even}, größte Koalition mit positivem "
            "Nettogewinn {viable}."
        ),
        "Growth largest first: optimal size {optimal}, break-even size {break_even}, largest "
        "size with a positive net gain {viable}.": (
            "Wachstum mit den größten zuerst: optimale Größe {optimal}, Größe an der "
            "Gewinnschwelle {break_even}, größte Koalition mit positivem Nettogewinn {viable}."
        ),
        "Exhaustive search over {n} units: the best coalition has {k} partners ({gain} "
        "EUR/year): {members}; break-even size {break_even}.": (
            "Vollständige Suche über {n} Einheiten: Die beste Koalition hat {k} Partner ({gain} "
            "EUR/Jahr): {members}; Größe an der Gewinnschwelle {break_even}."
        ),
        "Exhaustive search over {n} units: no coalition gains.": (
            "Vollständige Suche über {n} Einheiten: Keine Koalition erzielt einen Gewinn."
        ),
        "Net gain at the optimum: {gain} EUR/year; set-up lump {lump} EUR.": (
            "Nettogewinn im Optimum: {gain} EUR/Jahr; einmalige Anlaufkosten {lump} EUR."
        ),
        "No coalition along the growth order has a positive net gain: nothing to divide.": (
            "Keine Koalition entlang der Wachstumsreihenfolge hat einen positiven Nettogewinn: "
            "Es gibt nichts aufzuteilen."
        ),
        "not checked": "nicht geprüft",
        # notebook 04: table columns and captions
        "Sources:": "Quellen:",
        "illustrative assumption of the ikz transaction-cost model, order of magnitude only; "
        "not from a source document": (
            "illustrative Annahme des ikz-Transaktionskostenmodells, nur der Größenordnung nach; "
            "nicht aus einem Quelldokument"
        ),
        "Parameter": "Parameter",
        "Value": "Wert",
        "Range low": "Spanne von",
        "Range high": "Spanne bis",
        "Unit of measure": "Maßeinheit",
        "Status": "Status",
        "Partners k": "Partner k",
        "Joining unit": "Hinzukommende Einheit",
        "Gross gain (EUR/year)": "Bruttogewinn (EUR/Jahr)",
        "Transaction cost (EUR/year)": "Transaktionskosten (EUR/Jahr)",
        "Annualised set-up cost (EUR/year)": "Annualisierte Anlaufkosten (EUR/Jahr)",
        "Net gain (EUR/year)": "Nettogewinn (EUR/Jahr)",
        "Administrative unit": "Verwaltungseinheit",
        "Size class": "Größenklasse",
        "Inhabitants": "Einwohner",
        "Stand-alone cost per inhabitant (EUR/year)": (
            "Kosten je Einwohner bei Einzelerledigung (EUR/Jahr)"
        ),
        "Cost per case (EUR)": "Kosten je Fall (EUR)",
        "Fixed-cost share": "Fixkostenanteil",
        "Rule": "Regel",
        "Total cost (EUR/year)": "Gesamtkosten (EUR/Jahr)",
        "In the core": "Im Kern",
        "Largest surplus of a group (EUR/year)": "Größte Mehrbelastung einer Gruppe (EUR/Jahr)",
        "Partners paying more than alone": "Partner, die mehr zahlen als allein",
        "Partners": "Partner",
        "Partner": "Partner",
        "Probability of a saving, chosen rule": (
            "Wahrscheinlichkeit einer Ersparnis, gewählte Regel"
        ),
        "Probability of a saving, population shares": (
            "Wahrscheinlichkeit einer Ersparnis, Anteile nach Einwohnern"
        ),
        "Mean saving (EUR/year)": "Mittlere Ersparnis (EUR/Jahr)",
        "5 % quantile (EUR/year)": "5-%-Quantil (EUR/Jahr)",
        "95 % quantile (EUR/year)": "95-%-Quantil (EUR/Jahr)",
        "Stand-alone cost (EUR/year)": "Kosten bei Einzelerledigung (EUR/Jahr)",
        "Cost share, chosen rule (EUR/year)": "Kostenanteil, gewählte Regel (EUR/Jahr)",
        "Saving (EUR/year)": "Ersparnis (EUR/Jahr)",
        "Saving, share of stand-alone cost": "Ersparnis, Anteil an den Kosten bei Einzelerledigung",
        "Share of the set-up cost (EUR)": "Anteil an den Anlaufkosten (EUR)",
        "Strategic capacity K (EUR)": "Strategische Kapazität K (EUR)",
        "Can carry its share": "Kann seinen Anteil tragen",
        "Can initiate": "Kann anstoßen",
        "Net gain, parameter low (EUR/year)": "Nettogewinn, Parameter unten (EUR/Jahr)",
        "Net gain, parameter high (EUR/year)": "Nettogewinn, Parameter oben (EUR/Jahr)",
        "Swing (EUR/year)": "Ausschlag (EUR/Jahr)",
        "Optimal size, parameter low": "Optimale Größe, Parameter unten",
        "Optimal size, parameter high": "Optimale Größe, Parameter oben",
        "Conclusion": "Schlussfolgerung",
        "Share of draws": "Anteil der Ziehungen",
        "Share of corners": "Anteil der Eckpunkte",
        "Verdict": "Urteil",
        "parameters of the scenario": "Parameter des Szenarios",
        "growth of the coalition, amounts rounded to thousands": (
            "Wachstum der Koalition, Beträge auf Tausend gerundet"
        ),
        "stand-alone cost of each unit (computed, not observed)": (
            "Kosten jeder Einheit bei Einzelerledigung (berechnet, nicht beobachtet)"
        ),
        "division rules compared": "Aufteilungsregeln im Vergleich",
        "cost share of each partner by rule (EUR/year)": (
            "Kostenanteil jedes Partners nach Regel (EUR/Jahr)"
        ),
        "pay-off by size class": "Ersparnis nach Größenklasse",
        "pay-off of each partner": "Ersparnis jedes Partners",
        "set-up phase of the optimal coalition": "Anlaufphase der optimalen Koalition",
        "one parameter at a time": "jeweils ein Parameter verändert",
        "which conclusions hold over the ranges": (
            "welche Schlussfolgerungen über die Spannen gelten"
        ),
        "partner": "Partner",
        "stand-alone cost": "Kosten bei Einzelerledigung",
        "population: {source}": "Einwohner: {source}",
        "task and initial partners of scenario {scenario}: data/raw/scenarios.csv (its sources "
        "name partners outside this district)": (
            "Aufgabe und Startpartner des Szenarios {scenario}: data/raw/scenarios.csv (seine "
            "Quellen nennen Partner außerhalb dieses Landkreises)"
        ),
        "Core of the optimal coalition non-empty: {core}; largest prefix of the growth order "
        "with a non-empty core: {stable} (checked up to {checked} partners).": (
            "Kern der optimalen Koalition nicht leer: {core}; größte Anfangskoalition der "
            "Wachstumsreihenfolge mit nicht leerem Kern: {stable} (geprüft bis {checked} "
            "Partner)."
        ),
        "No coalition to simulate.": "Keine Koalition zu simulieren.",
        "Probability that the optimal coalition as a whole gains: {p} %; share of partners who "
        "save with a probability above one half under the rule {rule}: {share} %.": (
            "Wahrscheinlichkeit, dass die optimale Koalition insgesamt gewinnt: {p} %; Anteil der "
            "Partner, die nach der Regel {rule} mit einer Wahrscheinlichkeit über 50 % sparen: "
            "{share} %."
        ),
        "Initiation cost of the optimal coalition: {cost} EUR; units able to initiate: {n} of "
        "{total}.": (
            "Initiierungskosten der optimalen Koalition: {cost} EUR; Einheiten, die sie anstoßen "
            "können: {n} von {total}."
        ),
        "Best coalition of units below {threshold} inhabitants: {k} partners, expected net gain "
        "{gain} EUR/year, probability of a gain {p} %; largest capacity {capacity} EUR against "
        "an initiation cost of {cost} EUR: can any partner initiate? {answer}.": (
            "Beste Koalition aus Einheiten unter {threshold} Einwohnern: {k} Partner, erwarteter "
            "Nettogewinn {gain} EUR/Jahr, Wahrscheinlichkeit eines Gewinns {p} %; größte "
            "Kapazität {capacity} EUR gegenüber Initiierungskosten von {cost} EUR: Kann ein "
            "Partner sie anstoßen? {answer}."
        ),
        "Fewer than two units below {threshold} inhabitants.": (
            "Weniger als zwei Einheiten unter {threshold} Einwohnern."
        ),
        "No coalition of units below {threshold} inhabitants gains.": (
            "Keine Koalition aus Einheiten unter {threshold} Einwohnern erzielt einen Gewinn."
        ),
        "Largest partner ({name}): saving {population} % of its stand-alone cost under "
        "population shares, {rule_rate} % under the rule {rule}; side payment needed to reach "
        "{threshold} %: {compensation} EUR/year.": (
            "Größter Partner ({name}): Ersparnis von {population} % seiner Kosten der "
            "Einzelerledigung bei Aufteilung nach Einwohnern, {rule_rate} % nach der Regel "
            "{rule}; nötige Ausgleichszahlung, um {threshold} % zu erreichen: {compensation} "
            "EUR/Jahr."
        ),
        "{draws} draws and {corners} corners of {ranged} ranged parameters.": (
            "{draws} Ziehungen und {corners} Eckpunkte von {ranged} Parametern mit Spanne."
        ),
        "- Holds in every draw and corner, by construction (any positive fixed cost per office "
        "gives economies of scale): {statement}.": (
            "- Gilt in jeder Ziehung und jedem Eckpunkt, und zwar durch die Modellannahmen "
            "(positive Fixkosten je Stelle erzeugen stets Größenvorteile): {statement}."
        ),
        "- Holds in every draw and corner: {statement}.": (
            "- Gilt in jeder Ziehung und jedem Eckpunkt: {statement}."
        ),
        "- Never the case within the ranges: {statement}.": (
            "- Innerhalb der Spannen nie der Fall: {statement}."
        ),
        "- Depends on the assumptions: {statement} (in {draws} % of draws and {corners} % of "
        "corners).": (
            "- Hängt von den Annahmen ab: {statement} (in {draws} % der Ziehungen und {corners} % "
            "der Eckpunkte)."
        ),
        "Fewer than two units: the findings of the case study cannot be set against the model "
        "here.": (
            "Weniger als zwei Einheiten: Die Befunde der Fallstudie lassen sich hier nicht dem "
            "Modell gegenüberstellen."
        ),
        "Smallest unit pays more per inhabitant than the largest when each goes alone. This is "
        "built into the model: any positive fixed cost per office spreads over fewer "
        "inhabitants in a small unit, so it is an assumption, not a result.": (
            "Die kleinste Einheit zahlt bei Einzelerledigung mehr je Einwohner als die größte. "
            "Das ist im Modell angelegt: Positive Fixkosten je Stelle verteilen sich in einer "
            "kleinen Einheit auf weniger Einwohner; es ist also eine Annahme, kein Ergebnis."
        ),
        "Here the smallest unit does not pay more per inhabitant than the largest (capacity "
        "blocks outweigh the fixed cost).": (
            "Hier zahlt die kleinste Einheit nicht mehr je Einwohner als die größte "
            "(Kapazitätsblöcke wiegen die Fixkosten auf)."
        ),
        "No coalition gains at the scenario's values, so the two findings of the case study's "
        "conclusion cannot be set against the model here.": (
            "Mit den Werten des Szenarios gewinnt keine Koalition; die beiden Befunde aus dem "
            "Fazit der Fallstudie lassen sich hier nicht dem Modell gegenüberstellen."
        ),
        "The parameters are illustrative: the model shows that the mechanism can produce the "
        "findings, not that it does; measured costs of a real task would turn it into an "
        "estimate.": (
            "Die Parameter sind illustrativ: Das Modell zeigt, dass der Mechanismus die Befunde "
            "hervorbringen kann, nicht dass er es tut; gemessene Kosten einer realen Aufgabe "
            "würden daraus eine Schätzung machen."
        ),
        "With these parameters the model shows the case study's finding that small units would "
        "gain from pooling but cannot finance the start: no unit below the small-size threshold "
        "can front the initiation cost, and a coalition of small units alone would gain but "
        "none of its partners can initiate it. This follows from the assumed capacity (growing "
        "with population) and set-up costs.": (
            "Mit diesen Parametern zeigt das Modell den Befund der Fallstudie, dass kleine "
            "Einheiten von einer Bündelung profitieren würden, den Start aber nicht finanzieren "
            "können: Keine Einheit unter der Kleinheitsschwelle kann die Initiierungskosten "
            "vorstrecken, und eine Koalition nur aus kleinen Einheiten würde gewinnen, doch "
            "keiner ihrer Partner kann sie anstoßen. Das folgt aus der angenommenen, mit der "
            "Einwohnerzahl wachsenden Kapazität und den Anlaufkosten."
        ),
        "With these parameters the model shows part of the case study's finding that small "
        "units cannot finance the start: no unit below the small-size threshold can front the "
        "initiation cost of the optimal coalition.": (
            "Mit diesen Parametern zeigt das Modell einen Teil des Befunds der Fallstudie, dass "
            "kleine Einheiten den Start nicht finanzieren können: Keine Einheit unter der "
            "Kleinheitsschwelle kann die Initiierungskosten der optimalen Koalition vorstrecken."
        ),
        "With these parameters the model does not show the case study's finding that small "
        "units cannot finance the start: a unit below the small-size threshold can front the "
        "initiation cost here.": (
            "Mit diesen Parametern zeigt das Modell den Befund der Fallstudie nicht, dass kleine "
            "Einheiten den Start nicht finanzieren können: Hier kann eine Einheit unter der "
            "Kleinheitsschwelle die Initiierungskosten vorstrecken."
        ),
        "With these parameters the model shows the case study's finding that large towns have "
        "little to gain when the cost is shared by population: the largest partner saves less "
        "than {threshold} % of its stand-alone cost unless a rule such as the Shapley value or "
        "a side payment credits it. This follows from sharing by population: the large partner "
        "pays the coalition's average cost, which is close to its own.": (
            "Mit diesen Parametern zeigt das Modell den Befund der Fallstudie, dass große Städte "
            "bei einer Kostenaufteilung nach Einwohnern wenig gewinnen: Der größte Partner spart "
            "weniger als {threshold} % seiner Kosten der Einzelerledigung, solange keine Regel "
            "wie der Shapley-Wert oder eine Ausgleichszahlung ihm seinen Beitrag anrechnet. Das "
            "folgt aus der Aufteilung nach Einwohnern: Der große Partner zahlt die "
            "Durchschnittskosten der Koalition, die nahe an seinen eigenen liegen."
        ),
        "With these parameters the model does not show the case study's finding that large "
        "towns gain little under population shares: the largest partner saves at least "
        "{threshold} % of its stand-alone cost here.": (
            "Mit diesen Parametern zeigt das Modell den Befund der Fallstudie nicht, dass große "
            "Städte bei Aufteilung nach Einwohnern wenig gewinnen: Der größte Partner spart hier "
            "mindestens {threshold} % seiner Kosten der Einzelerledigung."
        ),
    }
)
