"""Task-field prioritisation: scoring, rank stability, AHP, and the embedded task-field tables."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ikzlib import ahp, paths, priorities
from ikzlib.ahp import ahp_weights, pairwise_from_weights
from ikzlib.errors import DataValidationError
from ikzlib.i18n import tr
from ikzlib.priorities import (
    candidate_fields,
    illustrative_scores,
    rank_stability,
    read_pairwise_csv,
    read_scores_csv,
    read_task_field_matrix,
    weighted_scores,
)
from ikzlib.qda.model import CodedProject

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
    matrix = ahp.pairwise_from_judgements(keys, judgements)
    assert matrix.loc["effort", "monetary_gain"] == pytest.approx(1 / 3)
    assert matrix.loc["effort", "staff_capacity"] == pytest.approx(2)
    # 3 * 2 = 6: perfectly consistent, so the weights are 6/9, 2/9, 1/9
    result = ahp_weights(matrix)
    np.testing.assert_allclose(result.weights.to_numpy(), [6 / 9, 2 / 9, 1 / 9], atol=1e-12)
    assert result.consistency_ratio == pytest.approx(0, abs=1e-12)
    with pytest.raises(ValueError, match="pairs without a judgement"):
        ahp.pairwise_from_judgements(keys, {"monetary_gain": {"effort": 3}})
    with pytest.raises(ValueError, match="judged twice"):
        ahp.pairwise_from_judgements(keys, {**judgements, "effort": {"monetary_gain": 1 / 3}})


def test_candidate_fields_take_a_district_object():
    from ikzlib import catalog

    district = catalog.get_district("wolfenbuettel")
    pd.testing.assert_frame_equal(candidate_fields(district), candidate_fields("wolfenbuettel"))


def test_matrix_summaries_count_every_row():
    matrix = read_task_field_matrix(paths.raw_dir("helmstedt") / "task_fields.csv")
    legibility = priorities.matrix_legibility(matrix)
    assert legibility["rows"].sum() == len(matrix)
    assert list(legibility.columns) == ["origin", "legibility", "rows"]
    modes = priorities.matrix_modes(matrix).set_index("mode")
    assert modes["rows"].sum() == len(matrix)
    assert modes.loc["unknown", "rows"] == matrix["mode"].isna().sum()
    assert tr(modes.loc["Z/O", "meaning"], "de") == "zentralisieren / auslagern"


def test_criteria_table_names_effect_and_weight():
    table = priorities.criteria_table(
        ["effort", "monetary_gain"], {"effort": 2, "monetary_gain": 3}
    )
    assert table.to_dict("list") == {
        "criterion": ["effort", "monetary_gain"],
        "label": ["Effort", "Expected monetary gain"],
        "effect": ["lowers", "raises"],
        "weight": [2.0, 3.0],
    }


# --- evidence ranking ------------------------------------------------------------------------

# A tiny coded-interview project: 4 interviews, three task fields. Known answer by the rule of
# the module docstring: "audit" is named by 3 of 4 interviews (more than half = most, 5) and
# ranks first; "yards" has the count word "mehrere" (several, 3) and one named interview;
# "parks" has "einigen" (some, 2) and ties with nothing; "pools" has no codings and no
# finding, so it is no evidence at all.
_FIELDS = ["audit", "yards", "parks", "pools"]


def _project() -> CodedProject:
    codes = [("potential", None), ("potential.field", "potential")]
    codes += [(f"potential.field.{f}", "potential.field") for f in _FIELDS]
    codings = [("C1", "I1", "audit"), ("C2", "I2", "audit"), ("C3", "I3", "audit")]
    codings += [("C4", "I4", "yards")]
    return CodedProject(
        documents=pd.DataFrame({"doc_id": ["I1", "I2", "I3", "I4"], "name": list("ABCD")}),
        codes=pd.DataFrame(
            {
                "code_id": [c for c, _ in codes],
                "parent_id": [p for _, p in codes],
                "name": [c.split(".")[-1].title() for c, _ in codes],
            }
        ),
        codings=pd.DataFrame(
            {
                "coding_id": [c for c, _, _ in codings],
                "doc_id": [d for _, d, _ in codings],
                "code_id": [f"potential.field.{f}" for _, _, f in codings],
                "evidence": ["footnote 1", "footnote 1", "footnote 2", "footnote 3"],
            }
        ),
    )


def _findings(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "finding_id": [f"U{i}" for i in range(1, len(rows) + 1)],
            "code_id": [f"potential.field.{f}" for f, _ in rows],
            "count_word": [w for _, w in rows],
            "section": "3.5",
            "statement": "x",
            "source": "Study (2023), section 3.5",
        }
    )


def test_count_scale_orders_the_quantifiers():
    words = ["unspecified", "in einem Fall", "einigen", "mehreren", "viele", "die meisten", "alle"]
    assert [priorities.count_word_strength(w) for w in words] == [0, 1, 2, 3, 4, 5, 6]
    assert priorities.count_word_strength("Viele ") == 4
    assert priorities.count_word_strength("andere") is None
    # named interviews out of 7 on the same scale
    assert [priorities.named_count_strength(n, 7) for n in range(8)] == [0, 1, 2, 3, 5, 5, 5, 6]
    with pytest.raises(ValueError):
        priorities.named_count_strength(8, 7)


def test_interview_evidence_ranks_the_fixture():
    findings = _findings([("yards", "mehrere"), ("parks", "einigen"), ("audit", "unspecified")])
    evidence = priorities.interview_evidence(_project(), findings, "data/raw/x/interviews")
    assert set(evidence["status"]) == {"documented"}
    audit = evidence[evidence["field_id"].str.endswith("audit")]
    assert list(audit["evidence_type"]) == ["interviews_named", "count_word"]
    assert audit.iloc[0]["count"] == 3 and audit.iloc[0]["strength"] == 5
    assert str(audit.iloc[0]["detail"]) == "interviews 1, 2, 3 of 4 (footnote 1; footnote 2)"
    assert audit.iloc[0]["source"] == "data/raw/x/interviews/codings.csv, C1, C2, C3"
    ranking = priorities.rank_by_evidence(evidence)
    assert list(ranking["label"]) == ["Audit", "Yards", "Parks"]  # pools: no evidence
    assert list(ranking["rank"]) == [1, 2, 3] and list(ranking["tied"]) == [1, 1, 1]
    assert list(ranking["strength"]) == [5, 3, 2]
    assert list(ranking["volume"]) == [3, 1, 0]
    assert ranking.iloc[1]["source"].endswith("finding U1 (section 3.5)")


def test_equal_evidence_ties_and_named_interviews_break_equal_words():
    # yards and parks: both "viele"; yards also has one named interview, so it comes first;
    # audit (3 of 4 = most) beats both; two fields with only "viele" tie
    findings = _findings([("yards", "viele"), ("parks", "viele"), ("pools", "viele")])
    project = _project()
    ranking = priorities.rank_by_evidence(priorities.interview_evidence(project, findings, "f"))
    assert dict(zip(ranking["label"], ranking["rank"], strict=True)) == {
        "Audit": 1,
        "Yards": 2,
        "Parks": 3,
        "Pools": 3,
    }
    assert list(ranking["tied"]) == [1, 1, 2, 2]


def test_decisions_outrank_interviews_and_listing():
    evidence = pd.concat(
        [
            priorities.matrix_evidence(
                read_task_field_matrix(paths.raw_dir("helmstedt") / "task_fields.csv"), "m.csv"
            ),
            priorities.interview_evidence(_project(), None, "f"),
        ],
        ignore_index=True,
    )
    ranking = priorities.rank_by_evidence(evidence)
    # the Helmstedt steering group's 11 top rows (10 fields; Hoch- und Tiefbau spans two rows)
    assert list(ranking["rank"]).count(1) == 11
    assert set(ranking.loc[ranking["rank"] == 1, "evidence_type"]) == {"steering_group_priority"}
    assert list(ranking.loc[ranking["rank"] == 12, "label"]) == ["Audit"]
    assert list(ranking.loc[ranking["rank"] == 13, "label"]) == ["Yards"]
    assert (ranking["rank"] == 14).sum() == 27  # legible rows listed without priority
    assert len(ranking) == 11 + 2 + 27


def test_inferred_pooling_never_changes_a_rank():
    matrix = read_task_field_matrix(paths.raw_dir("helmstedt") / "task_fields.csv")
    documented = priorities.matrix_evidence(matrix, "m.csv")
    pooled = priorities.pooling_evidence(matrix, "m.csv", n_units=8, n_small_units=5)
    assert set(pooled["status"]) == {"inferred"} and set(pooled["count"]) == {8}
    # every legible row whose participants name all municipalities
    legible = matrix[matrix["legibility"] != "illegible"]
    expected = legible["participants"].fillna("").str.contains("alle Gemeinden").sum()
    assert len(pooled) == expected == 14
    both = priorities.rank_by_evidence(pd.concat([documented, pooled], ignore_index=True))
    alone = priorities.rank_by_evidence(documented)
    pd.testing.assert_series_equal(both["rank"], alone["rank"])
    assert both["n_inferred"].sum() == 14
    assert priorities.pooling_evidence(matrix, "m.csv", n_units=8, n_small_units=0).empty


def test_motion_evidence_of_wolfenbuettel():
    path = paths.raw_dir("wolfenbuettel") / "candidate_fields.csv"
    ranking = priorities.rank_by_evidence(
        priorities.motion_evidence(priorities.read_motion_fields(path), "c.csv")
    )
    assert list(ranking["rank"]) == [1, 1, 1, 1, 5, 5, 5, 5]
    assert list(ranking["field_id"][:4]) == ["WF01", "WF02", "WF03", "WF04"]
    assert ranking.iloc[0]["source"] == "c.csv, WF01 (line 2)"
    assert (
        tr(ranking.iloc[0]["evidence"], "de") == "Schwerpunktfeld: IT (gemeinsame IT-Gesellschaft)"
    )


def test_harz_evidence_puts_procurement_first():
    # Harz IKZ case study (2023), section 3.5.3: "viele" see potential in procurement (finding
    # U15); the other ten fields are named without a count and tie at rank 2.
    evidence = priorities.field_evidence("harz", *priorities.interview_inputs("harz"))
    ranking = priorities.rank_by_evidence(evidence)
    assert ranking.iloc[0]["label"] == "Procurement" and ranking.iloc[0]["tied"] == 1
    assert ranking.iloc[0]["strength"] == 4
    assert list(ranking["rank"][1:]) == [2] * 10
    assert priorities.evidence_data(evidence) == ["coded interviews"]


def test_scores_template_round_trip(tmp_path: Path):
    path = priorities.write_scores_template("wolfenbuettel", tmp_path / "t.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert (
        lines[0] == "field_id,label,evidence_rank," + ",".join(priorities.CRITERION_KEYS) + ",note"
    )
    assert lines[1] == "WF01,IT: joint IT company,1,,,,,,,"
    assert len(lines) == 9
    with pytest.raises(FileExistsError):
        priorities.write_scores_template("wolfenbuettel", path)
    # an unfilled template has no scored field; a filled row is read, empty rows are skipped
    with pytest.raises(DataValidationError, match="no scored fields"):
        read_scores_csv(path)
    lines[2] = "WF02,Payroll,1,3,3,1,3,1,1,"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    scores = read_scores_csv(path)
    assert list(scores["field_id"]) == ["WF02"] and scores.iloc[0]["effort"] == 1
    lines[3] = "WF03,Audit office (RPA),1,3,,1,3,1,1,"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="line 4, success_likelihood: value is missing"):
        read_scores_csv(path)


def test_scores_template_of_a_district_without_fields(tmp_path: Path):
    path = priorities.write_scores_template("15088", tmp_path / "t.csv")
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1  # header only


def test_demo_fields_are_invented_and_translated():
    fields = priorities.demo_fields(3)
    assert list(fields["field_id"]) == ["DEMO_A", "DEMO_B", "DEMO_C"]
    assert [tr(label, "de") for label in fields["label"]] == [
        "Erfundenes Feld A",
        "Erfundenes Feld B",
        "Erfundenes Feld C",
    ]
    with pytest.raises(ValueError):
        priorities.demo_fields(0)


def test_restrict_judgements_keeps_pairs_of_the_chosen_criteria():
    kept = ahp.restrict_judgements(
        priorities.ILLUSTRATIVE_AHP_JUDGEMENTS, ["monetary_gain", "effort"]
    )
    assert kept == {"monetary_gain": {"effort": 2}, "effort": {}}
    every = ahp.restrict_judgements(
        priorities.ILLUSTRATIVE_AHP_JUDGEMENTS, priorities.CRITERION_KEYS
    )
    assert every == priorities.ILLUSTRATIVE_AHP_JUDGEMENTS


def test_illustrative_judgements_judge_every_pair_consistently_enough():
    keys = priorities.CRITERION_KEYS
    matrix = ahp.pairwise_from_judgements(keys, priorities.ILLUSTRATIVE_AHP_JUDGEMENTS)
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
