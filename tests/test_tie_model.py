"""Dyadic logit and QAP on constructed cases with known dependence.

statsmodels is the reference the NumPy logit is checked against (the library no longer uses it).
"""

from __future__ import annotations

import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)

from ikzlib import tie_model as tm
from ikzlib.errors import ParameterError
from ikzlib.i18n import missing_translations, tr


def symmetric(values: np.ndarray) -> np.ndarray:
    matrix = np.triu(values, k=1)
    return matrix + matrix.T


def random_covariate(n: int, rng: np.random.Generator) -> np.ndarray:
    return symmetric(rng.normal(size=(n, n)))


def test_haversine_known_distances() -> None:
    assert tm.haversine_km(11.0, 51.0, 11.0, 51.0) == pytest.approx(0.0)
    # one degree of latitude is about 111.2 km
    assert tm.haversine_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(111.195, abs=0.01)
    # Halberstadt - Wernigerode centres (Destatis coordinates) are about 20 km apart
    assert tm.haversine_km(11.04731, 51.896112, 10.7843, 51.834471) == pytest.approx(19.6, abs=0.5)


def test_covariate_matrices() -> None:
    nodes = pd.DataFrame(
        {
            "node_id": ["a", "b", "c"],
            "population": [5000, 8000, 40000],
            "lon": [11.0, 11.1, 11.2],
            "lat": [51.8, 51.8, 51.9],
            "gemeindeverband_key": ["1", "1", "2"],
        }
    )
    m = tm.covariate_matrices(nodes, border_pairs={("a", "c")})
    for matrix in m.values():
        assert np.allclose(matrix, matrix.T) and np.all(np.diag(matrix) == 0)
    assert m["both_small"][0, 1] == 1 and m["both_small"][0, 2] == 0
    assert m["abs_diff_log_pop"][0, 2] == pytest.approx(np.log(8))
    assert m["same_gemeindeverband"][0, 1] == 1 and m["same_gemeindeverband"][1, 2] == 0
    assert m["shared_border"][2, 0] == 1 and m["shared_border"][0, 1] == 0
    assert "shared_border" not in tm.covariate_matrices(nodes)


def test_qap_permute_relabels_rows_and_columns_jointly() -> None:
    y = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float)
    permuted = tm.qap_permute(y, np.array([1, 0, 2]))
    assert np.array_equal(permuted, [[0, 1, 1], [1, 0, 0], [1, 0, 0]])
    rng = np.random.default_rng(3)
    big = (random_covariate(12, rng) > 0).astype(float)
    shuffled = tm.qap_permute(big, rng.permutation(12))
    assert np.allclose(shuffled, shuffled.T) and np.all(np.diag(shuffled) == 0)
    assert sorted(shuffled.sum(axis=0)) == sorted(big.sum(axis=0))  # degrees kept


def test_qap_p_value_counts_the_observed_labelling() -> None:
    y = symmetric(np.ones((4, 4)))
    result = tm.qap_test(y, {"x": y}, lambda _y, _m: np.array([1.0]), n_permutations=9, seed=0)
    assert result.loc[0, "p_value"] == pytest.approx(1.0)
    assert result.loc[0, "n_valid"] == 9


def test_qap_detects_a_tie_generated_from_the_covariate() -> None:
    rng = np.random.default_rng(11)
    x = random_covariate(20, rng)
    y = (x > np.median(tm.upper(x))).astype(float)
    np.fill_diagonal(y, 0)
    result = tm.qap_test(y, {"x": x}, tm.correlation_statistic, n_permutations=199, seed=1)
    assert result.loc[0, "observed"] > 0.5
    assert result.loc[0, "p_value"] <= 0.01


def test_qap_p_values_are_roughly_uniform_without_dependence() -> None:
    rng = np.random.default_rng(5)
    p_values = []
    for replication in range(60):
        x = random_covariate(14, rng)
        y = (random_covariate(14, rng) > 0.3).astype(float)
        result = tm.qap_test(
            y, {"x": x}, tm.correlation_statistic, n_permutations=99, seed=replication
        )
        p_values.append(result.loc[0, "p_value"])
    p_values = np.array(p_values)
    assert 0.35 < p_values.mean() < 0.65
    assert np.mean(p_values < 0.05) < 0.15
    assert stats.kstest(p_values, "uniform").pvalue > 0.01


