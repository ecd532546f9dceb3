"""Intercoder agreement: hand-computed values, statsmodels and the krippendorff package."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa, fleiss_kappa

from ikzlib.errors import DataValidationError, ParameterError
from ikzlib.qda import agreement, demo
from ikzlib.qda.model import CodedProject

A = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0]
B = [1, 1, 1, 1, 1, 1, 1, 0, 1, 0]


def test_statistics_by_hand():
    # p_o = 8/10; marginals 0.8/0.8 -> p_e = 0.64 + 0.04 = 0.68
    stats = agreement.agreement_statistics(A, B)
    assert stats["percent_agreement"] == pytest.approx(0.8)
    assert stats["cohen_kappa"] == pytest.approx((0.8 - 0.68) / 0.32)
    assert stats["brennan_prediger"] == pytest.approx(0.6)
    # coincidences o11 = 14, o00 = 2, o01 = o10 = 2; n1 = 16, n0 = 4, n = 20
    assert stats["krippendorff_alpha"] == pytest.approx(1 - 19 * 4 / (400 - 256 - 16))


def test_matches_statsmodels_and_krippendorff():
    rng = np.random.default_rng(5)
    a = rng.integers(0, 3, 60)
    b = np.where(rng.random(60) < 0.7, a, rng.integers(0, 3, 60))
    stats = agreement.agreement_statistics(a, b, n_categories=3)
    table = pd.crosstab(a, b).to_numpy()
    assert stats["cohen_kappa"] == pytest.approx(cohens_kappa(table).kappa)
    counts, _ = aggregate_raters(np.column_stack([a, b]))
    assert stats["brennan_prediger"] == pytest.approx(fleiss_kappa(counts, method="randolph"))
    expected = krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal")
    assert stats["krippendorff_alpha"] == pytest.approx(expected)


def test_krippendorff_with_missing_values_matches_package():
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5],
        [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5],
    ]
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert agreement.krippendorff_alpha_nominal(data) == pytest.approx(expected)


def test_undefined_kappa_is_nan():
    stats = agreement.agreement_statistics([1, 1, 1], [1, 1, 1])
    assert stats["percent_agreement"] == 1
    assert np.isnan(stats["cohen_kappa"]) and np.isnan(stats["krippendorff_alpha"])
    assert stats["brennan_prediger"] == 1


def _project(codings: list[tuple]) -> CodedProject:
    return CodedProject(
        documents=pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "name": ["1", "2", "3"]}),
        codes=pd.DataFrame({"code_id": ["X", "Y"], "name": ["X", "Y"]}),
        codings=pd.DataFrame(
            codings, columns=["doc_id", "code_id", "coder", "start", "end"]
        ).assign(coding_id=lambda f: [f"c{i}" for i in range(len(f))]),
    ).validate()


def test_document_agreement_by_hand():
    proj = _project(
        [
            ("d1", "X", "a", None, None),
            ("d1", "Y", "a", None, None),
            ("d2", "X", "a", None, None),
            ("d1", "X", "b", None, None),
            ("d2", "Y", "b", None, None),
            ("d3", "X", "b", None, None),
        ]
    )
    table = agreement.document_agreement(proj, "a", "b").set_index("code_id")
    assert table.loc["X", ["both", "only_a", "only_b", "neither"]].tolist() == [1, 1, 1, 0]
    assert table.loc["Y", ["both", "only_a", "only_b", "neither"]].tolist() == [0, 1, 1, 1]
    assert table.loc["X", "percent_agreement"] == pytest.approx(1 / 3)
    # p_e = (2/3)^2 + (1/3)^2 = 5/9 -> kappa = (1/3 - 5/9) / (4/9)
    assert table.loc["X", "cohen_kappa"] == pytest.approx(-0.5)
    assert table.loc["overall", "n_units"] == 6
    assert table.loc["overall", "percent_agreement"] == pytest.approx(2 / 6)


def test_segment_agreement_depends_on_overlap():
    proj = _project(
        [
            ("d1", "X", "a", 0, 20),
            ("d1", "Y", "a", 40, 60),
            ("d1", "X", "b", 5, 20),
            ("d1", "Y", "b", 50, 80),
            ("d1", "X", "b", 90, 100),
        ]
    )
    assert agreement.overlap_percent(0, 20, 5, 20) == pytest.approx(75)
    assert agreement.overlap_percent(40, 60, 50, 80) == pytest.approx(25)
    assert agreement.overlap_percent(0, 10, 10, 20) == 0
    strict = agreement.segment_agreement(proj, "a", "b", min_overlap=50).set_index("code_id")
    assert strict.loc["X", ["n_units", "both", "only_a", "only_b", "neither"]].tolist() == [
        4,
        1,
        0,
        1,
        2,
    ]
    assert strict.loc["Y", ["both", "only_a", "only_b", "neither"]].tolist() == [0, 1, 1, 2]
    loose = agreement.segment_agreement(proj, "a", "b", min_overlap=20).set_index("code_id")
    assert loose.loc["Y", ["n_units", "both", "only_a", "only_b", "neither"]].tolist() == [
        3,
        1,
        0,
        0,
        2,
    ]
    units = agreement.segment_units(proj, "a", "b", min_overlap=20)
    assert units[["start", "end"]].to_numpy().tolist() == [[0, 20], [40, 80], [90, 100]]


def test_unknown_coder_is_named():
    proj = _project([("d1", "X", "a", None, None)])
    with pytest.raises(DataValidationError, match="no codings by coder"):
        agreement.document_agreement(proj, "a", "zz")


def test_demo_coders_agree_imperfectly():
    proj = demo.demo_project()
    leaves = [c for c in proj.codes["code_id"] if "." in c]
    overall = agreement.segment_agreement(proj, *demo.CODERS, leaves).iloc[-1]
    assert overall["code_id"] == "overall"
    assert 0.5 < overall["cohen_kappa"] < 1
    assert overall["only_a"] + overall["only_b"] > 0


# --- published values ----------------------------------------------------------------------

N = None
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section on nominal data
# with missing values: 4 coders (rows A-D) x 12 units; the same ratings are irrCAC's
# cac.raw4raters (Gwet 2014, Handbook of Inter-Rater Reliability, 4th ed., p. 120).
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]

# Fleiss (1971), Psychological Bulletin 76(5), 378-382: 30 patients, 6 psychiatrists each,
# 5 diagnoses (raw form as in R irr's `diagnoses`); kappa = 0.430 (irr: 0.4302445).
DIAGNOSES = np.array(
    [
        [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
        [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
        [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
        [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
        [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
        [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
        [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
    ]
)  # fmt: skip


def _raw_from_counts(counts: list[list[int]]) -> list[list[int]]:
    """Coders x units ratings from a units x categories count table (raters exchangeable)."""
    units = [[k for k, c in enumerate(row, start=1) for _ in range(c)] for row in counts]
    return [list(column) for column in zip(*units, strict=True)]


def _raw_from_table(table: list[list[int]]) -> tuple[list[int], list[int]]:
    """Two coders' ratings from a contingency table (rows coder A, columns coder B)."""
    a, b = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [i] * count
            b += [j] * count
    return a, b


