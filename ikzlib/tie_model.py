"""What predicts a cooperation tie? Dyadic logit with QAP permutation p-values.

Each unordered pair of municipality nodes (a *dyad*) is one observation: ``tie`` = 1 when
the two share at least one body in the chosen network layer. Covariates are dyadic:

``abs_diff_log_pop``      |log pop_i - log pop_j| (homophily in size: negative = alike tie)
``both_small``            both nodes below ``small_threshold`` inhabitants (default 10,000)
``distance_km``           great-circle distance between the centres (haversine)
``shared_border``         the two share a border line (only when a boundary file exists)
``same_gemeindeverband``  same Gemeindeverband (constant at unit level, so dropped there)

Dyads are not independent (every node appears in n - 1 of them), so the usual logit
standard errors are too small. QAP (quadratic assignment procedure) relabels the nodes of a
matrix, rows and columns jointly; this keeps the network's structure (degree sequence,
clustering) and only breaks its link to the covariates. With 14 or 20 nodes (91 or 190
dyads) and few or very many ties the logit can separate; :func:`fit_logit` reports that
instead of hiding it.

QAP conventions (:func:`qap_test`)
----------------------------------
*Null distribution.* ``method="y-permutation"`` (Krackhardt 1988, *Social Networks*
10:359-381; the default here) relabels the dependent matrix and keeps every covariate fixed.
``method="dekker"`` is the double semi-partialling of Dekker, Krackhardt & Snijders (2007,
*Psychometrika* 72:563-581): for each covariate, its residual matrix after a least-squares
regression on the other covariates and a constant is relabelled and the model refitted; the
covariate's statistic in each refit forms its null distribution. It keeps the covariates'
collinearity out of the null distribution and is what statnet's ``netlm`` and ``netlogit``
do by default (``nullhyp="qap"``, i.e. ``"qapspp"``). statnet draws new relabellings for
each covariate and tests the constant too; here every covariate uses the same relabellings
and the constant is not tested. It needs a regression statistic (:class:`LogitStatistic`).

*Test statistic.* The logit coefficient (``logit_statistic``, the default here) or its Wald
z-value (``logit_z_statistic``): pivotal, the default of ``netlogit`` and what Dekker et al.
advise.

*p-value.* ``p_value`` is the share of permutations at least as extreme as the observed
statistic, counting the observed labelling once: ``(1 + #extreme) / (1 + n_valid)``
(Phipson & Smyth 2010, *Stat. Appl. Genet. Mol. Biol.* 9:39; never 0), where ``n_valid``
counts the permutations whose statistic is defined (a separated or non-converged logit is
skipped). "At least as extreme" follows ``alternative``: ``"two-sided"`` (default) counts
``|stat| >= |observed|``, ``"greater"`` ``stat >= observed`` and ``"less"``
``stat <= observed``. The table always holds all three, as ``p_two_sided``, ``p_greater`` and
``p_less``. statnet reports the same three as ``pgreqabs``, ``pgreq`` and ``pleeq`` (UCINET's
MRQAP as the proportions as large and as small), as plain shares without the +1: a share
``s`` of ``n`` valid permutations is ``(1 + n * s) / (1 + n)`` here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from ikzlib.errors import ParameterError
from ikzlib.i18n import Message, register
from ikzlib.studies.base import check_choice

EARTH_RADIUS_KM = 6371.0088
SMALL_THRESHOLD = 10_000
_SEPARATION_COEF = 15.0  # |coefficient| beyond which a logit fit is treated as separated
_MAX_ITERATIONS = 100
# Largest Newton step at convergence, as statsmodels' Newton solver (its default ``tol``).
_TOLERANCE = 1e-8
_MAX_HALVINGS = 30
# Dyads x permutations per batch (8 MB per float array): fastest of 0.25, 1 and 4 million at
# 234 nodes, and the memory stays bounded at any district size.
_CHUNK_VALUES = 1_000_000
# Relative tolerance so that ties with the observed value count as extreme although the two
# were computed in a different order (or Newton iteration) and differ in the last digits.
_TIE_TOLERANCE = 1e-9

ALTERNATIVES = ("two-sided", "greater", "less")
METHODS = ("y-permutation", "dekker")
LOGIT_STATISTICS = ("coef", "z")
_P_COLUMNS = {"two-sided": "p_two_sided", "greater": "p_greater", "less": "p_less"}

Statistic = Callable[[np.ndarray, Mapping[str, np.ndarray]], np.ndarray]

register(
    {
        "dropped constant covariate(s): {names}": "konstante Kovariate(n) entfernt: {names}",
        "outcome has no variation (all dyads tied or none): no model": (
            "Zielgröße ohne Variation (alle Dyaden verbunden oder keine): kein Modell"
        ),
        "covariates are collinear: no model": "Kovariaten sind kollinear: kein Modell",
        "(quasi-)perfect separation: coefficients are not interpretable": (
            "(quasi-)vollständige Separation: Koeffizienten sind nicht interpretierbar"
        ),
        "maximum likelihood did not converge": "Maximum-Likelihood-Schätzung konvergierte nicht",
        "{n_nodes} nodes, {n_dyads} dyads, {n_tied} tied": (
            "{n_nodes} Knoten, {n_dyads} Dyaden, {n_tied} verbunden"
        ),
        "no boundary file: shared_border left out": (
            "keine Grenzdatei: shared_border nicht berücksichtigt"
        ),
        "no QAP permutations requested: QAP p-values left empty": (
            "keine QAP-Permutationen angefordert: QAP-p-Werte bleiben leer"
        ),
        "some permutations gave an unusable logit and were skipped (see qap_valid_logit)": (
            "einige Permutationen ergaben kein verwertbares Logit-Modell und wurden "
            "übersprungen (siehe qap_valid_logit)"
        ),
        "two-sided": "zweiseitig",
        "one-sided (greater)": "einseitig (größer)",
        "one-sided (less)": "einseitig (kleiner)",
        "Y-permutation": "Y-Permutation",
        "double semi-partialling (Dekker et al. 2007)": (
            "doppelte Semipartialisierung (Dekker et al. 2007)"
        ),
        "coefficient": "Koeffizient",
        "z-value": "z-Wert",
        "QAP p-values: {alternative}, {method}, logit statistic {statistic}, "
        "{n} permutations, p = (1 + permutations at least as extreme) / "
        "(1 + valid permutations)": (
            "QAP-p-Werte: {alternative}, {method}, Logit-Teststatistik {statistic}, "
            "{n} Permutationen, p = (1 + mindestens so extreme Permutationen) / "
            "(1 + gültige Permutationen)"
        ),
    }
)
_ALTERNATIVE_LABELS = {
    "two-sided": "two-sided",
    "greater": "one-sided (greater)",
    "less": "one-sided (less)",
}
_METHOD_LABELS = {
    "y-permutation": "Y-permutation",
    "dekker": "double semi-partialling (Dekker et al. 2007)",
}
_STATISTIC_LABELS = {"coef": "coefficient", "z": "z-value"}


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


@dataclass
class NewtonFit:
    """Several logit fits at once (one column per fit) from :func:`logit_newton`.

    Attributes
    ----------
    params, bse
        Coefficients and standard errors (inverse observed information), shape (terms, fits).
    converged
        The Newton step fell below the tolerance within the iteration limit.
    separated
        Some ``|coefficient| > 15``, a singular information matrix or fitted probabilities
        equal to the outcome: the maximum-likelihood estimate does not exist.
    """

    params: np.ndarray
    bse: np.ndarray
    converged: np.ndarray
    separated: np.ndarray

    @property
    def usable(self) -> np.ndarray:
        """Per fit: converged and not separated (the rule of :attr:`LogitFit.usable`)."""
        return self.converged & ~self.separated


class _Design:
    """Design matrices of a batch of fits: shared columns and at most one varying column.

    Fit ``b`` uses ``fixed`` with ``varying[:, b]`` inserted at ``position``. The products of
    the shared columns are computed once, so the information matrices of all fits are one
    matrix product. Products use ``einsum``, not ``@``: at these sizes OpenBLAS runs
    threads, and on two busy cores (a batch of reports) those took six times the CPU.
    """

    def __init__(
        self,
        fixed: np.ndarray,
        varying: np.ndarray | None = None,
        position: int = 0,
        products: np.ndarray | None = None,
    ) -> None:
        self.fixed, self.varying, self.position = fixed, varying, position
        n_fixed = fixed.shape[1]
        self.n_terms = n_fixed + (varying is not None)
        self.shared = np.array(
            [t for t in range(self.n_terms) if varying is None or t != position], dtype=int
        )
        self.rows, self.cols = np.triu_indices(n_fixed)
        if products is None:
            products = fixed[:, self.rows] * fixed[:, self.cols]
        self.products = products

    def take(self, fits: np.ndarray) -> _Design:
        """The design of the fits ``fits`` (a sorted subset of all fits) only."""
        if self.varying is None or len(fits) == self.varying.shape[1]:
            return self
        return _Design(self.fixed, self.varying[:, fits], self.position, self.products)

    def with_varying(self, varying: np.ndarray, position: int) -> _Design:
        """This design's columns with ``varying`` (one column per fit) inserted."""
        return _Design(self.fixed, varying, position, self.products)

    def linear(self, beta: np.ndarray) -> np.ndarray:
        """Linear predictors, (observations, fits)."""
        eta = np.einsum("nk,kb->nb", self.fixed, beta[self.shared])
        if self.varying is not None:
            eta += self.varying * beta[self.position]
        return eta

    def transpose_times(self, values: np.ndarray) -> np.ndarray:
        """``X_b' v_b`` for every fit, (terms, fits)."""
        out = np.empty((self.n_terms, values.shape[1]))
        out[self.shared] = np.einsum("nk,nb->kb", self.fixed, values)
        if self.varying is not None:
            out[self.position] = (self.varying * values).sum(axis=0)
        return out

    def information(self, weights: np.ndarray) -> np.ndarray:
        """``X_b' W_b X_b`` for every fit, (fits, terms, terms)."""
        out = np.empty((weights.shape[1], self.n_terms, self.n_terms))
        pairs = np.einsum("nk,nb->kb", self.products, weights).T
        rows, cols = self.shared[self.rows], self.shared[self.cols]
        out[:, rows, cols] = pairs
        out[:, cols, rows] = pairs
        if self.varying is not None:
            weighted = weights * self.varying
            cross = np.einsum("nk,nb->kb", self.fixed, weighted).T
            out[:, self.shared, self.position] = cross
            out[:, self.position, self.shared] = cross
            out[:, self.position, self.position] = (weighted * self.varying).sum(axis=0)
        return out