def test_qap_is_reproducible_with_a_seed() -> None:
    rng = np.random.default_rng(2)
    x, y = random_covariate(10, rng), (random_covariate(10, rng) > 0).astype(float)
    first = tm.qap_test(y, {"x": x}, tm.correlation_statistic, n_permutations=50, seed=7)
    again = tm.qap_test(y, {"x": x}, tm.correlation_statistic, n_permutations=50, seed=7)
    pd.testing.assert_frame_equal(first, again)


def logit_network(n: int, slope: float, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    x = random_covariate(n, rng)
    probability = 1 / (1 + np.exp(-(-0.3 + slope * x)))
    y = symmetric((rng.random((n, n)) < probability).astype(float))
    return y, {"x": x}


def test_dyadic_logit_recovers_a_known_slope_and_qap_finds_it() -> None:
    rng = np.random.default_rng(21)
    y, matrices = logit_network(40, 1.2, rng)
    fit = tm.fit_logit(tm.upper(y), pd.DataFrame({"x": tm.upper(matrices["x"])}))
    assert fit.usable
    assert abs(fit.params["x"] - 1.2) < 3 * fit.bse["x"]
    result = tm.qap_test(y, matrices, tm.logit_statistic, n_permutations=99, seed=0)
    assert result.loc[0, "p_value"] <= 0.02


def test_dyadic_logit_without_dependence_is_not_significant() -> None:
    rng = np.random.default_rng(8)
    y, matrices = logit_network(20, 0.0, rng)
    result = tm.qap_test(y, matrices, tm.logit_statistic, n_permutations=99, seed=0)
    assert result.loc[0, "p_value"] > 0.05


def test_fit_logit_flags_degenerate_designs() -> None:
    x = np.linspace(-1, 1, 30)
    separated = tm.fit_logit((x > 0).astype(float), pd.DataFrame({"x": x}))
    assert separated.separated and not separated.usable
    assert any("separation" in note for note in separated.notes)
    constant = tm.fit_logit(
        np.r_[np.zeros(15), np.ones(15)],
        pd.DataFrame({"x": np.sin(np.arange(30)), "c": np.ones(30)}),
    )
    assert constant.dropped == ["c"] and constant.usable
    flat = tm.fit_logit(np.zeros(30), pd.DataFrame({"x": x}))
    assert not flat.usable and "no variation" in flat.notes[0]


@pytest.fixture
def small_projection() -> tuple[pd.DataFrame, nx.Graph]:
    """Six nodes in two distant triples, five ties."""
    nodes = pd.DataFrame(
        {
            "node_id": list("abcdef"),
            "population": [3000, 4000, 5000, 20000, 30000, 40000],
            "lon": [11.0, 11.02, 11.04, 11.6, 11.62, 11.64],
            "lat": [51.8] * 6,
            "gemeindeverband_key": list("abcdef"),
        }
    )
    projection = nx.Graph()
    projection.add_nodes_from(nodes["node_id"])
    projection.add_edges_from([("a", "b"), ("b", "c"), ("d", "e"), ("e", "f"), ("a", "f")])
    return nodes, projection


def test_tie_model_table_on_a_small_projection(small_projection) -> None:
    nodes, projection = small_projection
    model = tm.tie_model(nodes, projection, {("a", "b")}, n_permutations=19, seed=0)
    table = model.table.set_index("term")
    assert list(table.index) == [
        "abs_diff_log_pop",
        "both_small",
        "distance_km",
        "same_gemeindeverband",
        "shared_border",
    ]
    assert len(model.dyads) == 15 and model.dyads["tie"].sum() == 5
    assert table.loc["distance_km", "correlation"] < 0
    assert any("dropped constant" in note for note in model.notes)
    assert np.isnan(table.loc["same_gemeindeverband", "qap_p_correlation"])


def test_tie_model_without_permutations_reports_the_fit_and_no_qap(small_projection) -> None:
    nodes, projection = small_projection
    model = tm.tie_model(nodes, projection, None, n_permutations=0, seed=0)
    with_qap = tm.tie_model(nodes, projection, None, n_permutations=19, seed=0)
    table = model.table.set_index("term")
    assert table[["qap_p_logit", "qap_p_correlation"]].isna().all().all()
    assert (table["qap_valid_logit"] == 0).all()
    assert table["correlation"].equals(with_qap.table.set_index("term")["correlation"])
    assert any("no QAP permutations" in note for note in model.notes)
    with pytest.raises(ValueError, match="at least 1"):
        tm.qap_test(np.zeros((3, 3)), {}, tm.correlation_statistic, 0)


# --- NumPy logit against statsmodels (the reference the fast path replaced) ---------------


def statsmodels_logit(y: np.ndarray, design: np.ndarray):
    """statsmodels' Logit with the separation rules :func:`tm.fit_logit` used to apply."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = sm.Logit(y, design).fit(disp=0, maxiter=200)
        except (PerfectSeparationError, np.linalg.LinAlgError):
            return None
    failed = any(
        issubclass(w.category, (PerfectSeparationWarning, ConvergenceWarning)) for w in caught
    )
    params, bse = np.asarray(result.params), np.asarray(result.bse)
    if failed or (np.abs(params) > 15).any() or not np.isfinite(bse).all():
        return None
    return result


def reference_logit_statistic(y: np.ndarray, matrices: dict, pivotal: bool = False) -> np.ndarray:
    """The pre-NumPy ``logit_statistic``: one statsmodels fit per call (slow reference)."""
    design = np.column_stack([np.ones(len(tm.upper(y)))] + [tm.upper(m) for m in matrices.values()])
    result = statsmodels_logit((tm.upper(y) > 0).astype(float), design)
    if result is None:
        return np.full(len(matrices), np.nan)
    values = result.params / result.bse if pivotal else result.params
    return np.asarray(values)[1:]


def random_design(seed: int, n: int = 300) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.column_stack(
        [np.ones(n), rng.normal(size=n), rng.exponential(20, size=n), rng.random(n) < 0.3]
    ).astype(float)
    beta = np.array([-0.5, 0.8, -0.03, 1.0])
    y = (rng.random(n) < 1 / (1 + np.exp(-(x @ beta)))).astype(float)
    return x, y


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_numpy_logit_equals_statsmodels(seed: int) -> None:
    x, y = random_design(seed)
    reference = statsmodels_logit(y, x)
    fit = tm.logit_newton(x, y)
    assert fit.usable[0]
    np.testing.assert_allclose(fit.params[:, 0], reference.params, atol=1e-6, rtol=0)
    np.testing.assert_allclose(fit.bse[:, 0], reference.bse, atol=1e-6, rtol=0)
    frame = pd.DataFrame(x[:, 1:], columns=["a", "b", "c"])
    table = tm.fit_logit(y, frame)
    np.testing.assert_allclose(table.pvalues.to_numpy(), reference.pvalues, atol=1e-6, rtol=0)
    assert list(table.params.index) == ["const", "a", "b", "c"]


def test_numpy_logit_fits_many_outcomes_at_once_from_any_start() -> None:
    x, _ = random_design(4)
    outcomes = np.column_stack([random_design(s)[1] for s in range(5, 11)])
    batch = tm.logit_newton(x, outcomes, start=np.array([3.0, -2.0, 0.1, 2.0]))
    for k in range(outcomes.shape[1]):
        single = tm.logit_newton(x, outcomes[:, k])
        np.testing.assert_allclose(batch.params[:, k], single.params[:, 0], atol=1e-9)
        np.testing.assert_allclose(batch.bse[:, k], single.bse[:, 0], atol=1e-9)
    assert batch.usable.all()


def test_numpy_logit_flags_separation_like_fit_logit() -> None:
    x = np.linspace(-1, 1, 30)
    design = np.column_stack([np.ones(30), x])
    outcomes = np.column_stack([x > 0, x > 0.5])  # both completely separated by x
    fit = tm.logit_newton(design, outcomes.astype(float))
    assert fit.separated.all() and not fit.usable.any()
    collinear = pd.DataFrame({"a": x, "b": 2 * x})
    flagged = tm.fit_logit((np.sin(7 * x) > 0).astype(float), collinear)
    assert not flagged.usable and "collinear" in flagged.notes[0]


def dense_network(n: int, seed: int) -> tuple[np.ndarray, dict]:
    """Few non-ties and a binary covariate, like Harz: some relabellings separate."""
    rng = np.random.default_rng(seed)
    x = random_covariate(n, rng)
    border = symmetric((rng.random((n, n)) < 0.2).astype(float))
    probability = 1 / (1 + np.exp(-(1.2 - 0.8 * x + 1.5 * border)))
    y = symmetric((rng.random((n, n)) < probability).astype(float))
    return y, {"x": x, "border": border}


def test_fast_logit_qap_equals_the_statsmodels_path() -> None:
    y, matrices = dense_network(10, seed=4)
    fast = tm.qap_test(y, matrices, tm.logit_statistic, n_permutations=199, seed=3)
    slow = tm.qap_test(y, matrices, reference_logit_statistic, n_permutations=199, seed=3)
    assert (fast["n_valid"] < 199).any()  # the separation rule is exercised
    pd.testing.assert_frame_equal(fast, slow, check_exact=False, atol=1e-6)
    permutations = tm.qap_permutations(10, 199, 3)
    values = tm.logit_statistic.y_permuted(y, matrices, permutations)
    reference = np.array(
        [reference_logit_statistic(tm.qap_permute(y, p), matrices) for p in permutations]
    )
    np.testing.assert_array_equal(np.isnan(values), np.isnan(reference))
    np.testing.assert_allclose(values, reference, atol=1e-6, equal_nan=True)


# --- QAP conventions: alternatives and Dekker's semi-partialling ---------------------------


class FixedDistribution(tm.PermutationStatistic):
    """Observed 1.5 against the permutation values -3, -1, 0, 1, 2, 4."""

    def __call__(self, y, matrices):
        return np.array([1.5])

    def y_permuted(self, y, matrices, permutations):
        return np.array([[-3.0], [-1.0], [0.0], [1.0], [2.0], [4.0]])


def test_qap_alternatives_count_the_observed_labelling_once() -> None:
    result = tm.qap_test(np.zeros((3, 3)), {"x": np.zeros((3, 3))}, FixedDistribution(), 6)
    row = result.iloc[0]
    # statnet's pgreq, pleeq and pgreqabs would be 2/6, 4/6 and 3/6; with the +1: (1 + k) / 7
    assert row["p_greater"] == pytest.approx(3 / 7)
    assert row["p_less"] == pytest.approx(5 / 7)
    assert row["p_two_sided"] == pytest.approx(4 / 7)
    assert row["p_value"] == row["p_two_sided"]
    less = tm.qap_test(np.zeros((3, 3)), {"x": 0}, FixedDistribution(), 6, alternative="less")
    assert less.loc[0, "p_value"] == pytest.approx(5 / 7)
    assert less.attrs == {"alternative": "less", "method": "y-permutation", "n_permutations": 6}


def test_qap_rejects_unknown_conventions() -> None:
    y, matrices = logit_network(8, 0.0, np.random.default_rng(0))
    with pytest.raises(ParameterError, match="alternative"):
        tm.qap_test(y, matrices, tm.logit_statistic, 9, alternative="one-sided")
    with pytest.raises(ParameterError, match="method"):
        tm.qap_test(y, matrices, tm.logit_statistic, 9, method="qapspp")
    with pytest.raises(ParameterError, match="regression statistic"):
        tm.qap_test(y, matrices, tm.correlation_statistic, 9, method="dekker")


def reference_dekker(y: np.ndarray, matrices: dict, permutations: np.ndarray, pivotal: bool):
    """Double semi-partialling as in statnet's ``netlogit(nullhyp="qapspp")`` (slow reference).

    Dekker, Krackhardt & Snijders (2007), Psychometrika 72:563-581: regress covariate k on
    the others (with a constant) by least squares, relabel the residual matrix, refit.
    """
    names = list(matrices)
    others_of = {k: [tm.upper(matrices[o]) for o in names if o != k] for k in names}
    out = np.full((len(permutations), len(names)), np.nan)
    for term, name in enumerate(names):
        others = np.column_stack([np.ones(len(tm.upper(y))), *others_of[name]])
        x = tm.upper(matrices[name])
        residual = x - others @ np.linalg.lstsq(others, x, rcond=None)[0]
        square = np.zeros_like(y)
        square[np.triu_indices(len(y), k=1)] = residual
        square = square + square.T
        for row, permutation in enumerate(permutations):
            design = np.column_stack([others, tm.upper(tm.qap_permute(square, permutation))])
            result = statsmodels_logit((tm.upper(y) > 0).astype(float), design)
            if result is not None:
                values = result.params / result.bse if pivotal else result.params
                out[row, term] = values[-1]
    return out


@pytest.mark.parametrize("statistic", [tm.logit_statistic, tm.logit_z_statistic])
@pytest.mark.parametrize("seed", [0, 7])  # 0: separated fits in both terms; 7: none
def test_dekker_semi_partialling_equals_the_statsmodels_reference(statistic, seed) -> None:
    y, matrices = dense_network(12, seed=seed)
    permutations = tm.qap_permutations(12, 49, 2)
    fast = statistic.semi_partialled(y, matrices, permutations)
    slow = reference_dekker(y, matrices, permutations, statistic.pivotal)
    np.testing.assert_array_equal(np.isnan(fast), np.isnan(slow))
    np.testing.assert_allclose(fast, slow, atol=1e-6, equal_nan=True)


def test_the_residual_of_a_covariate_has_the_covariates_coefficient() -> None:
    """Why Dekker's observed statistic is the plain fit's: (E_k, others) spans (X_k, others)."""
    y, matrices = dense_network(12, seed=7)
    observed = tm.logit_z_statistic(y, matrices)
    others = np.column_stack([np.ones(66), tm.upper(matrices["border"])])
    x = tm.upper(matrices["x"])
    residual = x - others @ np.linalg.lstsq(others, x, rcond=None)[0]
    fit = tm.logit_newton(np.column_stack([residual, others]), tm.upper(y))
    assert fit.params[0, 0] / fit.bse[0, 0] == pytest.approx(observed[0], abs=1e-9)


def test_dekker_keeps_the_level_for_a_collinear_covariate_without_effect() -> None:
    """y depends on x1 only; x2 = x1 + noise (correlation about 0.8).

    Dekker, Krackhardt & Snijders (2007, Psychometrika 72:563-581) show that double
    semi-partialling keeps the nominal level under collinearity: x2's p-values are roughly
    uniform, while x1 is found in most replications (62 % here at 5 %).
    """
    rng = np.random.default_rng(12)
    p_values, p_effect = [], []
    for replication in range(40):
        x1 = random_covariate(14, rng)
        x2 = x1 + 0.7 * random_covariate(14, rng)
        probability = 1 / (1 + np.exp(-(0.2 + 1.0 * x1)))
        y = symmetric((rng.random((14, 14)) < probability).astype(float))
        result = tm.qap_test(
            y, {"x1": x1, "x2": x2}, tm.logit_z_statistic, 99, replication, method="dekker"
        )
        p_effect.append(result.loc[0, "p_value"])
        p_values.append(result.loc[1, "p_value"])
    p_values = np.array(p_values)
    assert 0.3 < p_values.mean() < 0.7
    assert np.mean(p_values < 0.05) <= 0.15
    assert np.mean(np.array(p_effect) < 0.05) > 0.4


def test_tie_model_reports_its_qap_convention(small_projection) -> None:
    nodes, projection = small_projection
    model = tm.tie_model(
        nodes,
        projection,
        {("a", "b")},
        n_permutations=19,
        qap_alternative="less",
        qap_method="dekker",
        qap_statistic="z",
    )
    assert model.table.attrs["qap"] == {
        "alternative": "less",
        "method_logit": "dekker",
        "method_correlation": "y-permutation",
        "statistic_logit": "z",
        "n_permutations": 19,
        "p_value": "(1 + #extreme) / (1 + n_valid)",
    }
    assert "one-sided (less)" in model.qap_convention
    german = tr(model.qap_convention, "de")
    assert "einseitig (kleiner)" in german and "doppelte Semipartialisierung" in german
    assert missing_translations([*model.notes, model.qap_convention]) == []
    with pytest.raises(ParameterError, match="qap_method"):
        tm.tie_model(nodes, projection, None, n_permutations=0, qap_method="qapy")