def test_fleiss_1971_diagnoses():
    assert agreement.fleiss_kappa(DIAGNOSES.T) == pytest.approx(0.4302445, abs=1e-7)


def test_fleiss_fourteen_raters_example():
    # 10 subjects, 14 raters, 5 categories: the Fleiss-kappa example of the Wikipedia article
    # (also statsmodels' test table), kappa = 0.210
    counts = [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]  # fmt: skip
    assert round(agreement.fleiss_kappa(_raw_from_counts(counts)), 3) == 0.210


def test_krippendorff_2011_worked_example_all_levels():
    # Krippendorff (2011): nominal 0.743, ordinal 0.815, interval 0.849; ratio from the
    # krippendorff package (0.797)
    expected = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}
    for level, value in expected.items():
        alpha = agreement.krippendorff_alpha(KRIPPENDORFF_2011, level)
        assert round(alpha, 3) == value, level
        data = np.array([[np.nan if v is None else v for v in row] for row in KRIPPENDORFF_2011])
        package = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        assert alpha == pytest.approx(package, rel=1e-12), level


def test_irrcac_raw_ratings_with_missing_values():
    # irrCAC README (Gwet), cac.raw4raters: AC1 0.77544 (p_a 0.8181818, p_e 0.1903212),
    # Fleiss' kappa 0.76117 (p_e 0.2387153), Krippendorff's alpha 0.74342
    assert agreement.gwet_ac1(KRIPPENDORFF_2011) == pytest.approx(0.77544, abs=5e-6)
    assert agreement.fleiss_kappa(KRIPPENDORFF_2011) == pytest.approx(0.76117, abs=5e-6)
    assert agreement.krippendorff_alpha(KRIPPENDORFF_2011) == pytest.approx(0.74342, abs=5e-6)
    stats = agreement.multi_coder_statistics(
        [[v if v is None else int(v == 3) for v in row] for row in KRIPPENDORFF_2011]
    )
    assert set(stats) == set(agreement.MULTI_STAT_COLUMNS)


