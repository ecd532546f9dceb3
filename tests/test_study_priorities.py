"""Study ``task_fields`` (notebook 05): evidence ranking, the district's own scores, the demo."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from ikzlib import catalog, priorities
from ikzlib.errors import DataValidationError, IkzError, ParameterError
from ikzlib.figures import priorities as priority_figures
from ikzlib.i18n import missing_translations, tr
from ikzlib.keyfigures import Kind
from ikzlib.studies import priorities as study_module

# Key figures by district, from the documents alone (no scores of the district).
EXPECTED = {
    # Harz IKZ case study (2023), section 3.5.3: "viele" see potential in procurement (U15).
    "harz": {
        "n_candidate_fields": 11,
        "n_interview_fields": 11,
        "n_top_priority_fields": 0,
        "n_evidence_fields": 11,
        "n_top_rank_fields": 1,
        "top_evidence_field": "Procurement",
        "top_evidence": "Count word of the study: many interviews",
    },
    # Helmstedt Drucksache 023/2012: the steering group's 11 top rows (10 fields) tie.
    "helmstedt": {
        "n_candidate_fields": 38,
        "n_interview_fields": 0,
        "n_top_priority_fields": 11,
        "n_evidence_fields": 38,
        "n_top_rank_fields": 11,
        "top_evidence": "Top priority of a steering group",
    },
    # Wolfenbüttel motion of 19.04.2023: four primary fields tie.
    "wolfenbuettel": {
        "n_candidate_fields": 8,
        "n_interview_fields": 0,
        "n_top_priority_fields": 4,
        "n_evidence_fields": 8,
        "n_top_rank_fields": 4,
        "top_evidence": "Primary field of a motion",
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
    """The study with default parameters for every configured district and Saalekreis."""
    return {key: study_module.run(key, n_draws=200) for key in [*catalog.district_keys(), "15088"]}


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
    assert 2 <= sum(f.headline for f in section.figures) <= 4
    # nothing in the section may be illustrative or synthetic, not even as an alternative
    for figure in section.figures:
        assert figure.allowed_kinds() <= {Kind.PUBLISHED, Kind.DERIVED, Kind.MODEL}, figure.name


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_key_figures_come_from_the_documents(studies, key):
    assert studies[key].key_figures.values() == EXPECTED[key]


def test_no_key_figure_is_illustrative_or_synthetic(studies):
    for key, study in studies.items():
        for figure in study.key_figures.figures:
            assert figure.evidence, (key, figure.name, figure.kind)
            assert figure.source.strip(), (key, figure.name)


def test_the_demo_is_separate_and_illustrative(studies):
    demo = studies["harz"].demo
    assert demo.illustrative and studies["harz"].scoring is None
    assert set(demo.scores["field_id"]) == {f"DEMO_{c}" for c in "ABCDEF"}
    assert set(demo.scores["score_origin"]) == {priorities.ILLUSTRATIVE}
    assert "ILLUSTRATIVE" in demo.scoring_source and "ILLUSTRATIVE" in demo.stability_source
    # no real field's name is scored by the demo
    real = set(studies["harz"].fields["label"])
    assert not real & set(map(str, demo.scores["label"]))
    assert demo.ahp.consistency_ratio == pytest.approx(0.011, abs=5e-4)
    assert str(demo.ahp_summary).startswith("lambda_max = 6.068")
    assert tr(demo.ahp_summary, "de").endswith("(akzeptabel: Schwelle 0,10)")
    assert str(demo.rank_change_summary) == "0 of 6 fields change rank between the two weight sets."


def test_helmstedt_matrix_summaries_and_inferred_pooling(studies):
    helmstedt = studies["helmstedt"]
    assert helmstedt.matrix_legibility["rows"].sum() == 41
    assert helmstedt.matrix_modes["rows"].sum() == 41
    matrix_notes = [n for n in helmstedt.notes if n.startswith("The transcribed priority matrix")]
    assert len(matrix_notes) == 1 and "41 rows" in matrix_notes[0]
    assert "11 rows (10 fields) are marked top priority" in matrix_notes[0]
    inferred = helmstedt.evidence[helmstedt.evidence["status"] == priorities.INFERRED]
    assert len(inferred) == 14 and set(inferred["evidence_type"]) == {"pooling_all_units"}
    assert helmstedt.evidence_data == ("priority matrix",)
    for key in ("harz", "wolfenbuettel"):
        assert studies[key].matrix_legibility is None
        assert not any("unknown_cells" in note for note in studies[key].notes)


@pytest.mark.parametrize("key", ["helmstedt", "wolfenbuettel", "15088"])
def test_no_harz_sentence_in_other_districts(studies, key):
    study = studies[key]
    texts = [*study.notes, study.demo.scoring_source, study.demo.stability_source]
    texts += [f.source for f in study.key_figures.figures]
    for text in texts:
        for word in HARZ_WORDS:
            assert word not in text, (key, word, text)
    assert study.district.name in study.notes[0]


def test_every_note_has_german(studies):
    for key, study in studies.items():
        messages = [n for n in study.notes if hasattr(n, "template")]
        assert not missing_translations(messages), key
        # the catalog's missing-input notes are plain English strings (catalog.py)
        assert len(messages) >= len(study.notes) - 3, key


def test_district_without_any_data_gets_notes_not_errors(studies):
    for study in (studies["15088"], study_module.run(NOWHERE, n_draws=10)):
        assert study.fields.empty and study.evidence.empty and study.evidence_ranking.empty
        assert not study.has_evidence and study.template.empty
        assert study.key_figures.figures == ()
        joined = " ".join(study.notes)
        assert f"No candidate task fields are recorded for {study.district.name}" in joined
        assert f"data/raw/{study.district.key}/task_fields.csv" in joined
        assert f"data/raw/{study.district.key}/priority_scores.csv" in joined
        assert "No field has documented evidence" in joined
        assert study.demo is not None and study.demo.has_ranking
        with pytest.raises(IkzError, match="no field has documented evidence"):
            priority_figures.evidence_ranking(study)


def test_own_scores_make_derived_and_model_figures(tmp_path: Path):
    path = _write_scores(tmp_path / "scores.csv", ["F1,One,3,3,1,3,1,1", "F2,Two,1,1,3,1,3,3"])
    study = study_module.run("harz", scores_file=path, n_draws=50)
    assert study.demo is None and not study.scoring.illustrative
    figures = study.key_figures
    assert figures["top_field"].value == "One"
    assert figures["n_scored_fields"].value == 2
    for name in ("n_scored_fields", "top_field"):
        assert figures[name].kind == Kind.DERIVED, name
        assert "scores.csv" in figures[name].source
    assert figures["top_field_p_top_k"].kind == Kind.MODEL
    assert figures["top_field_p_top_k"].value == 1.0  # F1 dominates F2 on every criterion
    assert "equal weights" in figures["top_field"].source
    assert "ahp_consistency_ratio" not in figures  # no judgements passed
    # the documents' figures stay as they are
    assert figures["top_evidence_field"].value == "Procurement"
    fig = priority_figures.weighted_scores(study.scoring)
    assert "illustrative" not in fig.axes[0].get_title().lower()
    assert "Landkreis Harz" in fig.axes[0].get_title()


def test_scores_at_the_input_path_are_found(tmp_path: Path, monkeypatch):
    path = _write_scores(
        tmp_path / "priority_scores.csv", ["F1,One,3,3,1,3,1,1", "F2,Two,1,1,3,1,3,3"]
    )
    monkeypatch.setattr(priorities, "scores_path", lambda district: path)
    study = study_module.run("wolfenbuettel", n_draws=20)
    assert study.scoring is not None and study.demo is None
    assert study.key_figures["n_scored_fields"].value == 2


def test_an_unfilled_template_at_the_input_path_is_refused(tmp_path: Path, monkeypatch):
    path = priorities.write_scores_template("wolfenbuettel", tmp_path / "priority_scores.csv")
    monkeypatch.setattr(priorities, "scores_path", lambda district: path)
    with pytest.raises(DataValidationError, match="no scored fields"):
        study_module.run("wolfenbuettel")


def test_own_judgements_and_weights_are_model_output(tmp_path: Path):
    path = _write_scores(tmp_path / "s.csv", ["F1,One,3,3,1,3,1,1", "F2,Two,2,1,3,1,3,3"])
    criteria = ["monetary_gain", "effort", "staff_capacity"]
    judgements = {
        "monetary_gain": {"effort": 3, "staff_capacity": 6},
        "staff_capacity": {"effort": 0.5},
    }
    study = study_module.run(
        "wolfenbuettel",
        scores_file=path,
        weights={"monetary_gain": 3, "effort": 1, "staff_capacity": 1},
        criteria=criteria,
        ahp_judgements=judgements,
        n_draws=50,
    )
    figure = study.key_figures["ahp_consistency_ratio"]
    assert figure.kind == Kind.MODEL and figure.value == pytest.approx(0, abs=1e-9)
    weights = study.scoring.weight_comparison["AHP weights"].round(4)
    assert list(weights) == [0.6667, 0.2222, 0.1111]
    assert len(study.scoring.criteria) == 3
    assert "weights passed as a parameter" in study.key_figures["top_field"].source


def test_one_scored_field_is_not_ranked(tmp_path: Path):
    path = _write_scores(tmp_path / "one.csv", ["F1,One,3,3,1,3,1,1"])
    study = study_module.run("wolfenbuettel", scores_file=path)
    assert not study.scoring.has_ranking
    assert "top_field" not in study.key_figures
    assert study.key_figures["n_scored_fields"].value == 1
    with pytest.raises(IkzError, match="fewer than two scored fields"):
        priority_figures.weighted_scores(study.scoring)


def test_relative_scores_file_resolves_against_the_project_root():
    relative = "tests/fixtures/does_not_exist_scores.csv"
    with pytest.raises(ParameterError, match="scores_file=.*no such file"):
        study_module.run("harz", scores_file=relative)


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


def test_tables_show_labels_captions_and_only_what_the_district_has(studies):
    helmstedt = studies["helmstedt"]
    legibility = helmstedt.table("legibility", "de")
    assert list(legibility.cells.columns) == ["Blatt", "Lesbarkeit", "Zeilen"]
    assert helmstedt.table("ranking").cells["Rank"].tolist()[:11] == ["1"] * 11  # the tie
    demo = helmstedt.table("demo_scored")
    assert demo.caption == "Method demo (illustrative): weighted scoring"
    assert list(demo.cells.columns) == ["Rank", "Task field", "Weighted total", "Normalised total"]
    assert all(len(v.split(".")[1]) == 3 for v in demo.cells["Normalised total"])
    # the demo's score table has one column per criterion, labelled
    scores = helmstedt.table("demo_scores")
    assert list(scores.cells.columns) == list(helmstedt.demo.score_columns.values())
    # no matrix in Harz, no scores of its own: those tables are absent, not empty
    harz = studies["harz"]
    assert harz.table("legibility") is None and harz.table("modes") is None
    assert all(harz.table(part) is None for part in ("criteria", "scores", "scored", "weights"))
    assert all(harz.table(part) is not None for part in study_module.TABLES if "demo" in part)
    with pytest.raises(ParameterError, match="table"):
        harz.table("everything")


def test_texts_of_the_own_scores_and_the_demo(studies, tmp_path: Path):
    harz = studies["harz"]
    assert harz.text("ahp", "de") == ""  # no scores of its own
    assert harz.text("demo_ahp", "de").endswith("(akzeptabel: Schwelle 0,10)")
    assert harz.text("demo_rank_change") == (
        "0 of 6 fields change rank between the two weight sets."
    )
    assert harz.text("notes").split("\n") == [str(n) for n in harz.notes]
    with pytest.raises(ParameterError, match="text"):
        harz.text("everything")


def test_template_is_written_to_the_output_root(studies, tmp_path: Path):
    study = studies["wolfenbuettel"]
    written = study.write_template(tmp_path)
    assert written == Path("data/processed/wolfenbuettel/priority_scores_template.csv")
    rows = (tmp_path / written).read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("field_id,label,evidence_rank,")
    assert len(rows) == 1 + 8  # the eight candidate fields of the motion
    assert study.write_template(tmp_path) == written  # replaces the earlier one


def test_publish_saves_each_figure_under_its_name(studies, tmp_path: Path):
    study = studies["wolfenbuettel"]
    for figure in ("evidence_ranking", "demo_weighted_scores", "demo_rank_stability"):
        image = priority_figures.publish(study, figure, lang="de", root=tmp_path)
        assert image.data == (tmp_path / f"figures/wolfenbuettel/05_{figure}.png").read_bytes()
    with pytest.raises(IkzError, match="no scoring"):
        priority_figures.publish(study, "weighted_scores", root=tmp_path)
    with pytest.raises(ParameterError, match="unknown figure"):
        priority_figures.publish(study, "map", root=tmp_path)


def test_study_is_frozen(studies):
    with pytest.raises(dataclasses.FrozenInstanceError):
        studies["harz"].scoring = None  # type: ignore[misc]


# --- figures ---------------------------------------------------------------------------------


def test_evidence_chart_names_the_data_and_keeps_ties(studies):
    study = studies["wolfenbuettel"]
    ax = priority_figures.evidence_ranking(study).axes[0]
    assert ax.get_title() == (
        "Task fields by documented evidence, Landkreis Wolfenbüttel\nData: motion"
    )
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "1  IT: joint IT company"  # best rank on top
    assert [label.split()[0] for label in labels] == ["5"] * 4 + ["1"] * 4
    assert sum(bar.get_width() for bar in ax.patches) == 8  # one piece of evidence per field
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Primary field of a motion", "Further field of a motion"]
    german = priority_figures.evidence_ranking(study, lang="de").axes[0]
    assert german.get_title().endswith("Daten: Antrag")


def test_evidence_chart_of_harz_marks_the_count_word(studies):
    ax = priority_figures.evidence_ranking(studies["harz"]).axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert texts[-1] == "many interviews"  # procurement, drawn last (top)
    assert texts.count("named, no count given") == 10
    assert "coded interviews" in ax.get_title()


def test_demo_charts_say_illustrative(studies):
    demo = studies["wolfenbuettel"].demo
    ax = priority_figures.weighted_scores(demo).axes[0]
    assert "illustrative" in ax.get_title()
    widths = [bar.get_width() for bar in ax.patches]
    assert widths == sorted(widths)  # best field on top
    assert widths[-1] == pytest.approx(demo.ranking.iloc[0]["normalised"])
    fig = priority_figures.rank_stability(demo)
    assert "illustrative" in fig.get_suptitle() and "±50 %, 200 draws" in fig.get_suptitle()
    assert fig.axes[1].get_xlabel() == "share of draws in the top 3"
    german = priority_figures.rank_stability(demo, lang="de")
    assert "illustrativ" in german.get_suptitle()
    own_fig, own_ax = plt.subplots()
    assert priority_figures.weighted_scores(demo, ax=own_ax) is own_fig


def test_short_wraps_long_labels():
    assert priority_figures.short("a" * 10) == "a" * 10
    wrapped = priority_figures.short("Energy supply and climate management in the district", 20)
    assert all(len(line) <= 20 for line in wrapped.split("\n"))
    assert wrapped.replace("\n", " ") == "Energy supply and climate management in the district"


def test_interviews_without_the_unattributed_table(monkeypatch):
    # coded data exported from a QDA program has no unattributed_findings.csv: only fields
    # with codings are evidence (procurement, footnote 102)
    from ikzlib import interview_data

    monkeypatch.setattr(interview_data, "has_table", lambda district, name: False)
    study = study_module.run("harz", n_draws=10)
    assert study.key_figures["n_interview_fields"].value == 11
    assert set(study.fields["mentions_unattributed"]) == {""}
    assert set(study.evidence["evidence_type"]) <= {"interviews_named"}
