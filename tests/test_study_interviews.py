"""The interviews study runs without Jupyter for every district and reproduces the report."""

from __future__ import annotations

import re
from dataclasses import fields

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from ikzlib import catalog, interview_data, paths
from ikzlib.errors import ParameterError
from ikzlib.figures import interviews as plots
from ikzlib.keyfigures import Kind
from ikzlib.municipalities import load_municipalities
from ikzlib.qda import demo, tidy
from ikzlib.studies import interviews

# The key figures notebook 03 recorded for Harz before the study moved into the library.
HARZ_REPORT = {
    "has_interview_data": True,
    "saturation_verdict": (
        "not reached (in the given order; 87 of 1000 random orders reach it, median b+r = 5+2)"
    ),
    "demo_segment_kappa": 0.893,
    "demo_segment_alpha": 0.893,
    "demo_suppressed_cells": 22,
    "n_interviews": 7,
    "n_codes": 65,
    "n_codings": 61,
    "n_unattributed": 52,
    "n_interviews_lacking_resources": 7,
    "n_interviews_legal_risk": 4,
}
DEMO_FIGURES = {"demo_segment_kappa", "demo_segment_alpha", "demo_suppressed_cells"}


@pytest.fixture(scope="module")
def studies():
    return {key: interviews.run(key) for key in catalog.district_keys()}


@pytest.fixture(scope="module")
def harz_study(studies):
    return studies["harz"]


def _texts(study) -> list[str]:
    """Every sentence and table cell of a study result that a report prints."""
    texts = list(study.notes)
    own = study.interviews
    if own is not None:
        texts += [own.overview, *own.provenance, *own.highlights, own.field_note]
        texts += [own.cooccurrence_note, *own.saturation_notes, own.source]
        texts += [own.saturation.verdict, *own.project.documents["name"]]
        for table in (own.findings, own.unattributed, own.potential_fields, own.facts):
            texts += [] if table is None else [str(v) for v in table.to_numpy().ravel()]
    return texts


def test_harz_key_figures_equal_the_report(harz_study):
    assert harz_study.key_figures.values() == HARZ_REPORT


def test_harz_published_counts(harz_study):
    findings = harz_study.interviews.findings.set_index("code_id")
    assert findings.loc["obstacles.resources", "interviews"] == "1, 2, 3, 4, 5, 6, 7"
    assert findings.loc["obstacles.legal_risk", "interviews"] == "1, 2, 3, 6"
    assert findings.loc["digital.for", "interviews"] == "3, 5"
    assert findings.loc["digital.against", "interviews"] == "1, 2, 7"
    assert (
        "Obstacles > Legal risk: 4 of 7 interviews (1, 2, 3, 6)" in harz_study.interviews.highlights
    )
    assert len(harz_study.interviews.findings) == len(interviews.KEY_CODES)


def test_harz_tables(harz_study):
    own = harz_study.interviews
    assert own.overview == "7 documents, 65 codes, 61 codings, 52 unattributed findings"
    assert own.unknown_variables == ("format", "participants", "roles", "size_class")
    assert own.unattributed_by_word.loc["einigen", "findings"] == 7
    assert (own.potential_fields["n_interviews"] == 0).all() and len(own.potential_fields) == 11
    assert "Procurement: viele, unspecified" in own.field_note
    assert own.matrix.shape == (7, 18)
    assert own.top_pairs.iloc[-1][["code_a", "code_b", "n12"]].tolist() == [
        "informal.exchange.working_groups",
        "obstacles.legal_risk",
        3,
    ]
    assert own.saturation.result.base_codes == 16
    assert own.saturation.runs_percent["new_share"].tolist() == [12.5, 6.2]
    assert own.reconstruction and own.value_label == "attributions"
    assert own.source.startswith("Harz IKZ case study (2023), sections 3.5-3.6, footnotes 91-113")


def test_harz_provenance_comes_from_the_data(harz_study):
    own = harz_study.interviews
    text = " ".join(own.provenance)
    assert "16 footnotes (footnotes 91-113)" in text
    assert "52 findings are reported without naming interviews" in text
    assert "data/raw/harz/interviews/README.md" in text
    notes = " ".join(own.saturation_notes)
    assert "With 7 interviews and a base of 4, at most 2 run(s) of 2 fit." in notes
    assert "neither be confirmed nor refuted" in notes


def test_demo_part(harz_study):
    shown = harz_study.demo
    assert shown.overall["cohen_kappa"] == pytest.approx(0.893, abs=5e-4)
    assert (shown.n_primary, shown.n_complementary) == (17, 5)
    assert shown.crosstab.loc["documents", "total"] == 16
    assert (shown.crosstab_shown.loc["Obstacles: Legal risk"] == "<3").sum() == 2
    assert len(shown.pairs) == 3 and (shown.pairs["n12"] > 0).all()
    assert shown.saturation.verdict.startswith("reached at b+r = 6+2")
    assert demo.DEMO_LABEL in shown.source and len(shown.segments) == 6


def test_every_key_figure_has_kind_and_source(studies):
    section = interviews.SECTION
    assert (section.name, section.order, section.notebook) == ("interviews", 30, "03_interviews")
    assert 2 <= sum(spec.headline for spec in section.figures) <= 4
    assert {spec.name for spec in section.figures} == set(HARZ_REPORT)
    for study in studies.values():
        for figure in study.key_figures.figures:
            assert figure.kind in Kind and figure.source, figure.name
            expected_synthetic = figure.name in DEMO_FIGURES
            assert (figure.kind == Kind.SYNTHETIC) == expected_synthetic, figure.name


