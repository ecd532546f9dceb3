"""What predicts a cooperation tie? Dyadic logit with QAP permutation p-values.

Each unordered pair of municipality nodes (a *dyad*) is one observation: ``tie`` = 1 when
the two share at least one body in the chosen network layer. Covariates are dyadic:

``abs_diff_log_pop``      |log pop_i - log pop_j| (homophily in size: negative = alike tie)
``both_small``            both nodes below ``small_threshold`` inhabitants (default 10,000)
``distance_km``           great-circle distance between the centres (haversine)
``shared_border``         the two share a border line (only when a boundary file exists)
``same_gemeindeverband``  same Gemeindeverband (constant at unit level, so dropped there)

Dyads are not independent (every node appears in n - 1 of them), so the usual logit
standard errors are too small. QAP (quadratic assignment procedure) keeps the covariate
matrices fixed and permutes the node labels of the dependent matrix jointly on rows and
columns; this keeps the network's structure (degree sequence, clustering) and only breaks
its link to the covariates. The p-value is the share of permutations whose statistic is at
least as extreme as the observed one. With 14 or 20 nodes (91 or 190 dyads) and few or
very many ties the logit can separate; :func:`fit_logit` reports that instead of hiding it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)

EARTH_RADIUS_KM = 6371.0088
SMALL_THRESHOLD = 10_000
_SEPARATION_COEF = 15.0  # |coefficient| beyond which a logit fit is treated as separated

Statistic = Callable[[np.ndarray, Mapping[str, np.ndarray]], np.ndarray]


def haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in km between points given in degrees (broadcasts)."""
    lon1, lat1, lon2, lat2 = (
        np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2)
    )
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def covariate_matrices(
    nodes: pd.DataFrame,
    border_pairs: set[tuple[str, str]] | None = None,
    small_threshold: int = SMALL_THRESHOLD,
) -> dict[str, np.ndarray]:
    """Dyadic covariate matrices in ``nodes`` order (diagonal 0).

    Parameters
    ----------
    nodes
        ``node_id``, ``population``, ``lon``, ``lat``, ``gemeindeverband_key``.
    border_pairs
        Node pairs sharing a border; ``None`` leaves ``shared_border`` out.
    """
    log_pop = np.log(nodes["population"].to_numpy(dtype=float))
    small = nodes["population"].to_numpy(dtype=float) < small_threshold
    lon, lat = nodes["lon"].to_numpy(dtype=float), nodes["lat"].to_numpy(dtype=float)
    gv = nodes["gemeindeverband_key"].to_numpy()
    matrices = {
        "abs_diff_log_pop": np.abs(log_pop[:, None] - log_pop[None, :]),
        "both_small": (small[:, None] & small[None, :]).astype(float),
        "distance_km": haversine_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :]),
        "same_gemeindeverband": (gv[:, None] == gv[None, :]).astype(float),
    }
    if border_pairs is not None:
        index = {n: i for i, n in enumerate(nodes["node_id"])}
        border = np.zeros((len(nodes), len(nodes)))
        for a, b in border_pairs:
            if a in index and b in index:
                border[index[a], index[b]] = border[index[b], index[a]] = 1.0
        matrices["shared_border"] = border
    for matrix in matrices.values():
        np.fill_diagonal(matrix, 0.0)
    return matrices


def upper(matrix: np.ndarray) -> np.ndarray:
    """Values above the diagonal, row by row (one per unordered dyad)."""
    return matrix[np.triu_indices(matrix.shape[0], k=1)]


def dyad_table(
    nodes: pd.DataFrame, y: np.ndarray, matrices: Mapping[str, np.ndarray]
) -> pd.DataFrame:
    """One row per unordered dyad: ``node_a``, ``node_b``, ``tie`` and the covariates."""
    i, j = np.triu_indices(len(nodes), k=1)
    ids = nodes["node_id"].to_numpy()
    table = pd.DataFrame({"node_a": ids[i], "node_b": ids[j], "tie": (upper(y) > 0).astype(int)})
    for name, matrix in matrices.items():
        table[name] = upper(matrix)
    return table


@dataclass
class LogitFit:
    """Result of :func:`fit_logit`; ``params`` etc. are indexed by term (incl. ``const``)."""

    params: pd.Series
    bse: pd.Series
    pvalues: pd.Series
    terms: list[str]
    dropped: list[str] = field(default_factory=list)
    separated: bool = False
    converged: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        """Whether the coefficients can be read (converged, no separation)."""
        return self.converged and not self.separated


