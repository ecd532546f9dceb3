"""Task-field prioritisation: scoring, rank stability, AHP, and the embedded task-field tables."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ikzlib import paths, priorities
from ikzlib.errors import DataValidationError
from ikzlib.priorities import (
    ahp_weights,
    candidate_fields,
    illustrative_scores,
    pairwise_from_weights,
    rank_stability,
    read_pairwise_csv,
    read_scores_csv,
    read_task_field_matrix,
    weighted_scores,
)

TWO = ["monetary_gain", "effort"]  # one benefit and one cost criterion


def _scores(rows: list[tuple[str, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["field_id", *TWO]).assign(label=lambda f: f["field_id"])


def test_weighted_scores_by_hand():
    # favourability: gain as is, effort reversed (4 - points); weights 3 and 1
    scores = _scores([("A", 3, 1), ("B", 1, 3), ("C", 2, 2)])
    result = weighted_scores(scores, {"monetary_gain": 3, "effort": 1}, TWO).set_index("field_id")
    # A: 3*3 + 1*(4-1) = 12; B: 3*1 + 1*(4-3) = 4; C: 3*2 + 1*2 = 8
    assert result["total"].to_dict() == {"A": 12.0, "C": 8.0, "B": 4.0}
    # normalised to [lowest 4, highest 12]
    assert result["normalised"].to_dict() == {"A": 1.0, "C": 0.5, "B": 0.0}
    assert result["rank"].to_dict() == {"A": 1, "C": 2, "B": 3}


def test_ties_share_the_better_rank():
    scores = _scores([("A", 2, 2), ("B", 2, 2), ("C", 1, 3)])
    result = weighted_scores(scores, {"monetary_gain": 1, "effort": 1}, TWO)
    assert list(result["rank"]) == [1, 1, 3]


def test_cost_direction_reverses_points():
    # more effort must lower the total, more gain must raise it
    scores = _scores([("low_effort", 2, 1), ("high_effort", 2, 3)])
    result = weighted_scores(scores, {"monetary_gain": 1, "effort": 1}, TWO)
    assert list(result["field_id"]) == ["low_effort", "high_effort"]


def test_every_helmstedt_criterion_has_an_effect():
    effects = {c.key: c.effect for c in priorities.CRITERIA}
    assert effects == {
        "monetary_gain": "benefit",
        "success_likelihood": "benefit",
        "effort": "cost",
        "staff_capacity": "benefit",
        "legal_constraints": "cost",
        "political_resistance": "cost",
    }


def test_rank_stability_dominant_field_always_first():
    # A is at least as good as everyone on every criterion: rank 1 under any weights
    scores = _scores([("A", 3, 1), ("B", 2, 2), ("C", 1, 3)])
    result = rank_stability(
        scores, {"monetary_gain": 1, "effort": 1}, criteria=TWO, n_draws=500, top_k=1, seed=3
    ).set_index("field_id")
    assert result.loc["A", "p_top_k"] == 1.0
    assert result.loc["A", "rank_max"] == 1
    assert result.loc["C", "p_top_k"] == 0.0
    assert result.loc["C", "rank_min"] == 3


def test_rank_stability_trade_off_depends_on_weights():
    # A wins on gain, B on effort: with equal base weights perturbed +-90 % both lead sometimes
    scores = _scores([("A", 3, 3), ("B", 1, 1)])
    weights = {"monetary_gain": 1, "effort": 1}
    result = rank_stability(
        scores, weights, criteria=TWO, n_draws=2000, spread=0.9, top_k=1, seed=7
    ).set_index("field_id")
    assert 0.3 < result.loc["A", "p_top_k"] < 0.7
    assert 0.3 < result.loc["B", "p_top_k"] < 0.7
    assert result.loc["A", "rank_p05"] == 1 and result.loc["A", "rank_p95"] == 2
    # no perturbation: the base ranking (a tie here) in every draw
    fixed = rank_stability(scores, weights, criteria=TWO, n_draws=50, spread=0.0, top_k=1)
    assert list(fixed["p_top_k"]) == [1.0, 1.0]


def test_rank_stability_is_seeded():
    scores = illustrative_scores(
        pd.DataFrame({"field_id": list("ABCDE"), "label": list("ABCDE")}), 1
    )
    first = rank_stability(scores, priorities.ILLUSTRATIVE_WEIGHTS, n_draws=300, seed=11)
    second = rank_stability(scores, priorities.ILLUSTRATIVE_WEIGHTS, n_draws=300, seed=11)
    pd.testing.assert_frame_equal(first, second)


def test_illustrative_scores_are_labelled_and_in_range():
    fields = pd.DataFrame({"field_id": ["X1", "X2"], "label": ["x1", "x2"]})
    scores = illustrative_scores(fields, seed=5)
    assert set(scores["score_origin"]) == {"illustrative"}
    values = scores[list(priorities.CRITERION_KEYS)].to_numpy()
    assert values.min() >= 1 and values.max() <= 3


def test_consistent_ahp_matrix_has_cr_zero():
    weights = {"monetary_gain": 0.5, "success_likelihood": 0.3, "effort": 0.2}
    result = ahp_weights(pairwise_from_weights(weights))
    np.testing.assert_allclose(result.weights.to_numpy(), [0.5, 0.3, 0.2], atol=1e-12)
    assert result.lambda_max == pytest.approx(3.0)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-12)
    assert result.acceptable


def test_known_3x3_ahp_example():
    # a12 = 3, a13 = 5, a23 = 3. For a 3x3 reciprocal matrix the characteristic equation gives
    # lambda_max = 1 + t**(1/3) + t**(-1/3) with t = a12 * a23 / a13 = 9/5 (hand derivation).
    matrix = pd.DataFrame(
        [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]], index=list("abc"), columns=list("abc")
    )
    result = ahp_weights(matrix)
    t = 9 / 5
    lam = 1 + t ** (1 / 3) + t ** (-1 / 3)
    assert result.lambda_max == pytest.approx(lam, rel=1e-9)
    assert result.consistency_index == pytest.approx((lam - 3) / 2, rel=1e-9)
    assert result.random_index == 0.58
    assert result.consistency_ratio == pytest.approx((lam - 3) / 2 / 0.58, rel=1e-9)
    assert result.consistency_ratio == pytest.approx(0.0332, abs=5e-4)
    # the eigenvector satisfies A w = lambda w
    w = result.weights.to_numpy()
    np.testing.assert_allclose(matrix.to_numpy() @ w, lam * w, rtol=1e-9)
    assert list(result.weights.sort_values(ascending=False).index) == ["a", "b", "c"]


def test_inconsistent_matrix_is_flagged():
    # a prefers b, b prefers c, but c strongly prefers a: a cycle
    matrix = pd.DataFrame(
        [[1, 5, 1 / 5], [1 / 5, 1, 5], [5, 1 / 5, 1]], index=list("abc"), columns=list("abc")
    )
    result = ahp_weights(matrix)
    assert result.consistency_ratio > 1
    assert not result.acceptable


def test_pairwise_validation():
    good = pairwise_from_weights({"a": 2, "b": 1})
    bad = good.copy()
    bad.loc["b", "a"] = 2.0
    with pytest.raises(DataValidationError, match="not reciprocal"):
        ahp_weights(bad)
    negative = good.copy()
    negative.loc["a", "b"] = -2.0
    with pytest.raises(DataValidationError, match="positive"):
        ahp_weights(negative)


def test_read_pairwise_csv_with_fractions(tmp_path: Path):
    path = tmp_path / "ahp.csv"
    path.write_text(
        "criterion,monetary_gain,effort\nmonetary_gain,1,3\neffort,1/3,1\n", encoding="utf-8"
    )
    result = ahp_weights(read_pairwise_csv(path))
    assert result.weights["monetary_gain"] == pytest.approx(0.75)
    path.write_text(
        "criterion,monetary_gain,effort\nmonetary_gain,1,three\neffort,1/3,1\n", encoding="utf-8"
    )
    with pytest.raises(DataValidationError, match=r"ahp.csv, line 2, effort: 'three'"):
        read_pairwise_csv(path)


def _write_scores(path: Path, body: str) -> Path:
    header = "field_id,label," + ",".join(priorities.CRITERION_KEYS) + ",note\n"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_read_scores_csv(tmp_path: Path):
    path = _write_scores(tmp_path / "s.csv", "F2,Two,1,1,1,1,1,1,\nF1,One,3,3,1,3,1,1,best\n")
    scores = read_scores_csv(path)
    assert list(scores["field_id"]) == ["F1", "F2"]
    assert set(scores["score_origin"]) == {"user"}
    ranked = weighted_scores(scores, priorities.ILLUSTRATIVE_WEIGHTS)
    assert ranked.iloc[0]["field_id"] == "F1"
    assert ranked.iloc[0]["normalised"] == 1.0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("F1,One,4,3,1,3,1,1,\n", r"s.csv, line 2, monetary_gain: 4 is above the maximum 3"),
        ("F1,One,3,3,1,3,1,1,\nF2,Two,2,2,2,x,2,2,\n", r"line 3, staff_capacity: 'x' is not"),
        ("F1,One,3,3,1,3,1,1,\nF1,Dup,2,2,2,2,2,2,\n", r"line 3, field_id: duplicate"),
        ("F1,One,2.5,3,1,3,1,1,\n", r"line 2, monetary_gain: '2.5' is not a whole number"),
        ("F1,One,3,3,,3,1,1,\n", r"line 2, effort: value is missing"),
    ],
)
def test_bad_scores_name_file_line_and_column(tmp_path: Path, body: str, message: str):
    path = _write_scores(tmp_path / "s.csv", body)
    with pytest.raises(DataValidationError, match=message):
        read_scores_csv(path)


def test_helmstedt_matrix_is_consistent_and_honest():
    matrix = read_task_field_matrix(paths.raw_dir("helmstedt") / "task_fields.csv")
    # the ten top-priority fields of the steering group are all there (Hoch-/Tiefbau: 2 rows)
    top = set(matrix.loc[matrix["top_priority"].eq("yes"), "top_priority_field"])
    assert len(top) == 10
    assert {"IT / Gemeinsames Rechenzentrum", "Bäderverwaltung", "Arbeitsschutz"} <= top
    # unknown cells are declared and empty; legible mode codes only from Z/D/O
    assert matrix["mode"].dropna().str.fullmatch(r"[ZDO](/[ZDO])*").all()
    assert matrix["unknown_cells"].notna().sum() > 20
    assert matrix["source"].str.contains("2012").all()


def test_task_field_matrix_refuses_undeclared_gaps(tmp_path: Path):
    original = (paths.raw_dir("helmstedt") / "task_fields.csv").read_text(encoding="utf-8")
    lines = original.splitlines()
    # HE26 (Bibliotheken) is fully legible: blank its participants without declaring it
    index = next(i for i, line in enumerate(lines) if line.startswith("HE26,"))
    lines[index] = lines[index].replace("Städte und LK", "")
    path = tmp_path / "task_fields.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(
        DataValidationError, match=rf"line {index + 1}, participants: .*not declared"
    ):
        read_task_field_matrix(path)


def test_candidate_fields_per_district():
    helmstedt = candidate_fields("helmstedt")
    assert helmstedt["top_priority"].sum() == 11  # Hochbau and Tiefbau are separate rows
    assert not helmstedt["label"].str.contains("Illegible").any()
    wolfenbuettel = candidate_fields("wolfenbuettel")
    assert set(wolfenbuettel.loc[wolfenbuettel["top_priority"], "label"]) == {
        "IT: joint IT company",
        "Payroll",
        "Audit office (RPA)",
        "Procurement office",
    }
    counts = pd.DataFrame(
        {
            "code_id": ["potential.field.it", "potential.field.payroll"],
            "name": ["IT", "Payroll"],
            "n_interviews": [3, 5],
            "unattributed": ["", "viele"],
        }
    )
    from_interviews = candidate_fields("harz", interview_fields=counts)
    assert list(from_interviews["label"]) == ["Payroll", "IT"]
    assert list(from_interviews["mentions"]) == [5, 3]
    assert list(from_interviews["origin"]) == ["interviews", "interviews"]
    assert from_interviews["mentions_unattributed"].iloc[0] == "viele"
    assert wolfenbuettel["mentions"].isna().all()
    assert candidate_fields("harz").empty


def test_normalised_total_bounds_hold_for_any_weights():
    rng = np.random.default_rng(0)
    fields = pd.DataFrame({"field_id": [f"F{i}" for i in range(20)], "label": "x"})
    scores = illustrative_scores(fields, seed=2)
    for _ in range(20):
        weights = dict(zip(priorities.CRITERION_KEYS, rng.uniform(0.1, 3, 6), strict=True))
        result = weighted_scores(scores, weights)
        assert result["normalised"].between(0, 1).all()
        assert math.isclose(result["total"].max(), result["total"].iloc[0])


def test_pairwise_from_judgements_builds_the_reciprocal_matrix():
    keys = ["monetary_gain", "effort", "staff_capacity"]
    judgements = {
        "monetary_gain": {"effort": 3, "staff_capacity": 6},
        "staff_capacity": {"effort": 0.5},
    }
    matrix = priorities.pairwise_from_judgements(keys, judgements)
    assert matrix.loc["effort", "monetary_gain"] == pytest.approx(1 / 3)
    assert matrix.loc["effort", "staff_capacity"] == pytest.approx(2)
    # 3 * 2 = 6: perfectly consistent, so the weights are 6/9, 2/9, 1/9
    result = ahp_weights(matrix)
    np.testing.assert_allclose(result.weights.to_numpy(), [6 / 9, 2 / 9, 1 / 9], atol=1e-12)
    assert result.consistency_ratio == pytest.approx(0, abs=1e-12)
    with pytest.raises(ValueError, match="pairs without a judgement"):
        priorities.pairwise_from_judgements(keys, {"monetary_gain": {"effort": 3}})
    with pytest.raises(ValueError, match="judged twice"):
        priorities.pairwise_from_judgements(
            keys, {**judgements, "effort": {"monetary_gain": 1 / 3}}
        )


def test_candidate_fields_take_a_district_object():
    from ikzlib import catalog

    district = catalog.get_district("wolfenbuettel")
    pd.testing.assert_frame_equal(candidate_fields(district), candidate_fields("wolfenbuettel"))


def test_fields_to_score_prefers_top_priority_fields():
    fields = pd.DataFrame({"field_id": ["A", "B", "C"], "top_priority": [True, False, True]})
    assert list(priorities.fields_to_score(fields, True)["field_id"]) == ["A", "C"]
    assert list(priorities.fields_to_score(fields, False)["field_id"]) == ["A", "B", "C"]
    none_first = fields.assign(top_priority=False)
    assert list(priorities.fields_to_score(none_first, True)["field_id"]) == ["A", "B", "C"]


def test_matrix_summaries_count_every_row():
    matrix = read_task_field_matrix(paths.raw_dir("helmstedt") / "task_fields.csv")
    legibility = priorities.matrix_legibility(matrix)
    assert legibility["rows"].sum() == len(matrix)
    assert legibility.index.names == ["origin", "legibility"]
    modes = priorities.matrix_modes(matrix)
    assert modes["rows"].sum() == len(matrix)
    assert modes.loc["unknown", "rows"] == matrix["mode"].isna().sum()
    assert modes.index.name.startswith("mode (Z = centralise")


def test_criteria_table_names_effect_and_weight():
    table = priorities.criteria_table(
        ["effort", "monetary_gain"], {"effort": 2, "monetary_gain": 3}
    )
    assert table.to_dict("list") == {
        "criterion": ["Effort", "Expected monetary gain"],
        "effect on priority": ["lowers", "raises"],
        "weight": [2, 3],
    }


def test_restrict_judgements_keeps_pairs_of_the_chosen_criteria():
    kept = priorities.restrict_judgements(
        priorities.ILLUSTRATIVE_AHP_JUDGEMENTS, ["monetary_gain", "effort"]
    )
    assert kept == {"monetary_gain": {"effort": 2}, "effort": {}}
    every = priorities.restrict_judgements(
        priorities.ILLUSTRATIVE_AHP_JUDGEMENTS, priorities.CRITERION_KEYS
    )
    assert every == priorities.ILLUSTRATIVE_AHP_JUDGEMENTS


def test_illustrative_judgements_judge_every_pair_consistently_enough():
    keys = priorities.CRITERION_KEYS
    matrix = priorities.pairwise_from_judgements(keys, priorities.ILLUSTRATIVE_AHP_JUDGEMENTS)
    result = ahp_weights(matrix)
    assert result.acceptable
    assert round(result.consistency_ratio, 4) == 0.011


def test_compare_weights_and_rankings():
    keys = ["monetary_gain", "effort"]
    ahp = ahp_weights(pairwise_from_weights({"monetary_gain": 1, "effort": 3}))
    table = priorities.compare_weights({"monetary_gain": 3, "effort": 1}, ahp, keys)
    assert table["direct weights (normalised)"].tolist() == [0.75, 0.25]
    np.testing.assert_allclose(table["AHP weights"], [0.25, 0.75])
    scores = _scores([("A", 3, 3), ("B", 1, 1)])
    direct = weighted_scores(scores, {"monetary_gain": 3, "effort": 1}, keys)
    other = weighted_scores(scores, ahp.weights.to_dict(), keys)
    both = priorities.compare_rankings(direct, other)
    assert both.to_dict("list") == {
        "field_id": ["A", "B"],
        "label": ["A", "B"],
        "rank_direct": [1, 2],
        "rank_ahp": [2, 1],
    }