def test_harz_counts_are_published_from_the_footnotes(harz_study):
    for name in ("n_interviews", "n_interviews_legal_risk", "n_unattributed"):
        figure = harz_study.key_figures[name]
        assert figure.kind == Kind.PUBLISHED
        assert "footnotes 91-113" in figure.source
    assert harz_study.key_figures["saturation_verdict"].kind == Kind.DERIVED


@pytest.mark.parametrize("key", [k for k in catalog.district_keys() if k != "harz"])
def test_district_without_interviews(studies, key):
    study = studies[key]
    district = catalog.get_district(key)
    assert not interview_data.has_interviews(district)
    assert study.interviews is None
    assert study.notes == (district.inputs.missing_note("interviews"),)
    assert f"data/raw/{key}/interviews" in study.notes[0]
    values = study.key_figures.values()
    assert values["has_interview_data"] is False
    assert values["saturation_verdict"] == interviews.NO_DATA_VERDICT
    assert "n_interviews" not in values
    assert values["demo_suppressed_cells"] == HARZ_REPORT["demo_suppressed_cells"]
    assert not any(re.search(r"Harz|Vorharz|Halberstadt|Table 1", t) for t in _texts(study))


def test_no_interview_is_linked_to_a_municipality(harz_study):
    names = {n.split(",")[0].split("/")[0].strip() for n in load_municipalities("harz")["name"]}
    names = {re.sub(r"\s*\(.*\)", "", n) for n in names}
    assert len(names) >= 20
    for text in _texts(harz_study):
        for name in names:
            assert not re.search(rf"\b{re.escape(name)}\b", text), (name, text)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("min_cell_size", 0, "min_cell_size=0: must be >= 1"),
        ("saturation_base", 2.5, "whole number"),
        ("saturation_run", 0, "saturation_run=0"),
        ("saturation_threshold", 1.0, "share below 1"),
        ("saturation_threshold", -0.1, "must be >= 0"),
        ("n_bootstrap", -1, "n_bootstrap=-1"),
        ("seed", "abc", "a number is required"),
        ("min_overlap", 0, "must be > 0"),
        ("min_overlap", 150, "must be <= 100"),
    ],
)
def test_bad_parameters_raise_parameter_error(name, value, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        interviews.run("helmstedt", **{name: value})


def test_parameters_change_the_results():
    study = interviews.run("harz", n_bootstrap=20, min_cell_size=1, saturation_base=3)
    assert study.demo.n_hidden == 0
    assert "of 20 random orders" in study.key_figures["saturation_verdict"].value
    assert study.interviews.saturation.result.runs["n_before"].iloc[0] == 3
    assert study.parameters.saturation_base == 3


def test_result_is_frozen(harz_study):
    with pytest.raises(AttributeError):
        harz_study.notes = ()  # type: ignore[misc]
    assert {f.name for f in fields(harz_study)} >= {"district", "key_figures", "interviews", "demo"}


@pytest.fixture
def own_coded_data(tmp_path, monkeypatch):
    """Harz replaced by segment-coded interviews without the reconstruction's extra tables."""
    project = demo.demo_project(n_documents=8, seed=5)
    tidy.write_tidy(project, tmp_path / "harz" / "interviews")
    monkeypatch.setattr(paths, "DATA_RAW", tmp_path)
    return project


def test_district_with_its_own_coded_interviews(own_coded_data):
    study = interviews.run("harz", n_bootstrap=10)
    own = study.interviews
    assert own is not None and not own.reconstruction
    assert own.value_label == "codings" and own.unattributed is None and own.facts is None
    values = study.key_figures.values()
    assert values["n_interviews"] == 8 and "n_unattributed" not in values
    assert study.key_figures["n_codings"].kind == Kind.DERIVED
    assert not any("footnote" in s for s in own.provenance)
    assert not any(re.search(r"Harz", t) for t in _texts(study))
    # numbers fall back to the document order when there is no interview_number variable
    assert own.findings.set_index("code_id").loc["obstacles.resources", "interviews"]
    assert own.potential_fields.empty and own.field_note


def test_figures_are_titled_from_the_district(harz_study, studies):
    for draw in (plots.findings_heatmap, plots.findings_network):
        fig = draw(harz_study)
        assert fig.axes[0].get_title().startswith("Landkreis Harz interviews: ")
        plt.close(fig)
    for study in studies.values():
        for draw in (plots.demo_agreement, plots.demo_saturation):
            fig = draw(study)
            title = fig.axes[0].get_title()
            assert "synthetic demo" in title and "Harz" not in title
            assert any(t.get_text() == demo.DEMO_LABEL for t in fig.texts)
            plt.close(fig)


def test_figures_draw_into_a_given_axes(harz_study):
    fig, ax = plt.subplots()
    assert plots.demo_agreement(harz_study, ax=ax) is fig
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "Obstacles: Lacking resources" and len(labels) == len(harz_study.demo.codes)
    plt.close(fig)


def test_district_figures_need_interviews(studies):
    with pytest.raises(ValueError, match="no coded interviews"):
        plots.findings_heatmap(studies["helmstedt"])


def test_study_draws_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("IKZ_OUTPUT_ROOT", str(tmp_path))
    before = plt.get_fignums()
    interviews.run("harz", n_bootstrap=5)
    assert plt.get_fignums() == before
    assert not any(tmp_path.iterdir())
    assert isinstance(interviews.run("helmstedt", n_bootstrap=5).demo.crosstab, pd.DataFrame)