def fit_logit(y: np.ndarray, X: pd.DataFrame) -> LogitFit:
    """Logit of a 0/1 vector on ``X`` (constant added), robust to degenerate designs.

    Constant covariates are dropped with a note; an all-0/all-1 outcome, (quasi-)perfect
    separation and non-convergence are flagged instead of raising.
    """
    y = np.asarray(y, dtype=float)
    notes: list[str] = []
    constant = [c for c in X.columns if X[c].nunique() <= 1]
    if constant:
        notes.append(f"dropped constant covariate(s): {', '.join(constant)}")
    design = sm.add_constant(X.drop(columns=constant).astype(float), has_constant="add")
    terms = list(design.columns)
    empty = pd.Series(np.nan, index=terms)
    if y.min() == y.max():
        notes.append("outcome has no variation (all dyads tied or none): no model")
        return LogitFit(empty, empty, empty, terms, constant, True, False, notes)
    separated, converged = False, True
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = sm.Logit(y, design).fit(disp=0, maxiter=200)
        except (PerfectSeparationError, np.linalg.LinAlgError) as exc:
            notes.append(f"fit failed: {type(exc).__name__}")
            return LogitFit(empty, empty, empty, terms, constant, True, False, notes)
    for warning in caught:
        if issubclass(warning.category, PerfectSeparationWarning):
            separated = True
        elif issubclass(warning.category, ConvergenceWarning):
            converged = False
    converged = converged and bool(result.mle_retvals.get("converged", True))
    params, bse = result.params, result.bse
    if (params.abs() > _SEPARATION_COEF).any() or not np.isfinite(bse).all():
        separated = True
    if separated:
        notes.append("(quasi-)perfect separation: coefficients are not interpretable")
    if not converged:
        notes.append("maximum likelihood did not converge")
    return LogitFit(params, bse, result.pvalues, terms, constant, separated, converged, notes)


def qap_permute(matrix: np.ndarray, permutation: np.ndarray) -> np.ndarray:
    """Relabel the nodes of a square matrix: rows and columns permuted jointly."""
    return matrix[np.ix_(permutation, permutation)]


def qap_test(
    y: np.ndarray,
    matrices: Mapping[str, np.ndarray],
    statistic: Statistic,
    n_permutations: int = 999,
    seed: int = 0,
) -> pd.DataFrame:
    """QAP (Y-permutation) p-values of a vector statistic.

    Parameters
    ----------
    y
        Square dependent matrix.
    matrices
        Covariate matrices (kept fixed).
    statistic
        ``statistic(y, matrices)`` -> one value per term (NaN when undefined).
    n_permutations
        Number of random relabellings.
    seed
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    pandas.DataFrame
        ``observed``, ``p_value`` (two-sided: share of permutations with
        ``|stat| >= |observed|``, counting the observed labelling once) and ``n_valid``
        (permutations where the statistic was defined); one row per term.
    """
    if n_permutations < 1:
        raise ValueError("n_permutations must be at least 1")
    observed = np.asarray(statistic(y, matrices), dtype=float)
    rng = np.random.default_rng(seed)
    permuted = np.empty((n_permutations, observed.size))
    for k in range(n_permutations):
        permuted[k] = statistic(qap_permute(y, rng.permutation(y.shape[0])), matrices)
    valid = np.isfinite(permuted)
    # Tolerance so ties with the observed value (common with 0/1 data) count as extreme.
    extreme = (np.abs(permuted) >= np.abs(observed) - 1e-12) & valid
    n_valid = valid.sum(axis=0)
    p_value = (1 + extreme.sum(axis=0)) / (1 + n_valid)
    p_value = np.where(np.isfinite(observed), p_value, np.nan)
    return pd.DataFrame({"observed": observed, "p_value": p_value, "n_valid": n_valid})


def correlation_statistic(y: np.ndarray, matrices: Mapping[str, np.ndarray]) -> np.ndarray:
    """Pearson correlation of the dyad values of ``y`` with each covariate (NaN if constant)."""
    target = upper(y)
    values = []
    for matrix in matrices.values():
        x = upper(matrix)
        if target.std() == 0 or x.std() == 0:
            values.append(np.nan)
        else:
            values.append(float(np.corrcoef(target, x)[0, 1]))
    return np.array(values)