def _evaluate(y: np.ndarray, eta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fitted probabilities and the log-likelihood of every fit.

    One exponential per value serves both, and ``exp(-|eta|)`` neither overflows nor loses
    digits at either tail (the log-likelihood is the costliest step of a batch).
    """
    small = np.exp(-np.abs(eta))
    inverse = 1.0 / (1.0 + small)
    probability = np.where(eta >= 0.0, inverse, small * inverse)
    softplus = np.maximum(eta, 0.0) + np.log1p(small)  # log(1 + e^eta)
    return probability, (y * eta - softplus).sum(axis=0)


def _solve(matrices: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """``solve(matrices[b], rhs[b])`` for every b; NaN where a matrix is singular."""
    try:
        return np.linalg.solve(matrices, rhs)
    except np.linalg.LinAlgError:
        # slogdet runs the same LU factorisation: sign 0 is the zero pivot solve stops at.
        regular = np.linalg.slogdet(matrices)[0] != 0
        out = np.full(rhs.shape, np.nan)  # NaN marks the fit as separated
        out[regular] = np.linalg.solve(matrices[regular], rhs[regular])
        return out


def _columns(values: np.ndarray, fits: np.ndarray) -> np.ndarray:
    """The columns ``fits`` (a sorted subset) of a per-fit array; a shared column stays."""
    return values if values.shape[1] in (1, len(fits)) else values[:, fits]


def _halved_step(
    design: _Design, y: np.ndarray, beta: np.ndarray, step: np.ndarray, loglik: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``beta + t * step`` with t halved per fit until the log-likelihood does not fall.

    Returns the new coefficients, their fitted probabilities and log-likelihoods.
    """
    new = beta + step
    eta = design.linear(new)
    probability, new_loglik = _evaluate(y, eta)
    slack = 1e-12 * (1.0 + np.abs(loglik))  # rounding near the optimum is no decrease
    scale = np.ones(beta.shape[1])
    for _ in range(_MAX_HALVINGS):
        worse = np.flatnonzero(~(new_loglik >= loglik - slack))
        if worse.size == 0:
            break
        scale[worse] /= 2
        new[:, worse] = beta[:, worse] + scale[worse] * step[:, worse]
        eta[:, worse] = design.take(worse).linear(new[:, worse])
        probability[:, worse], new_loglik[worse] = _evaluate(_columns(y, worse), eta[:, worse])
    return new, probability, new_loglik


def _newton(design: _Design, y: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Newton-Raphson with step halving for every fit; returns coefficients and convergence.

    A fit stops when its full Newton step is at most the tolerance (statsmodels' rule), or
    as not converged when the step is undefined (singular information) or after the limit.
    """
    beta = beta.copy()
    converged = np.zeros(beta.shape[1], dtype=bool)
    active = np.arange(beta.shape[1])
    probability, loglik = _evaluate(y, design.linear(beta))
    for _ in range(_MAX_ITERATIONS):
        if active.size == 0:
            break
        batch, target = design.take(active), _columns(y, active)
        information = batch.information(probability * (1.0 - probability))
        score = batch.transpose_times(target - probability)
        step = _solve(information, score.T[:, :, None])[:, :, 0].T
        defined = np.isfinite(step).all(axis=0)
        step[:, ~defined] = 0.0
        new, probability, loglik = _halved_step(batch, target, beta[:, active], step, loglik)
        beta[:, active] = new
        done = defined & (np.abs(step).max(axis=0) <= _TOLERANCE)
        converged[active[done]] = True
        keep = defined & ~done
        active, probability, loglik = active[keep], probability[:, keep], loglik[keep]
    return beta, converged


def _fit_batch(design: _Design, y: np.ndarray, start: np.ndarray) -> NewtonFit:
    """Fit every column; ``y`` is (observations, fits) or one shared column."""
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        params, converged = _newton(design, y, start)
        probability, _ = _evaluate(y, design.linear(params))
        information = design.information(probability * (1.0 - probability))
        identity = np.broadcast_to(np.eye(design.n_terms), information.shape)
        variance = np.diagonal(_solve(information, identity), axis1=1, axis2=2).T
        bse = np.sqrt(variance)
        # statsmodels' check: fitted probabilities all equal to the outcome (atol 1e-8).
        perfect = (np.abs(probability - y) <= 1e-8).all(axis=0)
    separated = (
        ~np.isfinite(params).all(axis=0)
        | ~np.isfinite(bse).all(axis=0)
        | (np.abs(params).max(axis=0) > _SEPARATION_COEF)
        | perfect
    )
    return NewtonFit(params, bse, converged, separated)


def logit_newton(X: np.ndarray, y: np.ndarray, start: np.ndarray | None = None) -> NewtonFit:
    """Logistic regressions of each column of ``y`` on the same design ``X`` (plain NumPy).

    Newton-Raphson (iteratively reweighted least squares) with step halving: a step that
    lowers the log-likelihood is halved (up to 30 times), so every iteration is an ascent.
    All fits iterate together, and a fit leaves the batch once converged.

    Parameters
    ----------
    X
        Design, (observations, terms); include the constant column yourself.
    y
        0/1 outcomes, (observations,) or (observations, fits).
    start
        Starting coefficients, (terms,) for all fits or (terms, fits); zeros by default
        (as statsmodels' ``Logit``). A warm start near the solution saves iterations.

    Returns
    -------
    NewtonFit
        Coefficients, standard errors and the convergence and separation flags.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    y = y[:, None] if y.ndim == 1 else y
    start = np.zeros(X.shape[1]) if start is None else np.asarray(start, dtype=float)
    start = start[:, None] if start.ndim == 1 else start
    return _fit_batch(_Design(X), y, np.broadcast_to(start, (X.shape[1], y.shape[1])))


def _normal_p_values(z: np.ndarray) -> np.ndarray:
    """Two-sided p-values of standard-normal z-values (Wald test)."""
    return np.array([math.erfc(abs(v) / math.sqrt(2.0)) if np.isfinite(v) else np.nan for v in z])


def _logit_design(X: pd.DataFrame) -> tuple[np.ndarray, list[str], list[str]]:
    """Design with a leading constant, its term names and the constant covariates left out."""
    constant = [c for c in X.columns if X[c].nunique() <= 1]
    kept = [c for c in X.columns if c not in constant]
    design = np.column_stack([np.ones(len(X)), X[kept].to_numpy(dtype=float)])
    return design, ["const", *kept], constant


def _full_rank(design: np.ndarray) -> bool:
    return int(np.linalg.matrix_rank(design)) == design.shape[1]


def fit_logit(y: np.ndarray, X: pd.DataFrame) -> LogitFit:
    """Logit of a 0/1 vector on ``X`` (constant added), robust to degenerate designs.

    Constant covariates are dropped with a note; an all-0/all-1 outcome, collinear
    covariates, (quasi-)perfect separation and non-convergence are flagged instead of
    raising. The fit is :func:`logit_newton`; standard errors come from the inverse observed
    information and p-values from the Wald z-test, as statsmodels' ``Logit`` reports them.
    """
    y = np.asarray(y, dtype=float)
    design, terms, constant = _logit_design(X)
    notes: list[str] = []
    if constant:
        notes.append(Message("dropped constant covariate(s): {names}", names=", ".join(constant)))
    empty = pd.Series(np.nan, index=terms)
    if y.min() == y.max():
        notes.append(Message("outcome has no variation (all dyads tied or none): no model"))
        return LogitFit(empty, empty, empty, terms, constant, True, False, notes)
    if not _full_rank(design):
        notes.append(Message("covariates are collinear: no model"))
        return LogitFit(empty, empty, empty, terms, constant, True, False, notes)
    fit = logit_newton(design, y)
    params = pd.Series(fit.params[:, 0], index=terms)
    bse = pd.Series(fit.bse[:, 0], index=terms)
    pvalues = pd.Series(_normal_p_values(fit.params[:, 0] / fit.bse[:, 0]), index=terms)
    separated, converged = bool(fit.separated[0]), bool(fit.converged[0])
    if separated:
        notes.append(Message("(quasi-)perfect separation: coefficients are not interpretable"))
    if not converged:
        notes.append(Message("maximum likelihood did not converge"))
    return LogitFit(params, bse, pvalues, terms, constant, separated, converged, notes)


def qap_permute(matrix: np.ndarray, permutation: np.ndarray) -> np.ndarray:
    """Relabel the nodes of a square matrix: rows and columns permuted jointly."""
    return matrix[np.ix_(permutation, permutation)]


def qap_permutations(n_nodes: int, n_permutations: int, seed: int) -> np.ndarray:
    """Random node relabellings, (permutations, nodes), drawn one after another from ``seed``."""
    rng = np.random.default_rng(seed)
    return np.array([rng.permutation(n_nodes) for _ in range(n_permutations)], dtype=int)


def _permuted_dyads(matrix: np.ndarray, permutations: np.ndarray) -> np.ndarray:
    """Dyad values of each relabelled matrix, (dyads, permutations); :func:`upper` order."""
    i, j = np.triu_indices(matrix.shape[0], k=1)
    return matrix[permutations[:, i], permutations[:, j]].T


def _chunks(n_permutations: int, n_dyads: int) -> list[slice]:
    """Slices of the permutations so that dyads x permutations stays within memory."""
    size = max(1, _CHUNK_VALUES // max(n_dyads, 1))
    return [slice(k, k + size) for k in range(0, n_permutations, size)]


class PermutationStatistic:
    """A QAP statistic: one value per covariate, and its permutation distributions.

    Subclasses implement ``__call__`` and may compute a whole batch of permutations at
    once by overriding :meth:`y_permuted`; a statistic of a regression model implements
    :meth:`semi_partialled` for ``method="dekker"``.
    """

    def __call__(self, y: np.ndarray, matrices: Mapping[str, np.ndarray]) -> np.ndarray:
        raise NotImplementedError

    def y_permuted(
        self, y: np.ndarray, matrices: Mapping[str, np.ndarray], permutations: np.ndarray
    ) -> np.ndarray:
        """The statistic for ``y`` relabelled by each permutation, (permutations, terms)."""
        values = [self(qap_permute(y, permutation), matrices) for permutation in permutations]
        return np.asarray(values, dtype=float).reshape(len(permutations), -1)

    def semi_partialled(
        self, y: np.ndarray, matrices: Mapping[str, np.ndarray], permutations: np.ndarray
    ) -> np.ndarray:
        """Dekker's null distributions, (permutations, terms); regression statistics only."""
        raise ParameterError(
            f"method='dekker' needs a regression statistic such as logit_statistic, "
            f"not {type(self).__name__}"
        )


class _FunctionStatistic(PermutationStatistic):
    """A plain ``statistic(y, matrices)`` function, permuted one relabelling at a time."""

    def __init__(self, function: Statistic) -> None:
        self.function = function

    def __call__(self, y: np.ndarray, matrices: Mapping[str, np.ndarray]) -> np.ndarray:
        return np.asarray(self.function(y, matrices), dtype=float)


class CorrelationStatistic(PermutationStatistic):
    """Pearson correlation of the dyad values of ``y`` with each covariate (NaN if constant)."""

    def __call__(self, y: np.ndarray, matrices: Mapping[str, np.ndarray]) -> np.ndarray:
        return self._correlations(upper(y)[:, None], matrices)[0]

    def y_permuted(
        self, y: np.ndarray, matrices: Mapping[str, np.ndarray], permutations: np.ndarray
    ) -> np.ndarray:
        out = np.empty((len(permutations), len(matrices)))
        n_dyads = y.shape[0] * (y.shape[0] - 1) // 2
        for chunk in _chunks(len(permutations), n_dyads):
            out[chunk] = self._correlations(_permuted_dyads(y, permutations[chunk]), matrices)
        return out

    @staticmethod
    def _correlations(targets: np.ndarray, matrices: Mapping[str, np.ndarray]) -> np.ndarray:
        """Correlations of each column of ``targets`` with each covariate, (columns, terms)."""
        if not matrices:
            return np.empty((targets.shape[1], 0))
        x = np.column_stack([upper(m) for m in matrices.values()])
        x = x - x.mean(axis=0)
        targets = targets - targets.mean(axis=0)
        x_norm = np.sqrt((x**2).sum(axis=0))
        t_norm = np.sqrt((targets**2).sum(axis=0))
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.einsum("nb,nk->bk", targets, x) / np.outer(t_norm, x_norm)
        constant = (t_norm[:, None] == 0) | (x_norm[None, :] == 0)
        return np.where(constant, np.nan, values)


class LogitStatistic(PermutationStatistic):
    """Logit coefficients (or their z-values) of the covariates, no constant.

    NaN for a constant covariate and for every covariate when the fit is unusable, so the
    vector always has one entry per matrix. Permutations are fitted in batches with
    :func:`logit_newton`, started at the fit of the null hypothesis (the constant-only model
    for Y-permutation, the model without the covariate for Dekker's): closer to the
    permuted fits than the observed fit, whose effects the relabelling removes (at 234 nodes
    six Newton iterations against eight from the observed fit).

    Parameters
    ----------
    pivotal
        ``True``: the Wald z-value ``coef / se`` instead of the coefficient.
    """

    def __init__(self, pivotal: bool = False) -> None:
        self.pivotal = pivotal

    def __call__(self, y: np.ndarray, matrices: Mapping[str, np.ndarray]) -> np.ndarray:
        design, kept = self._design(matrices, y)
        if design is None:
            return np.full(len(matrices), np.nan)
        target = (upper(y) > 0).astype(float)[:, None]
        fit = _fit_batch(_Design(design), target, np.zeros((design.shape[1], 1)))
        return self._values(fit, kept, len(matrices))[0]

    def y_permuted(
        self, y: np.ndarray, matrices: Mapping[str, np.ndarray], permutations: np.ndarray
    ) -> np.ndarray:
        out = np.full((len(permutations), len(matrices)), np.nan)
        design, kept = self._design(matrices, y)
        if design is None:
            return out
        shared = _Design(design)
        # Relabelling keeps the tie share, and under the null the covariates have no effect.
        start = _null_start(upper(y) > 0, design.shape[1])
        for chunk in _chunks(len(permutations), len(design)):
            targets = (_permuted_dyads(y, permutations[chunk]) > 0).astype(float)
            fit = _fit_batch(shared, targets, _repeat(start, targets.shape[1]))
            out[chunk] = self._values(fit, kept, len(matrices))
        return out

    def semi_partialled(
        self, y: np.ndarray, matrices: Mapping[str, np.ndarray], permutations: np.ndarray
    ) -> np.ndarray:
        out = np.full((len(permutations), len(matrices)), np.nan)
        design, kept = self._design(matrices, y)
        if design is None:
            return out
        target = (upper(y) > 0).astype(float)[:, None]
        for position, term in enumerate(np.flatnonzero(kept), start=1):
            others = np.delete(design, position, axis=1)
            residual = _residual_matrix(design[:, position], others)
            shared = _Design(others)
            start = _reduced_start(shared, target, position)
            for chunk in _chunks(len(permutations), len(design)):
                varying = _permuted_dyads(residual, permutations[chunk])
                batch = shared.with_varying(varying, position)
                fit = _fit_batch(batch, target, _repeat(start, varying.shape[1]))
                out[chunk, term] = self._values(fit, kept, len(matrices))[:, term]
        return out

    @staticmethod
    def _design(
        matrices: Mapping[str, np.ndarray], y: np.ndarray
    ) -> tuple[np.ndarray | None, np.ndarray]:
        """Design with constant and which covariates it keeps; ``None`` when no model fits.

        No model: collinear covariates, or all dyads tied or none (relabelling keeps that).
        """
        design, terms, _ = _logit_design(pd.DataFrame({k: upper(m) for k, m in matrices.items()}))
        kept = np.array([name in terms for name in matrices], dtype=bool)
        target = upper(y) > 0
        if target.all() or not target.any() or not _full_rank(design):
            return None, kept
        return design, kept

    def _values(self, fit: NewtonFit, kept: np.ndarray, n_terms: int) -> np.ndarray:
        """(fits, terms): coefficient or z-value per matrix, NaN where undefined."""
        values = fit.params[1:] / fit.bse[1:] if self.pivotal else fit.params[1:]
        out = np.full((fit.params.shape[1], n_terms), np.nan)
        out[:, kept] = values.T
        out[~fit.usable] = np.nan
        return out


def _null_start(target: np.ndarray, n_terms: int) -> np.ndarray:
    """Coefficients of the constant-only model: the log-odds of the tie share, zeros."""
    share = float(np.mean(target))
    return np.r_[math.log(share / (1.0 - share)), np.zeros(n_terms - 1)]


def _reduced_start(others: _Design, target: np.ndarray, position: int) -> np.ndarray:
    """The fit without the permuted covariate (its null model), 0 for that covariate."""
    fit = _fit_batch(others, target, _null_start(target, others.n_terms)[:, None])
    reduced = fit.params[:, 0] if fit.usable[0] else _null_start(target, others.n_terms)
    return np.insert(reduced, position, 0.0)


def _repeat(start: np.ndarray, n_fits: int) -> np.ndarray:
    return np.repeat(np.asarray(start, dtype=float)[:, None], n_fits, axis=1)


def _residual_matrix(covariate: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Square symmetric matrix of the least-squares residuals of ``covariate`` on ``others``.

    ``covariate`` holds dyad values in :func:`upper` order; the diagonal stays 0.
    """
    coefficients, *_ = np.linalg.lstsq(others, covariate, rcond=None)
    n_nodes = int(round((1 + math.sqrt(1 + 8 * len(covariate))) / 2))
    matrix = np.zeros((n_nodes, n_nodes))
    matrix[np.triu_indices(n_nodes, k=1)] = covariate - others @ coefficients
    return matrix + matrix.T


correlation_statistic = CorrelationStatistic()
logit_statistic = LogitStatistic()
logit_z_statistic = LogitStatistic(pivotal=True)


def _as_permutation_statistic(statistic: Statistic | PermutationStatistic) -> PermutationStatistic:
    if isinstance(statistic, PermutationStatistic):
        return statistic
    return _FunctionStatistic(statistic)


def _p_values(observed: np.ndarray, permuted: np.ndarray) -> dict[str, np.ndarray]:
    """The three p-values with the +1 correction, and the number of valid permutations."""
    valid = np.isfinite(permuted)
    n_valid = valid.sum(axis=0)
    tolerance = _TIE_TOLERANCE * np.maximum(1.0, np.abs(observed))
    with np.errstate(invalid="ignore"):
        extreme = {
            "p_two_sided": np.abs(permuted) >= np.abs(observed) - tolerance,
            "p_greater": permuted >= observed - tolerance,
            "p_less": permuted <= observed + tolerance,
        }
    p_values = {
        name: np.where(
            np.isfinite(observed), (1 + (hits & valid).sum(axis=0)) / (1 + n_valid), np.nan
        )
        for name, hits in extreme.items()
    }
    return {**p_values, "n_valid": n_valid}


def qap_test(
    y: np.ndarray,
    matrices: Mapping[str, np.ndarray],
    statistic: Statistic | PermutationStatistic,
    n_permutations: int = 999,
    seed: int = 0,
    *,
    alternative: str = "two-sided",
    method: str = "y-permutation",
) -> pd.DataFrame:
    """QAP p-values of a vector statistic (conventions in the module docstring).

    Parameters
    ----------
    y
        Square dependent matrix.
    matrices
        Covariate matrices (kept fixed under Y-permutation).
    statistic
        ``statistic(y, matrices)`` -> one value per term (NaN when undefined), or a
        :class:`PermutationStatistic` such as ``logit_statistic`` (fitted in batches).
    n_permutations
        Number of random relabellings (the same ones for every term).
    seed
        Seed of :func:`numpy.random.default_rng`.
    alternative
        Which p-value ``p_value`` holds: ``"two-sided"`` (``|stat| >= |observed|``),
        ``"greater"`` (``stat >= observed``) or ``"less"`` (``stat <= observed``).
    method
        ``"y-permutation"`` (relabel ``y``) or ``"dekker"`` (relabel each covariate's
        residual on the others; regression statistics only).

    Returns
    -------
    pandas.DataFrame
        One row per term: ``observed``; ``p_value`` for ``alternative``; ``p_two_sided``,
        ``p_greater`` and ``p_less``, each ``(1 + #extreme) / (1 + n_valid)``; ``n_valid``
        (permutations where the statistic was defined). ``attrs`` records the convention.

    Raises
    ------
    ParameterError
        For an unknown ``alternative`` or ``method``, fewer than one permutation, or
        ``method="dekker"`` with a statistic that is not a regression.
    """
    check_choice("alternative", alternative, ALTERNATIVES)
    check_choice("method", method, METHODS)
    if n_permutations < 1:
        raise ParameterError("n_permutations must be at least 1")
    statistic = _as_permutation_statistic(statistic)
    observed = np.asarray(statistic(y, matrices), dtype=float)
    permutations = qap_permutations(y.shape[0], n_permutations, seed)
    if method == "dekker":
        permuted = statistic.semi_partialled(y, matrices, permutations)
    else:
        permuted = statistic.y_permuted(y, matrices, permutations)
    p_values = _p_values(observed, permuted)
    table = pd.DataFrame(
        {
            "observed": observed,
            "p_value": p_values[_P_COLUMNS[alternative]],
            **{name: p_values[name] for name in ("p_two_sided", "p_greater", "p_less", "n_valid")},
        }
    )
    table.attrs.update(
        {"alternative": alternative, "method": method, "n_permutations": n_permutations}
    )
    return table


def _qap_or_observed(
    y: np.ndarray,
    matrices: Mapping[str, np.ndarray],
    statistic: PermutationStatistic,
    n_permutations: int,
    seed: int,
    **convention: str,
) -> pd.DataFrame:
    """:func:`qap_test`, or the observed statistic with NaN p-values when no permutation."""
    if n_permutations > 0:
        return qap_test(y, matrices, statistic, n_permutations, seed, **convention)
    observed = np.asarray(statistic(y, matrices), dtype=float)
    return pd.DataFrame({"observed": observed, "p_value": np.nan, "n_valid": 0})


@dataclass
class TieModel:
    """Dyadic logit with naive and QAP p-values, plus the QAP correlations.

    ``qap_convention`` is a sentence on how the QAP p-values were computed (also in
    ``table.attrs["qap"]``), for display next to the table.
    """

    table: pd.DataFrame
    dyads: pd.DataFrame
    fit: LogitFit
    notes: list[str]
    qap_convention: str = ""


def qap_convention(alternative: str, method: str, statistic: str, n_permutations: int) -> Message:
    """The sentence that states a QAP convention (translatable with :func:`ikzlib.i18n.tr`)."""
    return Message(
        "QAP p-values: {alternative}, {method}, logit statistic {statistic}, "
        "{n} permutations, p = (1 + permutations at least as extreme) / "
        "(1 + valid permutations)",
        alternative=Message(_ALTERNATIVE_LABELS[alternative]),
        method=Message(_METHOD_LABELS[method]),
        statistic=Message(_STATISTIC_LABELS[statistic]),
        n=n_permutations,
    )


def tie_model(
    nodes: pd.DataFrame,
    projection: nx.Graph,
    border_pairs: set[tuple[str, str]] | None = None,
    *,
    n_permutations: int = 999,
    seed: int = 0,
    small_threshold: int = SMALL_THRESHOLD,
    qap_alternative: str = "two-sided",
    qap_method: str = "y-permutation",
    qap_statistic: str = "coef",
) -> TieModel:
    """Fit the tie-formation model on a projection and attach QAP p-values.

    ``n_permutations=0`` skips the permutations: the QAP p-values are then NaN (with a note)
    and the observed logit and correlations are still reported.

    Parameters
    ----------
    qap_alternative
        ``"two-sided"`` (default), ``"greater"`` or ``"less"``: which p-value the ``qap_p_*``
        columns hold (see :func:`qap_test`).
    qap_method
        Null distribution of the logit statistic: ``"y-permutation"`` (default) or
        ``"dekker"`` (double semi-partialling). The correlations are bivariate and always
        use Y-permutation.
    qap_statistic
        Logit test statistic: ``"coef"`` (default) or ``"z"`` (Wald z-value, pivotal).

    Returns
    -------
    TieModel
        ``table`` has one row per covariate: ``coef``, ``se`` and ``p_naive`` (logit,
        dyads treated as independent), ``qap_p_logit``, ``qap_valid_logit``,
        ``correlation`` and ``qap_p_correlation``; ``table.attrs["qap"]`` holds the
        convention (alternative, methods, statistic, permutations, p-value formula).

    Raises
    ------
    ParameterError
        For an unknown ``qap_alternative``, ``qap_method`` or ``qap_statistic``.
    """
    check_choice("qap_alternative", qap_alternative, ALTERNATIVES)
    check_choice("qap_method", qap_method, METHODS)
    check_choice("qap_statistic", qap_statistic, LOGIT_STATISTICS)
    nodes = nodes.sort_values("node_id").reset_index(drop=True)
    order = list(nodes["node_id"])
    y = nx.to_numpy_array(projection, nodelist=order, weight=None, nonedge=0.0)
    y = (y > 0).astype(float)
    matrices = covariate_matrices(nodes, border_pairs, small_threshold)
    dyads = dyad_table(nodes, y, matrices)
    fit = fit_logit(dyads["tie"].to_numpy(), dyads[list(matrices)])
    corr = _qap_or_observed(
        y, matrices, correlation_statistic, n_permutations, seed, alternative=qap_alternative
    )
    statistic = logit_z_statistic if qap_statistic == "z" else logit_statistic
    logit = _qap_or_observed(
        y, matrices, statistic, n_permutations, seed, alternative=qap_alternative, method=qap_method
    )
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
    table.attrs["qap"] = {
        "alternative": qap_alternative,
        "method_logit": qap_method,
        "method_correlation": "y-permutation",
        "statistic_logit": qap_statistic,
        "n_permutations": n_permutations,
        "p_value": "(1 + #extreme) / (1 + n_valid)",
    }
    notes = list(fit.notes)
    n_ties = int(dyads["tie"].sum())
    # Digits without separators: the network study matches this sentence to replace it.
    notes.append(
        Message(
            "{n_nodes} nodes, {n_dyads} dyads, {n_tied} tied",
            n_nodes=str(len(nodes)),
            n_dyads=str(len(dyads)),
            n_tied=str(n_ties),
        )
    )
    if border_pairs is None:
        notes.append(Message("no boundary file: shared_border left out"))
    if n_permutations == 0:
        notes.append(Message("no QAP permutations requested: QAP p-values left empty"))
    kept = [t not in fit.dropped for t in matrices]
    if fit.usable and (logit.loc[kept, "n_valid"] < n_permutations).any():
        notes.append(
            Message(
                "some permutations gave an unusable logit and were skipped (see qap_valid_logit)"
            )
        )
    convention = qap_convention(qap_alternative, qap_method, qap_statistic, n_permutations)
    return TieModel(table=table, dyads=dyads, fit=fit, notes=notes, qap_convention=convention)