def test_irrcac_six_raters_distribution():
    # irrCAC README, distrib.6raters (15 patients, 6 raters, 5 diagnoses): AC1 0.4448007,
    # Fleiss' kappa 0.4139265, Krippendorff's alpha 0.4204384
    counts = [
        [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
        [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
        [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
    ]  # fmt: skip
    raw = _raw_from_counts(counts)
    assert agreement.gwet_ac1(raw) == pytest.approx(0.4448007, abs=1e-7)
    assert agreement.fleiss_kappa(raw) == pytest.approx(0.4139265, abs=1e-7)
    assert agreement.krippendorff_alpha(raw) == pytest.approx(0.4204384, abs=1e-7)


def test_irrcac_two_abstractors_table():
    # irrCAC README, cont3x3abstractors: Cohen 0.7964094, AC1 0.8493305, Brennan-Prediger
    # 0.835, Krippendorff 0.7972585, percent agreement 0.89
    a, b = _raw_from_table([[13, 0, 0], [0, 20, 7], [0, 4, 56]])
    assert agreement.cohen_kappa(a, b) == pytest.approx(0.7964094, abs=1e-7)
    assert agreement.gwet_ac1([a, b]) == pytest.approx(0.8493305, abs=1e-7)
    assert agreement.brennan_prediger_kappa(a, b, 3) == pytest.approx(0.835)
    assert agreement.krippendorff_alpha([a, b]) == pytest.approx(0.7972585, abs=1e-7)
    assert agreement.percent_agreement(a, b) == pytest.approx(0.89)


def test_weighted_kappa_sas_example_and_statsmodels():
    # SAS PROC FREQ agreement example as reproduced in statsmodels' tests: simple kappa
    # 0.4842, weighted kappa (linear, Cicchetti-Allison weights) 0.4701
    table = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]
    a, b = _raw_from_table(table)
    assert round(agreement.cohen_kappa(a, b), 4) == 0.4842
    assert round(agreement.weighted_kappa(a, b, weights="linear"), 4) == 0.4701
    quadratic = cohens_kappa(np.array(table), wt="quadratic").kappa
    assert agreement.weighted_kappa(a, b, weights="quadratic") == pytest.approx(quadratic)
    # a category nobody used still counts for the spacing when listed: with positions
    # 0, 2, 3 the mean observed distance is 2/3 and the expected one 12/9 -> 0.5; with the
    # categories seen (positions 0, 1, 2) it is 2/3 vs 8/9 -> 0.25
    a3, b3 = [0, 2, 3], [0, 3, 2]
    assert agreement.weighted_kappa(a3, b3, categories=[0, 1, 2, 3]) == pytest.approx(0.5)
    assert agreement.weighted_kappa(a3, b3) == pytest.approx(0.25)
    with pytest.raises(ParameterError, match="weights='cubic'"):
        agreement.weighted_kappa(a, b, weights="cubic")


# --- missing ratings -------------------------------------------------------------------------


def test_two_coder_statistics_use_the_units_both_rated():
    a = [1, 1, 0, None, 1, np.nan]
    b = [1, 0, 0, 1, None, 1]
    # pairs: (1,1), (1,0), (0,0): p_o = 2/3; marginals a 2/3 ones, b 1/3 ones
    # p_e = 2/3 * 1/3 + 1/3 * 2/3 = 4/9 -> kappa = (2/3 - 4/9) / (5/9) = 0.4
    assert agreement.percent_agreement(a, b) == pytest.approx(2 / 3)
    assert agreement.cohen_kappa(a, b) == pytest.approx(0.4)
    assert agreement.brennan_prediger_kappa(a, b, 2) == pytest.approx(1 / 3)
    assert agreement.cohen_kappa(a[:3], b[:3]) == agreement.cohen_kappa(a, b)
    # each coder's marginals from all it rated: a 3/4 ones, b 3/5 ones
    # p_e = 3/4 * 3/5 + 1/4 * 2/5 = 11/20 -> kappa = (2/3 - 11/20) / (9/20) = 7/27
    assert agreement.cohen_kappa(a, b, marginals="each_rater") == pytest.approx(7 / 27)
    assert np.isnan(agreement.cohen_kappa([1, None], [None, 1]))
    assert "nan" not in {str(c) for c in agreement.reliability_data([a, b]).ravel()}


def test_missing_is_not_a_category():
    a = [1, 2, None, 2]
    b = [1, 2, 3, None]
    assert agreement.krippendorff_alpha([a, b]) == pytest.approx(1.0)
    assert agreement.fleiss_kappa([a, b]) == pytest.approx(1.0)
    assert agreement.gwet_ac1([a, b]) == pytest.approx(1.0)


def test_bad_inputs_are_parameter_errors():
    with pytest.raises(ParameterError, match="one entry per unit"):
        agreement.fleiss_kappa([[1, 2], [1]])
    with pytest.raises(ParameterError, match="level='nominalish'"):
        agreement.krippendorff_alpha([[1], [1]], "nominalish")
    with pytest.raises(ParameterError, match="not among the categories"):
        agreement.gwet_ac1([[1, 2], [1, 3]], categories=[1, 2])


# --- bootstrap ---------------------------------------------------------------------------------


def test_bootstrap_resamples_units_and_is_reproducible():
    rng = np.random.default_rng(3)
    a = rng.integers(0, 3, 80)
    b = np.where(rng.random(80) < 0.75, a, rng.integers(0, 3, 80))
    data = [list(a), list(b)]
    first = agreement.bootstrap_ci(lambda d: agreement.cohen_kappa(*d), data, n_boot=400, seed=1)
    second = agreement.bootstrap_ci(lambda d: agreement.cohen_kappa(*d), data, n_boot=400, seed=1)
    assert first == second
    assert first.estimate == pytest.approx(agreement.cohen_kappa(a, b))
    assert first.low < first.estimate < first.high
    assert first.n_valid == 400 and first.level == 0.95
    # the units' ratings stay together: perfect agreement stays perfect in every replicate
    same = agreement.bootstrap_ci(
        lambda d: agreement.percent_agreement(*d), [list(a), list(a)], n_boot=50
    )
    assert (same.low, same.high) == (1.0, 1.0)
    # a wider level gives a wider interval
    wide = agreement.bootstrap_ci(
        lambda d: agreement.cohen_kappa(*d), data, n_boot=400, seed=1, level=0.99
    )
    assert wide.low <= first.low and wide.high >= first.high


def test_bootstrap_leaves_out_undefined_replicates():
    # one unit of disagreement among agreements on a single category: kappa is NaN in every
    # replicate that does not draw the disagreement unit
    data = [[1] * 9 + [1], [1] * 9 + [2]]
    result = agreement.bootstrap_ci(agreement.krippendorff_alpha, data, n_boot=200, seed=0)
    assert 0 < result.n_valid < 200


# --- several coders of a project -------------------------------------------------------------


def _three_coder_project() -> CodedProject:
    rows = [
        ("d1", "X", "a", 0, 10), ("d1", "X", "b", 0, 10), ("d1", "X", "c", 0, 10),
        ("d2", "X", "a", 0, 10), ("d2", "Y", "b", 20, 30),
        ("d3", "Y", "a", 5, 15), ("d3", "Y", "b", 5, 15),
        # coder c did not code d2 or d3 at all: missing there, not "absent"
    ]  # fmt: skip
    return _project(rows)


def test_multi_coder_document_agreement_by_hand():
    table = agreement.multi_coder_agreement(_three_coder_project()).set_index("code_id")
    # X: d1 (1,1,1), d2 (1,0,-), d3 (0,0,-); Y: d1 (0,0,0), d2 (0,1,-), d3 (1,1,-)
    assert table.loc["X", ["n_units", "n_coders", "n_ratings"]].tolist() == [3, 3, 7]
    assert table.loc["X", "percent_agreement"] == pytest.approx((1 + 0 + 1) / 3)
    x = [[1, 1, 0], [1, 0, 0], [1, None, None]]
    assert table.loc["X", "fleiss_kappa"] == pytest.approx(agreement.fleiss_kappa(x))
    assert table.loc["X", "krippendorff_alpha"] == pytest.approx(
        krippendorff.alpha(
            reliability_data=[[1, 1, 0], [1, 0, 0], [1, np.nan, np.nan]],
            level_of_measurement="nominal",
        )
    )
    # pooled: 6 units; pairs agree on d1 (both codes), d3/X and d3/Y
    assert table.loc["overall", "n_units"] == 6
    assert table.loc["overall", "percent_agreement"] == pytest.approx(4 / 6)


def test_multi_coder_segment_level_and_two_coder_consistency():
    proj = _three_coder_project()
    segments = agreement.multi_coder_agreement(proj, level="segment").set_index("code_id")
    # units: d1 [0,10) all three coders; d2 [0,10) a only, d2 [20,30) b only; d3 [5,15) a, b
    assert segments.loc["X", "n_units"] == 4
    # Y: d1 all 0; d2 [0,10) a 0, b 0 (b coded d2); d2 [20,30) a 0, b 1; d3 a 1, b 1
    assert segments.loc["Y", "percent_agreement"] == pytest.approx(3 / 4)
    two = agreement.multi_coder_agreement(proj, ["a", "b"]).set_index("code_id")
    pairwise = agreement.document_agreement(proj, "a", "b").set_index("code_id")
    for column in ("percent_agreement", "krippendorff_alpha"):
        np.testing.assert_allclose(two[column], pairwise[column])
    with pytest.raises(DataValidationError, match="at least two coders"):
        agreement.multi_coder_agreement(proj, ["a"])
    with pytest.raises(ParameterError, match="level='paragraph'"):
        agreement.multi_coder_agreement(proj, level="paragraph")


def test_cluster_bootstrap_kappa_equals_the_generic_bootstrap():
    """The counting shortcut draws the same units and gives the same interval as bootstrap_ci."""
    rng = np.random.default_rng(1)
    a = rng.integers(0, 3, (30, 7))
    b = np.where(rng.random((30, 7)) < 0.8, a, (a + 1) % 3)
    rows = np.arange(30)

    def pooled(drawn):
        chosen = drawn[0].astype(int)
        return agreement.cohen_kappa(a[chosen].ravel(), b[chosen].ravel())

    generic = agreement.bootstrap_ci(pooled, [rows, rows], n_boot=300, seed=5)
    fast = agreement.cluster_bootstrap_kappa(a, b, n_boot=300, seed=5)
    assert fast.estimate == pytest.approx(agreement.cohen_kappa(a.ravel(), b.ravel()), abs=1e-12)
    assert (fast.low, fast.high, fast.n_valid) == pytest.approx(
        (generic.low, generic.high, generic.n_valid), abs=1e-12
    )
