"""Study ``task_fields`` (notebook 05): every district without Jupyter, kinds, parameters."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from ikzlib import catalog, priorities
from ikzlib.errors import IkzError, ParameterError
from ikzlib.figures import priorities as priority_figures
from ikzlib.keyfigures import Kind
from ikzlib.studies import priorities as study_module

# The committed outputs of notebook 05 before the study moved into the library (HEAD 8d380e8).
HARZ_BEFORE = {
    "n_candidate_fields": 11,
    "n_interview_fields": 11,
    "n_top_priority_fields": 0,
    "n_scored_fields": 11,
    "score_origin": "illustrative",
    "ahp_consistency_ratio": 0.011,
    "top_field": "Whistleblower office",
    "top_field_p_top_k": 1.0,
    "top_k": 3,
}
# The same pipeline run for the other districts before the move.
OTHERS_BEFORE = {
    "helmstedt": {
        "n_candidate_fields": 38,
        "n_interview_fields": 0,
        "n_top_priority_fields": 11,
        "n_scored_fields": 11,
        "top_field": "Pool administration",
    },
    "wolfenbuettel": {
        "n_candidate_fields": 8,
        "n_interview_fields": 0,
        "n_top_priority_fields": 4,
        "n_scored_fields": 4,
        "top_field": "Audit office (RPA)",
    },
}
HARZ_WORDS = ("Harz", "Vorharz", "Halberstadt", "Table 1", "Anlage 1")
NOWHERE = catalog.District(
    key="nowhere_test",
    name="Landkreis Nirgendwo",
    official_name="Landkreis Nirgendwo",
    kreis_key="99999",
    land="Testland",
    notes="",
    source="test",
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def studies() -> dict[str, study_module.PrioritiesStudy]:
    """The study with default parameters for every configured district."""
    return {key: study_module.run(key) for key in catalog.district_keys()}


def _write_scores(path: Path, rows: list[str]) -> Path:
    header = "field_id,label," + ",".join(priorities.CRITERION_KEYS) + "\n"
    path.write_text(header + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def test_section_keeps_its_name_order_and_notebook():
    section = study_module.SECTION
    assert (section.name, section.order, section.notebook) == (
        "task_fields",
        50,
        "05_task_field_priorities",
    )
    assert {f.name for f in section.figures} == set(HARZ_BEFORE)
    assert 2 <= sum(f.headline for f in section.figures) <= 4


def test_harz_equals_the_committed_notebook(studies):
    assert studies["harz"].key_figures.values() == HARZ_BEFORE


@pytest.mark.parametrize("key", sorted(OTHERS_BEFORE))
def test_other_districts_equal_the_old_pipeline(studies, key):
    values = studies[key].key_figures.values()
    assert {name: values[name] for name in OTHERS_BEFORE[key]} == OTHERS_BEFORE[key]
    assert values["score_origin"] == "illustrative"


def test_every_district_runs_and_every_figure_has_kind_and_source(studies):
    assert set(studies) == set(catalog.district_keys())
    for key, study in studies.items():
        assert study.district.key == key
        assert study.key_figures.figures, key
        for figure in study.key_figures.figures:
            assert figure.kind in set(Kind), (key, figure.name)
            assert figure.source.strip(), (key, figure.name)


def test_kinds_with_illustrative_scores(studies):
    figures = studies["harz"].key_figures
    for name in ("n_candidate_fields", "n_interview_fields", "n_top_priority_fields"):
        assert figures[name].kind == Kind.PUBLISHED
        assert "data/raw/" in figures[name].source
    for name in ("score_origin", "ahp_consistency_ratio", "top_field", "top_field_p_top_k"):
        assert figures[name].kind == Kind.ILLUSTRATIVE, name
        assert not figures[name].evidence
    assert "interviews" in figures["n_interview_fields"].source
    helmstedt = studies["helmstedt"].key_figures
    assert "no coded interviews" in helmstedt["n_interview_fields"].source
    assert "task_fields.csv" in helmstedt["n_top_priority_fields"].source


def test_tables_of_the_harz_run(studies):
    study = studies["harz"]
    assert list(study.criteria["criterion"])[0] == "Expected monetary gain"
    assert list(study.criteria["effect on priority"]) == [
        "raises",
        "raises",
        "lowers",
        "raises",
        "lowers",
        "lowers",
    ]
    assert set(study.fields["origin"]) == {"interviews"}
    assert study.matrix_legibility is None and study.matrix_modes is None
    assert study.illustrative and study.has_ranking
    assert list(study.ranking["rank"])[:3] == [1, 2, 3]
    assert study.ranking.iloc[0]["total"] == 36.0
    assert study.stability.iloc[1]["p_top_k"] == pytest.approx(0.9495)
    assert study.ahp.consistency_ratio == pytest.approx(0.011, abs=5e-4)
    assert study.weight_comparison["direct weights (normalised)"].sum() == pytest.approx(1)
    assert study.weight_comparison["AHP weights"].sum() == pytest.approx(1)
    assert study.rank_change_summary == "2 of 11 fields change rank between the two weight sets."
    assert study.ahp_summary.startswith("lambda_max = 6.068")
    assert "(acceptable" in study.ahp_summary


def test_matrix_summaries_only_for_a_district_with_a_matrix(studies):
    helmstedt = studies["helmstedt"]
    assert helmstedt.matrix_legibility["rows"].sum() == 41
    assert helmstedt.matrix_modes["rows"].sum() == 41
    assert "Z = centralise" in helmstedt.matrix_modes.index.name
    matrix_notes = [n for n in helmstedt.notes if n.startswith("The transcribed priority matrix")]
    assert len(matrix_notes) == 1 and "41 rows" in matrix_notes[0]
    assert "11 rows (10 fields) are marked top priority" in matrix_notes[0]
    for key in ("harz", "wolfenbuettel"):
        assert studies[key].matrix_legibility is None
        assert not any("unknown_cells" in note for note in studies[key].notes)


@pytest.mark.parametrize("key", ["helmstedt", "wolfenbuettel"])
def test_no_harz_sentence_in_other_districts(studies, key):
    study = studies[key]
    texts = [*study.notes, study.scoring_source, study.stability_source, study.ahp_summary]
    texts += [f.source for f in study.key_figures.figures]
    for text in texts:
        for word in HARZ_WORDS:
            assert word not in text, (key, word, text)
    assert study.district.name in study.notes[0]


def test_district_without_candidate_fields_gets_notes_not_errors():
    study = study_module.run(NOWHERE, n_draws=10)
    assert study.fields.empty and study.scores.empty
    assert study.score_origin == study_module.NO_SCORES
    assert study.matrix_legibility is None and study.ranking is None
    assert study.stability is None and study.rank_comparison is None
    joined = " ".join(study.notes)
    assert "No candidate task fields are recorded for Landkreis Nirgendwo" in joined
    assert "data/raw/nowhere_test/task_fields.csv" in joined
    assert "data/raw/nowhere_test/candidate_fields.csv" in joined
    assert "Fewer than two fields to rank (0)" in joined
    for word in HARZ_WORDS:
        assert word not in joined
    # a district without the documents has no field counts (not zero)
    assert list(study.key_figures.values()) == ["ahp_consistency_ratio"]
    with pytest.raises(IkzError, match="fewer than two scored fields"):
        priority_figures.weighted_scores(study)
    with pytest.raises(IkzError, match="fewer than two scored fields"):
        priority_figures.rank_stability(study)


def test_user_scores_make_the_ranking_model_output(tmp_path: Path):
    path = _write_scores(tmp_path / "scores.csv", ["F1,One,3,3,1,3,1,1", "F2,Two,1,1,3,1,3,3"])
    study = study_module.run("harz", scores_file=path, n_draws=50)
    assert study.score_origin == priorities.USER and not study.illustrative
    figures = study.key_figures
    assert figures["top_field"].value == "One"
    for name in ("n_scored_fields", "score_origin", "top_field", "top_field_p_top_k", "top_k"):
        assert figures[name].kind == Kind.MODEL, name
        assert "scores" in figures[name].source
    # the default judgements stay illustrative, the documents' counts published
    assert figures["ahp_consistency_ratio"].kind == Kind.ILLUSTRATIVE
    assert figures["n_candidate_fields"].kind == Kind.PUBLISHED
    assert str(path) in study.scoring_source
    assert "ILLUSTRATIVE" not in study.scoring_source
    fig = priority_figures.weighted_scores(study)
    assert "illustrative" not in fig.axes[0].get_title()


def test_relative_scores_file_resolves_against_the_project_root(tmp_path: Path):
    relative = "tests/fixtures/does_not_exist_scores.csv"
    with pytest.raises(ParameterError, match="scores_file=.*no such file"):
        study_module.run("harz", scores_file=relative)


def test_one_scored_field_is_not_ranked(tmp_path: Path):
    path = _write_scores(tmp_path / "one.csv", ["F1,One,3,3,1,3,1,1"])
    study = study_module.run("wolfenbuettel", scores_file=path)
    assert not study.has_ranking and study.rank_comparison is None
    assert any("Fewer than two fields to rank (1)" in note for note in study.notes)
    assert "top_field" not in study.key_figures
    assert study.key_figures["n_scored_fields"].value == 1
    assert study.rank_change_summary.startswith("No ranking to compare")


def test_own_judgements_make_the_consistency_ratio_model_output():
    criteria = ["monetary_gain", "effort", "staff_capacity"]
    judgements = {
        "monetary_gain": {"effort": 3, "staff_capacity": 6},
        "staff_capacity": {"effort": 0.5},
    }
    study = study_module.run(
        "wolfenbuettel", criteria=criteria, ahp_judgements=judgements, n_draws=50
    )
    figure = study.key_figures["ahp_consistency_ratio"]
    assert figure.kind == Kind.MODEL and figure.value == pytest.approx(0, abs=1e-9)
    assert not any("illustrative defaults" in note for note in study.notes)
    assert list(study.weight_comparison["AHP weights"].round(4)) == [0.6667, 0.2222, 0.1111]
    assert len(study.criteria) == 3


def test_a_criteria_subset_keeps_the_default_judgements_illustrative():
    study = study_module.run("harz", criteria=["monetary_gain", "effort"], n_draws=50)
    assert study.key_figures["ahp_consistency_ratio"].kind == Kind.ILLUSTRATIVE
    assert list(study.scores.columns) == [
        "field_id",
        "label",
        "monetary_gain",
        "effort",
        "score_origin",
    ]


def test_only_top_priority_false_scores_every_field(studies):
    study = study_module.run("helmstedt", only_top_priority=False, n_draws=50)
    assert len(study.scores) == len(studies["helmstedt"].fields) == 38


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"criteria": ["monetary_gain", "beauty"]}, "parameter criteria="),
        ({"criteria": ["effort", "effort"]}, "parameter criteria="),
        ({"criteria": []}, "parameter criteria="),
        ({"criteria": "effort"}, "parameter criteria="),
        (
            {"weights": {"monetary_gain": 1}, "criteria": priorities.CRITERION_KEYS},
            r"no weight for criteria \['success_likelihood'",
        ),
        ({"weights": {**priorities.ILLUSTRATIVE_WEIGHTS, "effort": 0}}, r"weights\['effort'\]"),
        ({"weights": {**priorities.ILLUSTRATIVE_WEIGHTS, "effort": -1}}, r"must be > 0"),
        ({"weights": {**priorities.ILLUSTRATIVE_WEIGHTS, "effort": "x"}}, "a number"),
        ({"weights": {**priorities.ILLUSTRATIVE_WEIGHTS, "effort": float("inf")}}, "finite"),
        ({"weights": [1, 2]}, "parameter weights="),
        ({"criteria": {"effort", "monetary_gain"}}, "parameter criteria="),
        ({"spread": 1}, "parameter spread=1: must be < 1"),
        ({"spread": -0.1}, "parameter spread=-0.1: must be >= 0"),
        ({"top_k": 0}, "parameter top_k=0"),
        ({"n_draws": 0}, "parameter n_draws=0"),
        ({"n_draws": 1.5}, "whole number"),
        ({"seed": -1}, "parameter seed=-1"),
        ({"only_top_priority": "yes"}, "parameter only_top_priority="),
        ({"scores_file": 3}, "parameter scores_file=3"),
        ({"ahp_judgements": {"effort": 2}}, "parameter ahp_judgements"),
        (
            {"ahp_judgements": {"monetary_gain": {"effort": 2}}},
            "parameter ahp_judgements: pairs without a judgement",
        ),
        (
            {
                "ahp_judgements": {
                    **priorities.ILLUSTRATIVE_AHP_JUDGEMENTS,
                    "effort": {"staff_capacity": -1, "legal_constraints": 2},
                }
            },
            r"ahp_judgements\['effort'\]\['staff_capacity'\]",
        ),
    ],
)
def test_bad_parameters_raise_parameter_error(params, message):
    with pytest.raises(ParameterError, match=message):
        study_module.run("harz", **params)


def test_unknown_district_is_refused():
    with pytest.raises(IkzError, match="unknown district"):
        study_module.run("atlantis")


def test_study_is_frozen(studies):
    with pytest.raises(dataclasses.FrozenInstanceError):
        studies["harz"].score_origin = "user"  # type: ignore[misc]


# --- figures ---------------------------------------------------------------------------------


def test_weighted_scores_chart(studies):
    study = studies["wolfenbuettel"]
    fig = priority_figures.weighted_scores(study)
    ax = fig.axes[0]
    assert ax.get_title() == "Task-field priorities, Landkreis Wolfenbüttel\n(illustrative scores)"
    widths = [bar.get_width() for bar in ax.patches]
    # best field on top: bars are drawn from the bottom up
    assert widths == sorted(widths)
    assert widths[-1] == pytest.approx(study.ranking.iloc[0]["normalised"])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == study.ranking.iloc[0]["label"]
    own_fig, own_ax = plt.subplots()
    assert priority_figures.weighted_scores(study, ax=own_ax) is own_fig


def test_rank_stability_chart(studies):
    study = studies["harz"]
    fig = priority_figures.rank_stability(study)
    left, right = fig.axes
    assert "illustrative scores" in fig.get_suptitle()
    assert "±50%, 2000 draws" in fig.get_suptitle()
    assert right.get_xlabel() == "share of draws in the top 3"
    assert [bar.get_width() for bar in right.patches][-1] == pytest.approx(1.0)
    assert left.get_xlim() == (11.5, 0.5)


def test_short_wraps_long_labels():
    assert priority_figures.short("a" * 10) == "a" * 10
    wrapped = priority_figures.short("Energy supply and climate management in the district", 20)
    assert all(len(line) <= 20 for line in wrapped.split("\n"))
    assert wrapped.replace("\n", " ") == "Energy supply and climate management in the district"


def test_interviews_without_the_unattributed_table(monkeypatch):
    # coded data exported from a QDA program has no unattributed_findings.csv
    from ikzlib import interview_data

    monkeypatch.setattr(interview_data, "has_table", lambda district, name: False)
    study = study_module.run("harz", n_draws=10)
    assert study.key_figures["n_interview_fields"].value == 11
    assert set(study.fields["mentions_unattributed"]) == {""}
