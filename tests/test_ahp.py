"""AHP weights and consistency against Saaty's published examples and hand derivations."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ikzlib import ahp, i18n
from ikzlib.errors import DataValidationError, ParameterError


def _matrix(rows: list[list[float]], labels: str) -> pd.DataFrame:
    return pd.DataFrame(np.array(rows, dtype=float), index=list(labels), columns=list(labels))


# Saaty (1977), J. Math. Psychology 15, 234-281, and Saaty (1980), The Analytic Hierarchy
# Process: relative wealth of seven nations (US, USSR, China, France, UK, Japan, W. Germany);
# published eigenvector .427 .230 .021 .052 .052 .123 .094 with lambda_max = 7.61.
WEALTH = _matrix(
    [
        [1, 4, 9, 6, 6, 5, 5],
        [1 / 4, 1, 7, 5, 5, 3, 4],
        [1 / 9, 1 / 7, 1, 1 / 5, 1 / 5, 1 / 7, 1 / 5],
        [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
        [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
        [1 / 5, 1 / 3, 7, 3, 3, 1, 2],
        [1 / 5, 1 / 4, 5, 3, 3, 1 / 2, 1],
    ],
    "abcdefg",
)

# Saaty (1977, 1980): relative brightness of four chairs; published .61 .24 .10 .05 with
# lambda_max = 4.39.
CHAIRS = _matrix(
    [[1, 5, 6, 7], [1 / 5, 1, 4, 6], [1 / 6, 1 / 4, 1, 4], [1 / 7, 1 / 6, 1 / 4, 1]], "abcd"
)

# Saaty (2008), "Decision making with the analytic hierarchy process", Int. J. Services
# Sciences 1(1), 83-98: drink consumption in the US, judgements as in the AHPy test suite;
# published eigenvector coffee .177, wine .019, tea .042, beer .116, sodas .190, milk .129,
# water .327. AHPy reports CR = 0.0235 with the Donegan & Dodd random index.
DRINK_JUDGEMENTS = {
    "coffee": {"wine": 9, "tea": 5, "beer": 2, "soda": 1, "milk": 1},
    "water": {"coffee": 2, "wine": 9, "tea": 9, "beer": 3, "soda": 2, "milk": 3},
    "tea": {"wine": 3},
    "beer": {"wine": 9, "tea": 3, "milk": 1},
    "soda": {"wine": 9, "tea": 4, "beer": 2, "milk": 2},
    "milk": {"wine": 9, "tea": 3},
}
DRINKS = ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]


def test_wealth_of_nations_matches_saaty():
    result = ahp.ahp_weights(WEALTH)
    expected = [0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094]
    np.testing.assert_allclose(result.weights.to_numpy(), expected, atol=5e-4)
    assert round(result.lambda_max, 2) == 7.61
    assert result.random_index == 1.32
    assert result.acceptable  # CR = CI / 1.32 ~ 0.077


def test_chairs_brightness_matches_saaty():
    result = ahp.ahp_weights(CHAIRS)
    np.testing.assert_allclose(result.weights.to_numpy(), [0.61, 0.24, 0.10, 0.05], atol=0.01)
    assert round(result.lambda_max, 2) == 4.39
    assert result.consistency_ratio == pytest.approx((result.lambda_max - 4) / 3 / 0.90)


def test_drinks_match_saaty_2008_and_ahpy_consistency_ratio():
    matrix = ahp.pairwise_from_judgements(DRINKS, DRINK_JUDGEMENTS)
    result = ahp.ahp_weights(matrix, random_index="donegan_dodd1991")
    expected = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]
    np.testing.assert_allclose(result.weights.to_numpy(), expected, atol=6e-4)
    assert round(result.consistency_ratio, 4) == 0.0235
    assert result.random_index_table == "donegan_dodd1991"


def test_random_index_tables_change_cr_by_their_ratio():
    # the same CI divided by each table's RI(3): 0.58 (Saaty 1980), 0.5245 (Alonso & Lamata
    # 2006), 0.4914 (Donegan & Dodd 1991 as in AHPy)
    matrix = _matrix([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]], "abc")
    results = {name: ahp.ahp_weights(matrix, random_index=name) for name in ahp.RANDOM_INDEX_TABLES}
    ci = results["saaty1980"].consistency_index
    for name, ri in [
        ("saaty1980", 0.58),
        ("alonso_lamata2006", 0.5245),
        ("donegan_dodd1991", 0.4914),
    ]:
        assert results[name].random_index == ri
        assert results[name].consistency_ratio == pytest.approx(ci / ri, rel=1e-12)
    assert results["alonso_lamata2006"].consistency_ratio / results[
        "saaty1980"
    ].consistency_ratio == (pytest.approx(0.58 / 0.5245))
    assert ahp.RANDOM_INDEX is ahp.RANDOM_INDEX_TABLES["saaty1980"]


def test_table_size_limits_follow_the_chosen_table():
    eleven = ahp.pairwise_from_weights({f"c{i}": i + 1 for i in range(11)})
    with pytest.raises(DataValidationError, match="tabulated for 1-10"):
        ahp.ahp_weights(eleven)
    result = ahp.ahp_weights(eleven, random_index="alonso_lamata2006")
    assert result.random_index == 1.5141
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-9)


def test_unknown_table_and_method_are_parameter_errors():
    with pytest.raises(ParameterError, match="random_index='golden'"):
        ahp.ahp_weights(CHAIRS, random_index="golden")
    with pytest.raises(ParameterError, match="method='mean'"):
        ahp.ahp_weights(CHAIRS, method="mean")


def test_geometric_mean_equals_eigenvector_for_three_criteria():
    # For n = 3 the row geometric mean is an eigenvector of every reciprocal matrix
    # (Crawford & Williams 1985), so both methods agree exactly.
    matrix = _matrix([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]], "abc")
    eigen = ahp.ahp_weights(matrix)
    geometric = ahp.ahp_weights(matrix, method="geometric_mean")
    np.testing.assert_allclose(geometric.weights, eigen.weights, rtol=1e-9)
    assert geometric.consistency_ratio == pytest.approx(eigen.consistency_ratio)
    # hand derivation: all three log errors are +-ln(t)/3 with t = a12 a23 / a13 = 9/5,
    # so GCI = 2 / (2 * 1) * 3 * (ln t / 3)^2 = ln(t)^2 / 3
    assert geometric.geometric_consistency_index == pytest.approx(math.log(9 / 5) ** 2 / 3)
    assert eigen.geometric_consistency_index is None


def test_geometric_mean_weights_are_row_geometric_means():
    result = ahp.ahp_weights(WEALTH, method="geometric_mean")
    rows = np.prod(WEALTH.to_numpy(), axis=1) ** (1 / 7)
    np.testing.assert_allclose(result.weights.to_numpy(), rows / rows.sum(), rtol=1e-12)
    assert result.method == "geometric_mean"
    # for n > 3 the two methods differ, but only slightly on this near-consistent matrix
    eigen = ahp.ahp_weights(WEALTH).weights.to_numpy()
    assert 0 < np.abs(result.weights.to_numpy() - eigen).max() < 0.01


def test_consistent_matrix_has_zero_gci_and_cr():
    matrix = ahp.pairwise_from_weights({"a": 0.5, "b": 0.3, "c": 0.15, "d": 0.05})
    result = ahp.ahp_weights(matrix, method="geometric_mean")
    np.testing.assert_allclose(result.weights, [0.5, 0.3, 0.15, 0.05], atol=1e-12)
    assert result.geometric_consistency_index == pytest.approx(0.0, abs=1e-20)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-12)


def test_read_pairwise_csv_accepts_any_or_listed_criteria(tmp_path: Path):
    path = tmp_path / "ahp.csv"
    path.write_text("criterion,x,y\nx,1,3\ny,1/3,1\n", encoding="utf-8")
    assert ahp.ahp_weights(ahp.read_pairwise_csv(path)).weights["x"] == pytest.approx(0.75)
    with pytest.raises(DataValidationError, match="y"):
        ahp.read_pairwise_csv(path, criteria=["x"])
    with pytest.raises(DataValidationError, match="file not found"):
        ahp.read_pairwise_csv(tmp_path / "none.csv")


def test_compare_weights_with_labels_in_both_languages():
    result = ahp.ahp_weights(ahp.pairwise_from_weights({"m": 1, "e": 3}))
    table = ahp.compare_weights({"m": 3, "e": 1}, result, ["m", "e"], {"m": "Money"})
    assert table.to_dict("list") == {
        "criterion": ["Money", "e"],
        "direct weights (normalised)": [0.75, 0.25],
        "AHP weights": pytest.approx([0.25, 0.75]),
    }
    german = ahp.compare_weights({"m": 3, "e": 1}, result, ["m", "e"], lang="de")
    assert list(german.columns) == ["Kriterium", "direkte Gewichte (normiert)", "AHP-Gewichte"]
    assert not i18n.missing_translations(["criterion", "AHP weights"])
