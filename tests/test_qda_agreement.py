"""Intercoder agreement: hand-computed values, statsmodels and the krippendorff package."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa, fleiss_kappa

from ikzlib.errors import DataValidationError
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
