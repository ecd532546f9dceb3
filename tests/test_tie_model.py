"""Dyadic logit and QAP on constructed cases with known dependence."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ikzlib import tie_model as tm


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