def logit_statistic(y: np.ndarray, matrices: Mapping[str, np.ndarray]) -> np.ndarray:
    """Logit coefficients of the covariates (no constant); NaN when the fit is unusable.

    Constant covariates are NaN as well, so the vector always has one entry per matrix.
    """
    X = pd.DataFrame({name: upper(m) for name, m in matrices.items()})
    fit = fit_logit((upper(y) > 0).astype(float), X)
    if not fit.usable:
        return np.full(len(matrices), np.nan)
    return np.array([fit.params.get(name, np.nan) for name in matrices])


def _qap_or_observed(
    y: np.ndarray,
    matrices: Mapping[str, np.ndarray],
    statistic: Statistic,
    n_permutations: int,
    seed: int,
) -> pd.DataFrame:
    """:func:`qap_test`, or the observed statistic with NaN p-values when no permutation."""
    if n_permutations > 0:
        return qap_test(y, matrices, statistic, n_permutations, seed)
    observed = np.asarray(statistic(y, matrices), dtype=float)
    return pd.DataFrame({"observed": observed, "p_value": np.nan, "n_valid": 0})


@dataclass
class TieModel:
    """Dyadic logit with naive and QAP p-values, plus the QAP correlations."""

    table: pd.DataFrame
    dyads: pd.DataFrame
    fit: LogitFit
    notes: list[str]


def tie_model(
    nodes: pd.DataFrame,
    projection: nx.Graph,
    border_pairs: set[tuple[str, str]] | None = None,
    *,
    n_permutations: int = 999,
    seed: int = 0,
    small_threshold: int = SMALL_THRESHOLD,
) -> TieModel:
    """Fit the tie-formation model on a projection and attach QAP p-values.

    ``n_permutations=0`` skips the permutations: the QAP p-values are then NaN (with a note)
    and the observed logit and correlations are still reported.

    Returns
    -------
    TieModel
        ``table`` has one row per covariate: ``coef``, ``se`` and ``p_naive`` (logit,
        dyads treated as independent), ``qap_p_logit``, ``qap_valid_logit``,
        ``correlation`` and ``qap_p_correlation``.
    """
    nodes = nodes.sort_values("node_id").reset_index(drop=True)
    order = list(nodes["node_id"])
    y = nx.to_numpy_array(projection, nodelist=order, weight=None, nonedge=0.0)
    y = (y > 0).astype(float)
    matrices = covariate_matrices(nodes, border_pairs, small_threshold)
    dyads = dyad_table(nodes, y, matrices)
    fit = fit_logit(dyads["tie"].to_numpy(), dyads[list(matrices)])
    corr = _qap_or_observed(y, matrices, correlation_statistic, n_permutations, seed)
    logit = _qap_or_observed(y, matrices, logit_statistic, n_permutations, seed)
    table = pd.DataFrame(
        {
            "term": list(matrices),
            "coef": [fit.params.get(t, np.nan) for t in matrices],
            "se": [fit.bse.get(t, np.nan) for t in matrices],
            "p_naive": [fit.pvalues.get(t, np.nan) for t in matrices],
            "qap_p_logit": logit["p_value"].to_numpy(),
            "qap_valid_logit": logit["n_valid"].to_numpy(),
            "correlation": corr["observed"].to_numpy(),
            "qap_p_correlation": corr["p_value"].to_numpy(),
        }
    )
    if not fit.usable:
        table[["coef", "se", "p_naive", "qap_p_logit"]] = np.nan
    notes = list(fit.notes)
    n_ties = int(dyads["tie"].sum())
    notes.append(f"{len(nodes)} nodes, {len(dyads)} dyads, {n_ties} tied")
    if border_pairs is None:
        notes.append("no boundary file: shared_border left out")
    if n_permutations == 0:
        notes.append("no QAP permutations requested: QAP p-values left empty")
    kept = [t not in fit.dropped for t in matrices]
    if fit.usable and (logit.loc[kept, "n_valid"] < n_permutations).any():
        notes.append(
            "some permutations gave an unusable logit and were skipped (see qap_valid_logit)"
        )
    return TieModel(table=table, dyads=dyads, fit=fit, notes=notes)
